//! Office staff see needs, with their private case data, only inside their office's
//! region: a county office its county, a city or province office everything below it.

mod common;

use common::{session_cookie, sign_in_demo, TestApp};

async fn need_in(app: &TestApp, county: &str) -> (String, String) {
    let rows = common::strings(
        &app.database.db,
        &format!(
            "SELECT n.public_code || '|' || p.case_reference FROM needs n JOIN need_private p ON p.need_id = n.id \
             WHERE n.region_code = '{county}' ORDER BY n.id LIMIT 1"
        ),
    )
    .await;
    let (code, case) = rows[0].split_once('|').expect("row");
    (code.to_owned(), case.to_owned())
}

#[tokio::test]
async fn staff_open_needs_only_inside_their_region() {
    let app = common::spawn_demo_app().await;
    let (nongan, nongan_case) = need_in(&app, "220122").await;
    let (tongwei, _) = need_in(&app, "621121").await;

    let caseworker = sign_in_demo(&app, "caseworker@shanqiao.test").await;
    let (status, html) = app
        .get_with_cookie(&format!("/office/needs/{nongan}"), &caseworker)
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&nongan_case),
        "staff in scope see the case reference"
    );
    let (status, html) = app
        .get_with_cookie(&format!("/office/needs/{tongwei}"), &caseworker)
        .await;
    assert_eq!(status, 404, "another county's need does not open");
    assert!(!html.contains("内部信息"));

    // A city office sees its counties; a province office its cities' counties.
    let city = sign_in_demo(&app, "office-admin@shanqiao.test").await;
    assert_eq!(
        app.get_with_cookie(&format!("/office/needs/{nongan}"), &city)
            .await
            .0,
        200
    );
    assert_eq!(
        app.get_with_cookie(&format!("/office/needs/{tongwei}"), &city)
            .await
            .0,
        404
    );
    let province = sign_in_demo(&app, "caseworker-620000@shanqiao.test").await;
    assert_eq!(
        app.get_with_cookie(&format!("/office/needs/{tongwei}"), &province)
            .await
            .0,
        200
    );

    // Not staff at all.
    let donor = sign_in_demo(&app, "donor@shanqiao.test").await;
    assert_eq!(
        app.get_with_cookie(&format!("/office/needs/{nongan}"), &donor)
            .await
            .0,
        403
    );
    let charity = sign_in_demo(&app, "charity-admin@shanqiao.test").await;
    assert_eq!(
        app.get_with_cookie(&format!("/office/needs/{nongan}"), &charity)
            .await
            .0,
        403
    );
    assert_eq!(
        app.get(&format!("/office/needs/{nongan}"))
            .await
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test]
async fn an_office_admin_invites_staff_and_issues_tokens_in_the_office_portal() {
    let app = common::spawn_demo_app().await;
    let admin = sign_in_demo(&app, "office-admin@shanqiao.test").await;
    let (status, html) = app.get_with_cookie("/office", &admin).await;
    assert_eq!(status, 200);
    assert!(html.contains("长春市民政局") && html.contains("发送邀请"));

    let invited = app
        .post_form(
            "/office/invitations",
            &[
                ("email", "new-caseworker@example.org"),
                ("role", "caseworker"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(invited.status().as_u16(), 200);
    let body = invited.text().await.expect("body");
    let token = common::invitation_token(&app, "new-caseworker@example.org").await;
    assert!(!body.contains(&token), "the admin never sees the link");
    let password = "a long enough password";
    let accepted = app
        .post_form(
            &format!("/invitations/{token}"),
            &[
                ("display_name", "新经办人"),
                ("password", password),
                ("password_confirmation", password),
            ],
            None,
        )
        .await;
    assert_eq!(accepted.status().as_u16(), 303);
    assert_eq!(
        accepted.headers()["location"],
        "/office",
        "staff land in the office portal"
    );

    // A charity role does not fit an office.
    let wrong_role = app
        .post_form(
            "/office/invitations",
            &[("email", "x@example.org"), ("role", "charity_member")],
            Some(&admin),
        )
        .await;
    assert_eq!(wrong_role.status().as_u16(), 403);
    // Caseworkers are not office admins.
    let caseworker = sign_in_demo(&app, "caseworker@shanqiao.test").await;
    let by_caseworker = app
        .post_form(
            "/office/invitations",
            &[("email", "y@example.org"), ("role", "caseworker")],
            Some(&caseworker),
        )
        .await;
    assert_eq!(by_caseworker.status().as_u16(), 403);
    // Donors have no office.
    let donor = sign_in_demo(&app, "donor@shanqiao.test").await;
    assert_eq!(app.get_with_cookie("/office", &donor).await.0, 403);

    let me = common::integer(
        &app.database.db,
        "SELECT id FROM users WHERE email = 'office-admin@shanqiao.test'",
    )
    .await
    .to_string();
    let token = app
        .post_form(
            "/office/tokens",
            &[("token_name", "监测平台"), ("token_user", &me)],
            Some(&admin),
        )
        .await;
    assert_eq!(token.status().as_u16(), 200);
    assert!(token.text().await.expect("body").contains("sq_"));
}

#[tokio::test]
async fn a_platform_admin_creates_an_office_whose_admin_accepts_the_invitation() {
    let app = common::spawn_demo_app().await;
    let admin = sign_in_demo(&app, "admin@shanqiao.test").await;
    let fields = |region: &'static str, email: &'static str| {
        [
            ("name", "梨树县民政局"),
            ("region_code", region),
            ("admin_email", email),
        ]
    };
    let bad = app
        .post_form(
            "/admin/offices",
            &fields("999999", "lishu@example.org"),
            Some(&admin),
        )
        .await;
    assert_eq!(bad.status().as_u16(), 422);
    assert!(bad.text().await.expect("body").contains("行政区划代码"));
    let taken = app
        .post_form(
            "/admin/offices",
            &fields("220122", "x@example.org"),
            Some(&admin),
        )
        .await;
    assert_eq!(taken.status().as_u16(), 422, "农安县 already has an office");

    let caseworker = sign_in_demo(&app, "caseworker@shanqiao.test").await;
    let forbidden = app
        .post_form(
            "/admin/offices",
            &fields("220322", "lishu@example.org"),
            Some(&caseworker),
        )
        .await;
    assert_eq!(forbidden.status().as_u16(), 403);

    let created = app
        .post_form(
            "/admin/offices",
            &fields("220322", "lishu@example.org"),
            Some(&admin),
        )
        .await;
    assert_eq!(created.status().as_u16(), 200);
    let body = created.text().await.expect("body");
    let token = common::invitation_token(&app, "lishu@example.org").await;
    assert!(!body.contains(&token), "the admin never sees the link");
    let password = "a long enough password";
    let accepted = app
        .post_form(
            &format!("/invitations/{token}"),
            &[
                ("display_name", "梨树县管理员"),
                ("password", password),
                ("password_confirmation", password),
            ],
            None,
        )
        .await;
    assert_eq!(accepted.headers()["location"], "/office");
    let office_admin = session_cookie(&accepted).expect("signed in");
    let (status, html) = app.get_with_cookie("/office", &office_admin).await;
    assert_eq!(status, 200);
    assert!(html.contains("梨树县民政局") && html.contains("部门管理员"));
}
