//! A platform admin suspends a verified charity's verification, with a reason, and
//! restores it. While suspended, the charity stays `verified` in `organizations.verification`
//! (the record of the decision) but `suspended_at` is set, and
//! [`organization::Model::is_verified`] is false: it cannot claim, raise money or take new
//! pledges, and its public pages say so.

use super::OrgError;
use crate::accounts::CurrentUser;
use crate::audit::{self, Actor, Change};
use crate::domain::organization::{OrganizationKind, Verification};
use crate::entities::organization;
use crate::organizations::{problems, VerifiedCharity, MAX_REASON_CHARS};
use crate::regions::RegionDirectory;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

/// The reason, trimmed: required to suspend, optional to restore, at most
/// [`MAX_REASON_CHARS`] either way.
fn checked_reason(reason: &str, required: bool) -> Result<Option<String>, OrgError> {
    let reason = reason.trim();
    let chars = reason.chars().count();
    if chars > MAX_REASON_CHARS || (required && chars == 0) {
        let problem = if required {
            problems::SUSPENSION_REASON
        } else {
            problems::RESTORE_REASON
        };
        return Err(OrgError::Invalid(vec![("reason", problem)]));
    }
    Ok((chars > 0).then(|| reason.to_owned()))
}

/// The charity `charity_id`, read inside the caller's transaction.
async fn charity<C: ConnectionTrait>(
    txn: &C,
    charity_id: i64,
) -> Result<organization::Model, OrgError> {
    organization::Entity::find_by_id(charity_id)
        .one(txn)
        .await?
        .filter(|o| o.kind == OrganizationKind::Charity.code())
        .ok_or(OrgError::NoSuchCharity)
}

fn admin_actor(admin: &CurrentUser) -> Actor {
    Actor::User {
        user_id: admin.id,
        organization_id: None,
    }
}

/// Suspends a verified charity's verification. Platform admins only; a reason is
/// required. The update is guarded on `suspended_at IS NULL`, so two admins at once
/// cannot both suspend it; the audit entry and the page caches' outbox row are written in
/// the same transaction.
pub async fn suspend(
    db: &DatabaseConnection,
    admin: &CurrentUser,
    charity_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), OrgError> {
    if !admin.is_platform_admin {
        return Err(OrgError::Forbidden);
    }
    let reason = checked_reason(reason, true)?;
    let txn = crate::db::begin_write(db).await?;
    let before = charity(&txn, charity_id).await?;
    if !before.is_verified() {
        return Err(OrgError::NotSuspendable);
    }
    let updated = organization::Entity::update_many()
        .col_expr(organization::Column::SuspendedAt, Expr::value(now))
        .col_expr(
            organization::Column::SuspensionReason,
            Expr::value(reason.clone()),
        )
        .col_expr(organization::Column::SuspendedBy, Expr::value(admin.id))
        .col_expr(organization::Column::UpdatedAt, Expr::value(now))
        .filter(organization::Column::Id.eq(charity_id))
        .filter(organization::Column::Kind.eq(OrganizationKind::Charity.code()))
        .filter(organization::Column::Verification.eq(Verification::Verified.code()))
        .filter(organization::Column::SuspendedAt.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(OrgError::NotSuspendable);
    }
    audit::record(
        &txn,
        admin_actor(admin),
        Change {
            action: "charity.suspend",
            entity_kind: "organization",
            entity_id: charity_id.to_string(),
            before: Some(serde_json::json!({
                "verification": before.verification, "suspended": false,
            })),
            after: Some(serde_json::json!({
                "verification": before.verification, "suspended": true,
                "suspension_reason": reason,
            })),
            reason: reason.clone(),
        },
        now,
    )
    .await?;
    // The charity's public pages and its funds' pages change: every instance's page cache
    // moves on.
    crate::library::index::write_outbox(&txn, "charity", charity_id, "upsert", now).await?;
    txn.commit().await?;
    Ok(())
}

/// Restores a suspended charity's verification, with an optional note. Platform admins
/// only; guarded on `suspended_at IS NOT NULL`.
pub async fn restore(
    db: &DatabaseConnection,
    admin: &CurrentUser,
    charity_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), OrgError> {
    if !admin.is_platform_admin {
        return Err(OrgError::Forbidden);
    }
    let reason = checked_reason(reason, false)?;
    let txn = crate::db::begin_write(db).await?;
    let before = charity(&txn, charity_id).await?;
    if before.suspended_at.is_none() {
        return Err(OrgError::NotSuspended);
    }
    let updated = organization::Entity::update_many()
        .col_expr(
            organization::Column::SuspendedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            organization::Column::SuspensionReason,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            organization::Column::SuspendedBy,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(organization::Column::UpdatedAt, Expr::value(now))
        .filter(organization::Column::Id.eq(charity_id))
        .filter(organization::Column::Kind.eq(OrganizationKind::Charity.code()))
        .filter(organization::Column::SuspendedAt.is_not_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(OrgError::NotSuspended);
    }
    audit::record(
        &txn,
        admin_actor(admin),
        Change {
            action: "charity.restore",
            entity_kind: "organization",
            entity_id: charity_id.to_string(),
            before: Some(serde_json::json!({
                "verification": before.verification, "suspended": true,
                "suspension_reason": before.suspension_reason,
                "suspended_by": before.suspended_by,
            })),
            after: Some(serde_json::json!({
                "verification": before.verification, "suspended": false,
            })),
            reason,
        },
        now,
    )
    .await?;
    crate::library::index::write_outbox(&txn, "charity", charity_id, "upsert", now).await?;
    txn.commit().await?;
    Ok(())
}

/// Verified charities, suspended or not, by name: what the admin may suspend or
/// restore. Platform admins only.
pub async fn verified_charities(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
    regions: &RegionDirectory,
) -> Result<Vec<VerifiedCharity>, OrgError> {
    if !viewer.is_platform_admin {
        return Err(OrgError::Forbidden);
    }
    Ok(organization::Entity::find()
        .filter(organization::Column::Kind.eq(OrganizationKind::Charity.code()))
        .filter(organization::Column::Verification.eq(Verification::Verified.code()))
        .order_by_asc(organization::Column::Name)
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|o| VerifiedCharity {
            id: o.id,
            place: o
                .region_code
                .as_deref()
                .map(|c| regions.display(c))
                .unwrap_or_default(),
            slug: o.slug,
            name: o.name,
            uscc: o.uscc.unwrap_or_default(),
            verified_on: o.verified_at.map(crate::domain::calendar::date_of),
            suspended_on: o.suspended_at.map(crate::domain::calendar::date_of),
            suspension_reason: o.suspension_reason,
        })
        .collect())
}
