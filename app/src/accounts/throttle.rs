//! Sign-in throttling. Failures are counted per typed account name and per client
//! address over a window; past a few, each further attempt must wait longer, and past a
//! limit the key is locked for a while. The same rules apply whether or not the account
//! exists, so the answers reveal nothing.

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

/// Per account name: 3 free tries, locked at 10.
pub const ACCOUNT: Limits = Limits { free: 3, lock: 10 };
/// Per client address (offices share NATs): 20 free, locked at 60.
pub const ADDRESS: Limits = Limits { free: 20, lock: 60 };

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

pub fn account_key(name: &str) -> String {
    format!("account:{}", name.trim().to_lowercase())
}

pub fn address_key(address: &str) -> String {
    format!("address:{address}")
}

/// The time until which `key` must wait, if it must.
pub async fn blocked_until<C: ConnectionTrait>(
    db: &C,
    key: &str,
    limits: Limits,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let recent = sign_in_failure::Entity::find()
        .filter(sign_in_failure::Column::ThrottleKey.eq(key))
        .filter(sign_in_failure::Column::FailedAt.gt(since));
    let failures = recent.clone().count(db).await?;
    let last = recent
        .order_by_desc(sign_in_failure::Column::FailedAt)
        .one(db)
        .await?
        .map(|f| f.failed_at);
    Ok(next_allowed(limits, failures, last).filter(|until| *until > now))
}

pub async fn record_failure<C: ConnectionTrait>(
    db: &C,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    sign_in_failure::ActiveModel {
        throttle_key: Set(key.to_owned()),
        failed_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // Keep the table small: rows older than the window no longer count.
    sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::FailedAt.lt(now - Duration::minutes(WINDOW_MINUTES * 2)))
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
                next_allowed(ACCOUNT, n, Some(t)),
                Some(t + Duration::seconds(seconds)),
            )
        };
        assert_eq!(next_allowed(ACCOUNT, 0, None), None);
        assert_eq!(next_allowed(ACCOUNT, 2, Some(t)), None);
        for (n, seconds) in [(3, 30), (4, 60), (5, 120), (9, 900), (10, 900)] {
            let (got, want) = after(n, seconds);
            assert_eq!(got, want, "{n} failures");
        }
        assert_eq!(next_allowed(ADDRESS, 10, Some(t)), None);
    }
}
