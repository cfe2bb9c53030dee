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
    let token = common::invitation_token(&app, "wrong-address@example.org").await;
    assert!(!html.contains(&token), "the admin never sees the link");
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

#[tokio::test]
async fn inviting_does_not_reveal_whether_an_address_has_an_account() {
    let app = common::spawn_demo_app().await;
    let admin = sign_in_demo(&app, "office-admin@shanqiao.test").await;
    let mut answers = Vec::new();
    for email in ["donor@shanqiao.test", "nobody-yet@example.org"] {
        let response = app
            .post_form(
                "/office/invitations",
                &[("email", email), ("role", "caseworker")],
                Some(&admin),
            )
            .await;
        let status = response.status().as_u16();
        let page = response.text().await.expect("body");
        let token = common::invitation_token(&app, email).await;
        answers.push((status, page.contains("邀请已发送至"), page.contains(&token)));
    }
    assert_eq!(answers[0], answers[1], "the same answer either way");
    assert_eq!(
        answers[0],
        (200, true, false),
        "sent, and the link not shown"
    );

    // The owner of the registered address accepts by signing in; nobody else can.
    let token = common::invitation_token(&app, "donor@shanqiao.test").await;
    let link = format!("/invitations/{token}");
    let (status, page) = app.get_text(&link).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("data-testid=\"sign-in-to-accept\""),
        "told to sign in"
    );
    let stranger = sign_in_demo(&app, "charity-member@shanqiao.test").await;
    let refused = app
        .post_form(&link, &[("as_signed_in", "1")], Some(&stranger))
        .await;
    assert_eq!(refused.status().as_u16(), 403, "not the invited account");
    let new_account = app
        .post_form(
            &link,
            &[
                ("display_name", "冒名者"),
                ("password", "a long enough password"),
                ("password_confirmation", "a long enough password"),
            ],
            None,
        )
        .await;
    assert_eq!(
        new_account.status().as_u16(),
        422,
        "no second account with the same address"
    );
    let donor = sign_in_demo(&app, "donor@shanqiao.test").await;
    let (_, page) = app.get_with_cookie(&link, &donor).await;
    assert!(page.contains("name=\"as_signed_in\""), "an accept button");
    let accepted = app
        .post_form(&link, &[("as_signed_in", "1")], Some(&donor))
        .await;
    assert_eq!(accepted.status().as_u16(), 303);
    assert_eq!(common::location(&accepted), "/office");
    let (status, portal) = app.get_with_cookie("/office", &donor).await;
    assert_eq!(status, 200, "the donor is now a caseworker of the office");
    assert!(portal.contains("长春市民政局"));
    let again = app
        .post_form(&link, &[("as_signed_in", "1")], Some(&donor))
        .await;
    assert_eq!(again.status().as_u16(), 410, "a link works once");
}
