//! What civil-affairs staff see of a need: the public copy and the private case data,
//! only for needs inside the region of an office they belong to. The scope is checked
//! here, in the data layer, not only hidden in the UI.

use super::{PrivateCase, StaffNeedView};
use crate::accounts::CurrentUser;
use crate::domain::need::NeedStatus;
use crate::domain::organization::OrganizationKind;
use crate::domain::RegionCode;
use crate::entities::{membership, need, need_private, organization, user};
use crate::regions::RegionDirectory;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    /// Unknown, or outside every region the viewer works in (the same answer, so that
    /// codes of other counties' drafts are not confirmed).
    #[error("not found")]
    NotFound,
    /// The viewer is not civil-affairs staff.
    #[error("forbidden")]
    Forbidden,
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

/// The regions of the civil-affairs offices the viewer belongs to.
pub async fn staff_regions<C: ConnectionTrait>(
    db: &C,
    viewer: &CurrentUser,
) -> Result<Vec<RegionCode>, DbErr> {
    let mut regions = Vec::new();
    for m in membership::Entity::find()
        .filter(membership::Column::UserId.eq(viewer.id))
        .all(db)
        .await?
    {
        if let Some(org) = organization::Entity::find_by_id(m.organization_id)
            .one(db)
            .await?
        {
            if org.kind == OrganizationKind::CivilAffairs.code() {
                if let Some(code) = org
                    .region_code
                    .as_deref()
                    .and_then(|c| RegionCode::parse(c).ok())
                {
                    regions.push(code);
                }
            }
        }
    }
    Ok(regions)
}

/// One need, with its private case data, if it lies in the viewer's regions.
pub async fn need_for_staff<C: ConnectionTrait>(
    db: &C,
    regions_dir: &RegionDirectory,
    viewer: &CurrentUser,
    public_code: &str,
) -> Result<StaffNeedView, StaffError> {
    let scope = staff_regions(db, viewer).await?;
    if scope.is_empty() {
        return Err(StaffError::Forbidden);
    }
    let row = need::Entity::find()
        .filter(need::Column::PublicCode.eq(public_code))
        .one(db)
        .await?
        .ok_or(StaffError::NotFound)?;
    let county =
        RegionCode::parse(&row.region_code).map_err(|e| StaffError::Corrupt(e.to_string()))?;
    if !scope.iter().any(|r| r.contains(&county)) {
        return Err(StaffError::NotFound);
    }
    let office = organization::Entity::find_by_id(row.office_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let private = match need_private::Entity::find_by_id(row.id).one(db).await? {
        Some(p) => {
            let recorder = user::Entity::find_by_id(p.consent_recorded_by)
                .one(db)
                .await?
                .map(|u| u.display_name)
                .unwrap_or_default();
            Some(PrivateCase {
                household_names: serde_json::from_str(&p.household_names).unwrap_or_default(),
                case_reference: p.case_reference,
                consent_recorded_by: recorder,
                consent_recorded_on: p.consent_recorded_at.date_naive(),
                consent_scope: p.consent_scope,
                consent_withdrawn: p.consent_withdrawn_at.is_some(),
            })
        }
        None => None,
    };
    Ok(StaffNeedView {
        status: NeedStatus::parse(&row.status).map_err(|e| StaffError::Corrupt(e.to_string()))?,
        place: regions_dir.display(&row.region_code),
        public_code: row.public_code,
        title: row.title,
        story: row.story,
        office,
        private,
    })
}
