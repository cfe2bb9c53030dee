//! Alerts, timed: how long fan-out takes for one newly published need matched against
//! 100,000 subscriptions, and how fast the message outbox delivers to an SMTP server.
//!
//! On a fresh database with the demo world (SQLite; and PostgreSQL when
//! `TEST_DATABASE_URL` names a server), 1,000 charity members get 100,000 subscriptions
//! drawn with a fixed seed: saved searches with words (30 %), an assistance type (40 %),
//! a region (60 %, half of them where the demo's needs are), a household category (25 %)
//! or a coverage (15 %), and "fits our supply profile" (5 %); a fifth are daily digests,
//! half e-mail. Then ten published needs are announced, one at a time, each fanned out in
//! full (`app::alerts::fanout::process_all`: the matching, and writing every notification,
//! digest item and e-mail in one transaction). Finally the e-mails this queued are
//! delivered to an SMTP listener on this machine by one worker, then by two at once.
//!
//! Run: `cargo bench -p shanqiao --bench alert_fanout`. Figures are in
//! `docs/BENCHMARKS.md`.

#[path = "../server/tests/common/smtp.rs"]
mod smtp;

use app::alerts::fanout;
use app::entities::{alert_event, subscription, user};
use app::messages::delivery::{self, FileSink, Sink, SmtpSink};
use migrations::{Migrator, MigratorTrait};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Set};
use std::sync::Arc;
use std::time::{Duration, Instant};

const MEMBERS: usize = 1_000;
const SUBSCRIPTIONS: usize = 100_000;
const NEEDS: usize = 10;

const WORDS: [&str; 20] = [
    "轮椅",
    "助学",
    "医疗",
    "低保边缘",
    "透析",
    "康复",
    "护理",
    "学费",
    "房屋",
    "助餐",
    "取暖",
    "化疗",
    "残疾",
    "老人",
    "儿童",
    "手术",
    "药费",
    "助听器",
    "wheelchair",
    "2026",
];
const TYPES: [&str; 5] = [
    "medical",
    "education",
    "disability",
    "elderly_care",
    "housing",
];
const CATEGORIES: [&str; 4] = ["dibao", "dibao_edge", "tekun", "monitored"];
const COVERAGES: [&str; 2] = ["outside", "still_in_hardship"];

async fn strings(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    use sea_orm::{QueryResult, Statement};
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .expect("query")
    .iter()
    .map(|r: &QueryResult| {
        r.try_get_by_index::<String>(0)
            .or_else(|_| r.try_get_by_index::<i64>(0).map(|n| n.to_string()))
            .expect("a value")
    })
    .collect()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// 1,000 members and 100,000 subscriptions; how long writing them took.
async fn subscribe(db: &DatabaseConnection) -> Duration {
    let started = Instant::now();
    let now = chrono::Utc::now();
    let charities: Vec<i64> = strings(db, "SELECT charity_id FROM supply_profiles")
        .await
        .iter()
        .map(|s| s.parse().expect("id"))
        .collect();
    let mut members = Vec::with_capacity(MEMBERS);
    for n in 0..MEMBERS {
        members.push(user::ActiveModel {
            email: Set(Some(format!("bench-{n}@example.org"))),
            phone: Set(None),
            display_name: Set(format!("成员{n}")),
            password_hash: Set("x".into()),
            is_platform_admin: Set(false),
            is_demo: Set(false),
            disabled_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
    }
    for chunk in members.chunks(500) {
        user::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .expect("members");
    }
    let first: i64 = strings(db, "SELECT MIN(id) FROM users WHERE email LIKE 'bench-%'").await[0]
        .parse()
        .expect("id");
    // Regions: where the demo's needs are (so that some subscriptions match), and any.
    let near: Vec<String> = strings(
        db,
        "SELECT DISTINCT region_code FROM needs WHERE status = 'published'",
    )
    .await;
    let anywhere: Vec<String> = strings(db, "SELECT code FROM regions").await;
    let mut rng = StdRng::seed_from_u64(0xA1E7);
    let mut rows = Vec::with_capacity(1_000);
    for n in 0..SUBSCRIPTIONS {
        let by_profile = rng.gen_bool(0.05);
        let mut region = None;
        if !by_profile && rng.gen_bool(0.6) {
            let county = if rng.gen_bool(0.5) {
                near[rng.gen_range(0..near.len())].clone()
            } else {
                anywhere[rng.gen_range(0..anywhere.len())].clone()
            };
            // Provinces, cities and counties alike.
            region = Some(match rng.gen_range(0..3) {
                0 if county.len() == 6 => format!("{}0000", &county[..2]),
                1 if county.len() == 6 => format!("{}00", &county[..4]),
                _ => county,
            });
            if let Some(r) = &region {
                if !anywhere.contains(r) {
                    region = None;
                }
            }
        }
        let pick = |rng: &mut StdRng, p: f64, from: &[&str]| {
            (!by_profile && rng.gen_bool(p)).then(|| from[rng.gen_range(0..from.len())].to_owned())
        };
        let query = pick(&mut rng, 0.3, &WORDS).unwrap_or_default();
        let assistance_type = pick(&mut rng, 0.4, &TYPES);
        let household_category = pick(&mut rng, 0.25, &CATEGORIES);
        let coverage = pick(&mut rng, 0.15, &COVERAGES);
        let in_app = rng.gen_bool(0.9);
        rows.push(subscription::ActiveModel {
            user_id: Set(first + (n % MEMBERS) as i64),
            kind: Set(if by_profile { "profile" } else { "search" }.into()),
            charity_id: Set(Some(charities[n % charities.len()])),
            label: Set(format!("订阅{n}")),
            query: Set(query),
            region_code: Set(region),
            assistance_type: Set(assistance_type),
            household_category: Set(household_category),
            coverage: Set(coverage),
            frequency: Set(if rng.gen_bool(0.2) {
                "daily"
            } else {
                "immediate"
            }
            .into()),
            in_app: Set(in_app),
            by_email: Set(!in_app || rng.gen_bool(0.5)),
            email: Set(None),
            unsubscribe_nonce: Set(format!("nonce{n}")),
            created_at: Set(now),
            ..Default::default()
        });
        if rows.len() == 1_000 {
            subscription::Entity::insert_many(std::mem::take(&mut rows))
                .exec(db)
                .await
                .expect("subscriptions");
        }
    }
    started.elapsed()
}

/// Delivers until nothing is due or at least `limit` were sent; how many were.
async fn deliver(db: DatabaseConnection, sink: Sink, name: &'static str, limit: usize) -> usize {
    let mut sent = 0;
    while sent < limit {
        let n = delivery::deliver_due(&db, &sink, name, chrono::Utc::now())
            .await
            .expect("delivers");
        if n == 0 {
            break;
        }
        sent += n;
    }
    sent
}

async fn run(label: &str, url: &str) {
    let db = app::db::connect(url).await.expect("connect");
    Migrator::up(&db, None).await.expect("migrate");
    app::demo::seed(&db, chrono::Utc::now())
        .await
        .expect("demo");
    let written = subscribe(&db).await;
    let regions = app::regions::RegionDirectory::load(&db)
        .await
        .expect("regions");
    let ctx = fanout::Context {
        base_url: "https://shanqiao.example".into(),
        regions: Arc::new(regions),
    };
    let needs: Vec<i64> = strings(
        &db,
        &format!("SELECT id FROM needs WHERE status = 'published' ORDER BY id LIMIT {NEEDS}"),
    )
    .await
    .iter()
    .map(|s| s.parse().expect("id"))
    .collect();
    let mut times = Vec::new();
    let (mut notified, mut emails, mut digests) = (Vec::new(), Vec::new(), Vec::new());
    for need in &needs {
        let now = chrono::Utc::now();
        alert_event::Entity::insert(alert_event::ActiveModel {
            kind: Set("need_published".into()),
            need_id: Set(*need),
            claim_id: Set(None),
            dedup_key: Set(None),
            created_at: Set(now),
            processed_at: Set(None),
            ..Default::default()
        })
        .exec(&db)
        .await
        .expect("event");
        let started = Instant::now();
        let done = fanout::process_all(&db, &ctx, now).await.expect("fan-out");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(done.events, 1);
        notified.push(done.notifications as f64);
        emails.push(done.emails as f64);
        digests.push(done.digest_items as f64);
    }
    let max = times.iter().copied().fold(0.0, f64::max);
    println!(
        "| {label} | {SUBSCRIPTIONS} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} |",
        median(times.clone()),
        max,
        median(notified),
        median(emails),
        median(digests),
        written.as_secs_f64()
    );
    // Delivery of what the fan-outs queued.
    let queued: usize = strings(
        &db,
        "SELECT COUNT(*) FROM message_outbox WHERE status = 'pending'",
    )
    .await[0]
        .parse()
        .expect("count");
    let half = queued / 2;
    // First half by one worker, the second by two at once.
    let server = smtp::SmtpServer::start(smtp::Mode::Accept).await;
    let dir = tempfile::tempdir().expect("dir");
    let from = "善桥 Shanqiao <no-reply@shanqiao.localhost>";
    let sink = Sink::with_smtp(
        FileSink::new(dir.path(), from),
        SmtpSink::new(&server.url(), from, Duration::from_secs(10)).expect("smtp"),
    );
    let started = Instant::now();
    let one = deliver(db.clone(), sink.clone(), "one", half).await;
    let one_rate = one as f64 / started.elapsed().as_secs_f64();
    let other = app::db::connect(url).await.expect("connect");
    let started = Instant::now();
    let (a, b) = tokio::join!(
        tokio::spawn(deliver(db.clone(), sink.clone(), "two-a", usize::MAX)),
        tokio::spawn(deliver(other, sink, "two-b", usize::MAX)),
    );
    let two = a.expect("a") + b.expect("b");
    let two_rate = two as f64 / started.elapsed().as_secs_f64();
    let ids = server.message_ids();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    println!(
        "|   delivery to SMTP ({label}) | one worker: {one} e-mails, {one_rate:.0}/s | two workers: {two} e-mails, {two_rate:.0}/s | received {} ({} distinct) |",
        ids.len(),
        unique.len()
    );
    assert_eq!(ids.len(), unique.len(), "an e-mail arrived twice");
    assert_eq!(one + two, queued, "every queued e-mail was delivered");
}

#[tokio::main]
async fn main() {
    println!("# Alert fan-out: one published need against {SUBSCRIPTIONS} subscriptions, {NEEDS} needs\n");
    println!("| database | subscriptions | fan-out p50 ms | max ms | notifications p50 | e-mails p50 | digest items p50 | writing the subscriptions s |");
    println!("|---|---|---|---|---|---|---|---|");
    let dir = tempfile::tempdir().expect("dir");
    let sqlite = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    run("SQLite", &sqlite).await;
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => {
            let name = format!("sq_bench_alerts_{}", std::process::id());
            let admin = sea_orm::Database::connect(&base)
                .await
                .expect("PostgreSQL answers");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create");
            let (prefix, _) = base.rsplit_once('/').expect("a database in the URL");
            run("PostgreSQL", &format!("{prefix}/{name}")).await;
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
        _ => println!("\n(PostgreSQL skipped: TEST_DATABASE_URL is not set)"),
    }
}
