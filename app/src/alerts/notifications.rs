//! The bell: a person's notifications, the unread count, marking read. Each person sees
//! and changes only their own.

use super::{NoticeKind, NoticePage, NoticeView};
use crate::entities::notification;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// Notifications per page.
pub const PAGE_SIZE: u64 = 30;

/// How many of `user_id`'s notifications are unread.
pub async fn unread<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<u64, DbErr> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await
}

/// Page `page` (1-based) of `user_id`'s notifications, newest first.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    page: u64,
) -> Result<NoticePage, DbErr> {
    let page = page.max(1);
    let rows = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_desc(notification::Column::Id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
        .all(db)
        .await?;
    let has_more = rows.len() as u64 > PAGE_SIZE;
    let notices = rows
        .into_iter()
        .take(PAGE_SIZE as usize)
        .filter_map(|n| {
            Some(NoticeView {
                id: n.id,
                kind: NoticeKind::parse(&n.kind).ok()?,
                subject: n.subject,
                detail: n.detail,
                link: n.link,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
        })
        .collect();
    Ok(NoticePage {
        notices,
        unread: unread(db, user_id).await?,
        page,
        has_more,
    })
}

/// Marks one of `user_id`'s notifications read; its link, or `None` if it is not theirs.
pub async fn mark_read<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbErr> {
    let Some(row) = notification::Entity::find_by_id(id)
        .filter(notification::Column::UserId.eq(user_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(Some(row.link))
}

/// Marks all of `user_id`'s notifications read; how many were unread.
pub async fn mark_all_read<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}
