//! Taking a need out: withdrawal by staff with a reason, and the family's withdrawn
//! consent, which unpublishes at once whatever the state and releases an active claim.

use super::*;

/// Statuses from which staff may withdraw a need.
pub const WITHDRAWABLE: &[NeedStatus] = &[
    NeedStatus::Draft,
    NeedStatus::InReview,
    NeedStatus::Published,
    NeedStatus::Claimed,
];

async fn withdraw_row<C: ConnectionTrait>(
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
    // Fund money it had not used goes back by each fund's stated rule.
    crate::money::allocations::need_closed(txn, row.id, None, now)
        .await
        .map_err(|e| match e {
            crate::money::MoneyError::Database(e) => NeedError::Database(e),
            other => NeedError::Corrupt(other.to_string()),
        })?;
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
    in_transaction(db, async |txn| {
        withdraw_in(txn, staff, code, reason, now).await
    })
    .await
}

/// [`withdraw`] inside a transaction of the caller's.
pub(crate) async fn withdraw_in<C: ConnectionTrait>(
    txn: &C,
    staff: &Staff,
    code: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    let (row, office, status) = read_for(txn, staff, code, ANY_STAFF).await?;
    let reason = required_text(reason)
        .ok_or_else(|| NeedError::Invalid(vec![("reason".into(), problems::REASON_REQUIRED)]))?;
    if !WITHDRAWABLE.contains(&status) {
        return Err(NeedError::WrongState(status));
    }
    withdraw_row(
        txn,
        &row,
        status,
        staff.actor(office.office_id),
        "need.withdraw",
        reason,
        now,
    )
    .await?;
    Ok(())
}

/// Records that the family withdrew consent, and unpublishes the need at once,
/// whatever its state. `confirmed` is the staff member's explicit confirmation (the
/// checkbox of the form): nothing happens without it.
pub async fn withdraw_consent(
    db: &DatabaseConnection,
    staff: &Staff,
    code: &str,
    confirmed: bool,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    if !confirmed {
        return Err(NeedError::Invalid(vec![(
            "confirm".into(),
            problems::CONFIRM_CONSENT_WITHDRAWN,
        )]));
    }
    let Opened {
        txn,
        row,
        office,
        status,
    } = open(db, staff, code, ANY_STAFF).await?;
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
        withdraw_row(
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
