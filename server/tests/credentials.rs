//! A changed password locks out whoever held the old one: every other session ends, other
//! reset links die, and a disabled account can do nothing with its sessions or links.

mod common;

use common::{session_cookie, TestApp};

const DONOR: &str = "donor@shanqiao.test";

async fn sign_in(app: &TestApp, password: &str) -> String {
    let response = app
        .post_form(
            "/signin",
            &[
                ("account", DONOR),
                ("password", password),
                ("next", "/account"),
            ],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 303, "signed in");
    session_cookie(&response).expect("a session")
}

async fn is_signed_in(app: &TestApp, cookie: &str) -> bool {
    app.get_with_cookie("/account", cookie).await.0 == 200
}

/// A reset link for the donor, issued by the platform admin; its token.
async fn reset_link(app: &TestApp) -> String {
    let admin = common::sign_in_demo(app, "admin@shanqiao.test").await;
    let issued = app
        .post_form(
            "/admin/users/reset-links",
            &[("account", DONOR)],
            Some(&admin),
        )
        .await;
    let html = issued.text().await.expect("body");
    html.split("/reset/")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the link is shown")
        .trim()
        .to_owned()
}

#[tokio::test]
async fn a_stolen_session_ends_when_its_owner_changes_the_password() {
    let app = common::spawn_demo_app().await;
    let thief = sign_in(&app, app::demo::DEMO_PASSWORD).await;
    let owner = sign_in(&app, app::demo::DEMO_PASSWORD).await;
    assert!(is_signed_in(&app, &thief).await);
    let new = "a much better password";
    let changed = app
        .post_form(
            "/account/password",
            &[
                ("current_password", app::demo::DEMO_PASSWORD),
                ("new_password", new),
                ("new_password_confirmation", new),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(changed.status().as_u16(), 303);
    assert!(!is_signed_in(&app, &thief).await, "the other session ended");
    // The owner goes on, under a new session id.
    let renewed = session_cookie(&changed).expect("a new session id");
    assert_ne!(renewed, owner);
    assert!(
        is_signed_in(&app, &renewed).await,
        "the owner stays signed in"
    );
    assert!(!is_signed_in(&app, &owner).await, "the old id is gone");
}

#[tokio::test]
async fn a_reset_ends_every_session_and_every_other_link() {
    let app = common::spawn_demo_app().await;
    let thief = sign_in(&app, app::demo::DEMO_PASSWORD).await;
    let first = reset_link(&app).await;
    let second = reset_link(&app).await;
    let new = "a much better password";
    let done = app
        .post_form(
            &format!("/reset/{second}"),
            &[("password", new), ("password_confirmation", new)],
            None,
        )
        .await;
    assert_eq!(done.status().as_u16(), 303);
    assert!(
        !is_signed_in(&app, &thief).await,
        "the old password's session ended"
    );
    let older = app
        .post_form(
            &format!("/reset/{first}"),
            &[
                ("password", "the thief's password"),
                ("password_confirmation", "the thief's password"),
            ],
            None,
        )
        .await;
    assert_eq!(
        older.status().as_u16(),
        410,
        "the other link died with the reset"
    );
}

#[tokio::test]
async fn a_disabled_account_cannot_use_its_session_or_a_reset_link() {
    let app = common::spawn_demo_app().await;
    let session = sign_in(&app, app::demo::DEMO_PASSWORD).await;
    let token = reset_link(&app).await;
    {
        use app::entities::user;
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        user::Entity::update_many()
            .col_expr(
                user::Column::DisabledAt,
                Expr::value(Some(chrono::Utc::now())),
            )
            .filter(user::Column::Email.eq(DONOR))
            .exec(&app.database.db)
            .await
            .expect("disabled");
    }
    assert!(
        !is_signed_in(&app, &session).await,
        "the session no longer counts"
    );
    let new = "a much better password";
    let reset = app
        .post_form(
            &format!("/reset/{token}"),
            &[("password", new), ("password_confirmation", new)],
            None,
        )
        .await;
    assert_eq!(reset.status().as_u16(), 410, "the link does nothing");
}
