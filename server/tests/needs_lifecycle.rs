//! The life of a need in the office portal, through its real forms: written with a
//! phone number (blocked, highlighted, nothing stored), fixed and submitted, returned
//! with a comment, resubmitted, published by a second person with generalized
//! quasi-identifiers, and withdrawn; consent withdrawal; review expiry; overrides.

mod common;

use common::{location, sign_in_demo, TestApp};

const CASEWORKER: &str = "caseworker@shanqiao.test";
const REVIEWER: &str = "reviewer@shanqiao.test";
const NAMES: &str = "刘桂芝、刘小军";

fn need_form<'a>(story: &'a str, action: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", "为独居老人更换取暖设备"),
        ("region_code", "220122"),
        ("assistance_type", "basic_living"),
        ("household_category", "tekun"),
        ("coverage", "still_in_hardship"),
        ("assistance_received", "特困供养"),
        ("age_band", "80+"),
        ("household_size", "1"),
        ("urgency", "high"),
        ("story", story),
        ("deadline", ""),
        ("target_amount", "2400"),
        ("item_name_0", "电暖器"),
        ("item_unit_0", "台"),
        ("item_quantity_0", "1"),
        ("item_value_0", "600"),
        ("case_reference", "NA-TEST-0001"),
        ("household_names", NAMES),
        ("consent_recorded_on", "2026-01-05"),
        ("consent_scope", "同意在善桥平台匿名公开需求"),
        ("action", action),
    ]
}

const CLEAN_STORY: &str =
    "老人独自居住，房屋老旧保温差，冬季室内温度很低，原有取暖设备已损坏，急需更换。";
const PHONE_STORY: &str =
    "老人独自居住，房屋老旧保温差，冬季室内温度很低，联系人电话 138-0013-8000，急需更换。";

async fn status_of(app: &TestApp, code: &str) -> String {
    common::strings(
        &app.database.db,
        &format!("SELECT status FROM needs WHERE public_code = '{code}'"),
    )
    .await
    .remove(0)
}

async fn count_needs(app: &TestApp) -> i64 {
    common::integer(&app.database.db, "SELECT COUNT(*) FROM needs").await
}

fn code_from(location: &str) -> String {
    location
        .trim_start_matches("/office/needs/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_need_goes_from_draft_through_review_to_the_public_site() {
    let app = common::spawn_demo_app().await;
    let caseworker = sign_in_demo(&app, CASEWORKER).await;
    let before = count_needs(&app).await;

    // A story with a phone number is blocked, highlighted, and nothing is stored.
    let blocked = app
        .post_form(
            "/office/needs/new",
            &need_form(PHONE_STORY, "submit"),
            Some(&caseworker),
        )
        .await;
    assert_eq!(blocked.status().as_u16(), 422);
    let html = blocked.text().await.expect("body");
    assert!(html.contains("pii-blocking"), "the finding is marked");
    assert!(html.contains("138-0013-8000"), "the typed story comes back");
    assert!(html.contains("data-testid=\"error-summary\""));
    assert_eq!(count_needs(&app).await, before, "nothing stored");

    // Without it, it is saved and submitted in one step.
    let submitted = app
        .post_form(
            "/office/needs/new",
            &need_form(CLEAN_STORY, "submit"),
            Some(&caseworker),
        )
        .await;
    assert_eq!(submitted.status().as_u16(), 303);
    let code = code_from(&location(&submitted));
    assert!(code.starts_with("JL-"), "a Jilin code: {code}");
    assert_eq!(status_of(&app, &code).await, "in_review");
    let case = common::strings(
        &app.database.db,
        &format!(
            "SELECT p.case_reference FROM need_private p JOIN needs n ON n.id = p.need_id WHERE n.public_code = '{code}'"
        ),
    )
    .await;
    assert_eq!(case, vec!["NA-TEST-0001"]);
    assert_eq!(
        app.get_text(&format!("/needs/{code}")).await.0,
        404,
        "not public yet"
    );

    // The author cannot publish (not a reviewer); the reviewer returns it with a comment.
    let own = app
        .post_form(
            &format!("/office/needs/{code}/approve"),
            &[],
            Some(&caseworker),
        )
        .await;
    assert_eq!(own.status().as_u16(), 403);
    let reviewer = sign_in_demo(&app, REVIEWER).await;
    let no_comment = app
        .post_form(
            &format!("/office/needs/{code}/return"),
            &[("comment", " ")],
            Some(&reviewer),
        )
        .await;
    assert_eq!(no_comment.status().as_u16(), 422);
    let returned = app
        .post_form(
            &format!("/office/needs/{code}/return"),
            &[("comment", "请补充已享受的救助情况")],
            Some(&reviewer),
        )
        .await;
    assert_eq!(returned.status().as_u16(), 303);
    assert_eq!(status_of(&app, &code).await, "draft");
    let (_, page) = app
        .get_with_cookie(&format!("/office/needs/{code}"), &caseworker)
        .await;
    assert!(
        page.contains("请补充已享受的救助情况"),
        "the author sees the comment"
    );

    // The editor opens on the stored draft, private part included, with the comment.
    let (status, editor) = app
        .get_with_cookie(&format!("/office/needs/{code}/edit"), &caseworker)
        .await;
    assert_eq!(status, 200);
    assert!(
        editor.contains("value=\"为独居老人更换取暖设备\""),
        "title filled in"
    );
    assert!(
        editor.contains("value=\"NA-TEST-0001\""),
        "case reference filled in"
    );
    assert!(editor.contains("请补充已享受的救助情况"));
    assert!(editor.contains("data-testid=\"need-preview\""));

    // Edited as the comment asks (the assistance received written out) and resubmitted;
    // then the reviewer publishes.
    let mut form = need_form(CLEAN_STORY, "save");
    for field in form.iter_mut() {
        if field.0 == "assistance_received" {
            field.1 = "特困供养（每月基本生活费）";
        }
    }
    let edited = app
        .post_form(
            &format!("/office/needs/{code}/edit"),
            &form,
            Some(&caseworker),
        )
        .await;
    assert_eq!(edited.status().as_u16(), 303);
    let resubmitted = app
        .post_form(
            &format!("/office/needs/{code}/submit"),
            &[],
            Some(&caseworker),
        )
        .await;
    assert_eq!(resubmitted.status().as_u16(), 303);
    let published = app
        .post_form(
            &format!("/office/needs/{code}/approve"),
            &[],
            Some(&reviewer),
        )
        .await;
    assert_eq!(published.status().as_u16(), 303);
    assert_eq!(status_of(&app, &code).await, "published");
    let (_, page) = app
        .get_with_cookie(&format!("/office/needs/{code}"), &caseworker)
        .await;
    let history = page
        .split("data-testid=\"need-history\"")
        .nth(1)
        .and_then(|h| h.split("</ol>").next())
        .expect("a history");
    for step in [
        "创建草稿",
        "提交审核",
        "退回修改",
        "请补充已享受的救助情况",
        "审核通过并发布",
    ] {
        assert!(history.contains(step), "{step} in the history");
    }

    // The public page has the public copy and nothing private; the lone 80+ one-person
    // tekun household of the county was generalized.
    let (status, public) = app.get_text(&format!("/needs/{code}")).await;
    assert_eq!(status, 200);
    assert!(public.contains("为独居老人更换取暖设备"));
    for private in ["NA-TEST-0001", "刘桂芝", "刘小军", "同意在善桥平台"] {
        assert!(!public.contains(private), "{private} must not be public");
    }
    let stored = common::strings(
        &app.database.db,
        &format!(
            "SELECT age_band || '|' || household_size FROM needs WHERE public_code = '{code}'"
        ),
    )
    .await;
    let others = common::integer(
        &app.database.db,
        &format!(
            "SELECT COUNT(*) FROM needs WHERE region_code = '220122' AND household_category = 'tekun' \
             AND age_band = '80+' AND household_size = '1' AND public_code <> '{code}' \
             AND status IN ('published','claimed','fulfilled','verified','expired')"
        ),
    )
    .await;
    if others == 0 {
        assert_eq!(
            stored,
            vec!["60+|1-2"],
            "a unique combination is published wider"
        );
    } else {
        assert_eq!(stored, vec!["80+|1"]);
    }

    // Every step is in the audit log, and no private data is.
    let actions = common::strings(
        &app.database.db,
        &format!("SELECT action FROM audit_log WHERE entity_id = '{code}' ORDER BY id"),
    )
    .await;
    assert_eq!(
        actions,
        vec![
            "need.create",
            "need.submit",
            "need.return",
            "need.update",
            "need.submit",
            "need.publish"
        ]
    );
    let leaks = common::integer(
        &app.database.db,
        "SELECT COUNT(*) FROM audit_log WHERE COALESCE(after_state, '') LIKE '%刘桂芝%' \
         OR COALESCE(before_state, '') LIKE '%NA-TEST-0001%' OR COALESCE(after_state, '') LIKE '%NA-TEST-0001%'",
    )
    .await;
    assert_eq!(leaks, 0);

    // Withdrawn with a reason: gone from the public site.
    let no_reason = app
        .post_form(
            &format!("/office/needs/{code}/withdraw"),
            &[("reason", "")],
            Some(&caseworker),
        )
        .await;
    assert_eq!(no_reason.status().as_u16(), 422);
    let withdrawn = app
        .post_form(
            &format!("/office/needs/{code}/withdraw"),
            &[("reason", "已通过临时救助解决")],
            Some(&caseworker),
        )
        .await;
    assert_eq!(withdrawn.status().as_u16(), 303);
    assert_eq!(status_of(&app, &code).await, "withdrawn");
    // Public pages follow once the outbox is applied (the indexer does it every 250 ms).
    app.index_now().await;
    assert_eq!(app.get_text(&format!("/needs/{code}")).await.0, 404);
}

#[tokio::test]
async fn nobody_reviews_their_own_need() {
    let app = common::spawn_demo_app().await;
    // The city office admin both writes and reviews.
    let admin = sign_in_demo(&app, "office-admin@shanqiao.test").await;
    let submitted = app
        .post_form(
            "/office/needs/new",
            &need_form(CLEAN_STORY, "submit"),
            Some(&admin),
        )
        .await;
    assert_eq!(submitted.status().as_u16(), 303);
    let code = code_from(&location(&submitted));
    let own = app
        .post_form(&format!("/office/needs/{code}/approve"), &[], Some(&admin))
        .await;
    assert_eq!(own.status().as_u16(), 403);
    assert!(own
        .text()
        .await
        .expect("body")
        .contains("不能审核自己撰写的需求"));
    assert_eq!(status_of(&app, &code).await, "in_review");
    // The county's reviewer may.
    let reviewer = sign_in_demo(&app, REVIEWER).await;
    let ok = app
        .post_form(
            &format!("/office/needs/{code}/approve"),
            &[],
            Some(&reviewer),
        )
        .await;
    assert_eq!(ok.status().as_u16(), 303);
    assert_eq!(status_of(&app, &code).await, "published");
}

#[tokio::test]
async fn withdrawn_consent_unpublishes_at_once() {
    let app = common::spawn_demo_app().await;
    let code = common::strings(
        &app.database.db,
        "SELECT public_code FROM needs WHERE region_code = '220122' AND status = 'published' ORDER BY id LIMIT 1",
    )
    .await
    .remove(0);
    assert_eq!(app.get_text(&format!("/needs/{code}")).await.0, 200);
    let (_, home_before) = app.get_text("/").await;
    let caseworker = sign_in_demo(&app, CASEWORKER).await;
    let unconfirmed = app
        .post_form(
            &format!("/office/needs/{code}/consent-withdrawn"),
            &[],
            Some(&caseworker),
        )
        .await;
    assert_eq!(unconfirmed.status().as_u16(), 422);
    let recorded = app
        .post_form(
            &format!("/office/needs/{code}/consent-withdrawn"),
            &[("confirm", "on")],
            Some(&caseworker),
        )
        .await;
    assert_eq!(recorded.status().as_u16(), 303);
    assert_eq!(status_of(&app, &code).await, "withdrawn");
    // Public pages follow once the outbox is applied (the indexer does it every 250 ms).
    app.index_now().await;
    assert_eq!(app.get_text(&format!("/needs/{code}")).await.0, 404);
    let (_, home_after) = app.get_text("/").await;
    if home_before.contains(&code) {
        assert!(!home_after.contains(&code), "gone from the home page list");
    }
    let outbox = common::integer(
        &app.database.db,
        &format!(
            "SELECT COUNT(*) FROM search_outbox o JOIN needs n ON n.id = o.entity_id \
             WHERE n.public_code = '{code}' AND o.op = 'delete'"
        ),
    )
    .await;
    assert_eq!(outbox, 1, "the search index is told to drop it");
    let consent = common::integer(
        &app.database.db,
        &format!(
            "SELECT COUNT(*) FROM need_private p JOIN needs n ON n.id = p.need_id \
             WHERE n.public_code = '{code}' AND p.consent_withdrawn_at IS NOT NULL"
        ),
    )
    .await;
    assert_eq!(consent, 1);
    // Recording it twice is refused, and nothing can bring it back to review.
    let again = app
        .post_form(
            &format!("/office/needs/{code}/consent-withdrawn"),
            &[("confirm", "on")],
            Some(&caseworker),
        )
        .await;
    assert_eq!(again.status().as_u16(), 409);
}

#[tokio::test]
async fn reviews_past_the_office_time_limit_go_back_to_draft() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let caseworker = sign_in_demo(&app, CASEWORKER).await;
    let mut codes = Vec::new();
    for _ in 0..2 {
        let r = app
            .post_form(
                "/office/needs/new",
                &need_form(CLEAN_STORY, "submit"),
                Some(&caseworker),
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        codes.push(code_from(&location(&r)));
    }
    let now = chrono::Utc::now();
    // The first waited eight days; the second one day.
    for (code, days) in [(&codes[0], 8), (&codes[1], 1)] {
        let at = (now - chrono::Duration::days(days)).to_rfc3339();
        let sql = if app.database.is_postgres() {
            format!(
                "UPDATE needs SET submitted_at = '{at}'::timestamptz WHERE public_code = '{code}'"
            )
        } else {
            format!("UPDATE needs SET submitted_at = '{at}' WHERE public_code = '{code}'")
        };
        sea_orm::ConnectionTrait::execute_unprepared(db, &sql)
            .await
            .expect("backdate");
    }
    let returned = app::needs::lifecycle::expire_reviews(db, now)
        .await
        .expect("expiry runs");
    assert!(returned >= 1);
    assert_eq!(status_of(&app, &codes[0]).await, "draft");
    assert_eq!(status_of(&app, &codes[1]).await, "in_review");
    let comment = common::strings(
        db,
        &format!(
            "SELECT review_comment FROM needs WHERE public_code = '{}'",
            codes[0]
        ),
    )
    .await;
    assert_eq!(comment, vec![app::needs::lifecycle::REVIEW_EXPIRED_COMMENT]);
    let system = common::integer(
        db,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity_id = '{}' AND action = 'need.review_expired' AND actor_kind = 'system'",
            codes[0]
        ),
    )
    .await;
    assert_eq!(system, 1);

    // A shorter limit, set by the office admin of that office, catches the second.
    sea_orm::ConnectionTrait::execute_unprepared(
        db,
        "UPDATE organizations SET review_time_limit_days = 1 WHERE region_code = '220122' AND kind = 'civil_affairs'",
    )
    .await
    .expect("limit");
    app::needs::lifecycle::expire_reviews(db, now + chrono::Duration::minutes(1))
        .await
        .expect("expiry runs");
    assert_eq!(status_of(&app, &codes[1]).await, "draft");
}

#[tokio::test]
async fn a_reviewer_overrides_a_finding_only_with_a_reason() {
    let app = common::spawn_demo_app().await;
    let caseworker = sign_in_demo(&app, CASEWORKER).await;
    // A hotline number the guard cannot tell from a family's phone.
    let story = "老人独自居住，房屋老旧保温差，冬季室内温度很低，可拨打民政服务热线 0431-88886666 咨询，急需更换。";
    let saved = app
        .post_form(
            "/office/needs/new",
            &need_form(story, "save"),
            Some(&caseworker),
        )
        .await;
    assert_eq!(
        saved.status().as_u16(),
        303,
        "drafts may be saved with findings"
    );
    let code = code_from(&location(&saved));
    let blocked = app
        .post_form(
            &format!("/office/needs/{code}/submit"),
            &[],
            Some(&caseworker),
        )
        .await;
    assert_eq!(blocked.status().as_u16(), 422);
    assert_eq!(status_of(&app, &code).await, "draft");

    let finding = |reason: &'static str| {
        vec![
            ("kind", "landline"),
            ("text", "0431-88886666"),
            ("reason", reason),
        ]
    };
    // The author cannot override their own finding even as office staff.
    let own = app
        .post_form(
            &format!("/office/needs/{code}/override"),
            &finding("民政服务热线"),
            Some(&caseworker),
        )
        .await;
    assert_eq!(own.status().as_u16(), 403);
    let reviewer = sign_in_demo(&app, REVIEWER).await;
    let no_reason = app
        .post_form(
            &format!("/office/needs/{code}/override"),
            &finding(""),
            Some(&reviewer),
        )
        .await;
    assert_eq!(no_reason.status().as_u16(), 422);
    let ok = app
        .post_form(
            &format!("/office/needs/{code}/override"),
            &finding("这是民政局公开的服务热线，不是家庭电话"),
            Some(&reviewer),
        )
        .await;
    assert_eq!(ok.status().as_u16(), 303);
    let submitted = app
        .post_form(
            &format!("/office/needs/{code}/submit"),
            &[],
            Some(&caseworker),
        )
        .await;
    assert_eq!(submitted.status().as_u16(), 303);
    assert_eq!(status_of(&app, &code).await, "in_review");
    let audited = common::strings(
        &app.database.db,
        &format!(
            "SELECT reason FROM audit_log WHERE entity_id = '{code}' AND action = 'need.pii_override'"
        ),
    )
    .await;
    assert_eq!(audited, vec!["这是民政局公开的服务热线，不是家庭电话"]);
}

#[tokio::test]
async fn editor_fields_answer_one_by_one_and_preview_shows_the_public_copy() {
    let app = common::spawn_demo_app().await;
    let caseworker = sign_in_demo(&app, CASEWORKER).await;
    let mut form = need_form(CLEAN_STORY, "save");
    form.retain(|(k, _)| !matches!(*k, "title" | "household_category" | "consent_recorded_on"));
    form.push(("title", "短"));
    form.push(("consent_recorded_on", "2999-01-01"));
    let bad = app
        .post_form("/office/needs/new", &form, Some(&caseworker))
        .await;
    assert_eq!(bad.status().as_u16(), 422);
    let html = bad.text().await.expect("body");
    for id in [
        "field-title-error",
        "field-household_category-error",
        "field-consent_recorded_on-error",
    ] {
        assert!(html.contains(id), "{id} shown");
    }
    assert!(html.contains(CLEAN_STORY), "what was typed stays");

    // Another county than the caseworker's is refused on the field.
    let mut elsewhere = need_form(CLEAN_STORY, "save");
    elsewhere.retain(|(k, _)| *k != "region_code");
    elsewhere.push(("region_code", "621121"));
    let out = app
        .post_form("/office/needs/new", &elsewhere, Some(&caseworker))
        .await;
    assert_eq!(out.status().as_u16(), 422);
    assert!(out
        .text()
        .await
        .expect("body")
        .contains("field-region_code-error"));

    let preview = app
        .post_form(
            "/office/needs/new",
            &need_form(CLEAN_STORY, "preview"),
            Some(&caseworker),
        )
        .await;
    assert_eq!(preview.status().as_u16(), 200);
    let html = preview.text().await.expect("body");
    assert!(html.contains("data-testid=\"need-preview\""));
    assert!(html.contains("data-testid=\"pii-clean\""));
    let preview_part = html
        .split("data-testid=\"need-preview\"")
        .nth(1)
        .expect("preview");
    let preview_part = preview_part.split("</article>").next().expect("article");
    assert!(preview_part.contains("为独居老人更换取暖设备"));
    assert!(
        !preview_part.contains("刘桂芝"),
        "no private field in the preview"
    );
    assert!(!preview_part.contains("NA-TEST-0001"));

    // A visitor without a session is sent to sign in; a donor is refused.
    let anonymous = app
        .post_form("/office/needs/new", &need_form(CLEAN_STORY, "save"), None)
        .await;
    assert_eq!(anonymous.status().as_u16(), 303);
    assert!(location(&anonymous).starts_with("/signin"));
    let donor = sign_in_demo(&app, "donor@shanqiao.test").await;
    let refused = app
        .post_form(
            "/office/needs/new",
            &need_form(CLEAN_STORY, "save"),
            Some(&donor),
        )
        .await;
    assert_eq!(refused.status().as_u16(), 403);
}

#[tokio::test]
async fn staff_lists_needs_by_state_within_their_region() {
    let app = common::spawn_demo_app().await;
    let caseworker = sign_in_demo(&app, CASEWORKER).await;
    let (status, html) = app
        .get_with_cookie("/office/needs?status=in_review", &caseworker)
        .await;
    assert_eq!(status, 200);
    let listed: Vec<&str> = html
        .split("href=\"/office/needs/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|c| c.contains('-') && c.len() == 14)
        .collect();
    let expected = common::strings(
        &app.database.db,
        "SELECT public_code FROM needs WHERE region_code = '220122' AND status = 'in_review'",
    )
    .await;
    assert_eq!(listed.len(), expected.len(), "{listed:?} vs {expected:?}");
    for code in &expected {
        assert!(listed.contains(&code.as_str()));
    }
    let (status, _) = app.get_text("/office/needs").await;
    assert_eq!(status, 303, "signed-out visitors go to sign in");
}

#[tokio::test]
async fn the_editor_offers_the_wider_values_and_applies_them_on_request() {
    let app = common::spawn_demo_app().await;
    let caseworker = sign_in_demo(&app, CASEWORKER).await;
    // A combination no published need of the county has.
    let mut form = need_form(CLEAN_STORY, "generalize");
    form.retain(|(k, _)| !matches!(*k, "age_band" | "household_size" | "household_category"));
    form.push(("age_band", "0-5"));
    form.push(("household_size", "6+"));
    form.push(("household_category", "relapse_watch"));
    let response = app
        .post_form("/office/needs/new", &form, Some(&caseworker))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.expect("body");
    assert!(html.contains("data-testid=\"quasi-warning\""));
    assert!(
        html.contains("<option value=\"0-17\" selected"),
        "age band widened"
    );
    assert!(
        html.contains("<option value=\"5+\" selected"),
        "household size bucketed"
    );
    assert_eq!(
        common::integer(
            &app.database.db,
            "SELECT COUNT(*) FROM need_private WHERE case_reference = 'NA-TEST-0001'"
        )
        .await,
        0,
        "nothing stored by a check"
    );
}

#[tokio::test]
async fn two_reviewers_acting_at_once_one_wins() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let caseworker = sign_in_demo(&app, CASEWORKER).await;
    let submitted = app
        .post_form(
            "/office/needs/new",
            &need_form(CLEAN_STORY, "submit"),
            Some(&caseworker),
        )
        .await;
    let code = code_from(&location(&submitted));
    let staff_of = |email: &'static str| async move {
        let id =
            common::integer(db, &format!("SELECT id FROM users WHERE email = '{email}'")).await;
        app::needs::staff::Staff::of_user(db, id)
            .await
            .expect("staff")
    };
    let reviewer = staff_of(REVIEWER).await;
    let admin = staff_of("office-admin@shanqiao.test").await;
    let now = chrono::Utc::now();
    let (approved, returned) = tokio::join!(
        app::needs::lifecycle::publish(db, &reviewer, &code, now),
        app::needs::lifecycle::return_to_author(db, &admin, &code, "请补充", now),
    );
    let wins = [approved.is_ok(), returned.is_ok()];
    assert_eq!(
        wins.iter().filter(|w| **w).count(),
        1,
        "{approved:?} {returned:?}"
    );
    let loser = if approved.is_ok() { returned } else { approved };
    assert!(
        matches!(
            loser,
            Err(app::needs::lifecycle::NeedError::WrongState(_))
                | Err(app::needs::lifecycle::NeedError::Database(_))
        ),
        "the other is refused: {loser:?}"
    );
    let transitions = common::integer(
        db,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity_id = '{code}' AND action IN ('need.publish', 'need.return')"
        ),
    )
    .await;
    assert_eq!(transitions, 1, "one transition recorded");
}

#[tokio::test]
async fn a_case_number_copied_into_the_story_blocks_like_a_name() {
    let app = common::spawn_demo_app().await;
    let caseworker = sign_in_demo(&app, CASEWORKER).await;
    let before = count_needs(&app).await;
    // The form's case reference is NA-TEST-0001; the story repeats it, spaced out.
    let story = "老人独自居住，房屋老旧保温差，冬季室内温度很低，档案 NA TEST 0001，急需更换。";
    let blocked = app
        .post_form(
            "/office/needs/new",
            &need_form(story, "submit"),
            Some(&caseworker),
        )
        .await;
    assert_eq!(blocked.status().as_u16(), 422);
    let html = blocked.text().await.expect("body");
    assert!(
        html.contains("data-kind=\"case_reference\""),
        "the finding names what it is"
    );
    assert!(html.contains("pii-blocking"), "and marks it");
    assert_eq!(count_needs(&app).await, before, "nothing stored");
}
