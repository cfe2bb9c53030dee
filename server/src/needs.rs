//! HTTP handlers of the office portal's needs: the editor (save, check and preview,
//! generalize, submit), the review and withdrawal actions, the office's review time
//! limit, and the CSV import. Thin: parse, call `app::needs`, then redirect on success
//! or render the page again with what went wrong.

use crate::accounts::{field, internal, read_form, read_form_up_to};
use crate::pages::render_with_reply;
use app::accounts::{CurrentUser, FormReply};
use app::needs::draft::{NeedDraft, NeedInput};
use app::needs::lifecycle::{self, NeedError, WRITERS};
use app::needs::screening;
use app::needs::staff::Staff;
use app::needs::{importing, office, problems, EditorFeedback};
use app::state::AppState;
use axum::extract::{Multipart, Path, Request, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use std::collections::HashMap;

/// The editor's form may carry a long story: 256 KB, far above what 5000 characters
/// take even percent-encoded.
const EDITOR_FORM_BYTES: usize = 256 * 1024;

/// The answer to a need action that failed: status and what the page says.
fn error_reply(e: NeedError, fields: &HashMap<String, String>) -> (StatusCode, FormReply) {
    let keep = FormReply::keeping(fields);
    match e {
        NeedError::NotFound => (
            StatusCode::NOT_FOUND,
            keep.with_form_error(app::accounts::Problem::new(
                "没有找到该需求。",
                "No such need.",
            )),
        ),
        NeedError::Forbidden => (
            StatusCode::FORBIDDEN,
            keep.with_form_error(problems::FORBIDDEN),
        ),
        NeedError::Invalid(found) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            found
                .into_iter()
                .fold(keep, |r, (f, p)| r.with_error(&f, p)),
        ),
        NeedError::Blocked(findings) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            blocked_reply(keep, &findings),
        ),
        NeedError::WrongState(_) => (
            StatusCode::CONFLICT,
            keep.with_form_error(problems::WRONG_STATE),
        ),
        NeedError::FourEyes => (
            StatusCode::FORBIDDEN,
            keep.with_form_error(problems::FOUR_EYES),
        ),
        NeedError::ConsentWithdrawn => (
            StatusCode::CONFLICT,
            keep.with_form_error(problems::CONSENT_WITHDRAWN),
        ),
        e @ (NeedError::Database(_) | NeedError::Corrupt(_)) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            internal("a need action failed", e),
        ),
    }
}

/// The form error and a mark on every field holding a blocking finding.
fn blocked_reply(reply: FormReply, findings: &[screening::FieldFinding]) -> FormReply {
    findings
        .iter()
        .filter(|f| f.blocks())
        .fold(reply.with_form_error(problems::PII_BLOCKING), |r, f| {
            r.with_error(&f.field, problems::PII_IN_FIELD)
        })
}

async fn render(
    state: &AppState,
    mut parts: Parts,
    path: &str,
    reply: FormReply,
    feedback: Option<EditorFeedback>,
    status: StatusCode,
) -> Response {
    if let Some(f) = feedback {
        parts.extensions.insert(f);
    }
    render_with_reply(state, parts, path, reply, status).await
}

/// The signed-in staff member, or the response that says why not.
async fn staff_of(
    state: &AppState,
    viewer: Option<Extension<CurrentUser>>,
    next: &str,
) -> Result<Staff, Response> {
    let Some(Extension(viewer)) = viewer else {
        return Err(Redirect::to(&format!("/signin?next={next}")).into_response());
    };
    match Staff::of_user(&state.db, viewer.id).await {
        Ok(staff) if staff.is_staff() => Ok(staff),
        Ok(_) => Err((
            StatusCode::FORBIDDEN,
            "您的账号不属于任何民政部门 / Your account does not belong to a civil-affairs office\n",
        )
            .into_response()),
        Err(e) => {
            tracing::error!(error = %e, "loading staff offices failed");
            Err((StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response())
        }
    }
}

pub async fn create_need(
    State(state): State<AppState>,
    viewer: Option<Extension<CurrentUser>>,
    request: Request,
) -> Response {
    editor_post(state, viewer, None, request).await
}

pub async fn edit_need(
    State(state): State<AppState>,
    viewer: Option<Extension<CurrentUser>>,
    Path(code): Path<String>,
    request: Request,
) -> Response {
    editor_post(state, viewer, Some(code), request).await
}

/// The editor's post: `action` is `save`, `preview`, `generalize` or `submit`.
async fn editor_post(
    state: AppState,
    viewer: Option<Extension<CurrentUser>>,
    code: Option<String>,
    request: Request,
) -> Response {
    let path = match &code {
        Some(c) => format!("/office/needs/{c}/edit"),
        None => "/office/needs/new".to_owned(),
    };
    let staff = match staff_of(&state, viewer, &path).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (parts, mut fields) = match read_form_up_to(request, EDITOR_FORM_BYTES).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if !staff.has_any_role(WRITERS) {
        let reply = FormReply::keeping(&fields).with_form_error(problems::FORBIDDEN);
        return render(&state, parts, &path, reply, None, StatusCode::FORBIDDEN).await;
    }
    let now = chrono::Utc::now();
    let today = now.date_naive();
    let action = field(&fields, "action").to_owned();
    let parse = |fields: &HashMap<String, String>| {
        NeedDraft::parse(
            &NeedInput::from_fields(fields),
            |c| state.regions.is_county(c),
            today,
        )
    };
    let mut draft = match parse(&fields) {
        Ok(d) => d,
        Err(found) => {
            let reply = found
                .into_iter()
                .fold(FormReply::keeping(&fields), |r, (f, p)| r.with_error(&f, p));
            return render(
                &state,
                parts,
                &path,
                reply,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    if staff.office_for(&draft.region, WRITERS).is_none() {
        let reply = FormReply::keeping(&fields).with_error("region_code", problems::OUT_OF_SCOPE);
        return render(
            &state,
            parts,
            &path,
            reply,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let need_id = match &code {
        Some(c) => match office::need_id_in_scope(&state.db, &staff, c).await {
            Ok(id) => Some(id),
            Err(e) => {
                let (status, reply) = error_reply(e, &fields);
                return render(&state, parts, &path, reply, None, status).await;
            }
        },
        None => None,
    };
    let shown_code = code.clone().unwrap_or_else(|| "—".to_owned());
    let feedback = |draft: NeedDraft| {
        let state = state.clone();
        let shown_code = shown_code.clone();
        async move {
            office::feedback_for(
                &state.db,
                &state.regions,
                &draft,
                &shown_code,
                need_id,
                today,
            )
            .await
        }
    };
    let mut checked = match feedback(draft.clone()).await {
        Ok(f) => f,
        Err(e) => {
            let (status, reply) = error_reply(e, &fields);
            return render(&state, parts, &path, reply, None, status).await;
        }
    };
    match action.as_str() {
        "preview" | "generalize" => {
            if action == "generalize" {
                if let Some(q) = checked.quasi.filter(|q| q.unique) {
                    fields.insert("age_band".into(), q.publish_as.age_band.code().into());
                    fields.insert(
                        "household_size".into(),
                        q.publish_as.household_size.code().into(),
                    );
                    if let Ok(d) = parse(&fields) {
                        draft = d;
                        if let Ok(f) = feedback(draft.clone()).await {
                            checked = f;
                        }
                    }
                }
            }
            render(
                &state,
                parts,
                &path,
                FormReply::keeping(&fields),
                Some(checked),
                StatusCode::OK,
            )
            .await
        }
        _ => {
            let submit = action == "submit";
            if submit && screening::blocks(&checked.findings) {
                let reply = blocked_reply(FormReply::keeping(&fields), &checked.findings);
                return render(
                    &state,
                    parts,
                    &path,
                    reply,
                    Some(checked),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
            let saved = match &code {
                Some(c) => lifecycle::update(&state.db, &staff, c, &draft, submit, now)
                    .await
                    .map(|()| c.clone()),
                None => lifecycle::create(&state.db, &staff, &draft, submit, now).await,
            };
            match saved {
                Ok(c) => {
                    let done = if submit { "submitted" } else { "saved" };
                    Redirect::to(&format!("/office/needs/{c}?done={done}")).into_response()
                }
                Err(e) => {
                    let (status, reply) = error_reply(e, &fields);
                    render(&state, parts, &path, reply, Some(checked), status).await
                }
            }
        }
    }
}

/// The actions on one need, posted from its page.
#[derive(Clone, Copy)]
enum Act {
    Submit,
    Approve,
    Return,
    Withdraw,
    ConsentWithdrawn,
    Override,
}

async fn act(
    state: AppState,
    viewer: Option<Extension<CurrentUser>>,
    code: String,
    what: Act,
    request: Request,
) -> Response {
    let path = format!("/office/needs/{code}");
    let staff = match staff_of(&state, viewer, &path).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (parts, fields) = match read_form(request).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let now = chrono::Utc::now();
    let db = &state.db;
    let (outcome, done) = match what {
        Act::Submit => (lifecycle::submit(db, &staff, &code, now).await, "submitted"),
        Act::Approve => (
            lifecycle::approve(db, &staff, &code, now).await,
            "published",
        ),
        Act::Return => (
            lifecycle::return_to_author(db, &staff, &code, field(&fields, "comment"), now).await,
            "returned",
        ),
        Act::Withdraw => (
            lifecycle::withdraw(db, &staff, &code, field(&fields, "reason"), now).await,
            "withdrawn",
        ),
        Act::ConsentWithdrawn => {
            if field(&fields, "confirm") != "on" {
                (
                    Err(NeedError::Invalid(vec![(
                        "confirm".into(),
                        app::accounts::Problem::new(
                            "请勾选确认家庭已撤回授权。",
                            "Please tick to confirm the family withdrew consent.",
                        ),
                    )])),
                    "consent",
                )
            } else {
                (
                    lifecycle::withdraw_consent(db, &staff, &code, now).await,
                    "consent",
                )
            }
        }
        Act::Override => (
            lifecycle::override_finding(
                db,
                &staff,
                &code,
                field(&fields, "kind"),
                field(&fields, "text"),
                field(&fields, "reason"),
                now,
            )
            .await,
            "overridden",
        ),
    };
    match outcome {
        Ok(()) => Redirect::to(&format!("{path}?done={done}")).into_response(),
        Err(e) => {
            let (status, mut reply) = error_reply(e, &fields);
            if reply.form_error.is_none() {
                // Field errors of these small forms read best as one message on top.
                if let Some((_, p)) = reply.errors().into_iter().next() {
                    reply = reply.with_form_error(p);
                }
            }
            render(&state, parts, &path, reply, None, status).await
        }
    }
}

macro_rules! need_action {
    ($name:ident, $act:expr) => {
        pub async fn $name(
            State(state): State<AppState>,
            viewer: Option<Extension<CurrentUser>>,
            Path(code): Path<String>,
            request: Request,
        ) -> Response {
            act(state, viewer, code, $act, request).await
        }
    };
}

need_action!(submit_need, Act::Submit);
need_action!(approve_need, Act::Approve);
need_action!(return_need, Act::Return);
need_action!(withdraw_need, Act::Withdraw);
need_action!(record_consent_withdrawn, Act::ConsentWithdrawn);
need_action!(override_finding, Act::Override);

/// The office admin sets the review time limit.
pub async fn save_settings(
    State(state): State<AppState>,
    viewer: Option<Extension<CurrentUser>>,
    request: Request,
) -> Response {
    let staff = match staff_of(&state, viewer, "/office").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (parts, fields) = match read_form(request).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(office) = staff.offices.iter().find(|o| {
        o.roles
            .contains(&app::domain::organization::Role::OfficeAdmin)
    }) else {
        let reply = FormReply::keeping(&fields).with_form_error(problems::FORBIDDEN);
        return render(&state, parts, "/office", reply, None, StatusCode::FORBIDDEN).await;
    };
    let outcome = lifecycle::set_review_time_limit(
        &state.db,
        &staff,
        office.office_id,
        field(&fields, "review_time_limit_days"),
        chrono::Utc::now(),
    )
    .await;
    match outcome {
        Ok(()) => Redirect::to("/office?saved=1").into_response(),
        Err(e) => {
            let (status, reply) = error_reply(e, &fields);
            render(&state, parts, "/office", reply, None, status).await
        }
    }
}

/// `GET /office/needs/import/template.csv`.
pub async fn import_template() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"shanqiao-needs-template.csv\"",
            ),
        ],
        app::needs::import::template(),
    )
        .into_response()
}

/// `POST /office/needs/import` (multipart: `file`, optional `partial`).
pub async fn import_needs(
    State(state): State<AppState>,
    viewer: Option<Extension<CurrentUser>>,
    request: Request,
) -> Response {
    use app::needs::import::{FileProblem, ImportReport, MAX_BYTES};
    use axum::extract::FromRequest;
    let path = "/office/needs/import";
    let staff = match staff_of(&state, viewer, path).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (parts, body) = request.into_parts();
    let head = parts.clone();
    let mut multipart =
        match Multipart::from_request(Request::from_parts(parts, body), &state).await {
            Ok(m) => m,
            Err(e) => return e.into_response(),
        };
    let mut file: Option<Vec<u8>> = None;
    let mut partial = false;
    let mut too_large = false;
    loop {
        match multipart.next_field().await {
            Ok(Some(f)) => match f.name() {
                Some("file") => match f.bytes().await {
                    Ok(b) if b.len() > MAX_BYTES => too_large = true,
                    Ok(b) => file = Some(b.to_vec()),
                    Err(_) => too_large = true,
                },
                Some("partial") => partial = true,
                _ => {}
            },
            Ok(None) => break,
            // A body over the route's limit ends here.
            Err(_) => {
                too_large = true;
                break;
            }
        }
    }
    let report = if too_large {
        Ok(ImportReport::refused(FileProblem::TooLarge))
    } else {
        match file {
            Some(bytes) if !bytes.is_empty() => {
                importing::import(
                    &state.db,
                    &state.regions,
                    &staff,
                    &bytes,
                    partial,
                    chrono::Utc::now(),
                )
                .await
            }
            _ => Ok(ImportReport::refused(FileProblem::Empty)),
        }
    };
    match report {
        Ok(report) => {
            let status = if report.file_problem.is_some() || report.stored == 0 {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let mut head = head;
            head.extensions.insert(report);
            render_with_reply(&state, head, path, FormReply::default(), status).await
        }
        Err(e) => {
            let (status, reply) = error_reply(e, &HashMap::new());
            render(&state, head, path, reply, None, status).await
        }
    }
}
