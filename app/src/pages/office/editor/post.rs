//! The editor's post (`/office/needs/new`, `/office/needs/{code}/edit`): save the draft,
//! check and preview it, take the wider quasi-identifier values, or submit it for review.

use crate::action::{Done, Outcome, Posted, Viewer};
use crate::needs::draft::NeedInput;
use crate::needs::{lifecycle, office, EditorFeedback};
use crate::pages::office::signed_in_staff;
use crate::routes;
use crate::state::AppState;
use axum::extract::{Path, State};
use serde::Deserialize;
use std::collections::HashMap;

/// The editor's form may carry a long story: 256 KB, far above what 5000 characters
/// take even percent-encoded.
pub const EDITOR_FORM_BYTES: usize = 256 * 1024;

/// The editor's buttons. Any other value is a malformed post (400), never "save".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EditorAction {
    /// Implicit submission (Enter in a field) sends the first button: save.
    #[default]
    Save,
    Preview,
    Generalize,
    Submit,
}

/// The editor's fields, as the domain reads them (item rows are `item_name_0` …).
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "HashMap<String, String>")]
pub struct EditorFields(pub NeedInput);

impl From<HashMap<String, String>> for EditorFields {
    fn from(fields: HashMap<String, String>) -> Self {
        EditorFields(NeedInput::from_fields(&fields))
    }
}

#[derive(Debug, Deserialize)]
pub struct EditorForm {
    #[serde(default)]
    pub action: EditorAction,
    #[serde(flatten)]
    pub need: EditorFields,
}

type EditorPost = Posted<EditorForm, EDITOR_FORM_BYTES>;

/// `POST /office/needs/new`.
pub async fn create_need(
    State(state): State<AppState>,
    viewer: Viewer,
    posted: EditorPost,
) -> Outcome {
    editor_post(&state, viewer, None, posted).await
}

/// `POST /office/needs/{code}/edit`.
pub async fn edit_need(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    posted: EditorPost,
) -> Outcome {
    editor_post(&state, viewer, Some(code), posted).await
}

async fn editor_post(
    state: &AppState,
    viewer: Viewer,
    code: Option<String>,
    posted: EditorPost,
) -> Outcome {
    let path = match &code {
        Some(c) => routes::EDIT_NEED.to([c]),
        None => routes::NEW_NEED.url().to_owned(),
    };
    let staff = signed_in_staff(state, viewer, &path).await?;
    let outcome = editor_change(state, &staff, code, &path, posted).await;
    // The page shown in answer reads the staff member loaded here, not again.
    crate::action::with_loaded(outcome, staff)
}

/// What the editor's buttons do, for a signed-in staff member.
async fn editor_change(
    state: &AppState,
    staff: &crate::needs::staff::Staff,
    code: Option<String>,
    path: &str,
    posted: EditorPost,
) -> Outcome {
    let now = chrono::Utc::now();
    let check = |input: NeedInput| {
        let code = code.as_deref();
        async move {
            office::check_editor_input(
                &state.db,
                &state.regions,
                staff,
                code,
                &input,
                crate::domain::calendar::today(now),
            )
            .await
        }
    };
    let mut input = posted.form.need.0.clone();
    let checked = check(input.clone())
        .await
        .map_err(|e| posted.refuse(path, e))?;
    let (draft, mut feedback) = (checked.draft, checked.feedback);
    // The page shown in answer reads the need this check loaded, not again.
    let editing = checked.editing;
    let page = || match editing.clone() {
        Some(need) => posted.answer(path).with(need),
        None => posted.answer(path),
    };
    let shown = |feedback: EditorFeedback| page().with(feedback);
    let submit = match posted.form.action {
        EditorAction::Preview => return Ok(Done::Page(shown(feedback))),
        EditorAction::Generalize => {
            let mut answer = page();
            if let Some(q) = feedback.quasi.filter(|q| q.unique) {
                input.age_band = q.publish_as.age_band.code().to_owned();
                input.household_size = q.publish_as.household_size.code().to_owned();
                if let Ok(wider) = check(input).await {
                    feedback = wider.feedback;
                }
                let wider = answer
                    .reply()
                    .clone()
                    .with_value("age_band", q.publish_as.age_band.code())
                    .with_value("household_size", q.publish_as.household_size.code());
                answer = answer.with_reply(wider);
            }
            return Ok(Done::Page(answer.with(feedback)));
        }
        EditorAction::Save => false,
        EditorAction::Submit => true,
    };
    let saved = match &code {
        Some(c) => lifecycle::update(&state.db, staff, c, &draft, submit, now)
            .await
            .map(|()| c.clone()),
        None => lifecycle::create(&state.db, staff, &draft, submit, now).await,
    };
    match saved {
        Ok(c) => {
            let done = if submit { "submitted" } else { "saved" };
            Ok(Done::SeeOther(format!(
                "{}?done={done}",
                routes::OFFICE_NEED.to([&c])
            )))
        }
        Err(e) => Err(shown(feedback).rejected(e.into()).into()),
    }
}
