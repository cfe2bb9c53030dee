//! Allocations (拨付): a charity passes received fund money on to a need that meets the
//! fund's criteria. The allocation draws on the fund's receipts oldest first and
//! records how much it took from each (`allocation_sources`), which is how a donor's
//! tracking page knows the needs their money reached. Leftovers of a need that closes
//! without using its money go back per the fund's stated rule.

use super::error::{corrupt, MoneyError};
use super::ledger::{self, About};
use super::once::{self, Once};
use super::pledges::{amount_of, reindex, touch_fund};
use super::targets;
use crate::audit::{self, Change};
use crate::claims::charity::CharityActor;
use crate::domain::need::NeedStatus;
use crate::domain::support::{
    ClaimStatus, LedgerAccount, LedgerKind, LeftoverPolicy, PledgeStatus,
};
use crate::domain::Fen;
use crate::entities::{
    allocation, allocation_source, claim, fund, ledger_transaction, need, pledge,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set,
};

/// Needs money can go to: open or claimed, not yet met.
pub const RECEIVING: [NeedStatus; 2] = [NeedStatus::Published, NeedStatus::Claimed];

/// What is left of a receipt into a fund (a pledge received, a match, a return) after
/// the allocations that drew on it and, for a pledge, its refunds.
pub async fn source_left<C: ConnectionTrait>(
    db: &C,
    source: &ledger_transaction::Model,
) -> Result<Fen, DbErr> {
    let amount = amount_of(db, source.id).await?;
    let drawn: i64 = allocation_source::Entity::find()
        .filter(allocation_source::Column::SourceTransactionId.eq(source.id))
        .all(db)
        .await?
        .iter()
        .map(|s| s.amount_fen)
        .sum();
    let mut refunded = 0;
    if source.kind == LedgerKind::PledgeReceived.code() {
        if let Some(p) = source.pledge_id {
            for t in ledger_transaction::Entity::find()
                .filter(ledger_transaction::Column::PledgeId.eq(p))
                .filter(ledger_transaction::Column::Kind.eq(LedgerKind::Refund.code()))
                .all(db)
                .await?
            {
                refunded += amount_of(db, t.id).await?.0;
            }
        }
    }
    Ok(Fen(amount.0 - drawn - refunded))
}

/// A receipt into a fund with money left in it.
#[derive(Debug, sea_orm::FromQueryResult)]
struct Source {
    id: i64,
    kind: String,
    pledge_id: Option<i64>,
    left_fen: i64,
}

/// The receipts into a fund that still hold money (what [`source_left`] says of each),
/// oldest first, in one query: a fund's receipts are thousands once it has run a while,
/// and an allocation holds the fund while it reads them.
async fn sources_with_money<C: ConnectionTrait>(
    db: &C,
    fund_id: i64,
) -> Result<Vec<Source>, DbErr> {
    use sea_orm::FromQueryResult;
    Source::find_by_statement(ledger::statement(
        db.get_database_backend(),
        "SELECT id, kind, pledge_id, left_fen FROM ( \
           SELECT t.id AS id, t.kind AS kind, t.pledge_id AS pledge_id, \
             CAST(t.amount_fen \
               - COALESCE((SELECT SUM(s.amount_fen) FROM allocation_sources s \
                           WHERE s.source_transaction_id = t.id), 0) \
               - CASE WHEN t.kind = 'pledge_received' THEN \
                   COALESCE((SELECT SUM(r.amount_fen) FROM ledger_transactions r \
                             WHERE r.pledge_id = t.pledge_id AND r.kind = 'refund'), 0) \
                 ELSE 0 END AS BIGINT) AS left_fen \
           FROM ledger_transactions t \
           WHERE t.fund_id = ? \
             AND t.kind IN ('pledge_received', 'match', 'return_to_fund') \
             AND (t.kind = 'return_to_fund' OR t.need_id IS NULL) \
         ) x WHERE left_fen > 0 ORDER BY id",
        vec![fund_id.into()],
    ))
    .all(db)
    .await
}

/// Moves `amount` from a fund to a need, drawing on its receipts oldest first.
async fn move_to_need<C: ConnectionTrait>(
    txn: &C,
    f: &fund::Model,
    n: &need::Model,
    amount: Fen,
    by: Option<i64>,
    memo: String,
    prefer_pledge: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, MoneyError> {
    let alloc = allocation::ActiveModel {
        fund_id: Set(f.id),
        need_id: Set(n.id),
        amount_fen: Set(amount.0),
        created_by: Set(by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    ledger::post(
        txn,
        LedgerKind::Allocation,
        About {
            charity_id: f.charity_id,
            allocation_id: Some(alloc.id),
            fund_id: Some(f.id),
            need_id: Some(n.id),
            memo,
            created_by: by,
            ..Default::default()
        },
        amount,
        (LedgerAccount::Fund, Some(f.id)),
        (LedgerAccount::Need, Some(n.id)),
        now,
    )
    .await?;
    let mut wanted = amount.0;
    let mut ordered = sources_with_money(txn, f.id).await?;
    // The receipts of the pledge the charity chose come first (stable: oldest otherwise).
    ordered.sort_by_key(|s| prefer_pledge.is_none() || s.pledge_id != prefer_pledge);
    for s in ordered {
        if wanted == 0 {
            break;
        }
        let left = s.left_fen;
        let take = left.min(wanted);
        allocation_source::ActiveModel {
            allocation_id: Set(alloc.id),
            source_transaction_id: Set(s.id),
            amount_fen: Set(take),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        wanted -= take;
        if take == left && s.kind == LedgerKind::PledgeReceived.code() {
            if let Some(p) = s.pledge_id {
                pledge::Entity::update_many()
                    .col_expr(
                        pledge::Column::Status,
                        Expr::value(PledgeStatus::Allocated.code()),
                    )
                    .filter(pledge::Column::Id.eq(p))
                    .filter(pledge::Column::Status.eq(PledgeStatus::Received.code()))
                    .exec(txn)
                    .await?;
            }
        }
    }
    if wanted != 0 {
        // The balance said there was money the receipts do not hold: refuse, roll back.
        return Err(corrupt(format!(
            "fund {} receipts short by {wanted} fen",
            f.id
        )));
    }
    reindex(txn, n.id, now).await?;
    touch_fund(txn, f.id, now).await?;
    Ok(alloc.id)
}

/// Whether the need is held now by an active claim of `charity_id`: a fund gives only to
/// a need its own charity has taken on, so that the charity that spends the money is
/// the one whose fund it came from.
pub(crate) async fn held_by<C: ConnectionTrait>(
    db: &C,
    need_id: i64,
    charity_id: i64,
) -> Result<bool, DbErr> {
    Ok(claim::Entity::find()
        .filter(claim::Column::NeedId.eq(need_id))
        .filter(claim::Column::CharityId.eq(charity_id))
        .filter(claim::Column::Status.eq(ClaimStatus::Active.code()))
        .one(db)
        .await?
        .is_some())
}

/// The charity allocates `amount` of fund `fund_id` to need `code`: the need must be
/// held by an active claim of the fund's charity, meet the fund's criteria and still
/// lack the amount, and the fund must hold it. Of two allocations racing for the
/// fund's last yuan, one wins and the other is refused with
/// [`MoneyError::OverBalance`]; a repeat with the same idempotency key gets the first
/// allocation's id and allocates nothing more.
#[allow(clippy::too_many_arguments)]
pub async fn allocate(
    db: &DatabaseConnection,
    who: &CharityActor,
    fund_id: i64,
    code: &str,
    amount: Fen,
    prefer_pledge: Option<i64>,
    once: Option<&Once>,
    now: DateTime<Utc>,
) -> Result<i64, MoneyError> {
    if amount.0 <= 0 {
        return Err(MoneyError::Invalid(vec![(
            "amount".into(),
            super::problems::AMOUNT,
        )]));
    }
    once::run(db, once, now, async |txn| {
        // The global lock order: the need, then the fund.
        let n = targets::public_need(txn, code).await?;
        ledger::hold(txn, "needs", n.id).await?;
        let f = super::funds::own_row(txn, who, fund_id).await?;
        ledger::hold(txn, "funds", f.id).await?;
        let n = targets::public_need(txn, code).await?;
        let status = NeedStatus::parse(&n.status).map_err(corrupt)?;
        if !RECEIVING.contains(&status) {
            return Err(MoneyError::NeedNotOpen);
        }
        if !held_by(txn, n.id, f.charity_id).await? {
            return Err(MoneyError::NeedNotHeld);
        }
        if !targets::fits(&targets::criteria_of(txn, f.id).await?, &n)? {
            return Err(MoneyError::NotInCriteria);
        }
        let balance = ledger::sums(txn, LedgerAccount::Fund, f.id)
            .await?
            .balance();
        if amount > balance {
            return Err(MoneyError::OverBalance { balance });
        }
        let room = targets::room(txn, &n).await?;
        if room.0 == 0 {
            return Err(MoneyError::NeedFullyFunded);
        }
        if amount > room {
            return Err(MoneyError::OverTarget { room });
        }
        let id = move_to_need(
            txn,
            &f,
            &n,
            amount,
            Some(who.user_id),
            String::new(),
            prefer_pledge,
            now,
        )
        .await?;
        audit::record(
            txn,
            who.actor(),
            Change {
                action: "fund.allocate",
                entity_kind: "fund",
                entity_id: f.id.to_string(),
                before: Some(serde_json::json!({ "balance_fen": balance.0 })),
                after: Some(serde_json::json!({
                    "balance_fen": balance.0 - amount.0,
                    "need": n.public_code,
                    "allocation_id": id,
                })),
                reason: None,
            },
            now,
        )
        .await?;
        Ok(id)
    })
    .await
}

/// Fund money a need holds and has not spent goes back to the funds it came from (what
/// each fund allocated, less what came back already), in the caller's transaction: when
/// the need closes unused (withdrawn, met elsewhere, no longer needed), and when the
/// claim holding it is released or lapses. With `forward`, a fund whose rule says so
/// passes it on to its most urgent matching need held by its charity. The caller holds
/// the need; the funds are held here in id order. Returns the amount moved back.
pub async fn settle_leftover<C: ConnectionTrait>(
    txn: &C,
    need_id: i64,
    forward: bool,
    now: DateTime<Utc>,
) -> Result<Fen, MoneyError> {
    settle(txn, need_id, forward, None, now).await
}

/// [`settle_leftover`], leaving alone the funds of `except_charity` (the charity that
/// met the need, whose money in it was spent).
async fn settle<C: ConnectionTrait>(
    txn: &C,
    need_id: i64,
    forward: bool,
    except_charity: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Fen, MoneyError> {
    let mut left = ledger::sums(txn, LedgerAccount::Need, need_id)
        .await?
        .balance()
        .0;
    if left <= 0 {
        return Ok(Fen::ZERO);
    }
    // What each fund gave (newest allocation first), less what went back already.
    let mut per_fund: Vec<(i64, i64)> = Vec::new();
    for a in allocation::Entity::find()
        .filter(allocation::Column::NeedId.eq(need_id))
        .order_by_desc(allocation::Column::Id)
        .all(txn)
        .await?
    {
        match per_fund.iter_mut().find(|(f, _)| *f == a.fund_id) {
            Some(entry) => entry.1 += a.amount_fen,
            None => per_fund.push((a.fund_id, a.amount_fen)),
        }
    }
    for t in ledger_transaction::Entity::find()
        .filter(ledger_transaction::Column::NeedId.eq(need_id))
        .filter(ledger_transaction::Column::Kind.eq(LedgerKind::ReturnToFund.code()))
        .all(txn)
        .await?
    {
        let back = amount_of(txn, t.id).await?.0;
        if let Some(entry) = per_fund.iter_mut().find(|(f, _)| Some(*f) == t.fund_id) {
            entry.1 -= back;
        }
    }
    let mut ids: Vec<i64> = per_fund.iter().map(|(f, _)| *f).collect();
    ids.sort_unstable();
    for id in ids {
        ledger::hold(txn, "funds", id).await?;
    }
    let mut moved = 0;
    for (fund_id, given) in per_fund {
        let amount = given.min(left);
        if amount <= 0 {
            continue;
        }
        let f = fund::Entity::find_by_id(fund_id)
            .one(txn)
            .await?
            .ok_or_else(|| corrupt("allocation without fund"))?;
        if except_charity == Some(f.charity_id) {
            continue;
        }
        ledger::post(
            txn,
            LedgerKind::ReturnToFund,
            About {
                charity_id: f.charity_id,
                fund_id: Some(f.id),
                need_id: Some(need_id),
                memo: "结余退回 leftover".into(),
                ..Default::default()
            },
            Fen(amount),
            (LedgerAccount::Need, Some(need_id)),
            (LedgerAccount::Fund, Some(f.id)),
            now,
        )
        .await?;
        touch_fund(txn, f.id, now).await?;
        left -= amount;
        moved += amount;
        let policy = LeftoverPolicy::parse(&f.leftover_policy).map_err(corrupt)?;
        if forward && policy == LeftoverPolicy::MostUrgentMatchingNeed {
            if let Some(next) = most_urgent_match(txn, &f, need_id).await? {
                let room = targets::room(txn, &next).await?;
                let pass = Fen(amount.min(room.0));
                if pass.0 > 0 {
                    move_to_need(
                        txn,
                        &f,
                        &next,
                        pass,
                        None,
                        "结余转拨 leftover".into(),
                        None,
                        now,
                    )
                    .await?;
                }
            }
        }
    }
    reindex(txn, need_id, now).await?;
    Ok(Fen(moved))
}

/// What a need's account holds for one charity: the movements booked to it.
async fn held_for<C: ConnectionTrait>(
    txn: &C,
    need_id: i64,
    charity_id: i64,
) -> Result<Fen, DbErr> {
    use sea_orm::FromQueryResult;
    #[derive(Debug, FromQueryResult)]
    struct Held {
        held: Option<i64>,
    }
    let row = Held::find_by_statement(ledger::statement(
        txn.get_database_backend(),
        "SELECT CAST(SUM(CASE WHEN e.side = 'credit' THEN e.amount_fen ELSE -e.amount_fen END) AS BIGINT) AS held \
         FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id \
         WHERE e.account_kind = 'need' AND e.account_ref = ? AND t.charity_id = ?",
        vec![need_id.into(), charity_id.into()],
    ))
    .one(txn)
    .await?;
    Ok(Fen(row.and_then(|r| r.held).unwrap_or(0)))
}

/// A need was closed. If its money was `used` (met fully or partly), other charities'
/// fund money in it goes back to their funds, and what it holds for the charity that met
/// it (`holder`) is recorded as disbursed by that charity; direct pledges to another
/// charity stay theirs to refund. Otherwise fund money goes back by
/// each fund's rule ([`settle_leftover`]) and donors' direct pledges stay for the
/// charity to refund. Runs inside the caller's transaction, which holds the need.
pub async fn need_closed<C: ConnectionTrait>(
    txn: &C,
    need_id: i64,
    used: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), MoneyError> {
    let Some(holder) = used else {
        settle_leftover(txn, need_id, true, now).await?;
        return Ok(());
    };
    // Other charities' fund money in the need (allocated before funds gave only to
    // needs their charity holds) was not spent by the holder: it goes back first.
    settle(txn, need_id, false, Some(holder), now).await?;
    let total = ledger::sums(txn, LedgerAccount::Need, need_id)
        .await?
        .balance();
    let held = Fen(held_for(txn, need_id, holder).await?.0.min(total.0));
    if held.0 <= 0 {
        return Ok(());
    }
    ledger::post(
        txn,
        LedgerKind::Disbursement,
        About {
            charity_id: holder,
            need_id: Some(need_id),
            memo: "需求办结 need met".into(),
            ..Default::default()
        },
        held,
        (LedgerAccount::Need, Some(need_id)),
        (LedgerAccount::Disbursed, None),
        now,
    )
    .await?;
    Ok(())
}

/// Demo data: allocates half of what fund `fund_id` holds (at most what the need lacks)
/// to the first open need that fits it.
pub(crate) async fn seed_allocation<C: ConnectionTrait>(
    txn: &C,
    fund_id: i64,
    now: DateTime<Utc>,
) -> Result<(), MoneyError> {
    let Some(f) = fund::Entity::find_by_id(fund_id).one(txn).await? else {
        return Ok(());
    };
    let balance = ledger::sums(txn, LedgerAccount::Fund, f.id)
        .await?
        .balance();
    let half = Fen(balance.0 / 2 / 100 * 100);
    if half.0 <= 0 {
        return Ok(());
    }
    if let Some(n) = most_urgent_match(txn, &f, 0).await? {
        let amount = Fen(half.0.min(targets::room(txn, &n).await?.0));
        if amount.0 > 0 {
            move_to_need(txn, &f, &n, amount, None, String::new(), None, now).await?;
        }
    }
    Ok(())
}

/// The most urgent need (then the nearest deadline, then the oldest) that the fund's
/// charity holds by an active claim, meets the fund's criteria and still lacks money,
/// other than `except`; held for the caller. Its row is taken without waiting (`SKIP
/// LOCKED` on PostgreSQL): this runs while a fund is held, and a need is otherwise
/// always held before a fund, so waiting here could deadlock; a need busy now is
/// skipped for the next.
async fn most_urgent_match<C: ConnectionTrait>(
    txn: &C,
    f: &fund::Model,
    except: i64,
) -> Result<Option<need::Model>, MoneyError> {
    let criteria = targets::criteria_of(txn, f.id).await?;
    let held: Vec<i64> = claim::Entity::find()
        .filter(claim::Column::CharityId.eq(f.charity_id))
        .filter(claim::Column::Status.eq(ClaimStatus::Active.code()))
        .all(txn)
        .await?
        .into_iter()
        .map(|c| c.need_id)
        .collect();
    if held.is_empty() {
        return Ok(None);
    }
    let mut candidates: Vec<need::Model> = need::Entity::find()
        .filter(need::Column::Status.is_in(RECEIVING.map(|s| s.code())))
        .filter(need::Column::Id.ne(except))
        .filter(need::Column::Id.is_in(held))
        .all(txn)
        .await?;
    let rank = |u: &str| match u {
        "critical" => 0,
        "high" => 1,
        "normal" => 2,
        _ => 3,
    };
    candidates.sort_by(|a, b| {
        (rank(&a.urgency), a.deadline.is_none(), a.deadline, a.id).cmp(&(
            rank(&b.urgency),
            b.deadline.is_none(),
            b.deadline,
            b.id,
        ))
    });
    for n in candidates {
        if targets::fits(&criteria, &n)?
            && targets::room(txn, &n).await?.0 > 0
            && ledger::try_hold(txn, "needs", n.id).await?
        {
            return Ok(Some(n));
        }
    }
    Ok(None)
}
