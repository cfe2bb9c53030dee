//! Reading the public copy of needs from the database.

use super::{NeedDetail, NeedItemView, NeedSummary, NeedTotals};
use crate::domain::need::{
    AgeBand, AssistanceType, Coverage, HouseholdCategory, HouseholdSize, NeedStatus, Urgency,
};
use crate::domain::{Fen, UnknownCode};
use crate::entities::{need, need_item};
use crate::regions::RegionDirectory;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Errors of the needs read model.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("stored need has {0}")]
    Corrupt(#[from] UnknownCode),
}

fn public_statuses() -> Vec<&'static str> {
    NeedStatus::PUBLIC.iter().map(|s| s.code()).collect()
}

/// The most recently published needs that are still open (published or claimed),
/// most urgent first within the same day, optionally of one assistance type.
pub async fn recent_open<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    assistance_type: Option<AssistanceType>,
    limit: u64,
) -> Result<Vec<NeedSummary>, QueryError> {
    open_in_region(db, regions, None, assistance_type, limit).await
}

/// The open needs (published or claimed) of a region and optionally one assistance
/// type, newest first: what an office's embedded view on its own portal lists.
pub async fn open_in_region<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    region: Option<&crate::domain::RegionCode>,
    assistance_type: Option<AssistanceType>,
    limit: u64,
) -> Result<Vec<NeedSummary>, QueryError> {
    let mut query = need::Entity::find().filter(
        need::Column::Status.is_in([NeedStatus::Published.code(), NeedStatus::Claimed.code()]),
    );
    if let Some(r) = region {
        let prefix = match r.level() {
            crate::domain::region::RegionLevel::Province => &r.as_str()[..2],
            crate::domain::region::RegionLevel::City => &r.as_str()[..4],
            _ => r.as_str(),
        };
        query = query.filter(need::Column::RegionCode.starts_with(prefix));
    }
    if let Some(t) = assistance_type {
        query = query.filter(need::Column::AssistanceType.eq(t.code()));
    }
    let rows = query
        .order_by_desc(need::Column::PublishedAt)
        .order_by_desc(need::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    summaries(db, regions, rows).await
}

/// Counts for the home page. Withdrawn and expired needs are not counted.
pub async fn totals<C: ConnectionTrait>(db: &C) -> Result<NeedTotals, QueryError> {
    let count = |statuses: &'static [NeedStatus]| {
        need::Entity::find()
            .filter(need::Column::Status.is_in(statuses.iter().map(|s| s.code())))
            .count(db)
    };
    let open = count(&[NeedStatus::Published]).await?;
    let claimed = count(&[NeedStatus::Claimed]).await?;
    let met = count(&[NeedStatus::Fulfilled, NeedStatus::Verified]).await?;
    let received = received_in_total(db).await?;
    Ok(NeedTotals {
        open,
        claimed,
        met,
        received,
    })
}

#[derive(FromQueryResult)]
struct Sum {
    total: Option<i64>,
}

/// Money received by charities for needs and funds: the ledger's pledge receipts.
async fn received_in_total<C: ConnectionTrait>(db: &C) -> Result<Fen, DbErr> {
    use crate::entities::ledger_entry;
    let sum = ledger_entry::Entity::find()
        .select_only()
        // PostgreSQL sums BIGINT into NUMERIC: cast back so both backends give i64.
        .column_as(Expr::cust("CAST(SUM(amount_fen) AS BIGINT)"), "total")
        .filter(ledger_entry::Column::AccountKind.eq("donors"))
        .filter(ledger_entry::Column::Side.eq("debit"))
        .into_model::<Sum>()
        .one(db)
        .await?;
    Ok(Fen(sum.and_then(|s| s.total).unwrap_or(0)))
}

/// The public copy of one need, if it exists and is in a public state.
pub async fn public_by_code<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    public_code: &str,
) -> Result<Option<NeedDetail>, QueryError> {
    let Some(row) = need::Entity::find()
        .filter(need::Column::PublicCode.eq(public_code))
        .filter(need::Column::Status.is_in(public_statuses()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let items: Vec<NeedItemView> = need_item::Entity::find()
        .filter(need_item::Column::NeedId.eq(row.id))
        .order_by_asc(need_item::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|i| NeedItemView {
            name: i.name,
            unit: i.unit,
            quantity: i.quantity,
            unit_value: Fen(i.unit_value_fen),
        })
        .collect();
    let (claim, outcome) = crate::claims::queries::public_claim(db, &row)
        .await
        .map_err(|e| match e {
            crate::claims::lifecycle::ClaimError::Database(e) => QueryError::Database(e),
            other => QueryError::Database(DbErr::Custom(other.to_string())),
        })?;
    let received = received_for_need(db, row.id).await?;
    let story = row.story.clone();
    let coverage = Coverage::parse(&row.coverage)?;
    let assistance_received = row.assistance_received.clone();
    let age_band = AgeBand::parse(&row.age_band)?;
    let household_size = HouseholdSize::parse(&row.household_size)?;
    let target_amount = row.target_amount_fen.map(Fen);
    let summary = summary(row, regions, &items)?;
    Ok(Some(NeedDetail {
        summary,
        story,
        coverage,
        assistance_received,
        age_band,
        household_size,
        target_amount,
        items,
        claim,
        outcome,
        received,
    }))
}

/// Money credited to a need's ledger account.
async fn received_for_need<C: ConnectionTrait>(db: &C, need_id: i64) -> Result<Fen, DbErr> {
    use crate::domain::support::LedgerAccount;
    Ok(crate::money::ledger::sums(db, LedgerAccount::Need, need_id)
        .await?
        .need_raised())
}

/// The summaries of `rows`, in the order of `ids` (ids without a row are skipped), each
/// with its id.
pub async fn summaries_in_order<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    rows: Vec<need::Model>,
    ids: &[i64],
) -> Result<Vec<(i64, NeedSummary)>, QueryError> {
    let order: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut rows: Vec<need::Model> = rows
        .into_iter()
        .filter(|r| order.contains_key(&r.id))
        .collect();
    rows.sort_by_key(|r| order[&r.id]);
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let list = summaries(db, regions, rows).await?;
    Ok(ids.into_iter().zip(list).collect())
}

async fn summaries<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    rows: Vec<need::Model>,
) -> Result<Vec<NeedSummary>, QueryError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut items: HashMap<i64, Vec<NeedItemView>> = HashMap::new();
    for item in need_item::Entity::find()
        .filter(need_item::Column::NeedId.is_in(ids))
        .all(db)
        .await?
    {
        items.entry(item.need_id).or_default().push(NeedItemView {
            name: item.name,
            unit: item.unit,
            quantity: item.quantity,
            unit_value: Fen(item.unit_value_fen),
        });
    }
    rows.into_iter()
        .map(|row| {
            let its = items.remove(&row.id).unwrap_or_default();
            summary(row, regions, &its)
        })
        .collect()
}

fn summary(
    row: need::Model,
    regions: &RegionDirectory,
    items: &[NeedItemView],
) -> Result<NeedSummary, QueryError> {
    let goal = items
        .iter()
        .fold(Fen(row.target_amount_fen.unwrap_or(0)), |acc, i| {
            acc.checked_add(i.total()).unwrap_or(acc)
        });
    Ok(NeedSummary {
        place: regions.display(&row.region_code),
        assistance_type: AssistanceType::parse(&row.assistance_type)?,
        household_category: HouseholdCategory::parse(&row.household_category)?,
        status: NeedStatus::parse(&row.status)?,
        urgency: Urgency::parse(&row.urgency)?,
        goal,
        deadline: row.deadline,
        published_on: row.published_at.map(crate::domain::calendar::date_of),
        public_code: row.public_code,
        title: row.title,
    })
}
