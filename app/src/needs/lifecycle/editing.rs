//! Writing drafts: a new need with its public code, items and private part, and
//! replacing a draft; either may submit it for review in the same transaction.

use super::*;

/// Checks that the draft's county is inside an office where `staff` writes needs.
pub(crate) fn writing_office<'s>(
    staff: &'s Staff,
    draft: &NeedDraft,
) -> Result<&'s StaffOffice, NeedError> {
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
    if draft.private.consent_recorded_on == crate::domain::calendar::today(now) {
        now
    } else {
        crate::domain::calendar::start_of(draft.private.consent_recorded_on)
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
    in_transaction(db, async |txn| {
        create_in(txn, staff, draft, submit, now).await
    })
    .await
}

/// [`create`] inside a transaction of the caller's.
pub(crate) async fn create_in<C: ConnectionTrait>(
    txn: &C,
    staff: &Staff,
    draft: &NeedDraft,
    submit: bool,
    now: DateTime<Utc>,
) -> Result<String, NeedError> {
    let office = writing_office(staff, draft)?;
    let (_, code) = insert_draft(txn, staff, office, draft, now).await?;
    if submit {
        super::review::submit_in(txn, staff, &code, now).await?;
    }
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
    let Opened {
        txn,
        row,
        office,
        status,
    } = open(db, staff, code, WRITERS).await?;
    writing_office(staff, draft)?;
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
    if before == *draft {
        // Saved unchanged: nothing to write, nothing to audit (a submit still submits).
        if submit {
            super::review::submit_in(&txn, staff, code, now).await?;
            txn.commit().await?;
        }
        return Ok(());
    }
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
    let mut private = need_private::Entity::update_many();
    if draft.private.consent_recorded_on != before.private.consent_recorded_on {
        // The consent's time is kept unless its date was changed.
        private = private.col_expr(
            need_private::Column::ConsentRecordedAt,
            Expr::value(consent_time(draft, now)),
        );
    }
    private
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
        super::review::submit_in(&txn, staff, code, now).await?;
    }
    txn.commit().await?;
    Ok(())
}
