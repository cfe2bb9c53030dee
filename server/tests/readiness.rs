//! The server says when it is ready (issue #30): an instance whose search index is still
//! being built answers `/readyz` with 503, and library searches (API, page, feed) with a
//! plain "being indexed" answer, never "0 results"; `/healthz` (liveness) stays 200. Two
//! instances on one database, one of them started fresh (an empty search directory) while
//! the other is queried: no empty answers from either.

mod common;

use common::{TestApp, TestDatabase};
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// `医疗` (medical): many demo needs match it.
const MEDICAL: &str = "/api/v1/library?q=%E5%8C%BB%E7%96%97";
const MEDICAL_PAGE: &str = "/needs?q=%E5%8C%BB%E7%96%97";
const INDEXING_ZH: &str = "需求库正在建立索引，请稍后刷新";
const INDEXING_EN: &str = "The needs library is being indexed; please refresh in a moment";
/// How long an index build may take in these tests (debug build, a loaded machine).
const BUILD_LIMIT: Duration = Duration::from_secs(180);

/// Copies of the demo's published needs (each a new published need with its own code),
/// `copies` times, by plain SQL: a larger database whose index takes a moment to build.
/// No outbox rows: such needs are found only through the build (as after a bulk import
/// or a restore), so an index that skipped it would show too few.
async fn add_needs(db: &sea_orm::DatabaseConnection, copies: usize) {
    use sea_orm::ConnectionTrait;
    let columns = "office_id, author_id, region_code, title, story, assistance_type, \
         household_category, coverage, assistance_received, age_band, household_size, urgency, \
         deadline, target_amount_fen, status, submitted_at, reviewed_by, review_comment, \
         published_at, closed_at, close_reason, withdraw_reason, created_at, updated_at";
    let last = common::integer(db, "SELECT MAX(id) FROM needs").await;
    for copy in 1..=copies {
        db.execute_unprepared(&format!(
            "INSERT INTO needs (public_code, {columns}) \
             SELECT public_code || '-R{copy}', {columns} FROM needs \
             WHERE status = 'published' AND id <= {last}"
        ))
        .await
        .expect("copies of the published needs");
    }
}

/// The needs the library shows, by the database.
async fn listed(db: &sea_orm::DatabaseConnection) -> u64 {
    common::integer(
        db,
        "SELECT COUNT(*) FROM needs WHERE status IN ('published','claimed','fulfilled','verified','expired')",
    )
    .await as u64
}

/// A demo database with some thousands of needs more.
async fn large_database() -> TestDatabase {
    let database = common::demo_database().await;
    add_needs(&database.db, 12).await;
    assert!(listed(&database.db).await > 1_000);
    database
}

/// An instance whose index build (of a created index) waits until `hold` gets a permit.
async fn spawn_held(database: TestDatabase, hold: &Arc<Semaphore>) -> TestApp {
    let hold = hold.clone();
    common::spawn_app_configured(database, move |config| {
        config.hold_index_build = Some(hold);
    })
    .await
}

/// What one library search answered.
#[derive(Debug, PartialEq, Eq)]
enum Answer {
    /// 200 with this many results in all.
    Found(u64),
    /// 503 `search_index_building` with `Retry-After`.
    Building,
}

/// Asks the library API for `path`; panics on anything but a non-empty page or a typed
/// "being built" 503.
async fn search(app: &TestApp, path: &str) -> Answer {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: Value = response.json().await.unwrap_or(Value::Null);
    match status {
        200 => {
            let total = body["total"].as_u64().expect("a total");
            assert!(total > 0, "{path}: an empty answer: {body}");
            assert!(
                body["results"].as_array().is_some_and(|r| !r.is_empty()),
                "{path}: no results on the first page: {body}"
            );
            Answer::Found(total)
        }
        503 => {
            assert_eq!(body["error"]["code"], "search_index_building", "{body}");
            assert!(
                body["error"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(INDEXING_ZH)),
                "{body}"
            );
            assert_eq!(retry.as_deref(), Some("5"), "503 says when to ask again");
            Answer::Building
        }
        other => panic!("{path}: status {other}: {body}"),
    }
}

/// The library page: a list of needs, or the "being indexed" notice with 503; never
/// "0 results".
async fn page(app: &TestApp, path: &str, english: bool) -> Answer {
    let mut request = app.client.get(app.url(path));
    if english {
        request = request.header("cookie", "lang=en");
    }
    let response = request.send().await.expect("the page answers");
    let status = response.status().as_u16();
    let retry = response.headers().get("retry-after").cloned();
    let html = response.text().await.expect("body");
    assert!(
        !html.contains("data-testid=\"library-empty\""),
        "{path}: says no need matches ({status})"
    );
    match status {
        200 => {
            assert!(html.contains("data-testid=\"library-results\""), "{path}");
            Answer::Found(0)
        }
        503 => {
            let notice = if english { INDEXING_EN } else { INDEXING_ZH };
            assert!(html.contains(notice), "{path}: the notice: {html}");
            assert!(html.contains("data-testid=\"library-indexing\""));
            assert!(!html.contains("data-testid=\"library-count\""), "no count");
            assert!(retry.is_some(), "{path}: Retry-After");
            Answer::Building
        }
        other => panic!("{path}: status {other}"),
    }
}

/// `/readyz`: true when 200 `ready`; 503 says why, with `Retry-After`.
async fn ready(app: &TestApp) -> bool {
    let response = app.get("/readyz").await;
    let status = response.status().as_u16();
    let retry = response.headers().get("retry-after").cloned();
    let body = response.text().await.expect("body");
    match status {
        200 => {
            assert_eq!(body, "ready\n");
            true
        }
        503 => {
            assert!(body.starts_with("not ready: search_index "), "{body}");
            assert!(retry.is_some(), "Retry-After");
            false
        }
        other => panic!("/readyz: status {other}: {body}"),
    }
}

/// `/healthz`: 200 while the process lives, with the index's state as a line.
async fn healthy(app: &TestApp) -> String {
    let (status, body) = app.get_text("/healthz").await;
    assert_eq!(status, 200, "liveness stays 200: {body}");
    assert!(body.starts_with("ok\n"), "{body}");
    assert!(body.contains("search_index_lag "), "{body}");
    let state = body
        .lines()
        .find_map(|l| l.strip_prefix("search_index "))
        .expect("a search_index line")
        .to_owned();
    assert!(
        ["building", "catching_up", "ready"].contains(&state.as_str()),
        "{body}"
    );
    state
}

/// The readiness gauge on `/metrics`.
async fn ready_gauge(app: &TestApp) -> String {
    let (status, text) = app.get_text("/metrics").await;
    assert_eq!(status, 200);
    text.lines()
        .find(|l| l.starts_with("shanqiao_search_index_ready"))
        .map(|l| l.rsplit(' ').next().unwrap_or_default().to_owned())
        .expect("shanqiao_search_index_ready")
}

/// Polls an instance from its start until it is ready, checking every answer on the
/// way: the API and the page are never empty, `/healthz` is 200, and once `/readyz` says
/// ready, searches answer. Returns how many "being built" answers were seen.
async fn until_ready(app: &TestApp) -> usize {
    let started = Instant::now();
    let mut building = 0;
    loop {
        // Read before the searches: a search after `ready` must answer.
        let was_ready = ready(app).await;
        let api = search(app, MEDICAL).await;
        let html = page(app, MEDICAL_PAGE, building % 2 == 1).await;
        healthy(app).await;
        if was_ready {
            assert!(matches!(api, Answer::Found(_)), "ready, yet {api:?}");
            assert_eq!(html, Answer::Found(0), "ready, yet the page is not");
            return building;
        }
        building += usize::from(api == Answer::Building) + usize::from(html == Answer::Building);
        assert!(
            started.elapsed() < BUILD_LIMIT,
            "not ready after {BUILD_LIMIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_instance_says_it_is_building_until_its_index_is_whole() {
    let database = large_database().await;
    let hold = Arc::new(Semaphore::new(0));
    let app = spawn_held(database, &hold).await;

    // The index is being built (held here): not ready, and every door says so.
    assert!(!ready(&app).await);
    assert_eq!(healthy(&app).await, "building");
    assert_eq!(search(&app, MEDICAL).await, Answer::Building);
    assert_eq!(search(&app, "/api/v1/library").await, Answer::Building);
    for _ in 0..2 {
        // Twice: a "being indexed" page is never kept by the page cache.
        assert_eq!(page(&app, MEDICAL_PAGE, false).await, Answer::Building);
        assert_eq!(page(&app, MEDICAL_PAGE, true).await, Answer::Building);
    }
    let feed = app.get("/needs.atom?q=%E5%8C%BB%E7%96%97").await;
    assert_eq!(feed.status().as_u16(), 503, "no empty feed");
    assert!(feed.headers().get("retry-after").is_some());
    assert_eq!(ready_gauge(&app).await, "0");
    // Other pages serve meanwhile.
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    // The 503 is documented.
    let (_, doc) = app.get_text("/api/v1/openapi.json").await;
    let doc: Value = serde_json::from_str(&doc).expect("JSON");
    let library = &doc["paths"]["/api/v1/library"]["get"]["responses"];
    assert!(library["503"].is_object(), "{library}");

    // Let the build run; ask all along until ready.
    hold.add_permits(1);
    until_ready(&app).await;

    // Ready: the whole library, by the database's count.
    let total = match search(&app, "/api/v1/library").await {
        Answer::Found(total) => total,
        Answer::Building => unreachable!(),
    };
    assert_eq!(total, listed(&app.database.db).await, "the index is whole");
    assert_eq!(healthy(&app).await, "ready");
    assert_eq!(ready_gauge(&app).await, "1");
    assert_eq!(
        app.get("/needs.atom?q=%E5%8C%BB%E7%96%97")
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_queried_at_once_never_answers_empty() {
    // No hold: whatever the timing, every answer is a page of needs or a typed 503.
    let app = common::spawn_app_with(large_database().await).await;
    let building = until_ready(&app).await;
    eprintln!("answers while the index was built: {building}");

    // A restart over the same search directory (a rolling restart with a kept data
    // directory): the index found on disk serves at once.
    let url = app.database.url.clone();
    let db = app::db::connect(&url).await.expect("connect again");
    let root = app.search.root().to_owned();
    let restarted = common::spawn_app_configured(TestDatabase::from_parts(url, db), move |c| {
        c.search_dir = root;
    })
    .await;
    assert!(ready(&restarted).await, "an index on disk is ready at once");
    assert!(matches!(
        search(&restarted, MEDICAL).await,
        Answer::Found(_)
    ));
    assert_eq!(healthy(&restarted).await, "ready");
}

/// Queries `app` (API and page) until `stop`, checking every answer; counts them.
fn load(
    app: Arc<TestApp>,
    stop: Arc<AtomicBool>,
    answers: Arc<AtomicUsize>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut i = 0usize;
        while !stop.load(Ordering::Relaxed) {
            // An instance that was ready stays ready: the old index serves meanwhile.
            assert!(matches!(search(&app, MEDICAL).await, Answer::Found(_)));
            if i % 4 == 0 {
                assert_eq!(page(&app, MEDICAL_PAGE, false).await, Answer::Found(0));
            }
            i += 1;
            answers.fetch_add(1, Ordering::Relaxed);
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_beside_a_serving_one_never_answer_empty() {
    let first = Arc::new(common::spawn_app_with(large_database().await).await);
    until_ready(&first).await;

    let stop = Arc::new(AtomicBool::new(false));
    let answers = Arc::new(AtomicUsize::new(0));
    let serving = load(first.clone(), stop.clone(), answers.clone());

    // A second instance on the same database, with an empty search directory, held
    // before its build: it says so while the first keeps answering.
    let hold = Arc::new(Semaphore::new(0));
    let url = first.database.url.clone();
    let db = app::db::connect(&url).await.expect("connect again");
    let second = spawn_held(TestDatabase::from_parts(url, db), &hold).await;
    assert!(!ready(&second).await);
    assert_eq!(search(&second, MEDICAL).await, Answer::Building);
    assert_eq!(page(&second, MEDICAL_PAGE, false).await, Answer::Building);
    // A need published meanwhile (through the first) is found by both once ready.
    let code = common::publish_need(
        &first,
        "需要一台雾化器",
        "孩子患哮喘，医生建议家用雾化器治疗，家里是低保户。",
        "NA-READY-1",
    )
    .await;
    hold.add_permits(1);
    until_ready(&second).await;

    // A restart of the second (a new process, an empty search directory again), under
    // the same load, queried from its first moment.
    let third = common::spawn_second_instance(&first).await;
    until_ready(&third).await;

    for app in [&*first, &second, &third] {
        let started = Instant::now();
        loop {
            let body: Value = app
                .get("/api/v1/library?q=%E9%9B%BE%E5%8C%96%E5%99%A8")
                .await
                .json()
                .await
                .expect("JSON");
            let found = body["results"]
                .as_array()
                .is_some_and(|r| r.iter().any(|x| x["public_code"] == code.as_str()));
            if found {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{code} not found on {}: {body}",
                app.addr
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let whole = match search(app, "/api/v1/library").await {
            Answer::Found(total) => total,
            Answer::Building => panic!("{} not ready", app.addr),
        };
        assert_eq!(whole, listed(&first.database.db).await, "{}", app.addr);
    }
    stop.store(true, Ordering::Relaxed);
    serving
        .await
        .expect("the first instance answered every request");
    assert!(answers.load(Ordering::Relaxed) > 0);
}
