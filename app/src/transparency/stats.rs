//! Reads the facts the dashboard counts: a few columns of needs, claims, pledges,
//! ledger receipts and allocations (never a need's text), then [`super::aggregate`].

use super::{aggregate, ChildRegions, Dashboard, MoneyFacts, MoneyKind, NeedFacts};
use crate::domain::need::{AssistanceType, HouseholdCategory, NeedStatus};
use crate::domain::{Fen, UnknownCode};
use crate::entities::{allocation, claim, need, pledge};
use crate::regions::RegionDirectory;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Statement,
};
use std::collections::HashMap;

/// Errors of the statistics.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("stored need has {0}")]
    Corrupt(#[from] UnknownCode),
    /// The region asked for is not a province, city or county we know.
    #[error("unknown region {0}")]
    UnknownRegion(String),
}

/// Every counted need: published once, not withdrawn.
pub async fn need_facts<C: ConnectionTrait>(db: &C) -> Result<Vec<NeedFacts>, StatsError> {
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    );
    let rows: Vec<Row> = need::Entity::find()
        .select_only()
        .columns([
            need::Column::Id,
            need::Column::RegionCode,
            need::Column::AssistanceType,
            need::Column::HouseholdCategory,
            need::Column::Status,
            need::Column::PublishedAt,
            need::Column::ClosedAt,
        ])
        .filter(need::Column::PublishedAt.is_not_null())
        .filter(need::Column::Status.ne(NeedStatus::Withdrawn.code()))
        .into_tuple()
        .all(db)
        .await?;
    let mut firsts: HashMap<i64, (DateTime<Utc>, Option<DateTime<Utc>>)> = HashMap::new();
    let claims: Vec<(i64, DateTime<Utc>, Option<DateTime<Utc>>)> = claim::Entity::find()
        .select_only()
        .columns([
            claim::Column::NeedId,
            claim::Column::CreatedAt,
            claim::Column::FulfilledAt,
        ])
        .into_tuple()
        .all(db)
        .await?;
    for (need_id, claimed, fulfilled) in claims {
        let slot = firsts.entry(need_id).or_insert((claimed, fulfilled));
        slot.0 = slot.0.min(claimed);
        slot.1 = match (slot.1, fulfilled) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let mut out = Vec::with_capacity(rows.len());
    for (id, region_code, t, c, status, published_at, closed_at) in rows {
        let Some(published_at) = published_at else {
            continue;
        };
        let status = NeedStatus::parse(&status)?;
        let (claimed_at, fulfilled_at) = match firsts.get(&id) {
            Some((c, f)) => (Some(*c), *f),
            None => (None, None),
        };
        let verified_at = (status == NeedStatus::Verified)
            .then(|| closed_at.or(fulfilled_at).unwrap_or(published_at));
        out.push(NeedFacts {
            id,
            region_code,
            assistance_type: AssistanceType::parse(&t)?,
            household_category: HouseholdCategory::parse(&c)?,
            published_at,
            claimed_at,
            // A need verified without a report (met elsewhere) was fulfilled when closed.
            fulfilled_at: fulfilled_at.or(verified_at),
            verified_at,
        });
    }
    Ok(out)
}

/// Pledges not cancelled, pledge receipts of the ledger, and allocations less what needs
/// gave back to their funds.
pub async fn money_facts<C: ConnectionTrait>(db: &C) -> Result<Vec<MoneyFacts>, StatsError> {
    let mut out = Vec::new();
    let pledges: Vec<(i64, DateTime<Utc>, Option<i64>)> = pledge::Entity::find()
        .select_only()
        .columns([
            pledge::Column::AmountFen,
            pledge::Column::PledgedAt,
            pledge::Column::NeedId,
        ])
        .filter(pledge::Column::Status.ne("cancelled"))
        .into_tuple()
        .all(db)
        .await?;
    out.extend(pledges.into_iter().map(|(amount, at, need_id)| MoneyFacts {
        kind: MoneyKind::Pledged,
        at,
        amount: Fen(amount),
        need_id,
    }));
    let backend = db.get_database_backend();
    let receipts = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT t.created_at AS at, t.need_id AS need_id, e.amount_fen AS amount \
             FROM ledger_transactions t JOIN ledger_entries e \
             ON e.transaction_id = t.id AND e.side = 'credit' \
             WHERE t.kind = 'pledge_received'",
        ))
        .await?;
    for row in receipts {
        out.push(MoneyFacts {
            kind: MoneyKind::Received,
            at: row.try_get("", "at")?,
            amount: Fen(row.try_get("", "amount")?),
            need_id: row.try_get("", "need_id")?,
        });
    }
    let allocations: Vec<(i64, DateTime<Utc>, i64)> = allocation::Entity::find()
        .select_only()
        .columns([
            allocation::Column::AmountFen,
            allocation::Column::CreatedAt,
            allocation::Column::NeedId,
        ])
        .into_tuple()
        .all(db)
        .await?;
    out.extend(
        allocations
            .into_iter()
            .map(|(amount, at, need_id)| MoneyFacts {
                kind: MoneyKind::Allocated,
                at,
                amount: Fen(amount),
                need_id: Some(need_id),
            }),
    );
    // Fund money a need gave back (its claim released or lapsed, or it closed unused) is
    // no longer allocated: it counts against the allocations, as in the fund's books.
    let returns = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT t.created_at AS at, t.need_id AS need_id, e.amount_fen AS amount \
             FROM ledger_transactions t JOIN ledger_entries e \
             ON e.transaction_id = t.id AND e.side = 'credit' \
             WHERE t.kind = 'return_to_fund'",
        ))
        .await?;
    for row in returns {
        let amount: i64 = row.try_get("", "amount")?;
        out.push(MoneyFacts {
            kind: MoneyKind::Allocated,
            at: row.try_get("", "at")?,
            amount: Fen(-amount),
            need_id: row.try_get("", "need_id")?,
        });
    }
    Ok(out)
}

/// The dashboard for the whole site (`region` empty) or one province, city or county.
pub async fn dashboard<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    region: &str,
    now: DateTime<Utc>,
) -> Result<Dashboard, StatsError> {
    let region = region.trim();
    let scope: Vec<(String, String)> = if region.is_empty() {
        Vec::new()
    } else {
        let known = crate::domain::RegionCode::parse(region)
            .ok()
            .filter(|c| c.as_str().len() == 6 && regions.name(c.as_str()).is_some())
            .ok_or_else(|| StatsError::UnknownRegion(region.to_owned()))?;
        regions.lineage(known.as_str())
    };
    let parent = scope.last().map(|(code, _)| code.as_str());
    let children: ChildRegions = regions
        .children(parent)
        .into_iter()
        .map(|(code, name)| {
            let drillable = !regions.children(Some(&code)).is_empty();
            (code, name, drillable)
        })
        .collect();
    let needs = need_facts(db).await?;
    let money = money_facts(db).await?;
    Ok(aggregate(&needs, &money, scope, children, now))
}

/// The dashboard as CSV for reporting: one row per slice (`section` is `total`,
/// `month`, `region`, `type` or `category`), money in integer fen; UTF-8 with a
/// byte-order mark, so spreadsheet programs read the Chinese names.
pub fn to_csv(d: &Dashboard, lang: crate::i18n::Lang) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "section",
        "key",
        "label",
        "published",
        "claimed",
        "fulfilled",
        "verified",
        "pledged_fen",
        "received_fen",
        "allocated_fen",
    ]);
    let mut row = |section: &str, key: &str, label: &str, f: &super::Figures| {
        let _ = w.write_record([
            section,
            key,
            label,
            &f.published.to_string(),
            &f.claimed.to_string(),
            &f.fulfilled.to_string(),
            &f.verified.to_string(),
            &f.pledged.0.to_string(),
            &f.received.0.to_string(),
            &f.allocated.0.to_string(),
        ]);
    };
    let (scope_code, scope_name) = d
        .scope
        .last()
        .cloned()
        .unwrap_or_else(|| (String::new(), lang.pick("全国", "All regions").to_owned()));
    row("total", &scope_code, &scope_name, &d.totals);
    for (month, f) in &d.by_month {
        row("month", month, month, f);
    }
    for r in &d.by_region {
        row("region", &r.code, &r.name, &r.figures);
    }
    for (t, f) in &d.by_type {
        row("type", t.code(), t.label(lang), f);
    }
    for (c, f) in &d.by_category {
        row("category", c.code(), c.label(lang), f);
    }
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8_lossy(
        &w.into_inner().unwrap_or_default(),
    ));
    out
}
