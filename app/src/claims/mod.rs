//! Claims (认领): a charity takes a published need on as a lease, meets it directly or by
//! opening it to pledges, reports fulfilment with evidence, and staff verify it and close
//! the need. Also the charity's supply profile and the matching of needs against it.
//!
//! This module holds the plain types and the parsing of what people type; the database
//! side (`lifecycle`, `queries`, `profile`) is behind `ssr`.

use crate::accounts::Problem;
use crate::domain::need::{AssistanceType, CloseReason, HouseholdCategory, NeedStatus};
use crate::domain::support::{ClaimMode, ClaimStatus};
use crate::domain::{Fen, RegionCode};
use crate::needs::NeedSummary;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod attachments;
#[cfg(feature = "ssr")]
pub mod charity;
#[cfg(feature = "ssr")]
pub mod lifecycle;
pub mod matching;
pub mod problems;
#[cfg(feature = "ssr")]
pub mod profile;
#[cfg(feature = "ssr")]
pub mod queries;
pub mod rules;
mod server_fns;
pub use server_fns::*;

/// Problems by field name.
pub type FieldProblems = Vec<(String, Problem)>;

/// The longest plan, release reason, question and substitutions text.
pub const MAX_NOTE_CHARS: usize = 500;
/// How many of its own active claims a charity without a profile may carry.
pub const DEFAULT_CAPACITY: u32 = 5;
/// How many regions a profile names.
pub const PROFILE_REGIONS: usize = 3;

/// How long a claim's lease runs, by the need's urgency (`--claim-lease-days`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeasePolicy {
    pub critical: i64,
    pub high: i64,
    pub normal: i64,
    pub low: i64,
}

impl Default for LeasePolicy {
    fn default() -> Self {
        use crate::domain::need::Urgency;
        LeasePolicy {
            critical: Urgency::Critical.claim_lease_days(),
            high: Urgency::High.claim_lease_days(),
            normal: Urgency::Normal.claim_lease_days(),
            low: Urgency::Low.claim_lease_days(),
        }
    }
}

impl LeasePolicy {
    pub fn days(&self, urgency: crate::domain::need::Urgency) -> i64 {
        use crate::domain::need::Urgency;
        match urgency {
            Urgency::Critical => self.critical,
            Urgency::High => self.high,
            Urgency::Normal => self.normal,
            Urgency::Low => self.low,
        }
    }

    /// Parses `critical=7,high=14,normal=30,low=60` (urgencies left out keep their
    /// default; each 1–365 days).
    pub fn parse(text: &str) -> Result<LeasePolicy, String> {
        let mut policy = LeasePolicy::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, days) = part
                .split_once('=')
                .ok_or_else(|| format!("expected urgency=days, got {part:?}"))?;
            let days: i64 = days
                .trim()
                .parse()
                .ok()
                .filter(|d| (1..=365).contains(d))
                .ok_or_else(|| format!("days for {name:?} must be 1-365"))?;
            match name.trim() {
                "critical" => policy.critical = days,
                "high" => policy.high = days,
                "normal" => policy.normal = days,
                "low" => policy.low = days,
                other => return Err(format!("unknown urgency {other:?}")),
            }
        }
        Ok(policy)
    }
}

/// What a charity can give (精准对接), as matching reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplyProfile {
    pub assistance_types: Vec<AssistanceType>,
    pub household_categories: Vec<HouseholdCategory>,
    /// Provinces, cities or counties it works in; empty: anywhere.
    pub regions: Vec<RegionCode>,
    pub typical_budget: Option<Fen>,
    /// Items and services it can give, e.g. `轮椅`, `助学金`.
    pub gives: Vec<String>,
    /// How many active claims it can carry at once.
    pub claim_capacity: u32,
}

/// The supply profile form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileInput {
    pub assistance_types: Vec<String>,
    pub household_categories: Vec<String>,
    pub regions: Vec<String>,
    pub typical_budget: String,
    pub gives: String,
    pub claim_capacity: String,
}

impl ProfileInput {
    /// The form's fields as posted: a box per assistance type (`type_medical=on`) and
    /// household category (`category_dibao=on`), `region_1`…`region_3`, and the rest by
    /// name. A box left unchecked is simply absent.
    pub fn from_fields(fields: &std::collections::HashMap<String, String>) -> Self {
        let on = |key: String| fields.get(&key).is_some_and(|v| v == "on");
        let text = |key: &str| fields.get(key).cloned().unwrap_or_default();
        ProfileInput {
            assistance_types: AssistanceType::ALL
                .iter()
                .filter(|t| on(format!("type_{}", t.code())))
                .map(|t| t.code().to_owned())
                .collect(),
            household_categories: HouseholdCategory::ALL
                .iter()
                .filter(|c| on(format!("category_{}", c.code())))
                .map(|c| c.code().to_owned())
                .collect(),
            regions: (1..=PROFILE_REGIONS)
                .map(|i| text(&format!("region_{i}")))
                .collect(),
            typical_budget: text("typical_budget"),
            gives: text("gives"),
            claim_capacity: text("claim_capacity"),
        }
    }

    /// The fields that show this input in the form: the inverse of [`Self::from_fields`].
    pub fn to_fields(&self) -> std::collections::HashMap<String, String> {
        let mut fields = std::collections::HashMap::from([
            ("typical_budget".to_owned(), self.typical_budget.clone()),
            ("gives".to_owned(), self.gives.clone()),
            ("claim_capacity".to_owned(), self.claim_capacity.clone()),
        ]);
        for t in &self.assistance_types {
            fields.insert(format!("type_{t}"), "on".to_owned());
        }
        for c in &self.household_categories {
            fields.insert(format!("category_{c}"), "on".to_owned());
        }
        for (i, r) in self.regions.iter().enumerate() {
            fields.insert(format!("region_{}", i + 1), r.clone());
        }
        fields
    }
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

impl SupplyProfile {
    /// Checks a typed profile field by field; `region_exists` knows the region codes.
    pub fn parse(
        input: &ProfileInput,
        region_exists: impl Fn(&str) -> bool,
    ) -> Result<SupplyProfile, FieldProblems> {
        let mut found: FieldProblems = Vec::new();
        let mut assistance_types = Vec::new();
        for code in &input.assistance_types {
            match AssistanceType::parse(code) {
                Ok(t) if !assistance_types.contains(&t) => assistance_types.push(t),
                Ok(_) => {}
                Err(_) => found.push(("assistance_types".into(), crate::needs::problems::CHOOSE)),
            }
        }
        let mut household_categories = Vec::new();
        for code in &input.household_categories {
            match HouseholdCategory::parse(code) {
                Ok(c) if !household_categories.contains(&c) => household_categories.push(c),
                Ok(_) => {}
                Err(_) => found.push((
                    "household_categories".into(),
                    crate::needs::problems::CHOOSE,
                )),
            }
        }
        let mut regions: Vec<RegionCode> = Vec::new();
        for (i, code) in input.regions.iter().enumerate() {
            let code = code.trim();
            if code.is_empty() {
                continue;
            }
            match RegionCode::parse(code) {
                Ok(r) if region_exists(code) && i < PROFILE_REGIONS => {
                    if !regions.contains(&r) {
                        regions.push(r)
                    }
                }
                _ => found.push((format!("region_{}", i + 1), problems::REGION)),
            }
        }
        let typical_budget = match input.typical_budget.trim() {
            "" => None,
            text => match Fen::parse_yuan(text) {
                Ok(f) if f.0 > 0 => Some(f),
                _ => {
                    found.push(("typical_budget".into(), problems::BUDGET));
                    None
                }
            },
        };
        let gives: Vec<String> = input
            .gives
            .split([',', '，', '、', ';', '；', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if gives.len() > 30 || gives.iter().any(|g| chars(g) > 20) {
            found.push(("gives".into(), problems::GIVES));
        }
        let claim_capacity = match input.claim_capacity.trim() {
            "" => DEFAULT_CAPACITY,
            text => match text.parse::<u32>() {
                Ok(n) if (1..=100).contains(&n) => n,
                _ => {
                    found.push(("claim_capacity".into(), problems::CAPACITY));
                    DEFAULT_CAPACITY
                }
            },
        };
        if assistance_types.is_empty() && household_categories.is_empty() && gives.is_empty() {
            found.push(("assistance_types".into(), problems::PROFILE_EMPTY));
        }
        if !found.is_empty() {
            return Err(found);
        }
        Ok(SupplyProfile {
            assistance_types,
            household_categories,
            regions,
            typical_budget,
            gives,
            claim_capacity,
        })
    }

    /// Whether `other` says the same (the order of boxes and regions aside): saving it
    /// over this one would change nothing.
    pub fn same_as(&self, other: &SupplyProfile) -> bool {
        fn set<T: Ord + Clone>(v: &[T]) -> Vec<T> {
            let mut v = v.to_vec();
            v.sort();
            v.dedup();
            v
        }
        let codes = |p: &SupplyProfile| {
            (
                set(&p
                    .assistance_types
                    .iter()
                    .map(|t| t.code())
                    .collect::<Vec<_>>()),
                set(&p
                    .household_categories
                    .iter()
                    .map(|c| c.code())
                    .collect::<Vec<_>>()),
                set(&p
                    .regions
                    .iter()
                    .map(|r| r.as_str().to_owned())
                    .collect::<Vec<_>>()),
            )
        };
        codes(self) == codes(other)
            && self.typical_budget == other.typical_budget
            && self.gives == other.gives
            && self.claim_capacity == other.claim_capacity
    }

    /// The profile as its form shows it.
    pub fn to_input(&self) -> ProfileInput {
        ProfileInput {
            assistance_types: self
                .assistance_types
                .iter()
                .map(|t| t.code().to_owned())
                .collect(),
            household_categories: self
                .household_categories
                .iter()
                .map(|c| c.code().to_owned())
                .collect(),
            regions: self.regions.iter().map(|r| r.as_str().to_owned()).collect(),
            typical_budget: self
                .typical_budget
                .map(|f| f.to_yuan_input())
                .unwrap_or_default(),
            gives: self.gives.join("、"),
            claim_capacity: self.claim_capacity.to_string(),
        }
    }
}

fn note(text: &str, max: usize) -> Option<String> {
    let t = text.trim();
    (!t.is_empty() && chars(t) <= max).then(|| t.to_owned())
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// A charity's claim as asked for: how it will meet the need, and its plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRequest {
    pub mode: ClaimMode,
    pub plan: String,
    /// When the charity plans to be done (not after the lease's due date).
    pub plan_by: Option<NaiveDate>,
}

impl ClaimRequest {
    pub fn parse(
        mode: &str,
        plan: &str,
        plan_by: &str,
        today: NaiveDate,
    ) -> Result<ClaimRequest, FieldProblems> {
        let mut found: FieldProblems = Vec::new();
        let mode = ClaimMode::parse(mode.trim()).ok();
        if mode.is_none() {
            found.push(("mode".into(), problems::MODE));
        }
        let plan = note(plan, MAX_NOTE_CHARS);
        if plan.is_none() {
            found.push(("plan".into(), problems::PLAN));
        }
        let plan_by = match plan_by.trim() {
            "" => None,
            text => match date(text) {
                Some(d) if d < today => {
                    found.push(("plan_by".into(), problems::PLAN_BY_PAST));
                    None
                }
                Some(d) => Some(d),
                None => {
                    found.push(("plan_by".into(), crate::needs::problems::DATE));
                    None
                }
            },
        };
        match (mode, plan) {
            (Some(mode), Some(plan)) if found.is_empty() => Ok(ClaimRequest {
                mode,
                plan,
                plan_by,
            }),
            _ => Err(found),
        }
    }
}

/// One item or service as delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveredItem {
    pub name: String,
    pub unit: String,
    pub quantity: i32,
}

/// A fulfilment report as typed: the need's items with the quantities delivered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportInput {
    pub delivered_on: String,
    pub cost: String,
    /// `(name, unit, quantity typed)` for each of the need's items, in order.
    pub items: Vec<(String, String, String)>,
    pub substitutions: String,
    pub evidence: String,
}

/// A fulfilment report, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FulfilmentReport {
    pub delivered_on: NaiveDate,
    pub cost: Option<Fen>,
    pub items: Vec<DeliveredItem>,
    pub substitutions: String,
    pub evidence: String,
}

impl FulfilmentReport {
    /// `claimed_on` is the claim's date: nothing is delivered before it.
    pub fn parse(
        input: &ReportInput,
        claimed_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<FulfilmentReport, FieldProblems> {
        let mut found: FieldProblems = Vec::new();
        let delivered_on = date(&input.delivered_on).filter(|d| *d <= today && *d >= claimed_on);
        if delivered_on.is_none() {
            found.push(("delivered_on".into(), problems::DELIVERED_ON));
        }
        let cost = match input.cost.trim() {
            "" => None,
            text => match Fen::parse_yuan(text) {
                Ok(f) => Some(f),
                Err(_) => {
                    found.push(("cost".into(), problems::COST));
                    None
                }
            },
        };
        let mut items = Vec::new();
        for (i, (name, unit, quantity)) in input.items.iter().enumerate() {
            match quantity.trim() {
                "" => {}
                text => match text.parse::<i32>() {
                    Ok(q) if (0..=100_000).contains(&q) => {
                        if q > 0 {
                            items.push(DeliveredItem {
                                name: name.clone(),
                                unit: unit.clone(),
                                quantity: q,
                            })
                        }
                    }
                    _ => found.push((format!("delivered_{i}"), problems::QUANTITY)),
                },
            }
        }
        let substitutions = input.substitutions.trim().to_owned();
        if chars(&substitutions) > MAX_NOTE_CHARS {
            found.push(("substitutions".into(), problems::SUBSTITUTIONS));
        }
        let evidence = input.evidence.trim().to_owned();
        if !(10..=2000).contains(&chars(&evidence)) {
            found.push(("evidence".into(), problems::EVIDENCE));
        }
        if !input.items.is_empty() && items.is_empty() && cost.is_none() && found.is_empty() {
            found.push(("delivered_0".into(), problems::NOTHING_DELIVERED));
        }
        match delivered_on {
            Some(delivered_on) if found.is_empty() => Ok(FulfilmentReport {
                delivered_on,
                cost,
                items,
                substitutions,
                evidence,
            }),
            _ => Err(found),
        }
    }
}

/// Staff's verification of a report, which closes the need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub close_reason: CloseReason,
    pub rating: Option<i16>,
    pub thank_you: Option<String>,
}

impl Verification {
    pub fn parse(
        close_reason: &str,
        rating: &str,
        thank_you: &str,
    ) -> Result<Verification, FieldProblems> {
        let mut found: FieldProblems = Vec::new();
        let close_reason = CloseReason::parse(close_reason.trim()).ok();
        if close_reason.is_none() {
            found.push(("close_reason".into(), problems::CLOSE_REASON));
        }
        let rating = match rating.trim() {
            "" => None,
            text => match text.parse::<i16>() {
                Ok(r) if (1..=5).contains(&r) => Some(r),
                _ => {
                    found.push(("rating".into(), problems::RATING));
                    None
                }
            },
        };
        let thank_you = match thank_you.trim() {
            "" => None,
            t if chars(t) <= 300 => Some(t.to_owned()),
            _ => {
                found.push(("thank_you".into(), problems::THANK_YOU));
                None
            }
        };
        match close_reason {
            Some(close_reason) if found.is_empty() => Ok(Verification {
                close_reason,
                rating,
                thank_you,
            }),
            _ => Err(found),
        }
    }
}

/// A required short note (a release reason, a question about a report).
pub fn required_note(text: &str) -> Option<String> {
    note(text, MAX_NOTE_CHARS)
}

/// A need ranked for a charity, with why it fits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchView {
    pub need: NeedSummary,
    pub score: u32,
    pub reasons: Vec<matching::MatchReason>,
}

/// What a charity's portal shows first: its profile (if any) and the needs that fit it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matches {
    pub profile: Option<SupplyProfile>,
    pub needs: Vec<MatchView>,
    /// Active claims now, and how many the profile allows.
    pub active_claims: u32,
    pub capacity: u32,
}

/// An evidence file of a report (never its content: that is served by the attachment route).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// A claim as its charity and the office staff concerned see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimView {
    pub id: i64,
    pub need_code: String,
    pub need_title: String,
    pub need_place: String,
    pub need_status: NeedStatus,
    pub charity: String,
    pub mode: ClaimMode,
    pub status: ClaimStatus,
    pub plan: String,
    pub plan_by: Option<NaiveDate>,
    pub claimed_on: NaiveDate,
    pub due_on: NaiveDate,
    pub release_reason: Option<String>,
    pub ended_on: Option<NaiveDate>,
    pub delivered_on: Option<NaiveDate>,
    pub cost: Option<Fen>,
    pub delivered_items: Vec<DeliveredItem>,
    pub substitutions: Option<String>,
    pub evidence: Option<String>,
    pub rating: Option<i16>,
    pub thank_you: Option<String>,
    /// Staff's question when they sent the report back.
    pub review_question: Option<String>,
    pub attachments: Vec<AttachmentView>,
    /// The need's items (name, unit, quantity asked), for the report form.
    pub need_items: Vec<(String, String, i32)>,
}

/// The claim on a need as its public page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicClaim {
    pub charity: String,
    pub mode: ClaimMode,
    pub status: ClaimStatus,
    pub due_on: NaiveDate,
}

/// How a closed need ended, as its public page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicOutcome {
    pub close_reason: CloseReason,
    pub closed_on: Option<NaiveDate>,
    pub delivered_on: Option<NaiveDate>,
    pub thank_you: Option<String>,
    pub rating: Option<i16>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).expect("date")
    }

    #[test]
    fn a_claim_needs_a_mode_and_a_plan_and_no_past_date() {
        let ok = ClaimRequest::parse("direct", "购买轮椅并送货上门", "2026-12-20", today())
            .expect("valid");
        assert_eq!(ok.mode, ClaimMode::Direct);
        let bad = ClaimRequest::parse("lend", " ", "2026-11-30", today()).expect_err("bad");
        let fields: Vec<&str> = bad.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["mode", "plan", "plan_by"]);
        assert_eq!(bad[2].1, problems::PLAN_BY_PAST);
        let long = "长".repeat(501);
        assert!(ClaimRequest::parse("fundraise", &long, "", today()).is_err());
    }

    #[test]
    fn a_report_is_checked_field_by_field() {
        let input = ReportInput {
            delivered_on: "2026-12-01".into(),
            cost: "1,200.50".into(),
            items: vec![
                ("轮椅".into(), "台".into(), "1".into()),
                ("护理垫".into(), "包".into(), "".into()),
            ],
            substitutions: String::new(),
            evidence: "已送达并由村委会工作人员见证签收。".into(),
        };
        let claimed = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
        let r = FulfilmentReport::parse(&input, claimed, today()).expect("valid");
        assert_eq!(r.cost, Some(Fen(120_050)));
        assert_eq!(r.items.len(), 1);
        let mut bad = input.clone();
        bad.delivered_on = "2026-12-03".into();
        bad.items[0].2 = "-1".into();
        bad.evidence = "ok".into();
        let fields: Vec<String> = FulfilmentReport::parse(&bad, claimed, today())
            .expect_err("bad")
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["delivered_on", "delivered_0", "evidence"]);
        let mut before_claim = input;
        before_claim.delivered_on = "2026-11-19".into();
        assert!(FulfilmentReport::parse(&before_claim, claimed, today()).is_err());
    }

    #[test]
    fn a_profile_needs_something_to_match_on() {
        let empty = ProfileInput::default();
        let problems = SupplyProfile::parse(&empty, |_| true).expect_err("empty");
        assert_eq!(problems[0].1, problems::PROFILE_EMPTY);
        let input = ProfileInput {
            assistance_types: vec!["medical".into(), "medical".into()],
            household_categories: vec![],
            regions: vec!["220100".into(), "".into()],
            typical_budget: "5000".into(),
            gives: "轮椅、康复训练，助听器".into(),
            claim_capacity: "3".into(),
        };
        let p = SupplyProfile::parse(&input, |_| true).expect("valid");
        assert_eq!(p.assistance_types, [AssistanceType::Medical]);
        assert_eq!(p.gives, ["轮椅", "康复训练", "助听器"]);
        assert_eq!(p.claim_capacity, 3);
        assert_eq!(SupplyProfile::parse(&p.to_input(), |_| true), Ok(p.clone()));
        // The form's fields read back as the same input.
        let fields = p.to_input().to_fields();
        assert_eq!(
            SupplyProfile::parse(&ProfileInput::from_fields(&fields), |_| true),
            Ok(p.clone())
        );
        let unknown_region = ProfileInput {
            regions: vec!["999999".into()],
            ..input
        };
        assert_eq!(
            SupplyProfile::parse(&unknown_region, |_| false).expect_err("bad")[0].0,
            "region_1"
        );
    }

    #[test]
    fn lease_days_are_configurable_per_urgency() {
        use crate::domain::need::Urgency;
        let p = LeasePolicy::parse("critical=3, low=90").expect("valid");
        assert_eq!(p.days(Urgency::Critical), 3);
        assert_eq!(p.days(Urgency::High), 14);
        assert_eq!(p.days(Urgency::Low), 90);
        assert!(LeasePolicy::parse("urgent=3").is_err());
        assert!(LeasePolicy::parse("high=0").is_err());
    }

    #[test]
    fn verification_takes_a_typed_reason_and_an_optional_rating() {
        let v = Verification::parse("met_fully", "5", "感谢爱心机构").expect("valid");
        assert_eq!(v.close_reason, CloseReason::MetFully);
        assert_eq!(v.rating, Some(5));
        let bad = Verification::parse("done", "6", "").expect_err("bad");
        assert_eq!(bad.len(), 2);
    }
}
