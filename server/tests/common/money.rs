//! Money helpers shared by the money tests: the demo charity acting, a new fund, a
//! pledge received into it, needs the charity holds, and the ledger's checks.
#![allow(dead_code)]

use super::{integer, strings};
use app::claims::charity::CharityActor;
use app::domain::support::{FundKind, LeftoverPolicy};
use app::domain::Fen;
use app::money::{self, FundCriteria, MatchOffer, NewFund, PledgeInput, PledgeTarget};
use chrono::{Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};

pub const CHARITY: &str = "charity-admin@shanqiao.test";

pub async fn actor(db: &DatabaseConnection, account: &str) -> CharityActor {
    let user = integer(
        db,
        &format!("SELECT id FROM users WHERE email = '{account}'"),
    )
    .await;
    CharityActor::of_user(db, user)
        .await
        .expect("query")
        .expect("a charity member")
}

/// A new open fund of the demo charity, any need fits, optionally with a matching offer.
pub async fn new_fund(
    db: &DatabaseConnection,
    who: &CharityActor,
    leftover: LeftoverPolicy,
    matching: Option<MatchOffer>,
) -> i64 {
    let today = app::domain::calendar::today(Utc::now());
    let input = NewFund {
        kind: FundKind::Special,
        name: "测试专项基金".into(),
        sponsor: String::new(),
        description: "测试用".into(),
        target: Some(Fen::yuan(100_000)),
        starts_on: today - Duration::days(1),
        ends_on: today + Duration::days(200),
        leftover,
        criteria: FundCriteria::default(),
        matching,
    };
    money::funds::create(db, who, &input, Utc::now())
        .await
        .expect("fund created")
}

pub fn fund_pledge(fund: i64, amount: Fen) -> PledgeInput {
    PledgeInput {
        target: PledgeTarget::Fund(fund),
        amount,
        display_name: Some("测试捐赠人".into()),
        contact: "donor-test@example.org".into(),
    }
}

/// Pledges and receives `amount` into `fund` (from a fresh client address); the pledge id.
pub async fn give(
    db: &DatabaseConnection,
    who: &CharityActor,
    fund: i64,
    amount: Fen,
    n: u32,
) -> i64 {
    let p = money::pledges::create(
        db,
        &fund_pledge(fund, amount),
        None,
        &format!("10.0.{}.{}", n / 200, n % 200),
        Default::default(),
        "http://x",
        None,
        Utc::now(),
    )
    .await
    .expect("pledged");
    money::pledges::receive(db, who, p.id, amount, None, Utc::now())
        .await
        .expect("received");
    p.id
}

/// Published needs with money still lacking, each then held by an active claim of the
/// demo charity (a fund gives only to needs its charity holds): (code, room).
pub async fn needs_with_room(db: &DatabaseConnection, limit: usize) -> Vec<(String, Fen)> {
    let who = actor(db, CHARITY).await;
    let mut out = Vec::new();
    for code in strings(
        db,
        "SELECT public_code FROM needs WHERE status = 'published' ORDER BY id",
    )
    .await
    {
        let row = money::targets::public_need(db, &code).await.expect("need");
        let room = money::targets::room(db, &row).await.expect("room");
        if room.0 >= 100_000 {
            hold_need(db, &who, &code).await;
            out.push((code, room));
        }
        if out.len() == limit {
            break;
        }
    }
    out
}

/// Gives the charity an active claim of a published need (plain SQL: the claim rules and
/// the charity's capacity are not what these tests are about).
pub async fn hold_need(db: &DatabaseConnection, who: &CharityActor, code: &str) {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await.expect("begin");
    let moved = txn
        .execute_unprepared(&format!(
            "UPDATE needs SET status = 'claimed' WHERE public_code = '{code}' AND status = 'published'"
        ))
        .await
        .expect("claimed")
        .rows_affected();
    if moved == 1 {
        txn.execute_unprepared(&format!(
            "INSERT INTO claims (need_id, charity_id, claimed_by, mode, status, due_at, created_at, plan) \
             SELECT id, {}, {}, 'direct', 'active', '2099-01-01T00:00:00+00:00', created_at, '' \
             FROM needs WHERE public_code = '{code}'",
            who.charity_id, who.user_id
        ))
        .await
        .expect("claim");
    }
    txn.commit().await.expect("commit");
}

pub async fn assert_ledger_true(db: &DatabaseConnection) {
    let problems = money::ledger::audit(db).await.expect("audit runs");
    assert!(problems.is_empty(), "{problems:?}");
    // No need has received more than its goal.
    for code in strings(db, "SELECT DISTINCT n.public_code FROM needs n JOIN ledger_entries e ON e.account_kind = 'need' AND e.account_ref = n.id").await {
        let row = money::targets::public_need(db, &code).await;
        let Ok(row) = row else { continue };
        let (goal, raised) = money::targets::progress(db, &row).await.expect("progress");
        assert!(raised <= goal, "{code} raised {raised} of {goal}");
    }
    // Every allocation's sources add up to it.
    let mismatched = integer(
        db,
        "SELECT COUNT(*) FROM allocations a WHERE a.amount_fen <> \
         (SELECT COALESCE(SUM(s.amount_fen), 0) FROM allocation_sources s WHERE s.allocation_id = a.id)",
    )
    .await;
    assert_eq!(mismatched, 0, "allocations whose sources do not add up");
    // Every received fund pledge is accounted for to the fen.
    for code in strings(
        db,
        "SELECT receipt_code FROM pledges WHERE fund_id IS NOT NULL AND received_fen IS NOT NULL",
    )
    .await
    {
        let v = money::pledges::track(db, &code).await.expect("track");
        let reached: i64 = v.reached.iter().map(|r| r.amount.0).sum();
        assert_eq!(
            reached + v.in_fund.0 + v.refunded.0,
            v.received.map_or(0, |r| r.0) + v.matched.0,
            "pledge {code} does not add up: {v:?}"
        );
        assert!(v.in_fund.0 >= 0, "{code}");
    }
}
