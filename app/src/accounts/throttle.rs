//! Sign-in throttling, designed so that it stops guessing without letting anyone lock
//! a person out. Failures are counted over a window under three keys:
//!
//! - the account *and* the client address together: 3 free tries, then waits that
//!   double, locked at 10 — this is what stops someone guessing one person's password;
//! - the client address: 20 free, locked at 60 (offices share NATs) — one address
//!   guessing many accounts;
//! - the account alone, only with a much higher threshold: 50 free, locked at 200 —
//!   many addresses guessing one account.
//!
//! A storm of wrong passwords from one address against `admin@…` locks that address's
//! pair and then the address, and stops counting there (refused attempts are not
//! failures), so the account's own count stays far below its threshold and the real
//! admin signs in from anywhere else. Each attempt is recorded *before* it is judged and
//! judged by the attempts recorded before it, so parallel attempts cannot all pass the
//! check at once. The account key is the normalised sign-in name (`138 1234 5678` and
//! `+86 13812345678` are one account). The same rules apply whether or not the account
//! exists, so the answers reveal nothing.

use super::SignInName;
use crate::entities::sign_in_failure;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

/// How far back failures count.
pub const WINDOW_MINUTES: i64 = 15;

/// Failures allowed before waiting kicks in, and before the lock, per kind of key.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub free: u64,
    pub lock: u64,
}

/// Per account and address together: 3 free tries, locked at 10.
pub const PAIR: Limits = Limits { free: 3, lock: 10 };
/// Per client address (offices share NATs): 20 free, locked at 60.
pub const ADDRESS: Limits = Limits { free: 20, lock: 60 };
/// Per account, from anywhere: only a distributed attack gets here.
pub const ACCOUNT: Limits = Limits {
    free: 50,
    lock: 200,
};

/// New accounts (donor sign-ups and charity registrations) per client address: each
/// costs a password hash, so a script cannot make thousands.
pub const NEW_ACCOUNTS: Limits = Limits { free: 10, lock: 30 };

/// The key counting new accounts made from `address`.
pub fn new_accounts_key(address: &str) -> [(String, Limits); 1] {
    [(format!("new_accounts:{address}"), NEW_ACCOUNTS)]
}

/// When the next attempt may be made, given `failures` in the window and the time of
/// the last one; `None` when it may be made now.
pub fn next_allowed(
    limits: Limits,
    failures: u64,
    last: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let last = last?;
    if failures >= limits.lock {
        return Some(last + Duration::minutes(WINDOW_MINUTES));
    }
    if failures < limits.free {
        return None;
    }
    // 30 s, 1 min, 2 min, … doubling with every failure past the free ones, never
    // longer than the lock.
    let exponent = u32::try_from(failures - limits.free).unwrap_or(8).min(8);
    let wait = Duration::seconds(30i64 << exponent).min(Duration::minutes(WINDOW_MINUTES));
    Some(last + wait)
}

/// The account part of the keys: the normalised sign-in name, or the typed text
/// (trimmed, lower-case) when it is no valid name at all.
pub fn account_name(typed: &str) -> String {
    SignInName::parse(typed).map_or_else(
        |_| typed.trim().to_lowercase(),
        |name| name.as_str().to_owned(),
    )
}

/// The three keys of one attempt, with their limits.
pub fn keys(typed_name: &str, address: &str) -> [(String, Limits); 3] {
    let account = account_name(typed_name);
    [
        (format!("pair:{account}|{address}"), PAIR),
        (format!("address:{address}"), ADDRESS),
        (format!("account:{account}"), ACCOUNT),
    ]
}

/// Records an attempt under each key, then judges it by the attempts recorded before it:
/// the time until which it must wait, if it must (then its records are removed again, so
/// that refused attempts never count). Returns the ids of its records, which stay as
/// failures unless [`succeeded`] removes them.
pub async fn attempt<C: ConnectionTrait>(
    db: &C,
    keys: &[(String, Limits)],
    now: DateTime<Utc>,
) -> Result<Result<Vec<i64>, DateTime<Utc>>, DbErr> {
    let mut ids = Vec::with_capacity(keys.len());
    for (key, _) in keys {
        let row = sign_in_failure::ActiveModel {
            throttle_key: Set(key.clone()),
            failed_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        ids.push(row.id);
    }
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let mut until = None;
    for ((key, limits), id) in keys.iter().zip(&ids) {
        let before = sign_in_failure::Entity::find()
            .filter(sign_in_failure::Column::ThrottleKey.eq(key.as_str()))
            .filter(sign_in_failure::Column::FailedAt.gt(since))
            .filter(sign_in_failure::Column::Id.lt(*id));
        let failures = before.clone().count(db).await?;
        let last = before
            .order_by_desc(sign_in_failure::Column::Id)
            .one(db)
            .await?
            .map(|f| f.failed_at);
        if let Some(t) = next_allowed(*limits, failures, last).filter(|t| *t > now) {
            until = until.max(Some(t));
        }
    }
    if let Some(until) = until {
        forget(db, &ids).await?;
        return Ok(Err(until));
    }
    // Keep the table small: rows older than the window no longer count.
    sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::FailedAt.lt(now - Duration::minutes(WINDOW_MINUTES * 2)))
        .exec(db)
        .await?;
    Ok(Ok(ids))
}

/// A successful sign-in: its own records go, and so do the earlier failures of this
/// account from this address.
pub async fn succeeded<C: ConnectionTrait>(
    db: &C,
    keys: &[(String, Limits)],
    ids: &[i64],
) -> Result<(), DbErr> {
    forget(db, ids).await?;
    if let Some((pair, _)) = keys.first() {
        clear(db, pair).await?;
    }
    Ok(())
}

async fn forget<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<(), DbErr> {
    sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets an account's failures after a successful sign-in.
pub async fn clear<C: ConnectionTrait>(db: &C, key: &str) -> Result<(), DbErr> {
    sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::ThrottleKey.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_then_lock() {
        let t = Utc::now();
        let after = |n, seconds| {
            (
                next_allowed(PAIR, n, Some(t)),
                Some(t + Duration::seconds(seconds)),
            )
        };
        assert_eq!(next_allowed(PAIR, 0, None), None);
        assert_eq!(next_allowed(PAIR, 2, Some(t)), None);
        for (n, seconds) in [(3, 30), (4, 60), (5, 120), (9, 900), (10, 900)] {
            let (got, want) = after(n, seconds);
            assert_eq!(got, want, "{n} failures");
        }
        assert_eq!(next_allowed(ADDRESS, 10, Some(t)), None);
        assert_eq!(next_allowed(ACCOUNT, 40, Some(t)), None);
    }

    #[test]
    fn one_account_however_its_number_is_written() {
        let [(a, _), _, (b, _)] = keys("138 1234 5678", "10.0.0.1");
        let [(c, _), _, (d, _)] = keys("+86 13812345678", "10.0.0.1");
        let [(e, _), _, (f, _)] = keys("138-1234-5678", "10.0.0.1");
        assert_eq!((&a, &b), (&c, &d));
        assert_eq!((&a, &b), (&e, &f));
        let [_, _, (g, _)] = keys(" Admin@Shanqiao.TEST ", "10.0.0.2");
        assert_eq!(g, "account:admin@shanqiao.test");
    }
}
