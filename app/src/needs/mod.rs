//! Needs (个性化需求): what the public sees of them, and the server functions that
//! serve it. The public types below are built only from the public copy; the private
//! case data lives in another table that these queries never touch.

use crate::domain::need::{
    AgeBand, AssistanceType, Coverage, HouseholdCategory, HouseholdSize, NeedStatus, Urgency,
};
use crate::domain::Fen;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod queries;
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
    /// The charity holding the active claim, if any.
    pub claimed_by: Option<String>,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrivateCase {
    pub case_reference: String,
    pub household_names: Vec<String>,
    pub consent_recorded_by: String,
    pub consent_recorded_on: chrono::NaiveDate,
    pub consent_scope: String,
    pub consent_withdrawn: bool,
}

/// A need as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffNeedView {
    pub public_code: String,
    pub title: String,
    pub story: String,
    pub status: NeedStatus,
    pub place: String,
    pub office: String,
    pub private: Option<PrivateCase>,
}
