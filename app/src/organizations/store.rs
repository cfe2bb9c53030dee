//! Organizations in the database. Every function that acts for someone takes the
//! signed-in user and checks, here in the data layer, that they may.

use super::{CharityRegistration, InvitationView, MemberView, MyOrganization, PendingCharity};
use crate::accounts::secret::{digest, new_secret};
use crate::accounts::store::new_user;
use crate::accounts::{password, CurrentUser, SignInName};
use crate::audit::{self, Actor, Change};
use crate::domain::organization::{OrganizationKind, Role, Verification};
use crate::entities::{invitation, membership, organization, user};
use crate::regions::RegionDirectory;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};

#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("a registered organization already has this code")]
    UsccTaken,
    #[error("the sign-in name is taken")]
    NameTaken,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("already decided")]
    NotPending,
    #[error("the invitation is invalid, used or expired")]
    InvitationGone,
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Password(#[from] password::PasswordError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(#[from] crate::domain::UnknownCode),
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Registers a charity (pending verification) with its first admin, in one transaction.
pub async fn register_charity(
    db: &DatabaseConnection,
    registration: CharityRegistration,
    now: DateTime<Utc>,
) -> Result<(i64, CurrentUser), OrgError> {
    let hash = password::hash(registration.password.clone()).await?;
    let txn = db.begin().await?;
    let uscc = registration.uscc.as_str().to_owned();
    if organization::Entity::find()
        .filter(organization::Column::Uscc.eq(uscc.as_str()))
        .count(&txn)
        .await?
        > 0
    {
        return Err(OrgError::UsccTaken);
    }
    let (email, phone) = match &registration.admin {
        SignInName::Email(e) => (Some(e.as_str().to_owned()), None),
        SignInName::Phone(p) => (None, Some(p.as_str().to_owned())),
    };
    let charity = organization::ActiveModel {
        kind: Set(OrganizationKind::Charity.code().to_owned()),
        name: Set(registration.name.clone()),
        slug: Set(format!("charity-{}", uscc.to_lowercase())),
        region_code: Set(Some(registration.region_code.clone())),
        uscc: Set(Some(uscc.clone())),
        public_fundraising: Set(registration.public_fundraising),
        verification: Set(Verification::Pending.code().to_owned()),
        verification_reason: Set(None),
        verified_at: Set(None),
        verified_by: Set(None),
        description: Set(registration.description.clone()),
        review_time_limit_days: Set(7),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            OrgError::UsccTaken
        } else {
            e.into()
        }
    })?;
    let admin = new_user(
        email,
        phone,
        registration.admin_display_name.clone(),
        hash,
        false,
        now,
    )
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            OrgError::NameTaken
        } else {
            e.into()
        }
    })?;
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
                "public_fundraising": registration.public_fundraising,
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
            registered_on: o.created_at.date_naive(),
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
    approve: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), OrgError> {
    if !viewer.is_platform_admin {
        return Err(OrgError::Forbidden);
    }
    let reason = reason.trim();
    if !approve && reason.is_empty() {
        return Err(OrgError::ReasonRequired);
    }
    let decision = if approve {
        Verification::Verified
    } else {
        Verification::Rejected
    };
    let txn = db.begin().await?;
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
            action: if approve {
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

/// The organizations a user belongs to, with their role, first membership first.
async fn memberships(
    db: &DatabaseConnection,
    user_id: i64,
) -> Result<Vec<membership::Model>, DbErr> {
    membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .order_by_asc(membership::Column::Id)
        .all(db)
        .await
}

/// The viewer's charity, as its portal shows it; `NotFound` if they belong to none.
pub async fn my_charity(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
) -> Result<MyOrganization, OrgError> {
    my_organization(db, viewer, OrganizationKind::Charity).await
}

/// The viewer's first organization of `kind`, as its portal shows it; `NotFound` if
/// they belong to none.
pub async fn my_organization(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
    wanted: OrganizationKind,
) -> Result<MyOrganization, OrgError> {
    for m in memberships(db, viewer.id).await? {
        let Some(org) = organization::Entity::find_by_id(m.organization_id)
            .one(db)
            .await?
        else {
            continue;
        };
        if org.kind != wanted.code() {
            continue;
        }
        let mut members = Vec::new();
        for member in membership::Entity::find()
            .filter(membership::Column::OrganizationId.eq(org.id))
            .order_by_asc(membership::Column::Id)
            .all(db)
            .await?
        {
            if let Some(u) = user::Entity::find_by_id(member.user_id).one(db).await? {
                members.push(MemberView {
                    user_id: u.id,
                    display_name: u.display_name,
                    contact: u.email.or(u.phone).unwrap_or_default(),
                    role: Role::parse(&member.role)?,
                });
            }
        }
        return Ok(MyOrganization {
            id: org.id,
            kind: wanted,
            name: org.name,
            verification: Verification::parse(&org.verification)?,
            verification_reason: org.verification_reason,
            my_role: Role::parse(&m.role)?,
            members,
            review_time_limit_days: org.review_time_limit_days,
        });
    }
    Err(OrgError::NotFound)
}

/// How long an invitation link stays valid.
pub const INVITATION_DAYS: i64 = 7;

/// Invites `email` to `role` in the viewer's organization `organization_id`. Only that
/// organization's admin may, and only to roles of its kind. Returns the token for the
/// link (shown once to the admin; only its hash is stored).
pub async fn invite(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
    organization_id: i64,
    email: &crate::accounts::Email,
    role: Role,
    now: DateTime<Utc>,
) -> Result<String, OrgError> {
    let org = organization::Entity::find_by_id(organization_id)
        .one(db)
        .await?
        .ok_or(OrgError::NotFound)?;
    let kind = OrganizationKind::parse(&org.kind)?;
    let admin_role = match kind {
        OrganizationKind::Charity => Role::CharityAdmin,
        OrganizationKind::CivilAffairs => Role::OfficeAdmin,
    };
    let is_admin = memberships(db, viewer.id)
        .await?
        .iter()
        .any(|m| m.organization_id == organization_id && m.role == admin_role.code());
    if !is_admin || !role.fits(kind) {
        return Err(OrgError::Forbidden);
    }
    if user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .count(db)
        .await?
        > 0
    {
        return Err(OrgError::NameTaken);
    }
    let token = new_secret();
    let txn = db.begin().await?;
    let created = invitation::ActiveModel {
        organization_id: Set(organization_id),
        role: Set(role.code().to_owned()),
        email: Set(email.as_str().to_owned()),
        token_hash: Set(digest(&token)),
        invited_by: Set(viewer.id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(INVITATION_DAYS)),
        accepted_at: Set(None),
        accepted_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Actor::User {
            user_id: viewer.id,
            organization_id: Some(organization_id),
        },
        Change {
            action: "invitation.create",
            entity_kind: "invitation",
            entity_id: created.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "email": email.as_str(), "role": role.code() })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

async fn open_invitation(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<invitation::Model, OrgError> {
    invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(digest(token)))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .ok_or(OrgError::InvitationGone)
}

/// What an invitation link offers, if it is still open.
pub async fn invitation(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<InvitationView, OrgError> {
    let inv = open_invitation(db, token, now).await?;
    let org = organization::Entity::find_by_id(inv.organization_id)
        .one(db)
        .await?
        .ok_or(OrgError::InvitationGone)?;
    Ok(InvitationView {
        organization: org.name,
        role: Role::parse(&inv.role)?,
        email: inv.email,
    })
}

/// Accepts an invitation: creates the account and the membership, marks the invitation
/// used (guarded, so a link works once), in one transaction.
pub async fn accept_invitation(
    db: &DatabaseConnection,
    token: &str,
    display_name: &str,
    new_password: String,
    now: DateTime<Utc>,
) -> Result<(CurrentUser, OrganizationKind), OrgError> {
    let inv = open_invitation(db, token, now).await?;
    let kind = match organization::Entity::find_by_id(inv.organization_id)
        .one(db)
        .await?
    {
        Some(org) => OrganizationKind::parse(&org.kind)?,
        None => return Err(OrgError::InvitationGone),
    };
    let hash = password::hash(new_password).await?;
    let txn = db.begin().await?;
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(inv.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(OrgError::InvitationGone);
    }
    let created = new_user(
        Some(inv.email.clone()),
        None,
        display_name.trim().to_owned(),
        hash,
        false,
        now,
    )
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            OrgError::NameTaken
        } else {
            e.into()
        }
    })?;
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedBy, Expr::value(created.id))
        .filter(invitation::Column::Id.eq(inv.id))
        .exec(&txn)
        .await?;
    membership::ActiveModel {
        user_id: Set(created.id),
        organization_id: Set(inv.organization_id),
        role: Set(inv.role.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Actor::User {
            user_id: created.id,
            organization_id: Some(inv.organization_id),
        },
        Change {
            action: "membership.accept_invitation",
            entity_kind: "user",
            entity_id: created.id.to_string(),
            before: None,
            after: Some(
                serde_json::json!({ "organization_id": inv.organization_id, "role": inv.role }),
            ),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok((
        CurrentUser {
            id: created.id,
            display_name: created.display_name,
            is_platform_admin: false,
        },
        kind,
    ))
}

/// Creates a civil-affairs office for a region, with an invitation for its first office
/// admin (`admin_email`), in one transaction. Platform admins only. Returns the
/// invitation's token.
pub async fn create_office(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
    name: &str,
    region_code: &str,
    admin_email: &crate::accounts::Email,
    now: DateTime<Utc>,
) -> Result<String, OrgError> {
    if !viewer.is_platform_admin {
        return Err(OrgError::Forbidden);
    }
    if user::Entity::find()
        .filter(user::Column::Email.eq(admin_email.as_str()))
        .count(db)
        .await?
        > 0
    {
        return Err(OrgError::NameTaken);
    }
    let token = new_secret();
    let txn = db.begin().await?;
    let office = organization::ActiveModel {
        kind: Set(OrganizationKind::CivilAffairs.code().to_owned()),
        name: Set(name.trim().to_owned()),
        slug: Set(format!("office-{region_code}")),
        region_code: Set(Some(region_code.to_owned())),
        uscc: Set(None),
        public_fundraising: Set(false),
        verification: Set(Verification::Verified.code().to_owned()),
        verification_reason: Set(None),
        verified_at: Set(Some(now)),
        verified_by: Set(Some(viewer.id)),
        description: Set(String::new()),
        review_time_limit_days: Set(7),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            OrgError::UsccTaken
        } else {
            e.into()
        }
    })?;
    let invitation = invitation::ActiveModel {
        organization_id: Set(office.id),
        role: Set(Role::OfficeAdmin.code().to_owned()),
        email: Set(admin_email.as_str().to_owned()),
        token_hash: Set(digest(&token)),
        invited_by: Set(viewer.id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(INVITATION_DAYS)),
        accepted_at: Set(None),
        accepted_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let actor = Actor::User {
        user_id: viewer.id,
        organization_id: None,
    };
    audit::record(
        &txn,
        actor,
        Change {
            action: "organization.create_office",
            entity_kind: "organization",
            entity_id: office.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "name": office.name, "region_code": region_code })),
            reason: None,
        },
        now,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        Change {
            action: "invitation.create",
            entity_kind: "invitation",
            entity_id: invitation.id.to_string(),
            before: None,
            after: Some(
                serde_json::json!({ "email": admin_email.as_str(), "role": "office_admin" }),
            ),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// How many rows of each kind the portal lists.
const ACTIVITY_ROWS: u64 = 50;

/// The viewer's charity's own claims, funds and pledges (newest first), selected by the
/// charity's id here in the data layer.
pub async fn charity_activity(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
) -> Result<super::CharityActivity, OrgError> {
    use super::{ClaimRow, FundRow, PledgeRow};
    use crate::domain::support::{ClaimMode, ClaimStatus, FundKind, FundStatus, PledgeStatus};
    use crate::entities::{claim, fund, need, pledge};
    use sea_orm::QuerySelect;
    let charity = my_charity(db, viewer).await?;
    let mut activity = super::CharityActivity::default();
    for c in claim::Entity::find()
        .filter(claim::Column::CharityId.eq(charity.id))
        .order_by_desc(claim::Column::Id)
        .limit(ACTIVITY_ROWS)
        .all(db)
        .await?
    {
        let n = need::Entity::find_by_id(c.need_id).one(db).await?;
        activity.claims.push(ClaimRow {
            need_code: n
                .as_ref()
                .map(|n| n.public_code.clone())
                .unwrap_or_default(),
            need_title: n.map(|n| n.title).unwrap_or_default(),
            mode: ClaimMode::parse(&c.mode)?,
            status: ClaimStatus::parse(&c.status)?,
            due_on: c.due_at.date_naive(),
        });
    }
    for f in fund::Entity::find()
        .filter(fund::Column::CharityId.eq(charity.id))
        .order_by_desc(fund::Column::Id)
        .limit(ACTIVITY_ROWS)
        .all(db)
        .await?
    {
        activity.funds.push(FundRow {
            code: f.public_code,
            name: f.name,
            kind: FundKind::parse(&f.kind)?,
            status: FundStatus::parse(&f.status)?,
        });
    }
    for p in pledge::Entity::find()
        .filter(pledge::Column::CharityId.eq(charity.id))
        .order_by_desc(pledge::Column::Id)
        .limit(ACTIVITY_ROWS)
        .all(db)
        .await?
    {
        let target = match (p.need_id, p.fund_id) {
            (Some(id), _) => need::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|n| n.public_code),
            (_, Some(id)) => fund::Entity::find_by_id(id).one(db).await?.map(|f| f.name),
            _ => None,
        };
        activity.pledges.push(PledgeRow {
            receipt_code: p.receipt_code,
            target: target.unwrap_or_default(),
            amount: crate::domain::Fen(p.amount_fen),
            status: PledgeStatus::parse(&p.status)?,
            pledged_on: p.pledged_at.date_naive(),
        });
    }
    Ok(activity)
}
