//! Storing an imported CSV file: every row checked like the editor checks a draft
//! (fields, county inside the office's region, PII guard), then all rows stored as
//! drafts in one transaction — or none, if any row is bad (unless the caller asked to
//! store the good rows only).

use super::draft::NeedDraft;
use super::import::{self, ImportReport, RowReport};
use super::lifecycle::{insert_draft, NeedError, WRITERS};
use super::problems;
use super::screening;
use super::staff::Staff;
use crate::regions::RegionDirectory;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

/// Checks and (if allowed) stores the needs of a CSV file as drafts.
pub async fn import(
    db: &DatabaseConnection,
    regions: &RegionDirectory,
    staff: &Staff,
    bytes: &[u8],
    partial: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport, NeedError> {
    if !staff.has_any_role(WRITERS) {
        return Err(NeedError::Forbidden);
    }
    let rows = match import::decode(bytes).and_then(|text| import::parse(&text)) {
        Ok(rows) => rows,
        Err(problem) => return Ok(ImportReport::refused(problem)),
    };
    let today = crate::domain::calendar::today(now);
    let mut reports = Vec::with_capacity(rows.len());
    let mut drafts = Vec::with_capacity(rows.len());
    for row in rows {
        let mut found: Vec<(String, String, String)> = Vec::new();
        let draft = match NeedDraft::parse(&row.input, |c| regions.is_county(c), today) {
            Ok(draft) => {
                if staff.office_for(&draft.region, WRITERS).is_none() {
                    let p = problems::OUT_OF_SCOPE;
                    found.push(("region_code".into(), p.zh.into(), p.en.into()));
                }
                for f in screening::screen(&draft, &[]).iter().filter(|f| f.blocks()) {
                    let kind = f.finding.kind;
                    // The matched text is not repeated: it may be personal data.
                    found.push((
                        f.field.clone(),
                        format!(
                            "含有个人信息（{}，第 {}–{} 字）",
                            kind.label_zh(),
                            f.finding.start + 1,
                            f.finding.end
                        ),
                        format!(
                            "Holds personal data ({}, characters {}–{})",
                            kind.label_en(),
                            f.finding.start + 1,
                            f.finding.end
                        ),
                    ));
                }
                Some(draft)
            }
            Err(problems) => {
                found.extend(
                    problems
                        .into_iter()
                        .map(|(field, p)| (field, p.zh.to_owned(), p.en.to_owned())),
                );
                None
            }
        };
        let ok = found.is_empty();
        reports.push(RowReport {
            number: row.number,
            title: row.input.title.trim().chars().take(60).collect(),
            problems: found,
            public_code: None,
        });
        drafts.push(draft.filter(|_| ok));
    }
    let mut report = ImportReport {
        file_problem: None,
        rows: reports,
        stored: 0,
        partial,
    };
    if report.bad_rows() > 0 && !partial {
        return Ok(report);
    }
    let txn = crate::db::begin_write(db).await?;
    for (row, draft) in report.rows.iter_mut().zip(&drafts) {
        let Some(draft) = draft else { continue };
        let office = staff
            .office_for(&draft.region, WRITERS)
            .ok_or(NeedError::Forbidden)?;
        let (_, code) = insert_draft(&txn, staff, office, draft, now).await?;
        row.public_code = Some(code);
        report.stored += 1;
    }
    txn.commit().await?;
    Ok(report)
}
