//! Delivering the outbox. Each instance runs [`deliver_due`] in a loop; a row is claimed
//! by one guarded update (so two instances never both take it), delivered, and marked
//! sent with its body erased (it may carry a one-time link). A process that dies
//! mid-send leaves the row claimed until its claim runs out; then it is delivered again,
//! under the same Message-ID and to the same file name, so nothing arrives twice as two
//! different messages. Failures are retried with backoff and end as `failed` with the
//! reason.
//!
//! E-mails go to an SMTP server through `lettre` when one is configured
//! (`SHANQIAO_SMTP_URL`); otherwise, and for text messages, each message is written as a
//! file under the data directory (`mail/*.eml`, `sms/*.txt`), where a newcomer can read
//! them. A refusal that cannot change (a 5xx answer, an address that cannot be built)
//! fails the message at once; anything else (a timeout, a 4xx, no connection) is retried.

use super::Channel;
use crate::entities::message;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::path::{Path, PathBuf};

pub const PENDING: &str = "pending";
pub const SENDING: &str = "sending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

/// Attempts before a message is given up as `failed`.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claim holds before another instance may take the message over.
pub const CLAIM_SECONDS: i64 = 60;
/// Messages taken per pass.
const BATCH: u64 = 50;

/// Why one delivery failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("the message cannot be built: {0}")]
    Build(String),
    #[error("writing the message failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the mail server refused the message: {0}")]
    Refused(String),
    #[error("the mail server could not be reached or did not answer: {0}")]
    Unreachable(String),
}

impl DeliveryError {
    /// Whether trying again cannot help.
    pub fn is_permanent(&self) -> bool {
        matches!(self, DeliveryError::Build(_) | DeliveryError::Refused(_))
    }
}

/// Where messages go: e-mails to the SMTP server when there is one, everything else (and
/// e-mails without one) to files.
#[derive(Clone)]
pub struct Sink {
    files: FileSink,
    smtp: Option<SmtpSink>,
}

impl From<FileSink> for Sink {
    fn from(files: FileSink) -> Self {
        Sink { files, smtp: None }
    }
}

impl Sink {
    /// E-mails through `smtp` (text messages still to files).
    pub fn with_smtp(files: FileSink, smtp: SmtpSink) -> Self {
        Sink {
            files,
            smtp: Some(smtp),
        }
    }

    pub fn files(&self) -> &FileSink {
        &self.files
    }

    /// Delivers `row` once.
    pub async fn deliver(&self, row: &message::Model) -> Result<(), DeliveryError> {
        match (&self.smtp, Channel::parse(&row.channel)) {
            (Some(smtp), Some(Channel::Email)) => smtp.deliver(row).await,
            _ => {
                let files = self.files.clone();
                let row = row.clone();
                tokio::task::spawn_blocking(move || files.deliver(&row).map(|_| ()))
                    .await
                    .unwrap_or_else(|e| Err(DeliveryError::Build(e.to_string())))
            }
        }
    }
}

/// Sends e-mails to an SMTP server (`smtp://host:port`, `smtps://…`, or with
/// `?tls=required`; user and password in the URL).
#[derive(Clone)]
pub struct SmtpSink {
    transport: lettre::AsyncSmtpTransport<lettre::Tokio1Executor>,
    from: String,
    /// The whole exchange of one message, at most (lettre's own timeout covers
    /// connecting, not a server that stops answering mid-conversation).
    timeout: std::time::Duration,
}

impl std::fmt::Debug for SmtpSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSink")
            .field("from", &self.from)
            .finish()
    }
}

impl SmtpSink {
    /// A sink for `url`, each exchange given up after `timeout`. The URL is checked here
    /// (at start) so that a typo does not fail every e-mail later.
    pub fn new(url: &str, from: &str, timeout: std::time::Duration) -> Result<Self, String> {
        FileSink::check_from(from)?;
        let transport = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SHANQIAO_SMTP_URL cannot be used: {e}"))?
            .timeout(Some(timeout))
            .build();
        Ok(SmtpSink {
            transport,
            from: from.to_owned(),
            timeout,
        })
    }

    pub async fn deliver(&self, row: &message::Model) -> Result<(), DeliveryError> {
        use lettre::AsyncTransport;
        let message = email(&self.from, row)?;
        match tokio::time::timeout(self.timeout, self.transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) if e.is_permanent() => Err(DeliveryError::Refused(e.to_string())),
            Ok(Err(e)) => Err(DeliveryError::Unreachable(e.to_string())),
            Err(_) => Err(DeliveryError::Unreachable(format!(
                "no answer within {} s",
                self.timeout.as_secs()
            ))),
        }
    }
}

/// Writes messages as files: e-mails as `.eml` (RFC 5322, readable with any mail
/// program), text messages as `.txt`.
#[derive(Debug, Clone)]
pub struct FileSink {
    dir: PathBuf,
    from: String,
}

impl FileSink {
    /// Messages land under `dir` (`<data dir>/outbox`), sent from `from`.
    pub fn new(dir: impl Into<PathBuf>, from: impl Into<String>) -> Self {
        FileSink {
            dir: dir.into(),
            from: from.into(),
        }
    }

    /// Whether `from` is a sender address e-mails can carry (checked at start, so that a
    /// typo does not fail every e-mail later).
    pub fn check_from(from: &str) -> Result<(), String> {
        from.parse::<lettre::message::Mailbox>()
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the message `row` is (or will be) written; the same path however often it
    /// is delivered.
    pub fn path_of(&self, row: &message::Model) -> PathBuf {
        let stamp = row.created_at.format("%Y%m%dT%H%M%S");
        match Channel::parse(&row.channel) {
            Some(Channel::Sms) => self.dir.join("sms").join(format!("{stamp}-{}.txt", row.id)),
            _ => self
                .dir
                .join("mail")
                .join(format!("{stamp}-{}.eml", row.id)),
        }
    }

    /// Writes `row` (atomically: a temporary file renamed into place).
    pub fn deliver(&self, row: &message::Model) -> Result<PathBuf, DeliveryError> {
        let bytes = match Channel::parse(&row.channel) {
            Some(Channel::Sms) => format!(
                "To: {}\nSubject: {}\n\n{}",
                row.recipient, row.subject, row.body
            )
            .into_bytes(),
            _ => self.email(row)?,
        };
        let path = self.path_of(row);
        let folder = path.parent().unwrap_or(&self.dir);
        private_dir(folder)?;
        let partial = folder.join(format!(".{}.partial", row.id));
        write_private(&partial, &bytes)?;
        std::fs::rename(&partial, &path)?;
        Ok(path)
    }

    /// Every message delivered here to `recipient`, oldest first, as text (an e-mail's
    /// headers, then its body decoded). For reading the outbox without a mail program:
    /// tests, benchmarks, a newcomer's first sign-up.
    pub fn delivered_to(&self, recipient: &str) -> Vec<String> {
        let mut found: Vec<(i64, String)> = Vec::new();
        for folder in ["mail", "sms"] {
            let Ok(entries) = std::fs::read_dir(self.dir.join(folder)) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let id = name
                    .rsplit_once('-')
                    .and_then(|(_, rest)| rest.split('.').next())
                    .and_then(|id| id.parse().ok());
                let Some(id) = id.filter(|_| !name.starts_with('.')) else {
                    continue;
                };
                let text = read_delivered(&entry.path());
                if text.lines().any(|l| l == format!("To: {recipient}")) {
                    found.push((id, text));
                }
            }
        }
        found.sort();
        found.into_iter().map(|(_, text)| text).collect()
    }

    fn email(&self, row: &message::Model) -> Result<Vec<u8>, DeliveryError> {
        Ok(email(&self.from, row)?.formatted())
    }
}

/// `row` as an e-mail from `from`: plain text, plus HTML when the row has it, both
/// base64 (Chinese text overruns 8bit's 76-byte lines at 25 characters, and one encoding
/// keeps the files predictable for whoever reads them), with its fixed Message-ID and,
/// for alerts, `List-Unsubscribe` (one-click, RFC 8058).
fn email(from: &str, row: &message::Model) -> Result<lettre::Message, DeliveryError> {
    use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
    use lettre::message::{Body, MultiPart, SinglePart};
    let build = |e: &dyn std::fmt::Display| DeliveryError::Build(e.to_string());
    let base64 = |text: &str| {
        Body::new_with_encoding(text.to_owned(), ContentTransferEncoding::Base64)
            .map_err(|_| DeliveryError::Build("the body cannot be encoded".into()))
    };
    let mut builder = lettre::Message::builder()
        .from(from.parse().map_err(|e| build(&e))?)
        .to(row.recipient.parse().map_err(|e| build(&e))?)
        .subject(row.subject.clone())
        .message_id(Some(format!("<{}>", row.message_id)));
    if let Some(url) = &row.unsubscribe_url {
        builder = builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    let plain = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(base64(&row.body)?);
    let message = match &row.html {
        None => builder.singlepart(plain),
        Some(html) => builder.multipart(
            MultiPart::alternative().singlepart(plain).singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(base64(html)?),
            ),
        ),
    };
    message.map_err(|e| build(&e))
}

/// A delivered message as text: a text message as written; an e-mail's headers, a blank
/// line, and its base64 body decoded.
fn read_delivered(path: &Path) -> String {
    use base64::Engine;
    let raw = std::fs::read_to_string(path).unwrap_or_default();
    let Some((headers, body)) = raw.split_once("\r\n\r\n") else {
        return raw;
    };
    let decode = |body: &str| {
        let packed: String = body.split_whitespace().collect();
        base64::engine::general_purpose::STANDARD
            .decode(packed)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_else(|_| body.to_owned())
    };
    // A multipart e-mail: its plain-text part (the first).
    let boundary = headers.split("boundary=").nth(1).map(|b| {
        b.trim_start_matches('"')
            .split(['"', '\r', ';'])
            .next()
            .unwrap_or("")
    });
    let decoded = match boundary.filter(|b| !b.is_empty()) {
        Some(boundary) => body
            .split(&format!("--{boundary}"))
            .filter_map(|part| part.split_once("\r\n\r\n"))
            .map(|(_, part)| decode(part.trim_end_matches("\r\n")))
            .next()
            .unwrap_or_default(),
        None => decode(body),
    };
    format!("{}\n\n{decoded}", headers.replace("\r\n", "\n"))
}

/// Creates `dir` (and its parents) readable by this user only: messages carry one-time
/// links.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes `bytes` to a new file readable by this user only.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

/// Rows that may be taken now: pending and due, or claimed by someone whose claim ran out.
/// Messages not sent yet (waiting, being sent, or waiting to be retried), for `/metrics`.
pub async fn pending<C: sea_orm::ConnectionTrait>(db: &C) -> Result<u64, sea_orm::DbErr> {
    use sea_orm::PaginatorTrait;
    message::Entity::find()
        .filter(message::Column::Status.is_in([PENDING, SENDING]))
        .count(db)
        .await
}

fn takeable(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(message::Column::Status.eq(PENDING))
                .add(message::Column::NextAttemptAt.lte(now)),
        )
        .add(
            Condition::all()
                .add(message::Column::Status.eq(SENDING))
                .add(message::Column::ClaimedUntil.lt(now)),
        )
}

/// How long to wait after the `attempts`-th failure: 30 s, doubling, at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    let doublings = attempts.clamp(1, 8) - 1;
    Duration::seconds(std::cmp::min(30i64 << doublings, 3600))
}

/// Delivers what is due; how many messages were delivered.
pub async fn deliver_due(
    db: &DatabaseConnection,
    sink: &Sink,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let due = message::Entity::find()
        .filter(takeable(now))
        .order_by_asc(message::Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut delivered = 0;
    for row in due {
        // The claim: one guarded update, so that exactly one instance takes the row.
        let claimed = message::Entity::update_many()
            .col_expr(message::Column::Status, Expr::value(SENDING))
            .col_expr(message::Column::ClaimedBy, Expr::value(instance))
            .col_expr(
                message::Column::ClaimedUntil,
                Expr::value(now + Duration::seconds(CLAIM_SECONDS)),
            )
            .col_expr(
                message::Column::Attempts,
                Expr::col(message::Column::Attempts).add(1),
            )
            .filter(message::Column::Id.eq(row.id))
            .filter(message::Column::Attempts.eq(row.attempts))
            .filter(takeable(now))
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let attempts = row.attempts + 1;
        let outcome = sink.deliver(&row).await;
        let mine = message::Entity::update_many()
            .filter(message::Column::Id.eq(row.id))
            .filter(message::Column::Status.eq(SENDING))
            .filter(message::Column::ClaimedBy.eq(instance));
        match outcome {
            Ok(_) => {
                mine.col_expr(message::Column::Status, Expr::value(SENT))
                    .col_expr(message::Column::SentAt, Expr::value(Utc::now()))
                    .col_expr(message::Column::Body, Expr::value(""))
                    .col_expr(message::Column::Html, Expr::value(None::<String>))
                    .col_expr(message::Column::LastError, Expr::value(None::<String>))
                    .exec(db)
                    .await?;
                delivered += 1;
            }
            Err(error) => {
                let reason = error.to_string();
                tracing::warn!(message = row.id, attempts, %reason, "delivery failed");
                let (status, next) = if attempts >= MAX_ATTEMPTS || error.is_permanent() {
                    (FAILED, now)
                } else {
                    (PENDING, now + backoff(attempts))
                };
                mine.col_expr(message::Column::Status, Expr::value(status))
                    .col_expr(message::Column::NextAttemptAt, Expr::value(next))
                    .col_expr(message::Column::LastError, Expr::value(reason))
                    .exec(db)
                    .await?;
            }
        }
    }
    Ok(delivered)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(channel: &str, recipient: &str) -> message::Model {
        let now = Utc::now();
        message::Model {
            id: 7,
            channel: channel.into(),
            recipient: recipient.into(),
            subject: "善桥：请确认 / Shanqiao: confirm".into(),
            body: "请打开 https://example.org/signup/abc\n".into(),
            message_id: "abc@shanqiao".into(),
            status: PENDING.into(),
            attempts: 0,
            next_attempt_at: now,
            claimed_by: None,
            claimed_until: None,
            last_error: None,
            created_at: now,
            sent_at: None,
            html: None,
            unsubscribe_url: None,
        }
    }

    #[test]
    fn writes_readable_mail_and_text_messages_once_per_message() {
        let dir = std::env::temp_dir().join(format!("shanqiao-sink-{}", std::process::id()));
        let sink = FileSink::new(&dir, "善桥 Shanqiao <no-reply@shanqiao.example>");
        let mail = row("email", "donor@example.org");
        let first = sink.deliver(&mail).expect("written");
        let again = sink.deliver(&mail).expect("written again");
        assert_eq!(first, again, "a repeated delivery rewrites the same file");
        let text = std::fs::read_to_string(&first).expect("read");
        assert!(text.contains("To: donor@example.org"), "{text}");
        assert!(text.contains("Message-ID: <abc@shanqiao>"), "{text}");
        assert!(text.contains("Content-Transfer-Encoding: base64"), "{text}");
        let delivered = sink.delivered_to("donor@example.org");
        assert_eq!(delivered.len(), 1, "one message, however often delivered");
        assert!(
            delivered[0].contains("https://example.org/signup/abc"),
            "{delivered:?}"
        );
        let sms = sink.deliver(&row("sms", "13812345678")).expect("written");
        assert!(std::fs::read_to_string(sms)
            .expect("read")
            .starts_with("To: 13812345678"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&first)
                .expect("stat")
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o777,
                0o600,
                "only the service's user reads messages"
            );
        }
        let bad = sink.deliver(&row("email", "not an address"));
        assert!(matches!(bad, Err(DeliveryError::Build(_))));
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn checks_the_sender_address() {
        assert!(FileSink::check_from("善桥 Shanqiao <no-reply@shanqiao.localhost>").is_ok());
        assert!(FileSink::check_from("no-reply@example.org").is_ok());
        assert!(FileSink::check_from("not an address").is_err());
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(8), Duration::seconds(3600));
    }
}
