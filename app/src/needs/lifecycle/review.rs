//! Review: submitting a draft, publishing it (never by its author; the guard runs again
//! and quasi-identifiers are widened), returning it with a comment, reviewers'
//! overrides of findings, the review time limit and its expiry.

use super::*;

/// Four eyes: nobody reviews (publishes, overrides a finding on) a need they wrote.
pub(crate) fn four_eyes(staff: &Staff, row: &need::Model) -> Result<(), NeedError> {
    if row.author_id == staff.user_id {
        Err(NeedError::FourEyes)
    } else {
        Ok(())
    }
}

pub(crate) async fn submit_in<C: ConnectionTrait>(
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
    .await?;
    crate::alerts::events::record(
        txn,
        crate::alerts::EventKind::ReviewWaiting,
        row.id,
        None,
        now,
    )
    .await?;
    Ok(())
}

/// Draft → in review, if the PII guard lets it through.
pub async fn submit(
    db: &DatabaseConnection,
    staff: &Staff,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    in_transaction(db, async |txn| submit_in(txn, staff, code, now).await).await
}

/// In review → published, by a reviewer who is not the author. The guard runs again;
/// quasi-identifiers that would single the family out are widened in the stored copy.
pub async fn publish(
    db: &DatabaseConnection,
    staff: &Staff,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    in_transaction(db, async |txn| publish_in(txn, staff, code, now).await).await
}

/// [`publish`] inside a transaction of the caller's.
pub(crate) async fn publish_in<C: ConnectionTrait>(
    txn: &C,
    staff: &Staff,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    let (row, office, status) = read_for(txn, staff, code, REVIEWERS).await?;
    if status != NeedStatus::InReview {
        return Err(NeedError::WrongState(status));
    }
    four_eyes(staff, &row)?;
    let (draft, consent_withdrawn) = stored_draft(txn, &row).await?;
    if consent_withdrawn {
        return Err(NeedError::ConsentWithdrawn);
    }
    let findings = screening::screen(&draft, &overrides_of(txn, row.id).await?);
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
        &county_keys(txn, draft.region.as_str(), Some(row.id)).await?,
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
        txn,
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
    outbox(txn, row.id, "upsert", now).await?;
    crate::alerts::events::record(
        txn,
        crate::alerts::EventKind::NeedPublished,
        row.id,
        None,
        now,
    )
    .await?;
    Ok(())
}

/// In review → draft, with the reviewer's comment for the author.
pub async fn return_to_author(
    db: &DatabaseConnection,
    staff: &Staff,
    code: &str,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    in_transaction(db, async |txn| {
        return_to_author_in(txn, staff, code, comment, now).await
    })
    .await
}

/// [`return_to_author`] inside a transaction of the caller's.
pub(crate) async fn return_to_author_in<C: ConnectionTrait>(
    txn: &C,
    staff: &Staff,
    code: &str,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    let (row, office, status) = read_for(txn, staff, code, REVIEWERS).await?;
    let comment = required_text(comment)
        .ok_or_else(|| NeedError::Invalid(vec![("comment".into(), problems::COMMENT_REQUIRED)]))?;
    if status != NeedStatus::InReview {
        return Err(NeedError::WrongState(status));
    }
    transition(
        txn,
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
    let Opened {
        txn,
        row,
        office,
        status,
    } = open(db, staff, code, REVIEWERS).await?;
    four_eyes(staff, &row)?;
    let reason = required_text(reason)
        .ok_or_else(|| NeedError::Invalid(vec![("reason".into(), problems::REASON_REQUIRED)]))?;
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
        let txn = crate::db::begin_write(db).await?;
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
    days: &str,
    now: DateTime<Utc>,
) -> Result<(), NeedError> {
    let office = staff
        .offices
        .iter()
        .find(|o| o.roles.contains(&Role::OfficeAdmin))
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
    let txn = crate::db::begin_write(db).await?;
    let before = organization::Entity::find_by_id(office.office_id)
        .one(&txn)
        .await?
        .ok_or(NeedError::NotFound)?;
    if before.review_time_limit_days == days {
        // Saved unchanged: nothing to write, nothing to audit.
        return Ok(());
    }
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
