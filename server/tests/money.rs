//! Funds, pledges and the ledger, over HTTP and through the domain on the real database
//! (SQLite, or PostgreSQL with `TEST_DATABASE_URL`): a donor pledges without an account
//! and follows the money; bad pledges are refused field by field and write nothing;
//! pledges are throttled per address; matching offers keep their cap and window;
//! unreceived pledges are reminded and lapse; leftovers follow the fund's rule; two
//! allocations racing for a fund's last yuan; and random concurrent money movements
//! that must leave the ledger balanced and every pledge traceable.

mod common;

use app::domain::support::LeftoverPolicy;
use app::domain::Fen;
use app::money::{self, MatchOffer, MoneyError};
use chrono::{Duration, Utc};
use common::{call, integer, sign_in_demo, strings};
use reqwest::Method;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{json, Value};

use common::money::*;

#[tokio::test]
async fn a_donor_pledges_without_an_account_and_follows_the_money_to_a_need() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let (status, list) = call(&app, Method::GET, "/api/v1/funds", None, None).await;
    assert_eq!(status, 200, "{list}");
    let funds = list["funds"].as_array().expect("funds");
    assert!(funds.len() >= 3, "{list}");
    // The demo's first fund carries a 1:1 matching offer.
    let fund = funds
        .iter()
        .find(|f| f["public_code"] == "F-0001")
        .expect("F-0001")
        .clone();
    let fund_id = fund["id"].as_i64().expect("id");
    assert_eq!(fund["matching"]["ratio_percent"], 100, "{fund}");
    let (status, one) = call(
        &app,
        Method::GET,
        &format!("/api/v1/funds/{fund_id}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["fund"]["id"], fund_id);
    assert!(
        one["ledger"].as_array().is_some_and(|l| !l.is_empty()),
        "{one}"
    );

    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v1/pledges",
        None,
        Some(json!({"fund": fund_id, "amount_fen": 20000, "display_name": "王女士", "contact": "wang@example.org", "consent": true})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let code = body["receipt_code"]
        .as_str()
        .expect("receipt code")
        .to_owned();
    assert!(
        code.len() == 22
            && code.starts_with("SQ-")
            && code.split('-').skip(1).all(|g| g.len() == 4),
        "{code}"
    );
    assert_eq!(body["status"], "pledged");
    assert!(
        body["payment"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["value"] == code),
        "{body}"
    );
    // The receipt went to the donor's contact, which no public answer shows.
    let receipt = app.message_to("wang@example.org").await;
    assert!(receipt.contains(&code), "{receipt}");
    let (status, tracked) = call(
        &app,
        Method::GET,
        &format!("/api/v1/pledges/{code}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(tracked["amount_fen"], 20000);
    assert!(!tracked.to_string().contains("wang@example.org"));
    let (status, _) = call(
        &app,
        Method::GET,
        "/api/v1/pledges/SQ-0000-0000-0000-0000",
        None,
        None,
    )
    .await;
    assert_eq!(status, 404);

    // The charity marks it received in its portal; the matching offer adds ¥200.
    let cookie = sign_in_demo(&app, CHARITY).await;
    let (status, page) = app.get_with_cookie("/charity/pledges", &cookie).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&code) && page.contains("wang@example.org"),
        "the charity sees the waiting pledge with its contact"
    );
    let pledge_id = integer(
        db,
        &format!("SELECT id FROM pledges WHERE receipt_code = '{code}'"),
    )
    .await;
    let response = app
        .post_form(
            &format!("/charity/pledges/{pledge_id}/receive"),
            &[("amount", "200")],
            Some(&cookie),
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let (_, tracked) = call(
        &app,
        Method::GET,
        &format!("/api/v1/pledges/{code}"),
        None,
        None,
    )
    .await;
    assert_eq!(tracked["status"], "received", "{tracked}");
    assert_eq!(tracked["matched_fen"], 20000, "{tracked}");
    assert_eq!(tracked["in_fund_fen"], 40000, "{tracked}");

    // … and allocates it to a need it holds, drawing on this pledge first.
    let who = actor(db, CHARITY).await;
    needs_with_room(db, 40).await;
    let own = money::funds::own(db, &who, fund_id, Utc::now())
        .await
        .expect("own fund");
    let (need, _, room) = own
        .candidates
        .first()
        .expect("a need the fund can reach")
        .clone();
    let amount = Fen(room.0.min(40_000));
    let response = app
        .post_form(
            &format!("/charity/funds/{fund_id}/allocate"),
            &[
                ("need", need.as_str()),
                ("amount", &amount.to_yuan_input()),
                ("pledge", &pledge_id.to_string()),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "{:?}",
        response.text().await
    );
    let (_, tracked) = call(
        &app,
        Method::GET,
        &format!("/api/v1/pledges/{code}"),
        None,
        None,
    )
    .await;
    assert_eq!(tracked["reached"][0]["need"], need.as_str(), "{tracked}");
    assert_eq!(
        tracked["reached"][0]["amount_fen"].as_i64().unwrap()
            + tracked["in_fund_fen"].as_i64().unwrap(),
        40000
    );
    // The tracking page and the fund's public page say where it went.
    let (status, html) = app.get_text(&format!("/pledges/{code}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&need), "the tracking page names the need");
    app.index_now().await;
    let (_, html) = app.get_text(&format!("/funds/{fund_id}")).await;
    assert!(
        html.contains(&need) && html.contains("王女士"),
        "the fund page shows the need and the donor's chosen name"
    );
    let (status, csv) = app.get_text(&format!("/funds/{fund_id}/ledger.csv")).await;
    assert_eq!(status, 200);
    assert!(
        csv.contains("王女士") && csv.contains("allocation") && !csv.contains("wang@example.org"),
        "{csv}"
    );
    // Open data of money flows: names only where shown, never contacts.
    let (status, flows) = app.get_text("/open-data/money.json").await;
    assert_eq!(status, 200);
    assert!(
        flows.contains("王女士") && flows.contains(&need) && !flows.contains("wang@example.org")
    );
    let anonymous = strings(
        db,
        "SELECT donor_name FROM pledges WHERE is_anonymous AND donor_name IS NOT NULL",
    )
    .await;
    assert!(
        anonymous.iter().all(|n| !flows.contains(n.as_str())),
        "anonymous donors stay anonymous"
    );
    let (status, csv) = app.get_text("/open-data/money.csv").await;
    assert_eq!(status, 200);
    assert!(csv.contains("pledge_received") && csv.contains("王女士"));
    assert_ledger_true(db).await;
}

#[tokio::test]
async fn bad_pledges_get_specific_errors_and_write_nothing() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let fund = integer(db, "SELECT id FROM funds WHERE public_code = 'F-0002'").await;
    let before = integer(db, "SELECT COUNT(*) FROM pledges").await;
    let base = json!({"fund": fund, "amount_fen": 20000, "display_name": "李", "contact": "li@example.org", "consent": true});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("amount_fen", json!(0)), "amount_fen"),
        (with("amount_fen", json!(-500)), "amount_fen"),
        (with("amount_fen", json!("two hundred")), "amount_fen"),
        (with("amount_fen", json!(100.5)), "amount_fen"),
        (with("amount_fen", json!(1e15)), "amount_fen"),
        (with("amount_fen", json!(99)), "amount_fen"),
        (with("contact", json!("")), "contact"),
        (with("display_name", json!("")), "display_name"),
        (with("consent", json!(false)), "consent"),
    ] {
        let (status, answer) = call(
            &app,
            Method::POST,
            "/api/v1/pledges",
            None,
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 422, "{body} → {answer}");
        assert_eq!(answer["error"]["code"], "invalid");
        assert!(
            answer["error"]["fields"][field].is_string(),
            "{field}: {answer}"
        );
    }
    let (status, answer) = call(
        &app,
        Method::POST,
        "/api/v1/pledges",
        None,
        Some(json!({"amount_fen": 100})),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/pledges",
        None,
        Some(with("fund", json!(999_999))),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = app.get_text("/api/v1/pledges").await;
    assert!(status == 405 || status == 404);
    // A closed fund.
    db.execute_unprepared(&format!(
        "UPDATE funds SET status = 'closed' WHERE id = {fund}"
    ))
    .await
    .unwrap();
    let (status, answer) = call(
        &app,
        Method::POST,
        "/api/v1/pledges",
        None,
        Some(base.clone()),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("fund_closed")),
        "{answer}"
    );
    // A need nobody raises money for.
    let open = strings(
        db,
        "SELECT public_code FROM needs WHERE status = 'published' ORDER BY id LIMIT 1",
    )
    .await
    .remove(0);
    let need_body = json!({"need": open, "amount_fen": 20000, "anonymous": true, "contact": "13800138000", "consent": true});
    let (status, answer) = call(&app, Method::POST, "/api/v1/pledges", None, Some(need_body)).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("need_not_raising")),
        "{answer}"
    );
    // A need a charity raises for: more than it lacks, then filled up, then full.
    let raising = strings(
        db,
        "SELECT n.public_code FROM needs n JOIN claims c ON c.need_id = n.id \
         WHERE c.status = 'active' AND c.mode = 'fundraise' AND n.status = 'claimed' ORDER BY n.id LIMIT 1",
    )
    .await
    .remove(0);
    let row = money::targets::public_need(db, &raising).await.unwrap();
    let room = money::targets::room(db, &row).await.unwrap();
    assert!(room.0 > 100, "the demo need still lacks money");
    let to_need = |amount: i64| json!({"need": raising, "amount_fen": amount, "anonymous": true, "contact": "13800138000", "consent": true});
    let (status, answer) = call(
        &app,
        Method::POST,
        "/api/v1/pledges",
        None,
        Some(to_need(room.0 + 1)),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (422, Some("over_target")),
        "{answer}"
    );
    assert_eq!(
        integer(db, "SELECT COUNT(*) FROM pledges").await,
        before,
        "nothing refused was written"
    );
    let (status, answer) = call(
        &app,
        Method::POST,
        "/api/v1/pledges",
        None,
        Some(to_need(room.0)),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    let id = integer(
        db,
        &format!(
            "SELECT id FROM pledges WHERE receipt_code = '{}'",
            answer["receipt_code"].as_str().unwrap()
        ),
    )
    .await;
    let charity_user = strings(db, &format!(
        "SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id JOIN pledges p ON p.charity_id = m.organization_id \
         WHERE p.id = {id} ORDER BY u.id LIMIT 1")).await.remove(0);
    let who = actor(db, &charity_user).await;
    money::pledges::receive(db, &who, id, room, None, Utc::now())
        .await
        .expect("received");
    let (status, answer) = call(
        &app,
        Method::POST,
        "/api/v1/pledges",
        None,
        Some(to_need(100)),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("need_fully_funded")),
        "{answer}"
    );
    // The form says the same, field by field, without JavaScript.
    let open_fund = integer(db, "SELECT id FROM funds WHERE public_code = 'F-0003'").await;
    let response = app
        .post_form(
            &format!("/funds/{open_fund}/pledge"),
            &[
                ("preset", "custom"),
                ("custom_amount", "1.005"),
                ("display_name", "张"),
                ("contact", "not a contact"),
            ],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("金额最小单位是分")
            && html.contains("请填写接收回执的电子邮箱或手机号码")
            && html.contains("请阅读并同意认捐须知"),
        "field errors on the page"
    );
    assert!(html.contains("value=\"1.005\""), "what was typed is kept");
    let response = app
        .post_form(
            &format!("/funds/{open_fund}/pledge"),
            &[
                ("preset", "200"),
                ("display_name", "张"),
                ("contact", "zhang@example.org"),
                ("consent", "on"),
            ],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(common::location(&response).starts_with("/pledges/SQ-"));
    assert_ledger_true(db).await;
}

#[tokio::test]
async fn pledges_are_throttled_per_address() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let fund = integer(db, "SELECT id FROM funds WHERE public_code = 'F-0002'").await;
    let body = json!({"fund": fund, "amount_fen": 1000, "anonymous": true, "contact": "flood@example.org", "consent": true});
    let mut created = 0;
    let mut throttled = false;
    for _ in 0..25 {
        let (status, answer) = call(
            &app,
            Method::POST,
            "/api/v1/pledges",
            None,
            Some(body.clone()),
        )
        .await;
        match status {
            201 => created += 1,
            429 => {
                assert_eq!(answer["error"]["code"], "throttled");
                throttled = true;
                break;
            }
            other => panic!("{other}: {answer}"),
        }
    }
    assert_eq!(created, money::pledges::PLEDGES_PER_ADDRESS.free as i32);
    assert!(throttled);
}

#[tokio::test]
async fn matching_offers_keep_their_cap_and_window() {
    let test_db = common::demo_database().await;
    let db = &test_db.db;
    let who = actor(db, CHARITY).await;
    let now = Utc::now();
    let offer = MatchOffer {
        ratio_percent: 100,
        cap: Fen::yuan(300),
        starts_at: now - Duration::days(1),
        ends_at: now + Duration::days(1),
    };
    let fund = new_fund(db, &who, LeftoverPolicy::BackToFund, Some(offer)).await;
    let mut matched = Vec::new();
    for n in 0..3 {
        let p = money::pledges::create(
            db,
            &fund_pledge(fund, Fen::yuan(200)),
            None,
            &format!("10.1.0.{n}"),
            Default::default(),
            "http://x",
            None,
            now,
        )
        .await
        .unwrap();
        matched.push(
            money::pledges::receive(db, &who, p.id, Fen::yuan(200), None, now)
                .await
                .unwrap()
                .matched(),
        );
    }
    assert_eq!(
        matched,
        [Fen::yuan(200), Fen::yuan(100), Fen::ZERO],
        "1:1 until the ¥300 cap"
    );
    let past = MatchOffer {
        starts_at: now - Duration::days(10),
        ends_at: now - Duration::days(5),
        ..offer
    };
    let ended = new_fund(db, &who, LeftoverPolicy::BackToFund, Some(past)).await;
    let p = money::pledges::create(
        db,
        &fund_pledge(ended, Fen::yuan(200)),
        None,
        "10.1.1.1",
        Default::default(),
        "http://x",
        None,
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        money::pledges::receive(db, &who, p.id, Fen::yuan(200), None, now)
            .await
            .unwrap()
            .matched(),
        Fen::ZERO,
        "outside the window"
    );
    let summary = money::funds::detail(db, fund, now).await.unwrap().summary;
    assert_eq!(
        summary.raised,
        Fen::yuan(900),
        "three pledges and ¥300 matched"
    );
    assert_ledger_true(db).await;
}

#[tokio::test]
async fn unreceived_pledges_are_reminded_then_lapse() {
    let test_db = common::demo_database().await;
    let db = &test_db.db;
    let who = actor(db, CHARITY).await;
    let fund = new_fund(db, &who, LeftoverPolicy::BackToFund, None).await;
    let now = Utc::now();
    let policy = money::PledgePolicy {
        lapse_days: 14,
        remind_days_before: 3,
    };
    let p = money::pledges::create(
        db,
        &fund_pledge(fund, Fen::yuan(50)),
        None,
        "10.2.0.1",
        policy,
        "http://x",
        None,
        now,
    )
    .await
    .unwrap();
    let messages = |db: &DatabaseConnection| {
        let db = db.clone();
        async move {
            integer(
                &db,
                "SELECT COUNT(*) FROM message_outbox WHERE recipient = 'donor-test@example.org'",
            )
            .await
        }
    };
    let sent = messages(db).await;
    let status = |db: &DatabaseConnection, code: String| {
        let db = db.clone();
        async move { money::pledges::track(&db, &code).await.unwrap().status }
    };
    use app::domain::support::PledgeStatus;
    money::pledges::lapse_due(db, policy, "http://x", now + Duration::days(5))
        .await
        .unwrap();
    assert_eq!(messages(db).await, sent, "not reminded yet");
    assert_eq!(
        status(db, p.receipt_code.clone()).await,
        PledgeStatus::Pledged
    );
    let (reminded, _) = money::pledges::lapse_due(db, policy, "http://x", now + Duration::days(12))
        .await
        .unwrap();
    assert!(reminded >= 1);
    assert_eq!(
        status(db, p.receipt_code.clone()).await,
        PledgeStatus::Pledged
    );
    assert_eq!(messages(db).await, sent + 1, "the donor is reminded once");
    money::pledges::lapse_due(db, policy, "http://x", now + Duration::days(13))
        .await
        .unwrap();
    assert_eq!(messages(db).await, sent + 1, "and only once");
    let (_, lapsed) = money::pledges::lapse_due(db, policy, "http://x", now + Duration::days(15))
        .await
        .unwrap();
    assert!(lapsed >= 1);
    assert_eq!(
        status(db, p.receipt_code.clone()).await,
        PledgeStatus::Lapsed
    );
    // Money that comes late can still be received.
    money::pledges::receive(
        db,
        &who,
        p.id,
        Fen::yuan(50),
        None,
        now + Duration::days(16),
    )
    .await
    .expect("late money is received");
    assert!(matches!(
        money::pledges::receive(db, &who, p.id, Fen::yuan(50), None, now).await,
        Err(MoneyError::WrongState)
    ));
    assert_ledger_true(db).await;
}

#[tokio::test]
async fn leftovers_go_back_to_the_fund_or_on_to_the_most_urgent_need() {
    let test_db = common::demo_database().await;
    let db = &test_db.db;
    let who = actor(db, CHARITY).await;
    let needs = needs_with_room(db, 3).await;
    assert!(needs.len() >= 2);
    let back = new_fund(db, &who, LeftoverPolicy::BackToFund, None).await;
    give(db, &who, back, Fen::yuan(500), 1).await;
    money::allocations::allocate(
        db,
        &who,
        back,
        &needs[0].0,
        Fen::yuan(300),
        None,
        None,
        Utc::now(),
    )
    .await
    .unwrap();
    let on = new_fund(db, &who, LeftoverPolicy::MostUrgentMatchingNeed, None).await;
    give(db, &who, on, Fen::yuan(400), 2).await;
    money::allocations::allocate(
        db,
        &who,
        on,
        &needs[0].0,
        Fen::yuan(400),
        None,
        None,
        Utc::now(),
    )
    .await
    .unwrap();
    let need_id = integer(
        db,
        &format!("SELECT id FROM needs WHERE public_code = '{}'", needs[0].0),
    )
    .await;
    let txn = app::db::begin_write(db).await.unwrap();
    let moved = money::allocations::settle_leftover(&txn, need_id, true, Utc::now())
        .await
        .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(moved, Fen::yuan(700));
    let now = Utc::now();
    let back_fund = money::funds::detail(db, back, now).await.unwrap().summary;
    assert_eq!(
        (back_fund.balance, back_fund.allocated),
        (Fen::yuan(500), Fen::ZERO),
        "back to the fund"
    );
    let on_fund = money::funds::detail(db, on, now).await.unwrap();
    assert_eq!(on_fund.summary.balance, Fen::ZERO, "passed on");
    assert!(
        on_fund.reached.iter().all(|r| r.public_code != needs[0].0),
        "{:?}",
        on_fund.reached
    );
    assert_eq!(
        on_fund.reached.iter().map(|r| r.amount.0).sum::<i64>(),
        40_000
    );
    assert_ledger_true(db).await;
}

#[tokio::test]
async fn two_allocations_racing_for_the_last_yuan_one_wins() {
    let test_db = common::demo_database().await;
    let db = &test_db.db;
    let who = actor(db, CHARITY).await;
    let needs = needs_with_room(db, 2).await;
    for round in 0..5u32 {
        let fund = new_fund(db, &who, LeftoverPolicy::BackToFund, None).await;
        give(db, &who, fund, Fen::yuan(1), 100 + round).await;
        let (a, b) = tokio::join!(
            money::allocations::allocate(
                db,
                &who,
                fund,
                &needs[0].0,
                Fen::yuan(1),
                None,
                None,
                Utc::now()
            ),
            money::allocations::allocate(
                db,
                &who,
                fund,
                &needs[1].0,
                Fen::yuan(1),
                None,
                None,
                Utc::now()
            ),
        );
        let wins = [a.is_ok(), b.is_ok()].iter().filter(|w| **w).count();
        assert_eq!(wins, 1, "round {round}: {a:?} {b:?}");
        let loser = if a.is_ok() { b } else { a };
        assert!(
            matches!(loser, Err(MoneyError::OverBalance { balance }) if balance == Fen::ZERO),
            "{loser:?}"
        );
    }
    assert_ledger_true(db).await;
}

/// A small deterministic generator (xorshift), so a failure can be replayed by its seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[tokio::test]
async fn random_concurrent_pledges_receipts_allocations_and_refunds_keep_the_ledger_true() {
    let test_db = common::demo_database().await;
    let db = &test_db.db;
    let who = actor(db, CHARITY).await;
    let needs = needs_with_room(db, 4).await;
    let now = Utc::now();
    let offer = MatchOffer {
        ratio_percent: 50,
        cap: Fen::yuan(2_000),
        starts_at: now - Duration::days(1),
        ends_at: now + Duration::days(1),
    };
    let funds = [
        new_fund(db, &who, LeftoverPolicy::BackToFund, Some(offer)).await,
        new_fund(db, &who, LeftoverPolicy::BackToFund, None).await,
    ];
    for seed in [7u64, 1_234_567, 987_654_321] {
        let mut rng = Rng(seed);
        let mut address = 0u32;
        for _round in 0..8 {
            // Four operations at once, of random kinds and amounts.
            let mut ops = Vec::new();
            for _ in 0..4 {
                let fund = funds[rng.below(2) as usize];
                let amount = Fen(100 * (1 + rng.below(3_000) as i64));
                let kind = rng.below(10);
                let need = needs[rng.below(needs.len() as u64) as usize].0.clone();
                let refund_pick = rng.next();
                address += 1;
                let (db, who) = (db.clone(), who.clone());
                ops.push(tokio::spawn(async move {
                    match kind {
                        0..=3 => {
                            let p = money::pledges::create(&db, &fund_pledge(fund, amount), None, &format!("10.9.{}.{}", address / 200, address % 200), Default::default(), "http://x", None, Utc::now()).await?;
                            // Sometimes less arrives than was pledged.
                            let got = if refund_pick % 3 == 0 { Fen(amount.0 / 2 / 100 * 100).max(Fen(100)) } else { amount };
                            money::pledges::receive(&db, &who, p.id, got, None, Utc::now()).await.map(|_| ())
                        }
                        4..=7 => money::allocations::allocate(&db, &who, fund, &need, amount, None, None, Utc::now()).await.map(|_| ()),
                        _ => {
                            let received = strings(&db, &format!("SELECT CAST(id AS TEXT) FROM pledges WHERE status = 'received' AND fund_id = {fund} ORDER BY id")).await;
                            if received.is_empty() {
                                return Ok(());
                            }
                            let id: i64 = received[(refund_pick % received.len() as u64) as usize].parse().unwrap();
                            money::pledges::refund(&db, &who, id, "test", None, Utc::now()).await.map(|_| ())
                        }
                    }
                }));
            }
            for op in ops {
                match op.await.expect("task") {
                    Ok(())
                    | Err(MoneyError::OverBalance { .. })
                    | Err(MoneyError::OverTarget { .. })
                    | Err(MoneyError::NeedFullyFunded)
                    | Err(MoneyError::WrongState) => {}
                    Err(e) => panic!("seed {seed}: unexpected {e:?}"),
                }
            }
            assert_ledger_true(db).await;
        }
    }
    // Fund balances are what the ledger says and never negative.
    for f in funds {
        let s = money::funds::detail(db, f, Utc::now())
            .await
            .unwrap()
            .summary;
        assert!(s.balance.0 >= 0);
        assert_eq!(s.balance.0, s.raised.0 - s.allocated.0, "{s:?}");
    }
}

#[tokio::test]
async fn withdrawing_a_need_returns_fund_money_and_a_met_need_disburses_it() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let who = actor(db, CHARITY).await;
    let staff = "caseworker@shanqiao.test";
    let code = strings(
        db,
        &format!(
            "SELECT n.public_code FROM needs n WHERE n.status = 'published' AND n.office_id IN \
             (SELECT m.organization_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = '{staff}') \
             ORDER BY n.id LIMIT 1"
        ),
    )
    .await
    .remove(0);
    hold_need(db, &who, &code).await;
    let fund = new_fund(db, &who, LeftoverPolicy::BackToFund, None).await;
    give(db, &who, fund, Fen::yuan(300), 7).await;
    money::allocations::allocate(
        db,
        &who,
        fund,
        &code,
        Fen::yuan(100),
        None,
        None,
        Utc::now(),
    )
    .await
    .expect("allocated");
    assert_eq!(
        money::funds::detail(db, fund, Utc::now())
            .await
            .unwrap()
            .summary
            .balance,
        Fen::yuan(200)
    );
    let token = common::token_of(&app, staff, "civil_affairs").await;
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/needs/{code}/withdraw"),
        Some(&token),
        Some(json!({"reason": "家庭情况变化，已不需要"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let s = money::funds::detail(db, fund, Utc::now())
        .await
        .unwrap()
        .summary;
    assert_eq!(
        (s.balance, s.allocated),
        (Fen::yuan(300), Fen::ZERO),
        "the fund has its money back"
    );
    // A met need: what it holds is recorded as disbursed when staff verify it.
    let other = needs_with_room(db, 1).await.remove(0).0;
    money::allocations::allocate(
        db,
        &who,
        fund,
        &other,
        Fen::yuan(50),
        None,
        None,
        Utc::now(),
    )
    .await
    .expect("allocated");
    let other_id = integer(
        db,
        &format!("SELECT id FROM needs WHERE public_code = '{other}'"),
    )
    .await;
    let txn = app::db::begin_write(db).await.unwrap();
    if integer(
        db,
        &format!("SELECT COUNT(*) FROM claims WHERE need_id = {other_id}"),
    )
    .await
        == 0
    {
        txn.execute_unprepared(&format!(
            "INSERT INTO claims (need_id, charity_id, claimed_by, mode, status, due_at, created_at, plan) \
             SELECT {other_id}, {}, {}, 'direct', 'released', created_at, created_at, '' FROM needs WHERE id = {other_id}",
            who.charity_id, who.user_id
        ))
        .await
        .unwrap();
    }
    money::allocations::need_closed(&txn, other_id, Some(who.charity_id), Utc::now())
        .await
        .expect("closed");
    txn.commit().await.unwrap();
    let disbursed = integer(db, &format!(
        "SELECT CAST(COALESCE(SUM(e.amount_fen), 0) AS BIGINT) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id \
         WHERE t.kind = 'disbursement' AND t.need_id = {other_id} AND e.side = 'credit'")).await;
    assert!(disbursed >= 5_000, "{disbursed}");
    let row = money::targets::public_need(db, &other).await.unwrap();
    let (_, raised) = money::targets::progress(db, &row).await.unwrap();
    assert!(raised.0 >= 5_000, "spending does not lower what was raised");
    assert_ledger_true(db).await;
}
