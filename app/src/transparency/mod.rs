//! Transparency (公开): the public dashboard's figures. Needs published, claimed,
//! fulfilled and verified; money pledged, received and allocated; median days from
//! publication to claim and to fulfilment — in all, by month, by region (province → city
//! → county), by assistance type and by household category.
//!
//! What counts (the dashboard prints the same rules):
//! - a need counts once it was published, unless it was withdrawn (withdrawn needs stay
//!   in the records, not in the statistics); drafts and needs in review never count;
//! - claimed: it was claimed at least once (the first claim's date); fulfilled: a
//!   charity reported it fulfilled (the first report's date); verified: staff verified it
//!   and closed it (the closing date);
//! - money: pledged is every pledge not cancelled, received every pledge receipt in the
//!   ledger, allocated every allocation of fund money to a need less what needs gave back
//!   to their funds (a claim released or lapsed, a need closed unused). Site-wide totals count
//!   all of it; by region, type or category only money tied to one counted need is
//!   counted (a pledge to a fund has no region until it is allocated).
//!
//! [`aggregate`] is pure: the database side ([`stats`]) only reads the facts.

use crate::domain::need::{AssistanceType, HouseholdCategory};
use crate::domain::Fen;
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod server_fns;
#[cfg(feature = "ssr")]
pub mod stats;
pub use server_fns::*;

/// How many months the "by month" series shows, ending with the current one.
pub const MONTHS: usize = 12;

/// The figures of one slice of the statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub published: u64,
    pub claimed: u64,
    pub fulfilled: u64,
    pub verified: u64,
    pub pledged: Fen,
    pub received: Fen,
    pub allocated: Fen,
}

impl Figures {
    fn is_empty(&self) -> bool {
        *self == Figures::default()
    }

    fn add_money(&mut self, kind: MoneyKind, amount: Fen) {
        let slot = match kind {
            MoneyKind::Pledged => &mut self.pledged,
            MoneyKind::Received => &mut self.received,
            MoneyKind::Allocated => &mut self.allocated,
        };
        *slot = Fen(slot.0.saturating_add(amount.0));
    }

    fn add_need(&mut self, n: &NeedFacts) {
        self.published += 1;
        self.claimed += u64::from(n.claimed_at.is_some());
        self.fulfilled += u64::from(n.fulfilled_at.is_some());
        self.verified += u64::from(n.verified_at.is_some());
    }
}

/// One counted need, as the statistics see it (no text of it at all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedFacts {
    pub id: i64,
    pub region_code: String,
    pub assistance_type: AssistanceType,
    pub household_category: HouseholdCategory,
    pub published_at: DateTime<Utc>,
    pub claimed_at: Option<DateTime<Utc>>,
    pub fulfilled_at: Option<DateTime<Utc>>,
    pub verified_at: Option<DateTime<Utc>>,
}

/// What a movement of money was, for the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyKind {
    Pledged,
    Received,
    Allocated,
}

/// One movement of money and the need it is tied to, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyFacts {
    pub kind: MoneyKind,
    pub at: DateTime<Utc>,
    pub amount: Fen,
    pub need_id: Option<i64>,
}

/// A region one level below the dashboard's scope, with its figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionRow {
    pub code: String,
    pub name: String,
    /// Whether it has regions below it worth opening (counties have none).
    pub drillable: bool,
    pub figures: Figures,
}

/// Everything the dashboard shows, for one scope (the whole site or one region).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The region the figures are limited to, if any: `(code, name)` from the province
    /// down (the breadcrumb).
    pub scope: Vec<(String, String)>,
    pub totals: Figures,
    /// Median hours from publication to the first claim, and to the first fulfilment
    /// report, over the needs that reached them.
    pub median_hours_to_claim: Option<i64>,
    pub median_hours_to_fulfilment: Option<i64>,
    /// `(YYYY-MM, figures of what happened that month)`, oldest first.
    pub by_month: Vec<(String, Figures)>,
    pub by_region: Vec<RegionRow>,
    pub by_type: Vec<(AssistanceType, Figures)>,
    pub by_category: Vec<(HouseholdCategory, Figures)>,
}

/// A month in China time, `YYYY-MM`.
pub fn month_of(at: DateTime<Utc>) -> String {
    let d = crate::domain::calendar::date_of(at);
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The last `MONTHS` months up to and including `now`'s, oldest first.
fn months_until(now: DateTime<Utc>) -> Vec<String> {
    let d = crate::domain::calendar::today(now);
    let mut index = d.year() * 12 + d.month0() as i32;
    let mut out = Vec::with_capacity(MONTHS);
    for _ in 0..MONTHS {
        out.push(format!("{:04}-{:02}", index / 12, index % 12 + 1));
        index -= 1;
    }
    out.reverse();
    out
}

fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2
    })
}

/// The regions directly below the scope: `(code, name, has regions below)`.
pub type ChildRegions = Vec<(String, String, bool)>;

/// Whether a need in `need_region` lies inside `region` (province, city or county code).
pub fn region_contains(region: &str, need_region: &str) -> bool {
    let significant = if region.ends_with("0000") {
        2
    } else if region.ends_with("00") {
        4
    } else {
        region.len()
    };
    need_region.len() >= significant && need_region[..significant] == region[..significant]
}

/// The dashboard of `needs` and `money` limited to `scope` (its last element is the
/// region; empty for the whole site), broken down over `children`.
pub fn aggregate(
    needs: &[NeedFacts],
    money: &[MoneyFacts],
    scope: Vec<(String, String)>,
    children: ChildRegions,
    now: DateTime<Utc>,
) -> Dashboard {
    let region = scope.last().map(|(code, _)| code.clone());
    let in_scope: Vec<&NeedFacts> = needs
        .iter()
        .filter(|n| {
            region
                .as_deref()
                .is_none_or(|r| region_contains(r, &n.region_code))
        })
        .collect();
    let by_id: BTreeMap<i64, &NeedFacts> = in_scope.iter().map(|n| (n.id, *n)).collect();
    // Money counted here: all of it site-wide, only what is tied to a need in scope
    // within a region.
    let counted_money: Vec<(&MoneyFacts, Option<&NeedFacts>)> = money
        .iter()
        .filter_map(|m| {
            let need = m.need_id.and_then(|id| by_id.get(&id).copied());
            (region.is_none() || need.is_some()).then_some((m, need))
        })
        .collect();

    let mut totals = Figures::default();
    for n in &in_scope {
        totals.add_need(n);
    }
    for (m, _) in &counted_money {
        totals.add_money(m.kind, m.amount);
    }

    let months = months_until(now);
    let mut by_month: BTreeMap<String, Figures> = months
        .iter()
        .map(|m| (m.clone(), Figures::default()))
        .collect();
    let mut bump = |at: Option<DateTime<Utc>>, f: &dyn Fn(&mut Figures)| {
        if let Some(slot) = at.and_then(|at| by_month.get_mut(&month_of(at))) {
            f(slot);
        }
    };
    for n in &in_scope {
        bump(Some(n.published_at), &|f| f.published += 1);
        bump(n.claimed_at, &|f| f.claimed += 1);
        bump(n.fulfilled_at, &|f| f.fulfilled += 1);
        bump(n.verified_at, &|f| f.verified += 1);
    }
    for (m, _) in &counted_money {
        bump(Some(m.at), &|f| f.add_money(m.kind, m.amount));
    }

    let mut by_region: Vec<RegionRow> = children
        .into_iter()
        .map(|(code, name, drillable)| RegionRow {
            code,
            name,
            drillable,
            figures: Figures::default(),
        })
        .collect();
    let mut by_type: BTreeMap<AssistanceType, Figures> = BTreeMap::new();
    let mut by_category: BTreeMap<HouseholdCategory, Figures> = BTreeMap::new();
    for n in &in_scope {
        if let Some(row) = by_region
            .iter_mut()
            .find(|r| region_contains(&r.code, &n.region_code))
        {
            row.figures.add_need(n);
        }
        by_type.entry(n.assistance_type).or_default().add_need(n);
        by_category
            .entry(n.household_category)
            .or_default()
            .add_need(n);
    }
    for (m, need) in &counted_money {
        let Some(n) = need else { continue };
        if let Some(row) = by_region
            .iter_mut()
            .find(|r| region_contains(&r.code, &n.region_code))
        {
            row.figures.add_money(m.kind, m.amount);
        }
        by_type
            .entry(n.assistance_type)
            .or_default()
            .add_money(m.kind, m.amount);
        by_category
            .entry(n.household_category)
            .or_default()
            .add_money(m.kind, m.amount);
    }
    by_region.retain(|r| !r.figures.is_empty());

    let hours = |end: fn(&NeedFacts) -> Option<DateTime<Utc>>| {
        median(
            in_scope
                .iter()
                .filter_map(|n| end(n).map(|e| (e - n.published_at).num_hours().max(0)))
                .collect(),
        )
    };
    Dashboard {
        scope,
        totals,
        median_hours_to_claim: hours(|n| n.claimed_at),
        median_hours_to_fulfilment: hours(|n| n.fulfilled_at),
        by_month: by_month.into_iter().collect(),
        by_region,
        by_type: AssistanceType::ALL
            .iter()
            .map(|t| (*t, by_type.get(t).copied().unwrap_or_default()))
            .collect(),
        by_category: HouseholdCategory::ALL
            .iter()
            .map(|c| (*c, by_category.get(c).copied().unwrap_or_default()))
            .collect(),
    }
}

/// Hours as days with one decimal, e.g. `3.5`.
pub fn days_text(hours: i64) -> String {
    format!("{:.1}", hours as f64 / 24.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, m, d, 4, 0, 0).unwrap()
    }

    fn need(id: i64, region: &str, published: DateTime<Utc>) -> NeedFacts {
        NeedFacts {
            id,
            region_code: region.into(),
            assistance_type: AssistanceType::Medical,
            household_category: HouseholdCategory::Dibao,
            published_at: published,
            claimed_at: None,
            fulfilled_at: None,
            verified_at: None,
        }
    }

    #[test]
    fn counts_by_month_region_and_type_with_medians() {
        let mut a = need(1, "220122", at(10, 1));
        a.claimed_at = Some(at(10, 3));
        a.fulfilled_at = Some(at(11, 1));
        a.verified_at = Some(at(11, 5));
        let mut b = need(2, "220102", at(11, 2));
        b.claimed_at = Some(at(11, 3));
        b.assistance_type = AssistanceType::Education;
        let c = need(3, "620102", at(12, 1));
        let money = vec![
            MoneyFacts {
                kind: MoneyKind::Pledged,
                at: at(11, 4),
                amount: Fen(500),
                need_id: Some(2),
            },
            MoneyFacts {
                kind: MoneyKind::Received,
                at: at(11, 6),
                amount: Fen(300),
                need_id: None,
            },
        ];
        let children = vec![
            ("220000".into(), "吉林省".into(), true),
            ("620000".into(), "甘肃省".into(), true),
            ("110000".into(), "北京市".into(), true),
        ];
        let d = aggregate(&[a, b, c], &money, vec![], children, at(12, 6));
        assert_eq!(d.totals.published, 3);
        assert_eq!(d.totals.claimed, 2);
        assert_eq!(d.totals.fulfilled, 1);
        assert_eq!(d.totals.verified, 1);
        assert_eq!(d.totals.pledged, Fen(500));
        assert_eq!(d.totals.received, Fen(300), "site-wide: money of funds too");
        assert_eq!(d.by_month.len(), MONTHS);
        let month = |m: &str| d.by_month.iter().find(|(k, _)| k == m).unwrap().1;
        assert_eq!(month("2026-10").published, 1);
        assert_eq!(month("2026-11").claimed, 1);
        assert_eq!(month("2026-11").verified, 1);
        assert_eq!(month("2026-11").received, Fen(300));
        assert_eq!(d.by_region.len(), 2, "Beijing has nothing and is left out");
        assert_eq!(d.by_region[0].figures.published, 2);
        assert_eq!(d.by_region[0].figures.pledged, Fen(500));
        assert_eq!(
            d.by_region[0].figures.received,
            Fen(0),
            "fund money has no region"
        );
        assert_eq!(d.by_type[0].1.published, 2);
        // 48 h and 24 h to the claim: the median of two is their mean.
        assert_eq!(d.median_hours_to_claim, Some(36));
        assert_eq!(d.median_hours_to_fulfilment, Some(31 * 24));
    }

    #[test]
    fn a_region_scope_counts_only_its_needs_and_their_money() {
        let a = need(1, "220122", at(10, 1));
        let b = need(2, "620102", at(10, 1));
        let money = vec![
            MoneyFacts {
                kind: MoneyKind::Allocated,
                at: at(10, 2),
                amount: Fen(100),
                need_id: Some(2),
            },
            MoneyFacts {
                kind: MoneyKind::Received,
                at: at(10, 2),
                amount: Fen(700),
                need_id: None,
            },
        ];
        let scope = vec![("620000".to_owned(), "甘肃省".to_owned())];
        let children = vec![("620100".into(), "兰州市".into(), true)];
        let d = aggregate(&[a, b], &money, scope, children, at(10, 6));
        assert_eq!(d.totals.published, 1);
        assert_eq!(d.totals.allocated, Fen(100));
        assert_eq!(d.totals.received, Fen(0));
        assert_eq!(d.by_region[0].figures.published, 1);
    }

    #[test]
    fn months_wrap_over_the_year() {
        let m = months_until(at(2, 1));
        assert_eq!(m.first().unwrap(), "2025-03");
        assert_eq!(m.last().unwrap(), "2026-02");
        assert!(region_contains("220000", "220122"));
        assert!(region_contains("220100", "220122"));
        assert!(!region_contains("220200", "220122"));
        assert!(region_contains("220122", "220122"));
    }
}
