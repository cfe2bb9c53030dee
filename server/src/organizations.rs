//! HTTP handlers for charity registration, verification and invitations. Thin: parse,
//! call `app::organizations::store` (which checks who may do what), then redirect or
//! render the form again.

use crate::accounts::{field, internal, read_form, start_session, with_problems};
use crate::pages::render_with_reply;
use app::accounts::{
    check_new_password, problems as account_problems, CurrentUser, Email, FormReply,
};
use app::domain::organization::{OrganizationKind, Role};
use app::organizations::store::{self, OrgError};
use app::organizations::{problems, CharityRegistration, RegistrationInput};
use app::pages::charity::portal_base;
use app::pages::charity::IssuedLink;
use app::state::AppState;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use tower_sessions::Session;

pub async fn register_charity(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let input = RegistrationInput {
        name: field(&fields, "name"),
        uscc: field(&fields, "uscc"),
        region_code: field(&fields, "region_code"),
        public_fundraising: field(&fields, "public_fundraising") == "on",
        description: field(&fields, "description"),
        admin_account: field(&fields, "admin_account"),
        admin_display_name: field(&fields, "admin_display_name"),
        password: field(&fields, "password"),
        password_confirmation: field(&fields, "password_confirmation"),
    };
    let registration =
        match CharityRegistration::parse(&input, |code| state.regions.name(code).is_some()) {
            Ok(r) => r,
            Err(found) => {
                let reply = with_problems(&fields, found);
                return render_with_reply(
                    &state,
                    parts,
                    "/charity/register",
                    reply,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        };
    let (status, reply) = match store::register_charity(&state.db, registration, chrono::Utc::now())
        .await
    {
        Ok((_, admin)) => match start_session(&session, admin.id).await {
            Ok(()) => return Redirect::to("/charity?registered=1").into_response(),
            Err(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                internal("starting a session failed", e),
            ),
        },
        Err(OrgError::UsccTaken) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormReply::keeping(&fields).with_error("uscc", problems::USCC_TAKEN),
        ),
        Err(OrgError::NameTaken) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormReply::keeping(&fields).with_error("admin_account", account_problems::NAME_TAKEN),
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            internal("registering a charity failed", e),
        ),
    };
    render_with_reply(&state, parts, "/charity/register", reply, status).await
}

async fn decide(
    state: AppState,
    viewer: Option<Extension<CurrentUser>>,
    id: i64,
    approve: bool,
    request: Request,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return Redirect::to("/signin?next=/admin/charities").into_response();
    };
    let (parts, fields) = match read_form(request).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let outcome = store::decide_verification(
        &state.db,
        &viewer,
        id,
        approve,
        field(&fields, "reason"),
        chrono::Utc::now(),
    )
    .await;
    let (status, reply) = match outcome {
        Ok(()) => return Redirect::to("/admin/charities?decided=1").into_response(),
        Err(OrgError::Forbidden) => (
            StatusCode::FORBIDDEN,
            FormReply::default().with_form_error(problems::FORBIDDEN),
        ),
        Err(OrgError::ReasonRequired) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormReply::default().with_form_error(problems::REASON_REQUIRED),
        ),
        Err(OrgError::NotPending) => (
            StatusCode::CONFLICT,
            FormReply::default().with_form_error(problems::NOT_PENDING),
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            internal("deciding a verification failed", e),
        ),
    };
    render_with_reply(&state, parts, "/admin/charities", reply, status).await
}

pub async fn verify_charity(
    State(state): State<AppState>,
    viewer: Option<Extension<CurrentUser>>,
    Path(id): Path<i64>,
    request: Request,
) -> Response {
    decide(state, viewer, id, true, request).await
}

pub async fn reject_charity(
    State(state): State<AppState>,
    viewer: Option<Extension<CurrentUser>>,
    Path(id): Path<i64>,
    request: Request,
) -> Response {
    decide(state, viewer, id, false, request).await
}

pub async fn invite_charity_member(
    State(state): State<AppState>,
    viewer: Option<Extension<CurrentUser>>,
    request: Request,
) -> Response {
    invite_member(OrganizationKind::Charity, state, viewer, request).await
}

pub async fn invite_office_member(
    State(state): State<AppState>,
    viewer: Option<Extension<CurrentUser>>,
    request: Request,
) -> Response {
    invite_member(OrganizationKind::CivilAffairs, state, viewer, request).await
}

/// The common start of a portal form post: the form, the signed-in viewer and their
/// organization of `kind`; or the response that ends the request (sign in first, not a
/// member, or a failure).
async fn portal_post(
    kind: OrganizationKind,
    state: &AppState,
    viewer: Option<Extension<CurrentUser>>,
    request: Request,
) -> Result<
    (
        axum::http::request::Parts,
        std::collections::HashMap<String, String>,
        CurrentUser,
        app::organizations::MyOrganization,
    ),
    Response,
> {
    let portal = portal_base(kind);
    let Some(Extension(viewer)) = viewer else {
        return Err(Redirect::to(&format!("/signin?next={portal}")).into_response());
    };
    let (parts, fields) = read_form(request).await?;
    match store::my_organization(&state.db, &viewer, kind).await {
        Ok(org) => Ok((parts, fields, viewer, org)),
        Err(OrgError::NotFound) => Err((
            StatusCode::FORBIDDEN,
            "not a member of such an organization\n",
        )
            .into_response()),
        Err(e) => {
            let reply = internal("loading an organization failed", e);
            Err(render_with_reply(
                state,
                parts,
                portal,
                reply,
                StatusCode::INTERNAL_SERVER_ERROR,
            )
            .await)
        }
    }
}

async fn invite_member(
    kind: OrganizationKind,
    state: AppState,
    viewer: Option<Extension<CurrentUser>>,
    request: Request,
) -> Response {
    let portal = portal_base(kind);
    let (parts, fields, viewer, charity) = match portal_post(kind, &state, viewer, request).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let base = state.base_url.clone();
    let email = match Email::parse(field(&fields, "email")) {
        Ok(e) => e,
        Err(_) => {
            let reply =
                FormReply::keeping(&fields).with_error("email", account_problems::BAD_SIGN_IN_NAME);
            return render_with_reply(
                &state,
                parts,
                portal,
                reply,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let role = Role::parse(field(&fields, "role")).unwrap_or(Role::CharityMember);
    let (status, reply, link) = match store::invite(
        &state.db,
        &viewer,
        charity.id,
        &email,
        role,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(token) => (
            StatusCode::OK,
            FormReply::default(),
            Some(IssuedLink(format!("{base}/invitations/{token}"))),
        ),
        Err(OrgError::Forbidden) => (
            StatusCode::FORBIDDEN,
            FormReply::default().with_form_error(problems::FORBIDDEN),
            None,
        ),
        Err(OrgError::NameTaken) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormReply::keeping(&fields).with_error("email", problems::EMAIL_TAKEN),
            None,
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            internal("creating an invitation failed", e),
            None,
        ),
    };
    let mut parts = parts;
    if let Some(link) = link {
        parts.extensions.insert(link);
    }
    render_with_reply(&state, parts, portal, reply, status).await
}

pub async fn accept_invitation(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let path = format!("/invitations/{token}");
    let path = path.as_str();
    let display_name = field(&fields, "display_name").trim();
    let mut found = check_new_password(
        field(&fields, "password"),
        field(&fields, "password_confirmation"),
        "password",
        "password_confirmation",
    );
    if display_name.is_empty()
        || display_name.chars().count() > app::accounts::MAX_DISPLAY_NAME_CHARS
    {
        found.insert(0, ("display_name", account_problems::DISPLAY_NAME));
    }
    if !found.is_empty() {
        return render_with_reply(
            &state,
            parts,
            path,
            with_problems(&fields, found),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let outcome = store::accept_invitation(
        &state.db,
        &token,
        display_name,
        field(&fields, "password").to_owned(),
        chrono::Utc::now(),
    )
    .await;
    let (status, reply) = match outcome {
        Ok((user, kind)) => match start_session(&session, user.id).await {
            Ok(()) => return Redirect::to(portal_base(kind)).into_response(),
            Err(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                internal("starting a session failed", e),
            ),
        },
        Err(OrgError::InvitationGone) => (
            StatusCode::GONE,
            FormReply::default().with_form_error(problems::INVITATION_GONE),
        ),
        Err(OrgError::NameTaken) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormReply::default().with_form_error(problems::EMAIL_TAKEN),
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            internal("accepting an invitation failed", e),
        ),
    };
    render_with_reply(&state, parts, path, reply, status).await
}

pub async fn create_charity_token(
    State(state): State<AppState>,
    viewer: Option<Extension<CurrentUser>>,
    request: Request,
) -> Response {
    create_token(OrganizationKind::Charity, state, viewer, request).await
}

pub async fn create_office_token(
    State(state): State<AppState>,
    viewer: Option<Extension<CurrentUser>>,
    request: Request,
) -> Response {
    create_token(OrganizationKind::CivilAffairs, state, viewer, request).await
}

async fn create_token(
    kind: OrganizationKind,
    state: AppState,
    viewer: Option<Extension<CurrentUser>>,
    request: Request,
) -> Response {
    let portal = portal_base(kind);
    use app::accounts::tokens::{self, Issuer, TokenError};
    use app::pages::charity::IssuedToken;
    let (mut parts, fields, viewer, charity) =
        match portal_post(kind, &state, viewer, request).await {
            Ok(p) => p,
            Err(r) => return r,
        };
    let member: i64 = field(&fields, "token_user").parse().unwrap_or(0);
    let issued = tokens::issue(
        &state.db,
        Issuer::User(viewer.id),
        charity.id,
        member,
        field(&fields, "token_name"),
        chrono::Utc::now(),
    )
    .await;
    let (status, reply) = match issued {
        Ok(secret) => {
            parts.extensions.insert(IssuedToken(secret));
            (StatusCode::OK, FormReply::default())
        }
        Err(TokenError::BadName) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormReply::keeping(&fields).with_error("token_name", problems::TOKEN_NAME),
        ),
        Err(TokenError::Forbidden | TokenError::NotAMember) => (
            StatusCode::FORBIDDEN,
            FormReply::default().with_form_error(problems::FORBIDDEN),
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            internal("issuing an API token failed", e),
        ),
    };
    render_with_reply(&state, parts, portal, reply, status).await
}

pub async fn revoke_charity_token(
    State(state): State<AppState>,
    viewer: Option<Extension<CurrentUser>>,
    Path(id): Path<i64>,
) -> Response {
    revoke_token(OrganizationKind::Charity, state, viewer, id).await
}

pub async fn revoke_office_token(
    State(state): State<AppState>,
    viewer: Option<Extension<CurrentUser>>,
    Path(id): Path<i64>,
) -> Response {
    revoke_token(OrganizationKind::CivilAffairs, state, viewer, id).await
}

async fn revoke_token(
    kind: OrganizationKind,
    state: AppState,
    viewer: Option<Extension<CurrentUser>>,
    id: i64,
) -> Response {
    let portal = portal_base(kind);
    use app::accounts::tokens::{self, TokenError};
    let Some(Extension(viewer)) = viewer else {
        return Redirect::to(&format!("/signin?next={portal}")).into_response();
    };
    match tokens::revoke(&state.db, viewer.id, id, chrono::Utc::now()).await {
        Ok(()) => Redirect::to(portal).into_response(),
        Err(TokenError::Forbidden) => (StatusCode::FORBIDDEN, "not allowed\n").into_response(),
        Err(TokenError::Invalid) => (StatusCode::NOT_FOUND, "no such token\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "revoking an API token failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not revoke; try again\n",
            )
                .into_response()
        }
    }
}

pub async fn create_office(
    State(state): State<AppState>,
    viewer: Option<Extension<CurrentUser>>,
    request: Request,
) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return Redirect::to("/signin?next=/admin/offices").into_response();
    };
    let (mut parts, fields) = match read_form(request).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let name = field(&fields, "name").trim();
    let region = field(&fields, "region_code").trim();
    let mut found = Vec::new();
    if name.is_empty() || name.chars().count() > app::organizations::MAX_NAME_CHARS {
        found.push(("name", problems::NAME));
    }
    if state.regions.name(region).is_none() {
        found.push(("region_code", problems::REGION_CODE));
    }
    let email = Email::parse(field(&fields, "admin_email"));
    if email.is_err() {
        found.push(("admin_email", account_problems::BAD_SIGN_IN_NAME));
    }
    let email = match email {
        Ok(e) if found.is_empty() => e,
        _ => {
            let reply = with_problems(&fields, found);
            return render_with_reply(
                &state,
                parts,
                "/admin/offices",
                reply,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let outcome =
        store::create_office(&state.db, &viewer, name, region, &email, chrono::Utc::now()).await;
    let (status, reply) = match outcome {
        Ok(token) => {
            parts.extensions.insert(IssuedLink(format!(
                "{}/invitations/{token}",
                state.base_url
            )));
            (StatusCode::OK, FormReply::default())
        }
        Err(OrgError::Forbidden) => {
            return (StatusCode::FORBIDDEN, "not allowed\n").into_response()
        }
        Err(OrgError::UsccTaken) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormReply::keeping(&fields).with_error("region_code", problems::OFFICE_EXISTS),
        ),
        Err(OrgError::NameTaken) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormReply::keeping(&fields).with_error("admin_email", problems::EMAIL_TAKEN),
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            internal("creating an office failed", e),
        ),
    };
    render_with_reply(&state, parts, "/admin/offices", reply, status).await
}
