//! API tokens: issued in the portal or by `shanqiao create-token`, shown once, stored
//! hashed, revocable; the API answers typed JSON errors.

mod common;

use common::TestApp;
use std::process::Command;

const PASSWORD: &str = "a long enough password";

async fn me(app: &TestApp, token: Option<&str>) -> (u16, serde_json::Value) {
    let mut request = app.client.get(app.url("/api/v1/me"));
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

async fn registered_charity(app: &TestApp) -> String {
    app.register_charity(
        &[
            ("name", "吉林省助学公益服务中心"),
            ("uscc", "53100000500021676K"),
            ("region_code", "220000"),
            ("admin_account", "admin@charity.example"),
            ("admin_display_name", "王主任"),
        ],
        PASSWORD,
    )
    .await
}

#[tokio::test]
async fn a_charity_admin_issues_and_revokes_a_token_in_the_portal() {
    let app = common::spawn_app_with(common::migrated_database().await).await;
    let admin = registered_charity(&app).await;
    let user_id = common::integer(&app.database.db, "SELECT id FROM users")
        .await
        .to_string();

    let bad_name = app
        .post_form(
            "/charity/tokens",
            &[("token_name", " "), ("token_user", &user_id)],
            Some(&admin),
        )
        .await;
    assert_eq!(bad_name.status().as_u16(), 422);

    let created = app
        .post_form(
            "/charity/tokens",
            &[("token_name", "业务系统"), ("token_user", &user_id)],
            Some(&admin),
        )
        .await;
    assert_eq!(created.status().as_u16(), 200);
    let html = created.text().await.expect("body");
    let secret = html
        .split("<code>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the secret is shown once")
        .to_owned();
    assert!(secret.starts_with("sq_"));
    let stored = common::strings(&app.database.db, "SELECT token_hash FROM api_tokens").await;
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], secret, "only a hash is stored");
    let (_, portal) = app.get_with_cookie("/charity", &admin).await;
    assert!(
        portal.contains("业务系统") && !portal.contains(&secret),
        "listed, never shown again"
    );

    let (status, body) = me(&app, Some(&secret)).await;
    assert_eq!(status, 200);
    assert_eq!(body["organization"]["name"], "吉林省助学公益服务中心");
    assert_eq!(body["roles"][0], "charity_admin");

    let token_id = common::integer(&app.database.db, "SELECT id FROM api_tokens").await;
    let revoked = app
        .post_form(
            &format!("/charity/tokens/{token_id}/revoke"),
            &[],
            Some(&admin),
        )
        .await;
    assert_eq!(revoked.status().as_u16(), 303);
    let (status, body) = me(&app, Some(&secret)).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    let audited = common::integer(
        &app.database.db,
        "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'api_token.%'",
    )
    .await;
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn the_api_refuses_missing_and_forged_tokens_with_typed_errors() {
    let app = common::spawn_app_with(common::migrated_database().await).await;
    let (status, body) = me(&app, None).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    assert!(body["error"]["fields"].is_object());
    assert_eq!(me(&app, Some("sq_forged")).await.0, 401);
    assert_eq!(me(&app, Some("not even the format")).await.0, 401);
    let missing = app
        .client
        .get(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status().as_u16(), 404);
    let body: serde_json::Value = missing.json().await.expect("json");
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_token_on_the_server_prints_a_working_token_once() {
    let database = common::demo_database().await;
    let url = database.url.clone();
    let app = common::spawn_app_with(database).await;
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_shanqiao"))
            .args(args)
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "error")
            .output()
            .expect("runs")
    };
    let out = tokio::task::block_in_place(|| {
        run(&[
            "create-token",
            "--org",
            "office-220122",
            "--user",
            "caseworker@shanqiao.test",
            "--name",
            "低收入人口监测平台",
        ])
    });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let (status, body) = me(&app, Some(&secret)).await;
    assert_eq!(status, 200);
    assert_eq!(body["organization"]["name"], "农安县民政局");
    assert_eq!(body["roles"][0], "caseworker");

    let stranger = tokio::task::block_in_place(|| {
        run(&[
            "create-token",
            "--org",
            "office-220122",
            "--user",
            "donor@shanqiao.test",
        ])
    });
    assert_eq!(stranger.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&stranger.stderr).contains("not a member"));
}
