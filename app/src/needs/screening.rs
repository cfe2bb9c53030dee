//! The PII guard applied to a need: every public text field scanned with the need's
//! household names, reviewers' overrides applied, and the quasi-identifier check that
//! widens age band and household size when a need would stand out in its county.

use super::draft::NeedDraft;
use crate::domain::need::{AgeBand, HouseholdCategory, HouseholdSize};
use serde::{Deserialize, Serialize};

pub use pii::{Finding, Kind as FindingKind, Severity, MAX_TEXT_CHARS};

/// A finding in one field of a need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldFinding {
    /// The form field name (`story`, `title`, `item_name_0`, …).
    pub field: String,
    pub finding: Finding,
    /// The reviewer's written reason, when the finding has been overridden.
    pub overridden: Option<String>,
}

impl FieldFinding {
    /// Whether this finding stops submission and publication.
    pub fn blocks(&self) -> bool {
        self.overridden.is_none() && self.finding.severity == Severity::Blocking
    }
}

/// A reviewer's override of a finding, identified by kind and matched text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub kind: String,
    pub text: String,
    pub reason: String,
}

/// Scans every public text field of a need.
pub fn screen(draft: &NeedDraft, overrides: &[Override]) -> Vec<FieldFinding> {
    let guard = pii::Guard::new(&draft.private.household_names)
        .with_case_reference(&draft.private.case_reference);
    let mut all = Vec::new();
    for (field, text) in draft.public_texts() {
        for finding in guard.scan(text) {
            let overridden = overrides
                .iter()
                .find(|o| o.kind == finding.kind.code() && o.text == finding.text)
                .map(|o| o.reason.clone());
            all.push(FieldFinding {
                field: field.clone(),
                finding,
                overridden,
            });
        }
    }
    all
}

/// Whether any finding stops submission and publication.
pub fn blocks(findings: &[FieldFinding]) -> bool {
    findings.iter().any(FieldFinding::blocks)
}

/// A piece of a text for highlighting: plain, or the span of a finding (its index).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub text: String,
    pub finding: Option<usize>,
}

/// Cuts `text` at the findings' character spans (findings of other fields ignored).
pub fn segments(text: &str, field: &str, findings: &[FieldFinding]) -> Vec<Segment> {
    let chars: Vec<char> = text.chars().collect();
    let mut spans: Vec<(usize, usize, usize)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.field == field)
        .map(|(i, f)| {
            (
                f.finding.start.min(chars.len()),
                f.finding.end.min(chars.len()),
                i,
            )
        })
        .collect();
    spans.sort();
    let mut out = Vec::new();
    let mut at = 0;
    for (start, end, index) in spans {
        if start < at || end <= start {
            continue;
        }
        if start > at {
            out.push(Segment {
                text: chars[at..start].iter().collect(),
                finding: None,
            });
        }
        out.push(Segment {
            text: chars[start..end].iter().collect(),
            finding: Some(index),
        });
        at = end;
    }
    if at < chars.len() {
        out.push(Segment {
            text: chars[at..].iter().collect(),
            finding: None,
        });
    }
    out
}

/// The wider age band a band is generalized to.
pub fn widen_age(band: AgeBand) -> AgeBand {
    use AgeBand::*;
    match band {
        Infant | Child | Teen | Minor => Minor,
        YoungAdult | Adult | MiddleAged | WorkingAge => WorkingAge,
        Senior | Elderly | Oldest | Older => Older,
    }
}

/// The bucket a household size is generalized to.
pub fn widen_size(size: HouseholdSize) -> HouseholdSize {
    use HouseholdSize::*;
    match size {
        One | Two | OneToTwo => OneToTwo,
        Three | Four | ThreeToFour => ThreeToFour,
        Five | SixPlus | FivePlus => FivePlus,
    }
}

/// The quasi-identifiers of a need, besides its county.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuasiKey {
    pub household_category: HouseholdCategory,
    pub age_band: AgeBand,
    pub household_size: HouseholdSize,
}

impl QuasiKey {
    pub fn widened(self) -> QuasiKey {
        QuasiKey {
            age_band: widen_age(self.age_band),
            household_size: widen_size(self.household_size),
            ..self
        }
    }
}

/// What the quasi-identifier check says about a need among its county's published ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuasiAdvice {
    /// The values to publish: the need's own, or the widened ones if its own would
    /// single it out.
    pub publish_as: QuasiKey,
    /// Whether the need's own values would be unique in its county.
    pub unique: bool,
    /// Whether even the published values stay unique (then it is flagged for the
    /// reviewer).
    pub still_unique: bool,
}

/// Compares a need's quasi-identifiers with those of the other published needs of
/// its county (as published, so possibly already widened).
pub fn quasi_advice(key: QuasiKey, others: &[QuasiKey]) -> QuasiAdvice {
    let unique = !others.contains(&key);
    if !unique {
        return QuasiAdvice {
            publish_as: key,
            unique,
            still_unique: false,
        };
    }
    let wide = key.widened();
    let still_unique = !others.iter().any(|o| o.widened() == wide);
    QuasiAdvice {
        publish_as: wide,
        unique,
        still_unique,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(age: AgeBand, size: HouseholdSize) -> QuasiKey {
        QuasiKey {
            household_category: HouseholdCategory::Tekun,
            age_band: age,
            household_size: size,
        }
    }

    #[test]
    fn a_unique_need_is_widened_and_a_common_one_is_not() {
        let mine = key(AgeBand::Elderly, HouseholdSize::One);
        let twin = quasi_advice(mine, &[mine]);
        assert!(!twin.unique);
        assert_eq!(twin.publish_as, mine);

        let alone = quasi_advice(mine, &[key(AgeBand::Senior, HouseholdSize::Two)]);
        assert!(alone.unique);
        assert!(!alone.still_unique);
        assert_eq!(
            alone.publish_as,
            key(AgeBand::Older, HouseholdSize::OneToTwo)
        );

        let empty = quasi_advice(mine, &[]);
        assert!(empty.unique && empty.still_unique);
    }

    #[test]
    fn widening_is_idempotent() {
        for band in AgeBand::ALL {
            assert_eq!(widen_age(widen_age(*band)), widen_age(*band));
        }
        for size in HouseholdSize::ALL {
            assert_eq!(widen_size(widen_size(*size)), widen_size(*size));
        }
    }

    #[test]
    fn segments_cut_at_character_spans() {
        let text = "电话13800138000联系";
        let finding = FieldFinding {
            field: "story".into(),
            finding: Finding {
                kind: FindingKind::Mobile,
                severity: Severity::Blocking,
                start: 2,
                end: 13,
                text: "13800138000".into(),
            },
            overridden: None,
        };
        let segs = segments(text, "story", &[finding]);
        assert_eq!(segs.len(), 3);
        assert_eq!(segs[1].text, "13800138000");
        assert_eq!(segs[1].finding, Some(0));
        assert_eq!(segs[2].text, "联系");
        assert_eq!(segments(text, "title", &[]).len(), 1);
    }
}
