//! Needs: the public copy, its items, the office's private case data (kept in its own
//! table so that no query for the public copy can reach it by accident), the counters
//! behind public codes, and charities' supply profiles that needs are matched against.

use crate::sql;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

pub const ASSISTANCE_TYPES: &[&str] = &[
    "medical",
    "education",
    "housing",
    "employment",
    "basic_living",
    "temporary_aid",
    "elderly_care",
    "children",
    "disability",
    "care_services",
];
pub const HOUSEHOLD_CATEGORIES: &[&str] = &[
    "dibao",
    "tekun",
    "dibao_edge",
    "relapse_watch",
    "rigid_expense",
    "other",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let types = sql::one_of(ASSISTANCE_TYPES);
        let categories = sql::one_of(HOUSEHOLD_CATEGORIES);
        let coverage = sql::one_of(&["outside", "still_in_hardship"]);
        // Exact bands, then the generalized ones the PII guard may widen them to.
        let age_bands = sql::one_of(&[
            "0-5", "6-11", "12-17", "18-29", "30-44", "45-59", "60-69", "70-79", "80+", "0-17",
            "18-59", "60+",
        ]);
        let sizes = sql::one_of(&["1", "2", "3", "4", "5", "6+", "1-2", "3-4", "5+"]);
        let urgency = sql::one_of(&["low", "normal", "high", "critical"]);
        let statuses = sql::one_of(&[
            "draft",
            "in_review",
            "published",
            "claimed",
            "fulfilled",
            "verified",
            "withdrawn",
            "expired",
        ]);
        let close_reasons = sql::one_of(&[
            "met_fully",
            "met_partially",
            "met_elsewhere",
            "no_longer_needed",
        ]);
        let dimensions = sql::one_of(&["assistance_type", "household_category", "region"]);
        sql::run(
            manager,
            &[
                &format!(
                    "CREATE TABLE needs (
                        id {{id}},
                        public_code TEXT NOT NULL UNIQUE,
                        office_id BIGINT NOT NULL REFERENCES organizations(id),
                        author_id BIGINT NOT NULL REFERENCES users(id),
                        region_code TEXT NOT NULL REFERENCES regions(code),
                        title TEXT NOT NULL CHECK (title <> ''),
                        story TEXT NOT NULL,
                        assistance_type TEXT NOT NULL CHECK (assistance_type IN ({types})),
                        household_category TEXT NOT NULL CHECK (household_category IN ({categories})),
                        coverage TEXT NOT NULL CHECK (coverage IN ({coverage})),
                        assistance_received TEXT NOT NULL DEFAULT '',
                        age_band TEXT NOT NULL CHECK (age_band IN ({age_bands})),
                        household_size TEXT NOT NULL CHECK (household_size IN ({sizes})),
                        urgency TEXT NOT NULL CHECK (urgency IN ({urgency})),
                        deadline {{date}} NULL,
                        target_amount_fen BIGINT NULL CHECK (target_amount_fen IS NULL OR target_amount_fen >= 0),
                        status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ({statuses})),
                        submitted_at {{ts}} NULL,
                        reviewed_by BIGINT NULL REFERENCES users(id),
                        review_comment TEXT NULL,
                        published_at {{ts}} NULL,
                        closed_at {{ts}} NULL,
                        close_reason TEXT NULL CHECK (close_reason IS NULL OR close_reason IN ({close_reasons})),
                        withdraw_reason TEXT NULL,
                        created_at {{ts}} NOT NULL,
                        updated_at {{ts}} NOT NULL,
                        CHECK (status IN ('draft', 'in_review', 'withdrawn', 'expired') OR published_at IS NOT NULL),
                        CHECK (status <> 'withdrawn' OR withdraw_reason IS NOT NULL)
                    )"
                ),
                "CREATE INDEX needs_status_published ON needs(status, published_at)",
                "CREATE INDEX needs_region ON needs(region_code)",
                "CREATE INDEX needs_office_status ON needs(office_id, status)",
                "CREATE TABLE need_items (
                    id {id},
                    need_id BIGINT NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL CHECK (position >= 0),
                    name TEXT NOT NULL CHECK (name <> ''),
                    unit TEXT NOT NULL,
                    quantity INTEGER NOT NULL CHECK (quantity > 0),
                    unit_value_fen BIGINT NOT NULL CHECK (unit_value_fen >= 0),
                    UNIQUE (need_id, position)
                )",
                "CREATE TABLE need_private (
                    need_id BIGINT PRIMARY KEY REFERENCES needs(id) ON DELETE CASCADE,
                    case_reference TEXT NOT NULL,
                    household_names TEXT NOT NULL DEFAULT '[]',
                    consent_recorded_by BIGINT NOT NULL REFERENCES users(id),
                    consent_recorded_at {ts} NOT NULL,
                    consent_scope TEXT NOT NULL,
                    consent_withdrawn_at {ts} NULL,
                    consent_withdrawn_by BIGINT NULL REFERENCES users(id)
                )",
                "CREATE TABLE public_code_counters (
                    prefix TEXT PRIMARY KEY,
                    last_value BIGINT NOT NULL CHECK (last_value >= 0)
                )",
                "CREATE TABLE supply_profiles (
                    charity_id BIGINT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
                    typical_budget_fen BIGINT NULL CHECK (typical_budget_fen IS NULL OR typical_budget_fen >= 0),
                    claim_capacity INTEGER NOT NULL DEFAULT 5 CHECK (claim_capacity >= 0),
                    items_and_services TEXT NOT NULL DEFAULT '',
                    updated_at {ts} NOT NULL
                )",
                &format!(
                    "CREATE TABLE supply_profile_criteria (
                        id {{id}},
                        charity_id BIGINT NOT NULL REFERENCES supply_profiles(charity_id) ON DELETE CASCADE,
                        dimension TEXT NOT NULL CHECK (dimension IN ({dimensions})),
                        value TEXT NOT NULL,
                        UNIQUE (charity_id, dimension, value)
                    )"
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::drop_tables(
            manager,
            &[
                "supply_profile_criteria",
                "supply_profiles",
                "public_code_counters",
                "need_private",
                "need_items",
                "needs",
            ],
        )
        .await
    }
}
