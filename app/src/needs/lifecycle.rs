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
    QueryFilter, QueryOrder, Set, Statement, TransactionTrait,
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
            consent_recorded_on: p.consent_recorded_at.date_naive(),
            consent_scope: p.consent_scope,
        },
        None => PrivateDraft {
            case_reference: String::new(),
            household_names: Vec::new(),
            consent_recorded_on: row.created_at.date_naive(),
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

/// Checks that the draft's county is inside an office where `staff` writes needs.
fn writing_office<'s>(staff: &'s Staff, draft: &NeedDraft) -> Result<&'s StaffOffice, NeedError> {
    if !staff.has_any_role(WRITERS) {
        return Err(NeedError::Forbidden);
    }
    staff
        .office_for(&draft.region, WRITERS)
        .ok_or_else(|| NeedError::Invalid(vec![("region_code".to_owned(), problems::OUT_OF_SCOPE)]))
}

/// The next public code of a province and year, counted in the database.
async fn next_public_code<C: ConnectionTrait>(
    db: &C,
    region: &RegionCode,
    now: DateTime<Utc>,
) -> Result<String, NeedError> {
    let prefix = public_code::prefix(region.province_prefix(), chrono::Datelike::year(&now));
    // The prefix is two capital letters, a dash and a year: nothing to escape.
    let sql = format!(
        "INSERT INTO public_code_counters (prefix, last_value) VALUES ('{prefix}', 1) \
         ON CONFLICT (prefix) DO UPDATE SET last_value = public_code_counters.last_value + 1 \
         RETURNING last_value"
    );
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .ok_or_else(|| NeedError::Corrupt("the code counter returned nothing".into()))?;
    let n: i64 = row.try_get("", "last_value")?;
    Ok(public_code::format(&prefix, n))
}

async fn write_items<C: ConnectionTrait>(
    db: &C,
    need_id: i64,
    draft: &NeedDraft,
) -> Result<(), DbErr> {
    need_item::Entity::delete_many()
        .filter(need_item::Column::NeedId.eq(need_id))
        .exec(db)
        .await?;
    for (position, item) in draft.items.iter().enumerate() {
        need_item::ActiveModel {
            need_id: Set(need_id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            name: Set(item.name.clone()),
            unit: Set(item.unit.clone()),
            quantity: Set(item.quantity),
            unit_value_fen: Set(item.unit_value.0),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

fn names_json(draft: &NeedDraft) -> String {
    serde_json::to_string(&draft.private.household_names).unwrap_or_else(|_| "[]".into())
}

fn consent_time(draft: &NeedDraft, now: DateTime<Utc>) -> DateTime<Utc> {
    if draft.private.consent_recorded_on == now.date_naive() {
        now
    } else {
        draft
            .private
            .consent_recorded_on
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or(now)
    }
}

/// Inserts a new draft inside `txn`; returns its id and public code.
pub(crate) async fn insert_draft<C: ConnectionTrait>(
    txn: &C,
    staff: &Staff,
    office: &StaffOffice,
    draft: &NeedDraft,
    now: DateTime<Utc>,
) -> Result<(i64, String), NeedError> {
    let code = next_public_code(txn, &draft.region, now).await?;
    let row = need::ActiveModel {
        public_code: Set(code.clone()),
        office_id: Set(office.office_id),
        author_id: Set(staff.user_id),
        region_code: Set(draft.region.as_str().to_owned()),
        title: Set(draft.title.clone()),
        story: Set(draft.story.clone()),
        assistance_type: Set(draft.assistance_type.code().to_owned()),
        household_category: Set(draft.household_category.code().to_owned()),
        coverage: Set(draft.coverage.code().to_owned()),
        assistance_received: Set(draft.assistance_received.clone()),
        age_band: Set(draft.age_band.code().to_owned()),
        household_size: Set(draft.household_size.code().to_owned()),
        urgency: Set(draft.urgency.code().to_owned()),
        deadline: Set(draft.deadline),
        target_amount_fen: Set(draft.target_amount.map(|f| f.0)),
        status: Set(NeedStatus::Draft.code().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    write_items(txn, row.id, draft).await?;
    need_private::ActiveModel {
        need_id: Set(row.id),
        case_reference: Set(draft.private.case_reference.clone()),
        household_names: Set(names_json(draft)),
        consent_recorded_by: Set(staff.user_id),
        consent_recorded_at: Set(consent_time(draft, now)),
        consent_scope: Set(draft.private.consent_scope.clone()),
        consent_withdrawn_at: Set(None),
        consent_withdrawn_by: Set(None),
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        staff.actor(office.office_id),
        Change {
            action: "need.create",
            entity_kind: "need",
            entity_id: code.clone(),
            before: None,
            after: Some(audit_copy(draft)),
            reason: None,
        },
        now,
    )
    .await?;
    Ok((row.id, code))
}

/// Creates a draft; with `submit`, also submits it for review in the same transaction
/// (nothing is stored if the PII guard blocks).
pub async fn create(
    db: &DatabaseConnection,
    staff: &Staff,
    draft: &NeedDraft,
    submit: bool,
    now: DateTime<Utc>,
) -> Result<String, NeedError> {
    let office = writing_office(staff, draft)?;
    if submit {
        let findings = screening::screen(draft, &[]);
        if screening::blocks(&findings) {
            return Err(NeedError::Blocked(findings));
        }
    }
    let txn = db.begin().await?;
    let (_, code) = insert_draft(&txn, staff, office, draft, now).await?;
    if submit {
        submit_in(&txn, staff, &code, now).await?;
    }
    txn.commit().await?;
    Ok(code)
}

/// Replaces a draft's public copy, items and private part.
pub async fn update(
    db: &DatabaseConnection,
    staff: &Staff,
    code: &str,
    draft: &NeedDraft,
    submit: bool,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    let txn = db.begin().await?;
    let row = load(&txn, code).await?;
    let office = acting_office(staff, &row, WRITERS)?.clone();
    writing_office(staff, draft)?;
    let status = status_of(&row)?;
    if status != NeedStatus::Draft {
        return Err(NeedError::WrongState(status));
    }
    if submit {
        let findings = screening::screen(draft, &overrides_of(&txn, row.id).await?);
        if screening::blocks(&findings) {
            return Err(NeedError::Blocked(findings));
        }
    }
    let (before, _) = stored_draft(&txn, &row).await?;
    let changed = need::Entity::update_many()
        .col_expr(need::Column::RegionCode, Expr::value(draft.region.as_str()))
        .col_expr(need::Column::Title, Expr::value(draft.title.clone()))
        .col_expr(need::Column::Story, Expr::value(draft.story.clone()))
        .col_expr(
            need::Column::AssistanceType,
            Expr::value(draft.assistance_type.code()),
        )
        .col_expr(
            need::Column::HouseholdCategory,
            Expr::value(draft.household_category.code()),
        )
        .col_expr(need::Column::Coverage, Expr::value(draft.coverage.code()))
        .col_expr(
            need::Column::AssistanceReceived,
            Expr::value(draft.assistance_received.clone()),
        )
        .col_expr(need::Column::AgeBand, Expr::value(draft.age_band.code()))
        .col_expr(
            need::Column::HouseholdSize,
            Expr::value(draft.household_size.code()),
        )
        .col_expr(need::Column::Urgency, Expr::value(draft.urgency.code()))
        .col_expr(need::Column::Deadline, Expr::value(draft.deadline))
        .col_expr(
            need::Column::TargetAmountFen,
            Expr::value(draft.target_amount.map(|f| f.0)),
        )
        .col_expr(need::Column::UpdatedAt, Expr::value(now))
        .filter(need::Column::Id.eq(row.id))
        .filter(need::Column::Status.eq(NeedStatus::Draft.code()))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(NeedError::WrongState(status));
    }
    write_items(&txn, row.id, draft).await?;
    need_private::Entity::update_many()
        .col_expr(
            need_private::Column::CaseReference,
            Expr::value(draft.private.case_reference.clone()),
        )
        .col_expr(
            need_private::Column::HouseholdNames,
            Expr::value(names_json(draft)),
        )
        .col_expr(
            need_private::Column::ConsentScope,
            Expr::value(draft.private.consent_scope.clone()),
        )
        .col_expr(
            need_private::Column::ConsentRecordedAt,
            Expr::value(consent_time(draft, now)),
        )
        .filter(need_private::Column::NeedId.eq(row.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        staff.actor(office.office_id),
        Change {
            action: "need.update",
            entity_kind: "need",
            entity_id: code.to_owned(),
            before: Some(audit_copy(&before)),
            after: Some(audit_copy(draft)),
            reason: None,
        },
        now,
    )
    .await?;
    if submit {
        submit_in(&txn, staff, code, now).await?;
    }
    txn.commit().await?;
    Ok(())
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
    crate::entities::search_outbox::ActiveModel {
        entity_kind: Set("need".to_owned()),
        entity_id: Set(need_id),
        op: Set(op.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

async fn submit_in<C: ConnectionTrait>(
    txn: &C,
    staff: &Staff,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    let row = load(txn, code).await?;
    let office = acting_office(staff, &row, WRITERS)?.clone();
    let status = status_of(&row)?;
    if status != NeedStatus::Draft {
        return Err(NeedError::WrongState(status));
    }
    let (draft, consent_withdrawn) = stored_draft(txn, &row).await?;
    if consent_withdrawn {
        return Err(NeedError::ConsentWithdrawn);
    }
    let findings = screening::screen(&draft, &overrides_of(txn, row.id).await?);
    if screening::blocks(&findings) {
        return Err(NeedError::Blocked(findings));
    }
    transition(
        txn,
        &row,
        NeedStatus::Draft,
        NeedStatus::InReview,
        vec![
            (need::Column::SubmittedAt, Expr::value(Some(now))),
            (need::Column::ReviewedBy, Expr::value(Option::<i64>::None)),
        ],
        staff.actor(office.office_id),
        "need.submit",
        None,
        now,
    )
    .await
}

/// Draft → in review, if the PII guard lets it through.
pub async fn submit(
    db: &DatabaseConnection,
    staff: &Staff,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    let txn = db.begin().await?;
    submit_in(&txn, staff, code, now).await?;
    txn.commit().await?;
    Ok(())
}

/// In review → published, by a reviewer who is not the author. The guard runs again;
/// quasi-identifiers that would single the family out are widened in the stored copy.
pub async fn approve(
    db: &DatabaseConnection,
    staff: &Staff,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    let txn = db.begin().await?;
    let row = load(&txn, code).await?;
    let office = acting_office(staff, &row, REVIEWERS)?.clone();
    let status = status_of(&row)?;
    if status != NeedStatus::InReview {
        return Err(NeedError::WrongState(status));
    }
    if row.author_id == staff.user_id {
        return Err(NeedError::FourEyes);
    }
    let (draft, consent_withdrawn) = stored_draft(&txn, &row).await?;
    if consent_withdrawn {
        return Err(NeedError::ConsentWithdrawn);
    }
    let findings = screening::screen(&draft, &overrides_of(&txn, row.id).await?);
    if screening::blocks(&findings) {
        return Err(NeedError::Blocked(findings));
    }
    let key = QuasiKey {
        household_category: draft.household_category,
        age_band: draft.age_band,
        household_size: draft.household_size,
    };
    let advice = screening::quasi_advice(
        key,
        &county_keys(&txn, draft.region.as_str(), Some(row.id)).await?,
    );
    let reason = advice.unique.then(|| {
        format!(
            "准识别信息已概括 / quasi-identifiers generalized: {} {} → {} {}{}",
            key.age_band.code(),
            key.household_size.code(),
            advice.publish_as.age_band.code(),
            advice.publish_as.household_size.code(),
            if advice.still_unique {
                " (仍唯一 / still unique)"
            } else {
                ""
            }
        )
    });
    transition(
        &txn,
        &row,
        NeedStatus::InReview,
        NeedStatus::Published,
        vec![
            (need::Column::PublishedAt, Expr::value(Some(now))),
            (need::Column::ReviewedBy, Expr::value(Some(staff.user_id))),
            (
                need::Column::ReviewComment,
                Expr::value(Option::<String>::None),
            ),
            (
                need::Column::AgeBand,
                Expr::value(advice.publish_as.age_band.code()),
            ),
            (
                need::Column::HouseholdSize,
                Expr::value(advice.publish_as.household_size.code()),
            ),
        ],
        staff.actor(office.office_id),
        "need.publish",
        reason,
        now,
    )
    .await?;
    outbox(&txn, row.id, "upsert", now).await?;
    txn.commit().await?;
    Ok(())
}

fn required_text(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty() && t.chars().count() <= MAX_SHORT_TEXT_CHARS).then(|| t.to_owned())
}

/// In review → draft, with the reviewer's comment for the author.
pub async fn return_to_author(
    db: &DatabaseConnection,
    staff: &Staff,
    code: &str,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    let txn = db.begin().await?;
    let row = load(&txn, code).await?;
    let office = acting_office(staff, &row, REVIEWERS)?.clone();
    let comment = required_text(comment)
        .ok_or_else(|| NeedError::Invalid(vec![("comment".into(), problems::COMMENT_REQUIRED)]))?;
    let status = status_of(&row)?;
    if status != NeedStatus::InReview {
        return Err(NeedError::WrongState(status));
    }
    transition(
        &txn,
        &row,
        NeedStatus::InReview,
        NeedStatus::Draft,
        vec![
            (need::Column::ReviewedBy, Expr::value(Some(staff.user_id))),
            (
                need::Column::ReviewComment,
                Expr::value(Some(comment.clone())),
            ),
            (
                need::Column::SubmittedAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            ),
        ],
        staff.actor(office.office_id),
        "need.return",
        Some(comment),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Statuses from which staff may withdraw a need.
const WITHDRAWABLE: &[NeedStatus] = &[
    NeedStatus::Draft,
    NeedStatus::InReview,
    NeedStatus::Published,
    NeedStatus::Claimed,
];

async fn withdraw_in<C: ConnectionTrait>(
    txn: &C,
    row: &need::Model,
    from: NeedStatus,
    actor: Actor,
    action: &str,
    reason: String,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    transition(
        txn,
        row,
        from,
        NeedStatus::Withdrawn,
        vec![
            (
                need::Column::WithdrawReason,
                Expr::value(Some(reason.clone())),
            ),
            (need::Column::ClosedAt, Expr::value(Some(now))),
        ],
        actor,
        action,
        Some(reason),
        now,
    )
    .await?;
    // A charity holding the need gets its claim back: there is nothing left to meet.
    txn.execute_raw(Statement::from_string(
        txn.get_database_backend(),
        format!(
            "UPDATE claims SET status = 'released' WHERE need_id = {} AND status = 'active'",
            row.id
        ),
    ))
    .await?;
    if from.is_public() {
        outbox(txn, row.id, "delete", now).await?;
    }
    Ok(())
}

/// Takes a need off the public site (or out of the pipeline) with a reason.
pub async fn withdraw(
    db: &DatabaseConnection,
    staff: &Staff,
    code: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    let txn = db.begin().await?;
    let row = load(&txn, code).await?;
    let office = acting_office(staff, &row, ANY_STAFF)?.clone();
    let reason = required_text(reason)
        .ok_or_else(|| NeedError::Invalid(vec![("reason".into(), problems::REASON_REQUIRED)]))?;
    let status = status_of(&row)?;
    if !WITHDRAWABLE.contains(&status) {
        return Err(NeedError::WrongState(status));
    }
    withdraw_in(
        &txn,
        &row,
        status,
        staff.actor(office.office_id),
        "need.withdraw",
        reason,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Records that the family withdrew consent, and unpublishes the need at once,
/// whatever its state.
pub async fn withdraw_consent(
    db: &DatabaseConnection,
    staff: &Staff,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    let txn = db.begin().await?;
    let row = load(&txn, code).await?;
    let office = acting_office(staff, &row, ANY_STAFF)?.clone();
    let marked = need_private::Entity::update_many()
        .col_expr(
            need_private::Column::ConsentWithdrawnAt,
            Expr::value(Some(now)),
        )
        .col_expr(
            need_private::Column::ConsentWithdrawnBy,
            Expr::value(Some(staff.user_id)),
        )
        .filter(need_private::Column::NeedId.eq(row.id))
        .filter(need_private::Column::ConsentWithdrawnAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected != 1 {
        return Err(NeedError::ConsentWithdrawn);
    }
    let status = status_of(&row)?;
    let actor = staff.actor(office.office_id);
    if status == NeedStatus::Withdrawn {
        audit::record(
            &txn,
            actor,
            Change {
                action: "need.consent_withdrawn",
                entity_kind: "need",
                entity_id: row.public_code.clone(),
                before: None,
                after: None,
                reason: Some(CONSENT_WITHDRAWN_REASON.to_owned()),
            },
            now,
        )
        .await?;
    } else {
        withdraw_in(
            &txn,
            &row,
            status,
            actor,
            "need.consent_withdrawn",
            CONSENT_WITHDRAWN_REASON.to_owned(),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A reviewer (not the author) overrides one finding with a written reason.
pub async fn override_finding(
    db: &DatabaseConnection,
    staff: &Staff,
    code: &str,
    kind: &str,
    text: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    let txn = db.begin().await?;
    let row = load(&txn, code).await?;
    let office = acting_office(staff, &row, REVIEWERS)?.clone();
    if row.author_id == staff.user_id {
        return Err(NeedError::FourEyes);
    }
    let reason = required_text(reason)
        .ok_or_else(|| NeedError::Invalid(vec![("reason".into(), problems::REASON_REQUIRED)]))?;
    let status = status_of(&row)?;
    if !matches!(status, NeedStatus::Draft | NeedStatus::InReview) {
        return Err(NeedError::WrongState(status));
    }
    let (draft, _) = stored_draft(&txn, &row).await?;
    let present = screening::screen(&draft, &[])
        .iter()
        .any(|f| f.finding.kind.code() == kind && f.finding.text == text);
    if !present {
        return Err(NeedError::Invalid(vec![(
            "finding".into(),
            problems::NO_SUCH_FINDING,
        )]));
    }
    need_pii_override::Entity::delete_many()
        .filter(need_pii_override::Column::NeedId.eq(row.id))
        .filter(need_pii_override::Column::Kind.eq(kind))
        .filter(need_pii_override::Column::MatchedText.eq(text))
        .exec(&txn)
        .await?;
    need_pii_override::ActiveModel {
        need_id: Set(row.id),
        kind: Set(kind.to_owned()),
        matched_text: Set(text.to_owned()),
        reason: Set(reason.clone()),
        overridden_by: Set(staff.user_id),
        overridden_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // The matched text itself may be personal data: the log keeps only its kind.
    audit::record(
        &txn,
        staff.actor(office.office_id),
        Change {
            action: "need.pii_override",
            entity_kind: "need",
            entity_id: row.public_code.clone(),
            before: None,
            after: Some(serde_json::json!({ "kind": kind, "chars": text.chars().count() })),
            reason: Some(reason),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Sends needs whose review has waited longer than their office's limit back to their
/// authors. Returns how many went back. Each need moves in its own transaction.
pub async fn expire_reviews(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<usize, NeedError> {
    let waiting = need::Entity::find()
        .filter(need::Column::Status.eq(NeedStatus::InReview.code()))
        .all(db)
        .await?;
    let mut expired = 0;
    for row in waiting {
        let Some(office) = organization::Entity::find_by_id(row.office_id)
            .one(db)
            .await?
        else {
            continue;
        };
        let limit = chrono::Duration::days(i64::from(office.review_time_limit_days));
        let since = row.submitted_at.unwrap_or(row.updated_at);
        if since + limit > now {
            continue;
        }
        let txn = db.begin().await?;
        let moved = transition(
            &txn,
            &row,
            NeedStatus::InReview,
            NeedStatus::Draft,
            vec![
                (
                    need::Column::ReviewComment,
                    Expr::value(Some(REVIEW_EXPIRED_COMMENT.to_owned())),
                ),
                (
                    need::Column::SubmittedAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                ),
            ],
            Actor::System,
            "need.review_expired",
            Some(format!("{} days", office.review_time_limit_days)),
            now,
        )
        .await;
        match moved {
            Ok(()) => {
                txn.commit().await?;
                expired += 1;
            }
            // Someone reviewed it meanwhile: nothing to do.
            Err(NeedError::WrongState(_)) => txn.rollback().await?,
            Err(e) => return Err(e),
        }
    }
    Ok(expired)
}

/// Sets how many days a need may wait in review in the actor's office (office admins).
pub async fn set_review_time_limit(
    db: &DatabaseConnection,
    staff: &Staff,
    office_id: i64,
    days: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    let office = staff
        .offices
        .iter()
        .find(|o| o.office_id == office_id && o.roles.contains(&Role::OfficeAdmin))
        .ok_or(NeedError::Forbidden)?;
    let days: i32 = days
        .trim()
        .parse()
        .ok()
        .filter(|d| (1..=90).contains(d))
        .ok_or_else(|| {
            NeedError::Invalid(vec![(
                "review_time_limit_days".into(),
                problems::REVIEW_LIMIT,
            )])
        })?;
    let txn = db.begin().await?;
    let before = organization::Entity::find_by_id(office.office_id)
        .one(&txn)
        .await?
        .ok_or(NeedError::NotFound)?;
    organization::Entity::update_many()
        .col_expr(organization::Column::ReviewTimeLimitDays, Expr::value(days))
        .col_expr(organization::Column::UpdatedAt, Expr::value(now))
        .filter(organization::Column::Id.eq(office.office_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        staff.actor(office.office_id),
        Change {
            action: "office.review_time_limit",
            entity_kind: "organization",
            entity_id: office.office_id.to_string(),
            before: Some(serde_json::json!({ "days": before.review_time_limit_days })),
            after: Some(serde_json::json!({ "days": days })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
