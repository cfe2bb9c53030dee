//! The charity directory (慈善组织名录): every verified charity with what it serves, the
//! claims it took and how they ended, its ratings, funds and disclosure reports. A charity
//! whose verification a platform admin has suspended stays listed, marked as suspended
//! (never with the reason). Only public facts: no member, contact or account detail
//! beyond the payee a fund page already shows.

use crate::domain::need::{AssistanceType, CloseReason, HouseholdCategory};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod directory;
mod server_fns;
pub use server_fns::*;

/// Claims a charity took, by how they stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRecord {
    pub taken: u32,
    pub active: u32,
    pub fulfilled: u32,
    pub verified: u32,
    pub released: u32,
    pub lapsed: u32,
    /// Ratings given by the offices (1–5): how many and their sum.
    pub ratings: u32,
    pub rating_sum: u32,
}

impl ClaimRecord {
    /// The average rating with one decimal, e.g. `4.5`.
    pub fn average_rating(&self) -> Option<String> {
        (self.ratings > 0).then(|| {
            format!(
                "{:.1}",
                f64::from(self.rating_sum) / f64::from(self.ratings)
            )
        })
    }
}

/// A charity as the directory lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharityListing {
    pub slug: String,
    pub name: String,
    /// Where it is registered (province · city · county), if known.
    pub place: String,
    pub public_fundraising: bool,
    pub assistance_types: Vec<AssistanceType>,
    /// The regions its supply profile names (province · city · county).
    pub regions: Vec<String>,
    pub funds: u32,
    pub claims: ClaimRecord,
    /// Its verification is suspended now: it cannot claim and takes no new pledges.
    pub suspended: bool,
}

/// A fund of the charity, as its profile lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundLine {
    pub id: i64,
    pub name: String,
    pub kind: crate::domain::support::FundKind,
    pub status: crate::domain::support::FundStatus,
}

/// A quarterly disclosure report of one of its projects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureLine {
    pub fund_id: i64,
    pub fund: String,
    pub period: String,
    pub body: String,
    pub posted_on: String,
}

/// A need the charity met, verified by the office (public copy only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetNeed {
    pub public_code: String,
    pub title: String,
    pub close_reason: Option<CloseReason>,
    pub rating: Option<u8>,
}

/// A charity's public profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharityProfile {
    pub listing: CharityListing,
    pub description: String,
    pub verified_on: Option<String>,
    pub household_categories: Vec<HouseholdCategory>,
    pub items_and_services: String,
    /// How its verified claims were closed.
    pub outcomes: Vec<(CloseReason, u32)>,
    pub funds: Vec<FundLine>,
    pub disclosures: Vec<DisclosureLine>,
    /// Its most recently verified needs, newest first.
    pub met: Vec<MetNeed>,
}
