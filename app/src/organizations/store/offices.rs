//! Civil-affairs offices, created by a platform admin with an invitation for their first admin.

use super::invitations::{insert_invitation, Invitee};
use super::{insert_unique, OrgError};
use crate::accounts::requests::Links;
use crate::accounts::CurrentUser;
use crate::audit::{self, Actor, Change};
use crate::domain::organization::{OrganizationKind, Role, Verification};
use crate::entities::organization;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, Set};

/// A new office as the platform admin types it.
pub struct OfficeInput<'a> {
    pub name: &'a str,
    pub region_code: &'a str,
    pub admin_email: &'a str,
}

/// Creates a civil-affairs office for a region, with an invitation for its first office
/// admin (`admin_email`), whose link goes to that address, in one transaction. Platform
/// admins only.
pub async fn create_office(
    db: &DatabaseConnection,
    links: Links<'_>,
    viewer: &CurrentUser,
    input: &OfficeInput<'_>,
    is_region: impl Fn(&str) -> bool,
    now: DateTime<Utc>,
) -> Result<(), OrgError> {
    if !viewer.is_platform_admin {
        return Err(OrgError::Forbidden);
    }
    let name = input.name.trim();
    let region_code = input.region_code.trim();
    let mut found = Vec::new();
    if name.is_empty() || name.chars().count() > crate::organizations::MAX_NAME_CHARS {
        found.push(("name", crate::organizations::problems::NAME));
    }
    if !is_region(region_code) {
        found.push(("region_code", crate::organizations::problems::REGION_CODE));
    }
    let email = crate::accounts::Email::parse(input.admin_email);
    if email.is_err() {
        found.push(("admin_email", crate::accounts::problems::BAD_SIGN_IN_NAME));
    }
    let admin_email = match email {
        Ok(e) if found.is_empty() => e,
        _ => return Err(OrgError::Invalid(found)),
    };
    let admin_email = &admin_email;
    let txn = crate::db::begin_write(db).await?;
    let office = insert_unique(
        &txn,
        organization::ActiveModel {
            kind: Set(OrganizationKind::CivilAffairs.code().to_owned()),
            name: Set(name.trim().to_owned()),
            slug: Set(format!("office-{region_code}")),
            region_code: Set(Some(region_code.to_owned())),
            uscc: Set(None),
            public_fundraising: Set(false),
            verification: Set(Verification::Verified.code().to_owned()),
            verification_reason: Set(None),
            verified_at: Set(Some(now)),
            verified_by: Set(Some(viewer.id)),
            description: Set(String::new()),
            review_time_limit_days: Set(7),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
        OrgError::OfficeExists,
    )
    .await?;
    let actor = Actor::User {
        user_id: viewer.id,
        organization_id: None,
    };
    audit::record(
        &txn,
        actor,
        Change {
            action: "organization.create_office",
            entity_kind: "organization",
            entity_id: office.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "name": office.name, "region_code": region_code })),
            reason: None,
        },
        now,
    )
    .await?;
    let to = Invitee {
        organization: &office.name,
        role: Role::OfficeAdmin,
        email: admin_email,
    };
    insert_invitation(&txn, links, (viewer, actor), office.id, to, now).await?;
    txn.commit().await?;
    Ok(())
}
