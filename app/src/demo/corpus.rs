//! The text corpus of the demo world (`corpus.json`).

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
pub struct Corpus {
    pub need_templates: BTreeMap<String, Vec<NeedTemplate>>,
    pub fund_templates: Vec<FundTemplate>,
    pub charities: Vec<CharityTemplate>,
    pub donor_names: Vec<String>,
    pub fulfilment_reports: Vec<String>,
    pub withdraw_reasons: Vec<String>,
    pub review_comments: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct NeedTemplate {
    pub title: String,
    pub story: String,
    pub household_categories: Vec<String>,
    pub age_bands: Vec<String>,
    pub coverage: String,
    pub assistance_received: String,
    pub target_amount_yuan: Option<i64>,
    pub items: Vec<ItemTemplate>,
}

#[derive(Debug, Deserialize)]
pub struct ItemTemplate {
    pub name: String,
    pub unit: String,
    pub quantity: i32,
    pub unit_value_yuan: i64,
}

#[derive(Debug, Deserialize)]
pub struct FundTemplate {
    pub kind: String,
    pub name: String,
    pub description: String,
    pub assistance_types: Vec<String>,
    pub household_categories: Vec<String>,
    pub target_amount_yuan: i64,
    pub leftover_policy: String,
}

#[derive(Debug, Deserialize)]
pub struct CharityTemplate {
    pub name: String,
    pub short_description: String,
    pub public_fundraising: bool,
    pub province: String,
}

pub fn load() -> Result<Corpus, serde_json::Error> {
    serde_json::from_str(include_str!("corpus.json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::need::{AgeBand, AssistanceType, Coverage, HouseholdCategory};

    #[test]
    fn corpus_parses_and_uses_only_known_codes() {
        let corpus = load().expect("corpus.json parses");
        for t in AssistanceType::ALL {
            let templates = &corpus.need_templates[t.code()];
            assert!(!templates.is_empty(), "{t}");
            for n in templates {
                assert!(Coverage::parse(&n.coverage).is_ok());
                assert!(n
                    .household_categories
                    .iter()
                    .all(|c| HouseholdCategory::parse(c).is_ok()));
                assert!(n.age_bands.iter().all(|b| AgeBand::parse(b).is_ok()));
                assert!(
                    n.target_amount_yuan.is_some() || !n.items.is_empty(),
                    "{}",
                    n.title
                );
            }
        }
    }
}
