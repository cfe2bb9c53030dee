//! Writing the alert outbox: one row per change someone should hear about, in the
//! change's own transaction; and the due-date reminders, written once per claim, offset
//! and due date.

use super::EventKind;
use crate::entities::{alert_event, claim};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set};

/// Records that `kind` happened to need `need_id` (and claim `claim_id`), inside the
/// caller's transaction: it is fanned out once the transaction commits, never if it rolls
/// back.
pub async fn record<C: ConnectionTrait>(
    txn: &C,
    kind: EventKind,
    need_id: i64,
    claim_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    alert_event::Entity::insert(alert_event::ActiveModel {
        kind: Set(kind.code().to_owned()),
        need_id: Set(need_id),
        claim_id: Set(claim_id),
        dedup_key: Set(None),
        created_at: Set(now),
        processed_at: Set(None),
        ..Default::default()
    })
    .exec(txn)
    .await?;
    Ok(())
}

/// When charities are reminded before a claim's due date: `3d,1d` (days `d` or hours
/// `h`; each 1 hour to 60 days).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderOffsets(pub Vec<Duration>);

impl Default for ReminderOffsets {
    fn default() -> Self {
        ReminderOffsets(vec![Duration::days(3), Duration::days(1)])
    }
}

impl ReminderOffsets {
    pub fn parse(text: &str) -> Result<ReminderOffsets, String> {
        let mut offsets = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (number, unit) = part.split_at(part.len() - 1);
            let n: i64 = number.trim().parse().map_err(|_| {
                format!("expected a number of days or hours like 3d or 12h, got {part:?}")
            })?;
            let offset = match unit {
                "d" => Duration::days(n),
                "h" => Duration::hours(n),
                _ => return Err(format!("expected d (days) or h (hours) after {number:?}")),
            };
            if offset < Duration::hours(1) || offset > Duration::days(60) {
                return Err(format!("{part:?} must be between 1h and 60d"));
            }
            offsets.push(offset);
        }
        offsets.sort();
        offsets.dedup();
        Ok(ReminderOffsets(offsets))
    }
}

/// Writes a reminder for each active claim that is within an offset of its due date and
/// was not yet reminded for that offset and due date; how many were written. Safe to run
/// on several instances at once: the dedup key is unique.
pub async fn remind_due<C: ConnectionTrait>(
    db: &C,
    offsets: &ReminderOffsets,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let Some(widest) = offsets.0.iter().max().copied() else {
        return Ok(0);
    };
    let due: Vec<(i64, i64, DateTime<Utc>)> = claim::Entity::find()
        .select_only()
        .column(claim::Column::Id)
        .column(claim::Column::NeedId)
        .column(claim::Column::DueAt)
        .filter(claim::Column::Status.eq(crate::domain::support::ClaimStatus::Active.code()))
        .filter(claim::Column::DueAt.gt(now))
        .filter(claim::Column::DueAt.lte(now + widest))
        .into_tuple()
        .all(db)
        .await?;
    let mut written = 0;
    for (claim_id, need_id, due_at) in due {
        for offset in &offsets.0 {
            if due_at - *offset > now {
                continue;
            }
            let key = format!(
                "claim_due:{claim_id}:{}h:{}",
                offset.num_hours(),
                due_at.timestamp()
            );
            let inserted = alert_event::Entity::insert(alert_event::ActiveModel {
                kind: Set(EventKind::ClaimDue.code().to_owned()),
                need_id: Set(need_id),
                claim_id: Set(Some(claim_id)),
                dedup_key: Set(Some(key)),
                created_at: Set(now),
                processed_at: Set(None),
                ..Default::default()
            })
            .on_conflict_do_nothing_on([alert_event::Column::DedupKey])
            .exec(db)
            .await?;
            if matches!(inserted, sea_orm::TryInsertResult::Inserted(_)) {
                written += 1;
            }
            // One reminder per pass: the nearest offset reached stands for the others.
            break;
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_days_and_hours() {
        let o = ReminderOffsets::parse("1d, 3d,12h").expect("valid");
        assert_eq!(
            o.0,
            [Duration::hours(12), Duration::days(1), Duration::days(3)]
        );
        assert!(ReminderOffsets::parse("3w").is_err());
        assert!(ReminderOffsets::parse("0h").is_err());
        assert!(ReminderOffsets::parse("90d").is_err());
        assert_eq!(ReminderOffsets::parse("").expect("none").0, []);
    }
}
