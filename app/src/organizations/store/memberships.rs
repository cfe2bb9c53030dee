//! What a member sees of their organization: its portal and its own activity.

use super::OrgError;
use crate::accounts::CurrentUser;
use crate::domain::organization::{OrganizationKind, Role, Verification};
use crate::entities::{membership, organization, user};
use crate::organizations::{MemberView, MyOrganization};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

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

/// The viewer's first organization of `kind` and their membership of it.
async fn first_organization(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
    wanted: OrganizationKind,
) -> Result<Option<(membership::Model, organization::Model)>, DbErr> {
    let mine = memberships(db, viewer.id).await?;
    let mut organizations: HashMap<i64, organization::Model> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(mine.iter().map(|m| m.organization_id)))
        .filter(organization::Column::Kind.eq(wanted.code()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    Ok(mine
        .into_iter()
        .find_map(|m| organizations.remove(&m.organization_id).map(|o| (m, o))))
}

/// The viewer's first organization of `kind`, as its portal shows it; `NotFound` if
/// they belong to none.
pub async fn my_organization(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
    wanted: OrganizationKind,
) -> Result<MyOrganization, OrgError> {
    let Some((m, org)) = first_organization(db, viewer, wanted).await? else {
        return Err(OrgError::NotFound);
    };
    let memberships = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(org.id))
        .order_by_asc(membership::Column::Id)
        .all(db)
        .await?;
    let users: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(memberships.iter().map(|m| m.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut members = Vec::new();
    for member in memberships {
        if let Some(u) = users.get(&member.user_id) {
            members.push(MemberView {
                user_id: u.id,
                display_name: u.display_name.clone(),
                contact: u.email.clone().or(u.phone.clone()).unwrap_or_default(),
                role: Role::parse(&member.role)?,
            });
        }
    }
    Ok(MyOrganization {
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
    })
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
    let Some((_, charity)) = first_organization(db, viewer, OrganizationKind::Charity).await?
    else {
        return Err(OrgError::NotFound);
    };
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
    let pledges = pledge::Entity::find()
        .filter(pledge::Column::CharityId.eq(charity.id))
        .order_by_desc(pledge::Column::Id)
        .limit(ACTIVITY_ROWS)
        .all(db)
        .await?;
    // What each pledge is for, in two queries rather than one per pledge.
    let need_codes: HashMap<i64, String> = need::Entity::find()
        .filter(need::Column::Id.is_in(pledges.iter().filter_map(|p| p.need_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n.public_code))
        .collect();
    let fund_names: HashMap<i64, String> = fund::Entity::find()
        .filter(fund::Column::Id.is_in(pledges.iter().filter_map(|p| p.fund_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f.name))
        .collect();
    for p in pledges {
        let target = match (p.need_id, p.fund_id) {
            (Some(id), _) => need_codes.get(&id).cloned(),
            (_, Some(id)) => fund_names.get(&id).cloned(),
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
