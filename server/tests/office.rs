//! Office staff see needs, with their private case data, only inside their office's
//! region: a county office its county, a city or province office everything below it.

mod common;

use common::{session_cookie, TestApp};

async fn sign_in(app: &TestApp, account: &str) -> String {
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
    session_cookie(&response).expect("session")
}

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

    let caseworker = sign_in(&app, "caseworker@shanqiao.test").await;
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
    let city = sign_in(&app, "office-admin@shanqiao.test").await;
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
    let province = sign_in(&app, "caseworker-620000@shanqiao.test").await;
    assert_eq!(
        app.get_with_cookie(&format!("/office/needs/{tongwei}"), &province)
            .await
            .0,
        200
    );

    // Not staff at all.
    let donor = sign_in(&app, "donor@shanqiao.test").await;
    assert_eq!(
        app.get_with_cookie(&format!("/office/needs/{nongan}"), &donor)
            .await
            .0,
        403
    );
    let charity = sign_in(&app, "charity-admin@shanqiao.test").await;
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
