//! Reading the directory: verified charities (suspended ones too, marked), their supply
//! profiles, claims, funds and disclosures. A few queries for the whole list (grouped in memory), not one per
//! charity.

use super::{CharityListing, CharityProfile, ClaimRecord, DisclosureLine, FundLine, MetNeed};
use crate::domain::need::{AssistanceType, CloseReason, HouseholdCategory};
use crate::domain::support::{ClaimStatus, FundKind, FundStatus};
use crate::domain::UnknownCode;
use crate::entities::{
    claim, fund, fund_disclosure, need, organization, supply_profile, supply_profile_criterion,
};
use crate::regions::RegionDirectory;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// Errors of the directory.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("stored row has {0}")]
    Corrupt(#[from] UnknownCode),
}

/// Charities verified by the platform, whether suspended now or not: the directory lists
/// a suspended one and says so (`CharityListing::suspended`); who may act asks
/// `organization::Model::is_verified`.
fn verified() -> sea_orm::Select<organization::Entity> {
    organization::Entity::find()
        .filter(organization::Column::Kind.eq("charity"))
        .filter(organization::Column::Verification.eq("verified"))
}

struct Criteria {
    types: Vec<AssistanceType>,
    categories: Vec<HouseholdCategory>,
    regions: Vec<String>,
}

async fn criteria<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    regions: &RegionDirectory,
) -> Result<HashMap<i64, Criteria>, DirectoryError> {
    let mut out: HashMap<i64, Criteria> = HashMap::new();
    let rows = supply_profile_criterion::Entity::find()
        .filter(supply_profile_criterion::Column::CharityId.is_in(ids.iter().copied()))
        .order_by_asc(supply_profile_criterion::Column::Id)
        .all(db)
        .await?;
    for row in rows {
        let c = out.entry(row.charity_id).or_insert(Criteria {
            types: Vec::new(),
            categories: Vec::new(),
            regions: Vec::new(),
        });
        match row.dimension.as_str() {
            "assistance_type" => c.types.push(AssistanceType::parse(&row.value)?),
            "household_category" => c.categories.push(HouseholdCategory::parse(&row.value)?),
            "region" => c.regions.push(regions.display(&row.value)),
            _ => {}
        }
    }
    for c in out.values_mut() {
        c.types.sort();
        c.categories.sort();
    }
    Ok(out)
}

async fn claim_records<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<HashMap<i64, ClaimRecord>, DirectoryError> {
    let mut out: HashMap<i64, ClaimRecord> = HashMap::new();
    let rows = claim::Entity::find()
        .filter(claim::Column::CharityId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    for c in rows {
        let r = out.entry(c.charity_id).or_default();
        r.taken += 1;
        match ClaimStatus::parse(&c.status)? {
            ClaimStatus::Active => r.active += 1,
            ClaimStatus::Fulfilled => r.fulfilled += 1,
            ClaimStatus::Verified => r.verified += 1,
            ClaimStatus::Released => r.released += 1,
            ClaimStatus::Lapsed => r.lapsed += 1,
        }
        if let Some(rating) = c.rating.filter(|r| (1..=5).contains(r)) {
            r.ratings += 1;
            r.rating_sum += u32::try_from(rating).unwrap_or(0);
        }
    }
    Ok(out)
}

async fn fund_counts<C: ConnectionTrait>(db: &C) -> Result<HashMap<i64, u32>, DirectoryError> {
    let mut out = HashMap::new();
    for f in fund::Entity::find().all(db).await? {
        *out.entry(f.charity_id).or_insert(0) += 1;
    }
    Ok(out)
}

fn listing(
    o: &organization::Model,
    regions: &RegionDirectory,
    criteria: Option<&Criteria>,
    funds: u32,
    claims: ClaimRecord,
) -> CharityListing {
    CharityListing {
        slug: o.slug.clone(),
        name: o.name.clone(),
        place: o
            .region_code
            .as_deref()
            .map(|c| regions.display(c))
            .unwrap_or_default(),
        public_fundraising: o.public_fundraising,
        assistance_types: criteria.map(|c| c.types.clone()).unwrap_or_default(),
        regions: criteria.map(|c| c.regions.clone()).unwrap_or_default(),
        funds,
        claims,
        suspended: o.suspended_at.is_some(),
    }
}

/// Every verified charity (suspended ones marked), by name.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
) -> Result<Vec<CharityListing>, DirectoryError> {
    let orgs = verified()
        .order_by_asc(organization::Column::Name)
        .all(db)
        .await?;
    let ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let criteria = criteria(db, &ids, regions).await?;
    let claims = claim_records(db, &ids).await?;
    let funds = fund_counts(db).await?;
    Ok(orgs
        .iter()
        .map(|o| {
            listing(
                o,
                regions,
                criteria.get(&o.id),
                funds.get(&o.id).copied().unwrap_or(0),
                claims.get(&o.id).copied().unwrap_or_default(),
            )
        })
        .collect())
}

/// The ids of the charities whose verification is suspended now (few, usually none): the
/// fund pages mark their funds.
pub async fn suspended_ids<C: ConnectionTrait>(db: &C) -> Result<Vec<i64>, DirectoryError> {
    use sea_orm::QuerySelect;
    Ok(organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Kind.eq("charity"))
        .filter(organization::Column::SuspendedAt.is_not_null())
        .order_by_asc(organization::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

fn day(t: chrono::DateTime<chrono::Utc>) -> String {
    crate::domain::calendar::date_text(t)
}

/// How many verified needs its profile lists.
const MET_SHOWN: usize = 20;

/// A verified charity's profile by slug, if there is one.
pub async fn profile<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    slug: &str,
) -> Result<Option<CharityProfile>, DirectoryError> {
    let Some(o) = verified()
        .filter(organization::Column::Slug.eq(slug))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let ids = [o.id];
    let mut criteria = criteria(db, &ids, regions).await?;
    let claims = claim_records(db, &ids).await?;
    let fund_rows = fund::Entity::find()
        .filter(fund::Column::CharityId.eq(o.id))
        .order_by_desc(fund::Column::Id)
        .all(db)
        .await?;
    let mut funds = Vec::with_capacity(fund_rows.len());
    for f in &fund_rows {
        funds.push(FundLine {
            id: f.id,
            name: f.name.clone(),
            kind: FundKind::parse(&f.kind)?,
            status: FundStatus::parse(&f.status)?,
        });
    }
    let names: HashMap<i64, String> = fund_rows.iter().map(|f| (f.id, f.name.clone())).collect();
    let disclosures = fund_disclosure::Entity::find()
        .filter(fund_disclosure::Column::FundId.is_in(names.keys().copied()))
        .order_by_desc(fund_disclosure::Column::PostedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|d| DisclosureLine {
            fund_id: d.fund_id,
            fund: names.get(&d.fund_id).cloned().unwrap_or_default(),
            period: d.period,
            body: d.body,
            posted_on: day(d.posted_at),
        })
        .collect();
    let verified_claims = claim::Entity::find()
        .filter(claim::Column::CharityId.eq(o.id))
        .filter(claim::Column::Status.eq(ClaimStatus::Verified.code()))
        .order_by_desc(claim::Column::VerifiedAt)
        .all(db)
        .await?;
    let need_ids: Vec<i64> = verified_claims.iter().map(|c| c.need_id).collect();
    let needs: HashMap<i64, need::Model> = need::Entity::find()
        .filter(need::Column::Id.is_in(need_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    let mut outcomes: Vec<(CloseReason, u32)> = Vec::new();
    let mut met = Vec::new();
    for c in &verified_claims {
        // Only needs whose public copy is still public (not withdrawn since).
        let Some(n) = needs.get(&c.need_id).filter(|n| {
            crate::domain::need::NeedStatus::parse(&n.status).is_ok_and(|s| s.is_public())
        }) else {
            continue;
        };
        let reason = n
            .close_reason
            .as_deref()
            .map(CloseReason::parse)
            .transpose()?;
        if let Some(r) = reason {
            match outcomes.iter_mut().find(|(k, _)| *k == r) {
                Some((_, count)) => *count += 1,
                None => outcomes.push((r, 1)),
            }
        }
        if met.len() < MET_SHOWN {
            met.push(MetNeed {
                public_code: n.public_code.clone(),
                title: n.title.clone(),
                close_reason: reason,
                rating: c.rating.and_then(|r| u8::try_from(r).ok()),
            });
        }
    }
    outcomes.sort();
    let profile_row = supply_profile::Entity::find_by_id(o.id).one(db).await?;
    let mine = criteria.remove(&o.id);
    let household_categories = mine
        .as_ref()
        .map(|c| c.categories.clone())
        .unwrap_or_default();
    Ok(Some(CharityProfile {
        listing: listing(
            &o,
            regions,
            mine.as_ref(),
            u32::try_from(funds.len()).unwrap_or(u32::MAX),
            claims.get(&o.id).copied().unwrap_or_default(),
        ),
        description: o.description.clone(),
        verified_on: o.verified_at.map(day),
        household_categories,
        items_and_services: profile_row
            .map(|p| p.items_and_services)
            .unwrap_or_default(),
        outcomes,
        funds,
        disclosures,
        met,
    }))
}
