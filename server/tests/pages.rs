//! The public pages, fetched over HTTP from the real app on a demo database.

mod common;

async fn one(test_app: &common::TestApp, sql: &str) -> Vec<String> {
    common::strings(&test_app.database.db, sql).await
}

#[tokio::test]
async fn home_lists_recent_published_needs_from_the_database() {
    let app = common::spawn_demo_app().await;
    let (status, html) = app.get_text("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"zh-CN\""), "Chinese by default");
    let newest = one(&app, "SELECT public_code FROM needs WHERE status IN ('published', 'claimed') ORDER BY published_at DESC, id DESC LIMIT 3").await;
    for code in &newest {
        assert!(
            html.contains(&format!("/needs/{code}")),
            "home links {code}"
        );
    }
    let draft = one(
        &app,
        "SELECT public_code FROM needs WHERE status = 'draft' LIMIT 1",
    )
    .await;
    assert!(
        !html.contains(&format!("/needs/{}\"", draft[0])),
        "drafts are not listed"
    );
    assert!(html.contains("待认领需求"), "totals are shown");
}

#[tokio::test]
async fn home_filters_by_type_on_the_server() {
    let app = common::spawn_demo_app().await;
    let (status, html) = app.get_text("/?type=medical").await;
    assert_eq!(status, 200);
    assert!(html.contains("data-type=\"medical\""));
    assert!(
        !html.contains("data-type=\"education\""),
        "only medical needs"
    );
}

#[tokio::test]
async fn a_need_page_shows_the_public_copy_and_nothing_private() {
    let app = common::spawn_demo_app().await;
    let rows = one(&app, "SELECT n.public_code || '|' || n.title || '|' || p.case_reference || '|' || p.household_names \
        FROM needs n JOIN need_private p ON p.need_id = n.id WHERE n.status = 'published' ORDER BY n.id LIMIT 5").await;
    assert!(!rows.is_empty());
    for row in rows {
        let parts: Vec<&str> = row.split('|').collect();
        let (code, title, case_ref, names) = (parts[0], parts[1], parts[2], parts[3]);
        let (status, html) = app.get_text(&format!("/needs/{code}")).await;
        assert_eq!(status, 200, "{code}");
        assert!(html.contains(title), "{code} shows its title");
        assert!(!html.contains(case_ref), "{code} leaks its case reference");
        let names: Vec<String> = serde_json::from_str(names).expect("names json");
        for name in names {
            assert!(!html.contains(&name), "{code} leaks a household name");
        }
    }
}

#[tokio::test]
async fn non_public_and_unknown_needs_are_not_found() {
    let app = common::spawn_demo_app().await;
    for status in ["draft", "in_review", "withdrawn"] {
        let code = one(
            &app,
            &format!("SELECT public_code FROM needs WHERE status = '{status}' LIMIT 1"),
        )
        .await;
        let (http, html) = app.get_text(&format!("/needs/{}", code[0])).await;
        assert_eq!(http, 404, "{status} need answers 404");
        assert!(html.contains("页面不存在"));
    }
    assert_eq!(
        app.get("/needs/JL-2000-999999").await.status().as_u16(),
        404
    );
    assert_eq!(app.get("/needs/not-a-code").await.status().as_u16(), 404);
    let (status, html) = app.get_text("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(html.contains("页面不存在"));
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_and_stays_on_site() {
    let app = common::spawn_demo_app().await;
    let response = app.get("/lang/en?back=/needs/x").await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/needs/x");
    let cookie = response.headers()["set-cookie"].to_str().expect("ascii");
    assert!(cookie.starts_with("lang=en;"), "{cookie}");

    let evil = app.get("/lang/en?back=//evil.example").await;
    assert_eq!(evil.headers()["location"], "/");

    let html = app
        .client
        .get(app.url("/"))
        .header("cookie", "lang=en")
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("Latest needs"));
}

#[tokio::test]
async fn health_follows_the_database() {
    let app = common::spawn_demo_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");

    // Closing the pool the app shares makes the database unreachable for it.
    app.database.db.clone().close().await.expect("close");
    assert_eq!(app.get("/healthz").await.status().as_u16(), 503);
}

#[tokio::test]
async fn a_need_page_shows_the_money_received_for_it() {
    let app = common::spawn_demo_app().await;
    let rows = one(
        &app,
        "SELECT n.public_code || '|' || CAST(SUM(e.amount_fen) AS TEXT) FROM needs n \
         JOIN ledger_entries e ON e.account_kind = 'need' AND e.account_ref = n.id AND e.side = 'credit' \
         GROUP BY n.public_code ORDER BY n.public_code LIMIT 1",
    )
    .await;
    let (code, fen) = rows[0].split_once('|').expect("row");
    let received = app::domain::Fen(fen.parse().expect("fen")).to_string();
    let (status, html) = app.get_text(&format!("/needs/{code}")).await;
    assert_eq!(status, 200);
    let progress = html
        .split("progress-box")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("a progress box");
    assert!(
        progress.contains(&received),
        "{code} shows {received}: {progress}"
    );
}
