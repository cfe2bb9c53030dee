//! What browsers and proxies may keep: private case data and account data are never
//! stored; public pages may be.

mod common;

use common::sign_in_demo;

fn cache_control(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_shared_browser_or_proxy_never_keeps_private_case_data() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let code = common::strings(
        db,
        "SELECT n.public_code FROM needs n WHERE n.region_code = '220122' AND n.status = 'draft' LIMIT 1",
    )
    .await
    .remove(0);
    let caseworker = sign_in_demo(&app, "caseworker@shanqiao.test").await;

    // The office's page of a need shows the case reference and the household's names.
    let page = app
        .client
        .get(app.url(&format!("/office/needs/{code}")))
        .header("cookie", &caseworker)
        .send()
        .await
        .expect("request");
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(cache_control(&page), "no-store");

    // So does the API's answer.
    let user = common::integer(
        db,
        "SELECT id FROM users WHERE email = 'caseworker@shanqiao.test'",
    )
    .await;
    let office = common::integer(
        db,
        &format!(
            "SELECT organization_id FROM memberships WHERE user_id = {user} ORDER BY id LIMIT 1"
        ),
    )
    .await;
    let token = app::accounts::tokens::issue(
        db,
        app::accounts::tokens::Issuer::Cli,
        office,
        user,
        "office system",
        chrono::Utc::now(),
    )
    .await
    .expect("token");
    let api = app
        .client
        .get(app.url(&format!("/api/v1/needs/{code}")))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .expect("request");
    assert_eq!(api.status().as_u16(), 200);
    assert_eq!(cache_control(&api), "no-store");

    // Any page seen signed in carries the person's name.
    let home = app
        .client
        .get(app.url("/"))
        .header("cookie", &caseworker)
        .send()
        .await
        .expect("request");
    assert_eq!(cache_control(&home), "no-store");

    // The public home page, anonymously, may be kept.
    let public = app.get("/").await;
    assert_eq!(public.status().as_u16(), 200);
    assert_ne!(cache_control(&public), "no-store");
}
