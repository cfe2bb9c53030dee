//! Alerts end to end over HTTP: subscriptions made by form, a published need reaching
//! exactly the subscriptions it matches, a released claim telling them again, the office
//! told of claims, daily digests, the bell and the notification list, unsubscribe links,
//! refused subscriptions, and the `deliver` / `send-digests` commands.

mod common;

use app::alerts::{digest, fanout};
use common::smtp::{Mode, SmtpServer};
use common::{call, integer, location, publish_need, sign_in_demo, strings, token_of, TestApp};
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::json;

/// Subscribes `account` (a demo charity member) by the form; the response's status.
async fn subscribe(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let response = app.post_form("/charity/alerts", fields, Some(cookie)).await;
    let status = response.status().as_u16();
    let body = if status == 303 {
        location(&response)
    } else {
        response.text().await.unwrap_or_default()
    };
    (status, body)
}

async fn fan_out(app: &TestApp) -> fanout::Fanned {
    fanout::process_all(&app.database.db, &app.alerts, chrono::Utc::now())
        .await
        .expect("fan-out")
}

async fn notifications_of(app: &TestApp, account: &str, kind: &str) -> Vec<String> {
    strings(
        &app.database.db,
        &format!(
            "SELECT n.subject FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE u.email = '{account}' AND n.kind = '{kind}' ORDER BY n.id"
        ),
    )
    .await
}

const A: &str = "charity-admin@shanqiao.test";
const B: &str = "charity-admin-2@shanqiao.test";
const C: &str = "charity-admin-3@shanqiao.test";

#[tokio::test]
async fn a_new_need_reaches_each_matching_subscription_once() {
    let app = common::spawn_demo_app().await;
    let (a, b, c) = (
        sign_in_demo(&app, A).await,
        sign_in_demo(&app, B).await,
        sign_in_demo(&app, C).await,
    );
    // A: words that are in the need's items, at once, in-app and by e-mail.
    let (status, to) = subscribe(
        &app,
        &a,
        &[
            ("kind", "search"),
            ("q", "助行器"),
            ("frequency", "immediate"),
            ("in_app", "on"),
            ("by_email", "on"),
        ],
    )
    .await;
    assert_eq!((status, to.as_str()), (303, "/charity/alerts?done=created"));
    // B: disability needs in 长春市 (the need is in its county 农安县), in-app only.
    let (status, _) = subscribe(
        &app,
        &b,
        &[
            ("type", "disability"),
            ("region", "220100"),
            ("in_app", "on"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    // C: medical needs: not this one.
    let (status, _) = subscribe(
        &app,
        &c,
        &[("type", "medical"), ("in_app", "on"), ("by_email", "on")],
    )
    .await;
    assert_eq!(status, 303);
    let to_charities =
        format!("SELECT COUNT(*) FROM message_outbox WHERE recipient IN ('{A}', '{B}', '{C}')");
    assert_eq!(integer(&app.database.db, &to_charities).await, 0);

    let code = publish_need(&app, "需要助行器的残疾少年", "孩子行动不便，", "NA-ALERT-1").await;
    let fanned = fan_out(&app).await;
    assert!(fanned.events >= 1, "{fanned:?}");
    assert_eq!(
        notifications_of(&app, A, "new_match").await,
        ["需要助行器的残疾少年"]
    );
    assert_eq!(
        notifications_of(&app, B, "new_match").await,
        ["需要助行器的残疾少年"]
    );
    assert!(notifications_of(&app, C, "new_match").await.is_empty());
    let after = integer(&app.database.db, &to_charities).await;
    assert_eq!(
        after, 1,
        "one e-mail: A asked for it, B did not, C did not match"
    );
    // Fanning out again changes nothing: each event is taken once.
    fan_out(&app).await;
    assert_eq!(notifications_of(&app, A, "new_match").await.len(), 1);
    assert_eq!(integer(&app.database.db, &to_charities).await, after);
    // The reviewer was told the need waited for review (it was submitted first).
    assert_eq!(
        notifications_of(&app, "reviewer@shanqiao.test", "review_waiting").await,
        ["需要助行器的残疾少年"]
    );
    // By e-mail too: nobody turned it off.
    let reviewer_mail = app.messages_to("reviewer@shanqiao.test").await;
    assert!(
        reviewer_mail
            .iter()
            .any(|m| m.contains("待审核：需要助行器的残疾少年")),
        "{reviewer_mail:?}"
    );

    // The e-mail: the public copy, the link, an unsubscribe header; no family data.
    let mail = app.message_to(A).await;
    assert!(mail.contains(&format!("/needs/{code}")), "{mail}");
    assert!(mail.contains("需要助行器的残疾少年"), "{mail}");
    assert!(mail.contains("List-Unsubscribe: <"), "{mail}");
    assert!(mail.contains("/unsubscribe/"), "{mail}");
    for private in ["赵铁柱", "赵小满", "NA-ALERT-1"] {
        assert!(!mail.contains(private), "{private} in {mail}");
    }
    let subjects = strings(
        &app.database.db,
        "SELECT subject || ' ' || detail FROM notifications",
    )
    .await;
    assert!(subjects
        .iter()
        .all(|s| !s.contains("赵铁柱") && !s.contains("NA-ALERT-1")));

    // The bell says 1 (server-rendered), the list opens the need and the count drops.
    let (status, home) = app.get_with_cookie("/", &a).await;
    assert_eq!(status, 200);
    let bell = home
        .find("bell-count")
        .map(|i| &home[i..(i + 80).min(home.len())])
        .unwrap_or("no bell");
    assert!(home.contains("class=\"bell-count\">1<"), "bell: {bell}");
    let (status, list) = app.get_with_cookie("/notifications", &a).await;
    assert_eq!(status, 200);
    assert!(
        list.contains("符合订阅「助行器」的新需求：需要助行器的残疾少年"),
        "{list}"
    );
    let id = integer(
        &app.database.db,
        &format!("SELECT n.id FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = '{A}'"),
    )
    .await;
    let opened = app
        .post_form(&format!("/notifications/{id}/open"), &[], Some(&a))
        .await;
    assert_eq!(opened.status().as_u16(), 303);
    assert_eq!(location(&opened), format!("/needs/{code}"));
    let (_, home) = app.get_with_cookie("/", &a).await;
    assert!(home.contains("class=\"bell-count\">0<"));
    // Someone else's notification cannot be opened.
    let theirs = app
        .post_form(&format!("/notifications/{id}/open"), &[], Some(&b))
        .await;
    assert_eq!(theirs.status().as_u16(), 404);
}

#[tokio::test]
async fn a_released_claim_tells_the_office_and_the_subscribers_again() {
    let app = common::spawn_demo_app().await;
    let a = sign_in_demo(&app, A).await;
    let (status, _) = subscribe(&app, &a, &[("q", "助行器"), ("in_app", "on")]).await;
    assert_eq!(status, 303);
    let code = publish_need(
        &app,
        "助行器需求（认领测试）",
        "老人腿脚不便，",
        "NA-ALERT-2",
    )
    .await;
    fan_out(&app).await;
    assert_eq!(notifications_of(&app, A, "new_match").await.len(), 1);

    let token = token_of(&app, C, "charity").await;
    app.database
        .db
        .execute_unprepared("UPDATE supply_profiles SET claim_capacity = 1000")
        .await
        .expect("update");
    let (status, claimed) = call(
        &app,
        Method::POST,
        &format!("/api/v1/needs/{code}/claim"),
        Some(&token),
        Some(json!({"mode": "direct", "plan": "一周内送到助行器"})),
    )
    .await;
    assert_eq!(status, 201, "{claimed}");
    fan_out(&app).await;
    // The office of the need's region is told who claimed it.
    let taken = notifications_of(&app, "caseworker@shanqiao.test", "claim_taken").await;
    assert_eq!(taken, ["助行器需求（认领测试）"]);

    let id = claimed["id"].as_i64().expect("claim id");
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/claims/{id}/release"),
        Some(&token),
        Some(json!({"reason": "人手不足"})),
    )
    .await;
    assert_eq!(status, 200);
    fan_out(&app).await;
    assert_eq!(
        notifications_of(&app, "reviewer@shanqiao.test", "claim_released").await,
        ["助行器需求（认领测试）"]
    );
    // Back in the library: the subscriber hears of it again, once.
    assert_eq!(
        notifications_of(&app, A, "need_returned").await,
        ["助行器需求（认领测试）"]
    );
    fan_out(&app).await;
    assert_eq!(notifications_of(&app, A, "need_returned").await.len(), 1);
}

#[tokio::test]
async fn a_daily_digest_collects_the_days_matches_into_one_email() {
    let app = common::spawn_demo_app().await;
    let b = sign_in_demo(&app, B).await;
    let (status, _) = subscribe(
        &app,
        &b,
        &[
            ("q", "轮椅"),
            ("frequency", "daily"),
            ("by_email", "on"),
            ("label", "轮椅汇总"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    publish_need(&app, "轮椅需求甲", "需要一台轮椅，", "NA-DIGEST-1").await;
    publish_need(&app, "轮椅需求乙", "也需要轮椅，", "NA-DIGEST-2").await;
    fan_out(&app).await;
    // Nothing at once: the matches wait for the digest.
    assert!(app
        .messages_to(B)
        .await
        .iter()
        .all(|m| !m.contains("轮椅需求")));
    let sent = digest::send_digests(&app.database.db, &app.alerts, chrono::Utc::now())
        .await
        .expect("digests");
    assert_eq!(sent, 1);
    let mails: Vec<String> = app
        .messages_to(B)
        .await
        .into_iter()
        .filter(|m| m.contains("轮椅汇总"))
        .collect();
    assert_eq!(
        mails.len(),
        1,
        "one e-mail for the day: {:?}",
        app.messages_to(B).await
    );
    assert!(
        mails[0].contains("轮椅需求甲") && mails[0].contains("轮椅需求乙"),
        "{}",
        mails[0]
    );
    // Sent once.
    let again = digest::send_digests(&app.database.db, &app.alerts, chrono::Utc::now())
        .await
        .expect("digests");
    assert_eq!(again, 0);
}

#[tokio::test]
async fn an_unsubscribe_link_works_once_and_only_for_its_own_subscription() {
    let app = common::spawn_demo_app().await;
    let a = sign_in_demo(&app, A).await;
    let b = sign_in_demo(&app, B).await;
    subscribe(
        &app,
        &a,
        &[("q", "助行器"), ("in_app", "on"), ("by_email", "on")],
    )
    .await;
    subscribe(&app, &b, &[("q", "助行器"), ("by_email", "on")]).await;
    publish_need(&app, "助行器（退订测试）", "需要助行器，", "NA-UNSUB-1").await;
    fan_out(&app).await;
    let mail = app.message_to(A).await;
    let link = common::link_in(&mail, "/unsubscribe/")
        .trim_end_matches('>')
        .to_owned();

    // Someone else's subscription with A's signature, or a token changed by hand: refused.
    let db = &app.database.db;
    let key = app::alerts::unsubscribe::signing_key(db)
        .await
        .expect("key");
    let a_id = integer(db, &format!("SELECT id FROM users WHERE email = '{A}'")).await;
    let b_sub = integer(db, &format!("SELECT s.id FROM subscriptions s JOIN users u ON u.id = s.user_id WHERE u.email = '{B}'")).await;
    let b_nonce = strings(
        db,
        &format!("SELECT unsubscribe_nonce FROM subscriptions WHERE id = {b_sub}"),
    )
    .await
    .remove(0);
    let forged = app::alerts::unsubscribe::sign(
        &key,
        app::alerts::unsubscribe::Target::Subscription(b_sub),
        a_id,
        &b_nonce,
    );
    let refused = app
        .post_form(&format!("/unsubscribe/{forged}"), &[], None)
        .await;
    assert_eq!(refused.status().as_u16(), 410);
    let tampered = format!("{}x", link);
    assert_eq!(
        app.post_form(&tampered, &[], None).await.status().as_u16(),
        410
    );
    assert_eq!(
        integer(
            db,
            &format!("SELECT COUNT(*) FROM subscriptions WHERE id = {b_sub} AND by_email")
        )
        .await,
        1,
        "B still gets e-mails"
    );

    // The page asks first (a mail program's prefetch changes nothing), without signing in.
    let (status, page) = app.get_text(&link).await;
    assert_eq!(status, 200);
    assert!(page.contains("助行器"), "{page}");
    let done = app.post_form(&link, &[("confirm", "1")], None).await;
    assert_eq!(done.status().as_u16(), 303);
    assert_eq!(
        integer(db, &format!("SELECT COUNT(*) FROM subscriptions s JOIN users u ON u.id = s.user_id WHERE u.email = '{A}' AND s.by_email")).await,
        0
    );
    assert_eq!(
        integer(db, &format!("SELECT COUNT(*) FROM subscriptions s JOIN users u ON u.id = s.user_id WHERE u.email = '{A}' AND s.in_app")).await,
        1,
        "in-app stays"
    );
    // Once only.
    assert_eq!(app.post_form(&link, &[], None).await.status().as_u16(), 410);
    let (status, _) = app.get_text(&link).await;
    assert_eq!(status, 410);
}

#[tokio::test]
async fn bad_subscriptions_are_refused_field_by_field_and_nothing_is_stored() {
    let app = common::spawn_demo_app().await;
    let a = sign_in_demo(&app, A).await;
    for (fields, message) in [
        (vec![("in_app", "on")], "这个搜索没有任何条件"),
        (
            vec![("q", "轮椅"), ("region", "999999"), ("in_app", "on")],
            "没有这个地区代码",
        ),
        (
            vec![("q", "轮椅"), ("type", "rocket"), ("in_app", "on")],
            "没有这种帮扶类型",
        ),
        (
            vec![
                ("q", "轮椅"),
                ("by_email", "on"),
                ("email", "not-an-address"),
            ],
            "电子邮件地址格式不正确",
        ),
        (vec![("q", "轮椅")], "请至少选择一种提醒方式"),
        (vec![("q", "🙂🙂"), ("in_app", "on")], "没有可搜索的字词"),
    ] {
        let (status, body) = subscribe(&app, &a, &fields).await;
        assert_eq!(status, 422, "{fields:?}");
        assert!(
            body.contains(message),
            "{fields:?}: {message} not in the page"
        );
    }
    let long = "轮".repeat(101);
    let (status, _) = subscribe(&app, &a, &[("q", &long), ("in_app", "on")]).await;
    assert_eq!(status, 422);
    assert_eq!(
        integer(&app.database.db, "SELECT COUNT(*) FROM subscriptions").await,
        0
    );
    // Not a charity member: refused; nobody signed in: sent to sign in.
    let donor = sign_in_demo(&app, "donor@shanqiao.test").await;
    let (status, _) = subscribe(&app, &donor, &[("q", "轮椅"), ("in_app", "on")]).await;
    assert_eq!(status, 403);
    let anonymous = app
        .post_form("/charity/alerts", &[("q", "轮椅")], None)
        .await;
    assert_eq!(anonymous.status().as_u16(), 303);
    assert!(location(&anonymous).starts_with("/signin"));
    // Someone else's subscription cannot be changed or deleted.
    subscribe(&app, &a, &[("q", "轮椅"), ("in_app", "on")]).await;
    let id = integer(&app.database.db, "SELECT id FROM subscriptions").await;
    let b = sign_in_demo(&app, B).await;
    let deleted = app
        .post_form(&format!("/charity/alerts/{id}/delete"), &[], Some(&b))
        .await;
    assert_eq!(deleted.status().as_u16(), 404);
    assert_eq!(
        integer(&app.database.db, "SELECT COUNT(*) FROM subscriptions").await,
        1
    );
}

#[tokio::test]
async fn staff_choose_which_notifications_come_by_email() {
    let app = common::spawn_demo_app().await;
    let reviewer = sign_in_demo(&app, "reviewer@shanqiao.test").await;
    // Everything but "waits for review".
    let kept: Vec<(String, String)> = app::alerts::NoticeKind::DIRECT
        .iter()
        .filter(|k| **k != app::alerts::NoticeKind::ReviewWaiting)
        .map(|k| (format!("kind_{}", k.code()), "on".to_owned()))
        .collect();
    let fields: Vec<(&str, &str)> = kept.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = app
        .post_form("/account/emails", &fields, Some(&reviewer))
        .await;
    assert_eq!(saved.status().as_u16(), 303);
    fan_out(&app).await;
    let before = app.messages_to("reviewer@shanqiao.test").await.len();
    publish_need(&app, "邮件设置测试", "需要帮助，", "NA-PREF-1").await;
    fan_out(&app).await;
    // Told in-app, but not by e-mail.
    assert_eq!(
        notifications_of(&app, "reviewer@shanqiao.test", "review_waiting").await,
        ["邮件设置测试"]
    );
    assert_eq!(
        app.messages_to("reviewer@shanqiao.test").await.len(),
        before
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deliver_command_sends_through_smtp_and_send_digests_runs_once() {
    // No server runs here: only the commands deliver.
    let database = common::migrated_database().await;
    let outgoing = app::messages::Outgoing {
        channel: app::messages::Channel::Email,
        recipient: "someone@example.org".into(),
        subject: "善桥：测试 / Shanqiao: a test".into(),
        body: "正文 / body".into(),
        html: Some("<p>正文 / body</p>".into()),
        unsubscribe_url: Some("https://shanqiao.example/unsubscribe/t".into()),
    };
    app::messages::queue(&database.db, outgoing, chrono::Utc::now())
        .await
        .expect("queued");
    let smtp = SmtpServer::start(Mode::Accept).await;
    let data = tempfile::tempdir().expect("dir");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_shanqiao"))
            .args(args)
            .env("DATABASE_URL", &database.url)
            .env("SHANQIAO_DATA_DIR", data.path())
            .env("SHANQIAO_SMTP_URL", smtp.url())
            .env("SHANQIAO_BASE_URL", "https://shanqiao.example")
            .env("RUST_LOG", "error")
            .output()
            .expect("runs")
    };
    let out = tokio::task::block_in_place(|| run(&["deliver"]));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("1 messages delivered"), "{said}");
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, ["someone@example.org"]);
    assert!(received[0]
        .data
        .contains("List-Unsubscribe: <https://shanqiao.example/unsubscribe/t>"));
    assert!(received[0].data.contains("multipart/alternative"));
    // Delivered once: a second run sends nothing.
    let out = tokio::task::block_in_place(|| run(&["deliver"]));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 messages delivered"));
    assert_eq!(smtp.received().len(), 1);
    let out = tokio::task::block_in_place(|| run(&["send-digests"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 digests"));
}

#[tokio::test]
async fn a_charity_is_reminded_before_its_due_date_once_and_a_lapse_reopens_the_need() {
    let app = common::spawn_demo_app().await;
    let a = sign_in_demo(&app, A).await;
    subscribe(&app, &a, &[("q", "助行器"), ("in_app", "on")]).await;
    let code = publish_need(&app, "助行器（提醒测试）", "老人行动不便，", "NA-REMIND-1").await;
    let token = token_of(&app, C, "charity").await;
    app.database
        .db
        .execute_unprepared("UPDATE supply_profiles SET claim_capacity = 1000")
        .await
        .expect("update");
    let (status, claimed) = call(
        &app,
        Method::POST,
        &format!("/api/v1/needs/{code}/claim"),
        Some(&token),
        Some(json!({"mode": "direct", "plan": "三天内送到"})),
    )
    .await;
    assert_eq!(status, 201, "{claimed}");
    let id = claimed["id"].as_i64().expect("id");
    fan_out(&app).await;
    // Due in 20 hours: the one-day reminder is due, once however often the job runs.
    let db = &app.database.db;
    let due = (chrono::Utc::now() + chrono::Duration::hours(20)).to_rfc3339();
    let set_due = match app.database.is_postgres() {
        true => format!("UPDATE claims SET due_at = '{due}'::timestamptz WHERE id = {id}"),
        false => format!("UPDATE claims SET due_at = '{due}' WHERE id = {id}"),
    };
    db.execute_unprepared(&set_due).await.expect("due soon");
    let offsets = app::alerts::events::ReminderOffsets::default();
    let now = chrono::Utc::now();
    assert_eq!(
        app::alerts::events::remind_due(db, &offsets, now)
            .await
            .expect("remind"),
        1
    );
    assert_eq!(
        app::alerts::events::remind_due(db, &offsets, now)
            .await
            .expect("remind"),
        0
    );
    fan_out(&app).await;
    let reminded = notifications_of(&app, C, "claim_due").await;
    assert_eq!(reminded, ["助行器（提醒测试）"]);
    let link = strings(
        db,
        &format!("SELECT n.link FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = '{C}' AND n.kind = 'claim_due'"),
    )
    .await;
    assert_eq!(link, [format!("/charity/claims/{id}")]);
    // Past due: the claim lapses; the office, the charity and the subscriber are told.
    let later = chrono::Utc::now() + chrono::Duration::days(2);
    assert_eq!(
        app::claims::lifecycle::lapse_due(db, later)
            .await
            .expect("lapse"),
        1
    );
    fan_out(&app).await;
    assert_eq!(
        notifications_of(&app, C, "claim_lapsed").await,
        ["助行器（提醒测试）"]
    );
    assert_eq!(
        notifications_of(&app, "caseworker@shanqiao.test", "claim_lapsed").await,
        ["助行器（提醒测试）"]
    );
    assert_eq!(
        notifications_of(&app, A, "need_returned").await,
        ["助行器（提醒测试）"]
    );
}
