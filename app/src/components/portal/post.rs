//! The portal forms' actions, for both kinds of organization: invite a member, issue an
//! API token, revoke one. Each answers with the portal page.

use super::{portal_routes, InvitationSent, IssuedToken};
use crate::accounts::requests::Links;
use crate::accounts::tokens::{self, Issuer};
use crate::accounts::{problems as account, CurrentUser, Email};
use crate::action::{Answer, Done, NoFields, Outcome, Posted, Refused, Rejection, Viewer};
use crate::domain::organization::{OrganizationKind, Role};
use crate::organizations::store;
use crate::organizations::MyOrganization;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::{request::Parts, StatusCode};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub role: String,
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub token_name: String,
    /// Whom the token acts as: the person creating it. Older forms sent their id; any
    /// other id is refused by the domain.
    #[serde(default)]
    pub token_user: Option<i64>,
    #[serde(default)]
    pub token_lifetime: tokens::Lifetime,
}

/// Which portal a form was posted from, read off its path (`/charity/…`, `/office/…`):
/// both portals post to the same actions.
pub struct PortalOf(pub OrganizationKind);

impl<S: Send + Sync> FromRequestParts<S> for PortalOf {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, StatusCode> {
        let path = parts.uri.path();
        [OrganizationKind::Charity, OrganizationKind::CivilAffairs]
            .into_iter()
            .find(|k| {
                path.strip_prefix(portal_routes(*k).page.url())
                    .is_some_and(|rest| rest.starts_with('/'))
            })
            .map(PortalOf)
            .ok_or(StatusCode::NOT_FOUND)
    }
}

/// The signed-in viewer and their organization of `kind`.
async fn member_of(
    state: &AppState,
    viewer: Viewer,
    kind: OrganizationKind,
) -> Result<(CurrentUser, MyOrganization), Refused> {
    let page = portal_routes(kind).page.url();
    let viewer = viewer.signed_in(page)?;
    let org = store::my_organization(&state.db, &viewer, kind)
        .await
        .map_err(|e| Refused::page(page, e))?;
    Ok((viewer, org))
}

/// `POST /charity/invitations`, `POST /office/invitations`.
pub async fn invite_member(
    State(state): State<AppState>,
    PortalOf(kind): PortalOf,
    viewer: Viewer,
    posted: Posted<InviteForm>,
) -> Outcome {
    let page = portal_routes(kind).page.url();
    let (viewer, org) = member_of(&state, viewer, kind).await?;
    let email = Email::parse(&posted.form.email)
        .map_err(|_| posted.refuse(page, Rejection::field("email", account::BAD_SIGN_IN_NAME)))?;
    let role = Role::parse(&posted.form.role).unwrap_or(Role::CharityMember);
    let links = Links {
        base_url: &state.base_url,
    };
    store::invite(
        &state.db,
        links,
        &viewer,
        org.id,
        &email,
        role,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, e))?;
    let sent = InvitationSent(email.as_str().to_owned());
    Ok(Done::Page(Answer::page(page).with(sent)))
}

/// `POST /charity/tokens`, `POST /office/tokens`: a token acting as its creator.
pub async fn create_token(
    State(state): State<AppState>,
    PortalOf(kind): PortalOf,
    viewer: Viewer,
    posted: Posted<TokenForm>,
) -> Outcome {
    let page = portal_routes(kind).page.url();
    let (viewer, org) = member_of(&state, viewer, kind).await?;
    let form = &posted.form;
    let secret = tokens::issue_lasting(
        &state.db,
        Issuer::User(viewer.id),
        org.id,
        form.token_user.unwrap_or(viewer.id),
        &form.token_name,
        form.token_lifetime,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, e))?;
    Ok(Done::Page(Answer::page(page).with(IssuedToken(secret))))
}

/// `POST /charity/tokens/{id}/revoke`, `POST /office/tokens/{id}/revoke`.
pub async fn revoke_token(
    State(state): State<AppState>,
    PortalOf(kind): PortalOf,
    viewer: Viewer,
    Path(id): Path<i64>,
    posted: Posted<NoFields>,
) -> Outcome {
    let page = portal_routes(kind).page.url();
    let viewer = viewer.signed_in(page)?;
    tokens::revoke(&state.db, viewer.id, id, chrono::Utc::now())
        .await
        .map_err(|e| posted.refuse(page, e))?;
    Ok(Done::SeeOther(page.to_owned()))
}

/// `POST /charity/invitations/{id}/revoke`, `POST /office/invitations/{id}/revoke`.
pub async fn revoke_invitation(
    State(state): State<AppState>,
    PortalOf(kind): PortalOf,
    viewer: Viewer,
    Path(id): Path<i64>,
    posted: Posted<NoFields>,
) -> Outcome {
    let page = portal_routes(kind).page.url();
    let viewer = viewer.signed_in(page)?;
    store::revoke_invitation(&state.db, &viewer, id, chrono::Utc::now())
        .await
        .map_err(|e| posted.refuse(page, e))?;
    Ok(Done::SeeOther(page.to_owned()))
}
