//! The public dashboard, the charity directory and the open data, over HTTP from the
//! real app on the demo database: every figure shown equals what SQL says directly.

mod common;

use app::domain::Fen;

async fn count(app: &common::TestApp, sql: &str) -> i64 {
    common::integer(&app.database.db, sql).await
}

/// The text of the element with `data-testid="{id}"`.
fn testid(html: &str, id: &str) -> String {
    let marker = format!("data-testid=\"{id}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("{id} on the page"));
    let rest = &html[at..];
    let start = rest.find('>').expect("tag end") + 1;
    let end = rest[start..].find('<').expect("text end");
    rest[start..start + end].to_owned()
}

/// The cells of the row whose header is `label` in the table `data-testid="{table}"`.
fn row(html: &str, table: &str, label: &str) -> Vec<String> {
    let at = html
        .find(&format!("data-testid=\"{table}\""))
        .expect("table");
    let table_html = &html[at..at + html[at..].find("</table>").expect("table end")];
    let header = format!("<th scope=\"row\">{label}</th>");
    let start = table_html.find(&header).unwrap_or_else(|| {
        panic!(
            "{label} in {table}: {}",
            &table_html[..table_html.len().min(1200)]
        )
    }) + header.len();
    let row_html = &table_html[start..start + table_html[start..].find("</tr>").expect("row end")];
    row_html
        .split("<td>")
        .skip(1)
        .map(|cell| cell.split("</td>").next().unwrap_or_default().to_owned())
        .collect()
}

/// A page with Leptos's `<!>` markers taken out, so text can be matched as it reads.
async fn page(app: &common::TestApp, path: &str) -> (u16, String) {
    let (status, html) = app.get_text(path).await;
    (status, html.replace("<!>", ""))
}

const COUNTED: &str = "published_at IS NOT NULL AND status <> 'withdrawn'";

#[tokio::test]
async fn the_dashboard_shows_what_the_database_holds() {
    let app = common::spawn_demo_app().await;
    let (status, html) = page(&app, "/transparency").await;
    assert_eq!(status, 200);
    let published = count(&app, &format!("SELECT COUNT(*) FROM needs WHERE {COUNTED}")).await;
    assert!(published > 50, "the demo has needs to count");
    let claimed = count(
        &app,
        "SELECT COUNT(DISTINCT c.need_id) FROM claims c JOIN needs n ON n.id = c.need_id \
         WHERE n.published_at IS NOT NULL AND n.status <> 'withdrawn'",
    )
    .await;
    let fulfilled = count(
        &app,
        "SELECT COUNT(*) FROM needs n WHERE n.published_at IS NOT NULL AND n.status <> 'withdrawn' \
         AND (n.status = 'verified' OR EXISTS (SELECT 1 FROM claims c WHERE c.need_id = n.id AND c.fulfilled_at IS NOT NULL))",
    )
    .await;
    let verified = count(
        &app,
        "SELECT COUNT(*) FROM needs WHERE published_at IS NOT NULL AND status = 'verified'",
    )
    .await;
    let pledged = count(
        &app,
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM pledges WHERE status <> 'cancelled'",
    )
    .await;
    let received = count(
        &app,
        "SELECT CAST(COALESCE(SUM(e.amount_fen), 0) AS BIGINT) FROM ledger_transactions t \
         JOIN ledger_entries e ON e.transaction_id = t.id AND e.side = 'credit' WHERE t.kind = 'pledge_received'",
    )
    .await;
    // Allocations less what needs gave back to their funds.
    let allocated = count(
        &app,
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM allocations",
    )
    .await
        - count(
            &app,
            "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM ledger_transactions \
             WHERE kind = 'return_to_fund'",
        )
        .await;
    assert!(claimed > 0 && verified > 0 && received > 0 && allocated > 0);
    assert_eq!(testid(&html, "total-published"), published.to_string());
    assert_eq!(testid(&html, "total-claimed"), claimed.to_string());
    assert_eq!(testid(&html, "total-fulfilled"), fulfilled.to_string());
    assert_eq!(testid(&html, "total-verified"), verified.to_string());
    assert_eq!(testid(&html, "total-pledged"), Fen(pledged).to_string());
    assert_eq!(testid(&html, "total-received"), Fen(received).to_string());
    assert_eq!(testid(&html, "total-allocated"), Fen(allocated).to_string());
    assert_ne!(testid(&html, "median-claim"), "—");

    // By type: the medical row.
    let medical = count(
        &app,
        &format!("SELECT COUNT(*) FROM needs WHERE {COUNTED} AND assistance_type = 'medical'"),
    )
    .await;
    assert_eq!(row(&html, "table-type", "医疗")[0], medical.to_string());
    // By region: the provinces, Jilin drilled into.
    let jilin = count(
        &app,
        &format!("SELECT COUNT(*) FROM needs WHERE {COUNTED} AND region_code LIKE '22%'"),
    )
    .await;
    assert!(jilin > 0);
    assert!(
        html.contains("href=\"/transparency?region=220000\""),
        "Jilin opens"
    );
    let (status, jl) = page(&app, "/transparency?region=220000").await;
    assert_eq!(status, 200);
    assert_eq!(testid(&jl, "total-published"), jilin.to_string());
    let changchun = count(
        &app,
        &format!("SELECT COUNT(*) FROM needs WHERE {COUNTED} AND region_code LIKE '2201%'"),
    )
    .await;
    assert_eq!(
        row(
            &jl,
            "table-region",
            "<a href=\"/transparency?region=220100\">长春市</a>"
        )[0],
        changchun.to_string()
    );
    // Charts are SVG with a title, and the tables sit beside them.
    assert!(html.contains("<svg") && html.contains("class=\"chart\""));
    assert!(html.contains("role=\"img\""));
    assert!(html.contains("data-testid=\"table-month\""));

    // Withdrawn needs are not counted (the SQL above leaves them out too).
    let withdrawn = count(
        &app,
        "SELECT COUNT(*) FROM needs WHERE status = 'withdrawn' AND published_at IS NOT NULL",
    )
    .await;
    assert!(withdrawn > 0, "the demo has withdrawn needs to leave out");
    let (status, _) = app.get_text("/transparency?region=999999").await;
    assert_eq!(status, 404, "an unknown region");
    let (status, _) = app.get_text("/transparency?region=not-a-code").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_directory_lists_verified_charities_with_their_record() {
    let app = common::spawn_demo_app().await;
    let (status, html) = app.get_text("/charities").await;
    assert_eq!(status, 200);
    let verified = common::strings(
        &app.database.db,
        "SELECT name FROM organizations WHERE kind = 'charity' AND verification = 'verified' ORDER BY name",
    )
    .await;
    let others = common::strings(
        &app.database.db,
        "SELECT name FROM organizations WHERE kind = 'charity' AND verification <> 'verified'",
    )
    .await;
    assert!(!verified.is_empty() && !others.is_empty());
    for name in &verified {
        assert!(html.contains(name.as_str()), "{name} is listed");
    }
    for name in &others {
        assert!(!html.contains(name.as_str()), "{name} is not verified");
    }
    // The charity with the most claims: its profile counts them.
    let slug = common::strings(
        &app.database.db,
        "SELECT o.slug FROM organizations o JOIN claims c ON c.charity_id = o.id \
         WHERE o.verification = 'verified' GROUP BY o.slug ORDER BY COUNT(*) DESC, o.slug LIMIT 1",
    )
    .await
    .remove(0);
    let taken = count(
        &app,
        &format!("SELECT COUNT(*) FROM claims c JOIN organizations o ON o.id = c.charity_id WHERE o.slug = '{slug}'"),
    )
    .await;
    let verified_claims = count(
        &app,
        &format!("SELECT COUNT(*) FROM claims c JOIN organizations o ON o.id = c.charity_id WHERE o.slug = '{slug}' AND c.status = 'verified'"),
    )
    .await;
    let (status, profile) = page(&app, &format!("/charities/{slug}")).await;
    assert_eq!(status, 200);
    assert_eq!(testid(&profile, "claims-taken"), taken.to_string());
    assert_eq!(
        testid(&profile, "claims-verified"),
        verified_claims.to_string()
    );
    let pending = common::strings(
        &app.database.db,
        "SELECT slug FROM organizations WHERE kind = 'charity' AND verification <> 'verified' LIMIT 1",
    )
    .await
    .remove(0);
    let (status, _) = app.get_text(&format!("/charities/{pending}")).await;
    assert_eq!(status, 404, "an unverified charity has no public profile");
}

#[tokio::test]
async fn open_data_has_the_public_copy_only() {
    let app = common::spawn_demo_app().await;
    let public = count(
        &app,
        "SELECT COUNT(*) FROM needs WHERE status IN ('published', 'claimed', 'fulfilled', 'verified', 'expired')",
    )
    .await;
    let response = app.get("/open-data/needs.json").await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("body");
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    let needs = json["needs"].as_array().expect("a needs array");
    assert_eq!(needs.len() as i64, public);
    let allowed = [
        "none",
        "0-1000",
        "1000-5000",
        "5000-10000",
        "10000-50000",
        "50000+",
    ];
    for n in needs {
        assert!(allowed.contains(&n["amount_range"].as_str().expect("range")));
        assert_eq!(n["county_code"].as_str().expect("county").len(), 6);
        assert!(n.get("story").is_none() && n.get("target_amount_fen").is_none());
    }
    // Nothing private: no household names, no case references.
    for private in common::strings(
        &app.database.db,
        "SELECT p.household_names FROM need_private p JOIN needs n ON n.id = p.need_id \
         WHERE n.status IN ('published', 'claimed', 'fulfilled', 'verified')",
    )
    .await
    {
        for name in private
            .split([',', '，', '、', ' ', '\n'])
            .filter(|n| n.chars().count() >= 2)
        {
            assert!(!body.contains(name), "a household name in the open data");
        }
    }
    let response = app.get("/open-data/needs.csv").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = response.text().await.expect("csv");
    assert!(csv.starts_with("\u{feff}code,title,status,assistance_type"));
    assert_eq!(csv.trim_end().lines().count() as i64, public + 1);

    let (status, slash) = app.get_text("/open-data/").await;
    assert_eq!(status, 200, "/open-data/ is the page itself");
    let (status, page) = app.get_text("/open-data").await;
    assert_eq!(status, 200);
    assert!(slash.contains("amount_range"));
    for link in ["needs.csv", "needs.json", "money.csv", "money.json"] {
        assert!(
            page.contains(&format!("href=\"/open-data/{link}\"")),
            "{link}"
        );
    }
    assert!(page.contains("amount_range"), "the data dictionary");
}

#[tokio::test]
async fn only_the_embedded_views_may_be_framed_and_only_by_the_configured_portals() {
    let app = common::spawn_demo_app().await;
    let response = app.get("/embed/needs?region=220000&type=medical").await;
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("frame-ancestors https://portal.example.gov.cn"),
        "{csp}"
    );
    assert!(response.headers().get("x-frame-options").is_none());
    let html = response.text().await.expect("html");
    let medical_in_jilin = common::strings(
        &app.database.db,
        "SELECT public_code FROM needs WHERE status IN ('published', 'claimed') \
         AND assistance_type = 'medical' AND region_code LIKE '22%' ORDER BY published_at DESC, id DESC LIMIT 1",
    )
    .await;
    assert!(html.contains(&format!("/needs/{}\"", medical_in_jilin[0])));
    assert!(!html.contains("<script"), "no script in an embedded view");
    assert!(!html.contains("site-nav"), "no site chrome");
    assert!(
        html.contains("/needs?region=220000&amp;type=medical"),
        "links back to the library"
    );

    let response = app.get("/embed/funds?region=220000").await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("/funds/"));
    let response = app.get("/embed/needs?region=bad").await;
    assert_eq!(response.status(), 400);

    // Every other page: nobody may frame it.
    for path in ["/", "/transparency", "/needs"] {
        let response = app.get(path).await;
        assert_eq!(response.headers()["x-frame-options"], "DENY", "{path}");
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
}

#[tokio::test]
async fn offices_export_their_regions_figures_and_nobody_elses() {
    let app = common::spawn_demo_app().await;
    let response = app.get("/office/figures.csv").await;
    assert_eq!(response.status(), 401);

    // The demo caseworker works in 农安县 (220122).
    let staff = common::sign_in_demo(&app, "caseworker@shanqiao.test").await;
    let response = app
        .client
        .get(app.url("/office/figures.csv"))
        .header("cookie", &staff)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let csv = response.text().await.unwrap();
    let nongan = count(
        &app,
        &format!("SELECT COUNT(*) FROM needs WHERE {COUNTED} AND region_code = '220122'"),
    )
    .await;
    let total = csv.lines().nth(1).expect("the total row");
    assert!(total.starts_with("total,220122,农安县,"), "{total}");
    assert_eq!(total.split(',').nth(3), Some(nongan.to_string().as_str()));
    assert!(csv.lines().any(|l| l.starts_with("type,medical,医疗,")));
    let (status, _) = app
        .get_with_cookie("/office/figures.csv?region=620000", &staff)
        .await;
    assert_eq!(status, 403, "another province");

    let admin = common::sign_in_demo(&app, "admin@shanqiao.test").await;
    let (status, csv) = app
        .get_with_cookie("/office/figures.csv?region=620000", &admin)
        .await;
    assert_eq!(status, 200);
    assert!(csv.lines().nth(1).unwrap().starts_with("total,620000,"));

    let donor = common::sign_in_demo(&app, "donor@shanqiao.test").await;
    let (status, _) = app.get_with_cookie("/office/figures.csv", &donor).await;
    assert_eq!(status, 403);
}
