//! Published needs as open data (`/open-data/needs.csv`, `.json`): the public copy only,
//! places no finer than the county, and what would meet a need as a range rather than
//! an exact amount (an exact sum joined with other data could point at one family). The
//! story is left out: it is on each need's page.

use crate::domain::need::NeedStatus;
use crate::domain::Fen;
use crate::entities::{need, need_item};
use crate::regions::RegionDirectory;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;

/// One published need as open data. Field names are the data dictionary's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenNeed {
    pub code: String,
    pub title: String,
    pub status: &'static str,
    pub assistance_type: &'static str,
    pub household_category: &'static str,
    pub coverage: &'static str,
    pub county_code: String,
    pub place: String,
    pub age_band: &'static str,
    pub household_size: &'static str,
    pub urgency: &'static str,
    pub published_on: String,
    pub deadline: String,
    pub amount_range: &'static str,
    pub items: usize,
}

/// The ranges an amount (target plus items, in yuan) is shown in.
pub const AMOUNT_RANGES: &[(i64, &str)] = &[
    (1_000, "0-1000"),
    (5_000, "1000-5000"),
    (10_000, "5000-10000"),
    (50_000, "10000-50000"),
    (i64::MAX, "50000+"),
];

/// The range of an amount: `1000-5000` holds 1,000 yuan up to (not including) 5,000;
/// an amount of nothing is `none` (a need met by items or services only).
pub fn amount_range(goal: Fen) -> &'static str {
    if goal.0 <= 0 {
        return "none";
    }
    let yuan = goal.0 / 100;
    AMOUNT_RANGES
        .iter()
        .find(|(below, _)| yuan < *below)
        .map_or("50000+", |(_, label)| label)
}

/// Every need in a public state, by code.
pub async fn published<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
) -> Result<Vec<OpenNeed>, super::queries::QueryError> {
    use crate::domain::need::{AgeBand, AssistanceType, Coverage, HouseholdCategory};
    use crate::domain::need::{HouseholdSize, Urgency};
    let public: Vec<&str> = NeedStatus::PUBLIC.iter().map(|s| s.code()).collect();
    let rows = need::Entity::find()
        .filter(need::Column::Status.is_in(public))
        .order_by_asc(need::Column::PublicCode)
        .all(db)
        .await?;
    let mut items: HashMap<i64, (usize, i64)> = HashMap::new();
    for i in need_item::Entity::find().all(db).await? {
        let slot = items.entry(i.need_id).or_default();
        slot.0 += 1;
        slot.1 = slot
            .1
            .saturating_add(i.unit_value_fen.saturating_mul(i64::from(i.quantity)));
    }
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let mut out = Vec::with_capacity(rows.len());
    for n in rows {
        let (count, value) = items.get(&n.id).copied().unwrap_or_default();
        let goal = Fen(n.target_amount_fen.unwrap_or(0).saturating_add(value));
        // The county: a township code is cut to its county.
        let county = n.region_code.get(..6).unwrap_or(&n.region_code).to_owned();
        out.push(OpenNeed {
            code: n.public_code,
            title: n.title,
            status: NeedStatus::parse(&n.status)?.code(),
            assistance_type: AssistanceType::parse(&n.assistance_type)?.code(),
            household_category: HouseholdCategory::parse(&n.household_category)?.code(),
            coverage: Coverage::parse(&n.coverage)?.code(),
            place: regions.display(&county),
            county_code: county,
            age_band: AgeBand::parse(&n.age_band)?.code(),
            household_size: HouseholdSize::parse(&n.household_size)?.code(),
            urgency: Urgency::parse(&n.urgency)?.code(),
            published_on: day(n.published_at.map(crate::domain::calendar::date_of)),
            deadline: day(n.deadline),
            amount_range: amount_range(goal),
            items: count,
        });
    }
    Ok(out)
}

/// The same as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read it).
pub fn to_csv(rows: &[OpenNeed]) -> Result<String, DbErr> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)
            .map_err(|e| DbErr::Custom(format!("writing CSV: {e}")))?;
    }
    if rows.is_empty() {
        w.write_record([
            "code",
            "title",
            "status",
            "assistance_type",
            "household_category",
            "coverage",
            "county_code",
            "place",
            "age_band",
            "household_size",
            "urgency",
            "published_on",
            "deadline",
            "amount_range",
            "items",
        ])
        .map_err(|e| DbErr::Custom(format!("writing CSV: {e}")))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| DbErr::Custom(format!("writing CSV: {e}")))?;
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8_lossy(&bytes));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_fall_in_ranges() {
        assert_eq!(amount_range(Fen(0)), "none");
        assert_eq!(amount_range(Fen(99_999)), "0-1000");
        assert_eq!(amount_range(Fen(100_000)), "1000-5000");
        assert_eq!(amount_range(Fen(4_999_999)), "10000-50000");
        assert_eq!(amount_range(Fen(5_000_000)), "50000+");
    }
}
