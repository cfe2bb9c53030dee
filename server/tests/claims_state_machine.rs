//! A property test of the need/claim state machine against the real database: random
//! sequences of actions (claim, release, report, question, verify, lapse, withdraw) by
//! random actors (two verified charities, a pending one, the region's staff, the lapse
//! job) on published demo needs. After every step the database agrees with the model
//! (`app::claims::rules`): an action succeeds exactly when the model allows it, the need's
//! status and its open claim agree, and a need never has two open claims.

mod common;

use app::claims::charity::CharityActor;
use app::claims::rules::{self, Action, Role, State};
use app::claims::{lifecycle, ClaimRequest, LeasePolicy, ReportInput, Verification};
use app::domain::need::NeedStatus;
use app::domain::support::{ClaimMode, ClaimStatus};
use app::needs::staff::Staff;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sea_orm::{ConnectionTrait, DatabaseConnection};

#[derive(Debug, Clone, Copy)]
enum Step {
    /// Charity 0 or 1 (verified) or 2 (pending).
    Claim(usize),
    Release(usize),
    Report(usize),
    Question,
    Verify,
    Lapse,
    Withdraw,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..3usize).prop_map(Step::Claim),
        (0..3usize).prop_map(Step::Release),
        (0..3usize).prop_map(Step::Report),
        Just(Step::Question),
        Just(Step::Verify),
        Just(Step::Lapse),
        Just(Step::Withdraw),
    ]
}

struct World {
    db: DatabaseConnection,
    charities: Vec<CharityActor>,
    staff: Staff,
}

async fn world(database: &common::TestDatabase) -> World {
    let db = database.db.clone();
    db.execute_unprepared("UPDATE supply_profiles SET claim_capacity = 1000")
        .await
        .expect("capacity");
    let user = |email: &str| {
        let db = db.clone();
        let email = email.to_owned();
        async move {
            common::integer(
                &db,
                &format!("SELECT id FROM users WHERE email = '{email}'"),
            )
            .await
        }
    };
    let mut charities = Vec::new();
    for email in [
        "charity-admin@shanqiao.test",
        "charity-admin-4@shanqiao.test",
        "charity-admin-7@shanqiao.test",
    ] {
        let id = user(email).await;
        charities.push(
            CharityActor::of_user(&db, id)
                .await
                .expect("db")
                .expect("a charity"),
        );
    }
    assert!(charities[0].verified && charities[1].verified && !charities[2].verified);
    let staff = Staff::of_user(&db, user("office-admin@shanqiao.test").await)
        .await
        .expect("staff");
    World {
        db,
        charities,
        staff,
    }
}

/// The need's status and its open claim (with the charity holding it), as stored.
async fn stored(db: &DatabaseConnection, code: &str) -> (State, Option<(i64, i64)>, i64) {
    let status = common::strings(
        db,
        &format!("SELECT status FROM needs WHERE public_code = '{code}'"),
    )
    .await
    .remove(0);
    let id = common::integer(
        db,
        &format!("SELECT id FROM needs WHERE public_code = '{code}'"),
    )
    .await;
    let open = common::strings(
        db,
        &format!(
            "SELECT status || ':' || CAST(id AS TEXT) || ':' || CAST(charity_id AS TEXT) FROM claims \
             WHERE need_id = {id} AND status IN ('active', 'fulfilled', 'verified')"
        ),
    )
    .await;
    let count = open.len() as i64;
    let claim = open.first().map(|row| {
        let parts: Vec<&str> = row.split(':').collect();
        (
            ClaimStatus::parse(parts[0]).expect("status"),
            (
                parts[1].parse::<i64>().expect("id"),
                parts[2].parse::<i64>().expect("charity"),
            ),
        )
    });
    (
        State {
            need: NeedStatus::parse(&status).expect("status"),
            claim: claim.map(|(s, _)| s),
        },
        claim.map(|(_, ids)| ids),
        count,
    )
}

/// The latest claim of `charity` on the need, whatever its state.
async fn latest_claim(db: &DatabaseConnection, code: &str, charity: i64) -> Option<i64> {
    common::strings(
        db,
        &format!(
            "SELECT CAST(c.id AS TEXT) FROM claims c JOIN needs n ON n.id = c.need_id \
             WHERE n.public_code = '{code}' AND c.charity_id = {charity} ORDER BY c.id DESC LIMIT 1"
        ),
    )
    .await
    .first()
    .map(|s| s.parse().expect("id"))
}

async fn run_case(w: &World, code: &str, steps: &[Step]) -> Result<(), TestCaseError> {
    let db = &w.db;
    let now = chrono::Utc::now();
    // Published at first; a need met again while shrinking starts where it was left.
    let mut model = stored(db, code).await.0;
    for step in steps {
        let (_, holder, _) = stored(db, code).await;
        let role_of = |i: usize| {
            let c = &w.charities[i];
            if holder.is_some_and(|(_, charity)| charity == c.charity_id) {
                Role::HoldingCharity {
                    verified: c.verified,
                }
            } else {
                Role::OtherCharity {
                    verified: c.verified,
                }
            }
        };
        let (action, role, done) = match *step {
            Step::Claim(i) => {
                let request = ClaimRequest {
                    mode: ClaimMode::Direct,
                    plan: "采购并送达".into(),
                    plan_by: None,
                };
                let r = lifecycle::claim(
                    db,
                    &w.charities[i],
                    code,
                    &request,
                    LeasePolicy::default(),
                    now,
                )
                .await;
                (Action::Claim, role_of(i), r.map(|_| ()))
            }
            Step::Release(i) | Step::Report(i) => {
                let c = &w.charities[i];
                let role = role_of(i);
                let r = match latest_claim(db, code, c.charity_id).await {
                    None => Err(lifecycle::ClaimError::NotFound),
                    Some(id) if matches!(step, Step::Release(_)) => {
                        lifecycle::release(db, c, id, "人手不足", now).await
                    }
                    Some(id) => {
                        let input = ReportInput {
                            delivered_on: app::domain::calendar::day_text(
                                app::domain::calendar::today(now),
                            ),
                            cost: "100".into(),
                            items: Vec::new(),
                            substitutions: String::new(),
                            evidence: "物资已送达并由家属签收。".into(),
                        };
                        lifecycle::report_fulfilment(db, c, id, &input, now).await
                    }
                };
                let action = if matches!(step, Step::Release(_)) {
                    Action::Release
                } else {
                    Action::ReportFulfilment
                };
                (action, role, r)
            }
            Step::Question => (
                Action::QuestionReport,
                Role::Staff,
                lifecycle::question_report(db, &w.staff, code, "请补充凭证", now).await,
            ),
            Step::Verify => {
                let v = Verification::parse("met_fully", "5", "").expect("valid");
                (
                    Action::Verify,
                    Role::Staff,
                    lifecycle::verify(db, &w.staff, code, &v, now).await,
                )
            }
            Step::Lapse => {
                let before = model;
                lifecycle::lapse_due(db, now + chrono::Duration::days(1000))
                    .await
                    .expect("lapse runs");
                // The job lapses an active claim and touches nothing else.
                let expected = rules::next(before, Action::Lapse, Role::System).unwrap_or(before);
                let (after, _, open) = stored(db, code).await;
                prop_assert_eq!(after, expected, "lapse from {:?}", before);
                prop_assert!(open <= 1);
                model = after;
                continue;
            }
            Step::Withdraw => {
                let r =
                    app::needs::lifecycle::withdraw(db, &w.staff, code, "情况已变化", now).await;
                (
                    Action::Withdraw,
                    Role::Staff,
                    r.map_err(|e| lifecycle::ClaimError::Corrupt(e.to_string())),
                )
            }
        };
        let expected = rules::next(model, action, role);
        prop_assert_eq!(
            done.is_ok(),
            expected.is_ok(),
            "{:?} by {:?} from {:?}: db {:?}, model {:?}",
            step,
            role,
            model,
            done.as_ref().err().map(|e| e.to_string()),
            expected
        );
        if let Ok(next) = expected {
            model = next;
        }
        let (after, _, open) = stored(db, code).await;
        prop_assert_eq!(after, model, "after {:?}", step);
        prop_assert!(rules::consistent(after), "{:?}", after);
        prop_assert!(open <= 1, "one open claim at most");
    }
    Ok(())
}

#[test]
fn random_actions_by_random_actors_keep_needs_and_claims_consistent() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (database, w, codes) = rt.block_on(async {
        let database = common::demo_database().await;
        let w = world(&database).await;
        // Published needs of 长春市, where the staff member works.
        let codes = common::strings(
            &database.db,
            "SELECT public_code FROM needs WHERE status = 'published' AND region_code LIKE '2201%' ORDER BY id",
        )
        .await;
        (database, w, codes)
    });
    let cases = 24.min(codes.len() as u32);
    assert!(cases >= 10, "enough needs to test on");
    let next = std::cell::Cell::new(0usize);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&prop::collection::vec(step(), 1..25), |steps| {
            let code = &codes[next.get() % codes.len()];
            next.set(next.get() + 1);
            rt.block_on(run_case(&w, code, &steps))
        })
        .expect("the database follows the state machine");
    drop(database);
}
