//! The public page cache through the real server: every public state change shows on
//! every page of every instance within a second (polled every 50 ms, never a longer
//! sleep), nothing per-user or private is served from it, and a 304 is only given for
//! the same body.

mod common;

use common::{publish_need, sign_in_demo, TestApp};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use std::time::{Duration, Instant};

const POLL: Duration = Duration::from_millis(50);
const WITHIN: Duration = Duration::from_secs(1);

/// Polls `path` on every instance until `ok(status, body)` holds on all of them; fails
/// unless that happens within a second of `since`.
async fn everywhere_within_a_second(
    instances: &[&TestApp],
    path: &str,
    since: Instant,
    what: &str,
    ok: impl Fn(u16, &str) -> bool,
) {
    let mut done = vec![false; instances.len()];
    loop {
        for (i, instance) in instances.iter().enumerate() {
            if !done[i] {
                let (status, body) = instance.get_text(path).await;
                done[i] = ok(status, &body);
            }
        }
        if done.iter().all(|d| *d) {
            return;
        }
        assert!(
            since.elapsed() < WITHIN,
            "{what}: {path} not shown by every instance within 1 s ({done:?})"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// Requests each page twice on each instance, so that the change below must evict a
/// stored page rather than fill an empty cache; checks the second answer was stored.
async fn warm(instances: &[&TestApp], paths: &[String]) {
    for instance in instances {
        for path in paths {
            let first = instance.get(path).await;
            let tag = first.headers().get("etag").cloned();
            let second = instance.get(path).await;
            assert!(tag.is_some(), "{path} is served from the cache");
            assert_eq!(second.headers().get("etag").cloned(), tag, "{path}");
        }
    }
}

/// The need is gone from the home page, from the library and its own page (404) on every
/// instance within a second from now.
async fn gone_everywhere(instances: &[&TestApp], word: &str, code: &str, what: &str) {
    let since = Instant::now();
    for path in ["/".to_owned(), q(word)] {
        everywhere_within_a_second(instances, &path, since, what, |s, body| {
            s == 200 && !body.contains(code)
        })
        .await;
    }
    everywhere_within_a_second(instances, &format!("/needs/{code}"), since, what, |s, _| {
        s == 404
    })
    .await;
}

/// GET with extra request headers (a cookie, `If-None-Match`, `Accept-Encoding`).
async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request")
}

fn q(text: &str) -> String {
    format!("/needs?q={}", urlencode(text))
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Claims a need for a verified charity as the claims feature will: the claim, the
/// need's status and the outbox row in one transaction.
async fn claim(app: &TestApp, code: &str) -> String {
    use app::entities::{claim, need, organization, search_outbox, user};
    let db = &app.database.db;
    let now = chrono::Utc::now();
    let charity = organization::Entity::find()
        .filter(organization::Column::Kind.eq("charity"))
        .filter(organization::Column::Verification.eq("verified"))
        .one(db)
        .await
        .expect("query")
        .expect("a verified charity");
    let claimant = user::Entity::find()
        .one(db)
        .await
        .expect("query")
        .expect("a user");
    let row = need::Entity::find()
        .filter(need::Column::PublicCode.eq(code))
        .one(db)
        .await
        .expect("query")
        .expect("the need");
    let txn = db.begin().await.expect("begin");
    claim::ActiveModel {
        need_id: Set(row.id),
        charity_id: Set(charity.id),
        claimed_by: Set(claimant.id),
        mode: Set("direct".to_owned()),
        status: Set("active".to_owned()),
        due_at: Set(now + chrono::Duration::days(14)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .expect("claim");
    let mut changed: need::ActiveModel = row.clone().into();
    changed.status = Set("claimed".to_owned());
    changed.update(&txn).await.expect("status");
    search_outbox::ActiveModel {
        entity_kind: Set("need".to_owned()),
        entity_id: Set(row.id),
        op: Set("upsert".to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .expect("outbox");
    txn.commit().await.expect("commit");
    charity.name
}

#[tokio::test]
async fn publication_claim_withdrawal_and_consent_show_on_every_instance_within_a_second() {
    let app = common::spawn_demo_app().await;
    let other = common::spawn_second_instance(&app).await;
    app.index_now().await;
    other.index_now().await;
    let both = [&app, &other];
    let words = ["制氧机缓存甲", "制氧机缓存乙", "制氧机缓存丙"];
    let mut pages: Vec<String> = vec!["/".to_owned(), "/needs".to_owned()];
    pages.extend(words.iter().map(|w| q(w)));
    warm(&both, &pages).await;

    // Published: on the home page, in the library and on its own page, everywhere.
    let mut codes = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let code = publish_need(
            &app,
            &format!("需要一台{word}"),
            &format!("老人患慢阻肺，需要家用{word}。"),
            &format!("NA-CACHE-{i}"),
        )
        .await;
        let since = Instant::now();
        for path in ["/".to_owned(), q(word)] {
            everywhere_within_a_second(&both, &path, since, "published", |s, body| {
                s == 200 && body.contains(&code)
            })
            .await;
        }
        codes.push(code);
    }
    for code in &codes {
        warm(&both, &[format!("/needs/{code}")]).await;
    }

    // Claimed: its page names the charity.
    let charity = claim(&app, &codes[0]).await;
    let since = Instant::now();
    everywhere_within_a_second(
        &both,
        &format!("/needs/{}", codes[0]),
        since,
        "claimed",
        |s, body| s == 200 && body.contains(&charity),
    )
    .await;

    // Withdrawn: gone from every page.
    let caseworker = sign_in_demo(&app, "caseworker@shanqiao.test").await;
    let withdrawn = app
        .post_form(
            &format!("/office/needs/{}/withdraw", codes[1]),
            &[("reason", "家庭情况已变化")],
            Some(&caseworker),
        )
        .await;
    assert_eq!(withdrawn.status().as_u16(), 303);
    gone_everywhere(&both, words[1], &codes[1], "withdrawn").await;

    // The family withdrew consent: gone from every page, taken through the second
    // instance this time.
    let recorded = other
        .post_form(
            &format!("/office/needs/{}/consent-withdrawn", codes[2]),
            &[("confirm", "on")],
            Some(&sign_in_demo(&other, "caseworker@shanqiao.test").await),
        )
        .await;
    assert_eq!(recorded.status().as_u16(), 303);
    gone_everywhere(&both, words[2], &codes[2], "consent withdrawn").await;
}

#[tokio::test]
async fn a_signed_in_page_is_never_stored_nor_served_from_the_cache() {
    let app = common::spawn_demo_app().await;
    let donor = sign_in_demo(&app, "donor@shanqiao.test").await;
    let (_, mine) = app.get_with_cookie("/", &donor).await;
    let name = "data-testid=\"account-link\"";
    assert!(mine.contains(name), "a signed-in page links to the account");

    // Anonymous after signed-in: the anonymous page, from the cache from now on.
    for _ in 0..2 {
        let anonymous = app.get("/").await;
        assert!(anonymous.headers().get("set-cookie").is_none());
        assert!(anonymous.headers().get("etag").is_some());
        let body = anonymous.text().await.expect("body");
        assert!(
            !body.contains(name),
            "no signed-in content for an anonymous visitor"
        );
    }
    // Signed-in after anonymous: their own page, never the stored one, never stored.
    let response = get_with(&app, "/", &[("cookie", donor.as_str())]).await;
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap_or("")),
        Some("no-store")
    );
    assert!(response.headers().get("etag").is_none());
    assert!(response.text().await.expect("body").contains(name));

    // A need page as stored holds only the public copy.
    let code = publish_need(
        &app,
        "需要一副助听器",
        "老人听力下降，需要助听器。",
        "NA-CACHE-PII",
    )
    .await;
    for _ in 0..2 {
        let (status, body) = app.get_text(&format!("/needs/{code}")).await;
        assert_eq!(status, 200);
        assert!(!body.contains("NA-CACHE-PII") && !body.contains("赵铁柱"));
    }
}

#[tokio::test]
async fn a_304_only_for_the_same_body_and_the_stored_page_is_the_same_for_everyone() {
    let app = common::spawn_demo_app().await;
    app.index_now().await;
    let first = app.get("/needs").await;
    assert_eq!(first.status().as_u16(), 200);
    let tag = first.headers().get("etag").expect("an ETag").clone();
    let tag_text = tag.to_str().expect("ascii").to_owned();
    let csp = first
        .headers()
        .get("content-security-policy")
        .expect("a policy")
        .to_str()
        .expect("text")
        .to_owned();
    let body = first.text().await.expect("body");
    // No nonce is handed out twice: the stored page has none; its inline scripts are
    // allowed by hash.
    assert!(!body.contains("nonce="), "no nonce in a stored page");
    assert!(
        csp.contains("'sha256-") && !csp.contains("'nonce-"),
        "{csp}"
    );
    let second = app.get("/needs").await;
    assert_eq!(second.headers().get("etag"), Some(&tag));
    assert_eq!(
        second.text().await.expect("body"),
        body,
        "byte for byte the same"
    );

    // Revalidation: 304 with no body while nothing changed.
    let revalidated = get_with(&app, "/needs", &[("if-none-match", tag_text.as_str())]).await;
    assert_eq!(revalidated.status().as_u16(), 304);
    assert_eq!(revalidated.headers().get("etag"), Some(&tag));
    assert!(revalidated.bytes().await.expect("body").is_empty());

    // Compressed once when stored: the same content, with its own tag.
    let compressed = get_with(&app, "/needs", &[("accept-encoding", "gzip")]).await;
    assert_eq!(
        compressed
            .headers()
            .get("content-encoding")
            .map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    let gz_tag = compressed.headers().get("etag").expect("tag").clone();
    assert_ne!(gz_tag, tag);
    let bytes = compressed.bytes().await.expect("body");
    let mut unzipped = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut unzipped)
        .expect("gzip");
    assert_eq!(unzipped, body);
    let br = get_with(&app, "/needs", &[("accept-encoding", "gzip, deflate, br")]).await;
    assert_eq!(
        br.headers().get("content-encoding").map(|v| v.as_bytes()),
        Some(&b"br"[..])
    );
    let mut unbrotli = Vec::new();
    brotli::BrotliDecompress(&mut &br.bytes().await.expect("body")[..], &mut unbrotli)
        .expect("brotli");
    assert_eq!(String::from_utf8(unbrotli).expect("utf-8"), body);

    // Another language is another page.
    let english = get_with(
        &app,
        "/needs",
        &[("cookie", "lang=en"), ("if-none-match", tag_text.as_str())],
    )
    .await;
    assert_eq!(english.status().as_u16(), 200);
    assert_ne!(english.headers().get("etag"), Some(&tag));

    // After a change the same tag gets the new page, not a 304.
    let code = publish_need(
        &app,
        "需要一台制氧机",
        "老人患慢阻肺，需要家用制氧机。",
        "NA-CACHE-304",
    )
    .await;
    app.index_now().await;
    let changed = get_with(&app, "/needs", &[("if-none-match", tag_text.as_str())]).await;
    assert_eq!(changed.status().as_u16(), 200);
    assert_ne!(changed.headers().get("etag"), Some(&tag));
    assert!(changed.text().await.expect("body").contains(&code));
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_for_the_operator_only() {
    let app = common::spawn_demo_app().await;
    let (_, home) = app.get_text("/").await;
    let start = home.find("/needs/").expect("a need link");
    let path: String = home[start..].chars().take_while(|c| *c != '"').collect();
    assert_eq!(app.get(&path).await.status().as_u16(), 200);
    let (status, text) = app.get_text("/metrics").await;
    assert_eq!(status, 200);
    assert!(
        text.contains("shanqiao_http_requests_total{route=\"/needs/{code}\""),
        "by template"
    );
    let code = path.trim_start_matches("/needs/");
    assert!(!text.contains(code), "never by raw path");
    for name in [
        "shanqiao_http_request_duration_seconds_bucket",
        "shanqiao_db_pool_connections",
        "shanqiao_search_outbox_lag",
        "shanqiao_message_outbox_pending",
        "shanqiao_page_cache_total",
        "shanqiao_page_cache_invalidations_total",
        "shanqiao_jobs_total",
    ] {
        assert!(text.contains(name), "{name} in the metrics");
    }
    // Through a proxy, a visitor arrives from loopback too: not the operator.
    let proxied = get_with(&app, "/metrics", &[("x-forwarded-for", "203.0.113.9")]).await;
    assert_eq!(proxied.status().as_u16(), 404);
}
