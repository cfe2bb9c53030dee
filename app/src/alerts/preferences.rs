//! Which direct notifications each person gets by e-mail (all of them unless they say
//! otherwise in `/account` or through an e-mail's unsubscribe link).

use super::{EmailChoices, NoticeKind};
use crate::entities::{email_opt_out, user};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use std::collections::HashSet;

/// Stops e-mails of `kind` to `user_id` (nothing happens if they were stopped already).
pub async fn opt_out<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    kind: NoticeKind,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    email_opt_out::Entity::insert(email_opt_out::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind.code().to_owned()),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([email_opt_out::Column::UserId, email_opt_out::Column::Kind])
    .exec(db)
    .await?;
    Ok(())
}

/// The kinds `user_id` does not want by e-mail.
pub async fn opted_out<C: ConnectionTrait>(
    db: &C,
    user_ids: &[i64],
) -> Result<HashSet<(i64, String)>, DbErr> {
    if user_ids.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(email_opt_out::Entity::find()
        .filter(email_opt_out::Column::UserId.is_in(user_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.user_id, r.kind))
        .collect())
}

/// What `/account` shows.
pub async fn choices(db: &DatabaseConnection, user_id: i64) -> Result<EmailChoices, DbErr> {
    let out = opted_out(db, &[user_id]).await?;
    let address = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .and_then(|u| u.email);
    Ok(EmailChoices {
        kinds: NoticeKind::DIRECT
            .iter()
            .map(|k| (*k, !out.contains(&(user_id, k.code().to_owned()))))
            .collect(),
        address,
    })
}

/// Saves `/account`'s choices: e-mail for exactly the kinds in `wanted`. One transaction.
pub async fn save(
    db: &DatabaseConnection,
    user_id: i64,
    wanted: &[NoticeKind],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    email_opt_out::Entity::delete_many()
        .filter(email_opt_out::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    for kind in NoticeKind::DIRECT.iter().filter(|k| !wanted.contains(k)) {
        opt_out(&txn, user_id, *kind, now).await?;
    }
    txn.commit().await
}
