//! Money under concurrency, timed (issue #29), through the domain functions on a fresh
//! database with the demo world: SQLite, and PostgreSQL when `TEST_DATABASE_URL` names
//! a server (a new database there).
//!
//! 1. **Double refunds**: `PAIRS` pledges are received, then each is refunded twice at
//!    the same instant (16 pairs in flight at a time). Any pledge with two refund
//!    transactions is a double refund; the run exits 1 if there is one.
//! 2. **Money actions under 16 clients**: each client loops pledge → receive →
//!    allocate (to a need the charity holds) → refund; every call is timed (p50, p99).
//! 3. **The audit on a large ledger**: half a million receipts are written in plain SQL
//!    (the database writes their million entries), then `money::audit::run` is timed.
//!
//! Run: `cargo bench -p shanqiao --bench money_race` (`PAIRS=…`, `LEDGER_ENTRIES=…` to
//! change the sizes). Figures are in `docs/BENCHMARKS.md`.

use app::claims::charity::CharityActor;
use app::domain::support::{FundKind, LeftoverPolicy};
use app::domain::Fen;
use app::money::{self, FundCriteria, NewFund, PledgeInput, PledgeTarget};
use chrono::{Duration as Days, Utc};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};
use std::time::{Duration, Instant};

const CLIENTS: usize = 16;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn integer(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .expect("query")
        .expect("a row");
    row.try_get_by_index::<i64>(0)
        .or_else(|_| row.try_get_by_index::<i32>(0).map(i64::from))
        .expect("an integer")
}

fn quantile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn fund_of(db: &DatabaseConnection, who: &CharityActor) -> i64 {
    let today = app::domain::calendar::today(Utc::now());
    money::funds::create(
        db,
        who,
        &NewFund {
            kind: FundKind::Special,
            name: "压测专项基金".into(),
            sponsor: String::new(),
            description: "bench".into(),
            target: None,
            starts_on: today - Days::days(1),
            ends_on: today + Days::days(300),
            leftover: LeftoverPolicy::BackToFund,
            criteria: FundCriteria::default(),
            matching: None,
        },
        Utc::now(),
    )
    .await
    .expect("fund")
}

fn pledge_to(fund: i64, amount: Fen) -> PledgeInput {
    PledgeInput {
        target: PledgeTarget::Fund(fund),
        amount,
        display_name: None,
        contact: "bench@example.org".into(),
    }
}

async fn give(
    db: &DatabaseConnection,
    who: &CharityActor,
    fund: i64,
    n: usize,
) -> (i64, Vec<Duration>) {
    try_give(db, who, fund, n)
        .await
        .expect("pledge and receipt")
}

async fn try_give(
    db: &DatabaseConnection,
    who: &CharityActor,
    fund: i64,
    n: usize,
) -> Result<(i64, Vec<Duration>), money::MoneyError> {
    let mut times = Vec::new();
    let t = Instant::now();
    let p = money::pledges::create(
        db,
        &pledge_to(fund, Fen::yuan(50)),
        None,
        &format!("10.{}.{}.{}", n / 40_000, (n / 200) % 200, n % 200),
        Default::default(),
        "http://x",
        None,
        Utc::now(),
    )
    .await?;
    times.push(t.elapsed());
    let t = Instant::now();
    money::pledges::receive(db, who, p.id, Fen::yuan(50), None, Utc::now()).await?;
    times.push(t.elapsed());
    Ok((p.id, times))
}

/// Gives the charity active claims on `n` published needs (plain SQL).
async fn hold_needs(db: &DatabaseConnection, who: &CharityActor, n: usize) -> Vec<String> {
    let mut held = Vec::new();
    let codes: Vec<String> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT public_code FROM needs WHERE status = 'published' ORDER BY id".to_owned(),
        ))
        .await
        .expect("needs")
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).expect("code"))
        .collect();
    for code in codes.into_iter().take(n) {
        let txn = db.begin().await.expect("begin");
        txn.execute_unprepared(&format!(
            "UPDATE needs SET status = 'claimed' WHERE public_code = '{code}' AND status = 'published'"
        ))
        .await
        .expect("claimed");
        txn.execute_unprepared(&format!(
            "INSERT INTO claims (need_id, charity_id, claimed_by, mode, status, due_at, created_at, plan) \
             SELECT id, {}, {}, 'direct', 'active', '2099-01-01T00:00:00+00:00', created_at, '' \
             FROM needs WHERE public_code = '{code}'",
            who.charity_id, who.user_id
        ))
        .await
        .expect("claim");
        txn.commit().await.expect("commit");
        held.push(code);
    }
    held
}

async fn run(label: &str, url: &str) -> bool {
    let db = app::db::connect(url).await.expect("connect");
    Migrator::up(&db, None).await.expect("migrate");
    app::demo::seed(&db, Utc::now()).await.expect("demo");
    let user = integer(
        &db,
        "SELECT id FROM users WHERE email = 'charity-admin@shanqiao.test'",
    )
    .await;
    let who = CharityActor::of_user(&db, user)
        .await
        .expect("query")
        .expect("member");
    let fund = fund_of(&db, &who).await;

    // 1. Pairs of simultaneous refunds of one pledge.
    let pairs = env_or("PAIRS", 1_000);
    let mut pledges = Vec::with_capacity(pairs);
    for chunk in (0..pairs).collect::<Vec<_>>().chunks(CLIENTS) {
        let mut tasks = Vec::new();
        for &n in chunk {
            let (db, who) = (db.clone(), who.clone());
            tasks.push(tokio::spawn(
                async move { give(&db, &who, fund, n).await.0 },
            ));
        }
        for t in tasks {
            pledges.push(t.await.expect("task"));
        }
    }
    let started = Instant::now();
    let mut refunded_twice = 0;
    let mut refund_times = Vec::new();
    for chunk in pledges.chunks(CLIENTS) {
        let mut tasks = Vec::new();
        for &id in chunk {
            let (db, who) = (db.clone(), who.clone());
            tasks.push(tokio::spawn(async move {
                let t = Instant::now();
                let (a, b) = tokio::join!(
                    money::pledges::refund(&db, &who, id, "bench", None, Utc::now()),
                    money::pledges::refund(&db, &who, id, "bench", None, Utc::now()),
                );
                (a.is_ok() && b.is_ok(), t.elapsed())
            }));
        }
        for t in tasks {
            let (both, took) = t.await.expect("task");
            refunded_twice += usize::from(both);
            refund_times.push(took);
        }
    }
    let pair_wall = started.elapsed();
    let doubles = integer(
        &db,
        "SELECT COUNT(*) FROM (SELECT pledge_id FROM ledger_transactions WHERE kind = 'refund' \
         GROUP BY pledge_id HAVING COUNT(*) > 1) x",
    )
    .await;
    refund_times.sort();
    println!(
        "| {label} | {pairs} pairs | double refunds: {doubles} (both calls succeeded: {refunded_twice}) | pair p50 {:.1} ms, p99 {:.1} ms | {:.1} s |",
        quantile(&refund_times, 0.5),
        quantile(&refund_times, 0.99),
        pair_wall.as_secs_f64()
    );

    // 2. Money actions under 16 clients.
    let needs = hold_needs(&db, &who, 40).await;
    let rounds = env_or("ROUNDS", 25);
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let (db, who, needs) = (db.clone(), who.clone(), needs.clone());
        tasks.push(tokio::spawn(async move {
            let mut times: Vec<(&'static str, Duration)> = Vec::new();
            for round in 0..rounds {
                let n = 1_000_000 + client * 10_000 + round;
                // A busy database (SQLite's one writer) may answer "locked": counted.
                let Ok((id, t)) = try_give(&db, &who, fund, n).await else {
                    times.push(("busy", Duration::ZERO));
                    continue;
                };
                times.push(("pledge", t[0]));
                times.push(("receive", t[1]));
                let code = &needs[(client * 7 + round) % needs.len()];
                let t = Instant::now();
                let _ = money::allocations::allocate(
                    &db,
                    &who,
                    fund,
                    code,
                    Fen::yuan(10),
                    None,
                    None,
                    Utc::now(),
                )
                .await;
                times.push(("allocate", t.elapsed()));
                let t = Instant::now();
                let _ = money::pledges::refund(&db, &who, id, "bench", None, Utc::now()).await;
                times.push(("refund", t.elapsed()));
            }
            times
        }));
    }
    let mut all: Vec<(&'static str, Duration)> = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("client"));
    }
    let busy = all.iter().filter(|(a, _)| *a == "busy").count();
    if busy > 0 {
        println!("| {label} | {busy} pledge-and-receipt rounds refused as busy | | |");
    }
    for action in ["pledge", "receive", "allocate", "refund"] {
        let mut times: Vec<Duration> = all
            .iter()
            .filter(|(a, _)| *a == action)
            .map(|(_, d)| *d)
            .collect();
        times.sort();
        println!(
            "| {label} | {action} ({CLIENTS} clients, {} calls) | p50 {:.1} ms | p99 {:.1} ms |",
            times.len(),
            quantile(&times, 0.5),
            quantile(&times, 0.99)
        );
    }

    // 3. The audit on a ledger of about a million entries.
    let target_entries = env_or("LEDGER_ENTRIES", 1_000_000) as i64;
    let have = integer(&db, "SELECT COUNT(*) FROM ledger_entries").await;
    let rows = ((target_entries - have) / 2).max(0);
    let started = Instant::now();
    let series = if url.starts_with("postgres") {
        format!("SELECT g FROM generate_series(1, {rows}) AS g")
    } else {
        format!("WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {rows}) SELECT g FROM s")
    };
    let now = if url.starts_with("postgres") {
        "now()"
    } else {
        "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')"
    };
    // Receipts of a pledge each, as the product writes them (the trigger writes entries).
    db.execute_unprepared(&format!(
        "INSERT INTO ledger_transactions (kind, charity_id, pledge_id, fund_id, memo, created_at, \
         amount_fen, debit_kind, debit_ref, credit_kind, credit_ref) \
         SELECT 'pledge_received', {charity}, {pledge}, {fund}, 'bench', {now}, 100, 'donors', NULL, 'fund', {fund} \
         FROM ({series}) AS x",
        charity = who.charity_id,
        pledge = pledges[0],
    ))
    .await
    .expect("bulk ledger");
    let written = started.elapsed();
    let entries = integer(&db, "SELECT COUNT(*) FROM ledger_entries").await;
    let mut audit_times = Vec::new();
    let mut ok = true;
    for _ in 0..3 {
        let t = Instant::now();
        let report = money::audit::run(&db).await.expect("audit");
        audit_times.push(t.elapsed());
        ok &= report.ok;
    }
    audit_times.sort();
    println!(
        "| {label} | audit of {entries} entries | median {:.2} s (3 runs) | books hold: {ok} | writing them took {:.1} s |",
        audit_times[1].as_secs_f64(),
        written.as_secs_f64()
    );
    doubles == 0
}

#[tokio::main]
async fn main() {
    println!("# Money under concurrency\n");
    let dir = tempfile::tempdir().expect("dir");
    let sqlite = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let mut fine =
        std::env::var("BENCH_SQLITE").as_deref() == Ok("0") || run("SQLite", &sqlite).await;
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => {
            let name = format!("sq_bench_money_{}", std::process::id());
            let admin = app::db::connect(&base).await.expect("connect");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create");
            let (prefix, _) = base.rsplit_once('/').expect("a database in the URL");
            fine &= run("PostgreSQL", &format!("{prefix}/{name}")).await;
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
        _ => println!("\n(PostgreSQL skipped: TEST_DATABASE_URL is not set)"),
    }
    if !fine {
        eprintln!("a pledge was refunded twice");
        std::process::exit(1);
    }
}
