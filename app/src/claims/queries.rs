//! Reading claims and matches: a charity's ranked needs and its own claims, the claims
//! on a need for the office staff of its region, and what a need's public page shows.

use super::charity::CharityActor;
use super::lifecycle::{active_claims, capacity_of, ClaimError, OPEN};
use super::matching::{self, NeedFacts};
use super::{
    AttachmentView, ClaimView, DeliveredItem, MatchView, Matches, PublicClaim, PublicOutcome,
};
use crate::domain::need::{AssistanceType, CloseReason, HouseholdCategory, NeedStatus, Urgency};
use crate::domain::support::{ClaimMode, ClaimStatus};
use crate::domain::{calendar, Fen, RegionCode};
use crate::entities::{claim, claim_attachment, need, need_item, organization};
use crate::needs::lifecycle::{acting_office, ANY_STAFF};
use crate::needs::staff::Staff;
use crate::regions::RegionDirectory;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

fn corrupt(e: impl std::fmt::Display) -> ClaimError {
    ClaimError::Corrupt(e.to_string())
}

/// What matching reads of a need (its public copy and items).
pub fn need_facts(
    row: &need::Model,
    items: &[need_item::Model],
    regions: &crate::regions::RegionDirectory,
) -> Result<NeedFacts, ClaimError> {
    let goal = items
        .iter()
        .fold(Fen(row.target_amount_fen.unwrap_or(0)), |acc, i| {
            acc.checked_add(Fen(i.unit_value_fen.saturating_mul(i64::from(i.quantity))))
                .unwrap_or(acc)
        });
    let county = RegionCode::parse(&row.region_code).map_err(corrupt)?;
    Ok(NeedFacts {
        id: row.id,
        assistance_type: AssistanceType::parse(&row.assistance_type).map_err(corrupt)?,
        household_category: HouseholdCategory::parse(&row.household_category).map_err(corrupt)?,
        county_name: regions.name(county.as_str()).unwrap_or_default().to_owned(),
        county,
        urgency: Urgency::parse(&row.urgency).map_err(corrupt)?,
        goal,
        item_names: items.iter().map(|i| i.name.clone()).collect(),
        deadline: row.deadline,
        published_at: row.published_at,
        public_code: row.public_code.clone(),
    })
}

/// How many ranked needs the portal and the API list.
pub const MATCH_LIMIT: usize = 50;

/// The published needs that fit the charity's profile, best first (none without one).
pub async fn matches<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    who: &CharityActor,
    limit: usize,
) -> Result<Matches, ClaimError> {
    let profile = super::profile::load(db, who.charity_id).await?;
    let capacity = capacity_of(db, who.charity_id).await?;
    let active = active_claims(db, who.charity_id).await?;
    let Some(profile) = profile else {
        return Ok(Matches {
            profile: None,
            needs: Vec::new(),
            active_claims: active,
            capacity,
        });
    };
    let mut query =
        need::Entity::find().filter(need::Column::Status.eq(NeedStatus::Published.code()));
    if !profile.regions.is_empty() {
        let mut within = Condition::any();
        for r in &profile.regions {
            let significant = match r.level() {
                crate::domain::region::RegionLevel::Province => 2,
                crate::domain::region::RegionLevel::City => 4,
                _ => 6,
            };
            within = within
                .add(need::Column::RegionCode.starts_with(r.as_str()[..significant].to_owned()));
        }
        query = query.filter(within);
    }
    // Only needs that can fit at all: of a type or category served, or with an item the
    // charity gives (matching then scores them).
    let mut fits = Condition::any();
    if !profile.assistance_types.is_empty() {
        fits = fits.add(
            need::Column::AssistanceType.is_in(profile.assistance_types.iter().map(|t| t.code())),
        );
    }
    if !profile.household_categories.is_empty() {
        fits = fits.add(
            need::Column::HouseholdCategory
                .is_in(profile.household_categories.iter().map(|c| c.code())),
        );
    }
    if !profile.gives.is_empty() {
        let mut named = Condition::any();
        for g in &profile.gives {
            named = named.add(need_item::Column::Name.contains(g.as_str()));
        }
        fits = fits.add(
            need::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(need_item::Column::NeedId)
                    .from(need_item::Entity)
                    .cond_where(named)
                    .to_owned(),
            ),
        );
    }
    let rows = query.filter(fits).all(db).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut items: HashMap<i64, Vec<need_item::Model>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for item in need_item::Entity::find()
            .filter(need_item::Column::NeedId.is_in(chunk.to_vec()))
            .order_by_asc(need_item::Column::Position)
            .all(db)
            .await?
        {
            items.entry(item.need_id).or_default().push(item);
        }
    }
    let mut facts = Vec::with_capacity(rows.len());
    for row in &rows {
        let its = items.get(&row.id).map(Vec::as_slice).unwrap_or_default();
        facts.push(need_facts(row, its, regions)?);
    }
    let ranked = matching::rank(&profile, facts, limit);
    let order: Vec<i64> = ranked.iter().map(|(n, _)| n.id).collect();
    let mut fits: HashMap<i64, matching::Fit> =
        ranked.into_iter().map(|(n, f)| (n.id, f)).collect();
    let summaries = crate::needs::queries::summaries_in_order(db, regions, rows, &order)
        .await
        .map_err(corrupt)?;
    let needs = summaries
        .into_iter()
        .filter_map(|(id, need)| {
            fits.remove(&id).map(|f| MatchView {
                need,
                score: f.score,
                reasons: f.reasons,
            })
        })
        .collect();
    Ok(Matches {
        profile: Some(profile),
        needs,
        active_claims: active,
        capacity,
    })
}

async fn view<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    c: claim::Model,
    n: &need::Model,
    charity: String,
) -> Result<ClaimView, ClaimError> {
    let attachments = claim_attachment::Entity::find()
        .filter(claim_attachment::Column::ClaimId.eq(c.id))
        .order_by_asc(claim_attachment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| AttachmentView {
            id: a.id,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
        })
        .collect();
    let need_items = need_item::Entity::find()
        .filter(need_item::Column::NeedId.eq(n.id))
        .order_by_asc(need_item::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.name, i.unit, i.quantity))
        .collect();
    let delivered_items: Vec<DeliveredItem> = match &c.delivered_items {
        Some(json) => serde_json::from_str(json).map_err(corrupt)?,
        None => Vec::new(),
    };
    let status = ClaimStatus::parse(&c.status).map_err(corrupt)?;
    Ok(ClaimView {
        id: c.id,
        need_code: n.public_code.clone(),
        need_title: n.title.clone(),
        need_place: regions.display(&n.region_code),
        need_status: NeedStatus::parse(&n.status).map_err(corrupt)?,
        charity,
        mode: ClaimMode::parse(&c.mode).map_err(corrupt)?,
        status,
        plan: c.plan,
        plan_by: c.plan_by,
        claimed_on: calendar::date_of(c.created_at),
        due_on: calendar::date_of(c.due_at),
        release_reason: c.release_reason,
        ended_on: c.released_at.or(c.lapsed_at).map(calendar::date_of),
        delivered_on: c.delivered_on,
        cost: c.fulfilment_cost_fen.map(Fen),
        delivered_items,
        substitutions: c.substitutions,
        evidence: c.evidence.or(c.fulfilment_report),
        rating: c.rating,
        thank_you: c.thank_you_note,
        review_question: c.review_question,
        attachments,
        need_items,
    })
}

async fn charity_name<C: ConnectionTrait>(db: &C, id: i64) -> Result<String, ClaimError> {
    Ok(organization::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default())
}

/// The charity's claims, newest first (at most `limit`).
pub async fn claims_of<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    who: &CharityActor,
    limit: u64,
) -> Result<Vec<ClaimView>, ClaimError> {
    use sea_orm::QuerySelect;
    let rows = claim::Entity::find()
        .filter(claim::Column::CharityId.eq(who.charity_id))
        .order_by_desc(claim::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        let Some(n) = need::Entity::find_by_id(c.need_id).one(db).await? else {
            continue;
        };
        out.push(view(db, regions, c, &n, who.charity_name.clone()).await?);
    }
    Ok(out)
}

/// One claim of the charity; another charity's is "not found".
pub async fn claim_of<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    who: &CharityActor,
    claim_id: i64,
) -> Result<ClaimView, ClaimError> {
    let c = claim::Entity::find_by_id(claim_id)
        .one(db)
        .await?
        .filter(|c| c.charity_id == who.charity_id)
        .ok_or(ClaimError::NotFound)?;
    let n = need::Entity::find_by_id(c.need_id)
        .one(db)
        .await?
        .ok_or(ClaimError::NotFound)?;
    view(db, regions, c, &n, who.charity_name.clone()).await
}

/// Every claim ever made on a need, newest first, for staff of its region.
pub async fn claims_on_need<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    staff: &Staff,
    code: &str,
) -> Result<Vec<ClaimView>, ClaimError> {
    let n = need::Entity::find()
        .filter(need::Column::PublicCode.eq(code))
        .one(db)
        .await?
        .ok_or(ClaimError::NotFound)?;
    acting_office(staff, &n, ANY_STAFF)?;
    let rows = claim::Entity::find()
        .filter(claim::Column::NeedId.eq(n.id))
        .order_by_desc(claim::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        let name = charity_name(db, c.charity_id).await?;
        out.push(view(db, regions, c, &n, name).await?);
    }
    Ok(out)
}

/// Whether `user` may see the attachments of `claim_id`: a member of its charity, or
/// staff of the need's region. Returns the need's code when so.
pub async fn may_see_attachments<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    claim_id: i64,
) -> Result<bool, ClaimError> {
    let Some(c) = claim::Entity::find_by_id(claim_id).one(db).await? else {
        return Ok(false);
    };
    if let Some(who) = super::charity::CharityActor::of_user(db, user_id).await? {
        if who.charity_id == c.charity_id {
            return Ok(true);
        }
    }
    let staff = Staff::of_user(db, user_id).await?;
    let Some(n) = need::Entity::find_by_id(c.need_id).one(db).await? else {
        return Ok(false);
    };
    Ok(acting_office(&staff, &n, ANY_STAFF).is_ok())
}

/// The open claim on a need and, once closed, its outcome, as the public page shows them.
pub async fn public_claim<C: ConnectionTrait>(
    db: &C,
    n: &need::Model,
) -> Result<(Option<PublicClaim>, Option<PublicOutcome>), ClaimError> {
    let Some(c) = claim::Entity::find()
        .filter(claim::Column::NeedId.eq(n.id))
        .filter(claim::Column::Status.is_in(OPEN))
        .one(db)
        .await?
    else {
        return Ok((None, None));
    };
    let claim = PublicClaim {
        charity: charity_name(db, c.charity_id).await?,
        mode: ClaimMode::parse(&c.mode).map_err(corrupt)?,
        status: ClaimStatus::parse(&c.status).map_err(corrupt)?,
        due_on: calendar::date_of(c.due_at),
    };
    let outcome = match n.close_reason.as_deref() {
        Some(reason) => Some(PublicOutcome {
            close_reason: CloseReason::parse(reason).map_err(corrupt)?,
            closed_on: n.closed_at.map(calendar::date_of),
            delivered_on: c.delivered_on,
            thank_you: c.thank_you_note,
            rating: c.rating,
        }),
        None => None,
    };
    Ok((Some(claim), outcome))
}
