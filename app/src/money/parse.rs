//! Parsing what donors and charities type: a pledge, a fund, an amount received.

use super::problems as p;
use super::{FieldProblems, FundCriteria, MatchOffer, PledgeTarget, MAX_PLEDGE, MIN_PLEDGE};
use crate::accounts::SignInName;
use crate::domain::money::AmountError;
use crate::domain::need::{AssistanceType, HouseholdCategory};
use crate::domain::support::{FundKind, LeftoverPolicy};
use crate::domain::{Fen, RegionCode};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest donor display name.
pub const MAX_DISPLAY_NAME: usize = 30;

/// A valid pledge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PledgeInput {
    pub target: PledgeTarget,
    pub amount: Fen,
    /// `None` when anonymous.
    pub display_name: Option<String>,
    /// An e-mail address or a mobile number, normalised.
    pub contact: String,
}

/// A pledge as typed, before checking.
#[derive(Debug, Clone, Default)]
pub struct RawPledge {
    pub fund: Option<i64>,
    pub need: Option<String>,
    pub amount: RawAmount,
    pub display_name: String,
    pub anonymous: bool,
    pub contact: String,
    pub consent: bool,
}

/// An amount as the form (yuan, as text) or the API (fen, any JSON) gives it.
#[derive(Debug, Clone, Default)]
pub enum RawAmount {
    #[default]
    Missing,
    Yuan(String),
    Fen(serde_json::Value),
}

/// The amount of a pledge: yuan typed in a form, or fen in JSON; within the limits.
pub fn pledge_amount(raw: &RawAmount) -> Result<Fen, crate::accounts::Problem> {
    let fen = match raw {
        RawAmount::Missing => return Err(p::AMOUNT),
        RawAmount::Yuan(text) => Fen::parse_yuan(text).map_err(|e| match e {
            AmountError::NotAnAmount => p::AMOUNT,
            AmountError::TooPrecise => p::AMOUNT_TOO_PRECISE,
            AmountError::TooLarge => p::AMOUNT_TOO_LARGE,
        })?,
        RawAmount::Fen(value) => match value.as_i64() {
            Some(n) => Fen(n),
            // 1e12, 20000.5, "20000", true, null: not a whole number of fen.
            None => match value.as_u64() {
                Some(_) => return Err(p::AMOUNT_TOO_LARGE),
                None => return Err(p::AMOUNT_FEN),
            },
        },
    };
    if fen.0 <= 0 {
        return Err(match raw {
            RawAmount::Fen(_) => p::AMOUNT_FEN,
            _ => p::AMOUNT_TOO_SMALL,
        });
    }
    if fen < MIN_PLEDGE {
        return Err(p::AMOUNT_TOO_SMALL);
    }
    if fen > MAX_PLEDGE {
        return Err(p::AMOUNT_TOO_LARGE);
    }
    Ok(fen)
}

impl RawPledge {
    /// Checks every field; all problems at once, by field name (`amount`, `display_name`,
    /// `contact`, `consent`, `target`).
    pub fn parse(&self) -> Result<PledgeInput, FieldProblems> {
        let mut found: FieldProblems = Vec::new();
        let target = match (self.fund, self.need.as_deref().map(str::trim)) {
            (Some(id), None) => Some(PledgeTarget::Fund(id)),
            (None, Some(code)) if !code.is_empty() && code.len() <= 40 => {
                Some(PledgeTarget::Need(code.to_owned()))
            }
            _ => {
                found.push(("target".into(), p::TARGET));
                None
            }
        };
        let amount = pledge_amount(&self.amount)
            .map_err(|e| found.push(("amount".into(), e)))
            .ok();
        let name = self.display_name.trim();
        let display_name = if self.anonymous {
            None
        } else if name.is_empty()
            || name.chars().count() > MAX_DISPLAY_NAME
            || name.chars().any(char::is_control)
        {
            found.push(("display_name".into(), p::DISPLAY_NAME));
            None
        } else {
            Some(name.to_owned())
        };
        let contact = SignInName::parse(self.contact.trim())
            .map(|c| c.as_str().to_owned())
            .map_err(|_| found.push(("contact".into(), p::CONTACT)))
            .ok();
        if !self.consent {
            found.push(("consent".into(), p::CONSENT));
        }
        match (target, amount, contact) {
            (Some(target), Some(amount), Some(contact)) if found.is_empty() => Ok(PledgeInput {
                target,
                amount,
                display_name,
                contact,
            }),
            _ => Err(found),
        }
    }
}

/// An amount received or allocated, typed in yuan: positive, to the fen.
pub fn positive_yuan(
    text: &str,
    problem: crate::accounts::Problem,
) -> Result<Fen, crate::accounts::Problem> {
    match Fen::parse_yuan(text) {
        Ok(f) if f.0 > 0 && f <= Fen(1_000_000_000_00) => Ok(f),
        Err(AmountError::TooPrecise) => Err(p::AMOUNT_TOO_PRECISE),
        _ => Err(problem),
    }
}

/// A fund as the charity's form gives it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FundForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub sponsor: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub leftover: String,
    /// Comma- or space-separated codes.
    #[serde(default)]
    pub types: String,
    #[serde(default)]
    pub categories: String,
    #[serde(default)]
    pub regions: String,
    #[serde(default)]
    pub match_percent: String,
    #[serde(default)]
    pub match_cap: String,
    #[serde(default)]
    pub match_starts: String,
    #[serde(default)]
    pub match_ends: String,
}

/// A valid new fund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFund {
    pub kind: FundKind,
    pub name: String,
    pub sponsor: String,
    pub description: String,
    pub target: Option<Fen>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub leftover: LeftoverPolicy,
    pub criteria: FundCriteria,
    pub matching: Option<MatchOffer>,
}

fn codes(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|s| !s.is_empty())
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

impl FundForm {
    pub fn parse(&self) -> Result<NewFund, FieldProblems> {
        let mut found: FieldProblems = Vec::new();
        let kind = FundKind::parse(self.kind.trim())
            .map_err(|_| found.push(("kind".into(), p::FUND_KIND)))
            .ok();
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 60 {
            found.push(("name".into(), p::FUND_NAME));
        }
        let sponsor = self.sponsor.trim().to_owned();
        if sponsor.chars().count() > 60 || (kind == Some(FundKind::Named) && sponsor.is_empty()) {
            found.push(("sponsor".into(), p::SPONSOR));
        }
        let description = self.description.trim().to_owned();
        if description.is_empty() || description.chars().count() > 2000 {
            found.push(("description".into(), p::DESCRIPTION));
        }
        let target = if self.target.trim().is_empty() {
            None
        } else {
            positive_yuan(&self.target, p::TARGET_AMOUNT)
                .map_err(|e| found.push(("target".into(), e)))
                .ok()
        };
        let dates = match (date(&self.starts_on), date(&self.ends_on)) {
            (Some(s), Some(e)) if s <= e => Some((s, e)),
            _ => {
                found.push(("dates".into(), p::DATES));
                None
            }
        };
        let leftover = LeftoverPolicy::parse(self.leftover.trim())
            .map_err(|_| found.push(("leftover".into(), p::LEFTOVER)))
            .ok();
        let criteria = (|| {
            Some(FundCriteria {
                assistance_types: codes(&self.types)
                    .map(AssistanceType::parse)
                    .collect::<Result<_, _>>()
                    .ok()?,
                household_categories: codes(&self.categories)
                    .map(HouseholdCategory::parse)
                    .collect::<Result<_, _>>()
                    .ok()?,
                regions: codes(&self.regions)
                    .map(RegionCode::parse)
                    .collect::<Result<_, _>>()
                    .ok()?,
            })
        })();
        if criteria.is_none() {
            found.push(("criteria".into(), p::CRITERIA));
        }
        let matching = self
            .matching()
            .map_err(|e| found.push(("matching".into(), e)))
            .ok();
        match (kind, dates, leftover, criteria, matching) {
            (
                Some(kind),
                Some((starts_on, ends_on)),
                Some(leftover),
                Some(criteria),
                Some(matching),
            ) if found.is_empty() => Ok(NewFund {
                kind,
                name,
                sponsor,
                description,
                target,
                starts_on,
                ends_on,
                leftover,
                criteria,
                matching,
            }),
            _ => Err(found),
        }
    }

    fn matching(&self) -> Result<Option<MatchOffer>, crate::accounts::Problem> {
        let given = [
            &self.match_percent,
            &self.match_cap,
            &self.match_starts,
            &self.match_ends,
        ];
        if given.iter().all(|s| s.trim().is_empty()) {
            return Ok(None);
        }
        let ratio: i32 = self.match_percent.trim().parse().map_err(|_| p::MATCH)?;
        if !(1..=500).contains(&ratio) {
            return Err(p::MATCH);
        }
        let cap = positive_yuan(&self.match_cap, p::MATCH)?;
        // A typed date starts at 00:00 China time.
        let at = |s: &str| date(s).map(crate::domain::calendar::start_of);
        match (at(&self.match_starts), at(&self.match_ends)) {
            (Some(starts_at), Some(ends_at)) if starts_at < ends_at => Ok(Some(MatchOffer {
                ratio_percent: ratio,
                cap,
                starts_at,
                ends_at,
            })),
            _ => Err(p::MATCH),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(amount: RawAmount) -> RawPledge {
        RawPledge {
            fund: Some(1),
            need: None,
            amount,
            display_name: "王女士".into(),
            anonymous: false,
            contact: "donor@example.org".into(),
            consent: true,
        }
    }

    fn amount_problem(amount: RawAmount) -> crate::accounts::Problem {
        raw(amount).parse().unwrap_err()[0].1
    }

    #[test]
    fn amounts_in_yuan_and_fen() {
        let ok = raw(RawAmount::Yuan("200".into())).parse().unwrap();
        assert_eq!(ok.amount, Fen(20_000));
        assert_eq!(ok.target, PledgeTarget::Fund(1));
        let ok = raw(RawAmount::Fen(json!(20_050))).parse().unwrap();
        assert_eq!(ok.amount, Fen(20_050));
        assert_eq!(
            amount_problem(RawAmount::Yuan("0".into())),
            p::AMOUNT_TOO_SMALL
        );
        assert_eq!(amount_problem(RawAmount::Yuan("-5".into())), p::AMOUNT);
        assert_eq!(amount_problem(RawAmount::Yuan("abc".into())), p::AMOUNT);
        assert_eq!(
            amount_problem(RawAmount::Yuan("1.005".into())),
            p::AMOUNT_TOO_PRECISE
        );
        assert_eq!(
            amount_problem(RawAmount::Yuan("2000000".into())),
            p::AMOUNT_TOO_LARGE
        );
        assert_eq!(amount_problem(RawAmount::Fen(json!(0))), p::AMOUNT_FEN);
        assert_eq!(amount_problem(RawAmount::Fen(json!(-100))), p::AMOUNT_FEN);
        assert_eq!(amount_problem(RawAmount::Fen(json!(100.5))), p::AMOUNT_FEN);
        assert_eq!(amount_problem(RawAmount::Fen(json!("100"))), p::AMOUNT_FEN);
        assert_eq!(
            amount_problem(RawAmount::Fen(json!(99))),
            p::AMOUNT_TOO_SMALL
        );
        assert_eq!(
            amount_problem(RawAmount::Fen(json!(u64::MAX))),
            p::AMOUNT_TOO_LARGE
        );
        assert_eq!(
            amount_problem(RawAmount::Fen(json!(100_000_001))),
            p::AMOUNT_TOO_LARGE
        );
        assert_eq!(amount_problem(RawAmount::Missing), p::AMOUNT);
    }

    #[test]
    fn every_field_says_what_is_wrong() {
        let bad = RawPledge {
            fund: Some(1),
            need: Some("JL-1".into()),
            amount: RawAmount::Missing,
            display_name: " ".into(),
            anonymous: false,
            contact: "nobody".into(),
            consent: false,
        };
        let fields: Vec<String> = bad
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            ["target", "amount", "display_name", "contact", "consent"]
        );
        let anonymous = RawPledge {
            anonymous: true,
            display_name: String::new(),
            ..raw(RawAmount::Yuan("50".into()))
        };
        assert_eq!(anonymous.parse().unwrap().display_name, None);
    }

    #[test]
    fn matching_offers_respect_window_and_cap() {
        let t = |d: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, d)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
        };
        let offer = MatchOffer {
            ratio_percent: 100,
            cap: Fen(30_000),
            starts_at: t(1),
            ends_at: t(10),
        };
        assert_eq!(offer.match_for(Fen(20_000), Fen::ZERO, t(2)), Fen(20_000));
        assert_eq!(offer.match_for(Fen(20_000), Fen(20_000), t(2)), Fen(10_000));
        assert_eq!(offer.match_for(Fen(20_000), Fen(30_000), t(2)), Fen::ZERO);
        assert_eq!(offer.match_for(Fen(20_000), Fen::ZERO, t(10)), Fen::ZERO);
        assert_eq!(
            offer.match_for(Fen(20_000), Fen::ZERO, t(1) - chrono::Duration::seconds(1)),
            Fen::ZERO
        );
        let half = MatchOffer {
            ratio_percent: 50,
            ..offer
        };
        assert_eq!(half.match_for(Fen(101), Fen::ZERO, t(2)), Fen(50));
    }

    #[test]
    fn fund_forms() {
        let form = FundForm {
            kind: "named".into(),
            name: "春蕾助学冠名基金".into(),
            sponsor: "".into(),
            description: "资助困境儿童上学".into(),
            target: "100000".into(),
            starts_on: "2026-12-01".into(),
            ends_on: "2027-11-30".into(),
            leftover: "back_to_fund".into(),
            types: "education, children".into(),
            categories: "dibao".into(),
            regions: "220000".into(),
            ..Default::default()
        };
        let fields: Vec<String> = form
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["sponsor"]);
        let ok = FundForm {
            sponsor: "春蕾公司".into(),
            ..form.clone()
        }
        .parse()
        .unwrap();
        assert_eq!(ok.criteria.assistance_types.len(), 2);
        assert!(ok.matching.is_none());
        let half = FundForm {
            sponsor: "x".into(),
            match_percent: "100".into(),
            ..form
        };
        let fields: Vec<String> = half
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["matching"]);
    }
}
