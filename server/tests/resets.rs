//! Password reset links: issued by a platform admin, shown once, usable once.

mod common;

use common::{session_cookie, TestApp};

async fn sign_in(app: &TestApp, account: &str, password: &str) -> reqwest::Response {
    app.post_form(
        "/signin",
        &[
            ("account", account),
            ("password", password),
            ("next", "/account"),
        ],
        None,
    )
    .await
}

#[tokio::test]
async fn an_admin_issues_a_one_time_reset_link() {
    let app = common::spawn_demo_app().await;
    let admin =
        session_cookie(&sign_in(&app, "admin@shanqiao.test", app::demo::DEMO_PASSWORD).await)
            .expect("admin");
    let donor =
        session_cookie(&sign_in(&app, "donor@shanqiao.test", app::demo::DEMO_PASSWORD).await)
            .expect("donor");

    let by_donor = app
        .post_form(
            "/admin/users/reset-links",
            &[("account", "admin@shanqiao.test")],
            Some(&donor),
        )
        .await;
    assert_eq!(
        by_donor.status().as_u16(),
        403,
        "only platform admins issue reset links"
    );
    assert_eq!(app.get_with_cookie("/admin/users", &donor).await.0, 403);

    let unknown = app
        .post_form(
            "/admin/users/reset-links",
            &[("account", "nobody@example.org")],
            Some(&admin),
        )
        .await;
    assert_eq!(unknown.status().as_u16(), 422);

    let issued = app
        .post_form(
            "/admin/users/reset-links",
            &[("account", "donor@shanqiao.test")],
            Some(&admin),
        )
        .await;
    assert_eq!(issued.status().as_u16(), 200);
    let html = issued.text().await.expect("body");
    let token = html
        .split("/reset/")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the link is shown")
        .trim()
        .to_owned();

    assert_eq!(app.get_text(&format!("/reset/{token}")).await.0, 200);
    let new = "a brand new password";
    let mismatch = app
        .post_form(
            &format!("/reset/{token}"),
            &[
                ("password", new),
                ("password_confirmation", "something else"),
            ],
            None,
        )
        .await;
    assert_eq!(mismatch.status().as_u16(), 422);
    let done = app
        .post_form(
            &format!("/reset/{token}"),
            &[("password", new), ("password_confirmation", new)],
            None,
        )
        .await;
    assert_eq!(done.status().as_u16(), 303);
    assert_eq!(
        sign_in(&app, "donor@shanqiao.test", new)
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        sign_in(&app, "donor@shanqiao.test", app::demo::DEMO_PASSWORD)
            .await
            .status()
            .as_u16(),
        422
    );

    let again = app
        .post_form(
            &format!("/reset/{token}"),
            &[("password", new), ("password_confirmation", new)],
            None,
        )
        .await;
    assert_eq!(again.status().as_u16(), 410, "a link works once");
    assert_eq!(app.get_text(&format!("/reset/{token}")).await.0, 404);
    let audited = common::integer(
        &app.database.db,
        "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'user.password_reset%'",
    )
    .await;
    assert_eq!(audited, 2);
}
