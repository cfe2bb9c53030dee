//! The needs API for office systems, with a real HTTP client: tokens, typed errors,
//! the lifecycle calls, the region scope, the PII check and the OpenAPI document.

mod common;

use common::{call, TestApp};
use serde_json::{json, Value};

async fn office_token(app: &TestApp, account: &str) -> String {
    common::token_of(app, account, "civil_affairs").await
}

fn need(story: &str) -> Value {
    json!({
        "title": "为困境儿童购买学习用品",
        "story": story,
        "assistance_type": "education",
        "household_category": "dibao",
        "coverage": "still_in_hardship",
        "region_code": "220122",
        "age_band": "6-11",
        "household_size": "3",
        "urgency": "normal",
        "deadline": "2030-08-31",
        "items": [{"name": "书包", "unit": "个", "quantity": 1, "unit_value_fen": 15000}],
        "private": {
            "case_reference": "API-0001",
            "household_names": ["赵小梅", "赵强"],
            "consent_recorded_on": "2026-03-01",
            "consent_scope": "同意匿名公开"
        }
    })
}

const STORY: &str =
    "孩子今年上小学三年级，父亲因病失去劳动能力，家庭依靠低保生活，新学期需要书包和文具。";

#[tokio::test]
async fn an_office_system_creates_updates_submits_and_withdraws_needs() {
    let app = common::spawn_demo_app().await;
    use reqwest::Method;

    // Without a token: a typed 401.
    let (status, body) = call(&app, Method::POST, "/api/v1/needs", None, Some(need(STORY))).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    let (status, _) = call(&app, Method::GET, "/api/v1/needs", Some("sq_wrong"), None).await;
    assert_eq!(status, 401);

    let token = office_token(&app, "caseworker@shanqiao.test").await;
    let t = Some(token.as_str());

    // Invalid fields answer field by field, with the request's paths.
    let mut bad = need(STORY);
    bad["assistance_type"] = json!("food");
    bad["items"][0]["quantity"] = json!(0);
    bad["private"]["household_names"] = json!([]);
    bad["region_code"] = json!("621121");
    let (status, body) = call(&app, Method::POST, "/api/v1/needs", t, Some(bad)).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "invalid");
    let fields = body["error"]["fields"].as_object().expect("fields");
    for f in [
        "assistance_type",
        "items[0].quantity",
        "private.household_names",
    ] {
        assert!(fields.contains_key(f), "{f} in {fields:?}");
    }
    // Malformed JSON is a typed 400.
    let response = app
        .client
        .post(app.url("/api/v1/needs"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "invalid_json");

    // A county outside the office's region.
    let mut elsewhere = need(STORY);
    elsewhere["region_code"] = json!("621121");
    let (status, body) = call(&app, Method::POST, "/api/v1/needs", t, Some(elsewhere)).await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["region_code"].is_string());

    // Personal data with submit: blocked, with the findings and where they are.
    let mut leaky = need(&format!("{STORY}孩子母亲赵小梅的手机号是13912345678。"));
    leaky["submit"] = json!(true);
    let before = common::integer(&app.database.db, "SELECT COUNT(*) FROM needs").await;
    let (status, body) = call(&app, Method::POST, "/api/v1/needs", t, Some(leaky)).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "pii_blocked");
    let kinds: Vec<&str> = body["error"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"mobile") && kinds.contains(&"household_name"),
        "{kinds:?}"
    );
    assert_eq!(
        common::integer(&app.database.db, "SELECT COUNT(*) FROM needs").await,
        before,
        "nothing stored"
    );

    // Created as a draft; updated; submitted; read back.
    let (status, created) = call(&app, Method::POST, "/api/v1/needs", t, Some(need(STORY))).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "draft");
    let code = created["public_code"].as_str().expect("code").to_owned();
    assert_eq!(created["private"]["case_reference"], "API-0001");

    let mut changed = need(STORY);
    changed["target_amount_fen"] = json!(50000);
    let (status, updated) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/needs/{code}"),
        t,
        Some(changed),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["target_amount_fen"], 50000);

    let (status, submitted) = call(
        &app,
        Method::POST,
        &format!("/api/v1/needs/{code}/submit"),
        t,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(submitted["status"], "in_review");

    // A draft-only change on a need in review is a typed conflict.
    let (status, body) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/needs/{code}"),
        t,
        Some(need(STORY)),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "wrong_state");

    let (status, listed) = call(&app, Method::GET, "/api/v1/needs?status=in_review", t, None).await;
    assert_eq!(status, 200);
    assert!(listed["needs"]
        .as_array()
        .expect("needs")
        .iter()
        .any(|n| n["public_code"] == code.as_str()));
    let (status, body) = call(&app, Method::GET, "/api/v1/needs?status=nonsense", t, None).await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["status"].is_string());

    // Withdraw needs a reason.
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/needs/{code}/withdraw"),
        t,
        Some(json!({"reason": ""})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["reason"].is_string());
    let (status, withdrawn) = call(
        &app,
        Method::POST,
        &format!("/api/v1/needs/{code}/withdraw"),
        t,
        Some(json!({"reason": "家庭情况已好转"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(withdrawn["status"], "withdrawn");

    // Another province's office cannot see it; unknown codes are 404 too.
    let other = office_token(&app, "caseworker-620000@shanqiao.test").await;
    let (status, body) = call(
        &app,
        Method::GET,
        &format!("/api/v1/needs/{code}"),
        Some(&other),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");

    // The API's calls are audited as the token's.
    let actors = common::strings(
        &app.database.db,
        &format!("SELECT DISTINCT actor_kind FROM audit_log WHERE entity_id = '{code}'"),
    )
    .await;
    assert_eq!(actors, vec!["api_token"]);
}

#[tokio::test]
async fn a_charity_token_cannot_write_needs() {
    let app = common::spawn_demo_app().await;
    let token = office_token_of_charity(&app).await;
    let (status, body) = call(
        &app,
        reqwest::Method::POST,
        "/api/v1/needs",
        Some(&token),
        Some(need(STORY)),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "forbidden");
}

async fn office_token_of_charity(app: &TestApp) -> String {
    common::token_of(app, "charity-admin@shanqiao.test", "charity").await
}

#[tokio::test]
async fn the_pii_check_endpoint_and_the_openapi_document() {
    let app = common::spawn_demo_app().await;
    let token = office_token(&app, "caseworker@shanqiao.test").await;
    let t = Some(token.as_str());
    use reqwest::Method;
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v1/pii-check",
        t,
        Some(json!({"text": "电话：１３８ ００１３ ８０００，住人民大街1234号。", "names": []})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["blocking"], true);
    let first = &body["findings"][0];
    assert_eq!(first["kind"], "mobile");
    assert_eq!(first["start"], 3);
    assert_eq!(first["text"], "１３８ ００１３ ８０００");

    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v1/pii-check",
        t,
        Some(json!({"text": "医疗费用共计86,300元，自付35%。"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["blocking"], false);

    let huge = "字".repeat(pii::MAX_TEXT_CHARS + 1);
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v1/pii-check",
        t,
        Some(json!({ "text": huge })),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["text"].is_string());
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v1/pii-check",
        t,
        Some(json!({ "text": "字".repeat(200_000) })),
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], "payload_too_large");
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v1/pii-check",
        None,
        Some(json!({"text": "x"})),
    )
    .await;
    assert_eq!(status, 401);

    let (status, doc) = call(&app, Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    for path in [
        "/api/v1/needs",
        "/api/v1/needs/{code}",
        "/api/v1/needs/{code}/submit",
        "/api/v1/needs/{code}/withdraw",
        "/api/v1/pii-check",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    assert!(doc["components"]["schemas"]["NeedRequest"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}
