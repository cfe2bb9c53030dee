//! The shape every form post has: a body that is not the form, or a button that does not
//! exist, is refused before anything happens; refused access is one page, in the
//! reader's language, with 403; a refused form keeps what was typed, never passwords.

mod common;

use common::sign_in_demo;

const CASEWORKER: &str = "caseworker@shanqiao.test";

#[tokio::test]
async fn an_unknown_editor_button_is_a_bad_request_not_a_save() {
    let app = common::spawn_demo_app().await;
    let caseworker = sign_in_demo(&app, CASEWORKER).await;
    let before = common::integer(&app.database.db, "SELECT COUNT(*) FROM needs").await;
    let response = app
        .post_form(
            "/office/needs/new",
            &[
                ("title", "为独居老人更换取暖设备"),
                ("region_code", "220122"),
                ("action", "publish-everything"),
            ],
            Some(&caseworker),
        )
        .await;
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(
        common::integer(&app.database.db, "SELECT COUNT(*) FROM needs").await,
        before,
        "nothing stored"
    );
}

#[tokio::test]
async fn refused_access_is_the_same_page_everywhere() {
    let app = common::spawn_demo_app().await;
    let donor = sign_in_demo(&app, "donor@shanqiao.test").await;
    for (path, fields) in [
        ("/office/settings", vec![("review_time_limit_days", "5")]),
        ("/admin/users/reset-links", vec![("account", CASEWORKER)]),
        (
            "/admin/offices",
            vec![
                ("name", "梨树县民政局"),
                ("region_code", "220322"),
                ("admin_email", "new-admin@shanqiao.test"),
            ],
        ),
    ] {
        let response = app.post_form(path, &fields, Some(&donor)).await;
        assert_eq!(response.status().as_u16(), 403, "{path}");
        let html = response.text().await.expect("body");
        assert!(html.contains("<html"), "{path}: a page, not a bare text");
        assert!(
            html.contains("您没有权限进行此操作"),
            "{path}: the one refusal message"
        );
    }
}

#[tokio::test]
async fn a_refused_form_keeps_what_was_typed_but_never_passwords() {
    let app = common::spawn_demo_app().await;
    let response = app
        .post_form(
            "/signup",
            &[
                ("account", "not-an-address"),
                ("display_name", "小周的朋友"),
                ("password", "secret-secret-1"),
                ("password_confirmation", "secret-secret-1"),
            ],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.expect("body");
    assert!(html.contains("小周的朋友"), "the name comes back");
    assert!(html.contains("not-an-address"), "the account comes back");
    assert!(!html.contains("secret-secret-1"), "the password does not");
    assert!(html.contains("请输入有效的电子邮箱或 11 位手机号码"));
}

#[tokio::test]
async fn text_typed_into_a_textarea_comes_back_as_text_never_as_markup() {
    let app = common::spawn_demo_app().await;
    let caseworker = sign_in_demo(&app, CASEWORKER).await;
    let story = "旧房漏雨</textarea><h1 id=\"injected\">x</h1><textarea>";
    let response = app
        .post_form(
            "/office/needs/new",
            &[
                ("title", "为独居老人修缮房屋"),
                ("region_code", "220122"),
                ("story", story),
                ("action", "preview"),
            ],
            Some(&caseworker),
        )
        .await;
    let html = response.text().await.expect("body");
    assert!(html.contains("旧房漏雨"), "the story comes back");
    assert!(
        !html.contains("<h1 id=\"injected\">"),
        "no markup from the story"
    );
    assert!(html.contains("&lt;/textarea&gt;"), "the story as text");
}
