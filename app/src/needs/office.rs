//! What the office portal reads: the needs of the viewer's regions by state, one need
//! with everything staff may see and do, and the guard's feedback on a draft.

use super::draft::{NeedDraft, NeedInput};
use super::lifecycle::{
    acting_office, county_keys, four_eyes, load, overrides_of, status_of, stored_draft,
    writing_office, NeedError, ANY_STAFF, REVIEWERS, WRITERS,
};
use super::screening::{self, QuasiKey};
use super::staff::Staff;
use super::{
    EditingNeed, EditorFeedback, NeedEvent, NeedWorkspace, PrivateCase, StaffNeedList, StaffNeedRow,
};
use crate::domain::need::NeedStatus;
use crate::domain::region::RegionLevel;
use crate::entities::{need, need_private, organization, user};
use crate::regions::RegionDirectory;
use sea_orm::sea_query::Condition;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Display names of users, each looked up once.
#[derive(Default)]
struct UserNames(HashMap<i64, String>);

impl UserNames {
    async fn of<C: ConnectionTrait>(&mut self, db: &C, id: i64) -> Result<String, NeedError> {
        if let Some(name) = self.0.get(&id) {
            return Ok(name.clone());
        }
        let name = user::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        self.0.insert(id, name.clone());
        Ok(name)
    }
}

/// How many needs one list page shows.
pub const LIST_LIMIT: u64 = 200;

fn scope_condition(staff: &Staff) -> Condition {
    let mut any = Condition::any();
    for office in &staff.offices {
        let code = office.region.as_str();
        any = match office.region.level() {
            RegionLevel::Province => any.add(need::Column::RegionCode.starts_with(&code[..2])),
            RegionLevel::City => any.add(need::Column::RegionCode.starts_with(&code[..4])),
            _ => any.add(need::Column::RegionCode.eq(code)),
        };
    }
    any
}

/// The needs in the viewer's regions, optionally of one status, newest change first.
pub async fn list_for_staff<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    staff: &Staff,
    status: Option<NeedStatus>,
) -> Result<StaffNeedList, NeedError> {
    if !staff.is_staff() {
        return Err(NeedError::Forbidden);
    }
    let mut counts = Vec::new();
    for s in NeedStatus::ALL {
        let n = need::Entity::find()
            .filter(scope_condition(staff))
            .filter(need::Column::Status.eq(s.code()))
            .count(db)
            .await?;
        counts.push((*s, n));
    }
    let mut query = need::Entity::find().filter(scope_condition(staff));
    if let Some(s) = status {
        query = query.filter(need::Column::Status.eq(s.code()));
    }
    let rows = query
        .order_by_desc(need::Column::UpdatedAt)
        .order_by_desc(need::Column::Id)
        .limit(LIST_LIMIT)
        .all(db)
        .await?;
    let mut authors = UserNames::default();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let author = authors.of(db, row.author_id).await?;
        out.push(StaffNeedRow {
            status: status_of(&row)?,
            place: regions.display(&row.region_code),
            author,
            updated_on: crate::domain::calendar::date_of(row.updated_at),
            review_comment: row.review_comment.filter(|_| row.status == "draft"),
            public_code: row.public_code,
            title: row.title,
        });
    }
    Ok(StaffNeedList {
        status,
        counts,
        rows: out,
    })
}

/// The guard's findings, the quasi-identifier advice and the preview for a draft.
pub async fn feedback_for<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    draft: &NeedDraft,
    public_code: &str,
    need_id: Option<i64>,
    today: chrono::NaiveDate,
) -> Result<EditorFeedback, NeedError> {
    let overrides = match need_id {
        Some(id) => overrides_of(db, id).await?,
        None => Vec::new(),
    };
    let findings = screening::screen(draft, &overrides);
    let key = QuasiKey {
        household_category: draft.household_category,
        age_band: draft.age_band,
        household_size: draft.household_size,
    };
    let quasi =
        screening::quasi_advice(key, &county_keys(db, draft.region.as_str(), need_id).await?);
    let preview = super::preview::public_copy(
        draft,
        public_code,
        regions.display(draft.region.as_str()),
        Some(&quasi),
        today,
    );
    Ok(EditorFeedback {
        findings,
        quasi: Some(quasi),
        preview: Some(preview),
    })
}

/// One need with its private part, for staff whose region holds it.
pub async fn workspace<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    staff: &Staff,
    code: &str,
    today: chrono::NaiveDate,
) -> Result<NeedWorkspace, NeedError> {
    if !staff.is_staff() {
        return Err(NeedError::Forbidden);
    }
    let row = load(db, code).await?;
    acting_office(staff, &row, ANY_STAFF)?;
    let status = status_of(&row)?;
    let (draft, consent_withdrawn) = stored_draft(db, &row).await?;
    let mut feedback = feedback_for(db, regions, &draft, code, Some(row.id), today).await?;
    if status.is_public() || status == NeedStatus::Withdrawn {
        // Already published: the stored copy is what the public sees (or saw).
        feedback.quasi = None;
        feedback.preview = Some(super::preview::public_copy(
            &draft,
            code,
            regions.display(&row.region_code),
            None,
            row.published_at
                .map(crate::domain::calendar::date_of)
                .unwrap_or(today),
        ));
    }
    let mut names = UserNames::default();
    let private_row = need_private::Entity::find_by_id(row.id).one(db).await?;
    let consent_recorded_by = match &private_row {
        Some(p) => names.of(db, p.consent_recorded_by).await?,
        None => String::new(),
    };
    let office = organization::Entity::find_by_id(row.office_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    // The same checks the lifecycle enforces (roles in the region, four eyes).
    let is_author = four_eyes(staff, &row).is_err();
    let can_write = acting_office(staff, &row, WRITERS).is_ok();
    let reviewer = acting_office(staff, &row, REVIEWERS).is_ok();
    Ok(NeedWorkspace {
        public_code: row.public_code.clone(),
        status,
        place: regions.display(&row.region_code),
        office,
        author: names.of(db, row.author_id).await?,
        input: draft.to_input(),
        private: PrivateCase {
            case_reference: draft.private.case_reference.clone(),
            household_names: draft.private.household_names.clone(),
            consent_recorded_by,
            consent_recorded_on: draft.private.consent_recorded_on,
            consent_scope: draft.private.consent_scope.clone(),
            consent_withdrawn,
        },
        review_comment: row.review_comment.clone(),
        withdraw_reason: row.withdraw_reason.clone(),
        feedback,
        can_edit: can_write && status == NeedStatus::Draft,
        can_review: reviewer && !is_author,
        can_review_claims: reviewer,
        is_author_reviewer: reviewer && is_author,
        history: history(db, &row.public_code).await?,
        can_withdraw: super::lifecycle::WITHDRAWABLE.contains(&status),
    })
}

/// The audit entries of a need, oldest first, with the actors' names.
async fn history<C: ConnectionTrait>(db: &C, code: &str) -> Result<Vec<NeedEvent>, NeedError> {
    use crate::entities::audit_entry;
    let mut names = UserNames::default();
    let mut events = Vec::new();
    for e in audit_entry::Entity::find()
        .filter(audit_entry::Column::EntityKind.eq("need"))
        .filter(audit_entry::Column::EntityId.eq(code))
        .order_by_asc(audit_entry::Column::Id)
        .all(db)
        .await?
    {
        let actor = match e.actor_user_id {
            Some(id) => names.of(db, id).await?,
            None => String::new(),
        };
        events.push(NeedEvent {
            at: crate::domain::calendar::minute_text(e.occurred_at),
            action: e.action,
            actor,
            via_api: e.actor_kind == "api_token",
            reason: e.reason,
        });
    }
    Ok(events)
}

/// The id of a need in the viewer's scope, for the editor (which re-checks on save).
async fn editing_in_scope<C: ConnectionTrait>(
    db: &C,
    staff: &Staff,
    code: &str,
) -> Result<(i64, EditingNeed), NeedError> {
    let row = load(db, code).await?;
    acting_office(staff, &row, ANY_STAFF)?;
    let status = status_of(&row)?;
    let can_write = acting_office(staff, &row, WRITERS).is_ok();
    Ok((
        row.id,
        EditingNeed {
            public_code: row.public_code,
            status,
            review_comment: row.review_comment,
            can_edit: can_write && status == NeedStatus::Draft,
        },
    ))
}

/// What checking the editor's input found: the parsed draft, the feedback shown beside
/// the form, and (when editing a stored need) that need as the page shows it.
#[derive(Debug, Clone)]
pub struct EditorCheck {
    pub draft: NeedDraft,
    pub feedback: EditorFeedback,
    pub editing: Option<EditingNeed>,
}

/// A need as the API reads it back: its state and the stored draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedRecord {
    pub public_code: String,
    pub status: NeedStatus,
    pub draft: NeedDraft,
    pub review_comment: Option<String>,
    pub withdraw_reason: Option<String>,
    pub consent_withdrawn: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub findings: Vec<screening::FieldFinding>,
}

/// One need in the actor's regions, with the guard's current findings.
pub async fn need_record<C: ConnectionTrait>(
    db: &C,
    staff: &Staff,
    code: &str,
) -> Result<NeedRecord, NeedError> {
    let row = load(db, code).await?;
    acting_office(staff, &row, ANY_STAFF)?;
    let (draft, consent_withdrawn) = stored_draft(db, &row).await?;
    let findings = screening::screen(&draft, &overrides_of(db, row.id).await?);
    Ok(NeedRecord {
        status: status_of(&row)?,
        public_code: row.public_code,
        draft,
        review_comment: row.review_comment,
        withdraw_reason: row.withdraw_reason,
        consent_withdrawn,
        created_at: row.created_at,
        updated_at: row.updated_at,
        published_at: row.published_at,
        findings,
    })
}

/// The public codes of the needs in the actor's regions, optionally of one status,
/// newest change first.
pub async fn codes_for_staff<C: ConnectionTrait>(
    db: &C,
    staff: &Staff,
    status: Option<NeedStatus>,
    limit: u64,
) -> Result<Vec<(String, NeedStatus)>, NeedError> {
    if !staff.is_staff() {
        return Err(NeedError::Forbidden);
    }
    let mut query = need::Entity::find().filter(scope_condition(staff));
    if let Some(s) = status {
        query = query.filter(need::Column::Status.eq(s.code()));
    }
    query
        .order_by_desc(need::Column::UpdatedAt)
        .order_by_desc(need::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Ok((r.public_code.clone(), status_of(&r)?)))
        .collect()
}

/// The editor's check of what was typed, before anything is stored: the actor writes
/// needs, the input is a valid draft whose county lies in one of the actor's offices, and
/// a stored need (`code`) is one they may see; then the guard's findings, the
/// quasi-identifier advice and the preview of the public copy.
pub async fn check_editor_input<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    staff: &Staff,
    code: Option<&str>,
    input: &NeedInput,
    today: chrono::NaiveDate,
) -> Result<EditorCheck, NeedError> {
    if !staff.has_any_role(WRITERS) {
        return Err(NeedError::Forbidden);
    }
    let draft =
        NeedDraft::parse(input, |c| regions.is_county(c), today).map_err(NeedError::Invalid)?;
    writing_office(staff, &draft)?;
    let (need_id, editing) = match code {
        Some(c) => {
            let (id, editing) = editing_in_scope(db, staff, c).await?;
            (Some(id), Some(editing))
        }
        None => (None, None),
    };
    let feedback = feedback_for(db, regions, &draft, code.unwrap_or("—"), need_id, today).await?;
    Ok(EditorCheck {
        draft,
        feedback,
        editing,
    })
}
