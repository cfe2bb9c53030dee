//! Money that cannot go wrong (issue #29), on the real database (SQLite, or PostgreSQL
//! with `TEST_DATABASE_URL`): the database itself refuses a ledger that lies, written in
//! plain SQL; two refunds of one pledge at once refund once; a repeated request with the
//! same key moves money once; a fund gives only to needs its charity holds, and gets its
//! money back when the claim is released or lapses; a receipt above the pledge waits
//! for a second member; a new payee waits for a second admin and never rewrites an
//! existing pledge; a suspended charity takes no new pledges; and thousands of random
//! money operations at once leave the books true.

mod common;

use app::domain::support::LeftoverPolicy;
use app::domain::Fen;
use app::money::once::Once;
use app::money::pledges::Receipt;
use app::money::{self, MoneyError, PledgeInput, PledgeTarget};
use chrono::Utc;
use common::money::*;
use common::{call, integer, sign_in_demo, strings};
use reqwest::Method;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::json;

async fn refused(db: &DatabaseConnection, sql: &str) {
    let before = integer(db, "SELECT COUNT(*) FROM ledger_entries").await;
    let result = db.execute_unprepared(sql).await;
    assert!(result.is_err(), "the database accepted: {sql}");
    let after = integer(db, "SELECT COUNT(*) FROM ledger_entries").await;
    assert_eq!(before, after, "entries changed after a refused statement");
}

#[tokio::test]
async fn the_database_refuses_a_ledger_that_lies() {
    let test_db = common::demo_database().await;
    let db = &test_db.db;
    let who = actor(db, CHARITY).await;
    let fund = new_fund(db, &who, LeftoverPolicy::BackToFund, None).await;
    let pledge = give(db, &who, fund, Fen::yuan(100), 1).await;
    let tx = integer(
        db,
        &format!("SELECT id FROM ledger_transactions WHERE pledge_id = {pledge} AND kind = 'pledge_received'"),
    )
    .await;
    let charity = who.charity_id;
    let now = "'2026-12-07T10:00:00+00:00'";
    // A one-sided entry, for an existing transaction or a new one.
    refused(
        db,
        &format!(
        "INSERT INTO ledger_entries (transaction_id, account_kind, account_ref, side, amount_fen) \
         VALUES ({tx}, 'fund', {fund}, 'credit', 500)"
    ),
    )
    .await;
    refused(
        db,
        &format!(
            "INSERT INTO ledger_transactions (kind, charity_id, fund_id, memo, created_at) \
         VALUES ('match', {charity}, {fund}, '', {now})"
        ),
    )
    .await;
    // A transaction that would leave the fund below zero.
    refused(db, &format!(
        "INSERT INTO ledger_transactions (kind, charity_id, fund_id, memo, created_at, amount_fen, \
         debit_kind, debit_ref, credit_kind, credit_ref) \
         VALUES ('disbursement', {charity}, {fund}, '', {now}, 10001, 'fund', {fund}, 'disbursed', NULL)"
    ))
    .await;
    // A refund beyond what the pledge received.
    refused(db, &format!(
        "INSERT INTO ledger_transactions (kind, charity_id, pledge_id, fund_id, memo, created_at, amount_fen, \
         debit_kind, debit_ref, credit_kind, credit_ref) \
         VALUES ('refund', {charity}, {pledge}, {fund}, '', {now}, 20000, 'fund', {fund}, 'refunded', NULL)"
    ))
    .await;
    // Changing or removing the books.
    refused(
        db,
        &format!("UPDATE ledger_entries SET amount_fen = 1 WHERE transaction_id = {tx}"),
    )
    .await;
    refused(
        db,
        &format!("DELETE FROM ledger_entries WHERE transaction_id = {tx}"),
    )
    .await;
    refused(
        db,
        &format!("UPDATE ledger_transactions SET amount_fen = 1 WHERE id = {tx}"),
    )
    .await;
    refused(db, "DELETE FROM ledger_transactions").await;
    if test_db.is_postgres() {
        refused(db, "TRUNCATE ledger_entries CASCADE").await;
        refused(db, "TRUNCATE ledger_transactions CASCADE").await;
        refused(db, "TRUNCATE audit_log").await;
    }
    // More received than pledged, without a second person.
    assert!(db
        .execute_unprepared(&format!(
            "UPDATE pledges SET received_fen = 1000000 WHERE id = {pledge}"
        ))
        .await
        .is_err());
    // A well-formed one is written with both of its entries by the database.
    db.execute_unprepared(&format!(
        "INSERT INTO ledger_transactions (kind, charity_id, fund_id, memo, created_at, amount_fen, \
         debit_kind, debit_ref, credit_kind, credit_ref) \
         VALUES ('disbursement', {charity}, {fund}, 'plain SQL', {now}, 100, 'fund', {fund}, 'disbursed', NULL)"
    ))
    .await
    .expect("a balanced transaction is accepted");
    assert_eq!(
        integer(db, "SELECT COUNT(*) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id WHERE t.memo = 'plain SQL'").await,
        2
    );
}

#[tokio::test]
async fn two_refunds_of_one_pledge_at_once_refund_once() {
    let test_db = common::demo_database().await;
    let db = &test_db.db;
    let who = actor(db, CHARITY).await;
    let fund = new_fund(db, &who, LeftoverPolicy::BackToFund, None).await;
    for round in 0..20u32 {
        let pledge = give(db, &who, fund, Fen::yuan(40), 10 + round).await;
        // Without a key: one refunds, the other finds the pledge cancelled.
        let (a, b) = tokio::join!(
            money::pledges::refund(db, &who, pledge, "捐赠人要求", None, Utc::now()),
            money::pledges::refund(db, &who, pledge, "捐赠人要求", None, Utc::now()),
        );
        let wins = [&a, &b].iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "round {round}: {a:?} {b:?}");
        let loser = if a.is_ok() { b } else { a };
        assert!(matches!(loser, Err(MoneyError::WrongState)), "{loser:?}");
        // With the same key (a double click): both get the first answer.
        let pledge = give(db, &who, fund, Fen::yuan(40), 500 + round).await;
        let key = format!("double-click-{round:04}");
        let once = Once::form("pledge.refund", "user:1", &key, &pledge).unwrap();
        let (a, b) = tokio::join!(
            money::pledges::refund(db, &who, pledge, "捐赠人要求", once.as_ref(), Utc::now()),
            money::pledges::refund(db, &who, pledge, "捐赠人要求", once.as_ref(), Utc::now()),
        );
        assert_eq!(a.as_ref().ok(), Some(&Fen::yuan(40)), "{a:?}");
        assert_eq!(b.as_ref().ok(), Some(&Fen::yuan(40)), "{b:?}");
    }
    assert_eq!(
        integer(db, &format!("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'refund' AND fund_id = {fund}")).await,
        40,
        "one refund per pledge"
    );
    assert_eq!(
        integer(db, "SELECT COUNT(*) FROM (SELECT pledge_id FROM ledger_transactions WHERE kind = 'refund' GROUP BY pledge_id HAVING COUNT(*) > 1) x").await,
        0
    );
    assert_ledger_true(db).await;
}

#[tokio::test]
async fn a_fund_gives_only_to_needs_its_charity_holds_and_gets_it_back_on_release_and_lapse() {
    let test_db = common::demo_database().await;
    let db = &test_db.db;
    let who = actor(db, CHARITY).await;
    let fund = new_fund(db, &who, LeftoverPolicy::BackToFund, None).await;
    give(db, &who, fund, Fen::yuan(900), 1).await;
    // A published need nobody holds: refused, nothing moves.
    let stranger = strings(
        db,
        "SELECT public_code FROM needs WHERE status = 'published' ORDER BY id DESC LIMIT 1",
    )
    .await
    .remove(0);
    let refused = money::allocations::allocate(
        db,
        &who,
        fund,
        &stranger,
        Fen::yuan(10),
        None,
        None,
        Utc::now(),
    )
    .await;
    assert!(
        matches!(refused, Err(MoneyError::NeedNotHeld)),
        "{refused:?}"
    );
    // Held needs: allocate, then release one claim and lapse the other.
    let needs = needs_with_room(db, 2).await;
    for (code, _) in &needs {
        money::allocations::allocate(db, &who, fund, code, Fen::yuan(300), None, None, Utc::now())
            .await
            .expect("allocated");
    }
    let balance = |db: DatabaseConnection| async move {
        money::funds::detail(&db, fund, Utc::now())
            .await
            .unwrap()
            .summary
            .balance
    };
    assert_eq!(balance(db.clone()).await, Fen::yuan(300));
    let claim_of = |code: &str| {
        format!("SELECT c.id FROM claims c JOIN needs n ON n.id = c.need_id WHERE n.public_code = '{code}' AND c.status = 'active'")
    };
    let first = integer(db, &claim_of(&needs[0].0)).await;
    app::claims::lifecycle::release(db, &who, first, "机构人手不足，无法按期完成", Utc::now())
        .await
        .expect("released");
    assert_eq!(
        balance(db.clone()).await,
        Fen::yuan(600),
        "released: the money is back"
    );
    let second = integer(db, &claim_of(&needs[1].0)).await;
    db.execute_unprepared(&format!(
        "UPDATE claims SET due_at = '2020-01-01T00:00:00+00:00' WHERE id = {second}"
    ))
    .await
    .unwrap();
    let lapsed = app::claims::lifecycle::lapse_due(db, Utc::now())
        .await
        .expect("lapse");
    assert!(lapsed >= 1);
    assert_eq!(
        balance(db.clone()).await,
        Fen::yuan(900),
        "lapsed: the money is back"
    );
    assert_ledger_true(db).await;
}

#[tokio::test]
async fn a_receipt_above_the_pledge_waits_for_a_second_member() {
    let test_db = common::demo_database().await;
    let db = &test_db.db;
    let admin = actor(db, CHARITY).await;
    let member = actor(db, "charity-member@shanqiao.test").await;
    let fund = new_fund(db, &admin, LeftoverPolicy::BackToFund, None).await;
    let p = money::pledges::create(
        db,
        &fund_pledge(fund, Fen::yuan(1)),
        None,
        "10.1.1.1",
        Default::default(),
        "http://x",
        None,
        Utc::now(),
    )
    .await
    .expect("pledged");
    let got = money::pledges::receive(db, &admin, p.id, Fen::yuan(1_000_000), None, Utc::now())
        .await
        .expect("recorded");
    assert_eq!(
        got,
        Receipt::AwaitingConfirmation {
            proposed: Fen::yuan(1_000_000)
        }
    );
    assert_eq!(
        integer(
            db,
            &format!(
                "SELECT COUNT(*) FROM ledger_transactions WHERE pledge_id = {}",
                p.id
            )
        )
        .await,
        0,
        "nothing is booked before a second member confirms"
    );
    let same =
        money::pledges::confirm_receipt(db, &admin, p.id, Fen::yuan(1_000_000), None, Utc::now())
            .await;
    assert!(
        matches!(same, Err(MoneyError::SecondPersonRequired)),
        "{same:?}"
    );
    // A confirmation of an amount other than the one waiting (a stale page) is refused.
    let stale =
        money::pledges::confirm_receipt(db, &member, p.id, Fen::yuan(200), None, Utc::now()).await;
    assert!(
        matches!(stale, Err(MoneyError::ProposalChanged)),
        "{stale:?}"
    );
    let done =
        money::pledges::confirm_receipt(db, &member, p.id, Fen::yuan(1_000_000), None, Utc::now())
            .await
            .expect("confirmed");
    assert!(
        matches!(done, Receipt::Received { received, .. } if received == Fen::yuan(1_000_000)),
        "{done:?}"
    );
    let again =
        money::pledges::confirm_receipt(db, &member, p.id, Fen::yuan(1_000_000), None, Utc::now())
            .await;
    assert!(
        matches!(again, Err(MoneyError::NothingToConfirm)),
        "{again:?}"
    );
    // Less than pledged is a partial receipt, booked at once.
    let q = money::pledges::create(
        db,
        &fund_pledge(fund, Fen::yuan(50)),
        None,
        "10.1.1.2",
        Default::default(),
        "http://x",
        None,
        Utc::now(),
    )
    .await
    .unwrap();
    let partial = money::pledges::receive(db, &member, q.id, Fen::yuan(20), None, Utc::now())
        .await
        .unwrap();
    assert!(matches!(partial, Receipt::Received { received, .. } if received == Fen::yuan(20)));
    assert_ledger_true(db).await;
}

#[tokio::test]
async fn a_new_payee_waits_for_a_second_admin_and_pledges_keep_theirs() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let admin = actor(db, CHARITY).await;
    let member = actor(db, "charity-member@shanqiao.test").await;
    let fund = new_fund(db, &admin, LeftoverPolicy::BackToFund, None).await;
    let before = money::pledges::create(
        db,
        &fund_pledge(fund, Fen::yuan(10)),
        None,
        "10.2.2.2",
        Default::default(),
        "http://x",
        None,
        Utc::now(),
    )
    .await
    .unwrap();
    let old_account = money::pledges::track(db, &before.receipt_code)
        .await
        .unwrap()
        .payment;
    // A member may not propose; a form post says so.
    let refused = money::payee::propose(
        db,
        &member,
        "假账户",
        "某银行",
        "6222 0000 0000 0000",
        Utc::now(),
    )
    .await;
    assert!(matches!(refused, Err(MoneyError::AdminOnly)), "{refused:?}");
    let cookie = sign_in_demo(&app, "charity-member@shanqiao.test").await;
    let response = app
        .post_form(
            "/charity/payee",
            &[
                ("payee_name", "假账户"),
                ("payee_bank", "某银行"),
                ("payee_account", "6222 0000 0000 0000"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("只有本机构的管理员"));
    // The admin proposes; nothing changes until a second admin (here: the platform's,
    // as the demo charity has one admin) confirms.
    money::payee::propose(
        db,
        &admin,
        "善桥测试基金会",
        "中国工商银行长春分行",
        "6222 1111 2222 3333",
        Utc::now(),
    )
    .await
    .expect("proposed");
    let pending = money::pledges::create(
        db,
        &fund_pledge(fund, Fen::yuan(10)),
        None,
        "10.2.2.3",
        Default::default(),
        "http://x",
        None,
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(
        money::pledges::track(db, &pending.receipt_code)
            .await
            .unwrap()
            .payment
            .lines[..3],
        old_account.lines[..3],
        "a proposal is not in use"
    );
    let by_self = money::payee::confirm(
        db,
        money::payee::Confirmer::Member {
            user_id: admin.user_id,
            via_token: false,
        },
        admin.charity_id,
        "6222 1111 2222 3333",
        Utc::now(),
    )
    .await;
    assert!(
        matches!(
            by_self,
            Err(MoneyError::SecondPersonRequired) | Err(MoneyError::AdminOnly)
        ),
        "{by_self:?}"
    );
    let platform = integer(
        db,
        "SELECT id FROM users WHERE email = 'admin@shanqiao.test'",
    )
    .await;
    // A page showing another account (the proposal was replaced since) confirms nothing.
    let stale = money::payee::confirm(
        db,
        money::payee::Confirmer::PlatformAdmin { user_id: platform },
        admin.charity_id,
        "6216 0000 0000 0000",
        Utc::now(),
    )
    .await;
    assert!(
        matches!(stale, Err(MoneyError::ProposalChanged)),
        "{stale:?}"
    );
    money::payee::confirm(
        db,
        money::payee::Confirmer::PlatformAdmin { user_id: platform },
        admin.charity_id,
        "6222 1111 2222 3333",
        Utc::now(),
    )
    .await
    .expect("confirmed");
    let after = money::pledges::create(
        db,
        &fund_pledge(fund, Fen::yuan(10)),
        None,
        "10.2.2.4",
        Default::default(),
        "http://x",
        None,
        Utc::now(),
    )
    .await
    .unwrap();
    let new_text = format!(
        "{:?}",
        money::pledges::track(db, &after.receipt_code)
            .await
            .unwrap()
            .payment
    );
    assert!(new_text.contains("6222 1111 2222 3333"), "{new_text}");
    let old_text = format!(
        "{:?}",
        money::pledges::track(db, &before.receipt_code)
            .await
            .unwrap()
            .payment
    );
    assert!(
        !old_text.contains("6222 1111 2222 3333"),
        "an existing pledge keeps its payee: {old_text}"
    );
    // The audit log has old and new in full; the admin was told.
    let audit = strings(db, &format!("SELECT COALESCE(before_state, '') || ' -> ' || COALESCE(after_state, '') FROM audit_log WHERE action = 'charity.payee_confirmed' AND entity_id = '{}'", admin.charity_id)).await;
    assert!(
        audit
            .iter()
            .any(|a| a.contains("6222 1111 2222 3333") && a.contains("6216")),
        "{audit:?}"
    );
    assert!(
        integer(
            db,
            &format!(
                "SELECT COUNT(*) FROM notifications WHERE user_id = {} AND kind = 'payee_change'",
                admin.user_id
            )
        )
        .await
            >= 2
    );
    assert!(
        integer(
            db,
            "SELECT COUNT(*) FROM message_outbox WHERE subject LIKE '%Bank account change%'"
        )
        .await
            >= 2
    );
}

#[tokio::test]
async fn repeated_requests_with_one_key_move_money_once() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let who = actor(db, CHARITY).await;
    let fund = new_fund(db, &who, LeftoverPolicy::BackToFund, None).await;
    give(db, &who, fund, Fen::yuan(500), 3).await;
    let need = needs_with_room(db, 1).await.remove(0).0;
    // The allocation form posted twice with its token: one allocation.
    let cookie = sign_in_demo(&app, CHARITY).await;
    let fields = [
        ("need", need.as_str()),
        ("amount", "120"),
        ("idempotency_key", "5f0c1e2d3b4a59687766554433221100"),
    ];
    for _ in 0..2 {
        let response = app
            .post_form(
                &format!("/charity/funds/{fund}/allocate"),
                &fields,
                Some(&cookie),
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
    }
    assert_eq!(
        integer(
            db,
            &format!("SELECT COUNT(*) FROM allocations WHERE fund_id = {fund}")
        )
        .await,
        1
    );
    // The refund button: without the confirmation box, nothing moves.
    let pledge = give(db, &who, fund, Fen::yuan(30), 4).await;
    let response = app
        .post_form(
            &format!("/charity/pledges/{pledge}/refund"),
            &[("reason", "测试")],
            Some(&cookie),
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.text().await.unwrap().contains("请勾选确认"));
    // The API: the same Idempotency-Key gives the first answer; another body with it is refused.
    let body = json!({"fund": fund, "amount_fen": 5000, "display_name": "重试的客户端", "contact": "retry@example.org", "consent": true});
    let client = reqwest::Client::new();
    let mut codes = Vec::new();
    for _ in 0..2 {
        let response = client
            .post(app.url("/api/v1/pledges"))
            .header("Idempotency-Key", "client-retry-0001")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201);
        let v: serde_json::Value = response.json().await.unwrap();
        codes.push(v["receipt_code"].as_str().unwrap().to_owned());
    }
    assert_eq!(codes[0], codes[1]);
    assert_eq!(
        integer(
            db,
            "SELECT COUNT(*) FROM pledges WHERE receipt_contact = 'retry@example.org'"
        )
        .await,
        1
    );
    let other = json!({"fund": fund, "amount_fen": 9000, "display_name": "重试的客户端", "contact": "retry@example.org", "consent": true});
    let response = client
        .post(app.url("/api/v1/pledges"))
        .header("Idempotency-Key", "client-retry-0001")
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let v: serde_json::Value = response.json().await.unwrap();
    assert_eq!(v["error"]["code"], "idempotency_key_reused", "{v}");
}

#[tokio::test]
async fn a_suspended_charity_takes_no_new_pledges_for_its_needs() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let raising = strings(
        db,
        "SELECT n.public_code FROM needs n JOIN claims c ON c.need_id = n.id \
         WHERE c.status = 'active' AND c.mode = 'fundraise' ORDER BY n.id LIMIT 1",
    )
    .await;
    let Some(code) = raising.first() else {
        panic!("the demo has a need a charity raises money for");
    };
    db.execute_unprepared(&format!(
        "UPDATE organizations SET suspended_at = '2026-12-01T00:00:00+00:00', suspension_reason = 'test' \
         WHERE id = (SELECT c.charity_id FROM claims c JOIN needs n ON n.id = c.need_id WHERE n.public_code = '{code}' AND c.status = 'active')"
    ))
    .await
    .unwrap();
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v1/pledges",
        None,
        Some(json!({"need": code, "amount_fen": 1000, "contact": "d@example.org", "anonymous": true, "consent": true})),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "charity_suspended", "{body}");
    let input = PledgeInput {
        target: PledgeTarget::Need(code.clone()),
        amount: Fen::yuan(10),
        display_name: None,
        contact: "d@example.org".into(),
    };
    let r = money::pledges::create(
        db,
        &input,
        None,
        "10.3.3.3",
        Default::default(),
        "http://x",
        None,
        Utc::now(),
    )
    .await;
    assert!(matches!(r, Err(MoneyError::Suspended)), "{r:?}");
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

/// Several clients fire random money operations at once — pledges, receipts,
/// refunds (the same one twice at once too), allocations, releases, lapses,
/// verifications and withdrawals — and afterwards the books hold.
#[tokio::test]
async fn thousands_of_random_money_operations_at_once_leave_the_books_true() {
    let test_db = common::demo_database().await;
    let db = &test_db.db;
    let who = actor(db, CHARITY).await;
    let funds = [
        new_fund(db, &who, LeftoverPolicy::BackToFund, None).await,
        new_fund(db, &who, LeftoverPolicy::MostUrgentMatchingNeed, None).await,
    ];
    let needs = needs_with_room(db, 12).await;
    let ops: u64 = std::env::var("MONEY_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let clients = 8u64;
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (db, who, needs) = (db.clone(), who.clone(), needs.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (client + 1) * 7919);
            let mut done = 0u64;
            for i in 0..ops / clients {
                let fund = funds[rng.below(2) as usize];
                let amount = Fen(100 * (1 + rng.below(2_000) as i64));
                let (code, _) = &needs[rng.below(needs.len() as u64) as usize];
                let address = format!("10.{client}.{}.{}", i / 200, i % 200);
                let result: Result<(), MoneyError> = match rng.below(12) {
                    0..=3 => async {
                        let p = money::pledges::create(&db, &fund_pledge(fund, amount), None, &address, Default::default(), "http://x", None, Utc::now()).await?;
                        money::pledges::receive(&db, &who, p.id, amount, None, Utc::now()).await.map(|_| ())
                    }
                    .await,
                    4..=6 => money::allocations::allocate(&db, &who, fund, code, amount, None, None, Utc::now()).await.map(|_| ()),
                    7..=8 => {
                        let received = strings(&db, &format!("SELECT CAST(id AS TEXT) FROM pledges WHERE status = 'received' AND fund_id = {fund} ORDER BY id DESC LIMIT 5")).await;
                        match received.first() {
                            // The same refund twice at once.
                            Some(id) => {
                                let id: i64 = id.parse().unwrap();
                                let (a, b) = tokio::join!(
                                    money::pledges::refund(&db, &who, id, "test", None, Utc::now()),
                                    money::pledges::refund(&db, &who, id, "test", None, Utc::now()),
                                );
                                a.map(|_| ()).or(b.map(|_| ()))
                            }
                            None => Ok(()),
                        }
                    }
                    9 => {
                        // Release the need's claim, then hold it again.
                        let claim = strings(&db, &format!("SELECT CAST(c.id AS TEXT) FROM claims c JOIN needs n ON n.id = c.need_id WHERE n.public_code = '{code}' AND c.status = 'active'")).await;
                        if let Some(id) = claim.first() {
                            app::claims::lifecycle::release(&db, &who, id.parse().unwrap(), "测试放弃认领原因", Utc::now()).await.ok();
                        }
                        hold_need(&db, &who, code).await;
                        Ok(())
                    }
                    10 => {
                        // Lapse the need's claim, then hold it again.
                        db.execute_unprepared(&format!("UPDATE claims SET due_at = '2020-01-01T00:00:00+00:00' WHERE status = 'active' AND need_id = (SELECT id FROM needs WHERE public_code = '{code}')")).await.expect("due");
                        app::claims::lifecycle::lapse_due(&db, Utc::now()).await.ok();
                        hold_need(&db, &who, code).await;
                        Ok(())
                    }
                    _ => {
                        // Close the need as met (verification books what it holds as
                        // disbursed by the holder) or withdrawn (money goes back).
                        let id = integer(&db, &format!("SELECT id FROM needs WHERE public_code = '{code}'")).await;
                        let used = rng.below(2) == 0;
                        async {
                            let txn = app::db::begin_write(&db).await?;
                            money::ledger::hold(&txn, "needs", id).await?;
                            money::allocations::need_closed(&txn, id, used.then_some(who.charity_id), Utc::now()).await?;
                            txn.commit().await?;
                            Ok(())
                        }
                        .await
                    }
                };
                match result {
                    Ok(())
                    | Err(MoneyError::OverBalance { .. })
                    | Err(MoneyError::OverTarget { .. })
                    | Err(MoneyError::NeedFullyFunded)
                    | Err(MoneyError::NeedNotHeld)
                    | Err(MoneyError::NeedNotOpen)
                    | Err(MoneyError::WrongState) => done += 1,
                    Err(e) => panic!("client {client} op {i}: unexpected {e:?}"),
                }
            }
            done
        }));
    }
    let mut done = 0;
    for t in tasks {
        done += t.await.expect("client");
    }
    assert_eq!(done, ops / clients * clients);
    assert_ledger_true(db).await;
    assert_eq!(
        integer(db, "SELECT COUNT(*) FROM (SELECT pledge_id FROM ledger_transactions WHERE kind = 'refund' GROUP BY pledge_id HAVING COUNT(*) > 1) x").await,
        0,
        "no pledge refunded twice"
    );
    assert_eq!(
        integer(db, "SELECT COUNT(*) FROM (SELECT account_kind, account_ref FROM ledger_entries WHERE account_kind IN ('fund', 'need') GROUP BY account_kind, account_ref HAVING SUM(CASE WHEN side = 'credit' THEN amount_fen ELSE -amount_fen END) < 0) x").await,
        0,
        "no balance below zero"
    );
    // Every disbursement is booked to the charity that held the need.
    // Every fen on the transparency page is the ledger's.
    let regions = app::regions::RegionDirectory::load(db)
        .await
        .expect("regions");
    let dashboard = app::transparency::stats::dashboard(db, &regions, "", Utc::now())
        .await
        .expect("dashboard");
    let received = integer(db, "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM ledger_transactions WHERE kind = 'pledge_received'").await;
    let allocated = integer(db, "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM ledger_transactions WHERE kind = 'allocation'").await
        - integer(db, "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM ledger_transactions WHERE kind = 'return_to_fund'").await;
    assert_eq!(dashboard.totals.received, Fen(received));
    assert_eq!(dashboard.totals.allocated, Fen(allocated));
    let codes = needs
        .iter()
        .map(|(c, _)| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ");
    assert_eq!(
        integer(db, &format!("SELECT COUNT(*) FROM ledger_transactions t JOIN needs n ON n.id = t.need_id WHERE t.kind = 'disbursement' AND t.charity_id <> {} AND n.public_code IN ({codes})", who.charity_id)).await,
        0
    );
}
