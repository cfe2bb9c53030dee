//! Messages to people: e-mails and text messages, written to the `message_outbox` in the
//! same transaction as the change that causes them, and delivered by a worker in each
//! instance ([`delivery`]). Texts are bilingual (Chinese first) until people choose a
//! language; they never carry a family's personal data.

pub mod delivery;
pub mod texts;

use crate::accounts::SignInName;
use crate::entities::message;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

/// How a message reaches its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub channel: Channel,
    /// An e-mail address or an 11-digit mobile number.
    pub recipient: String,
    pub subject: String,
    /// Plain text (an e-mail's text part).
    pub body: String,
    /// An e-mail's HTML part.
    pub html: Option<String>,
    /// An e-mail's one-click unsubscribe address (`List-Unsubscribe`).
    pub unsubscribe_url: Option<String>,
}

impl Outgoing {
    /// A message to whatever a person signs in with.
    pub fn to(name: &SignInName, text: texts::Text) -> Self {
        let (channel, recipient) = match name {
            SignInName::Email(e) => (Channel::Email, e.as_str().to_owned()),
            SignInName::Phone(p) => (Channel::Sms, p.as_str().to_owned()),
        };
        Outgoing {
            channel,
            recipient,
            subject: text.subject,
            body: text.body,
            html: None,
            unsubscribe_url: None,
        }
    }
}

/// The outbox row of `message`, pending from `now`, with its Message-ID fixed.
fn pending_row(message: Outgoing, now: DateTime<Utc>) -> message::ActiveModel {
    message::ActiveModel {
        channel: Set(message.channel.code().to_owned()),
        recipient: Set(message.recipient),
        subject: Set(message.subject),
        body: Set(message.body),
        message_id: Set(new_message_id()),
        status: Set(delivery::PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_by: Set(None),
        claimed_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        html: Set(message.html),
        unsubscribe_url: Set(message.unsubscribe_url),
        ..Default::default()
    }
}

/// Writes `message` to the outbox inside the caller's transaction; it is delivered once
/// the transaction commits, and never if it rolls back.
pub async fn queue<C: ConnectionTrait>(
    txn: &C,
    message: Outgoing,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    Ok(pending_row(message, now).insert(txn).await?.id)
}

/// Writes `messages` to the outbox inside the caller's transaction, many rows per
/// statement (an alert can write thousands).
pub async fn queue_many<C: ConnectionTrait>(
    txn: &C,
    messages: Vec<Outgoing>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use sea_orm::EntityTrait;
    let mut rows: Vec<message::ActiveModel> = messages
        .into_iter()
        .map(|message| pending_row(message, now))
        .collect();
    // Well under the bind-parameter limits of both databases (15 columns a row).
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(200));
        message::Entity::insert_many(rows).exec(txn).await?;
        rows = rest;
    }
    Ok(())
}

/// A globally unique Message-ID (without the angle brackets), fixed when the message is
/// queued so that a repeated delivery is recognisably the same message.
fn new_message_id() -> String {
    let secret = crate::accounts::secret::new_secret();
    format!("{}@shanqiao", &secret[..24])
}
