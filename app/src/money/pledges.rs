//! Pledges (认捐): a donor, with or without an account, pledges to a fund or to a need a
//! charity raises for and gets a receipt code; the charity marks the money received
//! (then any matching offer adds its match), or the pledge is reminded and lapses;
//! a received pledge not yet passed on can be refunded. Each change is one transaction.

use super::error::{corrupt, MoneyError};
use super::ledger::{self, About};
use super::once::{self, Once};
use super::targets::{self, fund_with_charity, public_need};
use super::{CharityPledge, PledgeInput, PledgePolicy, PledgeTarget, PledgeView, Reached};
use crate::accounts::throttle::{self, Limits};
use crate::audit::{self, Actor, Change};
use crate::claims::charity::CharityActor;
use crate::domain::support::{ClaimMode, ClaimStatus, LedgerAccount, LedgerKind, PledgeStatus};
use crate::domain::Fen;
use crate::entities::{
    allocation, allocation_source, claim, fund, ledger_transaction, need, organization, pledge,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Pledges per client address: 20 in the throttle's window go freely, then each waits
/// longer, and at 60 the address is locked out for the window.
pub const PLEDGES_PER_ADDRESS: Limits = Limits { free: 20, lock: 60 };

/// A fresh receipt code: `SQ-` and 16 characters of Crockford base32 (80 random bits),
/// in groups of four. Unguessable; easy to read out on the phone.
pub fn new_receipt_code() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let mut code = String::from("SQ");
    for (i, b) in bytes.iter().enumerate() {
        if i % 4 == 0 {
            code.push('-');
        }
        code.push(ALPHABET[usize::from(b & 31)] as char);
    }
    code
}

/// A new pledge's receipt.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pledged {
    pub id: i64,
    pub receipt_code: String,
}

/// The open fundraising claim on a need, if a charity raises money for it now.
async fn raising_claim<C: ConnectionTrait>(
    db: &C,
    need_id: i64,
) -> Result<Option<claim::Model>, DbErr> {
    claim::Entity::find()
        .filter(claim::Column::NeedId.eq(need_id))
        .filter(claim::Column::Status.eq(ClaimStatus::Active.code()))
        .filter(claim::Column::Mode.eq(ClaimMode::Fundraise.code()))
        .one(db)
        .await
}

/// Records a pledge from a donor at `address` (signed in as `donor`, or not) and queues
/// the receipt to their contact. Nothing is written when it is refused.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    db: &DatabaseConnection,
    input: &PledgeInput,
    donor: Option<i64>,
    address: &str,
    policy: PledgePolicy,
    base_url: &str,
    once: Option<&Once>,
    now: DateTime<Utc>,
) -> Result<Pledged, MoneyError> {
    // A repeat of a request already answered gets its answer, not a throttle.
    if let Some(o) = once {
        if let Some(first) = once::answered(db, o).await? {
            return Ok(first);
        }
    }
    let key = [(format!("pledges:{address}"), PLEDGES_PER_ADDRESS)];
    if let Err(until) = throttle::attempt(db, &key, now).await? {
        return Err(MoneyError::Throttled { until });
    }
    once::run(db, once, now, async |txn| {
        create_in(txn, input, donor, policy, base_url, now).await
    })
    .await
}

/// Whether `charity` may take new pledges for a need it raises for: verified, not
/// suspended, and qualified for public fundraising (as when it claimed to raise).
fn may_raise_for_need(charity: &organization::Model) -> Result<(), MoneyError> {
    if charity.suspended_at.is_some() {
        return Err(MoneyError::Suspended);
    }
    if !charity.is_verified() {
        return Err(MoneyError::NotVerified);
    }
    if !charity.public_fundraising {
        return Err(MoneyError::NoFundraisingQualification);
    }
    Ok(())
}

async fn create_in(
    txn: &DatabaseTransaction,
    input: &PledgeInput,
    donor: Option<i64>,
    policy: PledgePolicy,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<Pledged, MoneyError> {
    let (need_id, claim_id, fund_id, charity) = match &input.target {
        PledgeTarget::Fund(id) => {
            let (f, charity) = fund_with_charity(txn, *id).await?;
            if charity.suspended_at.is_some() {
                return Err(MoneyError::Suspended);
            }
            if !targets::accepts_pledges(&f, &charity, now) {
                return Err(MoneyError::FundClosed);
            }
            (None, None, Some(f.id), charity)
        }
        PledgeTarget::Need(code) => {
            let row = public_need(txn, code).await?;
            ledger::hold(txn, "needs", row.id).await?;
            let c = raising_claim(txn, row.id)
                .await?
                .ok_or(MoneyError::NeedNotRaising)?;
            let charity = organization::Entity::find_by_id(c.charity_id)
                .one(txn)
                .await?
                .ok_or_else(|| corrupt("claim without charity"))?;
            may_raise_for_need(&charity)?;
            let room = targets::room(txn, &row).await?;
            if room.0 == 0 {
                return Err(MoneyError::NeedFullyFunded);
            }
            if input.amount > room {
                return Err(MoneyError::OverTarget { room });
            }
            (Some(row.id), Some(c.id), None, charity)
        }
    };
    let receipt_code = new_receipt_code();
    let row = pledge::ActiveModel {
        receipt_code: Set(receipt_code.clone()),
        need_id: Set(need_id),
        claim_id: Set(claim_id),
        fund_id: Set(fund_id),
        charity_id: Set(charity.id),
        donor_user_id: Set(donor),
        donor_name: Set(input.display_name.clone()),
        is_anonymous: Set(input.display_name.is_none()),
        receipt_contact: Set(Some(input.contact.clone())),
        amount_fen: Set(input.amount.0),
        status: Set(PledgeStatus::Pledged.code().to_owned()),
        pledged_at: Set(now),
        lapses_at: Set(now + Duration::days(policy.lapse_days)),
        consented_at: Set(Some(now)),
        // The payee as it is now stays with the pledge: a later change of the charity's
        // account never rewrites these instructions.
        payee_name: Set(charity.payee_name.clone()),
        payee_bank: Set(charity.payee_bank.clone()),
        payee_account: Set(charity.payee_account.clone()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let actor = donor.map_or(Actor::System, |user_id| Actor::User {
        user_id,
        organization_id: None,
    });
    audit::record(
        txn,
        actor,
        Change {
            action: "pledge.create",
            entity_kind: "pledge",
            entity_id: row.id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "status": "pledged",
                "amount_fen": input.amount.0,
                "fund_id": fund_id,
                "need_id": need_id,
            })),
            reason: None,
        },
        now,
    )
    .await?;
    if let Ok(to) = crate::accounts::SignInName::parse(&input.contact) {
        let text = receipt_text(&receipt_code, input.amount, &charity.name, base_url);
        crate::messages::queue(txn, crate::messages::Outgoing::to(&to, text), now).await?;
    }
    Ok(Pledged {
        id: row.id,
        receipt_code,
    })
}

fn receipt_text(
    code: &str,
    amount: Fen,
    charity: &str,
    base_url: &str,
) -> crate::messages::texts::Text {
    let link = format!(
        "{}{}",
        base_url.trim_end_matches('/'),
        crate::routes::PLEDGE.to([&code])
    );
    crate::messages::texts::Text {
        subject: format!("认捐回执 {code} / Pledge receipt {code}"),
        body: format!(
            "感谢您认捐 {amount}。回执编号：{code}\n请按页面上的方式转账给{charity}，并在附言中注明回执编号。\n查看认捐去向：{link}\n\n\
             Thank you for pledging {amount}. Receipt code: {code}\n\
             Pay {charity} as the page says, quoting the receipt code.\nFollow your pledge: {link}\n\n—— 善桥 Shanqiao"
        ),
    }
}

fn reminder_text(
    code: &str,
    amount: Fen,
    lapses_at: DateTime<Utc>,
    base_url: &str,
) -> crate::messages::texts::Text {
    let link = format!(
        "{}{}",
        base_url.trim_end_matches('/'),
        crate::routes::PLEDGE.to([&code])
    );
    let day = crate::domain::calendar::date_text(lapses_at);
    crate::messages::texts::Text {
        subject: format!("认捐待到账提醒 {code} / Your pledge is waiting {code}"),
        body: format!(
            "您认捐的 {amount}（回执 {code}）尚未到账，将于 {day} 失效。如已转账请忽略。\n{link}\n\n\
             Your pledge of {amount} (receipt {code}) has not arrived yet and lapses on {day}. If you have paid, ignore this.\n{link}\n\n—— 善桥 Shanqiao"
        ),
    }
}

async fn own_pledge<C: ConnectionTrait>(
    db: &C,
    who: &CharityActor,
    id: i64,
) -> Result<pledge::Model, MoneyError> {
    pledge::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|p| p.charity_id == who.charity_id)
        .ok_or(MoneyError::NoSuchPledge)
}

fn status(row: &pledge::Model) -> Result<PledgeStatus, MoneyError> {
    PledgeStatus::parse(&row.status).map_err(corrupt)
}

/// The charity's open funds with a matching offer that a pledge to `need` can draw on.
async fn offers_for_need<C: ConnectionTrait>(
    db: &C,
    charity_id: i64,
    need: &need::Model,
) -> Result<Vec<fund::Model>, MoneyError> {
    let mut out = Vec::new();
    for f in fund::Entity::find()
        .filter(fund::Column::CharityId.eq(charity_id))
        .filter(fund::Column::MatchRatioPercent.is_not_null())
        .filter(fund::Column::Status.eq("open"))
        .order_by_asc(fund::Column::Id)
        .all(db)
        .await?
    {
        if targets::fits(&targets::criteria_of(db, f.id).await?, need)? {
            out.push(f);
        }
    }
    Ok(out)
}

/// What came of marking a pledge received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Receipt {
    /// The money is booked (and any matching offer added its match).
    Received { received: Fen, matched: Fen },
    /// More than was pledged: booked only when a second person confirms.
    AwaitingConfirmation { proposed: Fen },
}

/// A pledge held for a change, with what a receipt needs: its need and the funds whose
/// matching offers it can draw on.
struct Held {
    row: pledge::Model,
    need: Option<need::Model>,
    offers: Vec<fund::Model>,
}

impl Receipt {
    /// What a matching offer added (nothing while a receipt waits).
    pub fn matched(&self) -> Fen {
        match self {
            Receipt::Received { matched, .. } => *matched,
            Receipt::AwaitingConfirmation { .. } => Fen::ZERO,
        }
    }
}

/// Reads a pledge's target, then holds the rows in the global lock order — the need,
/// then the funds in id order (its own and those offering a match), then the pledge —
/// and reads the pledge again under its lock. (A pledge's need and fund never change,
/// so the first read can pick the rows.)
async fn hold_pledge(
    txn: &DatabaseTransaction,
    who: &CharityActor,
    pledge_id: i64,
) -> Result<Held, MoneyError> {
    let first = own_pledge(txn, who, pledge_id).await?;
    let need_row = match first.need_id {
        Some(id) => need::Entity::find_by_id(id).one(txn).await?,
        None => None,
    };
    if let Some(n) = &need_row {
        ledger::hold(txn, "needs", n.id).await?;
    }
    let offers: Vec<fund::Model> = match (&need_row, first.fund_id) {
        (Some(n), _) => offers_for_need(txn, first.charity_id, n).await?,
        (None, Some(fund_id)) => fund::Entity::find_by_id(fund_id)
            .one(txn)
            .await?
            .into_iter()
            .collect(),
        _ => return Err(corrupt("pledge without target")),
    };
    let mut held: Vec<i64> = offers.iter().map(|f| f.id).chain(first.fund_id).collect();
    held.sort_unstable();
    held.dedup();
    for id in held {
        ledger::hold(txn, "funds", id).await?;
    }
    ledger::hold(txn, "pledges", pledge_id).await?;
    Ok(Held {
        row: own_pledge(txn, who, pledge_id).await?,
        need: need_row,
        offers,
    })
}

/// The charity marks a pledge received, with the amount that actually arrived. Less
/// than pledged is a partial receipt; more than pledged is not booked until a second
/// member of the charity confirms it ([`confirm_receipt`]). A pledge that lapsed can
/// still be received when the money comes late. Any matching offer then adds its
/// match, within its window and cap, on the confirmed amount only.
pub async fn receive(
    db: &DatabaseConnection,
    who: &CharityActor,
    pledge_id: i64,
    amount: Fen,
    once: Option<&Once>,
    now: DateTime<Utc>,
) -> Result<Receipt, MoneyError> {
    if amount.0 <= 0 || amount > super::MAX_PLEDGE {
        return Err(MoneyError::Invalid(vec![(
            "amount".into(),
            super::problems::RECEIVED_AMOUNT,
        )]));
    }
    once::run(db, once, now, async |txn| {
        let held = hold_pledge(txn, who, pledge_id).await?;
        let from = status(&held.row)?;
        if !matches!(from, PledgeStatus::Pledged | PledgeStatus::Lapsed) {
            return Err(MoneyError::WrongState);
        }
        if amount.0 > held.row.amount_fen {
            return propose(txn, who, &held.row, from, amount, now).await;
        }
        book_receipt(txn, who, held, from, amount, None, now).await
    })
    .await
}

/// A receipt above the pledge waits for a second person: nothing is booked yet.
async fn propose(
    txn: &DatabaseTransaction,
    who: &CharityActor,
    row: &pledge::Model,
    from: PledgeStatus,
    amount: Fen,
    now: DateTime<Utc>,
) -> Result<Receipt, MoneyError> {
    let moved = pledge::Entity::update_many()
        .col_expr(pledge::Column::ProposedReceivedFen, Expr::value(amount.0))
        .col_expr(pledge::Column::ProposedBy, Expr::value(who.user_id))
        .col_expr(pledge::Column::ProposedAt, Expr::value(now))
        .filter(pledge::Column::Id.eq(row.id))
        .filter(pledge::Column::Status.eq(from.code()))
        .exec(txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(MoneyError::WrongState);
    }
    audit::record(
        txn,
        who.actor(),
        Change {
            action: "pledge.receive_proposed",
            entity_kind: "pledge",
            entity_id: row.id.to_string(),
            before: Some(serde_json::json!({ "status": from.code() })),
            after: Some(serde_json::json!({
                "status": from.code(),
                "pledged_fen": row.amount_fen,
                "proposed_received_fen": amount.0,
            })),
            reason: None,
        },
        now,
    )
    .await?;
    Ok(Receipt::AwaitingConfirmation { proposed: amount })
}

/// A second member confirms a receipt above the pledge that another member recorded,
/// for the amount it was shown (`seen`): it is booked then, as recorded by the first and
/// confirmed by the second. If the amount was changed meanwhile, the confirmation is
/// refused ([`MoneyError::ProposalChanged`]).
pub async fn confirm_receipt(
    db: &DatabaseConnection,
    who: &CharityActor,
    pledge_id: i64,
    seen: Fen,
    once: Option<&Once>,
    now: DateTime<Utc>,
) -> Result<Receipt, MoneyError> {
    once::run(db, once, now, async |txn| {
        let held = hold_pledge(txn, who, pledge_id).await?;
        let from = status(&held.row)?;
        let (Some(amount), Some(proposer)) = (held.row.proposed_received_fen, held.row.proposed_by)
        else {
            return Err(MoneyError::NothingToConfirm);
        };
        if !matches!(from, PledgeStatus::Pledged | PledgeStatus::Lapsed) {
            return Err(MoneyError::NothingToConfirm);
        }
        if amount != seen.0 {
            return Err(MoneyError::ProposalChanged);
        }
        if proposer == who.user_id {
            return Err(MoneyError::SecondPersonRequired);
        }
        let by = CharityActor {
            user_id: proposer,
            ..who.clone()
        };
        book_receipt(txn, &by, held, from, Fen(amount), Some(who), now).await
    })
    .await
}

/// Books a receipt (and its match) for a pledge held by [`hold_pledge`], recorded by
/// `who` and, above the pledge, confirmed by `confirmed_by`.
async fn book_receipt(
    txn: &DatabaseTransaction,
    who: &CharityActor,
    held: Held,
    from: PledgeStatus,
    amount: Fen,
    confirmed_by: Option<&CharityActor>,
    now: DateTime<Utc>,
) -> Result<Receipt, MoneyError> {
    let Held {
        row,
        need: need_row,
        offers,
    } = held;
    let mut held: Vec<i64> = offers.iter().map(|f| f.id).chain(row.fund_id).collect();
    held.sort_unstable();
    held.dedup();
    let mut room = None;
    if let Some(n) = &need_row {
        let r = targets::room(txn, n).await?;
        if amount > r {
            return Err(MoneyError::OverTarget { room: r });
        }
        room = Some(Fen(r.0 - amount.0));
    }
    let credit = match (row.need_id, row.fund_id) {
        (Some(n), _) => (LedgerAccount::Need, Some(n)),
        (None, Some(f)) => (LedgerAccount::Fund, Some(f)),
        _ => return Err(corrupt("pledge without target")),
    };
    let about = About {
        charity_id: row.charity_id,
        pledge_id: Some(row.id),
        fund_id: row.fund_id,
        need_id: row.need_id,
        created_by: Some(who.user_id),
        ..Default::default()
    };
    ledger::post(
        txn,
        LedgerKind::PledgeReceived,
        about.clone(),
        amount,
        (LedgerAccount::Donors, None),
        credit,
        now,
    )
    .await?;
    let moved = pledge::Entity::update_many()
        .col_expr(
            pledge::Column::Status,
            Expr::value(PledgeStatus::Received.code()),
        )
        .col_expr(pledge::Column::ReceivedFen, Expr::value(amount.0))
        .col_expr(pledge::Column::ReceivedAt, Expr::value(now))
        .col_expr(pledge::Column::ReceivedBy, Expr::value(who.user_id))
        .col_expr(
            pledge::Column::ReceivedConfirmedBy,
            Expr::value(confirmed_by.map(|c| c.user_id)),
        )
        .col_expr(
            pledge::Column::ProposedReceivedFen,
            Expr::value(Option::<i64>::None),
        )
        .filter(pledge::Column::Id.eq(row.id))
        .filter(pledge::Column::Status.eq(from.code()))
        .exec(txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(MoneyError::WrongState);
    }
    // The first offer with something left matches, on the confirmed amount.
    let mut matched = Fen::ZERO;
    for f in &offers {
        let Some(offer) = targets::offer_of(f) else {
            continue;
        };
        if f.status != "open" {
            continue;
        }
        let so_far = Fen(-ledger::sums(txn, LedgerAccount::MatchSponsor, f.id)
            .await?
            .balance()
            .0);
        let mut m = offer.match_for(amount, so_far, now);
        if let Some(r) = room {
            m = m.min(r);
        }
        if m.0 > 0 {
            ledger::post(
                txn,
                LedgerKind::Match,
                About {
                    fund_id: Some(f.id),
                    memo: format!("{} {}%", f.name, offer.ratio_percent),
                    ..about.clone()
                },
                m,
                (LedgerAccount::MatchSponsor, Some(f.id)),
                credit,
                now,
            )
            .await?;
            matched = m;
            break;
        }
    }
    if let Some(n) = row.need_id {
        reindex(txn, n, now).await?;
    }
    for f in &held {
        touch_fund(txn, *f, now).await?;
    }
    let actor = confirmed_by.unwrap_or(who).actor();
    audit::record(
        txn,
        actor,
        Change {
            action: if confirmed_by.is_some() {
                "pledge.receive_confirmed"
            } else {
                "pledge.receive"
            },
            entity_kind: "pledge",
            entity_id: row.id.to_string(),
            before: Some(serde_json::json!({ "status": from.code() })),
            after: Some(serde_json::json!({
                "status": "received",
                "pledged_fen": row.amount_fen,
                "received_fen": amount.0,
                "matched_fen": matched.0,
                "recorded_by": who.user_id,
            })),
            reason: None,
        },
        now,
    )
    .await?;
    Ok(Receipt::Received {
        received: amount,
        matched,
    })
}

/// The library shows how far a need is funded: its index entry follows.
pub(crate) async fn reindex<C: ConnectionTrait>(
    txn: &C,
    need_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    crate::library::index::write_outbox(txn, "need", need_id, "upsert", now).await
}

/// A fund's public pages and its list entry follow: an outbox row (the page cache of
/// every instance moves on with it; the library ignores funds).
pub(crate) async fn touch_fund<C: ConnectionTrait>(
    txn: &C,
    fund_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    crate::library::index::write_outbox(txn, "fund", fund_id, "upsert", now).await
}

/// The ledger transactions of a pledge (its receipt, its match, refunds).
async fn transactions_of<C: ConnectionTrait>(
    db: &C,
    pledge_id: i64,
) -> Result<Vec<ledger_transaction::Model>, DbErr> {
    ledger_transaction::Entity::find()
        .filter(ledger_transaction::Column::PledgeId.eq(pledge_id))
        .order_by_asc(ledger_transaction::Column::Id)
        .all(db)
        .await
}

/// One transaction's amount (both entries carry it).
pub(crate) async fn amount_of<C: ConnectionTrait>(db: &C, tx_id: i64) -> Result<Fen, DbErr> {
    Ok(Fen(crate::entities::ledger_entry::Entity::find()
        .filter(crate::entities::ledger_entry::Column::TransactionId.eq(tx_id))
        .one(db)
        .await?
        .map_or(0, |e| e.amount_fen)))
}

/// The charity gives back a received pledge's money still in the fund or the need (a
/// donor's request, a need met elsewhere); the pledge is cancelled. Of two refunds of
/// one pledge at once, one is booked and the other finds it cancelled
/// ([`MoneyError::WrongState`]); with the same idempotency key, the other gets the
/// first one's answer.
pub async fn refund(
    db: &DatabaseConnection,
    who: &CharityActor,
    pledge_id: i64,
    reason: &str,
    once: Option<&Once>,
    now: DateTime<Utc>,
) -> Result<Fen, MoneyError> {
    let reason = reason.trim();
    if reason.chars().count() > 200 {
        return Err(MoneyError::Invalid(vec![(
            "reason".into(),
            super::problems::REFUND_REASON,
        )]));
    }
    once::run(db, once, now, async |txn| {
        refund_in(txn, who, pledge_id, reason, now).await
    })
    .await
}

async fn refund_in(
    txn: &DatabaseTransaction,
    who: &CharityActor,
    pledge_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Fen, MoneyError> {
    let row = hold_pledge(txn, who, pledge_id).await?.row;
    if status(&row)? != PledgeStatus::Received {
        return Err(MoneyError::WrongState);
    }
    let receipt = transactions_of(txn, row.id)
        .await?
        .into_iter()
        .find(|t| t.kind == LedgerKind::PledgeReceived.code())
        .ok_or_else(|| corrupt("received pledge without receipt"))?;
    let (account, amount) = match (row.fund_id, row.need_id) {
        (Some(f), _) => {
            let left = super::allocations::source_left(txn, &receipt).await?;
            ((LedgerAccount::Fund, Some(f)), left)
        }
        (None, Some(n)) => {
            let balance = ledger::sums(txn, LedgerAccount::Need, n).await?.balance();
            (
                (LedgerAccount::Need, Some(n)),
                Fen(balance.0.min(row.received_fen.unwrap_or(0))),
            )
        }
        _ => return Err(corrupt("pledge without target")),
    };
    if amount.0 <= 0 {
        return Err(MoneyError::WrongState);
    }
    // The status moves first, only from `received`: whoever moved it first refunds.
    let moved = pledge::Entity::update_many()
        .col_expr(
            pledge::Column::Status,
            Expr::value(PledgeStatus::Cancelled.code()),
        )
        .col_expr(pledge::Column::CancelledAt, Expr::value(now))
        .filter(pledge::Column::Id.eq(row.id))
        .filter(pledge::Column::Status.eq(PledgeStatus::Received.code()))
        .exec(txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(MoneyError::WrongState);
    }
    ledger::post(
        txn,
        LedgerKind::Refund,
        About {
            charity_id: row.charity_id,
            pledge_id: Some(row.id),
            fund_id: row.fund_id,
            need_id: row.need_id,
            memo: reason.to_owned(),
            created_by: Some(who.user_id),
            ..Default::default()
        },
        amount,
        account,
        (LedgerAccount::Refunded, None),
        now,
    )
    .await?;
    if let Some(n) = row.need_id {
        reindex(txn, n, now).await?;
    }
    if let Some(f) = row.fund_id {
        touch_fund(txn, f, now).await?;
    }
    audit::record(
        txn,
        who.actor(),
        Change {
            action: "pledge.refund",
            entity_kind: "pledge",
            entity_id: row.id.to_string(),
            before: Some(serde_json::json!({ "status": "received" })),
            after: Some(serde_json::json!({ "status": "cancelled", "refunded_fen": amount.0 })),
            reason: Some(reason.to_owned()),
        },
        now,
    )
    .await?;
    Ok(amount)
}

/// Reminds donors whose pledge lapses within the policy's days, and lapses pledges past
/// their time. Returns (reminded, lapsed).
pub async fn lapse_due(
    db: &DatabaseConnection,
    policy: PledgePolicy,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<(usize, usize), DbErr> {
    let waiting = PledgeStatus::Pledged.code();
    let mut reminded = 0;
    let to_remind = pledge::Entity::find()
        .filter(pledge::Column::Status.eq(waiting))
        .filter(pledge::Column::RemindedAt.is_null())
        .filter(pledge::Column::LapsesAt.gt(now))
        .filter(pledge::Column::LapsesAt.lte(now + Duration::days(policy.remind_days_before)))
        .all(db)
        .await?;
    for p in to_remind {
        let txn = crate::db::begin_write(db).await?;
        let done = pledge::Entity::update_many()
            .col_expr(pledge::Column::RemindedAt, Expr::value(now))
            .filter(pledge::Column::Id.eq(p.id))
            .filter(pledge::Column::RemindedAt.is_null())
            .filter(pledge::Column::Status.eq(waiting))
            .exec(&txn)
            .await?;
        if done.rows_affected == 1 {
            if let Some(to) = p
                .receipt_contact
                .as_deref()
                .and_then(|c| crate::accounts::SignInName::parse(c).ok())
            {
                let text = reminder_text(&p.receipt_code, Fen(p.amount_fen), p.lapses_at, base_url);
                crate::messages::queue(&txn, crate::messages::Outgoing::to(&to, text), now).await?;
            }
            reminded += 1;
        }
        txn.commit().await?;
    }
    let due = pledge::Entity::find()
        .filter(pledge::Column::Status.eq(waiting))
        .filter(pledge::Column::LapsesAt.lte(now))
        .all(db)
        .await?;
    let mut lapsed = 0;
    for p in due {
        let txn = crate::db::begin_write(db).await?;
        let done = pledge::Entity::update_many()
            .col_expr(
                pledge::Column::Status,
                Expr::value(PledgeStatus::Lapsed.code()),
            )
            .filter(pledge::Column::Id.eq(p.id))
            .filter(pledge::Column::Status.eq(waiting))
            .exec(&txn)
            .await?;
        if done.rows_affected == 1 {
            audit::record(
                &txn,
                Actor::System,
                Change {
                    action: "pledge.lapse",
                    entity_kind: "pledge",
                    entity_id: p.id.to_string(),
                    before: Some(serde_json::json!({ "status": "pledged" })),
                    after: Some(serde_json::json!({ "status": "lapsed" })),
                    reason: None,
                },
                now,
            )
            .await?;
            lapsed += 1;
        }
        txn.commit().await?;
    }
    Ok((reminded, lapsed))
}

/// Builds the views of `rows`.
async fn views<C: ConnectionTrait>(
    db: &C,
    rows: Vec<pledge::Model>,
) -> Result<Vec<(PledgeView, Option<String>)>, MoneyError> {
    let mut out = Vec::with_capacity(rows.len());
    let mut charities: BTreeMap<i64, organization::Model> = BTreeMap::new();
    for row in rows {
        if !charities.contains_key(&row.charity_id) {
            let o = organization::Entity::find_by_id(row.charity_id)
                .one(db)
                .await?
                .ok_or_else(|| corrupt("pledge without charity"))?;
            charities.insert(o.id, o);
        }
        let charity = &charities[&row.charity_id];
        let fund = match row.fund_id {
            Some(id) => fund::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|f| (f.id, f.name)),
            None => None,
        };
        let need_row = match row.need_id {
            Some(id) => need::Entity::find_by_id(id).one(db).await?,
            None => None,
        };
        let txs = transactions_of(db, row.id).await?;
        let mut matched = Fen::ZERO;
        let mut refunded = Fen::ZERO;
        let mut sources = Vec::new();
        for t in &txs {
            let a = amount_of(db, t.id).await?;
            match LedgerKind::parse(&t.kind).map_err(corrupt)? {
                LedgerKind::Match => {
                    matched = Fen(matched.0 + a.0);
                    sources.push(t.id);
                }
                LedgerKind::Refund => refunded = Fen(refunded.0 + a.0),
                LedgerKind::PledgeReceived => sources.push(t.id),
                _ => {}
            }
        }
        let received = row.received_fen.map(Fen);
        let mut reached: Vec<Reached> = Vec::new();
        let mut in_fund = Fen::ZERO;
        if let Some(n) = &need_row {
            let got = Fen(received.map_or(0, |r| r.0) + matched.0 - refunded.0);
            if got.0 > 0 {
                reached.push(Reached {
                    public_code: n.public_code.clone(),
                    title: n.title.clone(),
                    amount: got,
                });
            }
        } else if row.fund_id.is_some() && !sources.is_empty() {
            let mut by_need: BTreeMap<i64, i64> = BTreeMap::new();
            let mut spent = 0i64;
            for s in allocation_source::Entity::find()
                .filter(allocation_source::Column::SourceTransactionId.is_in(sources.clone()))
                .all(db)
                .await?
            {
                let a = allocation::Entity::find_by_id(s.allocation_id)
                    .one(db)
                    .await?
                    .ok_or_else(|| corrupt("allocation source without allocation"))?;
                *by_need.entry(a.need_id).or_default() += s.amount_fen;
                spent += s.amount_fen;
            }
            for (need_id, amount) in by_need {
                if let Some(n) = need::Entity::find_by_id(need_id).one(db).await? {
                    reached.push(Reached {
                        public_code: n.public_code,
                        title: n.title,
                        amount: Fen(amount),
                    });
                }
            }
            in_fund = Fen(received.map_or(0, |r| r.0) + matched.0 - refunded.0 - spent);
        }
        let payment = super::payment::instructions(
            &targets::payee_of_pledge(&row, charity),
            Some(Fen(row.amount_fen)),
            Some(&row.receipt_code),
        );
        let view = PledgeView {
            id: row.id,
            receipt_code: row.receipt_code.clone(),
            status: status(&row)?,
            amount: Fen(row.amount_fen),
            received,
            pledged_at: row.pledged_at,
            lapses_at: row.lapses_at,
            received_at: row.received_at,
            fund,
            need: need_row.map(|n| (n.public_code, n.title)),
            charity: charity.name.clone(),
            donor_name: if row.is_anonymous {
                None
            } else {
                row.donor_name.clone()
            },
            reached,
            in_fund,
            refunded,
            matched,
            payment,
        };
        out.push((view, row.receipt_contact));
    }
    Ok(out)
}

/// A pledge by its receipt code, as its donor follows it.
pub async fn track<C: ConnectionTrait>(
    db: &C,
    receipt_code: &str,
) -> Result<PledgeView, MoneyError> {
    let code = receipt_code.trim().to_uppercase();
    let row = pledge::Entity::find()
        .filter(pledge::Column::ReceiptCode.eq(code))
        .one(db)
        .await?
        .ok_or(MoneyError::NoSuchPledge)?;
    Ok(views(db, vec![row]).await?.remove(0).0)
}

/// A signed-in donor's pledges, newest first.
pub async fn for_donor<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<Vec<PledgeView>, MoneyError> {
    let rows = pledge::Entity::find()
        .filter(pledge::Column::DonorUserId.eq(user_id))
        .order_by_desc(pledge::Column::Id)
        .all(db)
        .await?;
    Ok(views(db, rows).await?.into_iter().map(|v| v.0).collect())
}

/// A charity's pledges, waiting ones (pledged or lapsed) first, then the latest others.
pub async fn for_charity<C: ConnectionTrait>(
    db: &C,
    charity_id: i64,
) -> Result<Vec<CharityPledge>, MoneyError> {
    let rows = pledge::Entity::find()
        .filter(pledge::Column::CharityId.eq(charity_id))
        .order_by_desc(pledge::Column::Id)
        .all(db)
        .await?;
    let (mut waiting, rest): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|p| p.status == "pledged" || p.status == "lapsed");
    waiting.extend(rest.into_iter().take(100));
    let proposals: Vec<Option<(Fen, i64)>> = waiting
        .iter()
        .map(|p| p.proposed_received_fen.map(Fen).zip(p.proposed_by))
        .collect();
    let mut out = Vec::with_capacity(waiting.len());
    for ((view, contact), proposed) in views(db, waiting).await?.into_iter().zip(proposals) {
        let proposed = match proposed {
            Some((amount, by)) => Some((
                amount,
                crate::entities::user::Entity::find_by_id(by)
                    .one(db)
                    .await?
                    .map(|u| u.display_name)
                    .unwrap_or_default(),
            )),
            None => None,
        };
        out.push(CharityPledge {
            view,
            contact,
            proposed,
        });
    }
    Ok(out)
}
