//! An invitation sent to the wrong address can be taken back before it is used.

mod common;

use common::sign_in_demo;

#[tokio::test]
async fn a_revoked_invitation_link_opens_nothing() {
    let app = common::spawn_demo_app().await;
    let admin = sign_in_demo(&app, "office-admin@shanqiao.test").await;
    let invited = app
        .post_form(
            "/office/invitations",
            &[
                ("email", "wrong-address@example.org"),
                ("role", "caseworker"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(invited.status().as_u16(), 200);
    let html = invited.text().await.expect("body");
    let token = html
        .split("/invitations/")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the link is shown")
        .trim()
        .to_owned();
    let id = common::integer(
        &app.database.db,
        "SELECT id FROM invitations WHERE email = 'wrong-address@example.org'",
    )
    .await;
    // The portal lists it, with a way to take it back.
    let (_, portal) = app.get_with_cookie("/office", &admin).await;
    assert!(portal.contains("wrong-address@example.org"));
    assert!(portal.contains(&format!("/office/invitations/{id}/revoke")));

    // Nobody but the office's admin may revoke it.
    let caseworker = sign_in_demo(&app, "caseworker-220100@shanqiao.test").await;
    let by_caseworker = app
        .post_form(
            &format!("/office/invitations/{id}/revoke"),
            &[],
            Some(&caseworker),
        )
        .await;
    assert_eq!(by_caseworker.status().as_u16(), 403);
    assert_eq!(app.get_text(&format!("/invitations/{token}")).await.0, 200);

    let revoked = app
        .post_form(
            &format!("/office/invitations/{id}/revoke"),
            &[],
            Some(&admin),
        )
        .await;
    assert_eq!(revoked.status().as_u16(), 303);
    assert_eq!(
        app.get_text(&format!("/invitations/{token}")).await.0,
        404,
        "the link no longer opens"
    );
    let accept = app
        .post_form(
            &format!("/invitations/{token}"),
            &[
                ("display_name", "冒名者"),
                ("password", "a long enough password"),
                ("password_confirmation", "a long enough password"),
            ],
            None,
        )
        .await;
    assert_eq!(accept.status().as_u16(), 410, "nor can it be accepted");
    let again = app
        .post_form(
            &format!("/office/invitations/{id}/revoke"),
            &[],
            Some(&admin),
        )
        .await;
    assert_eq!(again.status().as_u16(), 410, "revoked once");
    assert_eq!(
        common::integer(
            &app.database.db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'invitation.revoke'"
        )
        .await,
        1
    );
}
