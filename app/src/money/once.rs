//! Money requests that happen once: every money form carries a token and the JSON API
//! takes an `Idempotency-Key` header; a repeat of a request with the same key (a double
//! click, a client retrying after a timeout) gets the first answer again and writes
//! nothing new.
//!
//! The key is written first, in the transaction of the change itself. On SQLite the
//! writing transaction holds the database, so a repeat finds the key. On PostgreSQL a
//! repeat racing the first waits on the key's primary key until the first transaction
//! ends: if it committed, the repeat reads its answer; if it rolled back (refused), the
//! repeat runs on its own and is refused or done on its own merits. A key comes with a
//! fingerprint of the request: the same key with another request is refused.

use super::error::{corrupt, MoneyError};
use crate::entities::idempotency_key;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// How long a key is remembered.
pub const KEPT_FOR: Duration = Duration::days(2);

/// The field (on forms) and header (on the API) that carry a key.
pub const FIELD: &str = "idempotency_key";
pub const HEADER: &str = "idempotency-key";

/// One request's key: which action and actor it belongs to, the key, and what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Once {
    scope: String,
    key: String,
    fingerprint: String,
}

impl Once {
    /// The key of an API request of `action` by `actor` asking `request` (its
    /// `Idempotency-Key`), or none when the request carried no key. A key is 8 to 128
    /// visible ASCII characters; the same key with another request is refused
    /// ([`MoneyError::KeyReused`]).
    pub fn new(
        action: &str,
        actor: &str,
        key: &str,
        request: &impl Serialize,
    ) -> Result<Option<Once>, MoneyError> {
        Self::make(action, actor, key, request, false)
    }

    /// The key of a form post: the form's token together with what was posted. A page
    /// kept a few seconds in the public page cache hands one token to several
    /// visitors, so the token alone does not tell two people apart; the token with the
    /// request does, and a double click (same token, same request) still counts once.
    pub fn form(
        action: &str,
        actor: &str,
        token: &str,
        request: &impl Serialize,
    ) -> Result<Option<Once>, MoneyError> {
        Self::make(action, actor, token, request, true)
    }

    fn make(
        action: &str,
        actor: &str,
        key: &str,
        request: &impl Serialize,
        with_request: bool,
    ) -> Result<Option<Once>, MoneyError> {
        let key = key.trim();
        if key.is_empty() {
            return Ok(None);
        }
        if !(8..=128).contains(&key.len()) || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(MoneyError::Invalid(vec![(
                FIELD.into(),
                super::problems::IDEMPOTENCY_KEY,
            )]));
        }
        let body = serde_json::to_vec(request).map_err(corrupt)?;
        let fingerprint = hex(&Sha256::digest(&body));
        let key = if with_request {
            format!("{key}.{}", &fingerprint[..32])
        } else {
            key.to_owned()
        };
        Ok(Some(Once {
            scope: format!("{action}:{actor}"),
            key,
            fingerprint,
        }))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh token for a form: 128 random bits.
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    hex(&bytes)
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Runs `change` in one writing transaction, once per key: the first answer is stored
/// with the key and given again to every repeat.
pub async fn run<T: Serialize + DeserializeOwned>(
    db: &DatabaseConnection,
    once: Option<&Once>,
    now: DateTime<Utc>,
    change: impl AsyncFnOnce(&DatabaseTransaction) -> Result<T, MoneyError>,
) -> Result<T, MoneyError> {
    let txn = crate::db::begin_write(db).await?;
    if let Some(o) = once {
        let inserted = idempotency_key::ActiveModel {
            scope: Set(o.scope.clone()),
            key: Set(o.key.clone()),
            fingerprint: Set(o.fingerprint.clone()),
            result: Set(None),
            created_at: Set(now),
        }
        .insert(&txn)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                txn.rollback().await?;
                return previous(db, o).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let out = change(&txn).await?;
    if let Some(o) = once {
        let stored = serde_json::to_string(&out).map_err(corrupt)?;
        idempotency_key::Entity::update_many()
            .col_expr(idempotency_key::Column::Result, Expr::value(stored))
            .filter(idempotency_key::Column::Scope.eq(o.scope.as_str()))
            .filter(idempotency_key::Column::Key.eq(o.key.as_str()))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(out)
}

/// The answer already given to this key, if the request was done before (a read, for
/// answering a repeat before anything else; [`run`] still decides races).
pub async fn answered<T: DeserializeOwned>(
    db: &DatabaseConnection,
    o: &Once,
) -> Result<Option<T>, MoneyError> {
    let done = idempotency_key::Entity::find_by_id((o.scope.clone(), o.key.clone()))
        .one(db)
        .await?
        .is_some_and(|row| row.result.is_some());
    if !done {
        return Ok(None);
    }
    previous(db, o).await.map(Some)
}

/// The first answer to a key, after it committed.
async fn previous<T: DeserializeOwned>(db: &DatabaseConnection, o: &Once) -> Result<T, MoneyError> {
    let row = idempotency_key::Entity::find_by_id((o.scope.clone(), o.key.clone()))
        .one(db)
        .await?
        .ok_or_else(|| corrupt("an idempotency key vanished"))?;
    if row.fingerprint != o.fingerprint {
        return Err(MoneyError::KeyReused);
    }
    let stored = row
        .result
        .ok_or_else(|| corrupt("an idempotency key without its answer"))?;
    serde_json::from_str(&stored).map_err(corrupt)
}

/// Forgets keys older than [`KEPT_FOR`]; returns how many.
pub async fn forget_old(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(now - KEPT_FOR))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_key_is_no_key_and_a_bad_one_is_refused() {
        assert_eq!(Once::new("refund", "user:1", "  ", &1).unwrap(), None);
        assert!(matches!(
            Once::new("refund", "user:1", "short", &1),
            Err(MoneyError::Invalid(_))
        ));
        assert!(matches!(
            Once::new("refund", "user:1", "with space inside", &1),
            Err(MoneyError::Invalid(_))
        ));
    }

    #[test]
    fn a_form_token_with_another_request_is_another_key() {
        let a = Once::form("pledge", "ip:1", "0123456789abcdef", &(1, "x")).unwrap();
        let b = Once::form("pledge", "ip:1", "0123456789abcdef", &(1, "y")).unwrap();
        let again = Once::form("pledge", "ip:1", "0123456789abcdef", &(1, "x")).unwrap();
        assert_ne!(a, b);
        assert_eq!(a, again);
    }

    #[test]
    fn the_same_key_with_another_request_has_another_fingerprint() {
        let a = Once::new("refund", "user:1", "0123456789abcdef", &(1, "x")).unwrap();
        let b = Once::new("refund", "user:1", "0123456789abcdef", &(1, "y")).unwrap();
        assert_eq!(a.as_ref().map(|o| &o.key), b.as_ref().map(|o| &o.key));
        assert_ne!(a.map(|o| o.fingerprint), b.map(|o| o.fingerprint));
    }
}
