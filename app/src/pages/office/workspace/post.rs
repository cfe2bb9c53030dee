//! The actions on one need, posted from its page (`/office/needs/{code}`): submit,
//! publish, return, withdraw, record withdrawn consent, override a finding. Each calls
//! one lifecycle function and comes back to the need's page.

use crate::action::{Done, NoFields, Outcome, Posted, Rejection, Viewer};
use crate::claims::{self, lifecycle::ClaimError, Verification};
use crate::needs::lifecycle;
use crate::needs::staff::Staff;
use crate::pages::office::signed_in_staff;
use crate::routes;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::de::DeserializeOwned;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Deserialize)]
pub struct ConsentWithdrawnForm {
    /// The checkbox: `on` when ticked, absent otherwise.
    #[serde(default)]
    pub confirm: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct OverrideForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub reason: String,
}

/// What every action on one need receives: the need's code, who posts, and the form.
pub struct NeedPost<F> {
    state: AppState,
    viewer: Viewer,
    code: String,
    posted: Posted<F>,
}

impl<F: DeserializeOwned> FromRequest<AppState> for NeedPost<F> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let Path(code) = Path::<String>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let viewer = Viewer::from_request_parts(&mut parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let posted = Posted::from_request(Request::from_parts(parts, body), state).await?;
        Ok(NeedPost {
            state: state.clone(),
            viewer,
            code,
            posted,
        })
    }
}

impl<F> NeedPost<F> {
    /// Runs one lifecycle change as the signed-in staff member, then goes back to the
    /// need's page saying what was `done`; a refusal shows the need's page with one
    /// message on top (these forms are small).
    async fn act<E>(
        self,
        done: &str,
        change: impl AsyncFnOnce(&DatabaseConnection, &Staff, &str, &F, DateTime<Utc>) -> Result<(), E>,
    ) -> Outcome
    where
        Rejection: From<E>,
    {
        let page = routes::OFFICE_NEED.to([&self.code]);
        let staff = signed_in_staff(&self.state, self.viewer, &page).await?;
        let form = &self.posted.form;
        match change(&self.state.db, &staff, &self.code, form, Utc::now()).await {
            Ok(()) => Ok(Done::SeeOther(format!("{page}?done={done}"))),
            Err(e) => Err(self
                .posted
                .refuse(&page, Rejection::from(e).on_top())
                .with(staff)),
        }
    }
}

/// `POST /office/needs/{code}/submit`: draft → in review.
pub async fn submit_need(post: NeedPost<NoFields>) -> Outcome {
    post.act("submitted", async |db, staff, code, _, now| {
        lifecycle::submit(db, staff, code, now).await
    })
    .await
}

/// `POST /office/needs/{code}/approve`: in review → published, by another reviewer.
pub async fn publish_need(post: NeedPost<NoFields>) -> Outcome {
    post.act("published", async |db, staff, code, _, now| {
        lifecycle::publish(db, staff, code, now).await
    })
    .await
}

/// `POST /office/needs/{code}/return`: back to the author with a comment.
pub async fn return_need(post: NeedPost<ReturnForm>) -> Outcome {
    post.act("returned", async |db, staff, code, form, now| {
        lifecycle::return_to_author(db, staff, code, &form.comment, now).await
    })
    .await
}

/// `POST /office/needs/{code}/withdraw`, with a reason.
pub async fn withdraw_need(post: NeedPost<WithdrawForm>) -> Outcome {
    post.act("withdrawn", async |db, staff, code, form, now| {
        lifecycle::withdraw(db, staff, code, &form.reason, now).await
    })
    .await
}

/// `POST /office/needs/{code}/consent-withdrawn`: off every public page at once.
pub async fn record_consent_withdrawn(post: NeedPost<ConsentWithdrawnForm>) -> Outcome {
    post.act("consent", async |db, staff, code, form, now| {
        let confirmed = form.confirm.as_deref() == Some("on");
        lifecycle::withdraw_consent(db, staff, code, confirmed, now).await
    })
    .await
}

/// `POST /office/needs/{code}/override`: a reviewer lets one finding pass, with a reason.
pub async fn override_finding(post: NeedPost<OverrideForm>) -> Outcome {
    post.act("overridden", async |db, staff, code, f, now| {
        lifecycle::override_finding(db, staff, code, &f.kind, &f.text, &f.reason, now).await
    })
    .await
}

#[derive(Debug, Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    pub close_reason: String,
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub thank_you: String,
}

#[derive(Debug, Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    pub question: String,
}

/// `POST /office/needs/{code}/verify`: the report is verified and the need closed.
pub async fn verify_fulfilment(post: NeedPost<VerifyForm>) -> Outcome {
    post.act("verified", async |db, staff, code, f, now| {
        let v = Verification::parse(&f.close_reason, &f.rating, &f.thank_you)
            .map_err(ClaimError::Invalid)?;
        claims::lifecycle::verify(db, staff, code, &v, now).await
    })
    .await
}

/// `POST /office/needs/{code}/question`: the report goes back to the charity.
pub async fn question_fulfilment(post: NeedPost<QuestionForm>) -> Outcome {
    post.act("questioned", async |db, staff, code, f, now| {
        claims::lifecycle::question_report(db, staff, code, &f.question, now).await
    })
    .await
}
