//! A charity's supply profile in the database: read it, replace it (admins and members
//! of the charity alike; every change audited).

use super::charity::CharityActor;
use super::SupplyProfile;
use crate::audit::{self, Change};
use crate::domain::need::{AssistanceType, HouseholdCategory};
use crate::domain::{Fen, RegionCode};
use crate::entities::{supply_profile, supply_profile_criterion as criterion};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set,
};

/// The charity's profile, if it has filled one in.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    charity_id: i64,
) -> Result<Option<SupplyProfile>, DbErr> {
    Ok(load_many(db, &[charity_id]).await?.remove(&charity_id))
}

/// The profiles of those of `charity_ids` that have one (two queries per 500 charities).
pub async fn load_many<C: ConnectionTrait>(
    db: &C,
    charity_ids: &[i64],
) -> Result<std::collections::HashMap<i64, SupplyProfile>, DbErr> {
    let mut profiles = std::collections::HashMap::new();
    for chunk in charity_ids.chunks(500) {
        for row in supply_profile::Entity::find()
            .filter(supply_profile::Column::CharityId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            let profile = SupplyProfile {
                assistance_types: Vec::new(),
                household_categories: Vec::new(),
                regions: Vec::new(),
                typical_budget: row.typical_budget_fen.map(Fen),
                gives: row
                    .items_and_services
                    .split('、')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                claim_capacity: row.claim_capacity.max(0) as u32,
            };
            profiles.insert(row.charity_id, profile);
        }
        for c in criterion::Entity::find()
            .filter(criterion::Column::CharityId.is_in(chunk.iter().copied()))
            .order_by_asc(criterion::Column::Id)
            .all(db)
            .await?
        {
            let Some(profile) = profiles.get_mut(&c.charity_id) else {
                continue;
            };
            // Unknown codes (from an older version) are skipped rather than failing the page.
            match c.dimension.as_str() {
                "assistance_type" => profile
                    .assistance_types
                    .extend(AssistanceType::parse(&c.value).ok()),
                "household_category" => profile
                    .household_categories
                    .extend(HouseholdCategory::parse(&c.value).ok()),
                "region" => profile.regions.extend(RegionCode::parse(&c.value).ok()),
                _ => {}
            }
        }
    }
    Ok(profiles)
}

/// Replaces the actor's charity's profile.
pub async fn save(
    db: &DatabaseConnection,
    who: &CharityActor,
    profile: &SupplyProfile,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let before = load(&txn, who.charity_id).await?;
    if before.as_ref().is_some_and(|b| b.same_as(profile)) {
        // Saved unchanged: nothing to write, nothing to audit.
        return Ok(());
    }
    criterion::Entity::delete_many()
        .filter(criterion::Column::CharityId.eq(who.charity_id))
        .exec(&txn)
        .await?;
    supply_profile::Entity::delete_by_id(who.charity_id)
        .exec(&txn)
        .await?;
    supply_profile::ActiveModel {
        charity_id: Set(who.charity_id),
        typical_budget_fen: Set(profile.typical_budget.map(|f| f.0)),
        claim_capacity: Set(profile.claim_capacity as i32),
        items_and_services: Set(profile.gives.join("、")),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let rows = profile
        .assistance_types
        .iter()
        .map(|t| ("assistance_type", t.code().to_owned()))
        .chain(
            profile
                .household_categories
                .iter()
                .map(|c| ("household_category", c.code().to_owned())),
        )
        .chain(
            profile
                .regions
                .iter()
                .map(|r| ("region", r.as_str().to_owned())),
        );
    for (dimension, value) in rows {
        criterion::ActiveModel {
            charity_id: Set(who.charity_id),
            dimension: Set(dimension.to_owned()),
            value: Set(value),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let json = |p: &SupplyProfile| serde_json::to_value(p).unwrap_or_default();
    audit::record(
        &txn,
        who.actor(),
        Change {
            action: "charity.supply_profile",
            entity_kind: "organization",
            entity_id: who.charity_id.to_string(),
            before: before.as_ref().map(json),
            after: Some(json(profile)),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
