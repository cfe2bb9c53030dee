//! Pages render the same every time: a page's server HTML is a function of the request and
//! the database, never of how often or in what order its async parts ran, or of what an
//! earlier request left behind. Every GET page is rendered 50 times (eight at a time, the
//! pages shuffled together, the page cache off) for each role that may see it, over the
//! demo world with claims, funds, pledges and alerts, and every refused form of each kind
//! is posted 50 times; each answer must equal the first once nonces and one-time form
//! tokens are set aside. Runs on SQLite, and on PostgreSQL with `TEST_DATABASE_URL`.

mod common;

use common::{integer, sign_in_demo, strings, TestApp};
use futures::StreamExt;
use rand::seq::SliceRandom;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How often each page is rendered (the issue's figure).
const RENDERS: usize = 50;
/// Requests in flight at once: enough for renders to interleave on two cores.
const IN_FLIGHT: usize = 8;

/// One request: who asks (a demo account, or nobody), and what.
#[derive(Clone, Debug)]
struct Visit {
    who: Option<&'static str>,
    path: String,
    /// A refused form: the fields posted (the page answers its own post).
    form: Option<Vec<(String, String)>>,
}

impl Visit {
    fn get(who: Option<&'static str>, path: impl Into<String>) -> Self {
        Visit {
            who,
            path: path.into(),
            form: None,
        }
    }

    fn post(who: Option<&'static str>, path: impl Into<String>, form: &[(&str, &str)]) -> Self {
        Visit {
            who,
            path: path.into(),
            form: Some(
                form.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
        }
    }

    fn name(&self) -> String {
        let method = if self.form.is_some() { "POST" } else { "GET" };
        format!("{method} {} as {}", self.path, self.who.unwrap_or("nobody"))
    }
}

const ADMIN: &str = "admin@shanqiao.test";
const CASEWORKER: &str = "caseworker@shanqiao.test";
const REVIEWER: &str = "reviewer@shanqiao.test";
const OFFICE_ADMIN: &str = "office-admin@shanqiao.test";
const CHARITY_ADMIN: &str = "charity-admin@shanqiao.test";
const CHARITY_MEMBER: &str = "charity-member@shanqiao.test";
const DONOR: &str = "donor@shanqiao.test";
const EVERYONE: [&str; 7] = [
    ADMIN,
    CASEWORKER,
    REVIEWER,
    OFFICE_ADMIN,
    CHARITY_ADMIN,
    CHARITY_MEMBER,
    DONOR,
];

/// What varies by design between two answers to the same request: the script nonce and
/// the one-time token of a money form. Everything else must be equal.
fn normalise(html: &str) -> String {
    let mut out = set_aside(html, "nonce=\"", "\"");
    for name in ["name=\"idempotency_key\""] {
        out = token_values(&out, name);
    }
    // One tag per line, so that a difference names its place.
    out.replace('>', ">\n")
}

/// `text` with whatever stands between each `start` and the next `end` removed.
fn set_aside(text: &str, start: &str, end: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(start) {
        out.push_str(&rest[..i + start.len()]);
        rest = &rest[i + start.len()..];
        match rest.find(end) {
            Some(j) => rest = &rest[j..],
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// `html` with the `value` of every input named `name` removed.
fn token_values(html: &str, name: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(name) {
        // The tag around the name.
        let open = rest[..i].rfind('<').unwrap_or(0);
        let close = i + rest[i..].find('>').unwrap_or(rest.len() - i);
        out.push_str(&rest[..open]);
        out.push_str(&set_aside(&rest[open..close], "value=\"", "\""));
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// The first lines where `b` differs from `a`, for the failure message.
fn first_difference(a: &str, b: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let at = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let show = |lines: &[&str]| {
        lines
            .iter()
            .skip(at.saturating_sub(2))
            .take(5)
            .map(|l| l.chars().take(240).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n      ")
    };
    format!(
        "first difference at line {at}:\n    first answer:\n      {}\n    this answer:\n      {}",
        show(&a),
        show(&b)
    )
}

async fn answer(app: &TestApp, cookies: &HashMap<&str, String>, visit: &Visit) -> (u16, String) {
    let mut request = match &visit.form {
        Some(form) => app
            .client
            .post(app.url(&visit.path))
            .header("origin", format!("http://{}", app.addr))
            .form(form),
        None => app.client.get(app.url(&visit.path)),
    };
    if let Some(who) = visit.who {
        request = request.header("cookie", &cookies[who]);
    }
    let response = request
        .timeout(std::time::Duration::from_secs(60))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", visit.name()));
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// Saves an alert (a search for wheelchairs, daily, in the app) as the signed-in member.
async fn save_an_alert(app: &TestApp, cookie: &str) {
    let made = app
        .post_form(
            "/charity/alerts",
            &[
                ("label", "轮椅"),
                ("q", "轮椅"),
                ("type", "disability"),
                ("frequency", "daily"),
                ("in_app", "on"),
            ],
            Some(cookie),
        )
        .await;
    assert_eq!(made.status().as_u16(), 303, "the alert is saved");
}

/// The organization a demo account belongs to.
async fn organization_of(db: &sea_orm::DatabaseConnection, email: &str) -> i64 {
    integer(
        db,
        &format!(
            "SELECT m.organization_id FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE u.email = '{email}'"
        ),
    )
    .await
}

/// The first value of `sql`, if any.
async fn first(app: &TestApp, sql: &str) -> Option<String> {
    strings(&app.database.db, sql).await.into_iter().next()
}

/// Every page, for every role that may see it (and a few that may not), and a refused
/// form of each kind.
async fn visits(app: &TestApp, cookies: &HashMap<&str, String>) -> Vec<Visit> {
    let db = &app.database.db;
    let mut all = Vec::new();
    // Public pages, to nobody and to a signed-in donor (the header differs).
    let mut public: Vec<String> = [
        "/",
        "/needs",
        "/needs?q=轮椅",
        "/needs?q=医疗&sort=newest",
        "/needs?type=medical&category=dibao",
        "/needs?status=met",
        "/needs?page=2",
        "/funds",
        "/transparency",
        "/open-data",
        "/open-data/needs.csv",
        "/open-data/needs.json",
        "/open-data/money.csv",
        "/open-data/money.json",
        "/needs.atom",
        "/embed/needs",
        "/embed/funds",
        "/charities",
        "/signin",
        "/signup",
        "/charity/register",
        "/signup/not-a-token",
        "/reset/not-a-token",
        "/invitations/not-a-token",
        "/unsubscribe/not-a-token",
        "/needs/JL-1999-000000",
        "/no-such-page",
    ]
    .map(str::to_owned)
    .to_vec();
    for status in ["published", "claimed", "met", "withdrawn", "fulfilled"] {
        if let Some(code) = first(
            app,
            &format!("SELECT public_code FROM needs WHERE status = '{status}' ORDER BY id"),
        )
        .await
        {
            public.push(format!("/needs/{code}"));
        }
    }
    for id in strings(db, "SELECT CAST(id AS TEXT) FROM funds ORDER BY id LIMIT 3").await {
        public.push(format!("/funds/{id}"));
        public.push(format!("/funds/{id}/ledger.csv"));
    }
    for slug in strings(
        db,
        "SELECT slug FROM organizations WHERE kind = 'charity' ORDER BY id LIMIT 3",
    )
    .await
    {
        public.push(format!("/charities/{slug}"));
    }
    // A saved alert of the charity admin's, so that the alerts page lists one.
    save_an_alert(app, &cookies[CHARITY_ADMIN]).await;
    // A pledge's own page (its link is a secret: made here).
    let fund = integer(db, "SELECT MIN(id) FROM funds WHERE status = 'open'").await;
    let pledged = app
        .post_form(
            &format!("/funds/{fund}/pledge"),
            &[
                ("preset", "200"),
                ("display_name", "张"),
                ("contact", "zhang@example.org"),
                ("consent", "on"),
            ],
            None,
        )
        .await;
    assert_eq!(pledged.status().as_u16(), 303, "the pledge is made");
    public.push(common::location(&pledged));
    for path in &public {
        all.push(Visit::get(None, path.clone()));
        all.push(Visit::get(Some(DONOR), path.clone()));
    }
    // Every signed-in person's own pages.
    for who in EVERYONE {
        all.push(Visit::get(Some(who), "/account"));
        all.push(Visit::get(Some(who), "/notifications"));
    }
    // The charity portal, to its admin and its member.
    let charity = organization_of(db, "charity-admin@shanqiao.test").await;
    let mut charity_pages: Vec<String> = [
        "/charity",
        "/charity/profile",
        "/charity/alerts",
        "/charity/funds",
        "/charity/pledges",
    ]
    .map(str::to_owned)
    .to_vec();
    for id in strings(
        db,
        &format!("SELECT CAST(id AS TEXT) FROM funds WHERE charity_id = {charity} ORDER BY id"),
    )
    .await
    {
        charity_pages.push(format!("/charity/funds/{id}"));
    }
    for status in ["active", "fulfilled", "verified", "released", "lapsed"] {
        if let Some(id) = first(
            app,
            &format!(
                "SELECT CAST(id AS TEXT) FROM claims WHERE charity_id = {charity} \
                 AND status = '{status}' ORDER BY id"
            ),
        )
        .await
        {
            charity_pages.push(format!("/charity/claims/{id}"));
        }
    }
    if let Some(code) = first(
        app,
        "SELECT public_code FROM needs WHERE status = 'published' ORDER BY id",
    )
    .await
    {
        charity_pages.push(format!("/charity/needs/{code}/claim"));
    }
    for who in [CHARITY_ADMIN, CHARITY_MEMBER] {
        for path in &charity_pages {
            all.push(Visit::get(Some(who), path.clone()));
        }
    }
    // The office portal, to its caseworker, reviewer and admin.
    let office = organization_of(db, "caseworker@shanqiao.test").await;
    let mut office_pages: Vec<String> = [
        "/office",
        "/office/needs",
        "/office/needs/new",
        "/office/needs/import",
        "/office/figures.csv",
        "/office/needs/import/template.csv",
    ]
    .map(str::to_owned)
    .to_vec();
    for status in [
        "draft",
        "in_review",
        "published",
        "claimed",
        "fulfilled",
        "met",
        "withdrawn",
    ] {
        if let Some(code) = first(
            app,
            &format!(
                "SELECT public_code FROM needs WHERE office_id = {office} \
                 AND status = '{status}' ORDER BY id"
            ),
        )
        .await
        {
            office_pages.push(format!("/office/needs/{code}"));
            office_pages.push(format!("/office/needs/{code}/edit"));
        }
    }
    for who in [CASEWORKER, REVIEWER, OFFICE_ADMIN] {
        for path in &office_pages {
            all.push(Visit::get(Some(who), path.clone()));
        }
    }
    // The platform admin's pages.
    for path in ["/admin/charities", "/admin/users", "/admin/offices"] {
        all.push(Visit::get(Some(ADMIN), path));
    }
    // Doors that say no: the refusal is a page too.
    for (who, path) in [
        (None, "/charity"),
        (None, "/office"),
        (Some(DONOR), "/office"),
        (Some(DONOR), "/charity/profile"),
        (Some(CHARITY_ADMIN), "/admin/charities"),
        (Some(CASEWORKER), "/charity/funds"),
    ] {
        all.push(Visit::get(who, path));
    }
    // A refused form of each kind: the page that answers its own post.
    all.push(Visit::post(
        None,
        format!("/funds/{fund}/pledge"),
        &[
            ("preset", "custom"),
            ("custom_amount", "1.005"),
            ("display_name", "张"),
            ("contact", "not a contact"),
        ],
    ));
    all.push(Visit::post(
        None,
        "/charity/register",
        &[("name", ""), ("admin_account", "not an address")],
    ));
    all.push(Visit::post(
        Some(CHARITY_ADMIN),
        "/charity/profile",
        &[
            ("type_medical", "on"),
            ("category_dibao", "on"),
            ("typical_budget", "abc"),
            ("claim_capacity", "0"),
        ],
    ));
    all.push(Visit::post(
        Some(CHARITY_ADMIN),
        "/charity/funds",
        &[("name", ""), ("kind", "named")],
    ));
    all.push(Visit::post(
        Some(CHARITY_ADMIN),
        "/charity/alerts",
        &[("label", ""), ("frequency", "never")],
    ));
    all.push(Visit::post(
        Some(CASEWORKER),
        "/office/needs/new",
        &[("title", ""), ("urgency", "normal")],
    ));
    all.push(Visit::post(
        Some(OFFICE_ADMIN),
        "/office/settings",
        &[("review_time_limit_days", "abc")],
    ));
    all.push(Visit::post(
        Some(DONOR),
        "/account/password",
        &[
            ("current_password", "wrong"),
            ("new_password", "short"),
            ("new_password_confirmation", "other"),
        ],
    ));
    if let Some(id) = first(
        app,
        &format!(
            "SELECT CAST(id AS TEXT) FROM claims WHERE charity_id = {charity} \
             AND status = 'active' ORDER BY id"
        ),
    )
    .await
    {
        all.push(Visit::post(
            Some(CHARITY_ADMIN),
            format!("/charity/claims/{id}/fulfilment"),
            &[("delivered_on", "not a date"), ("evidence", "")],
        ));
    }
    assert!(cookies.len() == EVERYONE.len());
    all
}

// Several worker threads, as `shanqiao serve` has: a resource's task can then finish
// while the page renders, which is when an async part can run twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_page_renders_the_same_fifty_times() {
    let app =
        common::spawn_app_configured(common::demo_database().await, |c| c.page_cache = false).await;
    app.index_now().await;
    let mut cookies = HashMap::new();
    for who in EVERYONE {
        cookies.insert(who, sign_in_demo(&app, who).await);
    }
    let visits = visits(&app, &cookies).await;
    // Each visit's renders, all visits shuffled together.
    let mut jobs: Vec<usize> = (0..visits.len())
        .flat_map(|i| std::iter::repeat_n(i, RENDERS))
        .collect();
    jobs.shuffle(&mut rand::thread_rng());
    let firsts: Arc<Mutex<HashMap<usize, (u16, String)>>> = Arc::default();
    let differences: Arc<Mutex<HashMap<usize, (usize, String)>>> = Arc::default();
    let (app_ref, cookies_ref, visits_ref) = (&app, &cookies, &visits);
    futures::stream::iter(jobs)
        .for_each_concurrent(IN_FLIGHT, |i| {
            let firsts = firsts.clone();
            let differences = differences.clone();
            async move {
                let visit = &visits_ref[i];
                let (status, html) = answer(app_ref, cookies_ref, visit).await;
                let html = normalise(&html);
                let mut firsts = firsts.lock().unwrap();
                match firsts.get(&i) {
                    None => {
                        firsts.insert(i, (status, html));
                    }
                    Some((first_status, first_html)) => {
                        if (*first_status, first_html.as_str()) != (status, html.as_str()) {
                            let mut differences = differences.lock().unwrap();
                            let entry = differences.entry(i).or_insert_with(|| {
                                (
                                    0,
                                    format!(
                                        "status {first_status} then {status}; {}",
                                        first_difference(first_html, &html)
                                    ),
                                )
                            });
                            entry.0 += 1;
                        }
                    }
                }
            }
        })
        .await;
    let firsts = firsts.lock().unwrap();
    let server_errors: Vec<String> = firsts
        .iter()
        .filter(|(_, (status, _))| *status >= 500)
        .map(|(i, (status, _))| format!("{} answered {status}", visits[*i].name()))
        .collect();
    assert!(server_errors.is_empty(), "{server_errors:#?}");
    let differences = differences.lock().unwrap();
    let mut report: Vec<String> = differences
        .iter()
        .map(|(i, (n, first))| {
            format!(
                "{}: {n} of {RENDERS} answers differ from the first; {first}",
                visits[*i].name()
            )
        })
        .collect();
    report.sort();
    assert!(
        report.is_empty(),
        "{} of {} pages did not render the same every time:\n\n{}",
        report.len(),
        visits.len(),
        report.join("\n\n")
    );
    eprintln!(
        "{} pages, {} renders each, all alike",
        visits.len(),
        RENDERS
    );
}

#[test]
fn normalising_sets_aside_nonces_and_form_tokens_only() {
    let a = r#"<script nonce="abc">x</script><input type="hidden" name="idempotency_key" value="t1"/><input name="amount" value="200"/>"#;
    let b = r#"<script nonce="xyz">x</script><input type="hidden" name="idempotency_key" value="t2"/><input name="amount" value="200"/>"#;
    let c = r#"<script nonce="xyz">x</script><input type="hidden" name="idempotency_key" value="t2"/><input name="amount" value="300"/>"#;
    assert_eq!(normalise(a), normalise(b));
    assert_ne!(normalise(b), normalise(c));
    assert!(first_difference(&normalise(b), &normalise(c)).contains("value=\"300\""));
}

/// What a browser sends when `form` (the form posting to `action`) is submitted as
/// rendered: every named, enabled field with its shown value (checked boxes only, the
/// selected option, a textarea's text), and the first submit button's own name.
fn form_as_rendered(html: &str, action: &str) -> Vec<(String, String)> {
    use scraper::{Html, Selector};
    let document = Html::parse_document(html);
    let forms = Selector::parse("form").expect("selector");
    let fields = Selector::parse("input, select, textarea, button").expect("selector");
    let options = Selector::parse("option").expect("selector");
    let form = document
        .select(&forms)
        .find(|f| f.value().attr("action") == Some(action))
        .unwrap_or_else(|| panic!("no form posting to {action} on the page"));
    let mut sent = Vec::new();
    let mut button_sent = false;
    for field in form.select(&fields) {
        let element = field.value();
        let (Some(name), None) = (element.attr("name"), element.attr("disabled")) else {
            continue;
        };
        let value = match element.name() {
            "input" => match element.attr("type").unwrap_or("text") {
                "checkbox" | "radio" => match element.attr("checked") {
                    Some(_) => element.attr("value").unwrap_or("on").to_owned(),
                    None => continue,
                },
                "submit" | "image" | "button" | "reset" | "file" => continue,
                _ => element.attr("value").unwrap_or_default().to_owned(),
            },
            "select" => {
                let all: Vec<_> = field.select(&options).collect();
                let chosen = all
                    .iter()
                    .find(|o| o.value().attr("selected").is_some())
                    .or(all.first());
                match chosen {
                    Some(o) => o
                        .value()
                        .attr("value")
                        .map(str::to_owned)
                        .unwrap_or_else(|| o.text().collect()),
                    None => continue,
                }
            }
            "textarea" => field.text().collect(),
            "button" if element.attr("type").unwrap_or("submit") == "submit" && !button_sent => {
                button_sent = true;
                element.attr("value").unwrap_or_default().to_owned()
            }
            _ => continue,
        };
        sent.push((name.to_owned(), value));
    }
    sent
}

/// Every row a form could change, and the audit log and outboxes, as text.
async fn stored(db: &sea_orm::DatabaseConnection) -> Vec<String> {
    use app::entities::*;
    use sea_orm::EntityTrait;
    let mut rows = Vec::new();
    macro_rules! dump {
        ($($table:ident),*) => {$(
            for row in $table::Entity::find().all(db).await.expect("rows") {
                rows.push(format!("{} {row:?}", stringify!($table)));
            }
        )*};
    }
    dump!(
        organization,
        supply_profile,
        supply_profile_criterion,
        need,
        need_item,
        need_private,
        subscription,
        user,
        email_opt_out,
        audit_entry,
        notification,
        message
    );
    rows
}

#[tokio::test]
async fn saving_an_edit_form_unchanged_changes_nothing() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let mut cookies = HashMap::new();
    for who in EVERYONE {
        cookies.insert(who, sign_in_demo(&app, who).await);
    }
    // An alert of the charity admin's to edit (the demo has none of its own).
    save_an_alert(&app, &cookies[CHARITY_ADMIN]).await;
    let alert = integer(db, "SELECT MAX(id) FROM subscriptions").await;
    let office = organization_of(db, "caseworker@shanqiao.test").await;
    let draft = strings(
        db,
        &format!(
            "SELECT n.public_code FROM needs n JOIN users u ON u.id = n.author_id \
             WHERE n.status = 'draft' AND n.office_id = {office} \
             AND u.email = 'caseworker@shanqiao.test' ORDER BY n.id"
        ),
    )
    .await
    .into_iter()
    .next()
    .expect("the demo has a draft of the caseworker's");
    let editor = format!("/office/needs/{draft}/edit");
    let alert_form = format!("/charity/alerts/{alert}");
    // (who, the page, the form's action)
    let forms: [(&str, &str, &str); 7] = [
        (CHARITY_ADMIN, "/charity/profile", "/charity/profile"),
        (CASEWORKER, &editor, &editor),
        (OFFICE_ADMIN, "/office", "/office/settings"),
        (CHARITY_ADMIN, "/charity/alerts", &alert_form),
        (CHARITY_ADMIN, "/charity/funds", "/charity/payee"),
        (DONOR, "/account", "/account/emails"),
        (CHARITY_MEMBER, "/account", "/account/emails"),
    ];
    let mut changed = Vec::new();
    for (who, page, action) in forms {
        let (status, html) = app.get_with_cookie(page, &cookies[who]).await;
        assert_eq!(status, 200, "{page} as {who}");
        let fields = form_as_rendered(&html, action);
        let before = stored(db).await;
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let response = app.post_form(action, &pairs, Some(&cookies[who])).await;
        let status = response.status().as_u16();
        assert!(
            status == 303 || status == 422,
            "{action} as {who}: {status} for the form as rendered {fields:?}"
        );
        let after = stored(db).await;
        let gone: Vec<&String> = before.iter().filter(|r| !after.contains(r)).collect();
        let new: Vec<&String> = after.iter().filter(|r| !before.contains(r)).collect();
        if !gone.is_empty() || !new.is_empty() {
            changed.push(format!(
                "{action} as {who} (answered {status}), posting {fields:?}:\n  before: {gone:#?}\n  after: {new:#?}"
            ));
        }
    }
    assert!(
        changed.is_empty(),
        "saving a form as rendered changed what is stored:\n\n{}",
        changed.join("\n\n")
    );
}

#[test]
fn a_form_is_read_as_a_browser_sends_it() {
    let html = r#"<form action="/a"><input name="t" value="x"/><input type="checkbox" name="c1" checked/>
        <input type="checkbox" name="c2"/><select name="s"><option value="1">一</option><option value="2" selected>二</option></select>
        <textarea name="w">写的</textarea><input name="d" value="no" disabled/><button type="submit" name="go" value="save">保存</button>
        <button type="submit" name="other" value="x">另一个</button></form><form action="/b"><input name="t" value="y"/></form>"#;
    assert_eq!(
        form_as_rendered(html, "/a"),
        [
            ("t", "x"),
            ("c1", "on"),
            ("s", "2"),
            ("w", "写的"),
            ("go", "save")
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}
