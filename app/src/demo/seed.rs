//! Writing the demo world into an empty database, in one transaction.

use super::corpus::{self, Corpus, NeedTemplate};
use super::rng::Rng;
use super::world::{self, OFFICES};
use super::DEMO_PASSWORD;
use crate::accounts::password;
use crate::audit::{self, Actor, Change};
use crate::domain::calendar;
use crate::domain::need::{AssistanceType, NeedStatus, Urgency};
use crate::domain::uscc::Uscc;
use crate::entities::*;
use crate::needs::draft::{ItemInput, NeedDraft, NeedInput};
use crate::needs::lifecycle;
use crate::needs::staff::Staff;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};
use std::collections::BTreeMap;
use std::fmt;

/// How many needs the demo world has, by status. 240 in all.
const NEEDS_BY_STATUS: &[(NeedStatus, usize)] = &[
    (NeedStatus::Draft, 14),
    (NeedStatus::InReview, 14),
    (NeedStatus::Published, 112),
    (NeedStatus::Claimed, 40),
    (NeedStatus::Fulfilled, 18),
    (NeedStatus::Verified, 26),
    (NeedStatus::Withdrawn, 8),
    (NeedStatus::Expired, 8),
];

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("the demo corpus is malformed: {0}")]
    Corpus(#[from] serde_json::Error),
    #[error("the demo data is inconsistent: {0}")]
    Inconsistent(String),
    /// The product's own write path refused a demo need.
    #[error("a demo need was refused: {0}")]
    Need(#[from] crate::needs::lifecycle::NeedError),
    #[error(transparent)]
    Password(#[from] password::PasswordError),
}

#[derive(Debug)]
pub enum SeedOutcome {
    Seeded(SeedReport),
    AlreadyHasData,
}

/// What was created.
#[derive(Debug, Default)]
pub struct SeedReport {
    pub offices: usize,
    pub charities: usize,
    pub users: usize,
    pub needs: usize,
    pub claims: usize,
    pub funds: usize,
    pub pledges: usize,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "seeded demo data: {} offices, {} charities, {} users, {} needs, {} claims, {} funds, {} pledges",
            self.offices, self.charities, self.users, self.needs, self.claims, self.funds, self.pledges
        )
    }
}

/// Seeds the demo world if the database holds no organizations yet. Timestamps are
/// relative to `now`; everything else is the same on every run.
pub async fn seed(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<SeedOutcome, SeedError> {
    if organization::Entity::find().count(db).await? > 0
        || need::Entity::find().count(db).await? > 0
    {
        return Ok(SeedOutcome::AlreadyHasData);
    }
    let corpus = corpus::load()?;
    let regions = crate::regions::RegionDirectory::load(db).await?;
    // One hash for every demo account: they share the demo password.
    let demo_hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
    let txn = crate::db::begin_write(db).await?;
    let mut world = Seeder {
        db: &txn,
        now,
        rng: Rng::new(0x5EED_2024),
        corpus: &corpus,
        regions: &regions,
        hash: demo_hash,
        report: SeedReport::default(),
    };
    world.run().await?;
    audit::record(
        &txn,
        Actor::System,
        Change {
            action: "demo.seed",
            entity_kind: "database",
            entity_id: "demo".into(),
            before: None,
            after: Some(serde_json::json!({ "needs": world.report.needs, "organizations": world.report.offices + world.report.charities })),
            reason: None,
        },
        now,
    )
    .await?;
    let report = std::mem::take(&mut world.report);
    txn.commit().await?;
    Ok(SeedOutcome::Seeded(report))
}

struct Seeder<'a, C> {
    db: &'a C,
    now: DateTime<Utc>,
    rng: Rng,
    corpus: &'a Corpus,
    regions: &'a crate::regions::RegionDirectory,
    hash: String,
    report: SeedReport,
}

/// Ids of what later steps refer to.
struct Offices {
    /// Office id by region code, and the caseworker and reviewer of each.
    by_region: BTreeMap<&'static str, OfficeStaff>,
}

#[derive(Clone, Copy)]
struct OfficeStaff {
    caseworker: i64,
    reviewer: i64,
}

#[derive(Clone, Copy)]
struct CharityRef {
    id: i64,
    admin: i64,
    public_fundraising: bool,
}

struct SeededNeed {
    id: i64,
    status: NeedStatus,
    goal_fen: i64,
    reviewer: i64,
}

impl<C: ConnectionTrait> Seeder<'_, C> {
    async fn run(&mut self) -> Result<(), SeedError> {
        let admin = self.user("admin@shanqiao.test", "平台管理员", true).await?;
        let offices = self.offices().await?;
        let charities = self.charities(admin).await?;
        self.supply_profiles(&charities).await?;
        let donor = self
            .user("donor@shanqiao.test", "爱心人士小周", false)
            .await?;
        let needs = self.needs(&offices).await?;
        let funds = self.funds(&charities).await?;
        self.claims_and_pledges(&needs, &charities, &funds, donor)
            .await?;
        // The made-up history is not news: nobody is alerted about it.
        {
            use crate::entities::alert_event;
            use sea_orm::sea_query::Expr;
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            alert_event::Entity::update_many()
                .col_expr(alert_event::Column::ProcessedAt, Expr::value(self.now))
                .filter(alert_event::Column::ProcessedAt.is_null())
                .exec(self.db)
                .await?;
        }
        Ok(())
    }

    async fn user(&mut self, email: &str, name: &str, platform_admin: bool) -> Result<i64, DbErr> {
        let row = user::ActiveModel {
            email: Set(Some(email.to_owned())),
            phone: Set(None),
            display_name: Set(name.to_owned()),
            password_hash: Set(self.hash.clone()),
            is_platform_admin: Set(platform_admin),
            is_demo: Set(true),
            disabled_at: Set(None),
            created_at: Set(self.now - Duration::days(200)),
            updated_at: Set(self.now - Duration::days(200)),
            ..Default::default()
        }
        .insert(self.db)
        .await?;
        self.report.users += 1;
        Ok(row.id)
    }

    async fn membership(
        &self,
        user_id: i64,
        organization_id: i64,
        role: &str,
    ) -> Result<(), DbErr> {
        membership::ActiveModel {
            user_id: Set(user_id),
            organization_id: Set(organization_id),
            role: Set(role.to_owned()),
            created_at: Set(self.now - Duration::days(200)),
            ..Default::default()
        }
        .insert(self.db)
        .await?;
        Ok(())
    }

    async fn offices(&mut self) -> Result<Offices, SeedError> {
        let mut by_region = BTreeMap::new();
        for (region, name) in OFFICES {
            let office = organization::ActiveModel {
                kind: Set("civil_affairs".into()),
                name: Set((*name).to_owned()),
                slug: Set(format!("office-{region}")),
                region_code: Set(Some((*region).to_owned())),
                uscc: Set(None),
                public_fundraising: Set(false),
                verification: Set("verified".into()),
                verification_reason: Set(None),
                verified_at: Set(Some(self.now - Duration::days(200))),
                verified_by: Set(None),
                description: Set(String::new()),
                review_time_limit_days: Set(7),
                created_at: Set(self.now - Duration::days(200)),
                updated_at: Set(self.now - Duration::days(200)),
                ..Default::default()
            }
            .insert(self.db)
            .await?;
            self.report.offices += 1;
            // The demo log-ins belong to 农安县民政局 (county) and 长春市民政局 (city).
            let (cw_email, rv_email) = match *region {
                "220122" => (
                    "caseworker@shanqiao.test".to_owned(),
                    "reviewer@shanqiao.test".to_owned(),
                ),
                _ => (
                    format!("caseworker-{region}@shanqiao.test"),
                    format!("reviewer-{region}@shanqiao.test"),
                ),
            };
            let cw_name = world::staff_name(&mut self.rng);
            let rv_name = world::staff_name(&mut self.rng);
            let caseworker = self.user(&cw_email, &cw_name, false).await?;
            let reviewer = self.user(&rv_email, &rv_name, false).await?;
            self.membership(caseworker, office.id, "caseworker").await?;
            self.membership(reviewer, office.id, "reviewer").await?;
            if *region == "220100" {
                let admin = self
                    .user("office-admin@shanqiao.test", "长春市民政局管理员", false)
                    .await?;
                self.membership(admin, office.id, "office_admin").await?;
            }
            by_region.insert(
                *region,
                OfficeStaff {
                    caseworker,
                    reviewer,
                },
            );
        }
        Ok(Offices { by_region })
    }

    async fn charities(&mut self, admin: i64) -> Result<Vec<CharityRef>, SeedError> {
        let home = |province: &str| match province {
            "jilin" => "220100",
            "gansu" => "620100",
            "qinghai" => "630100",
            _ => "110105",
        };
        let mut verified = Vec::new();
        for (i, template) in self.corpus.charities.iter().enumerate() {
            let region = home(&template.province);
            // 5 = registered with civil affairs, 3 = foundation; then the region, a
            // made-up organization code, and the GB 32100 check character.
            let uscc = Uscc::complete(&format!("53{region}MJ{:07}", 1000 + i * 37))
                .map_err(|e| SeedError::Inconsistent(e.to_string()))?;
            // The last two are still pending and rejected, to fill the admin's queue.
            let state = match i {
                _ if i + 2 == self.corpus.charities.len() => "pending",
                _ if i + 1 == self.corpus.charities.len() => "rejected",
                _ => "verified",
            };
            let charity = organization::ActiveModel {
                kind: Set("charity".into()),
                name: Set(template.name.clone()),
                slug: Set(format!("charity-{}", i + 1)),
                region_code: Set(Some(region.to_owned())),
                uscc: Set(Some(uscc.to_string())),
                public_fundraising: Set(template.public_fundraising),
                verification: Set(state.into()),
                verification_reason: Set((state == "rejected")
                    .then(|| "登记证书与统一社会信用代码不一致，请补充材料后重新提交".to_owned())),
                verified_at: Set((state != "pending").then_some(self.now - Duration::days(150))),
                verified_by: Set((state != "pending").then_some(admin)),
                description: Set(template.short_description.clone()),
                review_time_limit_days: Set(7),
                // Verified charities have given their account for offline transfers.
                payee_name: Set((state == "verified").then(|| template.name.clone())),
                payee_bank: Set((state == "verified").then(|| "中国银行长春分行营业部".to_owned())),
                payee_account: Set((state == "verified")
                    .then(|| format!("6216 6100 0000 {:04} {:03}", 1000 + i * 13, 100 + i))),
                created_at: Set(self.now - Duration::days(160)),
                updated_at: Set(self.now - Duration::days(150)),
                ..Default::default()
            }
            .insert(self.db)
            .await?;
            self.report.charities += 1;
            let (admin_email, member_email) = if i == 0 {
                (
                    "charity-admin@shanqiao.test".to_owned(),
                    "charity-member@shanqiao.test".to_owned(),
                )
            } else {
                (
                    format!("charity-admin-{}@shanqiao.test", i + 1),
                    format!("charity-member-{}@shanqiao.test", i + 1),
                )
            };
            let admin_name = world::staff_name(&mut self.rng);
            let member_name = world::staff_name(&mut self.rng);
            let charity_admin = self.user(&admin_email, &admin_name, false).await?;
            let member = self.user(&member_email, &member_name, false).await?;
            self.membership(charity_admin, charity.id, "charity_admin")
                .await?;
            self.membership(member, charity.id, "charity_member")
                .await?;
            if state == "verified" {
                verified.push(CharityRef {
                    id: charity.id,
                    admin: charity_admin,
                    public_fundraising: template.public_fundraising,
                });
            }
        }
        if verified.is_empty() {
            return Err(SeedError::Inconsistent("no verified charity".into()));
        }
        Ok(verified)
    }

    async fn needs(&mut self, offices: &Offices) -> Result<Vec<SeededNeed>, SeedError> {
        let mut seeded = Vec::new();
        let mut staff = BTreeMap::new();
        for (region, office) in &offices.by_region {
            let writer = Staff::of_user(self.db, office.caseworker).await?;
            let reviewer = Staff::of_user(self.db, office.reviewer).await?;
            staff.insert(*region, (writer, reviewer));
        }
        let mut n = 0usize;
        for &(status, count) in NEEDS_BY_STATUS {
            for _ in 0..count {
                // Walk types and categories in lock step with different strides so that
                // every pair of (type, category) and every status gets covered.
                let assistance_type = AssistanceType::ALL[n % AssistanceType::ALL.len()];
                let templates = self
                    .corpus
                    .need_templates
                    .get(assistance_type.code())
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| {
                        SeedError::Inconsistent(format!("no templates for {assistance_type}"))
                    })?;
                let template = &templates[(n / AssistanceType::ALL.len()) % templates.len()];
                let county = world::pick_county(&mut self.rng);
                let region = world::office_for(county);
                let people = (&staff[region].0, &staff[region].1);
                // The template's own categories, so that the story fits the category.
                let category = self.rng.pick(&template.household_categories).clone();
                let need = self
                    .need(
                        n,
                        status,
                        template,
                        assistance_type,
                        &category,
                        county,
                        people,
                    )
                    .await?;
                seeded.push(need);
                n += 1;
                self.report.needs += 1;
            }
        }
        Ok(seeded)
    }

    /// One need, written as the product writes needs: the editor's input checked into a
    /// draft, created by the office's caseworker, submitted, returned or published by its
    /// reviewer (with the quasi-identifier rule), withdrawn by staff, at the times the
    /// demo's history says. Claims, fulfilment and expiry have no write path yet (they
    /// come with claims): those states are set after publication.
    #[allow(clippy::too_many_arguments)]
    async fn need(
        &mut self,
        n: usize,
        status: NeedStatus,
        template: &NeedTemplate,
        assistance_type: AssistanceType,
        category: &str,
        county: &str,
        (writer, reviewer): (&Staff, &Staff),
    ) -> Result<SeededNeed, SeedError> {
        let rng = &mut self.rng;
        // Needs still in review were submitted within the default review time limit
        // (7 days), so that the review expiry job leaves the demo's review queue alone;
        // expired needs were written well before their deadline passed.
        let created = match status {
            NeedStatus::InReview => self.now - Duration::hours(24 + (n % 96) as i64),
            NeedStatus::Expired => self.now - Duration::hours(rng.between(24 * 40, 24 * 120)),
            _ => self.now - Duration::hours(rng.between(24 * 3, 24 * 120)),
        };
        let urgency = *rng.pick(Urgency::ALL);
        let age_band = rng.pick(&template.age_bands).clone();
        let household_size = rng.pick(&["1", "2", "3", "4", "5", "6+"]).to_string();
        // Vary amounts a little around the template, in whole hundreds of yuan.
        let scale = rng.between(80, 125);
        let target_yuan = template
            .target_amount_yuan
            .map(|y| (y * scale / 100).max(100) / 100 * 100);
        let submitted = created + Duration::hours(6);
        let published = created + Duration::hours(30 + (n % 48) as i64);
        let deadline = if status == NeedStatus::Expired {
            calendar::date_of(self.now - Duration::days(rng.between(2, 20)))
        } else {
            calendar::date_of(self.now + Duration::days(rng.between(20, 150)))
        };
        let closed = self.now - Duration::days(rng.between(1, 3));
        let members: Vec<String> = (0..rng.between(1, 3))
            .map(|_| world::person_name(rng))
            .collect();
        let input = NeedInput {
            title: template.title.clone(),
            story: template.story.clone(),
            assistance_type: assistance_type.code().to_owned(),
            household_category: category.to_owned(),
            coverage: template.coverage.clone(),
            assistance_received: template.assistance_received.clone(),
            region_code: county.to_owned(),
            age_band,
            household_size,
            urgency: urgency.code().to_owned(),
            deadline: deadline.format("%Y-%m-%d").to_string(),
            target_amount: target_yuan.map(|y| y.to_string()).unwrap_or_default(),
            items: template
                .items
                .iter()
                .map(|item| ItemInput {
                    name: item.name.clone(),
                    unit: item.unit.clone(),
                    quantity: item.quantity.to_string(),
                    unit_value: item.unit_value_yuan.to_string(),
                })
                .collect(),
            case_reference: format!("{}-{:05}", &county[..6], 10_000 + n),
            household_names: members.join("、"),
            consent_recorded_on: calendar::date_text(created),
            consent_scope: "同意以匿名方式在善桥平台公开需求，用于慈善组织认领与社会认捐".into(),
        };
        let draft = NeedDraft::parse(
            &input,
            |c| self.regions.is_county(c),
            calendar::date_of(created),
        )
        .map_err(|found| SeedError::Inconsistent(format!("demo need {n}: {found:?}")))?;
        let db = self.db;
        let code = lifecycle::create_in(db, writer, &draft, false, created).await?;
        match status {
            NeedStatus::Draft => {
                if n.is_multiple_of(2) {
                    let comment = self.rng.pick(&self.corpus.review_comments).clone();
                    lifecycle::submit_in(db, writer, &code, submitted).await?;
                    lifecycle::return_to_author_in(db, reviewer, &code, &comment, published)
                        .await?;
                }
            }
            NeedStatus::InReview => lifecycle::submit_in(db, writer, &code, submitted).await?,
            _ => {
                lifecycle::submit_in(db, writer, &code, submitted).await?;
                lifecycle::publish_in(db, reviewer, &code, published).await?;
            }
        }
        match status {
            NeedStatus::Withdrawn => {
                let reason = self.rng.pick(&self.corpus.withdraw_reasons).clone();
                lifecycle::withdraw_in(db, writer, &code, &reason, closed).await?;
            }
            NeedStatus::Claimed
            | NeedStatus::Fulfilled
            | NeedStatus::Verified
            | NeedStatus::Expired => {
                let ends = matches!(status, NeedStatus::Verified | NeedStatus::Expired);
                need::Entity::update_many()
                    .col_expr(need::Column::Status, Expr::value(status.code()))
                    .col_expr(need::Column::ClosedAt, Expr::value(ends.then_some(closed)))
                    .col_expr(
                        need::Column::CloseReason,
                        Expr::value((status == NeedStatus::Verified).then_some("met_fully")),
                    )
                    .col_expr(
                        need::Column::UpdatedAt,
                        Expr::value(if ends { closed } else { published }),
                    )
                    .filter(need::Column::PublicCode.eq(code.as_str()))
                    .exec(db)
                    .await?;
            }
            _ => {}
        }
        let id = need::Entity::find()
            .filter(need::Column::PublicCode.eq(code.as_str()))
            .one(db)
            .await?
            .ok_or_else(|| SeedError::Inconsistent(format!("demo need {code} vanished")))?
            .id;
        let goal = draft.target_amount.map_or(0, |f| f.0)
            + draft
                .items
                .iter()
                .map(|i| i.unit_value.0 * i64::from(i.quantity))
                .sum::<i64>();
        Ok(SeededNeed {
            id,
            status,
            goal_fen: goal,
            reviewer: reviewer.user_id,
        })
    }

    async fn funds(
        &mut self,
        charities: &[CharityRef],
    ) -> Result<Vec<(i64, CharityRef)>, SeedError> {
        let mut funds = Vec::new();
        for (i, template) in self.corpus.fund_templates.iter().enumerate() {
            let owner = charities[i % charities.len()];
            // The first fund carries a 1:1 matching offer, capped, for a month.
            let matching = i == 0;
            let fund = fund::ActiveModel {
                public_code: Set(format!("F-{:04}", i + 1)),
                charity_id: Set(owner.id),
                kind: Set(template.kind.clone()),
                name: Set(template.name.clone()),
                description: Set(template.description.clone()),
                sponsor: Set(if template.kind == "named" {
                    template
                        .name
                        .split("冠名")
                        .next()
                        .unwrap_or_default()
                        .to_owned()
                } else {
                    String::new()
                }),
                target_amount_fen: Set(Some(template.target_amount_yuan * 100)),
                leftover_policy: Set(template.leftover_policy.clone()),
                status: Set("open".into()),
                starts_on: Set(Some(calendar::date_of(self.now - Duration::days(90)))),
                ends_on: Set(Some(calendar::date_of(self.now + Duration::days(270)))),
                match_ratio_percent: Set(matching.then_some(100)),
                match_cap_fen: Set(matching.then_some(5_000_000)),
                match_starts_at: Set(matching.then_some(self.now - Duration::days(10))),
                match_ends_at: Set(matching.then_some(self.now + Duration::days(20))),
                last_disclosed_at: Set(None),
                created_at: Set(self.now - Duration::days(90)),
                updated_at: Set(self.now - Duration::days(90)),
                ..Default::default()
            }
            .insert(self.db)
            .await?;
            for t in &template.assistance_types {
                self.criterion(fund.id, "assistance_type", t).await?;
            }
            for c in &template.household_categories {
                self.criterion(fund.id, "household_category", c).await?;
            }
            self.report.funds += 1;
            funds.push((fund.id, owner));
        }
        Ok(funds)
    }

    /// Supply profiles for the verified charities but the last (which shows how the
    /// portal leads a charity without one to fill it in).
    async fn supply_profiles(&mut self, charities: &[CharityRef]) -> Result<(), SeedError> {
        // (types, household categories, regions, typical budget in yuan, what it gives,
        // claims it can carry), by the corpus's order of charities.
        const PROFILES: &[(&[&str], &[&str], &[&str], i64, &str, i32)] = &[
            (
                &["medical", "disability"],
                &["dibao", "tekun"],
                &["220000"],
                20_000,
                "轮椅、助听器、护理床、康复训练",
                12,
            ),
            (
                &["care_services", "elderly_care"],
                &["tekun", "dibao_edge"],
                &["220100"],
                3_000,
                "上门陪伴、陪诊、助餐、防褥疮气垫",
                8,
            ),
            (
                &["education", "children"],
                &["dibao", "relapse_watch"],
                &["620000"],
                10_000,
                "助学金、学习用品、书包文具、电脑",
                10,
            ),
            (
                &["medical", "basic_living", "temporary_aid"],
                &[],
                &[],
                50_000,
                "生活用品、棉被、医疗费用",
                15,
            ),
            (
                &["housing", "basic_living"],
                &["dibao_edge", "rigid_expense"],
                &["630000"],
                15_000,
                "取暖炉、棉被、门窗保温",
                8,
            ),
        ];
        for (charity, (types, categories, regions, budget, gives, capacity)) in
            charities.iter().zip(PROFILES)
        {
            supply_profile::ActiveModel {
                charity_id: Set(charity.id),
                typical_budget_fen: Set(Some(budget * 100)),
                claim_capacity: Set(*capacity),
                items_and_services: Set((*gives).to_owned()),
                updated_at: Set(self.now - Duration::days(120)),
            }
            .insert(self.db)
            .await?;
            let rows = types
                .iter()
                .map(|v| ("assistance_type", v))
                .chain(categories.iter().map(|v| ("household_category", v)))
                .chain(regions.iter().map(|v| ("region", v)));
            for (dimension, value) in rows {
                supply_profile_criterion::ActiveModel {
                    charity_id: Set(charity.id),
                    dimension: Set(dimension.to_owned()),
                    value: Set((*value).to_owned()),
                    ..Default::default()
                }
                .insert(self.db)
                .await?;
            }
        }
        Ok(())
    }

    async fn criterion(&self, fund_id: i64, dimension: &str, value: &str) -> Result<(), DbErr> {
        fund_criterion::ActiveModel {
            fund_id: Set(fund_id),
            dimension: Set(dimension.to_owned()),
            value: Set(value.to_owned()),
            ..Default::default()
        }
        .insert(self.db)
        .await?;
        Ok(())
    }

    async fn claims_and_pledges(
        &mut self,
        needs: &[SeededNeed],
        charities: &[CharityRef],
        funds: &[(i64, CharityRef)],
        donor: i64,
    ) -> Result<(), SeedError> {
        let mut receipt = 0usize;
        // A fund gives only to needs its own charity holds: each fund's charity claims
        // the first open need that fits the fund, as a charity would before funding it.
        let mut holder: std::collections::HashMap<i64, CharityRef> = Default::default();
        for (fund_id, owner) in funds {
            let criteria = crate::money::targets::criteria_of(self.db, *fund_id)
                .await
                .map_err(|e| SeedError::Inconsistent(e.to_string()))?;
            for need in needs.iter().filter(|n| n.status == NeedStatus::Claimed) {
                if holder.contains_key(&need.id) {
                    continue;
                }
                let Some(row) = need::Entity::find_by_id(need.id).one(self.db).await? else {
                    continue;
                };
                let fits = crate::money::targets::fits(&criteria, &row)
                    .map_err(|e| SeedError::Inconsistent(e.to_string()))?;
                if fits {
                    holder.insert(need.id, *owner);
                    break;
                }
            }
        }
        for (i, need) in needs.iter().enumerate() {
            let claim_status = match need.status {
                NeedStatus::Claimed => "active",
                NeedStatus::Fulfilled => "fulfilled",
                NeedStatus::Verified => "verified",
                _ => continue,
            };
            let charity = holder
                .get(&need.id)
                .copied()
                .unwrap_or(charities[i % charities.len()]);
            // Only a charity qualified for public fundraising raises money for a need.
            let fundraise = i % 2 == 0 && charity.public_fundraising;
            let created = self.now - Duration::days(self.rng.between(5, 25));
            let due = created + Duration::days(30);
            let done = claim_status != "active";
            let claim =
                claim::ActiveModel {
                    need_id: Set(need.id),
                    charity_id: Set(charity.id),
                    claimed_by: Set(charity.admin),
                    mode: Set(if fundraise { "fundraise" } else { "direct" }.into()),
                    status: Set(claim_status.into()),
                    due_at: Set(due),
                    created_at: Set(created),
                    fulfilled_at: Set(done.then(|| self.now - Duration::days(4))),
                    delivered_on: Set(done.then(|| calendar::date_of(self.now - Duration::days(5)))),
                    fulfilment_report: Set(
                        done.then(|| self.rng.pick(&self.corpus.fulfilment_reports).clone())
                    ),
                    fulfilment_cost_fen: Set(done.then_some(need.goal_fen)),
                    substitutions: Set(None),
                    verified_at: Set(
                        (claim_status == "verified").then(|| self.now - Duration::days(2))
                    ),
                    verified_by: Set((claim_status == "verified").then_some(need.reviewer)),
                    rating: Set((claim_status == "verified").then_some(5 - (i % 2) as i16)),
                    released_at: Set(None),
                    release_reason: Set(None),
                    lapsed_at: Set(None),
                    plan: Set(if fundraise {
                        "公开募集所需资金，到账后按需求清单采购并送达，完成后提交交付报告。"
                    } else {
                        "由本机构自有资金按需求清单采购并送达，完成后提交交付报告。"
                    }
                    .into()),
                    ..Default::default()
                }
                .insert(self.db)
                .await?;
            self.report.claims += 1;
            if !fundraise || need.goal_fen < 10_000 {
                continue;
            }
            // Pledges towards the need: received ones, up to about half the goal, and
            // for open claims one still waiting for the money.
            let share = need.goal_fen / 4 / 100 * 100;
            for k in 0..2 {
                let status = if claim_status == "active" && k == 1 {
                    "pledged"
                } else {
                    "received"
                };
                receipt += 1;
                self.pledge(
                    receipt,
                    Some((need.id, claim.id)),
                    None,
                    charity.id,
                    share.max(100),
                    status,
                    (k == 0).then_some(donor),
                    created + Duration::days(1 + k),
                )
                .await?;
            }
        }
        // Pledges to funds, some allocated on to needs of the fund's type.
        for (i, (fund_id, owner)) in funds.iter().enumerate() {
            for k in 0..4usize {
                let status = match k {
                    0 | 1 => "received",
                    2 => "pledged",
                    _ if i % 2 == 0 => "lapsed",
                    _ => "cancelled",
                };
                let amount = self.rng.between(2, 50) * 10_000;
                receipt += 1;
                self.pledge(
                    receipt,
                    None,
                    Some(*fund_id),
                    owner.id,
                    amount,
                    status,
                    None,
                    self.now - Duration::days(30 - k as i64 * 5),
                )
                .await?;
            }
        }
        // Each fund passes part of what it received on to a need that fits it, the way
        // a charity would: through the same allocation code, so the trace is real.
        for (fund_id, _) in funds {
            crate::money::allocations::seed_allocation(
                self.db,
                *fund_id,
                self.now - Duration::days(3),
            )
            .await
            .map_err(|e| SeedError::Inconsistent(e.to_string()))?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn pledge(
        &mut self,
        n: usize,
        need: Option<(i64, i64)>,
        fund: Option<i64>,
        charity_id: i64,
        amount_fen: i64,
        status: &str,
        donor_user: Option<i64>,
        pledged_at: DateTime<Utc>,
    ) -> Result<(), SeedError> {
        let anonymous = self.rng.chance(30);
        let name = (!anonymous).then(|| self.rng.pick(&self.corpus.donor_names).clone());
        let received =
            matches!(status, "received" | "allocated").then_some(pledged_at + Duration::days(2));
        // Receipt codes in the real shape, from the seeded generator (demo data only).
        let _ = n;
        let receipt_code = {
            const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
            let mut code = String::from("SQ");
            for i in 0..16 {
                if i % 4 == 0 {
                    code.push('-');
                }
                code.push(ALPHABET[(self.rng.next_u64() % 32) as usize] as char);
            }
            code
        };
        // The pledge keeps the payee it was made with.
        let payee = organization::Entity::find_by_id(charity_id)
            .one(self.db)
            .await?
            .ok_or_else(|| SeedError::Inconsistent("pledge without charity".into()))?;
        let pledge = pledge::ActiveModel {
            receipt_code: Set(receipt_code),
            need_id: Set(need.map(|(id, _)| id)),
            claim_id: Set(need.map(|(_, claim)| claim)),
            fund_id: Set(fund),
            charity_id: Set(charity_id),
            donor_user_id: Set(donor_user),
            donor_name: Set(name),
            is_anonymous: Set(anonymous),
            receipt_contact: Set(None),
            amount_fen: Set(amount_fen),
            status: Set(status.to_owned()),
            pledged_at: Set(pledged_at),
            // Pledges still waiting have a few days left, so the demo shows them waiting.
            lapses_at: Set(if status == "pledged" {
                self.now + Duration::days(5)
            } else {
                pledged_at + Duration::days(14)
            }),
            reminded_at: Set(None),
            received_at: Set(received),
            received_by: Set(None),
            cancelled_at: Set((status == "cancelled").then_some(pledged_at + Duration::days(3))),
            received_fen: Set(received.map(|_| amount_fen)),
            consented_at: Set(Some(pledged_at)),
            payee_name: Set(payee.payee_name),
            payee_bank: Set(payee.payee_bank),
            payee_account: Set(payee.payee_account),
            ..Default::default()
        }
        .insert(self.db)
        .await?;
        self.report.pledges += 1;
        if let Some(at) = received {
            let (account, reference) = match (need, fund) {
                (Some((need_id, _)), _) => ("need", need_id),
                (_, Some(fund_id)) => ("fund", fund_id),
                _ => return Err(SeedError::Inconsistent("pledge without target".into())),
            };
            // The database writes the two entries from the declaration.
            ledger_transaction::ActiveModel {
                kind: Set("pledge_received".into()),
                charity_id: Set(charity_id),
                pledge_id: Set(Some(pledge.id)),
                allocation_id: Set(None),
                fund_id: Set(fund),
                need_id: Set(need.map(|(id, _)| id)),
                memo: Set(String::new()),
                created_by: Set(None),
                created_at: Set(at),
                amount_fen: Set(Some(amount_fen)),
                debit_kind: Set(Some("donors".into())),
                debit_ref: Set(None),
                credit_kind: Set(Some(account.into())),
                credit_ref: Set(Some(reference)),
                ..Default::default()
            }
            .insert(self.db)
            .await?;
        }
        Ok(())
    }
}
