//! The charity's claim actions: save the supply profile, claim a need, release a claim,
//! report fulfilment, upload evidence; and serving an evidence file to those allowed.
//! Each checks who is signed in, calls one domain function and goes back to its page.

use crate::action::{Done, Outcome, Posted, Refused, Rejection, Viewer};
use crate::claims::charity::CharityActor;
use crate::claims::lifecycle::{self, ClaimError};
use crate::claims::{attachments, ClaimRequest, ProfileInput, ReportInput, SupplyProfile};
use crate::routes;
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::HashMap;

/// The signed-in member's charity, or a redirect to sign in / a refusal on `page`.
async fn signed_in_charity(
    state: &AppState,
    viewer: Viewer,
    page: &str,
) -> Result<CharityActor, Refused> {
    charity_member(state, viewer, page, crate::claims::problems::NOT_A_CHARITY).await
}

/// The signed-in member's charity, or a redirect to sign in, or `not_a_member` on `page`
/// (403) for someone who belongs to no charity.
pub(crate) async fn charity_member(
    state: &AppState,
    viewer: Viewer,
    page: &str,
    not_a_member: crate::accounts::Problem,
) -> Result<CharityActor, Refused> {
    let user = viewer.signed_in(page)?;
    CharityActor::of_user(&state.db, user.id)
        .await
        .map_err(|e| {
            Refused::page(
                page,
                Rejection::internal("loading a charity member failed", e),
            )
        })?
        .ok_or_else(|| Refused::page(page, Rejection::form(StatusCode::FORBIDDEN, not_a_member)))
}

/// `POST /charity/profile`: the supply profile, checked field by field.
pub async fn save_profile(
    State(state): State<AppState>,
    viewer: Viewer,
    posted: Posted<HashMap<String, String>>,
) -> Outcome {
    let page = routes::CHARITY_PROFILE.url();
    let who = signed_in_charity(&state, viewer, page).await?;
    let input = ProfileInput::from_fields(&posted.form);
    let profile = SupplyProfile::parse(&input, |c| state.regions.name(c).is_some())
        .map_err(|found| posted.refuse(page, Rejection::fields(found)))?;
    crate::claims::profile::save(&state.db, &who, &profile, chrono::Utc::now())
        .await
        .map_err(|e| {
            posted.refuse(
                page,
                Rejection::internal("saving a supply profile failed", e),
            )
        })?;
    Ok(Done::SeeOther(format!("{page}?saved=1")))
}

#[derive(Debug, Deserialize)]
pub struct ClaimForm {
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub plan_by: String,
}

/// `POST /charity/needs/{code}/claim`.
pub async fn claim_need(
    State(state): State<AppState>,
    Path(code): Path<String>,
    viewer: Viewer,
    posted: Posted<ClaimForm>,
) -> Outcome {
    let page = routes::CLAIM_NEED.to([&code]);
    let who = signed_in_charity(&state, viewer, &page).await?;
    let now = chrono::Utc::now();
    let f = &posted.form;
    let today = crate::domain::calendar::today(now);
    let request = ClaimRequest::parse(&f.mode, &f.plan, &f.plan_by, today)
        .map_err(|found| posted.refuse(&page, Rejection::fields(found)))?;
    match lifecycle::claim(&state.db, &who, &code, &request, state.leases, now).await {
        Ok(id) => Ok(Done::SeeOther(format!(
            "{}?done=claimed",
            routes::CHARITY_CLAIM.to([&id])
        ))),
        Err(e) => Err(posted.refuse(&page, e)),
    }
}

#[derive(Debug, Deserialize)]
pub struct ReleaseForm {
    #[serde(default)]
    pub reason: String,
}

/// `POST /charity/claims/{id}/release`.
pub async fn release_claim(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    posted: Posted<ReleaseForm>,
) -> Outcome {
    let page = routes::CHARITY_CLAIM.to([&id]);
    let who = signed_in_charity(&state, viewer, &page).await?;
    lifecycle::release(&state.db, &who, id, &posted.form.reason, chrono::Utc::now())
        .await
        .map_err(|e| posted.refuse(&page, e))?;
    Ok(Done::SeeOther(format!("{page}?done=released")))
}

/// `POST /charity/claims/{id}/fulfilment`: the report, with the quantities delivered of
/// each of the need's items (`delivered_0`, `delivered_1`, …).
pub async fn report_fulfilment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    posted: Posted<HashMap<String, String>>,
) -> Outcome {
    let page = routes::CHARITY_CLAIM.to([&id]);
    let who = signed_in_charity(&state, viewer, &page).await?;
    let claim = crate::claims::queries::claim_of(&state.db, &state.regions, &who, id)
        .await
        .map_err(|e| posted.refuse(&page, e))?;
    let f = &posted.form;
    let text = |key: &str| f.get(key).cloned().unwrap_or_default();
    let input = ReportInput {
        delivered_on: text("delivered_on"),
        cost: text("cost"),
        items: claim
            .need_items
            .iter()
            .enumerate()
            .map(|(i, (name, unit, _))| {
                (name.clone(), unit.clone(), text(&format!("delivered_{i}")))
            })
            .collect(),
        substitutions: text("substitutions"),
        evidence: text("evidence"),
    };
    lifecycle::report_fulfilment(&state.db, &who, id, &input, chrono::Utc::now())
        .await
        .map_err(|e| posted.refuse(&page, e))?;
    Ok(Done::SeeOther(format!("{page}?done=reported")))
}

/// The upload route, with a body limit that fits one attachment and the form around it.
pub fn attachments_route() -> axum::routing::MethodRouter<AppState> {
    axum::routing::post(upload_attachment).layer(axum::extract::DefaultBodyLimit::max(
        attachments::MAX_BYTES + 64 * 1024,
    ))
}

/// `POST /charity/claims/{id}/attachments` (multipart, field `attachment`).
pub async fn upload_attachment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    mut multipart: Multipart,
) -> Outcome {
    let page = routes::CHARITY_CLAIM.to([&id]);
    let who = signed_in_charity(&state, viewer, &page).await?;
    let too_large = || {
        Refused::page(
            &page,
            ClaimError::Invalid(vec![(
                "attachment".into(),
                crate::claims::problems::ATTACHMENT_TOO_LARGE,
            )]),
        )
    };
    let mut file = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("attachment") => {
                let name = field.file_name().unwrap_or("attachment").to_owned();
                let bytes = field.bytes().await.map_err(|_| too_large())?;
                file = Some((name, bytes));
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return Err(too_large()),
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(Refused::page(
            &page,
            ClaimError::Invalid(vec![(
                "attachment".into(),
                crate::claims::problems::ATTACHMENT_TYPE,
            )]),
        ));
    };
    attachments::attach(
        &state.db,
        &state.attachments,
        &who,
        id,
        &name,
        bytes,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| Refused::page(&page, e))?;
    Ok(Done::SeeOther(format!("{page}?done=attached")))
}

/// `GET /claims/{id}/attachments/{attachment}`: the file, for the charity holding the
/// claim and the office staff of the need's region; 404 for anyone else.
pub async fn attachment(
    State(state): State<AppState>,
    Path((claim_id, attachment_id)): Path<(i64, i64)>,
    viewer: Viewer,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "not found\n").into_response();
    let Some(user) = viewer.0 else {
        return axum::response::Redirect::to(&format!(
            "{}?next={}",
            routes::SIGN_IN.url(),
            routes::CLAIM_ATTACHMENT.to([&claim_id, &attachment_id])
        ))
        .into_response();
    };
    match attachments::open(
        &state.db,
        &state.attachments,
        user.id,
        claim_id,
        attachment_id,
    )
    .await
    {
        Ok((content_type, file_name, bytes)) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&content_type) {
                headers.insert(header::CONTENT_TYPE, v);
            }
            let encoded = percent_encoding::utf8_percent_encode(
                &file_name,
                percent_encoding::NON_ALPHANUMERIC,
            );
            if let Ok(v) = HeaderValue::from_str(&format!("inline; filename*=UTF-8''{encoded}")) {
                headers.insert(header::CONTENT_DISPOSITION, v);
            }
            // Whatever the file holds, it runs nothing here.
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
                ),
            );
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            response
        }
        Err(ClaimError::NotFound) => not_found(),
        Err(e) => {
            tracing::error!(error = %e, "serving an attachment failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
        }
    }
}
