//! Who acts on needs, and where: a staff member's civil-affairs offices with their
//! regions and roles. Every read and change of a need checks its county against these
//! regions here, in the data layer, not only in the UI.

use crate::domain::organization::OrganizationKind;
use crate::domain::RegionCode;
use crate::entities::{membership, organization};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// One office a staff member acts in, with their roles there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffOffice {
    pub office_id: i64,
    pub region: RegionCode,
    pub roles: Vec<crate::domain::organization::Role>,
}

/// Who is acting on needs, and where: a signed-in staff member with all their offices,
/// or an API token limited to the one office that issued it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub user_id: i64,
    pub offices: Vec<StaffOffice>,
    /// The API token the staff member acts through, if any.
    pub via_token: Option<i64>,
}

impl Staff {
    /// The civil-affairs offices of a user (none for other users).
    pub async fn of_user<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<Staff, DbErr> {
        Self::load(db, user_id, None).await
    }

    /// The office of an API token, with its user's roles there.
    pub async fn of_token<C: ConnectionTrait>(
        db: &C,
        token: &crate::accounts::tokens::TokenPrincipal,
    ) -> Result<Staff, DbErr> {
        Self::load(
            db,
            token.user_id,
            Some((token.organization_id, token.token_id)),
        )
        .await
    }

    async fn load<C: ConnectionTrait>(
        db: &C,
        user_id: i64,
        only: Option<(i64, i64)>,
    ) -> Result<Staff, DbErr> {
        use crate::domain::organization::Role;
        let mut offices: Vec<StaffOffice> = Vec::new();
        let mut query = membership::Entity::find().filter(membership::Column::UserId.eq(user_id));
        if let Some((org, _)) = only {
            query = query.filter(membership::Column::OrganizationId.eq(org));
        }
        for m in query.all(db).await? {
            let Some(org) = organization::Entity::find_by_id(m.organization_id)
                .one(db)
                .await?
            else {
                continue;
            };
            if org.kind != OrganizationKind::CivilAffairs.code() {
                continue;
            }
            let (Some(region), Ok(role)) = (
                org.region_code
                    .as_deref()
                    .and_then(|c| RegionCode::parse(c).ok()),
                Role::parse(&m.role),
            ) else {
                continue;
            };
            match offices.iter_mut().find(|o| o.office_id == org.id) {
                Some(o) => o.roles.push(role),
                None => offices.push(StaffOffice {
                    office_id: org.id,
                    region,
                    roles: vec![role],
                }),
            }
        }
        Ok(Staff {
            user_id,
            offices,
            via_token: only.map(|(_, token)| token),
        })
    }

    pub fn is_staff(&self) -> bool {
        !self.offices.is_empty()
    }

    /// Whether the member holds one of `roles` in any of their offices.
    pub fn has_any_role(&self, roles: &[crate::domain::organization::Role]) -> bool {
        self.offices
            .iter()
            .any(|o| o.roles.iter().any(|r| roles.contains(r)))
    }

    /// The most local office whose region holds `county` and where the member has one
    /// of `roles`.
    pub fn office_for(
        &self,
        county: &RegionCode,
        roles: &[crate::domain::organization::Role],
    ) -> Option<&StaffOffice> {
        self.offices
            .iter()
            .filter(|o| o.region.contains(county) && o.roles.iter().any(|r| roles.contains(r)))
            .max_by_key(|o| o.region.as_str().trim_end_matches('0').len())
    }

    /// Whether `county` lies in any of the member's regions.
    pub fn sees(&self, county: &RegionCode) -> bool {
        self.offices.iter().any(|o| o.region.contains(county))
    }

    /// The audit actor for a change made through `office_id`.
    pub fn actor(&self, office_id: i64) -> crate::audit::Actor {
        if let Some(token_id) = self.via_token {
            crate::audit::Actor::ApiToken {
                user_id: self.user_id,
                organization_id: office_id,
                token_id,
            }
        } else {
            crate::audit::Actor::User {
                user_id: self.user_id,
                organization_id: Some(office_id),
            }
        }
    }
}
