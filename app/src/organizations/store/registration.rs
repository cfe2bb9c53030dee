//! Registering a charity with its first admin, and the platform admin's verification.

use super::{insert_unique, OrgError};
use crate::accounts::requests::{self, AccountRequest, Links, OpenRequest, Purpose, RequestError};
use crate::accounts::store::new_user;
use crate::accounts::{password, CurrentUser};
use crate::audit::{self, Actor, Change};
use crate::domain::organization::{OrganizationKind, Role, Verification};
use crate::entities::{membership, organization};
use crate::organizations::{CharityDetails, CharityRegistration, PendingCharity};
use crate::regions::RegionDirectory;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

/// Asks for a charity's registration: checks that its code is free, then sends the link
/// that opens it to the first admin's address (or, if that address has an account, a
/// notice to its owner); the caller answers the same either way. Throttled per client
/// `address`.
pub async fn register_charity(
    db: &DatabaseConnection,
    links: Links<'_>,
    registration: CharityRegistration,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), OrgError> {
    // A code is public (the charity directory shows it), so a taken one is said at once.
    let uscc = registration.uscc.as_str().to_owned();
    if uscc_taken(db, &uscc).await? {
        return Err(OrgError::UsccTaken);
    }
    let details = CharityDetails {
        name: registration.name,
        uscc,
        region_code: registration.region_code,
        public_fundraising: registration.public_fundraising,
        description: registration.description,
    };
    let asked = AccountRequest {
        purpose: Purpose::Charity,
        name: registration.admin,
        display_name: registration.admin_display_name,
        details: details.to_json(),
    };
    requests::request(db, links, asked, address, now)
        .await
        .map_err(|e| match e {
            RequestError::Throttled { .. } => OrgError::Throttled,
            RequestError::Database(e) => OrgError::Database(e),
        })
}

async fn uscc_taken(db: &DatabaseConnection, uscc: &str) -> Result<bool, OrgError> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Uscc.eq(uscc))
        .count(db)
        .await?
        > 0)
}

/// Opens the charity (pending verification) a registration link stands for, with its
/// first admin's account and the password chosen on the link's page: the link used up,
/// the charity, the account, the membership and their audit entries in one transaction.
pub async fn open_charity(
    db: &DatabaseConnection,
    request: &OpenRequest,
    new_password: String,
    confirmation: &str,
    now: DateTime<Utc>,
) -> Result<(i64, CurrentUser), OrgError> {
    let found = crate::accounts::check_new_password(
        &new_password,
        confirmation,
        "password",
        "password_confirmation",
    );
    if !found.is_empty() {
        return Err(OrgError::Invalid(found));
    }
    let details = CharityDetails::from_json(&request.details)
        .filter(|_| request.purpose == Purpose::Charity)
        .ok_or(OrgError::RegistrationGone)?;
    let uscc = details.uscc.clone();
    if uscc_taken(db, &uscc).await? {
        return Err(OrgError::UsccTaken);
    }
    let (email, phone) = requests::columns(&request.name);
    let hash = password::hash(new_password).await?;
    let txn = crate::db::begin_write(db).await?;
    if !requests::use_up(&txn, request.id, now).await? {
        return Err(OrgError::RegistrationGone);
    }
    let charity = insert_unique(
        &txn,
        organization::ActiveModel {
            kind: Set(OrganizationKind::Charity.code().to_owned()),
            name: Set(details.name.clone()),
            slug: Set(format!("charity-{}", uscc.to_lowercase())),
            region_code: Set(Some(details.region_code.clone())),
            uscc: Set(Some(uscc.clone())),
            public_fundraising: Set(details.public_fundraising),
            verification: Set(Verification::Pending.code().to_owned()),
            verification_reason: Set(None),
            verified_at: Set(None),
            verified_by: Set(None),
            description: Set(details.description.clone()),
            review_time_limit_days: Set(7),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
        OrgError::UsccTaken,
    )
    .await?;
    let admin = insert_unique(
        &txn,
        new_user(email, phone, request.display_name.clone(), hash, false, now),
        OrgError::NameTaken,
    )
    .await?;
    membership::ActiveModel {
        user_id: Set(admin.id),
        organization_id: Set(charity.id),
        role: Set(Role::CharityAdmin.code().to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let actor = Actor::User {
        user_id: admin.id,
        organization_id: Some(charity.id),
    };
    audit::record(
        &txn,
        actor,
        Change {
            action: "organization.register_charity",
            entity_kind: "organization",
            entity_id: charity.id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "name": charity.name, "uscc": uscc, "verification": "pending",
                "public_fundraising": details.public_fundraising,
            })),
            reason: None,
        },
        now,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        Change {
            action: "membership.create",
            entity_kind: "user",
            entity_id: admin.id.to_string(),
            before: None,
            after: Some(
                serde_json::json!({ "organization_id": charity.id, "role": "charity_admin" }),
            ),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok((
        charity.id,
        CurrentUser {
            id: admin.id,
            display_name: admin.display_name,
            is_platform_admin: false,
        },
    ))
}

/// Charities waiting for verification, oldest first. Platform admins only.
pub async fn pending_charities(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
    regions: &RegionDirectory,
) -> Result<Vec<PendingCharity>, OrgError> {
    if !viewer.is_platform_admin {
        return Err(OrgError::Forbidden);
    }
    Ok(organization::Entity::find()
        .filter(organization::Column::Kind.eq(OrganizationKind::Charity.code()))
        .filter(organization::Column::Verification.eq(Verification::Pending.code()))
        .order_by_asc(organization::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|o| PendingCharity {
            id: o.id,
            place: o
                .region_code
                .as_deref()
                .map(|c| regions.display(c))
                .unwrap_or_default(),
            name: o.name,
            uscc: o.uscc.unwrap_or_default(),
            public_fundraising: o.public_fundraising,
            description: o.description,
            registered_on: crate::domain::calendar::date_of(o.created_at),
        })
        .collect())
}

/// Verifies or rejects a pending charity. Platform admins only; a rejection needs a
/// reason. The update is guarded on `pending`, so two admins deciding at once cannot
/// both win.
pub async fn decide_verification(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
    charity_id: i64,
    verify: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), OrgError> {
    if !viewer.is_platform_admin {
        return Err(OrgError::Forbidden);
    }
    let reason = reason.trim();
    if !verify && reason.is_empty() {
        return Err(OrgError::ReasonRequired);
    }
    let decision = if verify {
        Verification::Verified
    } else {
        Verification::Rejected
    };
    let txn = crate::db::begin_write(db).await?;
    let updated = organization::Entity::update_many()
        .col_expr(
            organization::Column::Verification,
            Expr::value(decision.code()),
        )
        .col_expr(
            organization::Column::VerificationReason,
            Expr::value((!reason.is_empty()).then(|| reason.to_owned())),
        )
        .col_expr(organization::Column::VerifiedAt, Expr::value(now))
        .col_expr(organization::Column::VerifiedBy, Expr::value(viewer.id))
        .col_expr(organization::Column::UpdatedAt, Expr::value(now))
        .filter(organization::Column::Id.eq(charity_id))
        .filter(organization::Column::Kind.eq(OrganizationKind::Charity.code()))
        .filter(organization::Column::Verification.eq(Verification::Pending.code()))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(OrgError::NotPending);
    }
    audit::record(
        &txn,
        Actor::User {
            user_id: viewer.id,
            organization_id: None,
        },
        Change {
            action: if verify {
                "organization.verify"
            } else {
                "organization.reject"
            },
            entity_kind: "organization",
            entity_id: charity_id.to_string(),
            before: Some(serde_json::json!({ "verification": "pending" })),
            after: Some(serde_json::json!({ "verification": decision.code() })),
            reason: (!reason.is_empty()).then(|| reason.to_owned()),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
