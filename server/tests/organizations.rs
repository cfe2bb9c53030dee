//! Charities: registration with a checked USCC, verification by a platform admin, and
//! invitations, over HTTP against the real app; who may do what is checked on the server.

mod common;

use app::accounts::{password, store, Email};
use app::audit::Actor;
use common::{session_cookie, TestApp};

const PASSWORD: &str = "a long enough password";

fn registration<'a>(uscc: &'a str, admin: &'a str) -> [(&'static str, &'a str); 7] {
    [
        ("name", "长春市暖心公益服务中心"),
        ("uscc", uscc),
        ("region_code", "220100"),
        ("public_fundraising", "on"),
        ("description", "为困难家庭提供助学与助老服务。"),
        ("admin_account", admin),
        ("admin_display_name", "张老师"),
    ]
}

/// The registration form posted (the first step).
async fn register(app: &TestApp, uscc: &str, admin: &str) -> reqwest::Response {
    app.post_form("/charity/register", &registration(uscc, admin), None)
        .await
}

/// A charity registered to the end (its admin opened the link); the admin's cookie.
async fn registered(app: &TestApp, uscc: &str, admin: &str) -> String {
    app.register_charity(&registration(uscc, admin), PASSWORD)
        .await
}

async fn sign_in(app: &TestApp, account: &str) -> String {
    let response = app
        .post_form(
            "/signin",
            &[("account", account), ("password", PASSWORD), ("next", "/")],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 303, "{account} signs in");
    session_cookie(&response).expect("session")
}

async fn platform_admin(app: &TestApp) -> String {
    let hash = password::hash(PASSWORD.to_owned()).await.expect("hash");
    let email = Email::parse("root@example.org").expect("email");
    store::create_platform_admin(
        &app.database.db,
        &email,
        "管理员",
        hash,
        Actor::Cli,
        chrono::Utc::now(),
    )
    .await
    .expect("admin");
    sign_in(app, "root@example.org").await
}

#[tokio::test]
async fn a_charity_registers_with_a_valid_code_and_waits_for_verification() {
    let app = common::spawn_app_with(common::migrated_database().await).await;

    let bad = register(&app, "53100000500021676X", "admin@charity.example").await;
    assert_eq!(bad.status().as_u16(), 422);
    let html = bad.text().await.expect("body");
    assert!(
        html.contains("统一社会信用代码校验位不正确"),
        "the check character is named"
    );
    assert!(
        html.contains("value=\"长春市暖心公益服务中心\""),
        "the name is kept"
    );
    assert_eq!(
        common::integer(&app.database.db, "SELECT COUNT(*) FROM organizations").await,
        0
    );

    let cookie = registered(&app, "53100000500021676k", "admin@charity.example").await;
    let (status, html) = app.get_with_cookie("/charity", &cookie).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("待审核"),
        "the portal shows the pending state"
    );
    let stored = common::strings(&app.database.db, "SELECT uscc FROM organizations").await;
    assert_eq!(stored, ["53100000500021676K"], "stored upper-case");

    let again = register(&app, "53100000500021676K", "other@charity.example").await;
    assert_eq!(again.status().as_u16(), 422);
    assert!(again.text().await.expect("body").contains("已登记"));
}

#[tokio::test]
async fn registering_does_not_reveal_whether_the_admin_address_is_registered() {
    let app = common::spawn_app_with(common::migrated_database().await).await;
    registered(&app, "53100000500021676K", "admin@charity.example").await;
    // A second charity names the same admin address, a third a new one.
    let code = |first17: &str| {
        app::domain::uscc::Uscc::complete(first17)
            .expect("a code")
            .to_string()
    };
    let (second, third) = (code("53220100MJ0001000"), code("53220100MJ0001037"));
    let taken = register(&app, &second, "admin@charity.example").await;
    let fresh = register(&app, &third, "new-admin@charity.example").await;
    assert_eq!(taken.status().as_u16(), fresh.status().as_u16());
    assert_eq!(common::location(&taken), common::location(&fresh));
    assert!(app
        .message_to("admin@charity.example")
        .await
        .contains("已经有账号"));
    assert!(app
        .message_to("new-admin@charity.example")
        .await
        .contains("/signup/"));
    assert_eq!(
        common::integer(&app.database.db, "SELECT COUNT(*) FROM organizations").await,
        1,
        "nothing is opened before its link is"
    );
}

#[tokio::test]
async fn only_a_platform_admin_verifies_and_a_rejection_needs_a_reason() {
    let app = common::spawn_app_with(common::migrated_database().await).await;
    let charity_cookie = registered(&app, "53100000500021676K", "admin@charity.example").await;
    let id = common::integer(&app.database.db, "SELECT id FROM organizations").await;

    // The charity's own admin is not a platform admin.
    let forbidden = app
        .post_form(
            &format!("/admin/charities/{id}/verify"),
            &[],
            Some(&charity_cookie),
        )
        .await;
    assert_eq!(forbidden.status().as_u16(), 403);
    let (status, _) = app
        .get_with_cookie("/admin/charities", &charity_cookie)
        .await;
    assert_eq!(status, 403);
    // Anonymous: sent to sign in.
    assert_eq!(
        app.post_form(&format!("/admin/charities/{id}/verify"), &[], None)
            .await
            .status()
            .as_u16(),
        303
    );

    let admin = platform_admin(&app).await;
    let (status, html) = app.get_with_cookie("/admin/charities", &admin).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("长春市暖心公益服务中心"),
        "the queue lists the charity"
    );

    let no_reason = app
        .post_form(
            &format!("/admin/charities/{id}/reject"),
            &[("reason", " ")],
            Some(&admin),
        )
        .await;
    assert_eq!(no_reason.status().as_u16(), 422);
    let verified = app
        .post_form(&format!("/admin/charities/{id}/verify"), &[], Some(&admin))
        .await;
    assert_eq!(verified.status().as_u16(), 303);
    let twice = app
        .post_form(
            &format!("/admin/charities/{id}/reject"),
            &[("reason", "重复")],
            Some(&admin),
        )
        .await;
    assert_eq!(
        twice.status().as_u16(),
        409,
        "a decided charity cannot be decided again"
    );

    let (_, html) = app.get_with_cookie("/charity", &charity_cookie).await;
    assert!(html.contains("已认证"));
    let audited = common::integer(
        &app.database.db,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'organization.verify'",
    )
    .await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_charity_admin_invites_a_member_who_signs_in_with_the_link_once() {
    let app = common::spawn_app_with(common::migrated_database().await).await;
    let admin = registered(&app, "53100000500021676K", "admin@charity.example").await;

    let invited = app
        .post_form(
            "/charity/invitations",
            &[
                ("email", "member@charity.example"),
                ("role", "charity_member"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(invited.status().as_u16(), 200);
    let html = invited.text().await.expect("body");
    assert!(
        html.contains("邀请已发送至"),
        "the admin is told where it went"
    );
    let message = app.message_to("member@charity.example").await;
    let link = common::link_in(&message, "/invitations/");
    let token = link.trim_start_matches("/invitations/");
    assert!(!html.contains(token), "the admin never sees the link");

    let (status, page) = app.get_text(&format!("/invitations/{token}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("member@charity.example"));

    let accepted = app
        .post_form(
            &format!("/invitations/{token}"),
            &[
                ("display_name", "李志愿者"),
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(accepted.status().as_u16(), 303);
    let member = session_cookie(&accepted).expect("the member is signed in");
    let (_, portal) = app.get_with_cookie("/charity", &member).await;
    assert!(portal.contains("李志愿者") && portal.contains("机构成员"));
    assert!(!portal.contains("发送邀请"), "members cannot invite");

    let reused = app
        .post_form(
            &format!("/invitations/{token}"),
            &[
                ("display_name", "别人"),
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
            ],
            None,
        )
        .await;
    assert_eq!(reused.status().as_u16(), 410, "a link works once");

    let by_member = app
        .post_form(
            "/charity/invitations",
            &[("email", "x@charity.example"), ("role", "charity_admin")],
            Some(&member),
        )
        .await;
    assert_eq!(
        by_member.status().as_u16(),
        403,
        "only the charity's admin may invite"
    );
    assert!(!sign_in(&app, "member@charity.example").await.is_empty());
}

#[tokio::test]
async fn a_charity_portal_lists_its_own_claims_funds_and_pledges_only() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let owner = |email: &str| {
        format!("SELECT organization_id FROM memberships WHERE user_id = (SELECT id FROM users WHERE email = '{email}')")
    };
    let ours = common::integer(db, &owner("charity-admin@shanqiao.test")).await;
    let theirs = common::integer(db, &owner("charity-admin-2@shanqiao.test")).await;
    let code_of = |charity: i64| {
        format!("SELECT n.public_code FROM claims c JOIN needs n ON n.id = c.need_id WHERE c.charity_id = {charity} ORDER BY c.id DESC LIMIT 1")
    };
    let our_claim = common::strings(db, &code_of(ours)).await.remove(0);
    let their_claim = common::strings(db, &code_of(theirs)).await.remove(0);
    let our_receipt = common::strings(
        db,
        &format!(
            "SELECT receipt_code FROM pledges WHERE charity_id = {ours} ORDER BY id DESC LIMIT 1"
        ),
    )
    .await
    .remove(0);
    let their_receipt = common::strings(
        db,
        &format!(
            "SELECT receipt_code FROM pledges WHERE charity_id = {theirs} ORDER BY id DESC LIMIT 1"
        ),
    )
    .await
    .remove(0);

    let response = app
        .post_form(
            "/signin",
            &[
                ("account", "charity-admin@shanqiao.test"),
                ("password", app::demo::DEMO_PASSWORD),
                ("next", "/"),
            ],
            None,
        )
        .await;
    let cookie = session_cookie(&response).expect("signed in");
    let (status, html) = app.get_with_cookie("/charity", &cookie).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&our_claim) && html.contains(&our_receipt),
        "its own claims and pledges"
    );
    assert!(
        !html.contains(&their_claim) && !html.contains(&their_receipt),
        "nobody else's"
    );
}
