//! Test helpers: a fresh database per test (a SQLite file, or a new PostgreSQL database
//! when `TEST_DATABASE_URL` points at a server), and the real app on a free port.
#![allow(dead_code)]

use app::demo::{self, SeedOutcome};
use migrations::{Migrator, MigratorTrait};
use rand::Rng;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use server::startup::{Application, WebConfig};
use std::net::SocketAddr;

pub mod money;
pub mod smtp;

/// A database nobody else uses, with the URL to reach it.
pub struct TestDatabase {
    pub url: String,
    pub db: DatabaseConnection,
    /// Keeps the SQLite directory alive for the test's duration.
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// A database opened by the test itself (e.g. a restored copy).
    pub fn from_parts(url: String, db: DatabaseConnection) -> Self {
        TestDatabase {
            url,
            db,
            _dir: None,
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres")
    }
}

/// Which backend this run tests: `postgres://…` from `TEST_DATABASE_URL`, else SQLite.
pub fn postgres_base_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

/// An empty database (no tables).
pub async fn empty_database() -> TestDatabase {
    match postgres_base_url() {
        Some(base) => {
            let name = format!("sq_test_{:016x}", rand::thread_rng().gen::<u64>());
            let admin = app::db::connect(&base)
                .await
                .expect("connect to TEST_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create a test database");
            admin.close().await.ok();
            let url = replace_database(&base, &name);
            let db = app::db::connect(&url)
                .await
                .expect("connect to the test database");
            TestDatabase {
                url,
                db,
                _dir: None,
            }
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("shanqiao.db").display()
            );
            let db = app::db::connect(&url).await.expect("open SQLite");
            TestDatabase {
                url,
                db,
                _dir: Some(dir),
            }
        }
    }
}

/// A migrated database.
pub async fn migrated_database() -> TestDatabase {
    let test_db = empty_database().await;
    Migrator::up(&test_db.db, None)
        .await
        .expect("migrations apply");
    test_db
}

/// A migrated database with the demo world in it.
pub async fn demo_database() -> TestDatabase {
    let test_db = migrated_database().await;
    match demo::seed(&test_db.db, chrono::Utc::now())
        .await
        .expect("demo seed")
    {
        SeedOutcome::Seeded(_) => {}
        SeedOutcome::AlreadyHasData => panic!("fresh database already had data"),
    }
    test_db
}

fn replace_database(url: &str, name: &str) -> String {
    let (without_query, query) = match url.split_once('?') {
        Some((u, q)) => (u, Some(q)),
        None => (url, None),
    };
    let authority_start = without_query.find("://").map_or(0, |i| i + 3);
    let base = match without_query[authority_start..].find('/') {
        Some(slash) => &without_query[..authority_start + slash],
        None => without_query,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// The real application, served on a free port.
pub struct TestApp {
    pub addr: SocketAddr,
    pub database: TestDatabase,
    pub client: reqwest::Client,
    pub search: std::sync::Arc<app::library::index::SearchService>,
    /// Where this app writes the messages it sends.
    pub sink: app::messages::delivery::FileSink,
    /// What this app's alert jobs link to (tests run them directly).
    pub alerts: app::alerts::fanout::Context,
}

impl TestApp {
    /// Delivers the message outbox now, then every message written to `recipient` so
    /// far (e-mails and text messages, as files), oldest first.
    pub async fn messages_to(&self, recipient: &str) -> Vec<String> {
        use app::messages::delivery;
        let sink: delivery::Sink = self.sink.clone().into();
        delivery::deliver_due(&self.database.db, &sink, "tests", chrono::Utc::now())
            .await
            .expect("the outbox delivers");
        self.sink.delivered_to(recipient)
    }

    /// The newest message to `recipient`, waiting (briefly) for one to be delivered: the
    /// app's own worker may be delivering it at this moment.
    pub async fn message_to(&self, recipient: &str) -> String {
        for _ in 0..100 {
            if let Some(text) = self.messages_to(recipient).await.pop() {
                return text;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no message to {recipient}");
    }

    /// Registers a charity the way a person does: the form (`fields`, with its
    /// `admin_account`), the link in the message to the admin's address, the password;
    /// the admin's new session's cookie.
    pub async fn register_charity(&self, fields: &[(&str, &str)], password: &str) -> String {
        let response = self.post_form("/charity/register", fields, None).await;
        assert_eq!(
            response.status().as_u16(),
            303,
            "the registration is accepted"
        );
        assert_eq!(location(&response), "/charity/register?sent=1");
        let admin = fields
            .iter()
            .find(|(k, _)| *k == "admin_account")
            .expect("an admin account")
            .1;
        self.open_link_to(admin, "/signup/", password).await
    }

    /// Opens the newest `/signup/` link sent to `account` with `password`; the session's
    /// cookie.
    async fn open_link_to(&self, account: &str, prefix: &str, password: &str) -> String {
        let recipient = app::accounts::SignInName::parse(account)
            .expect("a valid account")
            .as_str()
            .to_owned();
        let link = link_in(&self.message_to(&recipient).await, prefix);
        let response = self
            .post_form(
                &link,
                &[("password", password), ("password_confirmation", password)],
                None,
            )
            .await;
        assert_eq!(
            response.status().as_u16(),
            303,
            "the link opens the account"
        );
        session_cookie(&response).expect("signed in")
    }

    /// Signs up a donor the way a person does: the form, the link in the message to the
    /// address, the password; the new session's cookie.
    pub async fn sign_up(&self, account: &str, display_name: &str, password: &str) -> String {
        let response = self
            .post_form(
                "/signup",
                &[("account", account), ("display_name", display_name)],
                None,
            )
            .await;
        assert_eq!(
            response.status().as_u16(),
            303,
            "the sign-up form is accepted"
        );
        self.open_link_to(account, "/signup/", password).await
    }
    /// Applies the whole search outbox to this app's index now (what its indexer does
    /// every quarter second), so that tests need no sleeps.
    pub async fn index_now(&self) {
        self.search.refresh().expect("the index opens");
        app::library::index::drain(&self.database.db, &self.search)
            .await
            .expect("the outbox applies");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_as(path, None).await
    }

    /// GET, with a session cookie if given. No second try: a render that never answers
    /// (the stall ARCHITECTURE.md records) fails the test after the client's timeout.
    async fn get_as(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        if let Some(c) = cookie {
            request = request.header("cookie", c);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e:?}"))
    }

    /// Posts a form as a browser on this site would (with its Origin), with an optional
    /// session cookie.
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(path))
            .header("origin", format!("http://{}", self.addr))
            .form(fields);
        if let Some(c) = cookie {
            request = request.header("cookie", c);
        }
        request.send().await.expect("request")
    }

    /// GET with a session cookie; the body's text.
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> (u16, String) {
        let response = self.get_as(path, Some(cookie)).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }
}

/// The `name=value` of the session cookie a response sets, if it sets one.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("shanqiao_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// Spawns the app against `database`.
pub async fn spawn_app_with(database: TestDatabase) -> TestApp {
    spawn_app_configured(database, |_| {}).await
}

/// Spawns the app against `database`, with the test configuration changed by `change`
/// (e.g. the page cache off, so that every request renders).
pub async fn spawn_app_configured(
    database: TestDatabase,
    change: impl FnOnce(&mut WebConfig),
) -> TestApp {
    let mut config = WebConfig::for_tests();
    change(&mut config);
    let application = Application::build(database.db.clone(), &config)
        .await
        .expect("app builds");
    let addr = application.addr();
    let search = application.search();
    let sink = application.sink();
    let alerts = application.alerts();
    tokio::spawn(application.run_until_stopped());
    // A request that hangs fails its test after a minute and a half instead of holding
    // the whole suite (and CI) until its deadline.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(90))
        .build()
        .expect("client");
    TestApp {
        addr,
        database,
        client,
        search,
        sink,
        alerts,
    }
}

/// The token of the newest invitation sent to `email`.
pub async fn invitation_token(app: &TestApp, email: &str) -> String {
    link_in(&app.message_to(email).await, "/invitations/")
        .trim_start_matches("/invitations/")
        .to_owned()
}

/// The path of the first link in `text` under `prefix` (`/signup/`, `/invitations/`).
pub fn link_in(text: &str, prefix: &str) -> String {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} link in: {text}"));
    text[start..]
        .split(|c: char| c.is_whitespace())
        .next()
        .expect("a link")
        .to_owned()
}

/// A second instance of the app on the same database, with its own connection pool and
/// its own search index (as another `shanqiao serve` process would have).
pub async fn spawn_second_instance(first: &TestApp) -> TestApp {
    let url = first.database.url.clone();
    let db = app::db::connect(&url).await.expect("connect again");
    spawn_app_with(TestDatabase {
        url,
        db,
        _dir: None,
    })
    .await
}

/// Spawns the app on a fresh demo database.
pub async fn spawn_demo_app() -> TestApp {
    spawn_app_with(demo_database().await).await
}

/// The first column of every row of `sql`, as text.
pub async fn strings(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .expect("query runs")
    .into_iter()
    .map(|row| row.try_get_by_index::<String>(0).expect("a text column"))
    .collect()
}

/// The first column of the first row of `sql`, as an integer.
pub async fn integer(db: &DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .expect("query runs")
    .expect("one row")
    .try_get_by_index::<i64>(0)
    .expect("an integer column")
}

#[test]
fn replaces_the_database_name_in_urls() {
    assert_eq!(
        replace_database("postgres://postgres@127.0.0.1:5432/test", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        replace_database("postgres://u:p@h/test?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(
        replace_database("postgres://h:5432", "x"),
        "postgres://h:5432/x"
    );
}

/// Signs in a demo account; its session cookie.
pub async fn sign_in_demo(app: &TestApp, account: &str) -> String {
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

/// Where a redirect points.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Writes, submits and publishes a need through the office portal (as the demo
/// caseworker, approved by the demo reviewer); its public code.
pub async fn publish_need(app: &TestApp, title: &str, story: &str, case_reference: &str) -> String {
    let caseworker = sign_in_demo(app, "caseworker@shanqiao.test").await;
    let submitted = app
        .post_form(
            "/office/needs/new",
            &[
                ("title", title),
                ("region_code", "220122"),
                ("assistance_type", "disability"),
                ("household_category", "dibao_edge"),
                ("coverage", "outside"),
                ("assistance_received", "无"),
                ("age_band", "12-17"),
                ("household_size", "4"),
                ("urgency", "high"),
                (
                    "story",
                    &format!("{story}家庭收入微薄，全靠低保维持基本生活，恳请爱心人士帮助。"),
                ),
                ("deadline", ""),
                ("target_amount", "8800"),
                ("item_name_0", "助行器"),
                ("item_unit_0", "台"),
                ("item_quantity_0", "1"),
                ("item_value_0", "600"),
                ("case_reference", case_reference),
                ("household_names", "赵铁柱、赵小满"),
                ("consent_recorded_on", "2026-01-05"),
                ("consent_scope", "同意在善桥平台匿名公开需求"),
                ("action", "submit"),
            ],
            Some(&caseworker),
        )
        .await;
    let status = submitted.status().as_u16();
    if status != 303 {
        let html = submitted.text().await.unwrap_or_default();
        let errors: Vec<String> = html
            .match_indices("error")
            .map(|(i, _)| html[i..].chars().take(120).collect())
            .collect();
        panic!("submitting failed with {status}: {errors:?}");
    }
    let code = need_code_in(&submitted);
    let reviewer = sign_in_demo(app, "reviewer@shanqiao.test").await;
    let published = app
        .post_form(
            &format!("/office/needs/{code}/approve"),
            &[],
            Some(&reviewer),
        )
        .await;
    assert_eq!(published.status().as_u16(), 303, "published");
    code
}

/// The public code of the need a portal answer redirects to (`/office/needs/{code}?…`).
pub fn need_code_in(response: &reqwest::Response) -> String {
    location(response)
        .trim_start_matches("/office/needs/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Calls the JSON API with an optional bearer token and JSON body: the status and the
/// JSON answer (`null` when the body is not JSON).
pub async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut request = app.client.request(method, app.url(path));
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    if let Some(b) = body {
        request = request.json(&b);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

/// An API token of the first organization of `account` of `kind` (`charity` or
/// `civil_affairs`), acting as that account.
pub async fn token_of(app: &TestApp, account: &str, kind: &str) -> String {
    let db = &app.database.db;
    let user = integer(
        db,
        &format!("SELECT id FROM users WHERE email = '{account}'"),
    )
    .await;
    let org = integer(
        db,
        &format!(
            "SELECT m.organization_id FROM memberships m JOIN organizations o ON o.id = m.organization_id \
             WHERE m.user_id = {user} AND o.kind = '{kind}' ORDER BY m.id LIMIT 1"
        ),
    )
    .await;
    app::accounts::tokens::issue(
        db,
        app::accounts::tokens::Issuer::Cli,
        org,
        user,
        "test system",
        chrono::Utc::now(),
    )
    .await
    .expect("token")
}
