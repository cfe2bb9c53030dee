//! What a member sees of their organization: its portal and its own activity.

use super::OrgError;
use crate::accounts::CurrentUser;
use crate::domain::organization::{OrganizationKind, Role, Verification};
use crate::entities::{membership, organization, user};
use crate::organizations::{MemberView, MyOrganization};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// The organizations a user belongs to, with their role, first membership first.
pub(super) async fn memberships(
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
            suspension: org.suspended_at.map(|at| crate::organizations::Suspension {
                since: crate::domain::calendar::date_of(at),
                reason: org.suspension_reason.unwrap_or_default(),
            }),
            my_role: Role::parse(&m.role)?,
            members,
            review_time_limit_days: org.review_time_limit_days,
        });
    }
    Err(OrgError::NotFound)
}

/// How many rows of each kind the portal lists.
const ACTIVITY_ROWS: u64 = 50;

/// The viewer's charity's own funds and pledges (newest first), selected by the
/// charity's id here in the data layer.
pub async fn charity_activity(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
) -> Result<crate::organizations::CharityActivity, OrgError> {
    use crate::domain::support::{FundKind, FundStatus, PledgeStatus};
    use crate::entities::{fund, need, pledge};
    use crate::organizations::{FundRow, PledgeRow};
    use sea_orm::QuerySelect;
    let charity = my_charity(db, viewer).await?;
    let mut activity = crate::organizations::CharityActivity::default();
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
            pledged_on: crate::domain::calendar::date_of(p.pledged_at),
        });
    }
    Ok(activity)
}
