//! Changing claims: a charity claims a need, releases it or reports fulfilment; the
//! background job lapses claims past their due date; staff question or verify a report
//! and close the need. Each change asks [`rules::next`] first, runs in one transaction,
//! moves the need and the claim only from the states it read (a guarded update), writes
//! the search outbox (the library's status facet follows) and one audit entry.

use super::charity::CharityActor;
use super::rules::{self, Action, Refusal, Role as RuleRole, State};
use super::{
    problems, ClaimRequest, FieldProblems, FulfilmentReport, LeasePolicy, ReportInput,
    Verification, DEFAULT_CAPACITY,
};
use crate::alerts::EventKind;
use crate::audit::{self, Actor, Change};
use crate::domain::calendar;
use crate::domain::need::{NeedStatus, Urgency};
use crate::domain::support::{ClaimMode, ClaimStatus};
use crate::entities::{claim, need, need_private, organization, supply_profile};
use crate::needs::lifecycle::{acting_office, REVIEWERS};
use crate::needs::staff::Staff;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};

/// Claims that hold a need (at most one per need, by a unique index).
pub const OPEN: [&str; 3] = ["active", "fulfilled", "verified"];

#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    /// Unknown need or claim, or one the actor may not see (one answer for both).
    #[error("not found")]
    NotFound,
    /// The actor is not a member of a charity (or not staff, for staff actions).
    #[error("not a charity member")]
    NotACharity,
    #[error("forbidden")]
    Forbidden,
    #[error("the charity is not verified")]
    NotVerified,
    #[error("the charity is not qualified for public fundraising")]
    NoFundraisingQualification,
    #[error("the charity carries {capacity} active claims already")]
    AtCapacity { capacity: u32 },
    #[error("already claimed by another charity")]
    AlreadyClaimed,
    /// The need is not open for claiming (draft, withdrawn, closed…).
    #[error("the need is {0}")]
    NotClaimable(NeedStatus),
    /// The claim is not in a state that allows this (it may have moved meanwhile).
    #[error("the claim is not in a state that allows this")]
    WrongState,
    #[error("invalid input")]
    Invalid(FieldProblems),
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

fn corrupt(e: impl std::fmt::Display) -> ClaimError {
    ClaimError::Corrupt(e.to_string())
}

impl From<Refusal> for ClaimError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::NotAllowed => ClaimError::Forbidden,
            Refusal::NotVerified => ClaimError::NotVerified,
            Refusal::AlreadyClaimed => ClaimError::AlreadyClaimed,
            Refusal::NeedState(s) => ClaimError::NotClaimable(s),
            Refusal::ClaimState(_) => ClaimError::WrongState,
        }
    }
}

impl From<crate::needs::lifecycle::NeedError> for ClaimError {
    fn from(e: crate::needs::lifecycle::NeedError) -> Self {
        use crate::needs::lifecycle::NeedError;
        match e {
            NeedError::NotFound => ClaimError::NotFound,
            NeedError::Forbidden => ClaimError::Forbidden,
            NeedError::Database(e) => ClaimError::Database(e),
            other => ClaimError::Corrupt(other.to_string()),
        }
    }
}

fn need_status(row: &need::Model) -> Result<NeedStatus, ClaimError> {
    NeedStatus::parse(&row.status).map_err(corrupt)
}

fn claim_status(row: &claim::Model) -> Result<ClaimStatus, ClaimError> {
    ClaimStatus::parse(&row.status).map_err(corrupt)
}

/// The open claim on a need, if any.
pub(crate) async fn open_claim<C: ConnectionTrait>(
    db: &C,
    need_id: i64,
) -> Result<Option<claim::Model>, DbErr> {
    claim::Entity::find()
        .filter(claim::Column::NeedId.eq(need_id))
        .filter(claim::Column::Status.is_in(OPEN))
        .one(db)
        .await
}

async fn state_of<C: ConnectionTrait>(db: &C, row: &need::Model) -> Result<State, ClaimError> {
    let claim = match open_claim(db, row.id).await? {
        Some(c) => Some(claim_status(&c)?),
        None => None,
    };
    Ok(State {
        need: need_status(row)?,
        claim,
    })
}

/// Sets row `id`'s `status` to `to`, with the extra columns, only if it is still `from`:
/// true when it moved, false when someone moved it first.
async fn guarded<E: EntityTrait, C: ConnectionTrait>(
    txn: &C,
    (id_column, id): (E::Column, i64),
    status: E::Column,
    (from, to): (&str, &str),
    extra: Vec<(E::Column, SimpleExpr)>,
) -> Result<bool, DbErr> {
    let mut update = E::update_many().col_expr(status, Expr::value(to));
    for (column, value) in extra {
        update = update.col_expr(column, value);
    }
    let done = update
        .filter(id_column.eq(id))
        .filter(status.eq(from))
        .exec(txn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Moves the need from `from` to `to` if it is still in `from`; false if it moved.
async fn move_need<C: ConnectionTrait>(
    txn: &C,
    need_id: i64,
    from: NeedStatus,
    to: NeedStatus,
    mut extra: Vec<(need::Column, SimpleExpr)>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    extra.push((need::Column::UpdatedAt, Expr::value(now)));
    guarded::<need::Entity, _>(
        txn,
        (need::Column::Id, need_id),
        need::Column::Status,
        (from.code(), to.code()),
        extra,
    )
    .await
}

/// Moves the claim from `from` to `to` with the extra columns if it is still in `from`.
async fn move_claim<C: ConnectionTrait>(
    txn: &C,
    claim_id: i64,
    from: ClaimStatus,
    to: ClaimStatus,
    extra: Vec<(claim::Column, SimpleExpr)>,
) -> Result<bool, DbErr> {
    guarded::<claim::Entity, _>(
        txn,
        (claim::Column::Id, claim_id),
        claim::Column::Status,
        (from.code(), to.code()),
        extra,
    )
    .await
}

/// Whoever should hear of the change is told, after the transaction commits.
async fn alert<C: ConnectionTrait>(
    txn: &C,
    kind: EventKind,
    need_id: i64,
    claim_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    crate::alerts::events::record(txn, kind, need_id, Some(claim_id), now).await
}

/// The library shows every status change: one outbox row per change.
async fn reindex<C: ConnectionTrait>(
    txn: &C,
    need_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    crate::library::index::write_outbox(txn, "need", need_id, "upsert", now).await
}

fn states(from: State, to: State) -> (serde_json::Value, serde_json::Value) {
    let json = |s: State| {
        serde_json::json!({
            "status": s.need.code(),
            "claim": s.claim.map(|c| c.code()),
        })
    };
    (json(from), json(to))
}

#[allow(clippy::too_many_arguments)]
async fn record<C: ConnectionTrait>(
    txn: &C,
    actor: Actor,
    action: &str,
    need_code: &str,
    claim_id: i64,
    from: State,
    to: State,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (mut before, mut after) = states(from, to);
    before["claim_id"] = claim_id.into();
    after["claim_id"] = claim_id.into();
    audit::record(
        txn,
        actor,
        Change {
            action,
            entity_kind: "need",
            entity_id: need_code.to_owned(),
            before: Some(before),
            after: Some(after),
            reason,
        },
        now,
    )
    .await
}

/// The claims a charity can carry at once: its profile's, or the default.
pub(crate) async fn capacity_of<C: ConnectionTrait>(db: &C, charity_id: i64) -> Result<u32, DbErr> {
    Ok(supply_profile::Entity::find_by_id(charity_id)
        .one(db)
        .await?
        .map(|p| p.claim_capacity.max(0) as u32)
        .unwrap_or(DEFAULT_CAPACITY))
}

/// The charity's claims still to be fulfilled.
pub(crate) async fn active_claims<C: ConnectionTrait>(
    db: &C,
    charity_id: i64,
) -> Result<u32, DbErr> {
    Ok(claim::Entity::find()
        .filter(claim::Column::CharityId.eq(charity_id))
        .filter(claim::Column::Status.eq(ClaimStatus::Active.code()))
        .count(db)
        .await? as u32)
}

/// On PostgreSQL, holds the charity's row until the transaction ends, so that two claims
/// by one charity at the same instant cannot both pass the capacity check. (SQLite runs
/// one writing transaction at a time already.)
async fn lock_charity<C: ConnectionTrait>(txn: &C, charity_id: i64) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM organizations WHERE id = $1 FOR UPDATE",
            [charity_id.into()],
        ))
        .await?;
    }
    Ok(())
}

async fn need_by_code<C: ConnectionTrait>(db: &C, code: &str) -> Result<need::Model, ClaimError> {
    need::Entity::find()
        .filter(need::Column::PublicCode.eq(code))
        .one(db)
        .await?
        .ok_or(ClaimError::NotFound)
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Whether a charity has the need already (claimed, or further along).
fn taken(row: &need::Model) -> Result<bool, ClaimError> {
    Ok(matches!(
        need_status(row)?,
        NeedStatus::Claimed | NeedStatus::Fulfilled | NeedStatus::Verified
    ))
}

/// A verified charity claims a published need: the need becomes `claimed` and the claim
/// a lease that runs out after the days `policy` gives the need's urgency. Of two
/// charities claiming at the same instant exactly one wins; the other gets
/// [`ClaimError::AlreadyClaimed`]. Returns the claim's id.
pub async fn claim(
    db: &DatabaseConnection,
    who: &CharityActor,
    code: &str,
    request: &ClaimRequest,
    policy: LeasePolicy,
    now: DateTime<Utc>,
) -> Result<i64, ClaimError> {
    // A need already taken is answered from a read, without waiting for the writer: in a
    // burst of claims on one need, all but the first few end here. (The guarded update
    // below still decides the race.)
    if let Some(row) = need::Entity::find()
        .filter(need::Column::PublicCode.eq(code))
        .one(db)
        .await?
    {
        if taken(&row)? {
            return Err(ClaimError::AlreadyClaimed);
        }
    }
    let txn = crate::db::begin_write(db).await?;
    // On PostgreSQL, wait on the need's row for a claim of it in progress: when that one
    // commits, this one reads the need claimed and ends here, instead of running every
    // check only to lose at the guarded update. (Lock order: the need, then the charity.)
    let row = need::Entity::find()
        .filter(need::Column::PublicCode.eq(code))
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(ClaimError::NotFound)?;
    if taken(&row)? {
        return Err(ClaimError::AlreadyClaimed);
    }
    lock_charity(&txn, who.charity_id).await?;
    // Read again inside the transaction: an admin may have just changed it.
    let charity = organization::Entity::find_by_id(who.charity_id)
        .one(&txn)
        .await?
        .ok_or(ClaimError::NotACharity)?;
    let verified = charity.is_verified();
    let from = state_of(&txn, &row).await?;
    if !from.need.is_public() {
        return Err(ClaimError::NotFound);
    }
    let to = rules::next(from, Action::Claim, RuleRole::OtherCharity { verified })?;
    if request.mode == ClaimMode::Fundraise && !charity.public_fundraising {
        return Err(ClaimError::NoFundraisingQualification);
    }
    let capacity = capacity_of(&txn, who.charity_id).await?;
    if active_claims(&txn, who.charity_id).await? >= capacity {
        return Err(ClaimError::AtCapacity { capacity });
    }
    let urgency = Urgency::parse(&row.urgency).map_err(corrupt)?;
    let due_at = now + Duration::days(policy.days(urgency));
    if request
        .plan_by
        .is_some_and(|d| d > calendar::date_of(due_at))
    {
        return Err(ClaimError::Invalid(vec![(
            "plan_by".into(),
            problems::PLAN_BY_AFTER_DUE,
        )]));
    }
    if !move_need(&txn, row.id, from.need, to.need, Vec::new(), now).await? {
        // Another charity's claim committed between our read and our update.
        let current = need_by_code(&txn, code).await?;
        return Err(if taken(&current)? {
            ClaimError::AlreadyClaimed
        } else {
            ClaimError::NotClaimable(need_status(&current)?)
        });
    }
    let inserted = claim::ActiveModel {
        need_id: Set(row.id),
        charity_id: Set(who.charity_id),
        claimed_by: Set(who.user_id),
        mode: Set(request.mode.code().to_owned()),
        status: Set(ClaimStatus::Active.code().to_owned()),
        due_at: Set(due_at),
        created_at: Set(now),
        plan: Set(request.plan.clone()),
        plan_by: Set(request.plan_by),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            ClaimError::AlreadyClaimed
        } else {
            e.into()
        }
    })?;
    reindex(&txn, row.id, now).await?;
    alert(&txn, EventKind::ClaimTaken, row.id, inserted.id, now).await?;
    record(
        &txn,
        who.actor(),
        "need.claim",
        &row.public_code,
        inserted.id,
        from,
        to,
        None,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(inserted.id)
}

/// A claim of the actor's charity with its need, read inside `txn`; another charity's
/// claim is "not found".
async fn own_claim<C: ConnectionTrait>(
    txn: &C,
    who: &CharityActor,
    claim_id: i64,
) -> Result<(claim::Model, need::Model), ClaimError> {
    let c = claim::Entity::find_by_id(claim_id)
        .one(txn)
        .await?
        .filter(|c| c.charity_id == who.charity_id)
        .ok_or(ClaimError::NotFound)?;
    let n = need::Entity::find_by_id(c.need_id)
        .one(txn)
        .await?
        .ok_or(ClaimError::NotFound)?;
    Ok((c, n))
}

/// The state of a need as seen through one of its claims: the claim's own status when
/// it is the open one, none otherwise (an ended claim can do nothing).
fn through(c: &claim::Model, n: &need::Model) -> Result<State, ClaimError> {
    let status = claim_status(c)?;
    Ok(State {
        need: need_status(n)?,
        claim: matches!(
            status,
            ClaimStatus::Active | ClaimStatus::Fulfilled | ClaimStatus::Verified
        )
        .then_some(status),
    })
}

/// The charity gives a claim back, with a reason: the need returns to the library.
pub async fn release(
    db: &DatabaseConnection,
    who: &CharityActor,
    claim_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), ClaimError> {
    let reason = super::required_note(reason)
        .ok_or_else(|| ClaimError::Invalid(vec![("reason".into(), problems::REASON)]))?;
    let txn = crate::db::begin_write(db).await?;
    let (c, _) = own_claim(&txn, who, claim_id).await?;
    // The global lock order: the need, then its claim (then funds).
    crate::money::ledger::hold(&txn, "needs", c.need_id).await?;
    let (c, n) = own_claim(&txn, who, claim_id).await?;
    let from = through(&c, &n)?;
    let to = rules::next(
        from,
        Action::Release,
        RuleRole::HoldingCharity {
            verified: who.verified,
        },
    )?;
    let moved = move_claim(
        &txn,
        c.id,
        ClaimStatus::Active,
        ClaimStatus::Released,
        vec![
            (claim::Column::ReleasedAt, Expr::value(Some(now))),
            (
                claim::Column::ReleaseReason,
                Expr::value(Some(reason.clone())),
            ),
            (claim::Column::ReleasedBy, Expr::value(Some(who.user_id))),
        ],
    )
    .await?;
    if !moved || !move_need(&txn, n.id, from.need, to.need, Vec::new(), now).await? {
        return Err(ClaimError::WrongState);
    }
    // Fund money allocated to the need and not spent goes back to its funds.
    return_allocations(&txn, n.id, now).await?;
    reindex(&txn, n.id, now).await?;
    alert(&txn, EventKind::ClaimReleased, n.id, c.id, now).await?;
    record(
        &txn,
        who.actor(),
        "claim.release",
        &n.public_code,
        c.id,
        from,
        to,
        Some(reason),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A claim ended without the need being met: the fund money allocated to the need and
/// not spent goes back to the funds it came from, in the same transaction.
async fn return_allocations<C: ConnectionTrait>(
    txn: &C,
    need_id: i64,
    now: DateTime<Utc>,
) -> Result<(), ClaimError> {
    crate::money::allocations::settle_leftover(txn, need_id, false, now)
        .await
        .map(|_| ())
        .map_err(|e| match e {
            crate::money::MoneyError::Database(e) => ClaimError::Database(e),
            other => ClaimError::Corrupt(other.to_string()),
        })
}

/// How many claims one run of [`lapse_due`] looks at.
const LAPSE_BATCH: u64 = 500;

/// Lapses every active claim whose due date has passed: each need returns to the
/// library. Each claim moves in a transaction of its own, only from `active` and only if
/// still overdue, so a claim fulfilled meanwhile is left alone and two instances running
/// this at once lapse each claim once. Returns how many lapsed.
pub async fn lapse_due(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, ClaimError> {
    let mut lapsed = 0;
    loop {
        let due = claim::Entity::find()
            .filter(claim::Column::Status.eq(ClaimStatus::Active.code()))
            .filter(claim::Column::DueAt.lt(now))
            .order_by_asc(claim::Column::DueAt)
            .order_by_asc(claim::Column::Id)
            .limit(LAPSE_BATCH)
            .all(db)
            .await?;
        let batch = due.len() as u64;
        let mut moved_any = false;
        for c in due {
            let txn = crate::db::begin_write(db).await?;
            // The global lock order: the need, then its claim (then funds).
            crate::money::ledger::hold(&txn, "needs", c.need_id).await?;
            let moved = claim::Entity::update_many()
                .col_expr(
                    claim::Column::Status,
                    Expr::value(ClaimStatus::Lapsed.code()),
                )
                .col_expr(claim::Column::LapsedAt, Expr::value(Some(now)))
                .filter(claim::Column::Id.eq(c.id))
                .filter(claim::Column::Status.eq(ClaimStatus::Active.code()))
                .filter(claim::Column::DueAt.lt(now))
                .exec(&txn)
                .await?
                .rows_affected
                == 1;
            if !moved {
                txn.rollback().await?;
                continue;
            }
            let Some(n) = need::Entity::find_by_id(c.need_id).one(&txn).await? else {
                return Err(ClaimError::Corrupt(format!("claim {} has no need", c.id)));
            };
            let from = State {
                need: need_status(&n)?,
                claim: Some(ClaimStatus::Active),
            };
            let to = rules::next(from, Action::Lapse, RuleRole::System)?;
            if !move_need(&txn, n.id, from.need, to.need, Vec::new(), now).await? {
                return Err(ClaimError::Corrupt(format!(
                    "need {} is {} under an active claim",
                    n.public_code, n.status
                )));
            }
            return_allocations(&txn, n.id, now).await?;
            reindex(&txn, n.id, now).await?;
            alert(&txn, EventKind::ClaimLapsed, n.id, c.id, now).await?;
            record(
                &txn,
                Actor::System,
                "claim.lapse",
                &n.public_code,
                c.id,
                from,
                to,
                Some(format!("due {}", calendar::minute_text(c.due_at))),
                now,
            )
            .await?;
            txn.commit().await?;
            lapsed += 1;
            moved_any = true;
        }
        if batch < LAPSE_BATCH || !moved_any {
            return Ok(lapsed);
        }
    }
}

/// The charity reports what it delivered: the claim and the need become `fulfilled`,
/// waiting for staff to verify.
pub async fn report_fulfilment(
    db: &DatabaseConnection,
    who: &CharityActor,
    claim_id: i64,
    input: &ReportInput,
    now: DateTime<Utc>,
) -> Result<(), ClaimError> {
    let txn = crate::db::begin_write(db).await?;
    let (c, _) = own_claim(&txn, who, claim_id).await?;
    crate::money::ledger::hold(&txn, "needs", c.need_id).await?;
    let (c, n) = own_claim(&txn, who, claim_id).await?;
    let report =
        FulfilmentReport::parse(input, calendar::date_of(c.created_at), calendar::today(now))
            .map_err(ClaimError::Invalid)?;
    let from = through(&c, &n)?;
    let to = rules::next(
        from,
        Action::ReportFulfilment,
        RuleRole::HoldingCharity {
            verified: who.verified,
        },
    )?;
    let items = serde_json::to_string(&report.items).map_err(corrupt)?;
    let moved = move_claim(
        &txn,
        c.id,
        ClaimStatus::Active,
        ClaimStatus::Fulfilled,
        vec![
            (claim::Column::FulfilledAt, Expr::value(Some(now))),
            (
                claim::Column::DeliveredOn,
                Expr::value(Some(report.delivered_on)),
            ),
            (
                claim::Column::FulfilmentCostFen,
                Expr::value(report.cost.map(|f| f.0)),
            ),
            (claim::Column::DeliveredItems, Expr::value(Some(items))),
            (
                claim::Column::Substitutions,
                Expr::value((!report.substitutions.is_empty()).then_some(report.substitutions)),
            ),
            (
                claim::Column::Evidence,
                Expr::value(Some(report.evidence.clone())),
            ),
            (
                claim::Column::FulfilmentReport,
                Expr::value(Some(report.evidence)),
            ),
            (
                claim::Column::ReviewQuestion,
                Expr::value(Option::<String>::None),
            ),
        ],
    )
    .await?;
    if !moved || !move_need(&txn, n.id, from.need, to.need, Vec::new(), now).await? {
        return Err(ClaimError::WrongState);
    }
    reindex(&txn, n.id, now).await?;
    alert(&txn, EventKind::ReportSubmitted, n.id, c.id, now).await?;
    record(
        &txn,
        who.actor(),
        "claim.report_fulfilment",
        &n.public_code,
        c.id,
        from,
        to,
        None,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Staff of the need's region who may verify reports (reviewers, office admins): the
/// need, its open claim and the office acting.
async fn staff_open<C: ConnectionTrait>(
    txn: &C,
    staff: &Staff,
    code: &str,
) -> Result<(need::Model, claim::Model, i64, State), ClaimError> {
    // The global lock order: the need, then its claim (then funds).
    let n = need::Entity::find()
        .filter(need::Column::PublicCode.eq(code))
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(ClaimError::NotFound)?;
    let office = acting_office(staff, &n, REVIEWERS)?.office_id;
    let c = open_claim(txn, n.id).await?.ok_or(ClaimError::WrongState)?;
    let state = through(&c, &n)?;
    Ok((n, c, office, state))
}

/// Staff send a report back to the charity with a question: the claim is active again
/// (its due date unchanged) and the need claimed.
pub async fn question_report(
    db: &DatabaseConnection,
    staff: &Staff,
    code: &str,
    question: &str,
    now: DateTime<Utc>,
) -> Result<(), ClaimError> {
    let question = super::required_note(question)
        .ok_or_else(|| ClaimError::Invalid(vec![("question".into(), problems::QUESTION)]))?;
    let txn = crate::db::begin_write(db).await?;
    let (n, c, office, from) = staff_open(&txn, staff, code).await?;
    let to = rules::next(from, Action::QuestionReport, RuleRole::Staff)?;
    let moved = move_claim(
        &txn,
        c.id,
        ClaimStatus::Fulfilled,
        ClaimStatus::Active,
        vec![(
            claim::Column::ReviewQuestion,
            Expr::value(Some(question.clone())),
        )],
    )
    .await?;
    if !moved || !move_need(&txn, n.id, from.need, to.need, Vec::new(), now).await? {
        return Err(ClaimError::WrongState);
    }
    reindex(&txn, n.id, now).await?;
    alert(&txn, EventKind::ReportQuestioned, n.id, c.id, now).await?;
    record(
        &txn,
        staff.actor(office),
        "claim.question_report",
        &n.public_code,
        c.id,
        from,
        to,
        Some(question),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Replaces what the PII guard finds in `text` (with the family's names) by `＊＊`.
/// The guard's offsets count characters.
fn anonymized(text: &str, names: &[String]) -> String {
    let findings = pii::Guard::new(names).scan(text);
    let mut out = String::with_capacity(text.len());
    let mut hidden_until = 0;
    for (i, c) in text.chars().enumerate() {
        if let Some(f) = findings.iter().find(|f| f.start == i && f.end > i) {
            out.push_str("＊＊");
            hidden_until = hidden_until.max(f.end);
        }
        if i >= hidden_until {
            out.push(c);
        }
    }
    out
}

/// Staff verify a report and close the need with a typed reason, optionally a rating
/// and a public thank-you note (anonymized by the PII guard before it is stored).
pub async fn verify(
    db: &DatabaseConnection,
    staff: &Staff,
    code: &str,
    verification: &Verification,
    now: DateTime<Utc>,
) -> Result<(), ClaimError> {
    let txn = crate::db::begin_write(db).await?;
    let (n, c, office, from) = staff_open(&txn, staff, code).await?;
    let to = rules::next(from, Action::Verify, RuleRole::Staff)?;
    let names: Vec<String> = match need_private::Entity::find_by_id(n.id).one(&txn).await? {
        Some(p) => serde_json::from_str(&p.household_names).map_err(corrupt)?,
        None => Vec::new(),
    };
    let thank_you = verification
        .thank_you
        .as_deref()
        .map(|t| anonymized(t, &names));
    let moved = move_claim(
        &txn,
        c.id,
        ClaimStatus::Fulfilled,
        ClaimStatus::Verified,
        vec![
            (claim::Column::VerifiedAt, Expr::value(Some(now))),
            (claim::Column::VerifiedBy, Expr::value(Some(staff.user_id))),
            (claim::Column::Rating, Expr::value(verification.rating)),
            (claim::Column::ThankYouNote, Expr::value(thank_you)),
        ],
    )
    .await?;
    let closed = move_need(
        &txn,
        n.id,
        from.need,
        to.need,
        vec![
            (
                need::Column::CloseReason,
                Expr::value(Some(verification.close_reason.code())),
            ),
            (need::Column::ClosedAt, Expr::value(Some(now))),
        ],
        now,
    )
    .await?;
    if !moved || !closed {
        return Err(ClaimError::WrongState);
    }
    // The money raised for it was spent on it, or (met elsewhere, no longer needed) goes
    // back by each fund's stated rule.
    use crate::domain::need::CloseReason;
    let used = matches!(
        verification.close_reason,
        CloseReason::MetFully | CloseReason::MetPartially
    );
    crate::money::allocations::need_closed(&txn, n.id, used.then_some(c.charity_id), now)
        .await
        .map_err(|e| match e {
            crate::money::MoneyError::Database(e) => ClaimError::Database(e),
            other => ClaimError::Corrupt(other.to_string()),
        })?;
    reindex(&txn, n.id, now).await?;
    alert(&txn, EventKind::ReportVerified, n.id, c.id, now).await?;
    record(
        &txn,
        staff.actor(office),
        "claim.verify",
        &n.public_code,
        c.id,
        from,
        to,
        Some(verification.close_reason.code().to_owned()),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thank_you_notes_lose_names_and_numbers() {
        let names = vec!["王小明".to_owned()];
        let note = anonymized("感谢爱心机构帮助王小明一家，电话13812345678", &names);
        assert!(!note.contains("王小明"), "{note}");
        assert!(!note.contains("13812345678"), "{note}");
        assert!(note.starts_with("感谢爱心机构"));
    }
}
