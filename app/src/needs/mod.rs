//! Needs (个性化需求): what the public sees of them, and the server functions that
//! serve it. The public types below are built only from the public copy; the private
//! case data lives in another table that these queries never touch.

use crate::domain::need::{
    AgeBand, AssistanceType, Coverage, HouseholdCategory, HouseholdSize, NeedStatus, Urgency,
};
use crate::domain::Fen;
use serde::{Deserialize, Serialize};

pub mod draft;
pub mod import;
#[cfg(feature = "ssr")]
pub mod importing;
#[cfg(feature = "ssr")]
pub mod lifecycle;
#[cfg(feature = "ssr")]
pub mod office;
#[cfg(feature = "ssr")]
pub mod open_data;
pub mod preview;
pub mod problems;
#[cfg(feature = "ssr")]
pub mod queries;
pub mod screening;
mod server_fns;
#[cfg(feature = "ssr")]
pub mod staff;
pub use server_fns::*;

/// A need as listed in the library and on the home page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeedSummary {
    pub public_code: String,
    pub title: String,
    pub assistance_type: AssistanceType,
    pub household_category: HouseholdCategory,
    pub status: NeedStatus,
    pub urgency: Urgency,
    /// Province · city · county, never finer.
    pub place: String,
    /// Money still sought: the target amount plus the value of the items.
    pub goal: Fen,
    pub deadline: Option<chrono::NaiveDate>,
    pub published_on: Option<chrono::NaiveDate>,
}

/// One item or service a need asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeedItemView {
    pub name: String,
    pub unit: String,
    pub quantity: i32,
    pub unit_value: Fen,
}

impl NeedItemView {
    pub fn total(&self) -> Fen {
        self.unit_value
            .checked_mul(i64::from(self.quantity))
            .unwrap_or(Fen(i64::MAX))
    }
}

/// The public copy of a need, as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeedDetail {
    pub summary: NeedSummary,
    pub story: String,
    pub coverage: Coverage,
    pub assistance_received: String,
    pub age_band: AgeBand,
    pub household_size: HouseholdSize,
    /// Target amount in money, besides the items.
    pub target_amount: Option<Fen>,
    pub items: Vec<NeedItemView>,
    /// The claim holding the need, if any: which charity, how, until when.
    pub claim: Option<crate::claims::PublicClaim>,
    /// How the need ended, once staff closed it.
    pub outcome: Option<crate::claims::PublicOutcome>,
    /// Money received for this need so far (pledges received and allocations).
    pub received: Fen,
}

/// Figures for the home page: open needs now, and help given so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NeedTotals {
    pub open: u64,
    pub claimed: u64,
    pub met: u64,
    pub received: Fen,
}

/// The private part of a need, for staff in scope only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateCase {
    pub case_reference: String,
    pub household_names: Vec<String>,
    pub consent_recorded_by: String,
    pub consent_recorded_on: chrono::NaiveDate,
    pub consent_scope: String,
    pub consent_withdrawn: bool,
}

/// One line of the office portal's list of needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffNeedRow {
    pub public_code: String,
    pub title: String,
    pub status: NeedStatus,
    pub place: String,
    pub author: String,
    pub updated_on: chrono::NaiveDate,
    /// The reviewer's comment on a returned draft.
    pub review_comment: Option<String>,
}

/// How many needs of each status the viewer's regions hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffNeedList {
    pub status: Option<NeedStatus>,
    pub counts: Vec<(NeedStatus, u64)>,
    pub rows: Vec<StaffNeedRow>,
}

/// What the editor and the review page show beside the form: the guard's findings,
/// the quasi-identifier advice and the public copy as it would be published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditorFeedback {
    pub findings: Vec<screening::FieldFinding>,
    pub quasi: Option<screening::QuasiAdvice>,
    pub preview: Option<NeedDetail>,
}

/// What the editor page shows of the need being edited beside the form. An editor post
/// loads it while checking the input and hands it to the page it answers with, so the
/// page does not load the need again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditingNeed {
    pub public_code: String,
    pub status: NeedStatus,
    pub review_comment: Option<String>,
    pub can_edit: bool,
}

/// Everything staff see of one need in the office portal, and what they may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeedWorkspace {
    pub public_code: String,
    pub status: NeedStatus,
    pub place: String,
    pub office: String,
    pub author: String,
    /// The stored need as editor input (public copy and private part).
    pub input: draft::NeedInput,
    pub private: PrivateCase,
    pub review_comment: Option<String>,
    pub withdraw_reason: Option<String>,
    pub feedback: EditorFeedback,
    pub can_edit: bool,
    pub can_review: bool,
    /// May verify or question a fulfilment report (reviewers and office admins).
    pub can_review_claims: bool,
    /// Reviewer role but the viewer wrote it (four eyes).
    pub is_author_reviewer: bool,
    pub can_withdraw: bool,
    /// What happened to the need, oldest first (from the audit log).
    pub history: Vec<NeedEvent>,
}

impl NeedWorkspace {
    /// The part of the workspace the editor page shows beside the form.
    pub fn editing(&self) -> EditingNeed {
        EditingNeed {
            public_code: self.public_code.clone(),
            status: self.status,
            review_comment: self.review_comment.clone(),
            can_edit: self.can_edit,
        }
    }
}

/// One entry of a need's history as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedEvent {
    /// China Standard Time, `YYYY-MM-DD HH:MM`.
    pub at: String,
    /// The audit action, e.g. `need.submit`.
    pub action: String,
    /// Who acted: a staff member's name; empty for the system.
    pub actor: String,
    pub via_api: bool,
    pub reason: Option<String>,
}
