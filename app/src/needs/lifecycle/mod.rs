//! Changing needs: create and edit drafts, submit for review, publish (four eyes),
//! return with a comment, withdraw, record that the family withdrew consent, override a
//! PII finding, and send stale reviews back to their authors. Every change checks who
//! acts and where, runs in one transaction, moves the status only from the state it
//! was read in, and is written to the audit log — without the private case data.

use super::draft::{FieldProblems, NeedDraft, PrivateDraft, MAX_SHORT_TEXT_CHARS};
use super::problems;
use super::screening::{self, FieldFinding, Override, QuasiKey};
use super::staff::{Staff, StaffOffice};
use crate::audit::{self, Actor, Change};
use crate::domain::need::{
    AgeBand, AssistanceType, Coverage, HouseholdCategory, HouseholdSize, NeedStatus, Urgency,
};
use crate::domain::organization::Role;
use crate::domain::{public_code, Fen, RegionCode};
use crate::entities::{need, need_item, need_pii_override, need_private, organization};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set, Statement,
};

/// Who may write needs, review them, and act on published ones.
pub const WRITERS: &[Role] = &[Role::Caseworker, Role::OfficeAdmin];
pub const REVIEWERS: &[Role] = &[Role::Reviewer, Role::OfficeAdmin];
pub const ANY_STAFF: &[Role] = &[Role::Caseworker, Role::Reviewer, Role::OfficeAdmin];

/// The comment a need gets when its review time ran out.
pub const REVIEW_EXPIRED_COMMENT: &str =
    "审核超过时限，已自动退回草稿。/ The review time limit passed; returned to draft.";
/// The withdrawal reason recorded when the family withdraws consent.
pub const CONSENT_WITHDRAWN_REASON: &str = "家庭撤回授权 / The family withdrew consent";

mod editing;
mod review;
mod withdrawal;

pub use editing::{create, update};
pub(crate) use editing::{create_in, insert_draft, writing_office};
pub use review::{
    expire_reviews, override_finding, publish, return_to_author, set_review_time_limit, submit,
};
pub(crate) use review::{four_eyes, publish_in, return_to_author_in, submit_in};
pub(crate) use withdrawal::withdraw_in;
pub use withdrawal::{withdraw, withdraw_consent, WITHDRAWABLE};

#[derive(Debug, thiserror::Error)]
pub enum NeedError {
    /// Unknown, or outside every region the actor works in (one answer for both).
    #[error("not found")]
    NotFound,
    /// In the actor's region, but their role does not allow this.
    #[error("forbidden")]
    Forbidden,
    #[error("invalid input")]
    Invalid(FieldProblems),
    /// The PII guard found something that blocks.
    #[error("blocked by the PII guard")]
    Blocked(Vec<FieldFinding>),
    /// The need is not in a state that allows this (it may have moved meanwhile).
    #[error("not allowed in state {0}")]
    WrongState(NeedStatus),
    /// A reviewer tried to publish or override on their own need.
    #[error("the author cannot review their own need")]
    FourEyes,
    #[error("the family has withdrawn consent")]
    ConsentWithdrawn,
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("stored need is corrupt: {0}")]
    Corrupt(String),
}

fn corrupt(e: impl std::fmt::Display) -> NeedError {
    NeedError::Corrupt(e.to_string())
}

/// The public copy as the audit log records it (no private case data).
fn audit_copy(draft: &NeedDraft) -> serde_json::Value {
    serde_json::json!({
        "title": draft.title,
        "assistance_type": draft.assistance_type.code(),
        "household_category": draft.household_category.code(),
        "region_code": draft.region.as_str(),
        "age_band": draft.age_band.code(),
        "household_size": draft.household_size.code(),
        "urgency": draft.urgency.code(),
        "target_amount_fen": draft.target_amount.map(|f| f.0),
        "items": draft.items.len(),
    })
}

fn status_change(from: NeedStatus, to: NeedStatus) -> (serde_json::Value, serde_json::Value) {
    (
        serde_json::json!({ "status": from.code() }),
        serde_json::json!({ "status": to.code() }),
    )
}

/// A need read for a change in a fresh transaction: the row, the office through which
/// `staff` acts on it (holding one of the roles asked for) and its status as read.
pub(crate) struct Opened {
    pub txn: sea_orm::DatabaseTransaction,
    pub row: need::Model,
    pub office: StaffOffice,
    pub status: NeedStatus,
}

pub(crate) async fn open(
    db: &DatabaseConnection,
    staff: &Staff,
    code: &str,
    roles: &[Role],
) -> Result<Opened, NeedError> {
    let txn = crate::db::begin_write(db).await?;
    let row = load(&txn, code).await?;
    let office = acting_office(staff, &row, roles)?.clone();
    let status = status_of(&row)?;
    Ok(Opened {
        txn,
        row,
        office,
        status,
    })
}

/// Runs `change` in a transaction of its own, committed only when it succeeds.
pub(crate) async fn in_transaction<T>(
    db: &DatabaseConnection,
    change: impl AsyncFnOnce(&sea_orm::DatabaseTransaction) -> Result<T, NeedError>,
) -> Result<T, NeedError> {
    let txn = crate::db::begin_write(db).await?;
    let done = change(&txn).await?;
    txn.commit().await?;
    Ok(done)
}

/// [`open`] inside a transaction of the caller's: the row, the acting office and the
/// status as read.
pub(crate) async fn read_for<C: ConnectionTrait>(
    txn: &C,
    staff: &Staff,
    code: &str,
    roles: &[Role],
) -> Result<(need::Model, StaffOffice, NeedStatus), NeedError> {
    let row = load(txn, code).await?;
    let office = acting_office(staff, &row, roles)?.clone();
    let status = status_of(&row)?;
    Ok((row, office, status))
}

pub(crate) async fn load<C: ConnectionTrait>(db: &C, code: &str) -> Result<need::Model, NeedError> {
    need::Entity::find()
        .filter(need::Column::PublicCode.eq(code))
        .one(db)
        .await?
        .ok_or(NeedError::NotFound)
}

pub(crate) fn status_of(row: &need::Model) -> Result<NeedStatus, NeedError> {
    NeedStatus::parse(&row.status).map_err(corrupt)
}

/// The office through which `staff` may act on `row` with one of `roles`. A need
/// outside all the actor's regions is "not found".
pub(crate) fn acting_office<'s>(
    staff: &'s Staff,
    row: &need::Model,
    roles: &[Role],
) -> Result<&'s StaffOffice, NeedError> {
    let county = RegionCode::parse(&row.region_code).map_err(corrupt)?;
    if !staff.sees(&county) {
        return Err(NeedError::NotFound);
    }
    staff.office_for(&county, roles).ok_or(NeedError::Forbidden)
}

/// The stored need as a draft (public copy, items, private part).
pub(crate) async fn stored_draft<C: ConnectionTrait>(
    db: &C,
    row: &need::Model,
) -> Result<(NeedDraft, bool), NeedError> {
    let items = need_item::Entity::find()
        .filter(need_item::Column::NeedId.eq(row.id))
        .order_by_asc(need_item::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|i| super::draft::ItemDraft {
            name: i.name,
            unit: i.unit,
            quantity: i.quantity,
            unit_value: Fen(i.unit_value_fen),
        })
        .collect();
    let private = need_private::Entity::find_by_id(row.id).one(db).await?;
    let consent_withdrawn = private
        .as_ref()
        .is_some_and(|p| p.consent_withdrawn_at.is_some());
    let private = match private {
        Some(p) => PrivateDraft {
            case_reference: p.case_reference,
            household_names: serde_json::from_str(&p.household_names).map_err(corrupt)?,
            consent_recorded_on: crate::domain::calendar::date_of(p.consent_recorded_at),
            consent_scope: p.consent_scope,
        },
        None => PrivateDraft {
            case_reference: String::new(),
            household_names: Vec::new(),
            consent_recorded_on: crate::domain::calendar::date_of(row.created_at),
            consent_scope: String::new(),
        },
    };
    let draft = NeedDraft {
        title: row.title.clone(),
        story: row.story.clone(),
        assistance_type: AssistanceType::parse(&row.assistance_type).map_err(corrupt)?,
        household_category: HouseholdCategory::parse(&row.household_category).map_err(corrupt)?,
        coverage: Coverage::parse(&row.coverage).map_err(corrupt)?,
        assistance_received: row.assistance_received.clone(),
        region: RegionCode::parse(&row.region_code).map_err(corrupt)?,
        age_band: AgeBand::parse(&row.age_band).map_err(corrupt)?,
        household_size: HouseholdSize::parse(&row.household_size).map_err(corrupt)?,
        urgency: Urgency::parse(&row.urgency).map_err(corrupt)?,
        deadline: row.deadline,
        target_amount: row.target_amount_fen.map(Fen),
        items,
        private,
    };
    Ok((draft, consent_withdrawn))
}

pub(crate) async fn overrides_of<C: ConnectionTrait>(
    db: &C,
    need_id: i64,
) -> Result<Vec<Override>, DbErr> {
    Ok(need_pii_override::Entity::find()
        .filter(need_pii_override::Column::NeedId.eq(need_id))
        .order_by_asc(need_pii_override::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|o| Override {
            kind: o.kind,
            text: o.matched_text,
            reason: o.reason,
        })
        .collect())
}

/// The quasi-identifiers of the other published needs of a county.
pub(crate) async fn county_keys<C: ConnectionTrait>(
    db: &C,
    county: &str,
    except: Option<i64>,
) -> Result<Vec<QuasiKey>, NeedError> {
    let mut query = need::Entity::find()
        .filter(need::Column::RegionCode.eq(county))
        .filter(need::Column::Status.is_in(NeedStatus::PUBLIC.iter().map(|s| s.code())));
    if let Some(id) = except {
        query = query.filter(need::Column::Id.ne(id));
    }
    query
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            Ok(QuasiKey {
                household_category: HouseholdCategory::parse(&r.household_category)
                    .map_err(corrupt)?,
                age_band: AgeBand::parse(&r.age_band).map_err(corrupt)?,
                household_size: HouseholdSize::parse(&r.household_size).map_err(corrupt)?,
            })
        })
        .collect()
}

/// Moves `row` from `from` to `to` with the extra column values, only if it is still in
/// `from`; writes the audit entry.
#[allow(clippy::too_many_arguments)]
async fn transition<C: ConnectionTrait>(
    txn: &C,
    row: &need::Model,
    from: NeedStatus,
    to: NeedStatus,
    set: Vec<(need::Column, sea_orm::sea_query::SimpleExpr)>,
    actor: Actor,
    action: &str,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    let mut update = need::Entity::update_many()
        .col_expr(need::Column::Status, Expr::value(to.code()))
        .col_expr(need::Column::UpdatedAt, Expr::value(now));
    for (column, value) in set {
        update = update.col_expr(column, value);
    }
    let changed = update
        .filter(need::Column::Id.eq(row.id))
        .filter(need::Column::Status.eq(from.code()))
        .exec(txn)
        .await?;
    if changed.rows_affected != 1 {
        let current = load(txn, &row.public_code).await?;
        return Err(NeedError::WrongState(status_of(&current)?));
    }
    let (before, after) = status_change(from, to);
    audit::record(
        txn,
        actor,
        Change {
            action,
            entity_kind: "need",
            entity_id: row.public_code.clone(),
            before: Some(before),
            after: Some(after),
            reason,
        },
        now,
    )
    .await?;
    Ok(())
}

async fn outbox<C: ConnectionTrait>(
    txn: &C,
    need_id: i64,
    op: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    crate::library::index::write_outbox(txn, "need", need_id, op, now).await
}

fn required_text(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty() && t.chars().count() <= MAX_SHORT_TEXT_CHARS).then(|| t.to_owned())
}
