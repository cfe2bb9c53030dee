//! Subscriptions in the database: a charity member keeps their own (up to
//! [`MAX_PER_USER`](super::MAX_PER_USER)); nobody else sees or changes them.

use super::fanout::{filter_of, subscription_link};
use super::problems;
use super::{Frequency, NewSubscription, SubscriptionKind, SubscriptionView};
use crate::accounts::Problem;
use crate::claims::charity::CharityActor;
use crate::entities::{subscription, user};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Set, TransactionTrait,
};

/// Why a subscription was not saved or changed.
#[derive(Debug, thiserror::Error)]
pub enum SubscriptionError {
    #[error("refused: {}", .0.en)]
    Refused(Problem),
    #[error("no such subscription")]
    NotFound,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The account's e-mail address, if it signs in with one.
pub async fn account_email(db: &DatabaseConnection, user_id: i64) -> Result<Option<String>, DbErr> {
    Ok(user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .and_then(|u| u.email))
}

/// Saves a new subscription of `who`. One transaction.
pub async fn create(
    db: &DatabaseConnection,
    who: &CharityActor,
    new: &NewSubscription,
    now: DateTime<Utc>,
) -> Result<i64, SubscriptionError> {
    let txn = db.begin().await?;
    let kept = subscription::Entity::find()
        .filter(subscription::Column::UserId.eq(who.user_id))
        .count(&txn)
        .await?;
    if kept >= super::MAX_PER_USER {
        return Err(SubscriptionError::Refused(problems::TOO_MANY));
    }
    if new.kind == SubscriptionKind::Profile
        && crate::claims::profile::load(&txn, who.charity_id)
            .await?
            .is_none()
    {
        return Err(SubscriptionError::Refused(problems::NO_PROFILE));
    }
    let f = &new.filter;
    let row = subscription::Entity::insert(subscription::ActiveModel {
        user_id: Set(who.user_id),
        kind: Set(new.kind.code().to_owned()),
        charity_id: Set(Some(who.charity_id)),
        label: Set(new.label.clone()),
        query: Set(f.query.clone()),
        region_code: Set(f.region.clone()),
        assistance_type: Set(f.assistance_type.map(|t| t.code().to_owned())),
        household_category: Set(f.household_category.map(|c| c.code().to_owned())),
        coverage: Set(f.coverage.map(|c| c.code().to_owned())),
        frequency: Set(new.frequency.code().to_owned()),
        in_app: Set(new.in_app),
        by_email: Set(new.by_email),
        email: Set(new.email.clone()),
        unsubscribe_nonce: Set(crate::accounts::secret::new_secret()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    txn.commit().await?;
    Ok(row.last_insert_id)
}

/// The subscriptions of `user_id`, newest first.
pub async fn list(db: &DatabaseConnection, user_id: i64) -> Result<Vec<SubscriptionView>, DbErr> {
    let account = account_email(db, user_id).await?;
    Ok(subscription::Entity::find()
        .filter(subscription::Column::UserId.eq(user_id))
        .order_by_desc(subscription::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|s| SubscriptionView {
            id: s.id,
            kind: SubscriptionKind::parse(&s.kind).unwrap_or(SubscriptionKind::Search),
            label: s.label.clone(),
            filter: filter_of(&s),
            link: subscription_link(&s),
            frequency: Frequency::parse(&s.frequency).unwrap_or(Frequency::Immediate),
            in_app: s.in_app,
            by_email: s.by_email,
            email: if s.by_email {
                s.email.clone().or(account.clone()).unwrap_or_default()
            } else {
                String::new()
            },
        })
        .collect())
}

/// Changes how one of `user_id`'s subscriptions is delivered.
pub async fn set_delivery(
    db: &DatabaseConnection,
    user_id: i64,
    id: i64,
    frequency: Frequency,
    in_app: bool,
    by_email: bool,
) -> Result<(), SubscriptionError> {
    if !in_app && !by_email {
        return Err(SubscriptionError::Refused(problems::NO_CHANNEL));
    }
    let txn = db.begin().await?;
    let Some(s) = subscription::Entity::find_by_id(id)
        .filter(subscription::Column::UserId.eq(user_id))
        .one(&txn)
        .await?
    else {
        return Err(SubscriptionError::NotFound);
    };
    if by_email && s.email.is_none() && account_email(db, user_id).await?.is_none() {
        return Err(SubscriptionError::Refused(problems::EMAIL_NEEDED));
    }
    subscription::Entity::update_many()
        .col_expr(
            subscription::Column::Frequency,
            Expr::value(frequency.code()),
        )
        .col_expr(subscription::Column::InApp, Expr::value(in_app))
        .col_expr(subscription::Column::ByEmail, Expr::value(by_email))
        .filter(subscription::Column::Id.eq(id))
        .filter(subscription::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes one of `user_id`'s subscriptions (its waiting digest items go with it).
pub async fn delete(
    db: &DatabaseConnection,
    user_id: i64,
    id: i64,
) -> Result<(), SubscriptionError> {
    let txn = db.begin().await?;
    crate::entities::digest_item::Entity::delete_many()
        .filter(crate::entities::digest_item::Column::SubscriptionId.eq(id))
        .filter(
            crate::entities::digest_item::Column::SubscriptionId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(subscription::Column::Id)
                    .from(subscription::Entity)
                    .and_where(subscription::Column::UserId.eq(user_id))
                    .to_owned(),
            ),
        )
        .exec(&txn)
        .await?;
    let gone = subscription::Entity::delete_many()
        .filter(subscription::Column::Id.eq(id))
        .filter(subscription::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    if gone.rows_affected != 1 {
        return Err(SubscriptionError::NotFound);
    }
    txn.commit().await?;
    Ok(())
}
