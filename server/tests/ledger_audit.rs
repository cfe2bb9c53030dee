//! The ledger audit on the real database (SQLite, or PostgreSQL with `TEST_DATABASE_URL`):
//! after real money movements (pledges received with matching gifts, a refund, an
//! allocation, a need met and its money disbursed) the books hold, `shanqiao
//! audit-ledger` exits 0, and `/healthz` and `/metrics` say so; with the database's own
//! rules dropped, each way of breaking the books is found, and the CLI exits 1.

mod common;

use app::claims::charity::CharityActor;
use app::claims::{lifecycle, ClaimRequest, LeasePolicy, ReportInput, Verification};
use app::domain::support::{ClaimMode, FundKind, LeftoverPolicy};
use app::domain::Fen;
use app::entities::{ledger_audit_run, ledger_transaction};
use app::money::audit::{self, Finding};
use app::money::{self, FundCriteria, MatchOffer, NewFund, PledgeInput, PledgeTarget};
use app::needs::staff::Staff;
use chrono::{Duration, Utc};
use common::{integer, strings};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set};
use std::process::{Command, Output, Stdio};

const CHARITY: &str = "charity-admin@shanqiao.test";
const OTHER_CHARITY: &str = "charity-admin-4@shanqiao.test";
const STAFF: &str = "office-admin@shanqiao.test";

async fn user(db: &DatabaseConnection, email: &str) -> i64 {
    integer(db, &format!("SELECT id FROM users WHERE email = '{email}'")).await
}

async fn actor(db: &DatabaseConnection, account: &str) -> CharityActor {
    CharityActor::of_user(db, user(db, account).await)
        .await
        .expect("query")
        .expect("a charity member")
}

/// A new open fund of `who`, any need fits, with a 1:1 matching offer up to ¥1,000.
async fn matched_fund(db: &DatabaseConnection, who: &CharityActor) -> i64 {
    let now = Utc::now();
    let today = app::domain::calendar::today(now);
    let input = NewFund {
        kind: FundKind::Special,
        name: "审计测试基金".into(),
        sponsor: "测试配捐方".into(),
        description: "测试用".into(),
        target: Some(Fen::yuan(100_000)),
        starts_on: today - Duration::days(1),
        ends_on: today + Duration::days(200),
        leftover: LeftoverPolicy::BackToFund,
        criteria: FundCriteria::default(),
        matching: Some(MatchOffer {
            ratio_percent: 100,
            cap: Fen::yuan(1_000),
            starts_at: now - Duration::days(1),
            ends_at: now + Duration::days(1),
        }),
    };
    money::funds::create(db, who, &input, now)
        .await
        .expect("fund created")
}

/// Pledges `amount` to `fund` from client address number `n`; the pledge id.
async fn pledge(db: &DatabaseConnection, fund: i64, amount: Fen, n: u32) -> i64 {
    let input = PledgeInput {
        target: PledgeTarget::Fund(fund),
        amount,
        display_name: Some("测试捐赠人".into()),
        contact: "donor-audit@example.org".into(),
    };
    money::pledges::create(
        db,
        &input,
        None,
        &format!("10.9.{}.{}", n / 200, n % 200),
        Default::default(),
        "http://x",
        None,
        Utc::now(),
    )
    .await
    .expect("pledged")
    .id
}

/// Pledges and receives `amount` into `fund`; the pledge id.
async fn give(db: &DatabaseConnection, who: &CharityActor, fund: i64, amount: Fen, n: u32) -> i64 {
    let id = pledge(db, fund, amount, n).await;
    money::pledges::receive(db, who, id, amount, None, Utc::now())
        .await
        .expect("received");
    id
}

/// Published needs of 长春市 (where the demo office admin works) that lack at least ¥500.
async fn open_needs(db: &DatabaseConnection) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    for code in strings(
        db,
        "SELECT public_code FROM needs WHERE status = 'published' AND region_code LIKE '2201%' ORDER BY id",
    )
    .await
    {
        let row = money::targets::public_need(db, &code).await.expect("need");
        if money::targets::room(db, &row).await.expect("room").0 >= 50_000 {
            out.push((row.id, code));
        }
        if out.len() == 3 {
            break;
        }
    }
    assert_eq!(out.len(), 3, "enough open needs");
    out
}

/// Money in every shape the ledger knows: receipts with matching gifts, a refund, an
/// allocation to a need the charity claimed, and that need met, its money disbursed. The id of the met
/// need.
async fn move_money(db: &DatabaseConnection) -> i64 {
    let who = actor(db, CHARITY).await;
    db.execute_unprepared("UPDATE supply_profiles SET claim_capacity = 1000")
        .await
        .expect("capacity");
    let fund = matched_fund(db, &who).await;
    give(db, &who, fund, Fen::yuan(300), 1).await;
    let refunded = give(db, &who, fund, Fen::yuan(200), 2).await;
    money::pledges::refund(db, &who, refunded, "捐赠人要求退款", None, Utc::now())
        .await
        .expect("refunded");
    let (need_id, code) = open_needs(db).await.remove(0);
    let now = Utc::now();
    let request = ClaimRequest {
        mode: ClaimMode::Direct,
        plan: "采购并送达".into(),
        plan_by: None,
    };
    let claim = lifecycle::claim(db, &who, &code, &request, LeasePolicy::default(), now)
        .await
        .expect("claimed");
    // Fund money goes to a need the fund's charity holds.
    money::allocations::allocate(db, &who, fund, &code, Fen::yuan(400), None, None, now)
        .await
        .expect("allocated");
    let report = ReportInput {
        delivered_on: app::domain::calendar::day_text(app::domain::calendar::today(now)),
        cost: "400".into(),
        items: Vec::new(),
        substitutions: String::new(),
        evidence: "物资已送达并由家属签收。".into(),
    };
    lifecycle::report_fulfilment(db, &who, claim, &report, now)
        .await
        .expect("reported");
    let staff = Staff::of_user(db, user(db, STAFF).await)
        .await
        .expect("staff");
    let verification = Verification::parse("met_fully", "5", "").expect("valid");
    lifecycle::verify(db, &staff, &code, &verification, now)
        .await
        .expect("verified");
    let disbursed = integer(
        db,
        &format!(
            "SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'disbursement' \
             AND need_id = {need_id} AND charity_id = {}",
            who.charity_id
        ),
    )
    .await;
    assert_eq!(disbursed, 1, "the met need's money is disbursed");
    need_id
}

/// Drops the database's rules named, per backend: the SQLite trigger names, and the
/// PostgreSQL (trigger, table) pairs.
async fn drop_rules(db: &DatabaseConnection, sqlite: &[&str], postgres: &[(&str, &str)]) {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        for (trigger, table) in postgres {
            db.execute_unprepared(&format!("DROP TRIGGER {trigger} ON {table}"))
                .await
                .expect("drop trigger");
        }
    } else {
        for trigger in sqlite {
            db.execute_unprepared(&format!("DROP TRIGGER {trigger}"))
                .await
                .expect("drop trigger");
        }
    }
}

/// Appends a transaction declaring `amount` from `debit` to `credit`; with the
/// database's writer trigger in place, its two entries are written too.
async fn book(
    db: &DatabaseConnection,
    kind: &str,
    charity: i64,
    about: (Option<i64>, Option<i64>, Option<i64>),
    amount: i64,
    debit: (&str, Option<i64>),
    credit: (&str, Option<i64>),
) -> i64 {
    let (pledge_id, need_id, allocation_id) = about;
    ledger_transaction::ActiveModel {
        kind: Set(kind.into()),
        charity_id: Set(charity),
        pledge_id: Set(pledge_id),
        allocation_id: Set(allocation_id),
        fund_id: Set(None),
        need_id: Set(need_id),
        memo: Set("audit test".into()),
        created_by: Set(None),
        created_at: Set(Utc::now()),
        amount_fen: Set(Some(amount)),
        debit_kind: Set(Some(debit.0.into())),
        debit_ref: Set(debit.1),
        credit_kind: Set(Some(credit.0.into())),
        credit_ref: Set(credit.1),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("booked")
    .id
}

fn shanqiao(args: &[&str], database_url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shanqiao"))
        .args(args)
        .env_remove("SHANQIAO_DATA_DIR")
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("binary runs")
}

async fn audit_ledger(database_url: &str) -> Output {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || shanqiao(&["audit-ledger"], &url))
        .await
        .expect("join")
}

/// The value of an unlabelled gauge in a Prometheus text answer.
fn gauge(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

/// The only test of this binary that reads `/metrics`: the gauges are the process's,
/// shared by every app a test starts.
#[tokio::test]
async fn real_money_keeps_the_books_and_a_wrong_disbursement_is_found_everywhere() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let met_need = move_money(db).await;

    let report = audit::run(db).await.expect("the audit runs");
    assert!(report.ok, "{}", report.render());
    assert!(report.entries > 10, "{report:?}");
    assert_eq!(report.entries, 2 * report.transactions);

    let (status, health) = app.get_text("/healthz").await;
    assert_eq!(status, 200);
    assert!(health.contains("ledger_audit never"), "{health}");
    let (_, scrape) = app.get_text("/metrics").await;
    assert_eq!(
        gauge(&scrape, "shanqiao_ledger_audit_ok"),
        Some(0.0),
        "{scrape}"
    );
    assert_eq!(
        gauge(&scrape, "shanqiao_ledger_audit_last_run_seconds"),
        Some(0.0)
    );

    let before = Utc::now().timestamp();
    let out = audit_ledger(&app.database.url).await;
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("the books hold"), "{said}");
    assert!(said.contains("recorded as run"), "{said}");
    let (status, health) = app.get_text("/healthz").await;
    assert_eq!(status, 200);
    assert!(health.contains("ledger_audit ok\n"), "{health}");
    assert!(health.contains("ledger_audit_finished_at 20"), "{health}");
    let (_, scrape) = app.get_text("/metrics").await;
    assert_eq!(
        gauge(&scrape, "shanqiao_ledger_audit_ok"),
        Some(1.0),
        "{scrape}"
    );
    let at = gauge(&scrape, "shanqiao_ledger_audit_last_run_seconds").expect("last run");
    assert!(
        at >= before as f64 && at <= Utc::now().timestamp() as f64 + 1.0,
        "{at}"
    );

    // A second disbursement from the met need, booked to another charity: the overdraft
    // rule would refuse it (the need's money is spent), so it goes first.
    drop_rules(
        db,
        &["ledger_entries_no_overdraft"],
        &[("ledger_entries_declared", "ledger_entries")],
    )
    .await;
    let other = actor(db, OTHER_CHARITY).await;
    let held_by = actor(db, CHARITY).await.charity_id;
    let wrong = book(
        db,
        "disbursement",
        other.charity_id,
        (None, Some(met_need), None),
        5_000,
        ("need", Some(met_need)),
        ("disbursed", None),
    )
    .await;

    let out = audit_ledger(&app.database.url).await;
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{said}{err}");
    assert!(said.contains("the books do NOT hold"), "{said}");
    assert!(
        said.contains(&format!(
            "disbursement {wrong} from need {met_need} is booked to charity {}, but charity {held_by} held the need",
            other.charity_id
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!("account need:{met_need} is below zero: -¥50")),
        "{said}"
    );
    assert!(err.contains("the books do not hold: 2 findings"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    let (status, health) = app.get_text("/healthz").await;
    assert_eq!(status, 200, "books that do not hold do not stop the site");
    assert!(health.contains("ledger_audit failed\n"), "{health}");
    let (_, scrape) = app.get_text("/metrics").await;
    assert_eq!(
        gauge(&scrape, "shanqiao_ledger_audit_ok"),
        Some(0.0),
        "{scrape}"
    );
    let last = audit::last_run(db).await.expect("query").expect("a run");
    assert!(!last.ok);
    assert!(
        last.report.contains(&format!("disbursement {wrong}")),
        "{}",
        last.report
    );
    assert_eq!(
        integer(db, "SELECT COUNT(*) FROM ledger_audit_runs").await,
        2,
        "both CLI runs are recorded"
    );
}

#[tokio::test]
async fn every_way_of_breaking_the_books_is_found() {
    let test_db = common::demo_database().await;
    let db = &test_db.db;
    let who = actor(db, CHARITY).await;
    let charity = who.charity_id;
    let fund = matched_fund(db, &who).await;
    let received = give(db, &who, fund, Fen::yuan(100), 1).await;
    let waiting = pledge(db, fund, Fen::yuan(100), 2).await;
    let needs = open_needs(db).await;
    let (need, unclaimed) = (needs[0].0, needs[1].0);
    assert!(audit::run(db).await.expect("audit").ok);

    drop_rules(
        db,
        &[
            "ledger_transactions_declared",
            "ledger_transactions_refund_within_receipt",
            "ledger_entries_no_overdraft",
        ],
        &[
            ("ledger_transactions_declared", "ledger_transactions"),
            ("ledger_entries_declared", "ledger_entries"),
        ],
    )
    .await;
    // The fund holds ¥200 (¥100 and its match): ¥500 out of it overdraws it, into a need
    // no allocation names.
    let stray = book(
        db,
        "allocation",
        charity,
        (None, Some(need), None),
        50_000,
        ("fund", Some(fund)),
        ("need", Some(need)),
    )
    .await;
    // More refunded than received.
    book(
        db,
        "refund",
        charity,
        (Some(received), None, None),
        15_000,
        ("fund", Some(fund)),
        ("refunded", None),
    )
    .await;
    // A receipt naming no pledge.
    let orphan = book(
        db,
        "pledge_received",
        charity,
        (None, None, None),
        100,
        ("donors", None),
        ("fund", Some(fund)),
    )
    .await;
    // A matching gift for a pledge whose money never came.
    let unmatched = book(
        db,
        "match",
        charity,
        (Some(waiting), None, None),
        100,
        ("match_sponsor", Some(fund)),
        ("fund", Some(fund)),
    )
    .await;
    // A disbursement booked to a need nobody claimed (the money taken from the need that
    // the stray allocation filled, so that no account goes below zero for it).
    let unheld = book(
        db,
        "disbursement",
        charity,
        (None, Some(unclaimed), None),
        100,
        ("need", Some(need)),
        ("disbursed", None),
    )
    .await;
    // An allocation with neither its transaction nor its sources.
    let bare: i64 = app::entities::allocation::ActiveModel {
        fund_id: Set(fund),
        need_id: Set(need),
        amount_fen: Set(10_000),
        created_by: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("allocation")
    .id;
    // A transaction with only one entry: its writer dropped too (and, on PostgreSQL, the
    // check at commit), the debit written by hand.
    drop_rules(
        db,
        &["ledger_transactions_entries"],
        &[
            ("ledger_transactions_entries", "ledger_transactions"),
            ("ledger_transactions_balanced", "ledger_transactions"),
            ("ledger_entries_balanced", "ledger_entries"),
        ],
    )
    .await;
    let one_sided = book(
        db,
        "match",
        charity,
        (Some(received), None, None),
        700,
        ("match_sponsor", Some(fund)),
        ("fund", Some(fund)),
    )
    .await;
    db.execute_unprepared(&format!(
        "INSERT INTO ledger_entries (transaction_id, account_kind, account_ref, side, amount_fen) \
         VALUES ({one_sided}, 'match_sponsor', {fund}, 'debit', 700)"
    ))
    .await
    .expect("one entry");

    let report = audit::run(db).await.expect("the audit runs");
    assert!(!report.ok);
    let text = report.render();
    let has = |p: &dyn Fn(&Finding) -> bool| report.findings.iter().any(p);
    assert!(
        has(
            &|f| matches!(f, Finding::Entries { transaction, entries: 1, debits: 1, credits: 0, .. } if *transaction == one_sided)
        ),
        "{text}"
    );
    assert!(
        has(
            &|f| matches!(f, Finding::Overdrawn { account, id, .. } if account == "fund" && *id == Some(fund))
        ),
        "{text}"
    );
    assert!(
        has(
            &|f| matches!(f, Finding::OverRefunded { pledge, received: 10_000, refunded: 15_000 } if *pledge == received)
        ),
        "{text}"
    );
    assert!(
        has(&|f| matches!(f, Finding::NoPledge { transaction, .. } if *transaction == orphan)),
        "{text}"
    );
    assert!(
        has(
            &|f| matches!(f, Finding::MatchWithoutReceipt { transaction, pledge } if *transaction == unmatched && *pledge == Some(waiting))
        ),
        "{text}"
    );
    assert!(
        has(
            &|f| matches!(f, Finding::Disbursement { transaction, held_by: None, .. } if *transaction == unheld)
        ),
        "{text}"
    );
    assert!(
        has(
            &|f| matches!(f, Finding::Allocation { allocation, transactions: 0, sources: 0, .. } if *allocation == bare)
        ),
        "{text}"
    );
    assert!(
        has(
            &|f| matches!(f, Finding::AllocationTransaction { transaction, allocation: None, .. } if *transaction == stray)
        ),
        "{text}"
    );
    assert_eq!(report.findings.len(), 8, "nothing else: {text}");
    // The old entry point says the same.
    assert_eq!(
        money::ledger::audit(db).await.expect("audit").len(),
        report.findings.len()
    );
}

#[tokio::test]
async fn runs_are_recorded_and_only_the_newest_hundred_kept() {
    let test_db = common::migrated_database().await;
    let db = &test_db.db;
    assert!(audit::last_run(db).await.expect("query").is_none());
    let report = audit::run(db).await.expect("the audit runs");
    assert!(report.ok && report.entries == 0, "{report:?}");
    let start = Utc::now() - Duration::hours(2);
    for i in 0..(audit::KEEP_RUNS as i64 + 5) {
        let at = start + Duration::minutes(i);
        audit::record(db, at, at, &report).await.expect("recorded");
    }
    let (_, newest) = audit::run_and_record(db).await.expect("run");
    assert_eq!(
        integer(db, "SELECT COUNT(*) FROM ledger_audit_runs").await,
        audit::KEEP_RUNS as i64
    );
    let last = audit::last_run(db).await.expect("query").expect("a run");
    assert_eq!(last.id, newest.id);
    assert!(last.ok && last.report.is_empty());
    assert!(ledger_audit_run::Entity::find_by_id(1)
        .one(db)
        .await
        .expect("query")
        .is_none());
}

#[tokio::test]
async fn the_server_audits_on_one_instance_at_a_time() {
    let test_db = common::migrated_database().await;
    let db = &test_db.db;
    // Two instances start at once: the first tick of each is now, and the lease lets
    // one of them run.
    server::jobs::spawn_ledger_audit(db.clone());
    server::jobs::spawn_ledger_audit(app::db::connect(&test_db.url).await.expect("connect"));
    let mut runs = 0;
    for _ in 0..200 {
        runs = integer(db, "SELECT COUNT(*) FROM ledger_audit_runs").await;
        if runs > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(runs, 1, "the job records its run");
    // The other instance asked at the same moment and was told no.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        integer(db, "SELECT COUNT(*) FROM ledger_audit_runs").await,
        1,
        "one instance ran it"
    );
    assert_eq!(
        strings(db, "SELECT name FROM job_leases").await,
        ["ledger_audit"]
    );
    assert!(audit::last_run(db).await.expect("query").expect("a run").ok);
}

/// How long the audit takes on a ledger of a million entries (500,000 receipts spread
/// over the demo's pledges and a thousand funds). Run it with `--ignored --nocapture`.
#[tokio::test]
#[ignore = "a benchmark: builds a ledger of a million entries"]
async fn a_million_entries_are_audited_in_seconds() {
    let test_db = common::demo_database().await;
    let db = &test_db.db;
    let charity = integer(
        db,
        "SELECT MIN(id) FROM organizations WHERE kind = 'charity'",
    )
    .await;
    let first = integer(db, "SELECT MIN(id) FROM pledges").await;
    let pledges = integer(db, "SELECT COUNT(*) FROM pledges").await;
    assert_eq!(
        integer(db, "SELECT MAX(id) FROM pledges").await - first + 1,
        pledges,
        "pledge ids are contiguous"
    );
    let built = std::time::Instant::now();
    // The declaration's triggers write the entries; receipts debit `donors`, so the
    // overdraft rule has nothing to sum.
    for chunk in 0..10 {
        db.execute_unprepared(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) \
             INSERT INTO ledger_transactions (kind, charity_id, pledge_id, memo, created_at, \
               amount_fen, debit_kind, debit_ref, credit_kind, credit_ref) \
             SELECT 'pledge_received', {charity}, {first} + ((i + {chunk}) % {pledges}), '', \
               (SELECT MIN(pledged_at) FROM pledges), \
               100 + i % 997, 'donors', NULL, 'fund', 1 + i % 1000 FROM n"
        ))
        .await
        .expect("bulk insert");
    }
    let entries = integer(db, "SELECT COUNT(*) FROM ledger_entries").await;
    assert!(entries >= 1_000_000, "{entries}");
    eprintln!("built {entries} entries in {:?}", built.elapsed());
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    }
    let started = std::time::Instant::now();
    let report = audit::run(db).await.expect("the audit runs");
    let took = started.elapsed();
    eprintln!(
        "audited {} entries in {took:?} ({})",
        report.entries,
        if report.ok { "ok" } else { "NOT ok" }
    );
    assert!(report.ok, "{}", report.render());
    assert!(took < std::time::Duration::from_secs(30), "{took:?}");
    // A quarter of a gigabyte: not left behind on the PostgreSQL server.
    if let Some(base) = common::postgres_base_url() {
        let name = test_db.url.rsplit('/').next().unwrap_or_default();
        let name = name.split('?').next().unwrap_or_default().to_owned();
        test_db.db.close_by_ref().await.ok();
        let admin = app::db::connect(&base).await.expect("connect");
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await
            .expect("drop the benchmark's database");
    }
}
