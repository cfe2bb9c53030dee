//! Who may do what, as a table: the state-changing routes (and the scoped office read)
//! against every role, on a demo database. A new action joins this table.

mod common;

use common::{session_cookie, TestApp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Donor,
    UnverifiedCharityAdmin,
    OtherCharityAdmin,
    OtherCountyCaseworker,
    CountyCaseworker,
    Reviewer,
    OfficeAdmin,
    PlatformAdmin,
}

const EVERYONE: [Who; 9] = [
    Who::Anonymous,
    Who::Donor,
    Who::UnverifiedCharityAdmin,
    Who::OtherCharityAdmin,
    Who::OtherCountyCaseworker,
    Who::CountyCaseworker,
    Who::Reviewer,
    Who::OfficeAdmin,
    Who::PlatformAdmin,
];

/// The demo account of each role ("the county" is 农安县; the charity acted on is the
/// demo's first charity, whose admin is `charity-admin@`).
fn account(who: Who) -> Option<&'static str> {
    match who {
        Who::Anonymous => None,
        Who::Donor => Some("donor@shanqiao.test"),
        Who::UnverifiedCharityAdmin => Some("charity-admin-7@shanqiao.test"),
        Who::OtherCharityAdmin => Some("charity-admin-2@shanqiao.test"),
        Who::OtherCountyCaseworker => Some("caseworker-621121@shanqiao.test"),
        Who::CountyCaseworker => Some("caseworker@shanqiao.test"),
        Who::Reviewer => Some("reviewer@shanqiao.test"),
        Who::OfficeAdmin => Some("office-admin@shanqiao.test"),
        Who::PlatformAdmin => Some("admin@shanqiao.test"),
    }
}

async fn cookie(app: &TestApp, who: Who) -> Option<String> {
    let account = account(who)?;
    let response = app
        .post_form(
            "/signin",
            &[
                ("account", account),
                ("password", app::demo::DEMO_PASSWORD),
                ("next", "/"),
            ],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 303, "{account} signs in");
    session_cookie(&response)
}

/// Allowed means the action took effect (2xx, or a redirect that is not to sign-in).
fn allowed(response: &reqwest::Response) -> bool {
    let status = response.status().as_u16();
    let to_sign_in = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .is_some_and(|l| l.starts_with("/signin"));
    (200..300).contains(&status) || ((300..400).contains(&status) && !to_sign_in)
}

#[tokio::test]
async fn every_action_by_every_role() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let pending = common::integer(
        db,
        "SELECT id FROM organizations WHERE verification = 'pending' LIMIT 1",
    )
    .await;
    let first_charity_admin = common::integer(
        db,
        "SELECT id FROM users WHERE email = 'charity-admin@shanqiao.test'",
    )
    .await;
    let nongan_need = common::strings(
        db,
        "SELECT public_code FROM needs WHERE region_code = '220122' ORDER BY id LIMIT 1",
    )
    .await[0]
        .clone();

    // A token of the first demo charity, which none of the roles administers.
    let first_charity = common::integer(db, "SELECT organization_id FROM memberships WHERE user_id = (SELECT id FROM users WHERE email = 'charity-admin@shanqiao.test')").await;
    app::accounts::tokens::issue(
        db,
        app::accounts::tokens::Issuer::Cli,
        first_charity,
        first_charity_admin,
        "theirs",
        chrono::Utc::now(),
    )
    .await
    .expect("a token");
    let first_charity_token = common::integer(db, "SELECT id FROM api_tokens").await;

    let mut cookies = Vec::new();
    for who in EVERYONE {
        cookies.push((who, cookie(&app, who).await));
    }

    use Who::*;
    // (action, who may) — everyone else must be refused.
    let table: Vec<(&str, Vec<Who>)> = vec![
        (
            "change password",
            vec![
                Donor,
                UnverifiedCharityAdmin,
                OtherCharityAdmin,
                OtherCountyCaseworker,
                CountyCaseworker,
                Reviewer,
                OfficeAdmin,
                PlatformAdmin,
            ],
        ),
        (
            "invite a member into one's own charity",
            vec![UnverifiedCharityAdmin, OtherCharityAdmin],
        ),
        ("issue an API token for another charity's admin", vec![]),
        ("reject a pending charity without reason", vec![]),
        ("verify a pending charity", vec![PlatformAdmin]),
        (
            "open a 农安县 need in the office portal",
            vec![CountyCaseworker, Reviewer, OfficeAdmin],
        ),
        ("invite staff into one's own office", vec![OfficeAdmin]),
        (
            "issue an office API token acting as oneself",
            vec![OfficeAdmin],
        ),
        ("revoke another charity's API token", vec![]),
        ("issue a password reset link", vec![PlatformAdmin]),
        ("create an office", vec![PlatformAdmin]),
    ];
    for (action, may) in &table {
        for (who, cookie) in &cookies {
            let c = cookie.as_deref();
            let response = match *action {
                "change password" => {
                    // A deliberately wrong current password: allowed roles get the form
                    // back (422, the handler ran for them); others are sent to sign in.
                    let r = app
                        .post_form(
                            "/account/password",
                            &[
                                ("current_password", "wrong wrong wrong"),
                                ("new_password", "another long password"),
                                ("new_password_confirmation", "another long password"),
                            ],
                            c,
                        )
                        .await;
                    let ran = r.status().as_u16() == 422;
                    assert_eq!(
                        ran,
                        may.contains(who),
                        "{action} by {who:?}: {}",
                        r.status()
                    );
                    continue;
                }
                // Invitations go into the viewer's own charity: its admin may, even
                // before verification; nobody else may.
                "invite a member into one's own charity" => {
                    app.post_form(
                        "/charity/invitations",
                        &[("email", "new@example.org"), ("role", "charity_member")],
                        c,
                    )
                    .await
                }
                // A token must act as a member of the issuing admin's own charity.
                "issue an API token for another charity's admin" => {
                    let member = first_charity_admin.to_string();
                    app.post_form(
                        "/charity/tokens",
                        &[("token_name", "x"), ("token_user", &member)],
                        c,
                    )
                    .await
                }
                "reject a pending charity without reason" => {
                    app.post_form(
                        &format!("/admin/charities/{pending}/reject"),
                        &[("reason", "")],
                        c,
                    )
                    .await
                }
                "verify a pending charity" => {
                    app.post_form(&format!("/admin/charities/{pending}/verify"), &[], c)
                        .await
                }
                "open a 农安县 need in the office portal" => match c {
                    Some(c) => {
                        let (status, _) = app
                            .get_with_cookie(&format!("/office/needs/{nongan_need}"), c)
                            .await;
                        assert_eq!(
                            status == 200,
                            may.contains(who),
                            "{action} by {who:?}: {status}"
                        );
                        continue;
                    }
                    None => app.get(&format!("/office/needs/{nongan_need}")).await,
                },
                "invite staff into one's own office" => {
                    app.post_form(
                        "/office/invitations",
                        &[("email", "new-staff@example.org"), ("role", "caseworker")],
                        c,
                    )
                    .await
                }
                "issue an office API token acting as oneself" => {
                    let me = match account(*who) {
                        Some(email) => {
                            common::integer(
                                db,
                                &format!("SELECT id FROM users WHERE email = '{email}'"),
                            )
                            .await
                        }
                        None => 0,
                    };
                    app.post_form(
                        "/office/tokens",
                        &[("token_name", "x"), ("token_user", &me.to_string())],
                        c,
                    )
                    .await
                }
                "revoke another charity's API token" => {
                    app.post_form(
                        &format!("/charity/tokens/{first_charity_token}/revoke"),
                        &[],
                        c,
                    )
                    .await
                }
                "issue a password reset link" => {
                    app.post_form(
                        "/admin/users/reset-links",
                        &[("account", "donor@shanqiao.test")],
                        c,
                    )
                    .await
                }
                "create an office" => {
                    app.post_form(
                        "/admin/offices",
                        &[
                            ("name", "梨树县民政局"),
                            ("region_code", "220322"),
                            ("admin_email", "lishu-admin@example.org"),
                        ],
                        c,
                    )
                    .await
                }
                other => panic!("no request for {other}"),
            };
            assert_eq!(
                allowed(&response),
                may.contains(who),
                "{action} by {who:?}: {}",
                response.status()
            );
        }
    }
}
