//! Dates people read are China dates (UTC+8): a need published just after 16:00 UTC
//! shows the next day on its page, in `needs.csv`, in the Atom feed and in the office
//! log (issue #30: JL-2026-000078 showed 10-20 on its page and 10-21 elsewhere).

mod common;

use common::{publish_need, sign_in_demo};

/// 16:30 UTC on 20 October is 00:30 on 21 October in China.
const PUBLISHED_AT: &str = "2026-10-20T16:30:00+00:00";

#[tokio::test]
async fn a_need_published_just_after_16_utc_shows_the_china_date_everywhere() {
    let app =
        common::spawn_app_configured(common::demo_database().await, |c| c.page_cache = false).await;
    let code = publish_need(
        &app,
        "视障老人需要盲杖和助听器",
        "老人双眼视力极差、听力下降，出门困难，需要盲杖和助听器。",
        "NA-CST-0001",
    )
    .await;
    let db = &app.database.db;
    let sql = if app.database.is_postgres() {
        format!(
            "UPDATE needs SET published_at = '{PUBLISHED_AT}'::timestamptz WHERE public_code = '{code}'"
        )
    } else {
        format!("UPDATE needs SET published_at = '{PUBLISHED_AT}' WHERE public_code = '{code}'")
    };
    sea_orm::ConnectionTrait::execute_unprepared(db, &sql)
        .await
        .expect("backdate the publication");
    // An entry in the need's log at the same moment (the log is append-only).
    let at = chrono::DateTime::parse_from_rfc3339(PUBLISHED_AT)
        .expect("a time")
        .with_timezone(&chrono::Utc);
    app::audit::record(
        db,
        app::audit::Actor::System,
        app::audit::Change {
            action: "need.china_time_check",
            entity_kind: "need",
            entity_id: code.clone(),
            before: None,
            after: None,
            reason: Some("china-time-check".into()),
        },
        at,
    )
    .await
    .expect("an audit entry");

    // The need page.
    let (status, page) = app.get_text(&format!("/needs/{code}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("2026-10-21"), "the page shows the China date");
    assert!(!page.contains("2026-10-20"), "not the UTC date");

    // The open data.
    let (status, csv) = app.get_text("/open-data/needs.csv").await;
    assert_eq!(status, 200);
    let row = csv
        .lines()
        .find(|l| l.starts_with(&format!("{code},")))
        .unwrap_or_else(|| panic!("{code} in needs.csv"));
    assert!(row.contains(",2026-10-21,"), "{row}");
    assert!(!row.contains("2026-10-20"), "{row}");

    // The Atom feed: the day starts at 00:00 China time, written with its offset.
    app.index_now().await;
    let (status, feed) = app
        .get_text(&format!(
            "/needs.atom?q={}",
            app::library::params::encode("盲杖")
        ))
        .await;
    assert_eq!(status, 200);
    assert!(feed.contains(&format!("/needs/{code}</id>")), "{feed}");
    assert!(
        feed.contains("<updated>2026-10-21T00:00:00+08:00</updated>"),
        "{feed}"
    );

    // The office log, in China time to the minute.
    let caseworker = sign_in_demo(&app, "caseworker@shanqiao.test").await;
    let (status, office) = app
        .get_with_cookie(&format!("/office/needs/{code}"), &caseworker)
        .await;
    assert_eq!(status, 200);
    assert!(
        office.contains("china-time-check"),
        "the log lists the entry"
    );
    assert!(
        office.contains("2026-10-21 00:30"),
        "the log shows China time"
    );
    assert!(!office.contains("2026-10-20 16:30"));
}
