//! Invitations: one-time links that make an account a member of an organization.

use super::memberships::memberships;
use super::{insert_unique, OrgError};
use crate::accounts::one_time_link::{self, LinkColumns};
use crate::accounts::requests::Links;
use crate::accounts::secret::{digest, new_secret};
use crate::accounts::store::new_user;
use crate::accounts::{password, CurrentUser, Email};
use crate::audit::{self, Actor, Change};
use crate::domain::organization::{OrganizationKind, Role};
use crate::entities::{invitation, membership, organization};
use crate::messages::{self, texts, Outgoing};
use crate::organizations::InvitationView;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

/// How long an invitation link stays valid.
pub const INVITATION_DAYS: i64 = 7;

/// Invites `email` to `role` in the viewer's organization `organization_id`. Only that
/// organization's admin may, and only to roles of its kind. The link goes to the address
/// in a message (only its hash is stored), never to the admin: whether the address has an
/// account is for its owner to see, when they open the link.
pub async fn invite(
    db: &DatabaseConnection,
    links: Links<'_>,
    viewer: &CurrentUser,
    organization_id: i64,
    email: &crate::accounts::Email,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), OrgError> {
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
    let txn = crate::db::begin_write(db).await?;
    let actor = Actor::User {
        user_id: viewer.id,
        organization_id: Some(organization_id),
    };
    let to = Invitee {
        organization: &org.name,
        role,
        email,
    };
    insert_invitation(&txn, links, (viewer, actor), organization_id, to, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Who is invited, to what.
pub(super) struct Invitee<'a> {
    pub organization: &'a str,
    pub role: Role,
    pub email: &'a Email,
}

/// Writes an invitation of `to` into the organization, by `viewer` acting as `actor`
/// (audited), and the message that carries its link to the address, inside the caller's
/// transaction (only the token's hash is stored).
pub(super) async fn insert_invitation<C: ConnectionTrait>(
    txn: &C,
    links: Links<'_>,
    (viewer, actor): (&CurrentUser, Actor),
    organization_id: i64,
    to: Invitee<'_>,
    now: DateTime<Utc>,
) -> Result<(), OrgError> {
    let Invitee {
        organization,
        role,
        email,
    } = to;
    let token = new_secret();
    let expires_at = now + Duration::days(INVITATION_DAYS);
    let created = invitation::ActiveModel {
        organization_id: Set(organization_id),
        role: Set(role.code().to_owned()),
        email: Set(email.as_str().to_owned()),
        token_hash: Set(digest(&token)),
        invited_by: Set(viewer.id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        accepted_at: Set(None),
        accepted_by: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        actor,
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
    let link = format!(
        "{}{}",
        links.base_url,
        crate::routes::INVITATION.to([&token])
    );
    let text = texts::invitation(
        organization,
        role.label(crate::i18n::Lang::Zh),
        role.label(crate::i18n::Lang::En),
        &link,
        expires_at,
        now,
    );
    let name = crate::accounts::SignInName::Email(email.clone());
    messages::queue(txn, Outgoing::to(&name, text), now).await?;
    Ok(())
}

/// Invitations are one-time links.
const INVITATION_LINKS: LinkColumns<invitation::Entity> = LinkColumns {
    id: invitation::Column::Id,
    token_hash: invitation::Column::TokenHash,
    used_at: invitation::Column::AcceptedAt,
    expires_at: invitation::Column::ExpiresAt,
};

async fn open_invitation(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<invitation::Model, OrgError> {
    one_time_link::open(db, &INVITATION_LINKS, token, now)
        .await?
        .ok_or(OrgError::InvitationGone)
}

/// What an invitation link offers, if it is still open, to `viewer` (signed in or not).
/// Only the invited address receives the link, so the page may say whether that address
/// has an account already.
pub async fn invitation(
    db: &DatabaseConnection,
    token: &str,
    viewer: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> Result<InvitationView, OrgError> {
    let inv = open_invitation(db, token, now).await?;
    let org = organization::Entity::find_by_id(inv.organization_id)
        .one(db)
        .await?
        .ok_or(OrgError::InvitationGone)?;
    let account = invited_account(db, &inv.email).await?;
    Ok(InvitationView {
        organization: org.name,
        role: Role::parse(&inv.role)?,
        has_account: account.is_some(),
        signed_in_as_invitee: account.is_some_and(|id| viewer.is_some_and(|v| v.id == id)),
        email: inv.email,
    })
}

/// The account that signs in with the invited address, if there is one.
async fn invited_account(db: &DatabaseConnection, email: &str) -> Result<Option<i64>, OrgError> {
    let Ok(email) = Email::parse(email) else {
        return Ok(None);
    };
    let name = crate::accounts::SignInName::Email(email);
    Ok(crate::accounts::store::find_by_name(db, &name)
        .await?
        .map(|u| u.id))
}

/// Accepts an invitation as the signed-in `viewer`, whose account signs in with the
/// invited address: the membership is added and the link used up, in one transaction.
pub async fn accept_invitation_as(
    db: &DatabaseConnection,
    token: &str,
    viewer: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<OrganizationKind, OrgError> {
    let inv = open_invitation(db, token, now).await?;
    if invited_account(db, &inv.email).await? != Some(viewer.id) {
        return Err(OrgError::NotTheInvitee);
    }
    let kind = match organization::Entity::find_by_id(inv.organization_id)
        .one(db)
        .await?
    {
        Some(org) => OrganizationKind::parse(&org.kind)?,
        None => return Err(OrgError::InvitationGone),
    };
    if memberships(db, viewer.id)
        .await?
        .iter()
        .any(|m| m.organization_id == inv.organization_id)
    {
        return Err(OrgError::AlreadyMember);
    }
    let txn = crate::db::begin_write(db).await?;
    if !one_time_link::use_up(&txn, &INVITATION_LINKS, inv.id, now).await? {
        return Err(OrgError::InvitationGone);
    }
    join(&txn, &inv, viewer.id, now).await?;
    txn.commit().await?;
    Ok(kind)
}

/// The membership an invitation gives `user_id`, recorded as accepted and audited,
/// inside the caller's transaction.
async fn join<C: ConnectionTrait>(
    txn: &C,
    inv: &invitation::Model,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), OrgError> {
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedBy, Expr::value(user_id))
        .filter(invitation::Column::Id.eq(inv.id))
        .exec(txn)
        .await?;
    membership::ActiveModel {
        user_id: Set(user_id),
        organization_id: Set(inv.organization_id),
        role: Set(inv.role.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        Actor::User {
            user_id,
            organization_id: Some(inv.organization_id),
        },
        Change {
            action: "membership.accept_invitation",
            entity_kind: "user",
            entity_id: user_id.to_string(),
            before: None,
            after: Some(
                serde_json::json!({ "organization_id": inv.organization_id, "role": inv.role }),
            ),
            reason: None,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Accepts an invitation: creates the account and the membership, marks the invitation
/// used (guarded, so a link works once), in one transaction.
pub async fn accept_invitation(
    db: &DatabaseConnection,
    token: &str,
    display_name: &str,
    new_password: String,
    confirmation: &str,
    now: DateTime<Utc>,
) -> Result<(CurrentUser, OrganizationKind), OrgError> {
    let display_name = display_name.trim();
    let mut found = crate::accounts::check_new_password(
        &new_password,
        confirmation,
        "password",
        "password_confirmation",
    );
    if display_name.is_empty()
        || display_name.chars().count() > crate::accounts::MAX_DISPLAY_NAME_CHARS
    {
        found.insert(0, ("display_name", crate::accounts::problems::DISPLAY_NAME));
    }
    if !found.is_empty() {
        return Err(OrgError::Invalid(found));
    }
    let inv = open_invitation(db, token, now).await?;
    let kind = match organization::Entity::find_by_id(inv.organization_id)
        .one(db)
        .await?
    {
        Some(org) => OrganizationKind::parse(&org.kind)?,
        None => return Err(OrgError::InvitationGone),
    };
    let hash = password::hash(new_password).await?;
    let txn = crate::db::begin_write(db).await?;
    if !one_time_link::use_up(&txn, &INVITATION_LINKS, inv.id, now).await? {
        return Err(OrgError::InvitationGone);
    }
    let created = insert_unique(
        &txn,
        new_user(
            Some(inv.email.clone()),
            None,
            display_name.trim().to_owned(),
            hash,
            false,
            now,
        ),
        OrgError::EmailTaken,
    )
    .await?;
    join(&txn, &inv, created.id, now).await?;
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

/// Whether `viewer` administers `organization_id` (the only one who may invite into it
/// or take an invitation back).
async fn administers(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
    organization_id: i64,
) -> Result<bool, OrgError> {
    let Some(org) = organization::Entity::find_by_id(organization_id)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let admin_role = match OrganizationKind::parse(&org.kind)? {
        OrganizationKind::Charity => Role::CharityAdmin,
        OrganizationKind::CivilAffairs => Role::OfficeAdmin,
    };
    Ok(memberships(db, viewer.id)
        .await?
        .iter()
        .any(|m| m.organization_id == organization_id && m.role == admin_role.code()))
}

/// The invitations of `organization_id` still waiting to be accepted, newest first; its
/// admin only.
pub async fn open_invitations(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
    organization_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<crate::organizations::PendingInvitation>, OrgError> {
    if !administers(db, viewer, organization_id).await? {
        return Err(OrgError::Forbidden);
    }
    invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(organization_id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .order_by_desc(invitation::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|i| {
            Ok(crate::organizations::PendingInvitation {
                id: i.id,
                email: i.email,
                role: Role::parse(&i.role)?,
                expires_on: crate::domain::calendar::date_of(i.expires_at),
            })
        })
        .collect()
}

/// Takes back an invitation that has not been used: its link stops working at once.
/// Only the organization's admin may; a used or expired one is `InvitationGone`.
pub async fn revoke_invitation(
    db: &DatabaseConnection,
    viewer: &CurrentUser,
    invitation_id: i64,
    now: DateTime<Utc>,
) -> Result<(), OrgError> {
    let inv = invitation::Entity::find_by_id(invitation_id)
        .one(db)
        .await?
        .ok_or(OrgError::NotFound)?;
    if !administers(db, viewer, inv.organization_id).await? {
        return Err(OrgError::Forbidden);
    }
    let txn = crate::db::begin_write(db).await?;
    // Guarded: only an open link is closed, and only once.
    let closed = invitation::Entity::update_many()
        .col_expr(invitation::Column::ExpiresAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(inv.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if closed.rows_affected != 1 {
        return Err(OrgError::InvitationGone);
    }
    audit::record(
        &txn,
        Actor::User {
            user_id: viewer.id,
            organization_id: Some(inv.organization_id),
        },
        Change {
            action: "invitation.revoke",
            entity_kind: "invitation",
            entity_id: inv.id.to_string(),
            before: None,
            after: None,
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
