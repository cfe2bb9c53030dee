//! Signing in: check the password, throttle failures, and answer the same way whether
//! the account is unknown or the password wrong.

use super::{password, throttle, CurrentUser, SignInName};
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use std::sync::OnceLock;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Unknown account, wrong password or disabled account: one answer for all.
    #[error("wrong account or password")]
    WrongCredentials,
    /// Too many failures: wait until the given time.
    #[error("too many attempts")]
    Throttled { until: DateTime<Utc> },
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Password(#[from] password::PasswordError),
}

/// A hash of a random password, verified against when the account does not exist so
/// that an unknown account takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        password::hash_blocking("no account has this password, it only costs time")
            .unwrap_or_default()
    })
}

/// Checks a sign-in attempt. `typed_name` is what was typed in the account field (it
/// need not be valid: that is a wrong account too); `address` is the client's address.
pub async fn authenticate(
    db: &DatabaseConnection,
    typed_name: &str,
    password_typed: String,
    address: &str,
    now: DateTime<Utc>,
) -> Result<CurrentUser, SignInError> {
    let keys = throttle::keys(typed_name, address);
    let records = match throttle::attempt(db, &keys, now).await? {
        Ok(records) => records,
        Err(until) => return Err(SignInError::Throttled { until }),
    };
    let found = match SignInName::parse(typed_name) {
        Ok(name) => super::store::find_by_name(db, &name).await?,
        Err(_) => None,
    };
    let phc = found
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |u| u.password_hash.clone());
    let matches = password::verify(password_typed, phc).await?;
    match found {
        Some(u) if matches && u.disabled_at.is_none() => {
            throttle::succeeded(db, &keys, &records).await?;
            Ok(CurrentUser {
                id: u.id,
                display_name: u.display_name,
                is_platform_admin: u.is_platform_admin,
            })
        }
        // The attempt's records stay: they are the failure.
        _ => Err(SignInError::WrongCredentials),
    }
}
