//! Accounts over HTTP: signing up, in and out, sessions, throttling, and the same-origin
//! defence, against the real app.

mod common;

use common::{session_cookie, TestApp};

const PASSWORD: &str = "a long enough password";

async fn sign_up(app: &TestApp, account: &str) -> String {
    app.sign_up(account, "爱心人士小王", PASSWORD).await
}

async fn sign_in(
    app: &TestApp,
    account: &str,
    password: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    app.post_form(
        "/signin",
        &[
            ("account", account),
            ("password", password),
            ("next", "/account"),
        ],
        cookie,
    )
    .await
}

#[tokio::test]
async fn a_donor_signs_up_signs_out_and_signs_in_again() {
    let app = common::spawn_app_with(common::migrated_database().await).await;
    let cookie = sign_up(&app, "wang@example.org").await;
    let (status, html) = app.get_with_cookie("/account", &cookie).await;
    assert_eq!(status, 200);
    assert!(html.contains("爱心人士小王"));

    let out = app.post_form("/signout", &[], Some(&cookie)).await;
    assert_eq!(out.status().as_u16(), 303);
    let (status, _) = app.get_with_cookie("/account", &cookie).await;
    assert_eq!(status, 303, "the old cookie no longer signs anyone in");

    let again = sign_in(&app, "WANG@example.org", PASSWORD, None).await;
    assert_eq!(again.status().as_u16(), 303);
    assert_eq!(again.headers()["location"], "/account");
    let cookie = session_cookie(&again).expect("a session");
    assert!(cookie.len() > "shanqiao_session=".len());
    let (_, html) = app.get_with_cookie("/", &cookie).await;
    assert!(
        html.contains("data-testid=\"account-link\""),
        "the header shows the account"
    );
}

#[tokio::test]
async fn signing_in_cycles_the_session_id() {
    let app = common::spawn_app_with(common::migrated_database().await).await;
    let first = sign_up(&app, "13812345678").await;
    let second = session_cookie(&sign_in(&app, "138 1234 5678", PASSWORD, Some(&first)).await)
        .expect("new cookie");
    assert_ne!(first, second, "a new session id at sign-in");
    let (status, _) = app.get_with_cookie("/account", &first).await;
    assert_eq!(status, 303, "the pre-sign-in id is dead");
    let (status, _) = app.get_with_cookie("/account", &second).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn wrong_passwords_and_unknown_accounts_get_the_same_answer_and_are_throttled() {
    let app = common::spawn_app_with(common::migrated_database().await).await;
    sign_up(&app, "li@example.org").await;

    let wrong = sign_in(&app, "li@example.org", "not the password", None).await;
    assert_eq!(wrong.status().as_u16(), 422);
    assert!(session_cookie(&wrong).is_none());
    let wrong_html = wrong.text().await.expect("body");
    let unknown_html = sign_in(&app, "nobody@example.org", "not the password", None)
        .await
        .text()
        .await
        .expect("body");
    assert!(wrong_html.contains("账号或密码错误"));
    assert!(unknown_html.contains("账号或密码错误"));
    assert!(
        wrong_html.contains("value=\"li@example.org\""),
        "the account is kept"
    );
    assert!(
        !wrong_html.contains("not the password"),
        "the password is not echoed"
    );

    for _ in 0..2 {
        sign_in(&app, "li@example.org", "not the password", None).await;
    }
    // Three failures: even the right password must now wait.
    let throttled = sign_in(&app, "li@example.org", PASSWORD, None).await;
    assert_eq!(throttled.status().as_u16(), 429);
    assert!(throttled
        .text()
        .await
        .expect("body")
        .contains("尝试次数过多"));
    // The same for an account that does not exist.
    for _ in 0..3 {
        sign_in(&app, "ghost@example.org", "whatever it is", None).await;
    }
    assert_eq!(
        sign_in(&app, "ghost@example.org", "whatever it is", None)
            .await
            .status()
            .as_u16(),
        429
    );
}

#[tokio::test]
async fn sign_up_errors_are_shown_field_by_field_and_nothing_is_created() {
    let app = common::spawn_app_with(common::migrated_database().await).await;
    let response = app
        .post_form(
            "/signup",
            &[("account", "not-an-address"), ("display_name", "  ")],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.expect("body");
    assert!(html.contains("请输入有效的电子邮箱或 11 位手机号码"));
    assert!(html.contains("请填写称呼"));
    assert!(
        html.contains("value=\"not-an-address\""),
        "what was typed is kept"
    );
    assert!(html.contains("aria-invalid=\"true\""));
    for table in ["users", "account_requests", "message_outbox"] {
        let rows =
            common::integer(&app.database.db, &format!("SELECT COUNT(*) FROM {table}")).await;
        assert_eq!(rows, 0, "nothing in {table}");
    }
}

#[tokio::test]
async fn sign_up_does_not_reveal_whether_an_address_is_registered() {
    let app = common::spawn_app_with(common::migrated_database().await).await;
    sign_up(&app, "taken@example.org").await;
    let mut answers = Vec::new();
    for account in ["taken@example.org", "fresh@example.org"] {
        let response = app
            .post_form(
                "/signup",
                &[("account", account), ("display_name", "小李")],
                None,
            )
            .await;
        let status = response.status().as_u16();
        let location = common::location(&response);
        let (_, page) = app.get_text(&location).await;
        // Each page has its own CSP nonce; everything else must be the same.
        let nonce = page
            .split("nonce=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned();
        answers.push((status, location, page.replace(&nonce, "NONCE")));
    }
    assert_eq!(
        answers[0], answers[1],
        "the same answer for a taken and a new address"
    );
    assert_eq!(answers[0].0, 303);
    assert!(answers[0]
        .2
        .contains("我们已向您填写的邮箱或手机号发送了一条消息"));
    // Only the owner of the address learns which it was, from the message.
    let to_taken = app.message_to("taken@example.org").await;
    assert!(to_taken.contains("已经有账号"), "{to_taken}");
    assert!(
        !to_taken.contains("/signup/"),
        "no second account for a taken address"
    );
    let to_fresh = app.message_to("fresh@example.org").await;
    assert!(to_fresh.contains("/signup/"), "{to_fresh}");
    // Nothing was hashed or created for either before the link is opened.
    let users = common::integer(&app.database.db, "SELECT COUNT(*) FROM users").await;
    assert_eq!(users, 1);
}

#[tokio::test]
async fn a_sign_up_link_opens_one_account_once_with_a_checked_password() {
    let app = common::spawn_app_with(common::migrated_database().await).await;
    let response = app
        .post_form(
            "/signup",
            &[("account", "+86 138-1234-5678"), ("display_name", "小孙")],
            None,
        )
        .await;
    assert_eq!(common::location(&response), "/signup?sent=1");
    let text = app.message_to("13812345678").await;
    let link = common::link_in(&text, "/signup/");
    let (status, page) = app.get_text(&link).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("138****5678"),
        "the page names the address, partly hidden"
    );
    let weak = app
        .post_form(
            &link,
            &[("password", "short"), ("password_confirmation", "short")],
            None,
        )
        .await;
    assert_eq!(weak.status().as_u16(), 422);
    assert!(weak
        .text()
        .await
        .expect("body")
        .contains("密码至少需要 10 个字符"));
    let fields = [("password", PASSWORD), ("password_confirmation", PASSWORD)];
    let opened = app.post_form(&link, &fields, None).await;
    assert_eq!(opened.status().as_u16(), 303);
    assert_eq!(common::location(&opened), "/account?welcome=1");
    let again = app.post_form(&link, &fields, None).await;
    assert_eq!(again.status().as_u16(), 410, "a link works once");
    assert_eq!(app.get_text(&link).await.0, 404);
    let users = common::integer(&app.database.db, "SELECT COUNT(*) FROM users").await;
    assert_eq!(users, 1);
    assert_eq!(
        sign_in(&app, "138 1234 5678", PASSWORD, None)
            .await
            .status()
            .as_u16(),
        303
    );
    let kept = common::integer(
        &app.database.db,
        "SELECT COUNT(*) FROM message_outbox WHERE status = 'sent' AND body = ''",
    )
    .await;
    assert_eq!(
        kept, 1,
        "a delivered message's body (and its link) is not kept"
    );
}

#[tokio::test]
async fn changing_the_password_checks_the_current_one() {
    let app = common::spawn_app_with(common::migrated_database().await).await;
    let cookie = sign_up(&app, "zhou@example.org").await;
    let new = "another long password";
    let wrong = app
        .post_form(
            "/account/password",
            &[
                ("current_password", "not it at all"),
                ("new_password", new),
                ("new_password_confirmation", new),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(wrong.status().as_u16(), 422);
    assert!(wrong.text().await.expect("body").contains("当前密码不正确"));
    let ok = app
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new),
                ("new_password_confirmation", new),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(ok.status().as_u16(), 303);
    assert_eq!(
        sign_in(&app, "zhou@example.org", new, None)
            .await
            .status()
            .as_u16(),
        303
    );
    let audited = common::integer(
        &app.database.db,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'user.change_password'",
    )
    .await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn state_changing_requests_from_elsewhere_are_refused() {
    let app = common::spawn_app_with(common::migrated_database().await).await;
    let forged = app
        .client
        .post(app.url("/signup"))
        .header("origin", "https://evil.example")
        .form(&[("account", "x@example.org"), ("display_name", "x")])
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status().as_u16(), 403);
    let no_origin = app
        .client
        .post(app.url("/signout"))
        .send()
        .await
        .expect("request");
    assert_eq!(no_origin.status().as_u16(), 403);
    let referer = app
        .client
        .post(app.url("/signout"))
        .header("referer", format!("http://{}/account", app.addr))
        .send()
        .await
        .expect("request");
    assert_eq!(
        referer.status().as_u16(),
        303,
        "a same-site Referer is enough"
    );
    let users = common::integer(&app.database.db, "SELECT COUNT(*) FROM users").await;
    assert_eq!(users, 0, "the forged sign-up created nothing");
    let sent = common::integer(&app.database.db, "SELECT COUNT(*) FROM message_outbox").await;
    assert_eq!(sent, 0, "and sent nothing");
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_with_a_nonce() {
    let app = common::spawn_app_with(common::migrated_database().await).await;
    let response = app.get("/signin").await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let html = response.text().await.expect("body");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("a nonce");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the scripts carry the policy's nonce"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    let session_cookie_on_anonymous_page = app.get("/").await.headers().get("set-cookie").is_some();
    assert!(
        !session_cookie_on_anonymous_page,
        "no session for anonymous readers"
    );
}
