//! `search-bench load`: the synthetic corpus written into the app's database as published
//! needs of its first office, with their items and a search-outbox row each, 1,000 needs
//! per transaction, with a progress bar. Public codes are `SY-2026-0000001` … so the
//! synthetic needs are easy to tell apart (and to delete: `DELETE FROM needs WHERE
//! public_code LIKE 'SY-%'`). Run `shanqiao reindex` afterwards, or let a running server's
//! indexer apply the outbox.

use crate::corpus;
use app::domain::need::{
    AgeBand, AssistanceType, Coverage, HouseholdCategory, HouseholdSize, Urgency,
};
use app::domain::organization::OrganizationKind;
use app::entities::{need, need_item, organization, search_outbox, user};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

const BATCH: u64 = 1_000;

pub async fn run(url: &str, count: u64, seed: u64) -> anyhow::Result<()> {
    let db = app::db::connect(url).await?;
    let office = organization::Entity::find()
        .filter(organization::Column::Kind.eq(OrganizationKind::CivilAffairs.code()))
        .order_by_asc(organization::Column::Id)
        .one(&db)
        .await?
        .ok_or_else(|| {
            anyhow::anyhow!("the database has no office: run `shanqiao seed-demo` first")
        })?;
    let author = user::Entity::find()
        .order_by_asc(user::Column::Id)
        .one(&db)
        .await?
        .ok_or_else(|| {
            anyhow::anyhow!("the database has no user: run `shanqiao seed-demo` first")
        })?;
    let counties = corpus::counties();
    let start = Utc.from_utc_datetime(
        &NaiveDate::from_ymd_opt(2026, 1, 1)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .ok_or_else(|| anyhow::anyhow!("date"))?,
    );
    let bar = crate::bar(count, "loading needs");
    let started = std::time::Instant::now();
    let mut from = 0;
    while from < count {
        let to = (from + BATCH).min(count);
        let needs: Vec<corpus::Need> = (from..to)
            .map(|i| corpus::need(seed, i, &counties))
            .collect();
        let code = |n: &corpus::Need| format!("SY-2026-{:07}", n.id);
        // A write transaction from the start: a server may be writing beside us.
        let txn = app::db::begin_write(&db).await?;
        let rows: Vec<need::ActiveModel> = needs
            .iter()
            .map(|n| {
                let published = start + Duration::days(n.published_day);
                let pick = |i: usize, len: usize| i % len;
                need::ActiveModel {
                    public_code: Set(code(n)),
                    office_id: Set(office.id),
                    author_id: Set(author.id),
                    region_code: Set(n.county.clone()),
                    title: Set(n.title.clone()),
                    story: Set(n.story.clone()),
                    assistance_type: Set(AssistanceType::ALL
                        [pick(n.assistance_type, AssistanceType::ALL.len())]
                    .code()
                    .to_owned()),
                    household_category: Set(HouseholdCategory::ALL
                        [pick(n.household_category, HouseholdCategory::ALL.len())]
                    .code()
                    .to_owned()),
                    coverage: Set(Coverage::ALL[pick(n.coverage, Coverage::ALL.len())]
                        .code()
                        .to_owned()),
                    assistance_received: Set(String::new()),
                    age_band: Set(AgeBand::ALL[pick(n.id as usize, 9)].code().to_owned()),
                    household_size: Set(HouseholdSize::ALL[pick(n.id as usize / 9, 6)]
                        .code()
                        .to_owned()),
                    urgency: Set(Urgency::ALL[pick(n.urgency, Urgency::ALL.len())]
                        .code()
                        .to_owned()),
                    deadline: Set(n
                        .deadline_day
                        .map(|d| (start + Duration::days(d)).date_naive())),
                    target_amount_fen: Set((n.target_fen > 0).then_some(n.target_fen)),
                    status: Set("published".to_owned()),
                    submitted_at: Set(Some(published - Duration::days(2))),
                    reviewed_by: Set(Some(author.id)),
                    published_at: Set(Some(published)),
                    created_at: Set(published - Duration::days(3)),
                    updated_at: Set(published),
                    ..Default::default()
                }
            })
            .collect();
        need::Entity::insert_many(rows).exec(&txn).await?;
        let codes: Vec<String> = needs.iter().map(code).collect();
        let ids: std::collections::HashMap<String, i64> = need::Entity::find()
            .filter(need::Column::PublicCode.is_in(codes))
            .all(&txn)
            .await?
            .into_iter()
            .map(|r| (r.public_code, r.id))
            .collect();
        let mut items = Vec::new();
        let mut outbox = Vec::new();
        for n in &needs {
            let Some(&id) = ids.get(&code(n)) else {
                continue;
            };
            for (position, (name, unit, quantity, value)) in n.items.iter().enumerate() {
                items.push(need_item::ActiveModel {
                    need_id: Set(id),
                    position: Set(position as i32),
                    name: Set(name.clone()),
                    unit: Set(unit.clone()),
                    quantity: Set(*quantity),
                    unit_value_fen: Set(*value),
                    ..Default::default()
                });
            }
            outbox.push(search_outbox::ActiveModel {
                entity_kind: Set("need".to_owned()),
                entity_id: Set(id),
                op: Set("upsert".to_owned()),
                created_at: Set(Utc::now()),
                ..Default::default()
            });
        }
        if !items.is_empty() {
            need_item::Entity::insert_many(items).exec(&txn).await?;
        }
        search_outbox::Entity::insert_many(outbox)
            .exec(&txn)
            .await?;
        txn.commit().await?;
        bar.set_position(to);
        from = to;
    }
    bar.finish_and_clear();
    println!(
        "loaded {count} synthetic published needs in {:.1} s; run `shanqiao reindex` (or let a running server apply the outbox)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
