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

/// The first charity with a fund, its slug, its member's and admin's accounts.
async fn charity_with_a_fund(db: &sea_orm::DatabaseConnection) -> (i64, String, String, String) {
    let id = common::integer(db, "SELECT charity_id FROM funds ORDER BY id LIMIT 1").await;
    let slug = common::strings(
        db,
        &format!("SELECT slug FROM organizations WHERE id = {id}"),
    )
    .await
    .remove(0);
    let account = |role: &str| {
        format!(
            "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.organization_id = {id} AND m.role = '{role}' ORDER BY m.id LIMIT 1"
        )
    };
    let member = common::strings(db, &account("charity_member"))
        .await
        .remove(0);
    let admin = common::strings(db, &account("charity_admin"))
        .await
        .remove(0);
    (id, slug, member, admin)
}

#[tokio::test]
async fn a_platform_admin_suspends_a_charity_which_then_cannot_claim_until_restored() {
    use sea_orm::ConnectionTrait;
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    db.execute_unprepared("UPDATE supply_profiles SET claim_capacity = 1000")
        .await
        .expect("update");
    let (id, slug, member_account, admin_account) = charity_with_a_fund(db).await;
    let fund = common::integer(
        db,
        &format!("SELECT id FROM funds WHERE charity_id = {id} ORDER BY id LIMIT 1"),
    )
    .await;
    let admin = common::sign_in_demo(&app, "admin@shanqiao.test").await;
    let member = common::sign_in_demo(&app, &member_account).await;
    let charity_admin = common::sign_in_demo(&app, &admin_account).await;
    let token = common::token_of(&app, &admin_account, "charity").await;
    let is_suspended =
        format!("SELECT COUNT(*) FROM organizations WHERE id = {id} AND suspended_at IS NOT NULL");
    let suspended_at = || common::integer(db, &is_suspended);
    let audited = |action: &str| {
        format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND entity_id = '{id}'")
    };
    let reason = "登记证书已过期，待补充年检材料";

    // The admin's page offers the form.
    let (status, html) = app.get_with_cookie("/admin/charities", &admin).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("/admin/charities/{id}/suspend")) && html.contains("暂停认证"));

    // Nobody else may suspend; the charity's own admin gets 403, nobody signed in is sent
    // to sign in.
    let by_charity = app
        .post_form(
            &format!("/admin/charities/{id}/suspend"),
            &[("reason", reason)],
            Some(&charity_admin),
        )
        .await;
    assert_eq!(by_charity.status().as_u16(), 403);
    let anonymous = app
        .post_form(
            &format!("/admin/charities/{id}/suspend"),
            &[("reason", reason)],
            None,
        )
        .await;
    assert_eq!(anonymous.status().as_u16(), 303);
    assert!(common::location(&anonymous).starts_with("/signin"));
    assert_eq!(suspended_at().await, 0);

    // A reason is required: a field error, nothing changed.
    let no_reason = app
        .post_form(
            &format!("/admin/charities/{id}/suspend"),
            &[("reason", "  ")],
            Some(&admin),
        )
        .await;
    assert_eq!(no_reason.status().as_u16(), 422);
    let html = no_reason.text().await.expect("body");
    assert!(html.contains("请写明暂停认证的原因"), "the field says why");
    assert!(
        html.contains("id=\"field-reason\""),
        "the summary's link has its field"
    );
    let too_long = "长".repeat(501);
    let long = app
        .post_form(
            &format!("/admin/charities/{id}/suspend"),
            &[("reason", too_long.as_str())],
            Some(&admin),
        )
        .await;
    assert_eq!(long.status().as_u16(), 422);
    assert_eq!(suspended_at().await, 0);

    let suspended = app
        .post_form(
            &format!("/admin/charities/{id}/suspend"),
            &[("reason", reason)],
            Some(&admin),
        )
        .await;
    assert_eq!(suspended.status().as_u16(), 303);
    assert_eq!(common::location(&suspended), "/admin/charities?suspended=1");
    assert_eq!(suspended_at().await, 1);
    assert_eq!(common::integer(db, &audited("charity.suspend")).await, 1);
    assert_eq!(
        common::strings(
            db,
            &format!("SELECT reason FROM audit_log WHERE action = 'charity.suspend' AND entity_id = '{id}'"),
        )
        .await,
        [reason]
    );
    let again = app
        .post_form(
            &format!("/admin/charities/{id}/suspend"),
            &[("reason", reason)],
            Some(&admin),
        )
        .await;
    assert_eq!(again.status().as_u16(), 409, "suspended once");
    let (_, html) = app.get_with_cookie("/admin/charities", &admin).await;
    assert!(html.contains(&format!("/admin/charities/{id}/restore")) && html.contains(reason));

    // The member can no longer claim, on the portal or through the API.
    let code = common::strings(
        db,
        "SELECT public_code FROM needs WHERE status = 'published' ORDER BY id LIMIT 1",
    )
    .await
    .remove(0);
    let refused = app
        .post_form(
            &format!("/charity/needs/{code}/claim"),
            &[
                ("mode", "direct"),
                ("plan", "采购所需物品并在两周内送达家庭"),
            ],
            Some(&member),
        )
        .await;
    assert_eq!(refused.status().as_u16(), 403);
    let html = refused.text().await.expect("body");
    assert!(
        html.contains("认证已被平台暂停") && html.contains("本机构的平台认证已被暂停"),
        "the refusal says why"
    );
    let (status, body) = common::call(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/needs/{code}/claim"),
        Some(&token),
        Some(serde_json::json!({"mode": "direct", "plan": "采购所需物品并在两周内送达家庭"})),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("not_verified")),
        "{body}"
    );
    assert_eq!(
        common::strings(
            db,
            &format!("SELECT status FROM needs WHERE public_code = '{code}'")
        )
        .await,
        ["published"]
    );

    // Its own portal says so, with the reason; the public pages say so, without it.
    let (_, portal) = app.get_with_cookie("/charity", &member).await;
    assert!(portal.contains("认证已暂停") && portal.contains(reason));
    app.index_now().await;
    let (status, public) = app.get_text(&format!("/charities/{slug}")).await;
    assert_eq!(status, 200);
    assert!(public.contains("认证已暂停") && public.contains("不接受新的认捐"));
    assert!(!public.contains(reason), "the reason is not public");
    let (_, directory) = app.get_text("/charities").await;
    assert!(directory.contains("data-testid=\"suspended-badge\""));
    let (status, fund_page) = app.get_text(&format!("/funds/{fund}")).await;
    assert_eq!(status, 200);
    assert!(fund_page.contains("data-testid=\"charity-suspended\""));
    assert!(
        !fund_page.contains("data-testid=\"pledge-form\""),
        "no new pledges"
    );

    // Restored: no longer marked, and the member claims again.
    let by_charity = app
        .post_form(
            &format!("/admin/charities/{id}/restore"),
            &[],
            Some(&charity_admin),
        )
        .await;
    assert_eq!(by_charity.status().as_u16(), 403);
    let restored = app
        .post_form(
            &format!("/admin/charities/{id}/restore"),
            &[("reason", "已补充年检材料")],
            Some(&admin),
        )
        .await;
    assert_eq!(restored.status().as_u16(), 303);
    assert_eq!(common::location(&restored), "/admin/charities?restored=1");
    assert_eq!(suspended_at().await, 0);
    assert_eq!(common::integer(db, &audited("charity.restore")).await, 1);
    let twice = app
        .post_form(&format!("/admin/charities/{id}/restore"), &[], Some(&admin))
        .await;
    assert_eq!(twice.status().as_u16(), 409, "nothing to restore");
    app.index_now().await;
    let (_, public) = app.get_text(&format!("/charities/{slug}")).await;
    assert!(!public.contains("认证已暂停"));
    let (_, portal) = app.get_with_cookie("/charity", &member).await;
    assert!(!portal.contains("认证已暂停") && portal.contains("已通过平台认证"));
    let claimed = app
        .post_form(
            &format!("/charity/needs/{code}/claim"),
            &[
                ("mode", "direct"),
                ("plan", "采购所需物品并在两周内送达家庭"),
            ],
            Some(&member),
        )
        .await;
    assert_eq!(claimed.status().as_u16(), 303, "verified again, it claims");
}

#[tokio::test]
async fn only_a_verified_charity_can_be_suspended() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let admin = common::sign_in_demo(&app, "admin@shanqiao.test").await;
    let pending = common::integer(
        db,
        "SELECT id FROM organizations WHERE verification = 'pending' LIMIT 1",
    )
    .await;
    let refused = app
        .post_form(
            &format!("/admin/charities/{pending}/suspend"),
            &[("reason", "测试")],
            Some(&admin),
        )
        .await;
    assert_eq!(refused.status().as_u16(), 409);
    let office = common::integer(
        db,
        "SELECT id FROM organizations WHERE kind = 'civil_affairs' LIMIT 1",
    )
    .await;
    let not_a_charity = app
        .post_form(
            &format!("/admin/charities/{office}/suspend"),
            &[("reason", "测试")],
            Some(&admin),
        )
        .await;
    assert_eq!(not_a_charity.status().as_u16(), 404);
    let restore_verified = app
        .post_form(
            &format!("/admin/charities/{pending}/restore"),
            &[],
            Some(&admin),
        )
        .await;
    assert_eq!(restore_verified.status().as_u16(), 409);
    assert_eq!(
        common::integer(
            db,
            "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'charity.%'"
        )
        .await,
        0
    );
}
