//! Typed form actions: the one shape every form post has.
//!
//! An action is an axum handler beside the page that shows its form. It takes the form as
//! [`Posted<T>`] (deserialized into a struct; a malformed body or an unknown button value
//! is a 400), calls one domain function, and returns [`Outcome`]: on success a redirect
//! ([`Done::SeeOther`]) or the page with something to show ([`Done::Page`], e.g. a link
//! just issued); on failure [`Refused`]: the form's page again with what was typed (never
//! passwords) and a message per field, or a redirect to sign in. Domain errors become a
//! [`Rejection`] through one `From` impl per error type (in [`rejections`]), so no action
//! maps errors itself. The page is rendered by [`render::render_answers`], a middleware
//! that sees the [`Answer`] an action left in its response.

pub mod rejections;
pub mod render;

use crate::accounts::{CurrentUser, FormReply, Problem};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

/// Form bodies are small; anything bigger is refused before parsing.
pub const MAX_FORM_BYTES: usize = 16 * 1024;

/// What an action returns.
pub type Outcome = Result<Done, Refused>;

/// A form post deserialized into `T`, with what was typed kept for the page that answers
/// it. Bodies above `LIMIT` bytes get 413; bodies that are not a form of `T` get 400.
pub struct Posted<T, const LIMIT: usize = MAX_FORM_BYTES> {
    pub form: T,
    typed: HashMap<String, String>,
}

impl<T, const LIMIT: usize> Posted<T, LIMIT> {
    /// The page at `path` with what was typed in the form.
    pub fn answer(&self, path: impl Into<String>) -> Answer {
        Answer::page(path).with_reply(FormReply::keeping(&self.typed))
    }

    /// The page at `path` again, with what was typed and what went wrong.
    pub fn refuse(&self, path: impl Into<String>, why: impl Into<Rejection>) -> Refused {
        Refused::Page(Box::new(self.answer(path).rejected(why.into())))
    }

    /// What was typed, by field name (passwords left out).
    pub fn typed(&self) -> &HashMap<String, String> {
        &self.typed
    }
}

impl<S, T, const LIMIT: usize> FromRequest<S> for Posted<T, LIMIT>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Response> {
        let bytes = axum::body::to_bytes(request.into_body(), LIMIT)
            .await
            .map_err(|_| {
                let kb = LIMIT / 1024;
                (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!(
                        "表单内容过大（上限 {kb} KB）/ The form is too large ({kb} KB at most)\n"
                    ),
                )
                    .into_response()
            })?;
        let malformed = || (StatusCode::BAD_REQUEST, "malformed form\n").into_response();
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| malformed())?;
        let form: T = serde_urlencoded::from_bytes(&bytes).map_err(|_| malformed())?;
        Ok(Posted {
            form,
            typed: pairs.into_iter().collect(),
        })
    }
}

/// The form of a button that posts nothing but itself.
#[derive(Debug, serde::Deserialize)]
pub struct NoFields {}

/// The signed-in user, if any (put into the request by the session middleware).
pub struct Viewer(pub Option<CurrentUser>);

impl Viewer {
    /// The signed-in user, or a redirect to sign in and come back to `next`.
    pub fn signed_in(self, next: &str) -> Result<CurrentUser, Refused> {
        self.0.ok_or_else(|| Refused::SignIn(next.to_owned()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(Viewer(parts.extensions.get::<CurrentUser>().cloned()))
    }
}

/// Why an action did not do what was asked, independent of the page: a status, a message
/// for the form as a whole and messages by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub status: StatusCode,
    pub form_error: Option<Problem>,
    pub fields: Vec<(String, Problem)>,
}

impl Rejection {
    /// A problem with the form as a whole.
    pub fn form(status: StatusCode, problem: Problem) -> Self {
        Rejection {
            status,
            form_error: Some(problem),
            fields: Vec::new(),
        }
    }

    /// Field problems (422).
    pub fn fields<N: Into<String>>(found: impl IntoIterator<Item = (N, Problem)>) -> Self {
        Rejection {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            form_error: None,
            fields: found.into_iter().map(|(f, p)| (f.into(), p)).collect(),
        }
    }

    /// One field's problem (422).
    pub fn field(name: &str, problem: Problem) -> Self {
        Self::fields([(name, problem)])
    }

    /// Refused access: the same answer everywhere (403, in the reader's language).
    pub fn forbidden() -> Self {
        Self::form(StatusCode::FORBIDDEN, crate::accounts::problems::FORBIDDEN)
    }

    /// Something failed on our side: logged once with its cause, an opaque message shown.
    pub fn internal(context: &'static str, err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "{context}");
        Self::form(
            StatusCode::INTERNAL_SERVER_ERROR,
            crate::accounts::problems::INTERNAL,
        )
    }

    /// Small forms (one or two fields) say their problem once, on top.
    pub fn on_top(mut self) -> Self {
        if self.form_error.is_none() {
            self.form_error = self.fields.first().map(|(_, p)| *p);
        }
        self
    }
}

/// Puts typed data for the page into the Leptos context it is rendered in.
type Provide = Arc<dyn Fn() + Send + Sync>;

/// A page rendered in answer to a post: its path, status, the form's reply, and typed
/// values the page reads with `use_context` (the guard's findings, an issued link).
#[derive(Clone)]
pub struct Answer {
    path: String,
    status: StatusCode,
    reply: FormReply,
    data: Vec<Provide>,
}

impl Answer {
    /// The page at `path`, 200, with an empty form.
    pub fn page(path: impl Into<String>) -> Self {
        Answer {
            path: path.into(),
            status: StatusCode::OK,
            reply: FormReply::default(),
            data: Vec::new(),
        }
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn with_reply(mut self, reply: FormReply) -> Self {
        self.reply = reply;
        self
    }

    /// A typed value the page shows; it reads it with `use_context::<T>()`.
    pub fn with<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.data.push(Arc::new(move || {
            leptos::prelude::provide_context(value.clone())
        }));
        self
    }

    /// The rejection's status and messages on this page.
    pub fn rejected(mut self, why: Rejection) -> Self {
        self.status = why.status;
        let mut reply = why
            .fields
            .into_iter()
            .fold(self.reply, |r, (f, p)| r.with_error(&f, p));
        reply.form_error = why.form_error.or(reply.form_error);
        self.reply = reply;
        self
    }

    pub fn reply(&self) -> &FormReply {
        &self.reply
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// What a successful action answers.
pub enum Done {
    /// 303 to the page that shows the result.
    SeeOther(String),
    /// The form's page, showing what was done (e.g. a link issued once).
    Page(Answer),
}

impl Done {
    /// Typed data for the page, when this answer shows one.
    pub fn with<T: Clone + Send + Sync + 'static>(self, value: T) -> Self {
        match self {
            Done::Page(answer) => Done::Page(answer.with(value)),
            other => other,
        }
    }
}

impl IntoResponse for Done {
    fn into_response(self) -> Response {
        match self {
            Done::SeeOther(to) => Redirect::to(&to).into_response(),
            Done::Page(answer) => answer.into_response(),
        }
    }
}

/// What a refused action answers.
pub enum Refused {
    /// The form's page again, with what was typed and what went wrong.
    Page(Box<Answer>),
    /// Nobody is signed in: sign in, then come back to this path.
    SignIn(String),
}

impl Refused {
    /// The page at `path` (without typed values) with the rejection.
    pub fn page(path: impl Into<String>, why: impl Into<Rejection>) -> Self {
        Refused::Page(Box::new(Answer::page(path).rejected(why.into())))
    }

    /// Typed data for the page, when this answer shows one.
    pub fn with<T: Clone + Send + Sync + 'static>(self, value: T) -> Self {
        match self {
            Refused::Page(answer) => Refused::Page(Box::new(answer.with(value))),
            other => other,
        }
    }
}

/// Gives `value` to the page an outcome shows, if it shows one: data the action already
/// loaded (the signed-in staff member) is not loaded again to render it.
pub fn with_loaded<T: Clone + Send + Sync + 'static>(outcome: Outcome, value: T) -> Outcome {
    match outcome {
        Ok(done) => Ok(done.with(value)),
        Err(refused) => Err(refused.with(value)),
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::Page(answer) => answer.into_response(),
            Refused::SignIn(next) => {
                Redirect::to(&format!("{}?next={next}", crate::routes::SIGN_IN.url()))
                    .into_response()
            }
        }
    }
}

impl From<Answer> for Refused {
    fn from(answer: Answer) -> Self {
        Refused::Page(Box::new(answer))
    }
}
