//! Opening an account through a link sent to the address (donor sign-ups and charity
//! registrations). The site answers "we sent a link" whether or not the address is
//! registered; the message itself differs: a new address gets the link, an address with
//! an account gets a notice that someone tried. Only whoever reads that address's mail or
//! text messages learns which, and the password is chosen on the link's page, so no hash
//! is spent before the address is proven.

use super::one_time_link::{self, LinkColumns};
use super::secret::{digest, new_secret};
use super::throttle::{self, Limits};
use super::{Email, Phone, SignInName};
use crate::entities::account_request;
use crate::messages::{self, texts, Outgoing};
use crate::routes;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, Set};

/// How long a sign-up link stays valid.
pub const REQUEST_HOURS: i64 = 24;

/// Messages about account requests to one address in the throttle's window, before the
/// site stops writing to it (the person who asks is still told "sent"): nobody can use
/// the form to flood someone's inbox.
pub const MESSAGES_PER_ADDRESS: Limits = Limits { free: 3, lock: 5 };

/// What a request opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A donor's account.
    Donor,
    /// A charity (pending verification) with this account as its first admin.
    Charity,
}

impl Purpose {
    pub fn code(self) -> &'static str {
        match self {
            Purpose::Donor => "donor",
            Purpose::Charity => "charity",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        match code {
            "donor" => Some(Purpose::Donor),
            "charity" => Some(Purpose::Charity),
            _ => None,
        }
    }

    /// How the messages name what was asked for.
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Purpose::Donor => ("注册捐赠人账号", "sign up as a donor"),
            Purpose::Charity => ("注册慈善组织", "register a charity"),
        }
    }
}

/// Someone's request for a new account, as typed and checked.
#[derive(Debug, Clone)]
pub struct AccountRequest {
    pub purpose: Purpose,
    pub name: SignInName,
    pub display_name: String,
    /// JSON of what else the request opens (a charity's details), `{}` for a donor.
    pub details: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// Too many requests from this client address lately.
    #[error("too many sign-ups from this address")]
    Throttled { until: DateTime<Utc> },
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Where links in messages point.
#[derive(Debug, Clone, Copy)]
pub struct Links<'a> {
    /// The site's public URL, without a trailing slash.
    pub base_url: &'a str,
}

/// Sends the link that opens the account, or, if the address already has one, a notice
/// to its owner; the caller answers the same either way. Throttled per client `address`.
pub async fn request(
    db: &DatabaseConnection,
    links: Links<'_>,
    asked: AccountRequest,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), RequestError> {
    if let Err(until) = throttle::attempt(db, &throttle::new_accounts_key(address), now).await? {
        return Err(RequestError::Throttled { until });
    }
    let txn = crate::db::begin_write(db).await?;
    // A quiet cap per recipient: beyond it nothing more is written to that address.
    let recipient_key = [(
        format!("messages:{}", asked.name.as_str()),
        MESSAGES_PER_ADDRESS,
    )];
    if throttle::attempt(&txn, &recipient_key, now).await?.is_err() {
        txn.commit().await?;
        tracing::info!("account request not sent: the recipient's cap is reached");
        return Ok(());
    }
    let (what_zh, what_en) = asked.purpose.words();
    let registered = super::store::find_by_name(&txn, &asked.name)
        .await?
        .is_some();
    let text = if registered {
        texts::address_already_registered(
            &format!("{}{}", links.base_url, routes::SIGN_IN.url()),
            what_zh,
            what_en,
        )
    } else {
        let token = new_secret();
        let (email, phone) = columns(&asked.name);
        let expires_at = now + Duration::hours(REQUEST_HOURS);
        account_request::ActiveModel {
            purpose: Set(asked.purpose.code().to_owned()),
            email: Set(email),
            phone: Set(phone),
            display_name: Set(asked.display_name.clone()),
            details: Set(asked.details.clone()),
            token_hash: Set(digest(&token)),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let link = format!("{}{}", links.base_url, routes::SIGN_UP_CONFIRM.to([&token]));
        texts::account_link(what_zh, what_en, &link, expires_at, now)
    };
    messages::queue(&txn, Outgoing::to(&asked.name, text), now).await?;
    txn.commit().await?;
    Ok(())
}

/// The e-mail and phone columns of a new account with this name.
pub fn columns(name: &SignInName) -> (Option<String>, Option<String>) {
    match name {
        SignInName::Email(e) => (Some(e.as_str().to_owned()), None),
        SignInName::Phone(p) => (None, Some(p.as_str().to_owned())),
    }
}

const REQUEST_LINKS: LinkColumns<account_request::Entity> = LinkColumns {
    id: account_request::Column::Id,
    token_hash: account_request::Column::TokenHash,
    used_at: account_request::Column::UsedAt,
    expires_at: account_request::Column::ExpiresAt,
};

/// An open request, found by its link's token.
#[derive(Debug, Clone)]
pub struct OpenRequest {
    pub id: i64,
    pub purpose: Purpose,
    pub name: SignInName,
    pub display_name: String,
    pub details: String,
}

/// The request behind a link, while it is unused and unexpired.
pub async fn open<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<OpenRequest>, DbErr> {
    let Some(row) = one_time_link::open(db, &REQUEST_LINKS, token, now).await? else {
        return Ok(None);
    };
    let name = match (&row.email, &row.phone) {
        (Some(e), _) => Email::parse(e).ok().map(SignInName::Email),
        (None, Some(p)) => Phone::parse(p).map(SignInName::Phone),
        (None, None) => None,
    };
    Ok(name
        .zip(Purpose::parse(&row.purpose))
        .map(|(name, purpose)| OpenRequest {
            id: row.id,
            purpose,
            name,
            display_name: row.display_name,
            details: row.details,
        }))
}

/// Marks the request used inside the transaction that opens the account; false when the
/// link was used first by someone else.
pub async fn use_up<C: ConnectionTrait>(
    txn: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    one_time_link::use_up(txn, &REQUEST_LINKS, id, now).await
}

/// The address as a page may show it to whoever holds the link: `d***@example.org`,
/// `138****5678`.
pub fn masked(name: &SignInName) -> String {
    match name {
        SignInName::Email(e) => {
            let (local, domain) = e.as_str().split_once('@').unwrap_or((e.as_str(), ""));
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        SignInName::Phone(p) => format!("{}****{}", &p.as_str()[..3], &p.as_str()[7..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_addresses() {
        let email = SignInName::parse("Donor@Example.org").expect("valid");
        assert_eq!(masked(&email), "d***@example.org");
        let phone = SignInName::parse("138 1234 5678").expect("valid");
        assert_eq!(masked(&phone), "138****5678");
    }
}
