//! A need as staff write it: the raw input of the editor, the CSV import and the API,
//! and its validated form. Validation answers field by field; the field names are the
//! editor's form field names, which the CSV columns and API fields share.

use super::problems;
use crate::accounts::Problem;
use crate::domain::need::{
    AgeBand, AssistanceType, Coverage, HouseholdCategory, HouseholdSize, Urgency,
};
use crate::domain::region::RegionLevel;
use crate::domain::{Fen, RegionCode};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub const TITLE_CHARS: std::ops::RangeInclusive<usize> = 4..=60;
pub const STORY_CHARS: std::ops::RangeInclusive<usize> = 20..=5000;
pub const MAX_SHORT_TEXT_CHARS: usize = 500;
pub const MAX_ITEMS: usize = 20;
/// Rows of item fields the editor shows (a form without JavaScript cannot add rows).
pub const EDITOR_ITEM_ROWS: usize = 5;
pub const MAX_NAMES: usize = 20;
/// The largest amount one need may ask for: ten million yuan.
pub const MAX_AMOUNT: Fen = Fen(1_000_000_000);

/// One item row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemInput {
    pub name: String,
    pub unit: String,
    pub quantity: String,
    /// Unit value in yuan, as typed.
    pub unit_value: String,
}

impl ItemInput {
    fn is_blank(&self) -> bool {
        [&self.name, &self.unit, &self.quantity, &self.unit_value]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

/// A need as typed into the editor, a CSV row or an API request: every value a string,
/// nothing checked yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedInput {
    pub title: String,
    pub story: String,
    pub assistance_type: String,
    pub household_category: String,
    pub coverage: String,
    pub assistance_received: String,
    pub region_code: String,
    pub age_band: String,
    pub household_size: String,
    pub urgency: String,
    /// `YYYY-MM-DD`, optional.
    pub deadline: String,
    /// Yuan, optional.
    pub target_amount: String,
    pub items: Vec<ItemInput>,
    pub case_reference: String,
    /// Names of the household's members, separated by commas, 、 or spaces.
    pub household_names: String,
    /// `YYYY-MM-DD`.
    pub consent_recorded_on: String,
    pub consent_scope: String,
}

/// The scalar fields, by form field name.
const SCALARS: &[&str] = &[
    "title",
    "story",
    "assistance_type",
    "household_category",
    "coverage",
    "assistance_received",
    "region_code",
    "age_band",
    "household_size",
    "urgency",
    "deadline",
    "target_amount",
    "case_reference",
    "household_names",
    "consent_recorded_on",
    "consent_scope",
];

impl NeedInput {
    fn slot(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            "title" => &mut self.title,
            "story" => &mut self.story,
            "assistance_type" => &mut self.assistance_type,
            "household_category" => &mut self.household_category,
            "coverage" => &mut self.coverage,
            "assistance_received" => &mut self.assistance_received,
            "region_code" => &mut self.region_code,
            "age_band" => &mut self.age_band,
            "household_size" => &mut self.household_size,
            "urgency" => &mut self.urgency,
            "deadline" => &mut self.deadline,
            "target_amount" => &mut self.target_amount,
            "case_reference" => &mut self.case_reference,
            "household_names" => &mut self.household_names,
            "consent_recorded_on" => &mut self.consent_recorded_on,
            "consent_scope" => &mut self.consent_scope,
            _ => return None,
        })
    }

    /// Reads the editor's form fields (`item_name_0`, `item_unit_0`, … for items).
    pub fn from_fields(fields: &HashMap<String, String>) -> Self {
        let mut input = NeedInput::default();
        for name in SCALARS {
            if let (Some(slot), Some(v)) = (input.slot(name), fields.get(*name)) {
                slot.clone_from(v);
            }
        }
        for i in 0..MAX_ITEMS {
            let get = |part: &str| {
                fields
                    .get(&format!("item_{part}_{i}"))
                    .cloned()
                    .unwrap_or_default()
            };
            let item = ItemInput {
                name: get("name"),
                unit: get("unit"),
                quantity: get("quantity"),
                unit_value: get("value"),
            };
            if !item.is_blank() {
                input.items.push(item);
            }
        }
        input
    }

    /// The form fields that re-fill the editor with this input.
    pub fn to_fields(&self) -> HashMap<String, String> {
        let mut me = self.clone();
        let mut fields: HashMap<String, String> = SCALARS
            .iter()
            .filter_map(|name| me.slot(name).map(|v| ((*name).to_owned(), v.clone())))
            .collect();
        for (i, item) in self.items.iter().enumerate() {
            fields.insert(format!("item_name_{i}"), item.name.clone());
            fields.insert(format!("item_unit_{i}"), item.unit.clone());
            fields.insert(format!("item_quantity_{i}"), item.quantity.clone());
            fields.insert(format!("item_value_{i}"), item.unit_value.clone());
        }
        fields
    }

    /// Sets one scalar field by its name; `false` if there is no such field.
    pub fn set(&mut self, name: &str, value: &str) -> bool {
        match self.slot(name) {
            Some(slot) => {
                value.clone_into(slot);
                true
            }
            None => false,
        }
    }
}

/// One item, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDraft {
    pub name: String,
    pub unit: String,
    pub quantity: i32,
    pub unit_value: Fen,
}

/// The office's private part of a need: never on a public page, in a log or an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateDraft {
    pub case_reference: String,
    pub household_names: Vec<String>,
    pub consent_recorded_on: NaiveDate,
    pub consent_scope: String,
}

/// A need whose every field has been checked (the PII guard runs separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedDraft {
    pub title: String,
    pub story: String,
    pub assistance_type: AssistanceType,
    pub household_category: HouseholdCategory,
    pub coverage: Coverage,
    pub assistance_received: String,
    pub region: RegionCode,
    pub age_band: AgeBand,
    pub household_size: HouseholdSize,
    pub urgency: Urgency,
    pub deadline: Option<NaiveDate>,
    pub target_amount: Option<Fen>,
    pub items: Vec<ItemDraft>,
    pub private: PrivateDraft,
}

/// The field problems of an input, in form order.
pub type FieldProblems = Vec<(String, Problem)>;

fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y/%m/%d"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y年%m月%d日"))
        .ok()
}

/// Splits a typed list of names on commas, 、, semicolons and white space.
pub fn split_names(text: &str) -> Vec<String> {
    text.split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；') || c.is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl NeedDraft {
    /// Checks every field. `is_county` answers whether a code is a known county;
    /// `today` bounds the deadline (not in the past) and the consent date (not in the
    /// future).
    pub fn parse(
        input: &NeedInput,
        is_county: impl Fn(&str) -> bool,
        today: NaiveDate,
    ) -> Result<NeedDraft, FieldProblems> {
        let mut found: FieldProblems = Vec::new();
        let mut bad = |field: &str, p: Problem| found.push((field.to_owned(), p));
        let chars = |s: &str| s.trim().chars().count();

        let title = input.title.trim().to_owned();
        if !TITLE_CHARS.contains(&chars(&title)) {
            bad("title", problems::TITLE_LENGTH);
        }
        let story = input.story.trim().replace("\r\n", "\n");
        if !STORY_CHARS.contains(&chars(&story)) {
            bad("story", problems::STORY_LENGTH);
        }
        let assistance_received = input.assistance_received.trim().to_owned();
        if chars(&assistance_received) > MAX_SHORT_TEXT_CHARS {
            bad("assistance_received", problems::TOO_LONG);
        }
        macro_rules! choice {
            ($field:ident, $ty:ty) => {{
                let v = <$ty>::parse_loose(&input.$field).ok();
                if v.is_none() {
                    bad(stringify!($field), problems::CHOOSE);
                }
                v
            }};
        }
        let assistance_type = choice!(assistance_type, AssistanceType);
        let household_category = choice!(household_category, HouseholdCategory);
        let coverage = choice!(coverage, Coverage);
        let age_band = choice!(age_band, AgeBand);
        let household_size = choice!(household_size, HouseholdSize);
        let urgency = choice!(urgency, Urgency);

        let region = RegionCode::parse(input.region_code.trim())
            .ok()
            .filter(|r| r.level() == RegionLevel::County && is_county(r.as_str()));
        if region.is_none() {
            bad("region_code", problems::COUNTY);
        }

        let deadline = match input.deadline.trim() {
            "" => None,
            t => match parse_date(t) {
                Some(d) if d >= today => Some(d),
                Some(_) => {
                    bad("deadline", problems::DEADLINE_PAST);
                    None
                }
                None => {
                    bad("deadline", problems::DATE);
                    None
                }
            },
        };
        let target_amount = match input.target_amount.trim() {
            "" => None,
            t => match Fen::parse_yuan(t) {
                Ok(f) if f <= MAX_AMOUNT => Some(f),
                _ => {
                    bad("target_amount", problems::AMOUNT);
                    None
                }
            },
        };

        let mut items = Vec::new();
        let rows: Vec<_> = input.items.iter().filter(|i| !i.is_blank()).collect();
        if rows.len() > MAX_ITEMS {
            bad("items", problems::TOO_MANY_ITEMS);
        }
        for (i, row) in rows.iter().enumerate().take(MAX_ITEMS) {
            let name = row.name.trim();
            let unit = row.unit.trim();
            if name.is_empty() || chars(name) > 40 {
                bad(&format!("item_name_{i}"), problems::ITEM_NAME);
            }
            if unit.is_empty() || chars(unit) > 10 {
                bad(&format!("item_unit_{i}"), problems::ITEM_UNIT);
            }
            let quantity = row
                .quantity
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|q| (1..=10_000).contains(q));
            if quantity.is_none() {
                bad(&format!("item_quantity_{i}"), problems::QUANTITY);
            }
            let unit_value = Fen::parse_yuan(&row.unit_value)
                .ok()
                .filter(|f| *f <= MAX_AMOUNT);
            if unit_value.is_none() {
                bad(&format!("item_value_{i}"), problems::AMOUNT);
            }
            if let (Some(quantity), Some(unit_value)) = (quantity, unit_value) {
                items.push(ItemDraft {
                    name: name.to_owned(),
                    unit: unit.to_owned(),
                    quantity,
                    unit_value,
                });
            }
        }
        if target_amount.is_none() && rows.is_empty() && input.target_amount.trim().is_empty() {
            bad("target_amount", problems::AMOUNT_OR_ITEMS);
        }
        let total = items
            .iter()
            .try_fold(target_amount.unwrap_or(Fen::ZERO), |acc, i| {
                i.unit_value
                    .checked_mul(i64::from(i.quantity))
                    .and_then(|t| acc.checked_add(t))
            });
        if total.is_none_or(|t| t > MAX_AMOUNT) {
            bad("target_amount", problems::AMOUNT);
        }

        let case_reference = input.case_reference.trim().to_owned();
        if case_reference.is_empty() || chars(&case_reference) > 60 {
            bad("case_reference", problems::CASE_REFERENCE);
        }
        let household_names = split_names(&input.household_names);
        if household_names.is_empty()
            || household_names.len() > MAX_NAMES
            || household_names.iter().any(|n| n.chars().count() > 20)
        {
            bad("household_names", problems::NAMES);
        }
        let consent_recorded_on = match parse_date(&input.consent_recorded_on) {
            Some(d) if d <= today => Some(d),
            Some(_) => {
                bad("consent_recorded_on", problems::CONSENT_FUTURE);
                None
            }
            None => {
                bad("consent_recorded_on", problems::DATE);
                None
            }
        };
        let consent_scope = input.consent_scope.trim().to_owned();
        if consent_scope.is_empty() || chars(&consent_scope) > MAX_SHORT_TEXT_CHARS {
            bad("consent_scope", problems::CONSENT_SCOPE);
        }

        match (
            assistance_type,
            household_category,
            coverage,
            age_band,
            household_size,
            urgency,
            region,
            consent_recorded_on,
        ) {
            (
                Some(assistance_type),
                Some(household_category),
                Some(coverage),
                Some(age_band),
                Some(household_size),
                Some(urgency),
                Some(region),
                Some(consent_recorded_on),
            ) if found.is_empty() => Ok(NeedDraft {
                title,
                story,
                assistance_type,
                household_category,
                coverage,
                assistance_received,
                region,
                age_band,
                household_size,
                urgency,
                deadline,
                target_amount,
                items,
                private: PrivateDraft {
                    case_reference,
                    household_names,
                    consent_recorded_on,
                    consent_scope,
                },
            }),
            _ => Err(found),
        }
    }

    /// The public text fields, by field name, that the PII guard reads.
    pub fn public_texts(&self) -> Vec<(String, &str)> {
        let mut texts = vec![
            ("title".to_owned(), self.title.as_str()),
            ("story".to_owned(), self.story.as_str()),
            (
                "assistance_received".to_owned(),
                self.assistance_received.as_str(),
            ),
        ];
        for (i, item) in self.items.iter().enumerate() {
            texts.push((format!("item_name_{i}"), item.name.as_str()));
            texts.push((format!("item_unit_{i}"), item.unit.as_str()));
        }
        texts
    }

    /// Back to the input that produces it, for re-filling the editor.
    pub fn to_input(&self) -> NeedInput {
        NeedInput {
            title: self.title.clone(),
            story: self.story.clone(),
            assistance_type: self.assistance_type.code().to_owned(),
            household_category: self.household_category.code().to_owned(),
            coverage: self.coverage.code().to_owned(),
            assistance_received: self.assistance_received.clone(),
            region_code: self.region.as_str().to_owned(),
            age_band: self.age_band.code().to_owned(),
            household_size: self.household_size.code().to_owned(),
            urgency: self.urgency.code().to_owned(),
            deadline: self
                .deadline
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            target_amount: self
                .target_amount
                .map(Fen::to_yuan_input)
                .unwrap_or_default(),
            items: self
                .items
                .iter()
                .map(|i| ItemInput {
                    name: i.name.clone(),
                    unit: i.unit.clone(),
                    quantity: i.quantity.to_string(),
                    unit_value: i.unit_value.to_yuan_input(),
                })
                .collect(),
            case_reference: self.private.case_reference.clone(),
            household_names: self.private.household_names.join("、"),
            consent_recorded_on: self
                .private
                .consent_recorded_on
                .format("%Y-%m-%d")
                .to_string(),
            consent_scope: self.private.consent_scope.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).expect("date")
    }

    pub(crate) fn good_input() -> NeedInput {
        NeedInput {
            title: "为患病老人购置轮椅".into(),
            story:
                "老人今年七十余岁，患有严重的关节疾病，行动不便，需要一台轮椅方便就医和日常生活。"
                    .into(),
            assistance_type: "medical".into(),
            household_category: "tekun".into(),
            coverage: "still_in_hardship".into(),
            assistance_received: "特困供养".into(),
            region_code: "220122".into(),
            age_band: "70-79".into(),
            household_size: "1".into(),
            urgency: "high".into(),
            deadline: "2027-01-31".into(),
            target_amount: String::new(),
            items: vec![ItemInput {
                name: "轮椅".into(),
                unit: "台".into(),
                quantity: "1".into(),
                unit_value: "1200".into(),
            }],
            case_reference: "NA-2026-0117".into(),
            household_names: "王秀兰、王建国".into(),
            consent_recorded_on: "2026-11-20".into(),
            consent_scope: "同意在善桥平台匿名公开需求".into(),
        }
    }

    fn problems_of(input: &NeedInput) -> Vec<String> {
        match NeedDraft::parse(input, |c| c == "220122", today()) {
            Ok(_) => vec![],
            Err(p) => p.into_iter().map(|(f, _)| f).collect(),
        }
    }

    #[test]
    fn a_complete_input_parses_and_round_trips() {
        let draft = NeedDraft::parse(&good_input(), |c| c == "220122", today()).expect("valid");
        assert_eq!(draft.items[0].unit_value, Fen::yuan(1200));
        assert_eq!(draft.private.household_names, vec!["王秀兰", "王建国"]);
        let again = NeedDraft::parse(&draft.to_input(), |c| c == "220122", today());
        assert_eq!(again, Ok(draft));
    }

    #[test]
    fn labels_are_accepted_as_well_as_codes() {
        let mut input = good_input();
        input.assistance_type = "医疗".into();
        input.urgency = "High".into();
        assert_eq!(problems_of(&input), Vec::<String>::new());
    }

    #[test]
    fn every_bad_field_is_named() {
        let input = NeedInput {
            title: "短".into(),
            deadline: "2020-01-01".into(),
            consent_recorded_on: "2030-01-01".into(),
            region_code: "220100".into(),
            items: vec![ItemInput {
                name: "轮椅".into(),
                quantity: "0".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let fields = problems_of(&input);
        for f in [
            "title",
            "story",
            "assistance_type",
            "household_category",
            "coverage",
            "age_band",
            "household_size",
            "urgency",
            "region_code",
            "deadline",
            "item_unit_0",
            "item_quantity_0",
            "item_value_0",
            "case_reference",
            "household_names",
            "consent_recorded_on",
            "consent_scope",
        ] {
            assert!(fields.contains(&f.to_owned()), "{f} missing in {fields:?}");
        }
    }

    #[test]
    fn money_or_items_are_required() {
        let mut input = good_input();
        input.items.clear();
        assert_eq!(problems_of(&input), vec!["target_amount".to_owned()]);
        input.target_amount = "3000.5".into();
        assert!(problems_of(&input).is_empty());
        input.target_amount = "99999999999".into();
        assert_eq!(problems_of(&input), vec!["target_amount".to_owned()]);
    }

    #[test]
    fn form_fields_round_trip() {
        let input = good_input();
        assert_eq!(NeedInput::from_fields(&input.to_fields()), input);
    }
}
