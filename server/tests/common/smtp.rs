//! A small but real SMTP listener for the tests: plain TCP on 127.0.0.1, speaking enough of
//! RFC 5321 for `lettre`'s SMTP transport (no TLS, no AUTH, no PIPELINING). It keeps every
//! message it accepts, so tests can see what the app sent, and it can be told to refuse
//! recipients or to go silent after its greeting.
#![allow(dead_code)]

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// How the listener treats the next things its clients say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Accept every message.
    Accept,
    /// Answer 550 to `RCPT TO`.
    Refuse,
    /// Accept the connection and greet, then never answer the EHLO (so the client times out).
    Hang,
}

/// One message the listener accepted.
#[derive(Debug, Clone)]
pub struct Received {
    /// The `MAIL FROM` address (without the angle brackets; empty for the null sender).
    pub from: String,
    /// The `RCPT TO` addresses, in order.
    pub to: Vec<String>,
    /// The raw message, CRLF kept, dot-stuffing undone.
    pub data: String,
}

/// What the listener's tasks and the test share.
struct Shared {
    mode: Mutex<Mode>,
    received: Mutex<Vec<Received>>,
}

impl Shared {
    fn mode(&self) -> Mode {
        *lock(&self.mode)
    }
}

/// A lock that a panicking connection task cannot poison for the test.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A listening SMTP server; it stops accepting (and drops its open connections) when dropped.
pub struct SmtpServer {
    port: u16,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

impl SmtpServer {
    /// Binds 127.0.0.1:0 and serves connections in a spawned tokio task until dropped.
    pub async fn start(mode: Mode) -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the test SMTP listener");
        let port = listener
            .local_addr()
            .expect("the test SMTP listener's address")
            .port();
        let shared = Arc::new(Shared {
            mode: Mutex::new(mode),
            received: Mutex::new(Vec::new()),
        });
        let accept = tokio::spawn(serve(listener, Arc::clone(&shared)));
        SmtpServer {
            port,
            shared,
            accept,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// smtp://127.0.0.1:PORT  (what SHANQIAO_SMTP_URL would hold; plain SMTP, no TLS)
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Changes how the listener behaves. `Hang` applies from the next command a client sends
    /// (new connections are still greeted); `Refuse` from the next `RCPT TO`, on open
    /// connections too (so a pooled connection obeys it).
    pub fn set_mode(&self, mode: Mode) {
        *lock(&self.shared.mode) = mode;
    }

    /// Every message accepted so far (after the final `.` and the 250 reply).
    pub fn received(&self) -> Vec<Received> {
        lock(&self.shared.received).clone()
    }

    /// The Message-ID header value (with angle brackets stripped) of each received message,
    /// in order; a message without one gives an empty string, so positions match `received()`.
    pub fn message_ids(&self) -> Vec<String> {
        lock(&self.shared.received)
            .iter()
            .map(|message| message_id(&message.data).unwrap_or_default())
            .collect()
    }

    /// Waits (polling every 20 ms) until at least `n` messages were received or `timeout`
    /// passes; returns how many were received.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> usize {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let count = lock(&self.shared.received).len();
            if count >= n || tokio::time::Instant::now() >= deadline {
                return count;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        // Dropping the accept task drops the listener and the JoinSet, which aborts every
        // connection task still running.
        self.accept.abort();
    }
}

/// Accepts connections forever, each one handled by its own task.
async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // Answer each command at once (no Nagle delay on small replies).
                    let _ = stream.set_nodelay(true);
                    connections.spawn(session(stream, Arc::clone(&shared)));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            // Reap finished connections so the set does not grow for the test's lifetime.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn session(stream: TcpStream, shared: Arc<Shared>) {
    // An I/O error means the client went away; there is nobody to tell.
    let _ = converse(stream, &shared).await;
}

const EHLO_REPLY: &str = "250-localhost\r\n250-SMTPUTF8\r\n250 8BITMIME\r\n";

/// One SMTP conversation, from the greeting to QUIT or the client's hang-up.
async fn converse(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer
        .write_all(b"220 localhost ESMTP shanqiao test listener\r\n")
        .await?;

    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        if shared.mode() == Mode::Hang {
            // Never answer: swallow whatever comes until the client gives up and hangs up.
            tokio::io::copy(&mut reader, &mut tokio::io::sink()).await?;
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line)
            .trim_end_matches(|c: char| c == '\r' || c == '\n')
            .to_string();
        let (verb, argument) = match command.split_once(' ') {
            Some((verb, argument)) => (verb.to_ascii_uppercase(), argument.trim().to_string()),
            None => (command.trim().to_ascii_uppercase(), String::new()),
        };
        let reply: &str = match verb.as_str() {
            "EHLO" => {
                from = None;
                to.clear();
                EHLO_REPLY
            }
            "HELO" => {
                from = None;
                to.clear();
                "250 localhost\r\n"
            }
            "MAIL" => match envelope_address(&argument, "FROM:") {
                Some(address) => {
                    from = Some(address);
                    to.clear();
                    "250 2.1.0 OK\r\n"
                }
                None => "501 5.5.4 Syntax: MAIL FROM:<address>\r\n",
            },
            "RCPT" => {
                if from.is_none() {
                    "503 5.5.1 Need MAIL first\r\n"
                } else {
                    match envelope_address(&argument, "TO:") {
                        None => "501 5.5.4 Syntax: RCPT TO:<address>\r\n",
                        Some(_) if shared.mode() == Mode::Refuse => {
                            "550 5.1.1 Mailbox unavailable\r\n"
                        }
                        Some(address) => {
                            to.push(address);
                            "250 2.1.5 OK\r\n"
                        }
                    }
                }
            }
            "DATA" => match from.take() {
                None => "503 5.5.1 Need MAIL first\r\n",
                Some(sender) if to.is_empty() => {
                    from = Some(sender);
                    "503 5.5.1 Need RCPT first\r\n"
                }
                Some(sender) => {
                    writer
                        .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                        .await?;
                    let Some(data) = read_data(&mut reader).await? else {
                        // The client hung up in the middle of the message.
                        return Ok(());
                    };
                    let recipients = std::mem::take(&mut to);
                    lock(&shared.received).push(Received {
                        from: sender,
                        to: recipients,
                        data,
                    });
                    "250 2.0.0 OK: queued\r\n"
                }
            },
            "RSET" => {
                from = None;
                to.clear();
                "250 2.0.0 OK\r\n"
            }
            "NOOP" => "250 2.0.0 OK\r\n",
            "QUIT" => {
                writer.write_all(b"221 2.0.0 Bye\r\n").await?;
                writer.shutdown().await?;
                return Ok(());
            }
            "" => "500 5.5.2 Empty command\r\n",
            _ => "502 5.5.2 Command not implemented\r\n",
        };
        writer.write_all(reply.as_bytes()).await?;
    }
}

/// Reads a message after `354` up to the line `.`, undoing dot-stuffing; `None` if the
/// client hung up first.
async fn read_data<R>(reader: &mut R) -> std::io::Result<Option<String>>
where
    R: tokio::io::AsyncBufRead + Unpin,
{
    let mut data: Vec<u8> = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        if line.as_slice() == b".\r\n" || line.as_slice() == b".\n" {
            return Ok(Some(String::from_utf8_lossy(&data).into_owned()));
        }
        let unstuffed: &[u8] = if line.first() == Some(&b'.') {
            &line[1..]
        } else {
            &line[..]
        };
        data.extend_from_slice(unstuffed);
    }
}

/// The address in `FROM:<a@b> PARAMS` or `TO:<a@b>` (keyword matched case-insensitively);
/// `Some("")` for the null path `<>`.
fn envelope_address(argument: &str, keyword: &str) -> Option<String> {
    let head = argument.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = argument[keyword.len()..].trim_start();
    if let Some(inner) = rest.strip_prefix('<') {
        let end = inner.find('>')?;
        Some(inner[..end].to_string())
    } else {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        if end == 0 {
            None
        } else {
            Some(rest[..end].to_string())
        }
    }
}

/// The `Message-ID` header's value from the header block (before the first empty line),
/// folded continuation lines joined, whitespace and angle brackets stripped.
fn message_id(data: &str) -> Option<String> {
    const NAME: &str = "message-id:";
    let mut value: Option<String> = None;
    for line in data.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if let Some(value) = value.as_mut() {
            if line.starts_with(|c: char| c == ' ' || c == '\t') {
                value.push_str(line.trim());
                continue;
            }
            break;
        }
        if let Some(head) = line.get(..NAME.len()) {
            if head.eq_ignore_ascii_case(NAME) {
                value = Some(line[NAME.len()..].trim().to_string());
            }
        }
    }
    value.map(|value| {
        value
            .trim_matches(|c: char| c == '<' || c == '>' || c.is_whitespace())
            .to_string()
    })
}
