//! Precise matching (精准对接): how well a published need fits a charity's supply profile,
//! with the reasons a person reads. Pure and deterministic: the same profile and needs
//! always give the same order.
//!
//! The rule, as the portal explains it:
//! - a need outside the profile's regions does not match (a charity works where it is);
//! - inside them, it matches when its assistance type, its household category or one of
//!   its items is something the charity gives;
//! - the score adds: type 40, region 30 (county named 30, city 25, province 20), household
//!   category 15, within the typical budget 10, each item the charity gives 10 (at most
//!   20), urgency (critical 8, high 5, normal 2);
//! - ties go to the earlier deadline, then the earlier publication, then the code.

use super::SupplyProfile;
use crate::domain::need::{AssistanceType, HouseholdCategory, Urgency};
use crate::domain::{Fen, RegionCode};
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// What matching reads of a need: its public copy only.
#[derive(Debug, Clone, PartialEq)]
pub struct NeedFacts {
    pub id: i64,
    pub assistance_type: AssistanceType,
    pub household_category: HouseholdCategory,
    pub county: RegionCode,
    /// The county's display name, for the reason.
    pub county_name: String,
    pub urgency: Urgency,
    pub goal: Fen,
    pub item_names: Vec<String>,
    pub deadline: Option<chrono::NaiveDate>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub public_code: String,
}

/// One reason a need fits, in the order the portal shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum MatchReason {
    AssistanceType(AssistanceType),
    /// The county, when it lies in one of the profile's regions.
    Region(String),
    HouseholdCategory(HouseholdCategory),
    WithinBudget,
    /// An item or service of the need that the charity gives.
    Item(String),
    Urgent(Urgency),
}

impl MatchReason {
    /// The reason as the portal shows it, e.g. `医疗`, `榆树市`, `预算内`, `你们提供轮椅`.
    pub fn label(&self, lang: Lang) -> String {
        match self {
            MatchReason::AssistanceType(t) => t.label(lang).to_owned(),
            MatchReason::Region(name) => name.clone(),
            MatchReason::HouseholdCategory(c) => c.label(lang).to_owned(),
            MatchReason::WithinBudget => lang.pick("预算内", "within budget").to_owned(),
            MatchReason::Item(name) => format!("{}{name}", lang.pick("你们提供", "you give ")),
            MatchReason::Urgent(u) => u.label(lang).to_owned(),
        }
    }

    /// A stable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            MatchReason::AssistanceType(_) => "assistance_type",
            MatchReason::Region(_) => "region",
            MatchReason::HouseholdCategory(_) => "household_category",
            MatchReason::WithinBudget => "within_budget",
            MatchReason::Item(_) => "item",
            MatchReason::Urgent(_) => "urgency",
        }
    }
}

/// The reasons joined as one line: `医疗 · 榆树市 · 预算内 · 你们提供轮椅`.
pub fn reasons_line(reasons: &[MatchReason], lang: Lang) -> String {
    reasons
        .iter()
        .map(|r| r.label(lang))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A need's fit: its score and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    pub score: u32,
    pub reasons: Vec<MatchReason>,
}

/// Whether a need's item is something the charity gives: the item's name contains it
/// (`电动轮椅` is a `轮椅`). The database picks the candidates with the same test
/// (`name LIKE '%…%'`, which SQLite also matches ignoring ASCII case: a superset).
fn names_match(item: &str, gives: &str) -> bool {
    let gives = gives.trim();
    !gives.is_empty() && item.contains(gives)
}

/// How `need` fits `profile`; `None` when it does not match at all.
pub fn fit(profile: &SupplyProfile, need: &NeedFacts) -> Option<Fit> {
    let region = if profile.regions.is_empty() {
        None
    } else {
        let best = profile
            .regions
            .iter()
            .filter(|r| r.contains(&need.county))
            .map(|r| match r.level() {
                crate::domain::region::RegionLevel::Province => 20,
                crate::domain::region::RegionLevel::City => 25,
                _ => 30,
            })
            .max();
        Some(best?)
    };
    let type_fits = profile.assistance_types.contains(&need.assistance_type);
    let category_fits = profile
        .household_categories
        .contains(&need.household_category);
    let mut items: Vec<&str> = Vec::new();
    for name in &need.item_names {
        if profile.gives.iter().any(|g| names_match(name, g)) && !items.contains(&name.as_str()) {
            items.push(name);
        }
    }
    if !type_fits && !category_fits && items.is_empty() {
        return None;
    }
    let mut score = 0;
    let mut reasons = Vec::new();
    if type_fits {
        score += 40;
        reasons.push(MatchReason::AssistanceType(need.assistance_type));
    }
    if let Some(points) = region {
        score += points;
        reasons.push(MatchReason::Region(need.county_name.clone()));
    }
    if category_fits {
        score += 15;
        reasons.push(MatchReason::HouseholdCategory(need.household_category));
    }
    if profile
        .typical_budget
        .is_some_and(|b| need.goal.0 > 0 && need.goal <= b)
    {
        score += 10;
        reasons.push(MatchReason::WithinBudget);
    }
    score += 10 * items.len().min(2) as u32;
    reasons.extend(items.iter().map(|i| MatchReason::Item((*i).to_owned())));
    let urgency = match need.urgency {
        Urgency::Critical => 8,
        Urgency::High => 5,
        Urgency::Normal => 2,
        Urgency::Low => 0,
    };
    if urgency >= 5 {
        reasons.push(MatchReason::Urgent(need.urgency));
    }
    score += urgency;
    Some(Fit { score, reasons })
}

/// The needs that fit `profile`, best first, at most `limit`.
pub fn rank(profile: &SupplyProfile, needs: Vec<NeedFacts>, limit: usize) -> Vec<(NeedFacts, Fit)> {
    let mut fitting: Vec<(NeedFacts, Fit)> = needs
        .into_iter()
        .filter_map(|n| fit(profile, &n).map(|f| (n, f)))
        .collect();
    fitting.sort_by(|(a, fa), (b, fb)| {
        fb.score
            .cmp(&fa.score)
            // A need with a deadline comes before one without; earlier before later.
            .then_with(|| match (a.deadline, b.deadline) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.published_at.cmp(&b.published_at))
            .then_with(|| a.public_code.cmp(&b.public_code))
    });
    fitting.truncate(limit);
    fitting
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str) -> RegionCode {
        RegionCode::parse(code).expect("region")
    }

    fn profile() -> SupplyProfile {
        SupplyProfile {
            assistance_types: vec![AssistanceType::Medical, AssistanceType::Disability],
            household_categories: vec![HouseholdCategory::Dibao],
            regions: vec![region("220100")],
            typical_budget: Some(Fen::yuan(5_000)),
            gives: vec!["轮椅".into(), "康复训练".into()],
            claim_capacity: 5,
        }
    }

    fn need(code: &str) -> NeedFacts {
        NeedFacts {
            id: 1,
            assistance_type: AssistanceType::Medical,
            household_category: HouseholdCategory::Tekun,
            county: region("220182"),
            county_name: "榆树市".into(),
            urgency: Urgency::Normal,
            goal: Fen::yuan(3_000),
            item_names: vec!["电动轮椅".into()],
            deadline: None,
            published_at: None,
            public_code: code.into(),
        }
    }

    #[test]
    fn reasons_read_as_the_portal_shows_them() {
        let f = fit(&profile(), &need("A")).expect("fits");
        assert_eq!(
            reasons_line(&f.reasons, Lang::Zh),
            "医疗 · 榆树市 · 预算内 · 你们提供电动轮椅"
        );
        assert_eq!(f.score, 40 + 25 + 10 + 10 + 2);
    }

    #[test]
    fn needs_outside_the_regions_or_without_anything_in_common_do_not_match() {
        let mut far = need("B");
        far.county = region("620102");
        assert_eq!(fit(&profile(), &far), None);
        let mut unrelated = need("C");
        unrelated.assistance_type = AssistanceType::Housing;
        unrelated.item_names.clear();
        assert_eq!(fit(&profile(), &unrelated), None);
        // Without regions in the profile, every region is in.
        let mut everywhere = profile();
        everywhere.regions.clear();
        assert!(fit(&everywhere, &far).is_some());
    }

    #[test]
    fn ranking_is_by_score_then_deadline_then_code() {
        let mut urgent = need("Z");
        urgent.urgency = Urgency::Critical;
        let mut soon = need("Y");
        soon.deadline = chrono::NaiveDate::from_ymd_opt(2026, 12, 20);
        let plain = need("X");
        let ranked = rank(&profile(), vec![plain, soon, urgent], 10);
        let codes: Vec<&str> = ranked.iter().map(|(n, _)| n.public_code.as_str()).collect();
        assert_eq!(codes, ["Z", "Y", "X"]);
        assert_eq!(rank(&profile(), vec![need("X")], 0).len(), 0);
    }

    #[test]
    fn over_budget_needs_still_match_without_the_budget_reason() {
        let mut big = need("D");
        big.goal = Fen::yuan(50_000);
        let f = fit(&profile(), &big).expect("fits");
        assert!(!f.reasons.contains(&MatchReason::WithinBudget));
    }
}
