//! API tokens for machine clients (office and charity systems). A token acts as the
//! person who created it, with that person's role, within one organization — never as
//! someone else, so that four eyes stay two people whatever the channel. Only its
//! SHA-256 is stored; it is shown once; it expires (one year unless chosen otherwise).

use super::secret::{digest, new_secret};
use crate::audit::{self, Actor, Change};
use crate::domain::organization::{OrganizationKind, Role};
use crate::entities::{api_token, membership, organization, user};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::FromQueryResult;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use serde::Serialize;

/// Tokens start with this, so that they are recognizable in configuration files.
pub const PREFIX: &str = "sq_";

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("not allowed")]
    Forbidden,
    #[error("the user is not a member of the organization")]
    NotAMember,
    #[error("no such token, or it was revoked")]
    Invalid,
    #[error("the token name must have 1 to 60 characters")]
    BadName,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Who is acting when a token is issued or revoked.
#[derive(Debug, Clone, Copy)]
pub enum Issuer {
    /// An organization admin in the portal (checked here).
    User(i64),
    /// An operator on the server (`shanqiao create-token`).
    Cli,
}

/// How long a new token works.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifetime {
    /// Ninety days.
    Days90,
    /// One year: the default.
    #[default]
    Year,
    /// Until it is revoked.
    Never,
}

impl Lifetime {
    /// When a token issued `now` stops working.
    pub fn expiry(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Lifetime::Days90 => Some(now + chrono::Duration::days(90)),
            Lifetime::Year => Some(now + chrono::Duration::days(365)),
            Lifetime::Never => None,
        }
    }
}

/// Who a valid token acts as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenPrincipal {
    pub token_id: i64,
    pub user_id: i64,
    pub organization_id: i64,
    /// The organization as it stood when the token was checked (read in the same query).
    pub organization: TokenOrganization,
}

/// What a request needs to know of the token's organization, read with the token so that
/// an API request does not need a second query for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenOrganization {
    /// `organizations.kind` (see `OrganizationKind`).
    pub kind: String,
    pub name: String,
    /// `organizations.verification` (see `Verification`).
    pub verification: String,
    /// Whether a platform admin has suspended the verification now.
    pub suspended: bool,
    pub public_fundraising: bool,
}

impl TokenOrganization {
    /// Verified and not suspended, as `organization::Model::is_verified`.
    pub fn is_verified(&self) -> bool {
        self.verification == crate::domain::organization::Verification::Verified.code()
            && !self.suspended
    }
}

/// A token as its organization's admin sees it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub user: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

async fn is_org_admin(
    db: &DatabaseConnection,
    user_id: i64,
    organization_id: i64,
) -> Result<bool, DbErr> {
    let Some(org) = organization::Entity::find_by_id(organization_id)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let admin_role = if org.kind == OrganizationKind::Charity.code() {
        Role::CharityAdmin
    } else {
        Role::OfficeAdmin
    };
    Ok(membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .filter(membership::Column::Role.eq(admin_role.code()))
        .one(db)
        .await?
        .is_some())
}

/// Issues a token acting as `user_id` in `organization_id` for the default lifetime (one
/// year); returns the secret, which is shown once. See [`issue_lasting`].
pub async fn issue(
    db: &DatabaseConnection,
    issuer: Issuer,
    organization_id: i64,
    user_id: i64,
    name: &str,
    now: DateTime<Utc>,
) -> Result<String, TokenError> {
    let lifetime = Lifetime::default();
    issue_lasting(db, issuer, organization_id, user_id, name, lifetime, now).await
}

/// Issues a token acting as `user_id` in `organization_id`, working for `lifetime`. The
/// user must be a member. In the portal, an organization's admin issues tokens acting as
/// themselves only: a token that acted as another member would let one person be both
/// author and reviewer. An operator (`create-token`) names the person it is for.
pub async fn issue_lasting(
    db: &DatabaseConnection,
    issuer: Issuer,
    organization_id: i64,
    user_id: i64,
    name: &str,
    lifetime: Lifetime,
    now: DateTime<Utc>,
) -> Result<String, TokenError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(TokenError::BadName);
    }
    if let Issuer::User(admin) = issuer {
        if admin != user_id || !is_org_admin(db, admin, organization_id).await? {
            return Err(TokenError::Forbidden);
        }
    }
    let member = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .is_some();
    if !member {
        return Err(TokenError::NotAMember);
    }
    let secret = format!("{PREFIX}{}", new_secret());
    let txn = crate::db::begin_write(db).await?;
    let row = api_token::ActiveModel {
        user_id: Set(user_id),
        organization_id: Set(organization_id),
        name: Set(name.to_owned()),
        token_hash: Set(digest(&secret)),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
        expires_at: Set(lifetime.expiry(now)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let actor = match issuer {
        Issuer::User(id) => Actor::User {
            user_id: id,
            organization_id: Some(organization_id),
        },
        Issuer::Cli => Actor::Cli,
    };
    audit::record(
        &txn,
        actor,
        Change {
            action: "api_token.issue",
            entity_kind: "api_token",
            entity_id: row.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "name": name, "user_id": user_id, "organization_id": organization_id })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(secret)
}

/// Revokes a token of an organization the viewer administers.
pub async fn revoke(
    db: &DatabaseConnection,
    viewer: i64,
    token_id: i64,
    now: DateTime<Utc>,
) -> Result<(), TokenError> {
    let token = api_token::Entity::find_by_id(token_id)
        .one(db)
        .await?
        .ok_or(TokenError::Invalid)?;
    if !is_org_admin(db, viewer, token.organization_id).await? {
        return Err(TokenError::Forbidden);
    }
    let txn = crate::db::begin_write(db).await?;
    let updated = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(token_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected == 1 {
        audit::record(
            &txn,
            Actor::User {
                user_id: viewer,
                organization_id: Some(token.organization_id),
            },
            Change {
                action: "api_token.revoke",
                entity_kind: "api_token",
                entity_id: token_id.to_string(),
                before: Some(serde_json::json!({ "revoked": false })),
                after: Some(serde_json::json!({ "revoked": true })),
                reason: None,
            },
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

const AUTHENTICATE_SQL: &str =
    "SELECT t.id, t.user_id, t.organization_id, t.expires_at, t.last_used_at, \
     o.kind, o.name, o.verification, o.suspended_at, o.public_fundraising \
     FROM api_tokens t \
     JOIN users u ON u.id = t.user_id AND u.disabled_at IS NULL \
     JOIN memberships m ON m.user_id = t.user_id AND m.organization_id = t.organization_id \
     JOIN organizations o ON o.id = t.organization_id \
     WHERE t.token_hash = ? AND t.revoked_at IS NULL LIMIT 1";

#[derive(Debug, FromQueryResult)]
struct ActiveToken {
    id: i64,
    user_id: i64,
    organization_id: i64,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    kind: String,
    name: String,
    verification: String,
    suspended_at: Option<DateTime<Utc>>,
    public_fundraising: bool,
}

/// How often a token's last use is written, at most.
const LAST_USED_EVERY_SECONDS: i64 = 60;

/// Checks a bearer token: valid, not revoked, its user still enabled and still a member.
pub async fn authenticate(
    db: &DatabaseConnection,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<TokenPrincipal, TokenError> {
    if !secret.starts_with(PREFIX) {
        return Err(TokenError::Invalid);
    }
    // One query: the token, if not revoked, of an enabled user still a member of its
    // organization, with the organization (every API request starts here).
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => AUTHENTICATE_SQL.replace('?', "$1"),
        _ => AUTHENTICATE_SQL.to_owned(),
    };
    let token = ActiveToken::find_by_statement(sea_orm::Statement::from_sql_and_values(
        backend,
        sql,
        [digest(secret).into()],
    ))
    .one(db)
    .await?
    .filter(|t| t.expires_at.is_none_or(|at| at > now))
    .ok_or(TokenError::Invalid)?;
    // The portal shows the day of last use: writing it at most once a minute keeps a busy
    // client's requests read-only (on SQLite every write waits for the one writer).
    let stale = token
        .last_used_at
        .is_none_or(|at| now - at > chrono::Duration::seconds(LAST_USED_EVERY_SECONDS));
    if stale {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(token.id))
            .exec(db)
            .await?;
    }
    Ok(TokenPrincipal {
        token_id: token.id,
        user_id: token.user_id,
        organization_id: token.organization_id,
        organization: TokenOrganization {
            kind: token.kind,
            name: token.name,
            verification: token.verification,
            suspended: token.suspended_at.is_some(),
            public_fundraising: token.public_fundraising,
        },
    })
}

/// The tokens of an organization the viewer administers, newest first.
pub async fn list(
    db: &DatabaseConnection,
    viewer: i64,
    organization_id: i64,
) -> Result<Vec<TokenView>, TokenError> {
    if !is_org_admin(db, viewer, organization_id).await? {
        return Err(TokenError::Forbidden);
    }
    let mut views = Vec::new();
    for t in api_token::Entity::find()
        .filter(api_token::Column::OrganizationId.eq(organization_id))
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?
    {
        let user = user::Entity::find_by_id(t.user_id)
            .one(db)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        views.push(TokenView {
            id: t.id,
            name: t.name,
            user,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
            revoked: t.revoked_at.is_some(),
        });
    }
    Ok(views)
}
