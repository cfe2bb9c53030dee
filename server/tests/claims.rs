//! Matching, claiming and fulfilment, end to end over HTTP: the portal's ranked needs,
//! claims by form and by API, the race for one need, release and lapse, the report, its
//! evidence files and their privacy, verification and the public page's outcome.

mod common;

use common::{call, integer, sign_in_demo, strings, token_of, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

const CHARITY: &str = "charity-admin@shanqiao.test";

/// A published need written by the office of `staff` (so that `staff` may verify it).
async fn open_need_of(app: &TestApp, staff: &str) -> String {
    strings(
        &app.database.db,
        &format!(
            "SELECT n.public_code FROM needs n WHERE n.status = 'published' AND n.office_id IN \
             (SELECT m.organization_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = '{staff}') \
             ORDER BY n.id LIMIT 1"
        ),
    )
    .await
    .into_iter()
    .next()
    .expect("a published need")
}

/// The code of the first demo need in `status`.
async fn first_in(db: &sea_orm::DatabaseConnection, status: &str) -> String {
    strings(
        db,
        &format!("SELECT public_code FROM needs WHERE status = '{status}' ORDER BY id LIMIT 1"),
    )
    .await
    .remove(0)
}

async fn need_status(app: &TestApp, code: &str) -> String {
    strings(
        &app.database.db,
        &format!("SELECT status FROM needs WHERE public_code = '{code}'"),
    )
    .await
    .remove(0)
}

/// Lets every charity carry as many claims as a test needs.
async fn unlimited_capacity(app: &TestApp) {
    app.database
        .db
        .execute_unprepared("UPDATE supply_profiles SET claim_capacity = 1000")
        .await
        .expect("update");
}

use sea_orm::ConnectionTrait;

async fn claim(app: &TestApp, token: &str, code: &str, body: Value) -> (u16, Value) {
    call(
        app,
        Method::POST,
        &format!("/api/v1/needs/{code}/claim"),
        Some(token),
        Some(body),
    )
    .await
}

fn direct() -> Value {
    json!({"mode": "direct", "plan": "采购所需物品并在两周内送达家庭"})
}

#[tokio::test]
async fn the_portal_opens_on_needs_ranked_by_fit_with_reasons() {
    let app = common::spawn_demo_app().await;
    let token = token_of(&app, CHARITY, "charity").await;
    let (status, first) = call(&app, Method::GET, "/api/v1/matches", Some(&token), None).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["has_profile"], true);
    let needs = first["needs"].as_array().expect("needs");
    assert!(
        needs.len() >= 5,
        "the demo charity has needs that fit: {first}"
    );
    let scores: Vec<u64> = needs
        .iter()
        .map(|n| n["score"].as_u64().expect("score"))
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    for n in needs {
        // The profile: medical and disability support, dibao and tekun, in Jilin; it gives
        // wheelchairs, hearing aids, nursing beds.
        assert!(
            n["place"].as_str().expect("place").starts_with("吉林省"),
            "{n}"
        );
        let codes: Vec<&str> = n["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .map(|r| r["code"].as_str().expect("code"))
            .collect();
        assert!(
            codes
                .iter()
                .any(|c| matches!(*c, "assistance_type" | "household_category" | "item")),
            "each match says why: {n}"
        );
        assert!(codes.contains(&"region"), "{n}");
        let status = need_status(&app, n["public_code"].as_str().expect("code")).await;
        assert_eq!(status, "published");
    }
    // Deterministic: the same order again.
    let (_, again) = call(&app, Method::GET, "/api/v1/matches", Some(&token), None).await;
    assert_eq!(first, again);

    // The portal shows them with the reasons in words.
    let cookie = sign_in_demo(&app, CHARITY).await;
    let (status, page) = app.get_with_cookie("/charity", &cookie).await;
    assert_eq!(status, 200);
    assert!(page.contains("适合本机构的需求"), "{page}");
    let top = &needs[0];
    assert!(page.contains(top["title"].as_str().expect("title")));
    assert!(page.contains(top["reasons"][0]["zh"].as_str().expect("reason")));

    // A charity without a profile is led to fill one in.
    let cookie = sign_in_demo(&app, "charity-admin-6@shanqiao.test").await;
    let (_, page) = app.get_with_cookie("/charity", &cookie).await;
    assert!(page.contains("data-testid=\"no-profile\""), "{page}");
    assert!(page.contains("href=\"/charity/profile\""));
    let saved = app
        .post_form(
            "/charity/profile",
            &[
                ("type_education", "on"),
                ("region_1", "220000"),
                ("typical_budget", "8000"),
                ("gives", "学习用品、书包"),
                ("claim_capacity", "4"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(saved.status().as_u16(), 303);
    let token = token_of(&app, "charity-admin-6@shanqiao.test", "charity").await;
    let (_, m) = call(&app, Method::GET, "/api/v1/matches", Some(&token), None).await;
    assert_eq!(m["has_profile"], true);
    assert_eq!(m["capacity"], 4);
    assert!(!m["needs"].as_array().expect("needs").is_empty());
    // Bad profile input is refused field by field, and keeps the stored profile.
    let refused = app
        .post_form(
            "/charity/profile",
            &[("region_1", "999999"), ("claim_capacity", "0")],
            Some(&cookie),
        )
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    let body = refused.text().await.expect("body");
    assert!(body.contains("可同时承接的认领数应为 1–100"), "{body}");
    let (_, m) = call(&app, Method::GET, "/api/v1/matches", Some(&token), None).await;
    assert_eq!(m["capacity"], 4);
}

#[tokio::test]
async fn a_hundred_simultaneous_claims_on_one_need_have_one_winner() {
    let app = common::spawn_demo_app().await;
    unlimited_capacity(&app).await;
    let code = open_need_of(&app, "reviewer@shanqiao.test").await;
    let mut tokens = Vec::new();
    for n in ["", "-2", "-3", "-4", "-5"] {
        for role in ["admin", "member"] {
            tokens
                .push(token_of(&app, &format!("charity-{role}{n}@shanqiao.test"), "charity").await);
        }
    }
    let requests = (0..100).map(|i| {
        let app = &app;
        let token = tokens[i % tokens.len()].clone();
        let code = code.clone();
        async move { claim(app, &token, &code, direct()).await }
    });
    let answers = futures::future::join_all(requests).await;
    let won: Vec<&(u16, Value)> = answers.iter().filter(|(s, _)| *s == 201).collect();
    assert_eq!(won.len(), 1, "exactly one winner");
    for (status, body) in answers.iter().filter(|(s, _)| *s != 201) {
        assert_eq!(*status, 409, "{body}");
        assert_eq!(body["error"]["code"], "already_claimed", "{body}");
    }
    let db = &app.database.db;
    let need_id = integer(
        db,
        &format!("SELECT id FROM needs WHERE public_code = '{code}'"),
    )
    .await;
    assert_eq!(
        integer(
            db,
            &format!("SELECT COUNT(*) FROM claims WHERE need_id = {need_id} AND status = 'active'")
        )
        .await,
        1
    );
    assert_eq!(
        integer(
            db,
            &format!("SELECT COUNT(*) FROM claims WHERE need_id = {need_id}")
        )
        .await,
        1
    );
    assert_eq!(
        integer(db, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'need.claim' AND entity_id = '{code}'")).await,
        1
    );
    assert_eq!(need_status(&app, &code).await, "claimed");
}

#[tokio::test]
async fn release_and_lapse_return_the_need_to_the_library_with_its_history() {
    let app = common::spawn_demo_app().await;
    unlimited_capacity(&app).await;
    let token = token_of(&app, CHARITY, "charity").await;
    let code = open_need_of(&app, "reviewer@shanqiao.test").await;
    let (status, c) = claim(&app, &token, &code, direct()).await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(c["status"], "active");
    let id = c["id"].as_i64().expect("id");
    app.index_now().await;
    let (_, page) = app.get_text(&format!("/needs/{code}")).await;
    assert!(page.contains("认领机构：松辽善行慈善基金会"), "{page}");
    assert!(
        page.contains(c["due_on"].as_str().expect("due")),
        "the page says until when"
    );

    // Release needs a reason.
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/claims/{id}/release"),
        Some(&token),
        Some(json!({"reason": " "})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["reason"].is_string(), "{body}");
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/claims/{id}/release"),
        Some(&token),
        Some(json!({"reason": "机构人手不足，无法按期完成"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "released");
    assert_eq!(body["need_status"], "published");
    assert_eq!(need_status(&app, &code).await, "published");
    // Releasing twice changes nothing.
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/claims/{id}/release"),
        Some(&token),
        Some(json!({"reason": "再次退回"})),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "wrong_state");
    app.index_now().await;
    let (_, page) = app.get_text(&format!("/needs/{code}")).await;
    assert!(
        page.contains("尚无慈善组织认领"),
        "back in the library: {page}"
    );

    // Claimed again, then past its due date: the job lapses it.
    let (status, c2) = claim(&app, &token, &code, direct()).await;
    assert_eq!(status, 201, "{c2}");
    let db = &app.database.db;
    let active_before = integer(db, "SELECT COUNT(*) FROM claims WHERE status = 'active'").await;
    let later = chrono::Utc::now() + chrono::Duration::days(400);
    // Two instances running the job at once lapse each claim once.
    let (a, b) = tokio::join!(
        app::claims::lifecycle::lapse_due(db, later),
        app::claims::lifecycle::lapse_due(db, later)
    );
    assert_eq!(
        a.expect("lapses") + b.expect("lapses"),
        active_before as usize
    );
    assert_eq!(
        integer(
            db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'claim.lapse'"
        )
        .await,
        active_before
    );
    assert_eq!(
        integer(db, "SELECT COUNT(*) FROM claims WHERE status = 'active'").await,
        0
    );
    assert_eq!(need_status(&app, &code).await, "published");
    let (_, body) = call(
        &app,
        Method::GET,
        &format!("/api/v1/claims/{}", c2["id"]),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(body["status"], "lapsed");
    // The history stays: both claims, and the office sees them.
    let need_id = integer(
        db,
        &format!("SELECT id FROM needs WHERE public_code = '{code}'"),
    )
    .await;
    assert_eq!(
        integer(
            db,
            &format!("SELECT COUNT(*) FROM claims WHERE need_id = {need_id}")
        )
        .await,
        2
    );
    let staff = sign_in_demo(&app, "reviewer@shanqiao.test").await;
    let (_, page) = app
        .get_with_cookie(&format!("/office/needs/{code}"), &staff)
        .await;
    assert!(page.contains("data-testid=\"need-claims\""), "{page}");
    assert!(page.contains("机构人手不足"));
    assert!(page.contains("认领逾期失效"), "the history names the lapse");
}

#[tokio::test]
async fn unverified_full_and_unqualified_charities_are_refused_and_nothing_changes() {
    let app = common::spawn_demo_app().await;
    let code = open_need_of(&app, "reviewer@shanqiao.test").await;
    let pending = token_of(&app, "charity-admin-7@shanqiao.test", "charity").await;
    let (status, body) = claim(&app, &pending, &code, direct()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("not_verified")),
        "{body}"
    );

    let unqualified = token_of(&app, "charity-admin-2@shanqiao.test", "charity").await;
    app.database
        .db
        .execute_unprepared("UPDATE supply_profiles SET claim_capacity = 1000")
        .await
        .expect("update");
    let (status, body) = claim(
        &app,
        &unqualified,
        &code,
        json!({"mode": "fundraise", "plan": "公开募集资金"}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("no_fundraising_qualification")),
        "{body}"
    );

    let token = token_of(&app, CHARITY, "charity").await;
    let db = &app.database.db;
    let charity = integer(db, &format!("SELECT m.organization_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = '{CHARITY}'")).await;
    let active = integer(
        db,
        &format!("SELECT COUNT(*) FROM claims WHERE charity_id = {charity} AND status = 'active'"),
    )
    .await;
    db.execute_unprepared(&format!(
        "UPDATE supply_profiles SET claim_capacity = {active} WHERE charity_id = {charity}"
    ))
    .await
    .expect("update");
    let (status, body) = claim(&app, &token, &code, direct()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("at_capacity")),
        "{body}"
    );
    // The portal's form says the same in words.
    let cookie = sign_in_demo(&app, CHARITY).await;
    let refused = app
        .post_form(
            &format!("/charity/needs/{code}/claim"),
            &[("mode", "direct"), ("plan", "采购并送达")],
            Some(&cookie),
        )
        .await;
    assert_eq!(refused.status().as_u16(), 409);
    assert!(refused
        .text()
        .await
        .expect("body")
        .contains("进行中的认领已达到供给档案中的上限"));
    assert_eq!(need_status(&app, &code).await, "published");
    assert_eq!(integer(db, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'need.claim' AND entity_id = '{code}'")).await, 0);
}

#[tokio::test]
async fn bad_claims_get_specific_errors() {
    let app = common::spawn_demo_app().await;
    unlimited_capacity(&app).await;
    let token = token_of(&app, CHARITY, "charity").await;
    let db = &app.database.db;
    let draft = first_in(db, "draft").await;
    let (status, body) = claim(&app, &token, &draft, direct()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found")),
        "a draft is not public"
    );
    let (status, _) = claim(&app, &token, "JL-2099-999999", direct()).await;
    assert_eq!(status, 404);
    let verified = first_in(db, "verified").await;
    let (status, body) = claim(&app, &token, &verified, direct()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("already_claimed")),
        "{body}"
    );
    let expired = first_in(db, "expired").await;
    let (status, body) = claim(&app, &token, &expired, direct()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("not_claimable")),
        "{body}"
    );

    let code = open_need_of(&app, "reviewer@shanqiao.test").await;
    let (status, body) = claim(
        &app,
        &token,
        &code,
        json!({"mode": "lend", "plan": "", "plan_by": "2020-01-01"}),
    )
    .await;
    assert_eq!(status, 422);
    let fields = &body["error"]["fields"];
    assert!(
        fields["mode"].is_string() && fields["plan"].is_string() && fields["plan_by"].is_string(),
        "{body}"
    );
    let far = (chrono::Utc::now() + chrono::Duration::days(400))
        .format("%Y-%m-%d")
        .to_string();
    let (status, body) = claim(
        &app,
        &token,
        &code,
        json!({"mode": "direct", "plan": "采购并送达", "plan_by": far}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["error"]["fields"]["plan_by"]
            .as_str()
            .expect("plan_by")
            .contains("due date"),
        "{body}"
    );
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/needs/{code}/claim"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_json"))
    );
    // An office's token is not a charity's.
    let office = token_of(&app, "reviewer@shanqiao.test", "civil_affairs").await;
    let (status, body) = claim(&app, &office, &code, direct()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("not_a_charity"))
    );
    assert_eq!(need_status(&app, &code).await, "published");
    assert_eq!(integer(db, &format!("SELECT COUNT(*) FROM audit_log WHERE entity_id = '{code}' AND action LIKE 'claim.%'")).await, 0);
    // Another charity cannot see or release a claim that is not its own.
    let (status, c) = claim(&app, &token, &code, direct()).await;
    assert_eq!(status, 201);
    let other = token_of(&app, "charity-admin-3@shanqiao.test", "charity").await;
    let path = format!("/api/v1/claims/{}", c["id"]);
    assert_eq!(
        call(&app, Method::GET, &path, Some(&other), None).await.0,
        404
    );
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("{path}/release"),
        Some(&other),
        Some(json!({"reason": "不是我的"})),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(need_status(&app, &code).await, "claimed");
}

/// A JPEG whose EXIF holds a GPS position and a comment.
fn jpeg_with_metadata() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8];
    b.extend([0xFF, 0xE0, 0x00, 0x10]);
    b.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    let exif = b"Exif\0\0GPSLatitude 43.88N";
    b.extend([0xFF, 0xE1, 0x00, (exif.len() + 2) as u8]);
    b.extend(exif);
    b.extend([0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0x33, 0xFF, 0xD9]);
    b
}

async fn upload(
    app: &TestApp,
    cookie: &str,
    id: i64,
    name: &str,
    mime: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(mime)
        .expect("mime");
    app.client
        .post(app.url(&format!("/charity/claims/{id}/attachments")))
        .header("origin", format!("http://{}", app.addr))
        .header("cookie", cookie)
        .multipart(reqwest::multipart::Form::new().part("attachment", part))
        .send()
        .await
        .expect("upload")
}

#[tokio::test]
async fn a_claim_is_fulfilled_with_evidence_verified_and_the_outcome_published() {
    let app = common::spawn_demo_app().await;
    unlimited_capacity(&app).await;
    let code = open_need_of(&app, "reviewer@shanqiao.test").await;
    let cookie = sign_in_demo(&app, CHARITY).await;
    let (status, page) = app
        .get_with_cookie(&format!("/charity/needs/{code}/claim"), &cookie)
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"lease-line\""), "{page}");
    let claimed = app
        .post_form(
            &format!("/charity/needs/{code}/claim"),
            &[
                ("mode", "direct"),
                ("plan", "两周内采购并送达"),
                ("plan_by", ""),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(claimed.status().as_u16(), 303);
    let to = common::location(&claimed);
    assert!(to.ends_with("?done=claimed"), "{to}");
    let id: i64 = to
        .trim_start_matches("/charity/claims/")
        .split('?')
        .next()
        .expect("id")
        .parse()
        .expect("id");

    // Evidence: type checked by content, metadata stripped, private.
    let db = &app.database.db;
    let sent = upload(
        &app,
        &cookie,
        id,
        "收据.jpg",
        "image/jpeg",
        jpeg_with_metadata(),
    )
    .await;
    assert_eq!(
        sent.status().as_u16(),
        303,
        "{}",
        sent.text().await.unwrap_or_default()
    );
    let disguised = upload(
        &app,
        &cookie,
        id,
        "photo.jpg",
        "image/jpeg",
        b"<html><script>alert(1)</script></html>".to_vec(),
    )
    .await;
    assert_eq!(disguised.status().as_u16(), 422);
    assert!(disguised
        .text()
        .await
        .expect("body")
        .contains("按文件内容检查"));
    let huge = upload(
        &app,
        &cookie,
        id,
        "big.pdf",
        "application/pdf",
        [b"%PDF-1.7\n".to_vec(), vec![b'0'; 6 * 1024 * 1024]].concat(),
    )
    .await;
    assert!(
        matches!(huge.status().as_u16(), 413 | 422),
        "{}",
        huge.status()
    );
    assert_eq!(
        integer(
            db,
            &format!("SELECT COUNT(*) FROM claim_attachments WHERE claim_id = {id}")
        )
        .await,
        1
    );
    let file = integer(
        db,
        &format!("SELECT id FROM claim_attachments WHERE claim_id = {id}"),
    )
    .await;
    let path = format!("/claims/{id}/attachments/{file}");
    let mine = app
        .client
        .get(app.url(&path))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(mine.status().as_u16(), 200);
    assert_eq!(mine.headers()["content-type"], "image/jpeg");
    let bytes = mine.bytes().await.expect("bytes");
    assert!(
        !String::from_utf8_lossy(&bytes).contains("GPS"),
        "metadata stripped"
    );
    let other = sign_in_demo(&app, "charity-admin-3@shanqiao.test").await;
    let (status, _) = app.get_with_cookie(&path, &other).await;
    assert_eq!(status, 404, "another charity cannot see it");
    let donor = sign_in_demo(&app, "donor@shanqiao.test").await;
    assert_eq!(app.get_with_cookie(&path, &donor).await.0, 404);
    assert_eq!(
        app.get(&path).await.status().as_u16(),
        303,
        "anonymous: sign in first"
    );
    let staff = sign_in_demo(&app, "reviewer@shanqiao.test").await;
    assert_eq!(
        app.get_with_cookie(&path, &staff).await.0,
        200,
        "the office staff concerned see it"
    );

    // The report, with a bad field first.
    let (_, page) = app
        .get_with_cookie(&format!("/charity/claims/{id}"), &cookie)
        .await;
    assert!(page.contains("提交交付报告"));
    let today = app::domain::calendar::day_text(app::domain::calendar::today(chrono::Utc::now()));
    let bad = app
        .post_form(
            &format!("/charity/claims/{id}/fulfilment"),
            &[("delivered_on", "2099-01-01"), ("evidence", "短")],
            Some(&cookie),
        )
        .await;
    assert_eq!(bad.status().as_u16(), 422);
    assert_eq!(need_status(&app, &code).await, "claimed");
    let reported = app
        .post_form(
            &format!("/charity/claims/{id}/fulfilment"),
            &[
                ("delivered_on", &today),
                ("cost", "1200"),
                (
                    "evidence",
                    "物资已送达，村委会工作人员见证签收，附收据照片。",
                ),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(
        reported.status().as_u16(),
        303,
        "{}",
        reported.text().await.unwrap_or_default()
    );
    assert_eq!(need_status(&app, &code).await, "fulfilled");

    // Staff question it once, the charity reports again, staff verify and close.
    let asked = app
        .post_form(
            &format!("/office/needs/{code}/question"),
            &[("question", "请补充签收单照片")],
            Some(&staff),
        )
        .await;
    assert_eq!(asked.status().as_u16(), 303);
    assert_eq!(need_status(&app, &code).await, "claimed");
    let (_, page) = app
        .get_with_cookie(&format!("/charity/claims/{id}"), &cookie)
        .await;
    assert!(
        page.contains("请补充签收单照片"),
        "the charity sees the question"
    );
    let again = app
        .post_form(
            &format!("/charity/claims/{id}/fulfilment"),
            &[
                ("delivered_on", &today),
                ("cost", "1200"),
                ("evidence", "已补充签收单照片，物资已全部送达。"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(
        again.status().as_u16(),
        303,
        "{}",
        again.text().await.unwrap_or_default()
    );
    let names = strings(db, &format!("SELECT p.household_names FROM need_private p JOIN needs n ON n.id = p.need_id WHERE n.public_code = '{code}'")).await.remove(0);
    let name: Vec<String> = serde_json::from_str(&names).expect("names");
    let note = format!("感谢松辽善行帮助{}一家渡过难关", name[0]);
    // Only reviewers verify.
    let caseworker = sign_in_demo(&app, "caseworker@shanqiao.test").await;
    let denied = app
        .post_form(
            &format!("/office/needs/{code}/verify"),
            &[("close_reason", "met_fully")],
            Some(&caseworker),
        )
        .await;
    assert!(
        matches!(denied.status().as_u16(), 403 | 404),
        "{}",
        denied.status()
    );
    let verified = app
        .post_form(
            &format!("/office/needs/{code}/verify"),
            &[
                ("close_reason", "met_fully"),
                ("rating", "5"),
                ("thank_you", &note),
            ],
            Some(&staff),
        )
        .await;
    assert_eq!(verified.status().as_u16(), 303);
    assert_eq!(need_status(&app, &code).await, "verified");
    app.index_now().await;
    let (_, page) = app.get_text(&format!("/needs/{code}")).await;
    assert!(page.contains("data-testid=\"need-outcome\""), "{page}");
    assert!(page.contains("已完全满足"));
    assert!(page.contains("感谢松辽善行帮助"));
    assert!(!page.contains(&name[0]), "the thank-you note is anonymized");
    // Nothing more can happen to a closed need.
    let token = token_of(&app, CHARITY, "charity").await;
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/claims/{id}/release"),
        Some(&token),
        Some(json!({"reason": "太晚了"})),
    )
    .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn the_claim_api_reports_fulfilment_and_is_documented() {
    let app = common::spawn_demo_app().await;
    unlimited_capacity(&app).await;
    let token = token_of(&app, CHARITY, "charity").await;
    let code = open_need_of(&app, "reviewer@shanqiao.test").await;
    let (_, c) = claim(&app, &token, &code, direct()).await;
    let id = c["id"].as_i64().expect("id");
    let path = format!("/api/v1/claims/{id}/fulfilment");
    let (status, body) = call(&app, Method::POST, &path, Some(&token), Some(json!({"delivered_on": "2001-01-01", "cost_fen": -5, "evidence": "x", "items": [{"name": "轮椅", "unit": "台", "quantity": -1}]}))).await;
    assert_eq!(status, 422);
    let fields = &body["error"]["fields"];
    for f in ["delivered_on", "cost_fen", "evidence", "items[0].quantity"] {
        assert!(fields[f].is_string(), "{f}: {body}");
    }
    let today = app::domain::calendar::day_text(app::domain::calendar::today(chrono::Utc::now()));
    let (status, body) = call(&app, Method::POST, &path, Some(&token), Some(json!({"delivered_on": today, "cost_fen": 120000, "evidence": "物资已送达并由家属签收。", "items": [{"name": "轮椅", "unit": "台", "quantity": 1}]}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "fulfilled");
    assert_eq!(body["delivered_items"][0]["quantity"], 1);
    let (status, list) = call(&app, Method::GET, "/api/v1/claims", Some(&token), None).await;
    assert_eq!(status, 200);
    assert!(list["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .any(|c| c["id"] == id));
    let (_, doc) = call(&app, Method::GET, "/api/v1/openapi.json", None, None).await;
    for p in [
        "/api/v1/matches",
        "/api/v1/needs/{code}/claim",
        "/api/v1/claims",
        "/api/v1/claims/{id}",
        "/api/v1/claims/{id}/release",
        "/api/v1/claims/{id}/fulfilment",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} documented");
    }
}

#[tokio::test]
async fn a_job_lease_is_held_by_one_instance_at_a_time() {
    let database = common::migrated_database().await;
    let db = &database.db;
    let now = chrono::Utc::now();
    let ttl = chrono::Duration::seconds(60);
    let attempts = (0..10).map(|i| {
        let holder = format!("instance-{i}");
        async move { app::job_lease::try_acquire(db, "lapse_claims", &holder, ttl, now).await }
    });
    let taken: Vec<bool> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.expect("lease"))
        .collect();
    assert_eq!(taken.iter().filter(|t| **t).count(), 1, "{taken:?}");
    let holder = strings(
        db,
        "SELECT holder FROM job_leases WHERE name = 'lapse_claims'",
    )
    .await
    .remove(0);
    // The holder renews; the others wait until it expires.
    assert!(
        app::job_lease::try_acquire(db, "lapse_claims", &holder, ttl, now)
            .await
            .expect("renew")
    );
    assert!(
        !app::job_lease::try_acquire(db, "lapse_claims", "someone-else", ttl, now)
            .await
            .expect("busy")
    );
    let later = now + chrono::Duration::seconds(61);
    assert!(
        app::job_lease::try_acquire(db, "lapse_claims", "someone-else", ttl, later)
            .await
            .expect("expired")
    );
}
