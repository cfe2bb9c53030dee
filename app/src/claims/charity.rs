//! Who acts for a charity: a signed-in member, or an API token of the charity. Every
//! claim action is checked against this, in the data layer.

use crate::accounts::tokens::TokenPrincipal;
use crate::audit::Actor;
use crate::domain::organization::{OrganizationKind, Role};
use crate::entities::{membership, organization};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// A member of a charity acting for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharityActor {
    pub user_id: i64,
    pub charity_id: i64,
    pub charity_name: String,
    /// Verified by the platform and not suspended now (`organization::Model::is_verified`):
    /// what claiming, raising money and taking pledges ask.
    pub verified: bool,
    pub public_fundraising: bool,
    /// The API token the member acts through, if any.
    pub via_token: Option<i64>,
}

impl CharityActor {
    /// The user's first charity (`None` if they belong to none).
    pub async fn of_user<C: ConnectionTrait>(
        db: &C,
        user_id: i64,
    ) -> Result<Option<CharityActor>, DbErr> {
        let memberships = membership::Entity::find()
            .filter(membership::Column::UserId.eq(user_id))
            .order_by_asc(membership::Column::Id)
            .all(db)
            .await?;
        for m in memberships {
            if let Some(actor) = Self::member_of(db, user_id, m.organization_id, &m.role).await? {
                return Ok(Some(actor));
            }
        }
        Ok(None)
    }

    /// The charity of an API token (`None` if the token is another kind of
    /// organization's). Authentication has checked that its user is a member; a member of
    /// a charity holds a charity role (roles fit their organization's kind).
    pub fn of_token(token: &TokenPrincipal) -> Option<CharityActor> {
        let org = &token.organization;
        (org.kind == OrganizationKind::Charity.code()).then(|| CharityActor {
            user_id: token.user_id,
            charity_id: token.organization_id,
            charity_name: org.name.clone(),
            verified: org.is_verified(),
            public_fundraising: org.public_fundraising,
            via_token: Some(token.token_id),
        })
    }

    /// The user acting for `org_id` in the portal, if it is a charity and `role` a
    /// charity role.
    async fn member_of<C: ConnectionTrait>(
        db: &C,
        user_id: i64,
        org_id: i64,
        role: &str,
    ) -> Result<Option<CharityActor>, DbErr> {
        let member = matches!(
            Role::parse(role),
            Ok(Role::CharityMember | Role::CharityAdmin)
        );
        let Some(org) = organization::Entity::find_by_id(org_id).one(db).await? else {
            return Ok(None);
        };
        if !member || org.kind != OrganizationKind::Charity.code() {
            return Ok(None);
        }
        Ok(Some(CharityActor {
            user_id,
            charity_id: org.id,
            verified: org.is_verified(),
            charity_name: org.name,
            public_fundraising: org.public_fundraising,
            via_token: None,
        }))
    }

    /// The audit actor.
    pub fn actor(&self) -> Actor {
        match self.via_token {
            Some(token_id) => Actor::ApiToken {
                user_id: self.user_id,
                organization_id: self.charity_id,
                token_id,
            },
            None => Actor::User {
                user_id: self.user_id,
                organization_id: Some(self.charity_id),
            },
        }
    }
}
