//! Every page in English: no interface text left in Chinese. The pages are fetched with
//! the `lang=en` cookie (public pages, and each portal signed in as its role); every run
//! of Chinese characters in the visible text and in the labels screen readers read must
//! come from the data itself (a need's public text, a region, a charity's or a fund's
//! name …), never from the interface.

mod common;

/// Text stored in the database that pages may show as it is, in whatever language it
/// was written.
const CONTENT: &[(&str, &str)] = &[
    ("needs", "title"),
    ("needs", "story"),
    ("needs", "assistance_received"),
    ("needs", "review_comment"),
    ("needs", "withdraw_reason"),
    ("need_items", "name"),
    ("need_items", "unit"),
    ("need_private", "case_reference"),
    ("need_private", "household_names"),
    ("need_private", "consent_scope"),
    ("regions", "name"),
    ("organizations", "name"),
    ("organizations", "description"),
    ("organizations", "payee_name"),
    ("organizations", "payee_bank"),
    ("organizations", "verification_reason"),
    ("funds", "name"),
    ("funds", "description"),
    ("funds", "sponsor"),
    ("fund_disclosures", "body"),
    ("users", "display_name"),
    ("claims", "plan"),
    ("claims", "fulfilment_report"),
    ("claims", "substitutions"),
    ("claims", "evidence"),
    ("claims", "thank_you_note"),
    ("claims", "release_reason"),
    ("claims", "review_question"),
    ("claims", "delivered_items"),
    ("pledges", "donor_name"),
    ("supply_profiles", "items_and_services"),
    ("subscriptions", "label"),
    ("subscriptions", "query"),
    ("notifications", "subject"),
    ("notifications", "detail"),
    ("audit_log", "reason"),
    ("ledger_transactions", "memo"),
];

/// Chinese that belongs in an English page: the switch back to Chinese, and the brand
/// mark (hidden from screen readers).
const ALLOWED: &[&str] = &["中文", "善"];

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// The text a reader sees or hears: element text without scripts and styles, and the
/// values of `aria-label`, `title`, `placeholder` and `alt`.
fn readable(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    // Drop scripts, styles and the JSON the islands carry.
    let mut cleaned = String::with_capacity(html.len());
    while let Some(start) = rest.find("<script").or_else(|| rest.find("<style")) {
        let tag = if rest[start..].starts_with("<script") {
            "</script>"
        } else {
            "</style>"
        };
        cleaned.push_str(&rest[..start]);
        match rest[start..].find(tag) {
            Some(end) => rest = &rest[start + end + tag.len()..],
            None => {
                rest = "";
            }
        }
    }
    cleaned.push_str(rest);
    let mut text = String::new();
    let mut in_tag = false;
    let mut skip_text = false;
    let mut tag = String::new();
    for c in cleaned.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
                let t = std::mem::take(&mut text);
                if !skip_text {
                    out.push(t);
                }
                skip_text = false;
            }
            (true, '>') => {
                in_tag = false;
                // Text marked as Chinese on purpose (a CSV header to type, a snippet
                // for a Chinese portal) is data, and says so to screen readers.
                skip_text = tag.contains("lang=\"zh-CN\"") && !tag.starts_with("html");
                for attr in ["aria-label=\"", "title=\"", "placeholder=\"", "alt=\""] {
                    let mut t = tag.as_str();
                    while let Some(at) = t.find(attr) {
                        let v = &t[at + attr.len()..];
                        let end = v.find('"').unwrap_or(v.len());
                        out.push(v[..end].to_owned());
                        t = &v[end..];
                    }
                }
            }
            (true, c) => tag.push(c),
            (false, c) => text.push(c),
        }
    }
    out.push(text);
    out
}

/// Runs of Chinese characters in the page that no stored text contains.
fn untranslated(html: &str, content: &str) -> Vec<String> {
    let mut found = Vec::new();
    for piece in readable(html) {
        let mut run = String::new();
        for c in piece.chars().chain(std::iter::once(' ')) {
            if is_han(c) {
                run.push(c);
            } else if !run.is_empty() {
                let r = std::mem::take(&mut run);
                if !ALLOWED.contains(&r.as_str()) && !content.contains(&r) && !found.contains(&r) {
                    found.push(r);
                }
            }
        }
    }
    found
}

async fn content(app: &common::TestApp) -> String {
    let mut all = String::new();
    for (table, column) in CONTENT {
        let sql = format!("SELECT COALESCE(CAST({column} AS TEXT), '') FROM {table}");
        for value in common::strings(&app.database.db, &sql).await {
            all.push_str(&value);
            all.push('\n');
        }
    }
    all
}

async fn first(app: &common::TestApp, sql: &str) -> String {
    common::strings(&app.database.db, sql).await.remove(0)
}

#[tokio::test]
async fn every_page_in_english_has_no_interface_text_in_chinese() {
    let app = common::spawn_demo_app().await;
    // The library answers 503 until this instance's new index is built.
    app.index_now().await;
    let content = content(&app).await;
    let need = first(
        &app,
        "SELECT public_code FROM needs WHERE status = 'verified' ORDER BY id LIMIT 1",
    )
    .await;
    let raising = first(&app, "SELECT n.public_code FROM needs n JOIN claims c ON c.need_id = n.id AND c.status = 'active' AND c.mode = 'fundraise' ORDER BY n.id LIMIT 1").await;
    let fund = first(
        &app,
        "SELECT CAST(id AS TEXT) FROM funds ORDER BY id LIMIT 1",
    )
    .await;
    let slug = first(&app, "SELECT slug FROM organizations WHERE kind = 'charity' AND verification = 'verified' ORDER BY id LIMIT 1").await;
    let receipt = first(&app, "SELECT receipt_code FROM pledges ORDER BY id LIMIT 1").await;
    let in_review = first(&app, "SELECT n.public_code FROM needs n WHERE n.status = 'in_review' AND n.region_code = '220122' ORDER BY n.id LIMIT 1").await;

    let mut pages: Vec<(Option<&str>, String)> = [
        "/",
        "/needs",
        "/needs?q=%E8%BD%AE%E6%A4%85&type=medical",
        "/needs?q=zzzzqqq",
        "/funds",
        "/transparency",
        "/transparency?region=220000",
        "/charities",
        "/open-data",
        "/signin",
        "/signup",
        "/charity/register",
        "/embed/needs?region=220000",
        "/embed/funds",
        "/no-such-page",
    ]
    .iter()
    .map(|p| (None, (*p).to_owned()))
    .collect();
    pages.push((None, format!("/needs/{need}")));
    pages.push((None, format!("/needs/{raising}")));
    pages.push((None, format!("/funds/{fund}")));
    pages.push((None, format!("/charities/{slug}")));
    pages.push((None, format!("/pledges/{receipt}")));
    for p in ["/office", "/office/needs", "/account", "/notifications"] {
        pages.push((Some("reviewer@shanqiao.test"), p.to_owned()));
    }
    for p in ["/office/needs/new", "/office/needs/import"] {
        pages.push((Some("caseworker@shanqiao.test"), p.to_owned()));
    }
    pages.push((
        Some("reviewer@shanqiao.test"),
        format!("/office/needs/{in_review}"),
    ));
    for p in [
        "/charity",
        "/charity/profile",
        "/charity/alerts",
        "/charity/funds",
        "/charity/pledges",
    ] {
        pages.push((Some("charity-admin@shanqiao.test"), p.to_owned()));
    }
    for p in ["/admin/charities", "/admin/users", "/admin/offices"] {
        pages.push((Some("admin@shanqiao.test"), p.to_owned()));
    }
    pages.push((Some("donor@shanqiao.test"), "/account".to_owned()));

    let mut sessions: std::collections::HashMap<&str, String> = Default::default();
    let mut report = Vec::new();
    for (who, path) in &pages {
        let cookie = match who {
            Some(account) => {
                if !sessions.contains_key(account) {
                    let s = common::sign_in_demo(&app, account).await;
                    sessions.insert(account, s);
                }
                format!("{}; lang=en", sessions[account])
            }
            None => "lang=en".to_owned(),
        };
        let (status, html) = app.get_with_cookie(path, &cookie).await;
        if !(status == 200 || (status == 404 && path == "/no-such-page")) {
            report.push(format!(
                "{path} ({}): status {status}",
                who.unwrap_or("anyone")
            ));
            continue;
        }
        assert!(
            html.contains("<html lang=\"en\""),
            "{path} says it is English"
        );
        let left = untranslated(&html, &content);
        if !left.is_empty() {
            report.push(format!(
                "{path} ({}): {}",
                who.unwrap_or("anyone"),
                left.join(" ")
            ));
        }
    }
    assert!(
        report.is_empty(),
        "Chinese left in English pages:\n{}",
        report.join("\n")
    );
}

#[test]
fn finds_chinese_outside_the_data() {
    let html = "<p title=\"提示\">Needs of 农安县</p><script>var x = '脚本';</script><a aria-label=\"首页\">Home</a><td lang=\"zh-CN\">标题</td>";
    assert_eq!(untranslated(html, "农安县"), ["提示", "首页"]);
}
