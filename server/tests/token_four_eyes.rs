//! Four eyes whatever the channel: a token acts as the person who made it, so nobody can
//! write a need through the API as one person and publish it in the portal as another.

mod common;

use common::{sign_in_demo, TestApp};
use serde_json::{json, Value};

const OFFICE_ADMIN: &str = "office-admin@shanqiao.test";

async fn user_id(app: &TestApp, email: &str) -> i64 {
    common::integer(
        &app.database.db,
        &format!("SELECT id FROM users WHERE email = '{email}'"),
    )
    .await
}

fn secret_in(html: &str) -> Option<String> {
    html.split("<code>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .filter(|s| s.starts_with("sq_"))
        .map(str::to_owned)
}

#[tokio::test]
async fn an_admin_cannot_mint_a_token_that_acts_as_a_caseworker() {
    let app = common::spawn_demo_app().await;
    let admin = sign_in_demo(&app, OFFICE_ADMIN).await;
    let caseworker = user_id(&app, "caseworker-220100@shanqiao.test").await;
    let response = app
        .post_form(
            "/office/tokens",
            &[
                ("token_name", "借用身份"),
                ("token_user", &caseworker.to_string()),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);
    assert!(secret_in(&response.text().await.expect("body")).is_none());
    assert_eq!(
        common::integer(&app.database.db, "SELECT COUNT(*) FROM api_tokens").await,
        0
    );
}

#[tokio::test]
async fn nobody_publishes_a_need_they_wrote_through_a_token() {
    let app = common::spawn_demo_app().await;
    let admin = sign_in_demo(&app, OFFICE_ADMIN).await;
    let minted = app
        .post_form(
            "/office/tokens",
            &[("token_name", "监测平台")],
            Some(&admin),
        )
        .await;
    assert_eq!(minted.status().as_u16(), 200);
    let token = secret_in(&minted.text().await.expect("body")).expect("the token is shown once");

    let body: Value = json!({
        "title": "为困境儿童购买学习用品",
        "story": "孩子今年上小学三年级，父亲因病失去劳动能力，家庭依靠低保生活，新学期需要书包和文具。",
        "assistance_type": "education",
        "household_category": "dibao",
        "coverage": "still_in_hardship",
        "region_code": "220102",
        "age_band": "6-11",
        "household_size": "3",
        "urgency": "normal",
        "deadline": "2030-08-31",
        "items": [{"name": "书包", "unit": "个", "quantity": 1, "unit_value_fen": 15000}],
        "private": {
            "case_reference": "API-4EYES-1",
            "household_names": ["赵小梅", "赵强"],
            "consent_recorded_on": "2026-03-01",
            "consent_scope": "同意匿名公开"
        },
        "submit": true
    });
    let created = app
        .client
        .post(app.url("/api/v1/needs"))
        .header("authorization", format!("Bearer {token}"))
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(created.status().as_u16(), 201, "created and submitted");
    let created: Value = created.json().await.expect("json");
    let code = created["public_code"].as_str().expect("a code").to_owned();

    // The audit names the person and the token.
    let admin_id = user_id(&app, OFFICE_ADMIN).await;
    let by_token = common::integer(
        &app.database.db,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity_id = '{code}' AND actor_kind = 'api_token' \
             AND actor_user_id = {admin_id} AND actor_token_id IS NOT NULL"
        ),
    )
    .await;
    assert!(
        by_token >= 1,
        "the API's changes are recorded under the admin and the token"
    );

    // The same person cannot publish it in the portal.
    let publish = app
        .post_form(&format!("/office/needs/{code}/approve"), &[], Some(&admin))
        .await;
    assert_eq!(publish.status().as_u16(), 403);
    let status = common::strings(
        &app.database.db,
        &format!("SELECT status FROM needs WHERE public_code = '{code}'"),
    )
    .await;
    assert_eq!(status, vec!["in_review"]);
}

#[tokio::test]
async fn an_expired_token_opens_nothing() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let caseworker = user_id(&app, "caseworker@shanqiao.test").await;
    let office = common::integer(
        db,
        &format!("SELECT organization_id FROM memberships WHERE user_id = {caseworker} ORDER BY id LIMIT 1"),
    )
    .await;
    let token = app::accounts::tokens::issue(
        db,
        app::accounts::tokens::Issuer::Cli,
        office,
        caseworker,
        "office system",
        chrono::Utc::now(),
    )
    .await
    .expect("token");
    let me = |t: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url("/api/v1/me"))
                .header("authorization", format!("Bearer {t}"))
                .send()
                .await
                .expect("request")
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        me(token.clone()).await,
        200,
        "a new token works (for a year)"
    );
    let expires = common::strings(db, "SELECT CAST(expires_at AS TEXT) FROM api_tokens").await;
    assert_eq!(expires.len(), 1, "the token has an expiry");
    {
        use app::entities::api_token;
        use sea_orm::sea_query::Expr;
        use sea_orm::EntityTrait;
        api_token::Entity::update_many()
            .col_expr(
                api_token::Column::ExpiresAt,
                Expr::value(Some(chrono::Utc::now() - chrono::Duration::minutes(1))),
            )
            .exec(db)
            .await
            .expect("expired");
    }
    assert_eq!(me(token).await, 401);
}
