//! HTTP handlers for signing up, in and out, and changing a password. Thin: parse the
//! form, call `app::accounts`, then redirect (success) or render the form again with
//! what went wrong (failure).

use crate::pages::render_with_reply;
use app::accounts::{problems, sign_in, store, FormReply, SignUp};
use app::state::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use std::net::SocketAddr;
use tower_sessions::Session;

/// Session keys.
pub const USER_ID: &str = "user_id";
pub const SIGNED_IN_AT: &str = "signed_in_at";

/// Form bodies are small; anything bigger is refused before parsing.
const MAX_FORM_BYTES: usize = 16 * 1024;

/// Splits a form post into the request head (to render the page again) and its fields.
pub async fn read_form(
    request: Request,
) -> Result<(axum::http::request::Parts, HashMap<String, String>), Response> {
    read_form_up_to(request, MAX_FORM_BYTES).await
}

/// [`read_form`] for forms with long texts, refusing bodies above `limit` bytes.
pub async fn read_form_up_to(
    request: Request,
    limit: usize,
) -> Result<(axum::http::request::Parts, HashMap<String, String>), Response> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "表单内容过大（上限 {} KB）/ The form is too large ({} KB at most)\n",
                limit / 1024,
                limit / 1024
            ),
        )
            .into_response()
    })?;
    let fields: HashMap<String, String> = serde_urlencoded::from_bytes(&bytes)
        .map_err(|_| (StatusCode::BAD_REQUEST, "malformed form\n").into_response())?;
    Ok((parts, fields))
}

pub fn field<'a>(fields: &'a HashMap<String, String>, name: &str) -> &'a str {
    fields.get(name).map_or("", String::as_str)
}

pub fn with_problems(
    fields: &HashMap<String, String>,
    found: Vec<(&'static str, app::accounts::Problem)>,
) -> FormReply {
    found
        .into_iter()
        .fold(FormReply::keeping(fields), |reply, (f, p)| {
            reply.with_error(f, p)
        })
}

/// Starts a signed-in session: a new session id (no fixation), then the user.
pub async fn start_session(
    session: &Session,
    user_id: i64,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(USER_ID, user_id).await?;
    session
        .insert(SIGNED_IN_AT, chrono::Utc::now().timestamp())
        .await?;
    Ok(())
}

pub fn internal(context: &'static str, err: impl std::fmt::Display) -> FormReply {
    tracing::error!(error = %err, "{context}");
    FormReply::default().with_form_error(problems::INTERNAL)
}

pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    request: Request,
) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let next = app::pages::account::safe_next(field(&fields, "next")).to_owned();
    let outcome = sign_in::authenticate(
        &state.db,
        field(&fields, "account"),
        field(&fields, "password").to_owned(),
        &peer.ip().to_string(),
        chrono::Utc::now(),
    )
    .await;
    let (status, reply) = match outcome {
        Ok(user) => match start_session(&session, user.id).await {
            Ok(()) => {
                tracing::info!(user_id = user.id, "signed in");
                return Redirect::to(&next).into_response();
            }
            Err(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                internal("starting a session failed", e),
            ),
        },
        Err(sign_in::SignInError::WrongCredentials) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormReply::keeping(&fields).with_form_error(problems::WRONG_CREDENTIALS),
        ),
        Err(sign_in::SignInError::Throttled { .. }) => (
            StatusCode::TOO_MANY_REQUESTS,
            FormReply::keeping(&fields).with_form_error(problems::THROTTLED),
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            internal("sign-in failed", e),
        ),
    };
    render_with_reply(&state, parts, "/signin", reply, status).await
}

pub async fn sign_up(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let parsed = SignUp::parse(
        field(&fields, "account"),
        field(&fields, "display_name"),
        field(&fields, "password"),
        field(&fields, "password_confirmation"),
    );
    let sign_up = match parsed {
        Ok(s) => s,
        Err(found) => {
            let reply = with_problems(&fields, found);
            return render_with_reply(
                &state,
                parts,
                "/signup",
                reply,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let (status, reply) = match store::create_donor(&state.db, sign_up, chrono::Utc::now()).await {
        Ok(user) => match start_session(&session, user.id).await {
            Ok(()) => return Redirect::to("/account?welcome=1").into_response(),
            Err(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                internal("starting a session failed", e),
            ),
        },
        Err(store::SignUpError::NameTaken) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormReply::keeping(&fields).with_error("account", problems::NAME_TAKEN),
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            internal("sign-up failed", e),
        ),
    };
    render_with_reply(&state, parts, "/signup", reply, status).await
}

pub async fn sign_out(session: Session) -> Response {
    // Deletes the record from the store: the old cookie no longer means anything.
    if let Err(e) = session.flush().await {
        tracing::error!(error = %e, "ending a session failed");
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not sign out; try again\n",
        )
            .into_response();
    }
    Redirect::to("/").into_response()
}

pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Response {
    let user_id = match session.get::<i64>(USER_ID).await {
        Ok(Some(id)) => id,
        _ => return Redirect::to("/signin?next=/account").into_response(),
    };
    let (parts, fields) = match read_form(request).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let found = app::accounts::check_new_password(
        field(&fields, "new_password"),
        field(&fields, "new_password_confirmation"),
        "new_password",
        "new_password_confirmation",
    );
    if !found.is_empty() {
        let reply = with_problems(&fields, found);
        return render_with_reply(
            &state,
            parts,
            "/account",
            reply,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let outcome = store::change_password(
        &state.db,
        user_id,
        field(&fields, "current_password").to_owned(),
        field(&fields, "new_password").to_owned(),
        chrono::Utc::now(),
    )
    .await;
    let (status, reply) = match outcome {
        Ok(()) => {
            // A new id for the session that survives the change.
            if let Err(e) = session.cycle_id().await {
                tracing::warn!(error = %e, "cycling the session id failed");
            }
            return Redirect::to("/account?changed=1").into_response();
        }
        Err(store::ChangePasswordError::WrongCurrentPassword) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormReply::keeping(&fields)
                .with_error("current_password", problems::WRONG_CURRENT_PASSWORD),
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            internal("changing a password failed", e),
        ),
    };
    render_with_reply(&state, parts, "/account", reply, status).await
}

/// Middleware: puts the signed-in user (if any) into the request's extensions, ending
/// sessions older than the absolute limit.
pub async fn load_current_user(
    State(limits): State<SessionLimits>,
    session: Session,
    mut request: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    if let Ok(Some(user_id)) = session.get::<i64>(USER_ID).await {
        let started = session
            .get::<i64>(SIGNED_IN_AT)
            .await
            .ok()
            .flatten()
            .unwrap_or(0);
        if chrono::Utc::now().timestamp() - started > limits.absolute_seconds {
            let _ = session.flush().await;
        } else if let Ok(Some(user)) = store::current_user(&limits.db, user_id).await {
            request.extensions_mut().insert(user);
        }
    }
    next.run(request).await
}

/// What [`load_current_user`] needs.
#[derive(Clone)]
pub struct SessionLimits {
    pub db: sea_orm::DatabaseConnection,
    pub absolute_seconds: i64,
}

pub async fn issue_reset_link(
    State(state): State<AppState>,
    viewer: Option<axum::Extension<app::accounts::CurrentUser>>,
    request: Request,
) -> Response {
    use app::accounts::resets::{self, ResetError};
    use app::accounts::SignInName;
    use app::pages::admin::IssuedResetLink;
    let Some(axum::Extension(viewer)) = viewer else {
        return Redirect::to("/signin?next=/admin/users").into_response();
    };
    let (mut parts, fields) = match read_form(request).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Ok(name) = SignInName::parse(field(&fields, "account")) else {
        let reply = FormReply::keeping(&fields).with_error("account", problems::BAD_SIGN_IN_NAME);
        return render_with_reply(
            &state,
            parts,
            "/admin/users",
            reply,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let (status, reply) = match resets::issue(&state.db, &viewer, &name, chrono::Utc::now()).await {
        Ok(token) => {
            parts
                .extensions
                .insert(IssuedResetLink(format!("{}/reset/{token}", state.base_url)));
            (StatusCode::OK, FormReply::default())
        }
        Err(ResetError::Forbidden) => {
            return (StatusCode::FORBIDDEN, "not allowed\n").into_response()
        }
        Err(ResetError::NoSuchUser) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormReply::keeping(&fields).with_error("account", problems::NO_SUCH_ACCOUNT),
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            internal("issuing a reset link failed", e),
        ),
    };
    render_with_reply(&state, parts, "/admin/users", reply, status).await
}

pub async fn reset_password(
    State(state): State<AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
    request: Request,
) -> Response {
    use app::accounts::resets::{self, ResetError};
    let (parts, fields) = match read_form(request).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let path = format!("/reset/{token}");
    let found = app::accounts::check_new_password(
        field(&fields, "password"),
        field(&fields, "password_confirmation"),
        "password",
        "password_confirmation",
    );
    if !found.is_empty() {
        let reply = with_problems(&fields, found);
        return render_with_reply(
            &state,
            parts,
            &path,
            reply,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match resets::reset(
        &state.db,
        &token,
        field(&fields, "password").to_owned(),
        chrono::Utc::now(),
    )
    .await
    {
        Ok(()) => Redirect::to("/signin?reset=1").into_response(),
        Err(ResetError::Gone) => {
            render_with_reply(&state, parts, &path, FormReply::default(), StatusCode::GONE).await
        }
        Err(e) => {
            render_with_reply(
                &state,
                parts,
                &path,
                internal("resetting a password failed", e),
                StatusCode::INTERNAL_SERVER_ERROR,
            )
            .await
        }
    }
}
