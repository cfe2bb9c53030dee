//! What money is for: a need's goal and how much of it is raised, a fund's criteria and
//! matching offer, and whether either takes money now.

use super::error::{corrupt, MoneyError};
use super::ledger;
use super::{FundCriteria, MatchOffer};
use crate::domain::need::{AssistanceType, HouseholdCategory, NeedStatus};
use crate::domain::support::{FundStatus, LedgerAccount};
use crate::domain::{Fen, RegionCode};
use crate::entities::{fund, fund_criterion, need, need_item, organization, pledge};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// What would meet a need in money: its target amount plus the value of its items.
pub async fn goal_of<C: ConnectionTrait>(db: &C, row: &need::Model) -> Result<Fen, DbErr> {
    let items: i64 = need_item::Entity::find()
        .filter(need_item::Column::NeedId.eq(row.id))
        .all(db)
        .await?
        .iter()
        .map(|i| i.unit_value_fen.saturating_mul(i64::from(i.quantity)))
        .fold(0i64, i64::saturating_add);
    Ok(Fen(row
        .target_amount_fen
        .unwrap_or(0)
        .saturating_add(items)))
}

/// A need's goal and what it has raised so far.
pub async fn progress<C: ConnectionTrait>(db: &C, row: &need::Model) -> Result<(Fen, Fen), DbErr> {
    let goal = goal_of(db, row).await?;
    let raised = ledger::sums(db, LedgerAccount::Need, row.id)
        .await?
        .need_raised();
    Ok((goal, raised))
}

/// How much more a need can take (never below zero).
pub async fn room<C: ConnectionTrait>(db: &C, row: &need::Model) -> Result<Fen, DbErr> {
    let (goal, raised) = progress(db, row).await?;
    Ok(Fen((goal.0 - raised.0).max(0)))
}

/// A need by public code, if it is in a public state.
pub async fn public_need<C: ConnectionTrait>(
    db: &C,
    code: &str,
) -> Result<need::Model, MoneyError> {
    let row = need::Entity::find()
        .filter(need::Column::PublicCode.eq(code))
        .one(db)
        .await?
        .ok_or(MoneyError::NoSuchNeed)?;
    let status = NeedStatus::parse(&row.status).map_err(corrupt)?;
    if !status.is_public() {
        return Err(MoneyError::NoSuchNeed);
    }
    Ok(row)
}

/// A fund's criteria.
pub async fn criteria_of<C: ConnectionTrait>(
    db: &C,
    fund_id: i64,
) -> Result<FundCriteria, MoneyError> {
    Ok(criteria_of_many(db, &[fund_id])
        .await?
        .remove(&fund_id)
        .unwrap_or_default())
}

/// The criteria of several funds, in one query (a fund without criteria takes any need).
pub async fn criteria_of_many<C: ConnectionTrait>(
    db: &C,
    fund_ids: &[i64],
) -> Result<std::collections::HashMap<i64, FundCriteria>, MoneyError> {
    let mut all: std::collections::HashMap<i64, FundCriteria> = Default::default();
    for row in fund_criterion::Entity::find()
        .filter(fund_criterion::Column::FundId.is_in(fund_ids.iter().copied()))
        .order_by_asc(fund_criterion::Column::Id)
        .all(db)
        .await?
    {
        let c = all.entry(row.fund_id).or_default();
        match row.dimension.as_str() {
            "assistance_type" => c
                .assistance_types
                .push(AssistanceType::parse(&row.value).map_err(corrupt)?),
            "household_category" => c
                .household_categories
                .push(HouseholdCategory::parse(&row.value).map_err(corrupt)?),
            "region" => c
                .regions
                .push(RegionCode::parse(&row.value).map_err(corrupt)?),
            other => return Err(corrupt(format!("fund criterion {other}"))),
        }
    }
    Ok(all)
}

/// Whether the need fits the criteria.
pub fn fits(criteria: &FundCriteria, row: &need::Model) -> Result<bool, MoneyError> {
    Ok(criteria.fits(
        AssistanceType::parse(&row.assistance_type).map_err(corrupt)?,
        HouseholdCategory::parse(&row.household_category).map_err(corrupt)?,
        &RegionCode::parse(&row.region_code).map_err(corrupt)?,
    ))
}

/// The fund's matching offer, if it has one.
pub fn offer_of(row: &fund::Model) -> Option<MatchOffer> {
    Some(MatchOffer {
        ratio_percent: row.match_ratio_percent?,
        cap: Fen(row.match_cap_fen?),
        starts_at: row.match_starts_at?,
        ends_at: row.match_ends_at?,
    })
}

/// Whether the fund takes pledges at `now`: open, within its dates, its charity verified.
pub fn accepts_pledges(
    row: &fund::Model,
    charity: &organization::Model,
    now: DateTime<Utc>,
) -> bool {
    let today = crate::domain::calendar::today(now);
    row.status == FundStatus::Open.code()
        && charity.is_verified()
        && row.starts_on.is_none_or(|d| d <= today)
        && row.ends_on.is_none_or(|d| d >= today)
}

/// A fund and its charity.
pub async fn fund_with_charity<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<(fund::Model, organization::Model), MoneyError> {
    let f = fund::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(MoneyError::NoSuchFund)?;
    let o = organization::Entity::find_by_id(f.charity_id)
        .one(db)
        .await?
        .ok_or_else(|| corrupt("fund without charity"))?;
    Ok((f, o))
}

/// The payee details of a charity.
pub fn payee_of(o: &organization::Model) -> super::payment::Payee {
    super::payment::Payee {
        charity: o.name.clone(),
        account_name: o.payee_name.clone(),
        bank: o.payee_bank.clone(),
        account: o.payee_account.clone(),
    }
}

/// The payee a pledge was made with (kept with the pledge, so that a later change of the
/// charity's account never rewrites its instructions).
pub fn payee_of_pledge(p: &pledge::Model, o: &organization::Model) -> super::payment::Payee {
    super::payment::Payee {
        charity: o.name.clone(),
        account_name: p.payee_name.clone(),
        bank: p.payee_bank.clone(),
        account: p.payee_account.clone(),
    }
}
