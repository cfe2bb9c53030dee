//! Funds (冠名基金 / 专项基金 / 帮扶项目): a qualified charity sets one up with its criteria
//! and optional matching offer; the public lists them, reads each with its progress, the
//! needs it reached and its ledger; the charity posts quarterly disclosures of long
//! projects and keeps its account for transfers.

use super::error::{corrupt, MoneyError};
use super::ledger;
use super::targets::{self, fund_with_charity};
use super::{Disclosure, FundDetail, FundSummary, LedgerLine, NewFund, OwnFund, Reached};
use crate::audit::{self, Change};
use crate::claims::charity::CharityActor;
use crate::domain::support::{FundKind, FundStatus, LedgerAccount, LedgerKind, LeftoverPolicy};
use crate::domain::{Fen, RegionCode};
use crate::entities::{
    allocation, fund, fund_criterion, fund_disclosure, ledger_entry, ledger_transaction, need,
    organization, pledge,
};
use chrono::{DateTime, Datelike, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use std::collections::BTreeMap;

/// Filters of the public list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FundFilter {
    pub kind: Option<FundKind>,
    /// Funds whose regions include this one (or that name no region).
    pub region: Option<RegionCode>,
    pub assistance_type: Option<crate::domain::need::AssistanceType>,
}

/// A fund's public code: `F-` and six random characters.
fn new_code() -> String {
    let code = super::pledges::new_receipt_code();
    format!("F-{}", code[3..10].replace('-', ""))
}

/// One of the actor's charity's funds (another charity's is "no such fund").
pub(crate) async fn own_row<C: ConnectionTrait>(
    db: &C,
    who: &CharityActor,
    fund_id: i64,
) -> Result<fund::Model, MoneyError> {
    fund::Entity::find_by_id(fund_id)
        .one(db)
        .await?
        .filter(|f| f.charity_id == who.charity_id)
        .ok_or(MoneyError::NoSuchFund)
}

/// A verified charity qualified for public fundraising sets up a fund.
pub async fn create(
    db: &DatabaseConnection,
    who: &CharityActor,
    input: &NewFund,
    now: DateTime<Utc>,
) -> Result<i64, MoneyError> {
    let txn = crate::db::begin_write(db).await?;
    let charity = organization::Entity::find_by_id(who.charity_id)
        .one(&txn)
        .await?
        .ok_or(MoneyError::NotACharity)?;
    if charity.suspended_at.is_some() {
        return Err(MoneyError::Suspended);
    }
    if !charity.is_verified() {
        return Err(MoneyError::NotVerified);
    }
    if !charity.public_fundraising {
        return Err(MoneyError::NoFundraisingQualification);
    }
    let m = input.matching;
    let row = fund::ActiveModel {
        public_code: Set(new_code()),
        charity_id: Set(charity.id),
        kind: Set(input.kind.code().to_owned()),
        name: Set(input.name.clone()),
        description: Set(input.description.clone()),
        sponsor: Set(input.sponsor.clone()),
        target_amount_fen: Set(input.target.map(|t| t.0)),
        leftover_policy: Set(input.leftover.code().to_owned()),
        status: Set(FundStatus::Open.code().to_owned()),
        starts_on: Set(Some(input.starts_on)),
        ends_on: Set(Some(input.ends_on)),
        match_ratio_percent: Set(m.map(|m| m.ratio_percent)),
        match_cap_fen: Set(m.map(|m| m.cap.0)),
        match_starts_at: Set(m.map(|m| m.starts_at)),
        match_ends_at: Set(m.map(|m| m.ends_at)),
        last_disclosed_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let c = &input.criteria;
    let rows = c
        .assistance_types
        .iter()
        .map(|t| ("assistance_type", t.code().to_owned()))
        .chain(
            c.household_categories
                .iter()
                .map(|h| ("household_category", h.code().to_owned())),
        )
        .chain(c.regions.iter().map(|r| ("region", r.as_str().to_owned())));
    for (dimension, value) in rows {
        fund_criterion::ActiveModel {
            fund_id: Set(row.id),
            dimension: Set(dimension.to_owned()),
            value: Set(value),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    super::pledges::touch_fund(&txn, row.id, now).await?;
    audit::record(
        &txn,
        who.actor(),
        Change {
            action: "fund.create",
            entity_kind: "fund",
            entity_id: row.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "kind": input.kind.code(), "name": input.name })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}

async fn summary<C: ConnectionTrait>(
    db: &C,
    f: fund::Model,
    charity: &organization::Model,
    now: DateTime<Utc>,
) -> Result<FundSummary, MoneyError> {
    let charities = BTreeMap::from([(charity.id, charity.clone())]);
    let mut one = summaries(db, vec![f], &charities, now).await?;
    one.pop()
        .ok_or_else(|| corrupt("a fund without its charity".to_owned()))
}

/// The summaries of `funds` (whose charities are in `charities`), in their order, with
/// four queries in all: their ledger sums, donors and criteria are read for all at once.
async fn summaries<C: ConnectionTrait>(
    db: &C,
    funds: Vec<fund::Model>,
    charities: &BTreeMap<i64, organization::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<FundSummary>, MoneyError> {
    let ids: Vec<i64> = funds.iter().map(|f| f.id).collect();
    let mut sums = ledger::sums_of_many(db, LedgerAccount::Fund, &ids).await?;
    let mut criteria = targets::criteria_of_many(db, &ids).await?;
    let donors: BTreeMap<i64, i64> = pledge::Entity::find()
        .select_only()
        .column(pledge::Column::FundId)
        .column_as(pledge::Column::Id.count(), "donors")
        .filter(pledge::Column::FundId.is_in(ids.iter().copied()))
        .filter(pledge::Column::Status.is_in(["received", "allocated"]))
        .group_by(pledge::Column::FundId)
        .into_tuple::<(Option<i64>, i64)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(fund, n)| Some((fund?, n)))
        .collect();
    let mut out = Vec::with_capacity(funds.len());
    for f in funds {
        let Some(charity) = charities.get(&f.charity_id) else {
            continue;
        };
        let sums = sums.remove(&f.id).unwrap_or_default();
        out.push(FundSummary {
            id: f.id,
            public_code: f.public_code.clone(),
            kind: FundKind::parse(&f.kind).map_err(corrupt)?,
            name: f.name.clone(),
            sponsor: f.sponsor.clone(),
            description: f.description.clone(),
            charity_id: charity.id,
            charity: charity.name.clone(),
            charity_slug: charity.slug.clone(),
            status: FundStatus::parse(&f.status).map_err(corrupt)?,
            target: f.target_amount_fen.map(Fen),
            starts_on: f.starts_on,
            ends_on: f.ends_on,
            leftover: LeftoverPolicy::parse(&f.leftover_policy).map_err(corrupt)?,
            criteria: criteria.remove(&f.id).unwrap_or_default(),
            matching: targets::offer_of(&f),
            raised: sums.fund_raised(),
            allocated: sums.fund_allocated(),
            balance: sums.balance(),
            donors: donors.get(&f.id).copied().unwrap_or(0) as u32,
            accepts_pledges: targets::accepts_pledges(&f, charity, now),
        });
    }
    Ok(out)
}

/// Public funds (those of verified charities), open ones first, filtered.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &FundFilter,
    now: DateTime<Utc>,
) -> Result<Vec<FundSummary>, MoneyError> {
    let mut q = fund::Entity::find()
        .order_by_asc(fund::Column::Status)
        .order_by_desc(fund::Column::Id);
    if let Some(k) = filter.kind {
        q = q.filter(fund::Column::Kind.eq(k.code()));
    }
    let rows = q.all(db).await?;
    let charities: BTreeMap<i64, organization::Model> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(rows.iter().map(|f| f.charity_id)))
        .filter(organization::Column::Verification.eq("verified"))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let rows = rows
        .into_iter()
        .filter(|f| charities.contains_key(&f.charity_id))
        .collect();
    let mut out = summaries(db, rows, &charities, now).await?;
    out.retain(|s| {
        let c = &s.criteria;
        let type_fits = filter
            .assistance_type
            .is_none_or(|t| c.assistance_types.is_empty() || c.assistance_types.contains(&t));
        // A fund serving the province serves a county in it, and the reverse is what a
        // reader filtering by province wants too.
        let region_fits = filter.region.as_ref().is_none_or(|r| {
            c.regions.is_empty() || c.regions.iter().any(|x| x.contains(r) || r.contains(x))
        });
        type_fits && region_fits
    });
    Ok(out)
}

/// The quarter (e.g. `2026Q4`) of a date.
pub fn quarter_of(at: DateTime<Utc>) -> String {
    let d = crate::domain::calendar::date_of(at);
    format!("{}Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

/// For a project planned to run longer than six months and still open: the last ended
/// quarter, if its disclosure is not posted yet.
fn disclosure_due(f: &fund::Model, posted: &[Disclosure], now: DateTime<Utc>) -> Option<String> {
    let (Some(s), Some(e)) = (f.starts_on, f.ends_on) else {
        return None;
    };
    if f.kind != FundKind::Project.code() || f.status != "open" || (e - s).num_days() <= 182 {
        return None;
    }
    let last_quarter = quarter_of(now - chrono::Duration::days(92));
    let started = quarter_of(crate::domain::calendar::start_of(s));
    if last_quarter < started || posted.iter().any(|d| d.period == last_quarter) {
        return None;
    }
    Some(last_quarter)
}

/// A fund's public page.
pub async fn detail<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<FundDetail, MoneyError> {
    let (f, charity) = fund_with_charity(db, id).await?;
    if charity.verification != "verified" {
        return Err(MoneyError::NoSuchFund);
    }
    let disclosures: Vec<Disclosure> = fund_disclosure::Entity::find()
        .filter(fund_disclosure::Column::FundId.eq(f.id))
        .order_by_desc(fund_disclosure::Column::Period)
        .all(db)
        .await?
        .into_iter()
        .map(|d| Disclosure {
            period: d.period,
            body: d.body,
            posted_at: d.posted_at,
        })
        .collect();
    let due = disclosure_due(&f, &disclosures, now);
    let payment = super::payment::instructions(&targets::payee_of(&charity), None, None);
    let s = summary(db, f, &charity, now).await?;
    Ok(FundDetail {
        reached: reached(db, s.id).await?,
        ledger: ledger_lines(db, s.id).await?,
        summary: s,
        disclosures,
        payment,
        disclosure_due: due,
    })
}

/// The needs a fund's money reached, net of what came back.
async fn reached<C: ConnectionTrait>(db: &C, fund_id: i64) -> Result<Vec<Reached>, MoneyError> {
    let mut by_need: BTreeMap<i64, i64> = BTreeMap::new();
    for a in allocation::Entity::find()
        .filter(allocation::Column::FundId.eq(fund_id))
        .all(db)
        .await?
    {
        *by_need.entry(a.need_id).or_default() += a.amount_fen;
    }
    for t in ledger_transaction::Entity::find()
        .filter(ledger_transaction::Column::FundId.eq(fund_id))
        .filter(ledger_transaction::Column::Kind.eq(LedgerKind::ReturnToFund.code()))
        .all(db)
        .await?
    {
        if let Some(n) = t.need_id {
            *by_need.entry(n).or_default() -= super::pledges::amount_of(db, t.id).await?.0;
        }
    }
    let mut out = Vec::new();
    for (need_id, amount) in by_need {
        if amount <= 0 {
            continue;
        }
        if let Some(n) = need::Entity::find_by_id(need_id).one(db).await? {
            out.push(Reached {
                public_code: n.public_code,
                title: n.title,
                amount: Fen(amount),
            });
        }
    }
    Ok(out)
}

/// A fund's ledger as the public sees it: every transaction touching the fund's account,
/// newest first, with donors' names only where they chose to show them.
pub async fn ledger_lines<C: ConnectionTrait>(
    db: &C,
    fund_id: i64,
) -> Result<Vec<LedgerLine>, MoneyError> {
    let entries = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::AccountKind.eq(LedgerAccount::Fund.code()))
        .filter(ledger_entry::Column::AccountRef.eq(fund_id))
        .order_by_desc(ledger_entry::Column::TransactionId)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let Some(t) = ledger_transaction::Entity::find_by_id(e.transaction_id)
            .one(db)
            .await?
        else {
            continue;
        };
        let need = match t.need_id {
            Some(n) => need::Entity::find_by_id(n)
                .one(db)
                .await?
                .map(|n| n.public_code),
            None => None,
        };
        let donor = match (t.pledge_id, t.kind.as_str()) {
            (Some(p), "pledge_received") => pledge::Entity::find_by_id(p)
                .one(db)
                .await?
                .and_then(|p| (!p.is_anonymous).then_some(p.donor_name).flatten()),
            _ => None,
        };
        out.push(LedgerLine {
            id: t.id,
            at: t.created_at,
            kind: LedgerKind::parse(&t.kind).map_err(corrupt)?,
            amount: Fen(e.amount_fen),
            inflow: e.side == "credit",
            need,
            donor,
            memo: t.memo,
        });
    }
    Ok(out)
}

/// A fund's ledger as CSV (UTF-8 with a byte-order mark, for spreadsheet programs).
pub fn ledger_csv(lines: &[LedgerLine]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "transaction",
        "time_utc",
        "kind",
        "direction",
        "amount_fen",
        "amount_yuan",
        "need",
        "donor",
        "memo",
    ]);
    for l in lines {
        let _ = w.write_record([
            l.id.to_string(),
            crate::domain::calendar::local(l.at).to_rfc3339(),
            l.kind.code().to_owned(),
            if l.inflow { "in" } else { "out" }.to_owned(),
            l.amount.0.to_string(),
            l.amount.to_yuan_input(),
            l.need.clone().unwrap_or_default(),
            l.donor.clone().unwrap_or_default(),
            l.memo.clone(),
        ]);
    }
    let body = w.into_inner().unwrap_or_default();
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8_lossy(&body));
    out
}

/// The charity's own fund, with the needs it can reach now.
pub async fn own(
    db: &DatabaseConnection,
    who: &CharityActor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<OwnFund, MoneyError> {
    let f = own_row(db, who, id).await?;
    let detail = detail(db, f.id, now).await?;
    let criteria = &detail.summary.criteria;
    // Only needs the charity holds by an active claim: a fund gives to what its own
    // charity has taken on.
    let held: Vec<i64> = crate::entities::claim::Entity::find()
        .filter(crate::entities::claim::Column::CharityId.eq(f.charity_id))
        .filter(
            crate::entities::claim::Column::Status
                .eq(crate::domain::support::ClaimStatus::Active.code()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.need_id)
        .collect();
    let mut candidates = Vec::new();
    for n in need::Entity::find()
        .filter(need::Column::Status.is_in(super::allocations::RECEIVING.map(|s| s.code())))
        .filter(need::Column::Id.is_in(held))
        .order_by_asc(need::Column::Id)
        .all(db)
        .await?
    {
        if !targets::fits(criteria, &n)? {
            continue;
        }
        let room = targets::room(db, &n).await?;
        if room.0 > 0 {
            candidates.push((n.public_code, n.title, room));
        }
        if candidates.len() >= 50 {
            break;
        }
    }
    Ok(OwnFund { detail, candidates })
}

/// The charity's funds, for its portal.
pub async fn of_charity(
    db: &DatabaseConnection,
    charity_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<FundSummary>, MoneyError> {
    let charity = organization::Entity::find_by_id(charity_id)
        .one(db)
        .await?
        .ok_or(MoneyError::NotACharity)?;
    let funds = fund::Entity::find()
        .filter(fund::Column::CharityId.eq(charity_id))
        .order_by_desc(fund::Column::Id)
        .all(db)
        .await?;
    summaries(db, funds, &BTreeMap::from([(charity.id, charity)]), now).await
}

/// The charity posts a quarterly disclosure report for one of its funds.
pub async fn disclose(
    db: &DatabaseConnection,
    who: &CharityActor,
    fund_id: i64,
    period: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), MoneyError> {
    let period = period.trim().to_uppercase();
    let body = body.trim();
    let valid_period = period.len() == 6
        && period[..4].bytes().all(|b| b.is_ascii_digit())
        && matches!(&period[4..], "Q1" | "Q2" | "Q3" | "Q4");
    if !valid_period || body.is_empty() || body.chars().count() > 5000 {
        return Err(MoneyError::Invalid(vec![(
            "disclosure".into(),
            super::problems::DISCLOSURE,
        )]));
    }
    let txn = crate::db::begin_write(db).await?;
    let f = own_row(&txn, who, fund_id).await?;
    let existing = fund_disclosure::Entity::find()
        .filter(fund_disclosure::Column::FundId.eq(f.id))
        .filter(fund_disclosure::Column::Period.eq(period.as_str()))
        .one(&txn)
        .await?;
    match existing {
        Some(d) => {
            let mut d: fund_disclosure::ActiveModel = d.into();
            d.body = Set(body.to_owned());
            d.posted_by = Set(Some(who.user_id));
            d.posted_at = Set(now);
            d.update(&txn).await?;
        }
        None => {
            fund_disclosure::ActiveModel {
                fund_id: Set(f.id),
                period: Set(period.clone()),
                body: Set(body.to_owned()),
                posted_by: Set(Some(who.user_id)),
                posted_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    fund::Entity::update_many()
        .col_expr(fund::Column::LastDisclosedAt, Expr::value(now))
        .filter(fund::Column::Id.eq(f.id))
        .exec(&txn)
        .await?;
    super::pledges::touch_fund(&txn, f.id, now).await?;
    audit::record(
        &txn,
        who.actor(),
        Change {
            action: "fund.disclose",
            entity_kind: "fund",
            entity_id: f.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "period": period })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The funds a need's money can come from: open funds whose criteria it meets.
pub async fn reaching_need<C: ConnectionTrait>(
    db: &C,
    row: &need::Model,
    now: DateTime<Utc>,
) -> Result<Vec<FundSummary>, MoneyError> {
    let mut out = Vec::new();
    for s in list(db, &FundFilter::default(), now).await? {
        if s.accepts_pledges && targets::fits(&s.criteria, row)? {
            out.push(s);
        }
    }
    Ok(out)
}

/// One movement of money as open data: no contact data, donors' names only where they
/// chose to show them, needs by public code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MoneyFlow {
    pub transaction: i64,
    pub at: String,
    pub kind: &'static str,
    pub amount_fen: i64,
    pub charity: String,
    pub fund: Option<String>,
    pub need: Option<String>,
    pub donor: Option<String>,
}

/// Every ledger transaction, oldest first, as open data.
pub async fn money_flows<C: ConnectionTrait>(db: &C) -> Result<Vec<MoneyFlow>, MoneyError> {
    let charities: BTreeMap<i64, String> = organization::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let funds: BTreeMap<i64, String> = fund::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f.public_code))
        .collect();
    let shown: BTreeMap<i64, String> = pledge::Entity::find()
        .filter(pledge::Column::IsAnonymous.eq(false))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| p.donor_name.map(|n| (p.id, n)))
        .collect();
    let mut amounts: BTreeMap<i64, i64> = BTreeMap::new();
    for e in ledger_entry::Entity::find()
        .filter(ledger_entry::Column::Side.eq("credit"))
        .all(db)
        .await?
    {
        amounts.insert(e.transaction_id, e.amount_fen);
    }
    let mut need_codes: BTreeMap<i64, String> = BTreeMap::new();
    let txs = ledger_transaction::Entity::find()
        .order_by_asc(ledger_transaction::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(txs.len());
    for t in txs {
        let need = match t.need_id {
            Some(id) => {
                if !need_codes.contains_key(&id) {
                    if let Some(n) = need::Entity::find_by_id(id).one(db).await? {
                        need_codes.insert(id, n.public_code);
                    }
                }
                need_codes.get(&id).cloned()
            }
            None => None,
        };
        out.push(MoneyFlow {
            transaction: t.id,
            at: crate::domain::calendar::local(t.created_at).to_rfc3339(),
            kind: LedgerKind::parse(&t.kind).map_err(corrupt)?.code(),
            amount_fen: amounts.get(&t.id).copied().unwrap_or(0),
            charity: charities.get(&t.charity_id).cloned().unwrap_or_default(),
            fund: t.fund_id.and_then(|f| funds.get(&f).cloned()),
            need,
            donor: (t.kind == "pledge_received")
                .then(|| t.pledge_id.and_then(|p| shown.get(&p).cloned()))
                .flatten(),
        });
    }
    Ok(out)
}

/// The flows as CSV (UTF-8 with a byte-order mark).
pub fn money_flows_csv(flows: &[MoneyFlow]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "transaction",
        "time_utc",
        "kind",
        "amount_fen",
        "charity",
        "fund",
        "need",
        "donor",
    ]);
    for f in flows {
        let _ = w.write_record([
            f.transaction.to_string(),
            f.at.clone(),
            f.kind.to_owned(),
            f.amount_fen.to_string(),
            f.charity.clone(),
            f.fund.clone().unwrap_or_default(),
            f.need.clone().unwrap_or_default(),
            f.donor.clone().unwrap_or_default(),
        ]);
    }
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8_lossy(
        &w.into_inner().unwrap_or_default(),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn project(starts: (i32, u32, u32), ends: (i32, u32, u32)) -> fund::Model {
        let d = |(y, m, dd): (i32, u32, u32)| chrono::NaiveDate::from_ymd_opt(y, m, dd);
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        fund::Model {
            id: 1,
            public_code: "F-1".into(),
            charity_id: 1,
            kind: "project".into(),
            name: "x".into(),
            description: String::new(),
            target_amount_fen: None,
            leftover_policy: "back_to_fund".into(),
            status: "open".into(),
            starts_on: d(starts),
            ends_on: d(ends),
            match_ratio_percent: None,
            match_cap_fen: None,
            match_starts_at: None,
            match_ends_at: None,
            last_disclosed_at: None,
            created_at: t,
            updated_at: t,
            sponsor: String::new(),
        }
    }

    #[test]
    fn long_projects_owe_the_last_quarters_disclosure() {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 0, 0, 0).unwrap();
        assert_eq!(quarter_of(now), "2026Q4");
        let long = project((2026, 3, 1), (2027, 6, 30));
        assert_eq!(disclosure_due(&long, &[], now).as_deref(), Some("2026Q3"));
        let posted = [Disclosure {
            period: "2026Q3".into(),
            body: "x".into(),
            posted_at: now,
        }];
        assert_eq!(disclosure_due(&long, &posted, now), None);
        let short = project((2026, 9, 1), (2027, 1, 31));
        assert_eq!(disclosure_due(&short, &[], now), None, "six months or less");
        let fresh = project((2026, 11, 1), (2027, 12, 31));
        assert_eq!(
            disclosure_due(&fresh, &[], now),
            None,
            "no quarter ended since it began"
        );
    }
}
