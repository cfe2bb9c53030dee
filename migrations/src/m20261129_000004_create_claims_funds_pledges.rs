//! Claims (a charity's lease on a need), funds with their criteria and matching offers,
//! pledges, and allocations of fund money to needs.

use crate::sql;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let modes = sql::one_of(&["direct", "fundraise"]);
        let claim_statuses =
            sql::one_of(&["active", "fulfilled", "verified", "released", "lapsed"]);
        let fund_kinds = sql::one_of(&["named", "special", "project"]);
        let leftover = sql::one_of(&["back_to_fund", "most_urgent_matching_need"]);
        let fund_statuses = sql::one_of(&["open", "closed"]);
        let dimensions = sql::one_of(&["assistance_type", "household_category", "region"]);
        let pledge_statuses =
            sql::one_of(&["pledged", "received", "allocated", "cancelled", "lapsed"]);
        sql::run(
            manager,
            &[
                &format!(
                    "CREATE TABLE claims (
                        id {{id}},
                        need_id BIGINT NOT NULL REFERENCES needs(id),
                        charity_id BIGINT NOT NULL REFERENCES organizations(id),
                        claimed_by BIGINT NOT NULL REFERENCES users(id),
                        mode TEXT NOT NULL CHECK (mode IN ({modes})),
                        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ({claim_statuses})),
                        due_at {{ts}} NOT NULL,
                        created_at {{ts}} NOT NULL,
                        fulfilled_at {{ts}} NULL,
                        delivered_on {{date}} NULL,
                        fulfilment_report TEXT NULL,
                        fulfilment_cost_fen BIGINT NULL CHECK (fulfilment_cost_fen IS NULL OR fulfilment_cost_fen >= 0),
                        substitutions TEXT NULL,
                        verified_at {{ts}} NULL,
                        verified_by BIGINT NULL REFERENCES users(id),
                        rating SMALLINT NULL CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
                        released_at {{ts}} NULL,
                        release_reason TEXT NULL,
                        lapsed_at {{ts}} NULL
                    )"
                ),
                // At most one claim per need that is not released or lapsed: two charities
                // claiming at the same instant cannot both win.
                "CREATE UNIQUE INDEX claims_one_open_per_need ON claims(need_id) \
                 WHERE status IN ('active', 'fulfilled', 'verified')",
                "CREATE INDEX claims_charity_status ON claims(charity_id, status)",
                "CREATE INDEX claims_status_due ON claims(status, due_at)",
                &format!(
                    "CREATE TABLE funds (
                        id {{id}},
                        public_code TEXT NOT NULL UNIQUE,
                        charity_id BIGINT NOT NULL REFERENCES organizations(id),
                        kind TEXT NOT NULL CHECK (kind IN ({fund_kinds})),
                        name TEXT NOT NULL CHECK (name <> ''),
                        description TEXT NOT NULL DEFAULT '',
                        target_amount_fen BIGINT NULL CHECK (target_amount_fen IS NULL OR target_amount_fen >= 0),
                        leftover_policy TEXT NOT NULL CHECK (leftover_policy IN ({leftover})),
                        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ({fund_statuses})),
                        starts_on {{date}} NULL,
                        ends_on {{date}} NULL,
                        match_ratio_percent INTEGER NULL CHECK (match_ratio_percent IS NULL OR match_ratio_percent > 0),
                        match_cap_fen BIGINT NULL CHECK (match_cap_fen IS NULL OR match_cap_fen >= 0),
                        match_starts_at {{ts}} NULL,
                        match_ends_at {{ts}} NULL,
                        last_disclosed_at {{ts}} NULL,
                        created_at {{ts}} NOT NULL,
                        updated_at {{ts}} NOT NULL,
                        CHECK ((match_ratio_percent IS NULL) = (match_cap_fen IS NULL)),
                        CHECK ((match_ratio_percent IS NULL) = (match_starts_at IS NULL)),
                        CHECK ((match_ratio_percent IS NULL) = (match_ends_at IS NULL)),
                        CHECK (match_starts_at IS NULL OR match_starts_at < match_ends_at),
                        CHECK (starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on)
                    )"
                ),
                "CREATE INDEX funds_charity ON funds(charity_id)",
                &format!(
                    "CREATE TABLE fund_criteria (
                        id {{id}},
                        fund_id BIGINT NOT NULL REFERENCES funds(id) ON DELETE CASCADE,
                        dimension TEXT NOT NULL CHECK (dimension IN ({dimensions})),
                        value TEXT NOT NULL,
                        UNIQUE (fund_id, dimension, value)
                    )"
                ),
                &format!(
                    "CREATE TABLE pledges (
                        id {{id}},
                        receipt_code TEXT NOT NULL UNIQUE,
                        need_id BIGINT NULL REFERENCES needs(id),
                        claim_id BIGINT NULL REFERENCES claims(id),
                        fund_id BIGINT NULL REFERENCES funds(id),
                        charity_id BIGINT NOT NULL REFERENCES organizations(id),
                        donor_user_id BIGINT NULL REFERENCES users(id),
                        donor_name TEXT NULL,
                        is_anonymous BOOLEAN NOT NULL DEFAULT FALSE,
                        receipt_contact TEXT NULL,
                        amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
                        status TEXT NOT NULL DEFAULT 'pledged' CHECK (status IN ({pledge_statuses})),
                        pledged_at {{ts}} NOT NULL,
                        lapses_at {{ts}} NOT NULL,
                        reminded_at {{ts}} NULL,
                        received_at {{ts}} NULL,
                        received_by BIGINT NULL REFERENCES users(id),
                        cancelled_at {{ts}} NULL,
                        CHECK ((need_id IS NULL) <> (fund_id IS NULL)),
                        CHECK (need_id IS NULL OR claim_id IS NOT NULL),
                        CHECK (status NOT IN ('received', 'allocated') OR received_at IS NOT NULL)
                    )"
                ),
                "CREATE INDEX pledges_charity_status ON pledges(charity_id, status)",
                "CREATE INDEX pledges_need ON pledges(need_id)",
                "CREATE INDEX pledges_fund ON pledges(fund_id)",
                "CREATE TABLE allocations (
                    id {id},
                    fund_id BIGINT NOT NULL REFERENCES funds(id),
                    need_id BIGINT NOT NULL REFERENCES needs(id),
                    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
                    created_by BIGINT NULL REFERENCES users(id),
                    created_at {ts} NOT NULL
                )",
                "CREATE INDEX allocations_fund ON allocations(fund_id)",
                "CREATE INDEX allocations_need ON allocations(need_id)",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::drop_tables(
            manager,
            &["allocations", "pledges", "fund_criteria", "funds", "claims"],
        )
        .await
    }
}
