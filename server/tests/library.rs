//! The needs library through its real doors: the `/needs` page, `GET /api/v1/library` and
//! `/needs.atom`, kept true by the search outbox (drained explicitly: no sleeps), with
//! publications, withdrawals and consent withdrawals made through the office portal.

mod common;

use common::{publish_need as publish, sign_in_demo, TestApp};
use serde_json::Value;

const CASEWORKER: &str = "caseworker@shanqiao.test";

async fn api(app: &TestApp, query: &str) -> (u16, Value) {
    let response = app.get(&format!("/api/v1/library{query}")).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn codes(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|x| x["public_code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The ids of the needs the library shows, ascending.
async fn public_ids(db: &sea_orm::DatabaseConnection) -> Vec<u64> {
    let mut ids: Vec<u64> = common::strings(
        db,
        "SELECT CAST(id AS TEXT) FROM needs WHERE status IN ('published','claimed','fulfilled','verified','expired')",
    )
    .await
    .iter()
    .map(|s| s.parse().expect("id"))
    .collect();
    ids.sort_unstable();
    ids
}

fn q(text: &str) -> String {
    format!("?q={}", app::library::params::encode(text))
}

#[tokio::test]
async fn a_published_need_is_found_and_leaves_the_index_when_withdrawn() {
    let app = common::spawn_demo_app().await;
    app.index_now().await;
    let story = "孩子患脊髓损伤，需要一台儿童电动轮椅和康复训练，家里为低保边缘家庭。";
    let code = publish(&app, "脊髓损伤儿童需要电动轮椅", story, "NA-LIB-0042").await;
    // Not applied yet: the outbox holds the change.
    app.index_now().await;

    for word in [
        "轮椅",
        "电动轮椅",
        "脊髓损伤",
        "低保边缘",
        "康复训练",
        "椅",
        "助行器",
    ] {
        let (status, body) = api(&app, &q(word)).await;
        assert_eq!(status, 200, "{word}");
        assert!(codes(&body).contains(&code), "{word} finds {code}: {body}");
    }
    // Only the public copy is indexed: the case reference and the household's names
    // find nothing.
    for private in ["NA-LIB-0042", "赵铁柱", "赵小满"] {
        let (_, body) = api(&app, &q(private)).await;
        assert_eq!(body["total"], 0, "{private} is not searchable");
    }

    let (_, body) = api(
        &app,
        &format!("{}&region=220122&type=disability", q("轮椅")),
    )
    .await;
    let hit = body["results"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["public_code"] == code.as_str()))
        .cloned()
        .expect("the need in the filtered results");
    assert_eq!(hit["status"], "published");
    assert!(hit["snippet"]
        .as_str()
        .unwrap_or_default()
        .contains("[[轮椅]]"));
    assert!(hit["url"]
        .as_str()
        .unwrap_or_default()
        .ends_with(&format!("/needs/{code}")));
    let types = body["facets"]["type"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(types
        .iter()
        .any(|t| t["value"] == "disability" && t["count"].as_u64() >= Some(1)));

    // The page shows it, with the match marked, and without JavaScript.
    let (status, html) = app.get_text(&format!("/needs{}", q("电动轮椅"))).await;
    assert_eq!(status, 200);
    assert!(html.contains(&code));
    let mark: Option<String> = html
        .find("<mark")
        .map(|i| html[i..].chars().take(80).collect());
    assert!(
        html.contains("<mark>电动轮椅"),
        "the match is marked: {mark:?}"
    );
    assert!(!html.contains("NA-LIB-0042") && !html.contains("赵铁柱"));

    // Withdrawn: gone after the outbox is applied, from every door.
    let caseworker = sign_in_demo(&app, CASEWORKER).await;
    let withdrawn = app
        .post_form(
            &format!("/office/needs/{code}/withdraw"),
            &[("reason", "家庭情况已变化")],
            Some(&caseworker),
        )
        .await;
    assert_eq!(withdrawn.status().as_u16(), 303);
    app.index_now().await;
    let (_, body) = api(&app, &q("脊髓损伤")).await;
    assert!(
        !codes(&body).contains(&code),
        "withdrawn needs are not found"
    );
    let (_, html) = app.get_text(&format!("/needs{}", q("脊髓损伤"))).await;
    assert!(!html.contains(&code));
}

#[tokio::test]
async fn withdrawn_consent_removes_the_need_from_the_index() {
    let app = common::spawn_demo_app().await;
    let code = publish(
        &app,
        "独居老人需要助听器",
        "老人听力严重下降，需要一副助听器。",
        "NA-LIB-0043",
    )
    .await;
    app.index_now().await;
    assert!(codes(&api(&app, &q("助听器")).await.1).contains(&code));
    let caseworker = sign_in_demo(&app, CASEWORKER).await;
    let recorded = app
        .post_form(
            &format!("/office/needs/{code}/consent-withdrawn"),
            &[("confirm", "on")],
            Some(&caseworker),
        )
        .await;
    assert_eq!(recorded.status().as_u16(), 303);
    app.index_now().await;
    assert!(!codes(&api(&app, &q("助听器")).await.1).contains(&code));
    let ids = app.search.library().all_ids().expect("ids");
    let id = common::integer(
        &app.database.db,
        &format!("SELECT id FROM needs WHERE public_code = '{code}'"),
    )
    .await;
    assert!(
        !ids.contains(&(id as u64)),
        "the document is deleted, not just hidden"
    );
}

#[tokio::test]
async fn the_index_holds_exactly_the_public_needs_and_healthz_shows_no_lag() {
    let app = common::spawn_demo_app().await;
    app.index_now().await;
    let public = public_ids(&app.database.db).await;
    assert!(public.len() > 100);
    assert_eq!(app.search.library().all_ids().expect("ids"), public);
    let (status, health) = app.get_text("/healthz").await;
    assert_eq!(status, 200);
    assert!(health.contains("search_index_lag 0"), "{health}");

    let (_, all) = api(&app, "").await;
    assert_eq!(all["total"].as_u64(), Some(public.len() as u64));
    assert_eq!(all["results"].as_array().map(Vec::len), Some(20));
    let provinces: u64 = all["facets"]["region"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["count"].as_u64()).sum())
        .unwrap_or(0);
    assert_eq!(
        provinces,
        public.len() as u64,
        "every need counted once by province"
    );
}

#[tokio::test]
async fn facets_filters_sorts_and_pages_agree_with_the_database() {
    let app = common::spawn_demo_app().await;
    app.index_now().await;
    let medical = common::integer(
        &app.database.db,
        "SELECT COUNT(*) FROM needs WHERE assistance_type = 'medical' AND status IN ('published','claimed','fulfilled','verified','expired')",
    )
    .await;
    let (_, all) = api(&app, "").await;
    let facet = all["facets"]["type"]
        .as_array()
        .and_then(|t| t.iter().find(|x| x["value"] == "medical").cloned())
        .expect("a medical facet");
    assert_eq!(facet["count"].as_i64(), Some(medical));
    let (_, filtered) = api(&app, "?type=medical").await;
    assert_eq!(filtered["total"].as_i64(), Some(medical));
    assert!(filtered["results"]
        .as_array()
        .expect("results")
        .iter()
        .all(|r| r["assistance_type"] == "medical"));

    // Pages do not overlap and together are the first results in order.
    let (_, p1) = api(&app, "?sort=newest").await;
    let (_, p2) = api(&app, "?sort=newest&page=2").await;
    let (first, second) = (codes(&p1), codes(&p2));
    assert_eq!(first.len(), 20);
    assert!(second.iter().all(|c| !first.contains(c)));
    let dates: Vec<String> = p1["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["published_on"].as_str().map(str::to_owned))
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {dates:?}"
    );

    let (_, by_deadline) = api(&app, "?sort=deadline").await;
    let deadlines: Vec<String> = by_deadline["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["deadline"].as_str().unwrap_or("9999").to_owned())
        .collect();
    assert!(
        deadlines.windows(2).all(|w| w[0] <= w[1]),
        "soonest first: {deadlines:?}"
    );

    // A county: the region facet then counts nothing below it; a city lists counties.
    let (_, county) = api(&app, "?region=220122").await;
    assert!(county["results"]
        .as_array()
        .expect("results")
        .iter()
        .all(|r| r["place"].as_str().unwrap_or_default().contains("农安县")));
    let (_, city) = api(&app, "?region=220100").await;
    assert!(city["facets"]["region"]
        .as_array()
        .expect("regions")
        .iter()
        .all(|r| r["value"].as_str().unwrap_or_default().starts_with("2201")));
}

#[tokio::test]
async fn any_text_is_a_query_and_bad_filters_are_typed_errors() {
    let app = common::spawn_demo_app().await;
    app.index_now().await;
    // 10 KB of text (UTF-8), 31 KB once percent-encoded in the URL.
    let long = "医疗 ".repeat(1_500);
    for text in [
        "\"unbalanced",
        "AND OR NOT (",
        "😀🙏",
        "+-:^~*[]{}",
        "\"医疗 费用\"",
        long.as_str(),
        "<script>alert(1)</script>",
    ] {
        let (status, body) = api(&app, &q(text)).await;
        assert_eq!(status, 200, "{text:.20}: {body}");
        let (status, html) = app.get_text(&format!("/needs{}", q(text))).await;
        assert_eq!(status, 200, "the page for {text:.20}");
        assert!(!html.contains("<script>alert(1)</script>"));
    }
    let (status, body) = api(&app, "?type=rocket&page=0&sort=random").await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "invalid");
    for field in ["type", "page", "sort"] {
        assert!(
            body["error"]["fields"][field].is_string(),
            "{field}: {body}"
        );
    }
    // The page never fails on a shared link: bad values are ignored.
    assert_eq!(app.get_text("/needs?type=rocket&page=0").await.0, 200);
    let (status, html) = app
        .get_text(&format!("/needs{}", q("完全不存在的词语组合")))
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("data-testid=\"library-empty\""),
        "suggests how to widen"
    );
}

#[tokio::test]
async fn the_atom_feed_lists_the_search_newest_first() {
    let app = common::spawn_demo_app().await;
    let code = publish(
        &app,
        "困难家庭需要冬季取暖煤",
        "家中冬季取暖困难，需要取暖煤两吨。",
        "NA-LIB-0044",
    )
    .await;
    app.index_now().await;
    let response = app.get(&format!("/needs.atom{}", q("取暖煤"))).await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("application/atom+xml"));
    let xml = response.text().await.expect("body");
    assert!(xml.starts_with("<?xml"));
    assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert!(xml.contains(&format!("/needs/{code}</id>")));
    assert!(!xml.contains("NA-LIB-0044") && !xml.contains("赵铁柱"));
    assert_eq!(
        app.get("/needs.atom?type=rocket").await.status().as_u16(),
        422
    );
}

#[tokio::test]
async fn the_library_is_documented_in_the_openapi_document() {
    let app = common::spawn_demo_app().await;
    let doc: Value = app
        .get("/api/v1/openapi.json")
        .await
        .json()
        .await
        .expect("json");
    let get = &doc["paths"]["/api/v1/library"]["get"];
    assert!(get.is_object());
    let names: Vec<&str> = get["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for name in ["q", "type", "region", "page", "sort"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert!(doc["components"]["schemas"]["LibraryResponse"].is_object());
}

#[tokio::test]
async fn a_crash_between_outbox_batches_loses_and_duplicates_nothing() {
    use app::library::index::{documents, drain, next_rows, SearchService};
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    publish(
        &app,
        "需要轮椅坡道改造",
        "家门口台阶高，需要坡道改造。",
        "NA-LIB-0045",
    )
    .await;
    // Another process's index, on the same database.
    let dir = tempfile::tempdir().expect("temp dir");
    let (indexer, _) = SearchService::open(dir.path()).expect("open");
    let rows = next_rows(db, 0, chrono::Utc::now()).await.expect("rows");
    assert!(rows.len() > 10);
    // The first batch is applied and committed; the second is added but the process
    // dies before its commit.
    let cut = rows.len() / 2;
    let ids = |r: &[app::entities::search_outbox::Model]| {
        r.iter().map(|x| x.entity_id).collect::<Vec<_>>()
    };
    let first: Vec<search::Change> = documents(db, &ids(&rows[..cut]))
        .await
        .expect("docs")
        .into_values()
        .map(search::Change::Upsert)
        .collect();
    indexer
        .library()
        .apply(&first, rows[cut - 1].id as u64)
        .expect("apply");
    let second: Vec<search::NeedDoc> = documents(db, &ids(&rows[cut..]))
        .await
        .expect("docs")
        .into_values()
        .collect();
    indexer.library().add(&second).expect("add");
    drop(indexer);

    let (restarted, opened) = SearchService::open(dir.path()).expect("reopen");
    assert_eq!(
        opened,
        search::Opened::Existing {
            position: rows[cut - 1].id as u64
        },
        "it resumes after the last committed batch"
    );
    drain(db, &restarted).await.expect("drain");
    let indexed = restarted.library().all_ids().expect("ids");
    let mut unique = indexed.clone();
    unique.dedup();
    assert_eq!(unique, indexed, "no document twice");
    let public = public_ids(db).await;
    assert_eq!(indexed, public, "none lost");
}

#[tokio::test]
async fn two_instances_on_one_database_both_serve_a_new_need_within_two_seconds() {
    let app = common::spawn_demo_app().await;
    let other = common::spawn_second_instance(&app).await;
    app.index_now().await;
    let code = publish(
        &app,
        "需要一台制氧机",
        "老人患慢阻肺，需要家用制氧机。",
        "NA-LIB-0047",
    )
    .await;
    let started = std::time::Instant::now();
    let mut seen = [false, false];
    while started.elapsed() < std::time::Duration::from_secs(2) && seen != [true, true] {
        for (i, instance) in [&app, &other].iter().enumerate() {
            if !seen[i] {
                let response = instance
                    .get(&format!("/api/v1/library{}", q("制氧机")))
                    .await;
                let body: Value = response.json().await.unwrap_or(Value::Null);
                seen[i] = codes(&body).contains(&code);
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        seen,
        [true, true],
        "both instances serve it within 2 s ({:?})",
        started.elapsed()
    );
}
