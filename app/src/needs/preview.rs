//! The public copy of a need as it would be published, built from a draft: what the
//! preview shows, field for field what the public need page will show.

use super::draft::NeedDraft;
use super::screening::QuasiAdvice;
use super::{NeedDetail, NeedItemView, NeedSummary};
use crate::domain::need::NeedStatus;
use crate::domain::Fen;

/// The public copy of `draft`, with the quasi-identifiers as they would be published.
pub fn public_copy(
    draft: &NeedDraft,
    public_code: &str,
    place: String,
    quasi: Option<&QuasiAdvice>,
    published_on: chrono::NaiveDate,
) -> NeedDetail {
    let items: Vec<NeedItemView> = draft
        .items
        .iter()
        .map(|i| NeedItemView {
            name: i.name.clone(),
            unit: i.unit.clone(),
            quantity: i.quantity,
            unit_value: i.unit_value,
        })
        .collect();
    let goal = items
        .iter()
        .fold(draft.target_amount.unwrap_or(Fen::ZERO), |acc, i| {
            acc.checked_add(i.total()).unwrap_or(acc)
        });
    let (age_band, household_size) = match quasi {
        Some(q) => (q.publish_as.age_band, q.publish_as.household_size),
        None => (draft.age_band, draft.household_size),
    };
    NeedDetail {
        summary: NeedSummary {
            public_code: public_code.to_owned(),
            title: draft.title.clone(),
            assistance_type: draft.assistance_type,
            household_category: draft.household_category,
            status: NeedStatus::Published,
            urgency: draft.urgency,
            place,
            goal,
            deadline: draft.deadline,
            published_on: Some(published_on),
        },
        story: draft.story.clone(),
        coverage: draft.coverage,
        assistance_received: draft.assistance_received.clone(),
        age_band,
        household_size,
        target_amount: draft.target_amount,
        items,
        claim: None,
        outcome: None,
        received: Fen::ZERO,
    }
}
