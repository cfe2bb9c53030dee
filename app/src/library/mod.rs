//! The needs library (`/needs`): full-text search over the public copy of published needs,
//! with facets, sorts and paging; the same search as JSON (`/api/v1/library`) and as an
//! Atom feed (`/needs.atom`).
//!
//! The index itself is the `search` crate (tantivy). Here: what a search page shows
//! (shared with the browser), the URL parameters, snippets, and on the server the search
//! service, the indexer that applies the search outbox, and the rebuild.

pub mod params;
pub mod snippet;

#[cfg(feature = "ssr")]
pub mod index;
#[cfg(feature = "ssr")]
pub mod search;
mod server_fns;

pub use params::{Params, SortOrder};
pub use server_fns::*;

use crate::needs::NeedSummary;
use serde::{Deserialize, Serialize};

/// One result: the need as listed, and the passage of its story that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryHit {
    pub need: NeedSummary,
    pub snippet: Vec<snippet::Piece>,
}

/// One value of a facet and how many results have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    /// The value as the URL writes it (a code, a region code, a range index).
    pub value: String,
    /// For regions: the region's name (other facets are labelled from their codes).
    pub name: Option<String>,
    pub count: u64,
}

/// The counts of every facet for one search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// The regions one level below the one filtered on (provinces when none is).
    pub regions: Vec<FacetValue>,
    pub assistance_type: Vec<FacetValue>,
    pub household_category: Vec<FacetValue>,
    pub coverage: Vec<FacetValue>,
    pub urgency: Vec<FacetValue>,
    pub status: Vec<FacetValue>,
    /// Amount ranges, by index (see `params::AMOUNT_BOUNDS_YUAN`).
    pub amount: Vec<FacetValue>,
}

/// A region filter's place: its code and name, province first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionStep {
    pub code: String,
    pub name: String,
}

/// What one library search found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LibraryPage {
    pub params: Params,
    /// Needs matching the search, on every page.
    pub total: u64,
    pub hits: Vec<LibraryHit>,
    pub facets: Facets,
    /// The filtered region and the regions above it.
    pub region_trail: Vec<RegionStep>,
}

impl LibraryPage {
    /// The number of pages (at least 1), capped at `params::MAX_PAGE`.
    pub fn pages(&self) -> usize {
        let n = (self.total as usize).div_ceil(params::PAGE_SIZE).max(1);
        n.min(params::MAX_PAGE)
    }
}
