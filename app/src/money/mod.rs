//! Money (认捐与基金): charities' funds (named funds, special funds, assistance projects)
//! with criteria and matching offers; donors' pledges to a fund or to a need a charity
//! raises for; receipts, matching gifts, allocations of fund money to needs, refunds and
//! leftover transfers — each one balanced transaction of the append-only, double-entry
//! ledger, in integer fen.
//!
//! Invariants, kept inside each writing transaction (the fund's and the need's rows are
//! held, funds before needs, so two writers never pass a check together):
//! - no fund allocates more than it holds (balances are derived from the ledger);
//! - no need receives more than its goal;
//! - every received fen is traceable: an allocation names the receipts it drew on
//!   (`allocation_sources`, oldest first), so a pledge's tracking page shows the needs
//!   its money reached and what is still in the fund.
//!
//! This file holds the plain types and the parsing of what people type; the database
//! side is behind `ssr`. Payment happens outside the system: [`payment`] says how to pay,
//! through a provider trait.

use crate::accounts::Problem;
use crate::domain::need::{AssistanceType, HouseholdCategory};
use crate::domain::support::{FundKind, FundStatus, LedgerKind, LeftoverPolicy, PledgeStatus};
use crate::domain::{Fen, RegionCode};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod allocations;
#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod error;
#[cfg(feature = "ssr")]
pub mod funds;
#[cfg(feature = "ssr")]
pub mod ledger;
#[cfg(feature = "ssr")]
pub mod once;
mod parse;
#[cfg(feature = "ssr")]
pub mod payee;
pub mod payment;
#[cfg(feature = "ssr")]
pub mod pledges;
pub mod problems;
mod server_fns;
#[cfg(feature = "ssr")]
pub mod targets;

#[cfg(feature = "ssr")]
pub use error::MoneyError;
pub use parse::*;
pub use server_fns::*;

/// A fresh one-time token for a money form (128 random bits, hex), rendered on the
/// server; the form posts it back as `idempotency_key` so that a double click moves
/// money once ([`once`]).
pub fn form_token() -> String {
    #[cfg(feature = "ssr")]
    {
        once::new_token()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

/// Problems by field name.
pub type FieldProblems = Vec<(String, Problem)>;

/// The smallest pledge: one yuan.
pub const MIN_PLEDGE: Fen = Fen(100);
/// The largest pledge the site takes in one go: one million yuan (bigger gifts are
/// arranged with the charity directly).
pub const MAX_PLEDGE: Fen = Fen(100_000_000);
/// Preset amounts on the pledge form, in yuan.
pub const PRESETS_YUAN: [i64; 4] = [50, 100, 200, 500];

/// How long a pledge waits for its money, and when the donor is reminded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PledgePolicy {
    /// Days after pledging until an unreceived pledge lapses.
    pub lapse_days: i64,
    /// Days before lapsing that the donor is reminded (with a contact to remind).
    pub remind_days_before: i64,
}

impl Default for PledgePolicy {
    fn default() -> Self {
        PledgePolicy {
            lapse_days: 14,
            remind_days_before: 3,
        }
    }
}

/// What a fund is for: each dimension with values limits the needs it can reach (a
/// need must match one value of every dimension given).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundCriteria {
    pub assistance_types: Vec<AssistanceType>,
    pub household_categories: Vec<HouseholdCategory>,
    pub regions: Vec<RegionCode>,
}

impl FundCriteria {
    /// Whether a need of this type, category and county fits.
    pub fn fits(&self, t: AssistanceType, c: HouseholdCategory, region: &RegionCode) -> bool {
        (self.assistance_types.is_empty() || self.assistance_types.contains(&t))
            && (self.household_categories.is_empty() || self.household_categories.contains(&c))
            && (self.regions.is_empty() || self.regions.iter().any(|r| r.contains(region)))
    }
}

/// A matching offer (配捐): the sponsor adds `ratio_percent` of each received pledge, up
/// to `cap` in all, for pledges received in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchOffer {
    pub ratio_percent: i32,
    pub cap: Fen,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl MatchOffer {
    /// The match for a receipt of `amount` at `at`, given what the offer has matched
    /// already: zero outside the window or once the cap is used up.
    pub fn match_for(&self, amount: Fen, matched_so_far: Fen, at: DateTime<Utc>) -> Fen {
        if at < self.starts_at || at >= self.ends_at {
            return Fen::ZERO;
        }
        let left = (self.cap.0 - matched_so_far.0).max(0);
        let wanted = i128::from(amount.0) * i128::from(self.ratio_percent) / 100;
        Fen(i64::try_from(wanted).unwrap_or(i64::MAX).min(left))
    }
}

/// A fund as the public list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundSummary {
    pub id: i64,
    pub public_code: String,
    pub kind: FundKind,
    pub name: String,
    pub sponsor: String,
    pub description: String,
    pub charity_id: i64,
    pub charity: String,
    pub charity_slug: String,
    pub status: FundStatus,
    pub target: Option<Fen>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub leftover: LeftoverPolicy,
    pub criteria: FundCriteria,
    pub matching: Option<MatchOffer>,
    /// Received from donors and matching sponsors (refunds taken off).
    pub raised: Fen,
    /// Allocated on to needs (returns taken off).
    pub allocated: Fen,
    /// What the fund holds now.
    pub balance: Fen,
    pub donors: u32,
    /// Whether pledges are taken now (open, within its dates).
    pub accepts_pledges: bool,
}

/// A need the fund's money reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reached {
    pub public_code: String,
    pub title: String,
    pub amount: Fen,
}

/// One line of a public ledger: a balanced transaction, as donors may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerLine {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub kind: LedgerKind,
    pub amount: Fen,
    /// Into the fund (+) or out of it (−), for a fund's ledger.
    pub inflow: bool,
    /// The need it went to or came from, if any (public code).
    pub need: Option<String>,
    /// The pledge's receipt code is never shown; the donor's name only if they chose.
    pub donor: Option<String>,
    pub memo: String,
}

/// A quarterly disclosure report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disclosure {
    pub period: String,
    pub body: String,
    pub posted_at: DateTime<Utc>,
}

/// A fund's public page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundDetail {
    pub summary: FundSummary,
    pub reached: Vec<Reached>,
    pub ledger: Vec<LedgerLine>,
    pub disclosures: Vec<Disclosure>,
    /// How to pay this charity (offline transfer details).
    pub payment: payment::PaymentInstructions,
    /// For a project running past six months: the quarter whose disclosure is due.
    pub disclosure_due: Option<String>,
}

/// What a pledge is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PledgeTarget {
    Fund(i64),
    Need(String),
}

/// A pledge as its donor tracks it (and as the charity sees it, with the contact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PledgeView {
    pub id: i64,
    pub receipt_code: String,
    pub status: PledgeStatus,
    pub amount: Fen,
    pub received: Option<Fen>,
    pub pledged_at: DateTime<Utc>,
    pub lapses_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
    /// The fund (id, name) or the need (public code, title) it is for.
    pub fund: Option<(i64, String)>,
    pub need: Option<(String, String)>,
    pub charity: String,
    /// As shown publicly: the name the donor chose, or none when anonymous.
    pub donor_name: Option<String>,
    /// The needs its money reached (for a need pledge: that need, once received).
    pub reached: Vec<Reached>,
    /// Received but not yet allocated (still in the fund).
    pub in_fund: Fen,
    pub refunded: Fen,
    /// What a matching sponsor added for it.
    pub matched: Fen,
    pub payment: payment::PaymentInstructions,
}

/// A pledge in the charity's list (with the private contact, for the charity only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharityPledge {
    pub view: PledgeView,
    pub contact: Option<String>,
    /// A receipt above the pledge waiting for a second member: the amount, who recorded it.
    pub proposed: Option<(Fen, String)>,
}

/// The charity's own fund page in the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnFund {
    pub detail: FundDetail,
    /// Needs the fund can reach now, with the room each has left: (code, title, room).
    pub candidates: Vec<(String, String, Fen)>,
}

/// A proposed new account for transfers, waiting for a second admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedPayee {
    pub payee: payment::Payee,
    /// Who proposed it (display name).
    pub by: String,
    /// Whether the one looking proposed it.
    pub by_viewer: bool,
    pub at: DateTime<Utc>,
}

/// The charity's account for transfers and any change waiting, as a member sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayeeStatus {
    pub current: payment::Payee,
    pub proposed: Option<ProposedPayee>,
    /// Whether the one looking is an admin of the charity (may propose a change).
    pub viewer_is_admin: bool,
    /// Whether the one looking may confirm the change waiting (another admin).
    pub viewer_may_confirm: bool,
    /// The charity has one admin: a platform admin confirms its changes.
    pub single_admin: bool,
}
