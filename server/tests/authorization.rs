//! Who may do what, as a table: the state-changing routes (and the scoped office read)
//! against every role, on a demo database. A new action joins this table.

mod common;

use common::TestApp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Donor,
    UnverifiedCharityAdmin,
    OtherCharityAdmin,
    OtherCountyCaseworker,
    CountyCaseworker,
    Reviewer,
    OfficeAdmin,
    PlatformAdmin,
}

const EVERYONE: [Who; 9] = [
    Who::Anonymous,
    Who::Donor,
    Who::UnverifiedCharityAdmin,
    Who::OtherCharityAdmin,
    Who::OtherCountyCaseworker,
    Who::CountyCaseworker,
    Who::Reviewer,
    Who::OfficeAdmin,
    Who::PlatformAdmin,
];

/// The demo account of each role ("the county" is 农安县; the charity acted on is the
/// demo's first charity, whose admin is `charity-admin@`).
fn account(who: Who) -> Option<&'static str> {
    match who {
        Who::Anonymous => None,
        Who::Donor => Some("donor@shanqiao.test"),
        Who::UnverifiedCharityAdmin => Some("charity-admin-7@shanqiao.test"),
        Who::OtherCharityAdmin => Some("charity-admin-2@shanqiao.test"),
        Who::OtherCountyCaseworker => Some("caseworker-621121@shanqiao.test"),
        Who::CountyCaseworker => Some("caseworker@shanqiao.test"),
        Who::Reviewer => Some("reviewer@shanqiao.test"),
        Who::OfficeAdmin => Some("office-admin@shanqiao.test"),
        Who::PlatformAdmin => Some("admin@shanqiao.test"),
    }
}

async fn cookie(app: &TestApp, who: Who) -> Option<String> {
    Some(common::sign_in_demo(app, account(who)?).await)
}

/// A fresh 农安县 need written by the county caseworker, as a draft or submitted.
async fn fresh_need(app: &TestApp, story: &str, submit: bool) -> String {
    let db = &app.database.db;
    let author = common::integer(
        db,
        "SELECT id FROM users WHERE email = 'caseworker@shanqiao.test'",
    )
    .await;
    let staff = app::needs::staff::Staff::of_user(db, author)
        .await
        .expect("staff");
    let input = app::needs::draft::NeedInput {
        title: "为困难家庭购置冬衣".into(),
        story: story.into(),
        assistance_type: "basic_living".into(),
        household_category: "dibao".into(),
        coverage: "outside".into(),
        region_code: "220122".into(),
        age_band: "30-44".into(),
        household_size: "4".into(),
        urgency: "normal".into(),
        target_amount: "800".into(),
        case_reference: "AUTH-1".into(),
        household_names: "钱一、钱二".into(),
        consent_recorded_on: "2026-01-01".into(),
        consent_scope: "同意匿名公开".into(),
        ..Default::default()
    };
    let draft = app::needs::draft::NeedDraft::parse(
        &input,
        |_| true,
        app::domain::calendar::today(chrono::Utc::now()),
    )
    .expect("valid draft");
    app::needs::lifecycle::create(db, &staff, &draft, submit, chrono::Utc::now())
        .await
        .expect("need created")
}

/// A fresh 农安县 need, published by the county's reviewer.
async fn published_need(app: &TestApp) -> String {
    let db = &app.database.db;
    let code = fresh_need(app, CLEAN, true).await;
    let reviewer = common::integer(
        db,
        "SELECT id FROM users WHERE email = 'reviewer@shanqiao.test'",
    )
    .await;
    let staff = app::needs::staff::Staff::of_user(db, reviewer)
        .await
        .expect("staff");
    app::needs::lifecycle::publish(db, &staff, &code, chrono::Utc::now())
        .await
        .expect("published");
    code
}

const CLEAN: &str = "一家四口依靠低保生活，冬季来临，孩子们缺少御寒衣物，需要购置冬衣。";
const HOTLINE: &str = "一家四口依靠低保生活，冬季来临，可拨打热线0431-88886666咨询，需要购置冬衣。";

/// A need form for the editor, in 农安县.
fn editor_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("title", "为困难家庭购置冬衣"),
        ("story", CLEAN),
        ("assistance_type", "basic_living"),
        ("household_category", "dibao"),
        ("coverage", "outside"),
        ("region_code", "220122"),
        ("age_band", "30-44"),
        ("household_size", "4"),
        ("urgency", "normal"),
        ("target_amount", "800"),
        ("case_reference", "AUTH-2"),
        ("household_names", "孙一"),
        ("consent_recorded_on", "2026-01-01"),
        ("consent_scope", "同意匿名公开"),
        ("action", "save"),
    ]
}

/// Allowed means the action took effect (2xx, or a redirect that is not to sign-in).
fn allowed(response: &reqwest::Response) -> bool {
    let status = response.status().as_u16();
    let to_sign_in = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .is_some_and(|l| l.starts_with("/signin"));
    (200..300).contains(&status) || ((300..400).contains(&status) && !to_sign_in)
}

#[tokio::test]
async fn every_action_by_every_role() {
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let pending = common::integer(
        db,
        "SELECT id FROM organizations WHERE verification = 'pending' LIMIT 1",
    )
    .await;
    let first_charity_admin = common::integer(
        db,
        "SELECT id FROM users WHERE email = 'charity-admin@shanqiao.test'",
    )
    .await;
    let nongan_need = common::strings(
        db,
        "SELECT public_code FROM needs WHERE region_code = '220122' ORDER BY id LIMIT 1",
    )
    .await[0]
        .clone();

    // A token of the first demo charity, which none of the roles administers.
    let first_charity = common::integer(db, "SELECT organization_id FROM memberships WHERE user_id = (SELECT id FROM users WHERE email = 'charity-admin@shanqiao.test')").await;
    app::accounts::tokens::issue(
        db,
        app::accounts::tokens::Issuer::Cli,
        first_charity,
        first_charity_admin,
        "theirs",
        chrono::Utc::now(),
    )
    .await
    .expect("a token");
    let first_charity_token = common::integer(db, "SELECT id FROM api_tokens").await;
    // An invitation into 长春市民政局, the office admin's office.
    let office_admin = app::accounts::store::current_user(
        db,
        common::integer(
            db,
            "SELECT id FROM users WHERE email = 'office-admin@shanqiao.test'",
        )
        .await,
    )
    .await
    .expect("loads")
    .expect("the office admin");
    let changchun = common::integer(
        db,
        "SELECT id FROM organizations WHERE region_code = '220100' AND kind = 'civil_affairs'",
    )
    .await;
    app::organizations::store::invite(
        db,
        app::accounts::requests::Links {
            base_url: "http://shanqiao.test",
        },
        &office_admin,
        changchun,
        &app::accounts::Email::parse("invited@example.org").expect("e-mail"),
        app::domain::organization::Role::Caseworker,
        chrono::Utc::now(),
    )
    .await
    .expect("an invitation");
    let open_invitation = common::integer(
        db,
        "SELECT id FROM invitations WHERE email = 'invited@example.org'",
    )
    .await;

    // Two verified charities none of the roles belongs to: one to suspend, one suspended
    // already, to restore.
    let bystander = |order: &str| {
        format!(
            "SELECT id FROM organizations WHERE kind = 'charity' AND verification = 'verified' \
             AND id NOT IN (SELECT m.organization_id FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE u.email IN ('charity-admin@shanqiao.test', 'charity-admin-2@shanqiao.test')) \
             ORDER BY id {order} LIMIT 1"
        )
    };
    let to_suspend = common::integer(db, &bystander("ASC")).await;
    let to_restore = common::integer(db, &bystander("DESC")).await;
    assert_ne!(to_suspend, to_restore);
    let platform_admin = app::accounts::store::current_user(
        db,
        common::integer(
            db,
            "SELECT id FROM users WHERE email = 'admin@shanqiao.test'",
        )
        .await,
    )
    .await
    .expect("loads")
    .expect("the platform admin");
    app::organizations::store::suspend(
        db,
        &platform_admin,
        to_restore,
        "年检未通过",
        chrono::Utc::now(),
    )
    .await
    .expect("suspended");

    let mut cookies = Vec::new();
    for who in EVERYONE {
        cookies.push((who, cookie(&app, who).await));
    }

    use Who::*;
    // (action, who may) — everyone else must be refused.
    let table: Vec<(&str, Vec<Who>)> = vec![
        (
            "change password",
            vec![
                Donor,
                UnverifiedCharityAdmin,
                OtherCharityAdmin,
                OtherCountyCaseworker,
                CountyCaseworker,
                Reviewer,
                OfficeAdmin,
                PlatformAdmin,
            ],
        ),
        (
            "invite a member into one's own charity",
            vec![UnverifiedCharityAdmin, OtherCharityAdmin],
        ),
        ("issue an API token for another charity's admin", vec![]),
        ("reject a pending charity without reason", vec![]),
        ("verify a pending charity", vec![PlatformAdmin]),
        ("suspend a verified charity", vec![PlatformAdmin]),
        ("restore a suspended charity", vec![PlatformAdmin]),
        (
            "open a 农安县 need in the office portal",
            vec![CountyCaseworker, Reviewer, OfficeAdmin],
        ),
        ("invite staff into one's own office", vec![OfficeAdmin]),
        (
            "issue an office API token acting as oneself",
            vec![OfficeAdmin],
        ),
        (
            "issue an office API token acting as a 农安县 caseworker",
            vec![],
        ),
        ("revoke another charity's API token", vec![]),
        ("revoke an invitation into 长春市民政局", vec![OfficeAdmin]),
        ("issue a password reset link", vec![PlatformAdmin]),
        ("create an office", vec![PlatformAdmin]),
        ("write a 农安县 need", vec![CountyCaseworker, OfficeAdmin]),
        ("submit a 农安县 draft", vec![CountyCaseworker, OfficeAdmin]),
        (
            "publish a 农安县 need in review",
            vec![Reviewer, OfficeAdmin],
        ),
        (
            "return a 农安县 need in review",
            vec![Reviewer, OfficeAdmin],
        ),
        (
            "withdraw a published 农安县 need",
            vec![CountyCaseworker, Reviewer, OfficeAdmin],
        ),
        (
            "record a 农安县 family's withdrawn consent",
            vec![CountyCaseworker, Reviewer, OfficeAdmin],
        ),
        (
            "override a finding in a 农安县 draft",
            vec![Reviewer, OfficeAdmin],
        ),
        (
            "import 农安县 needs from CSV",
            vec![CountyCaseworker, OfficeAdmin],
        ),
        ("set the office's review time limit", vec![OfficeAdmin]),
    ];
    for (action, may) in &table {
        for (who, cookie) in &cookies {
            let c = cookie.as_deref();
            let response = match *action {
                "change password" => {
                    // A deliberately wrong current password: allowed roles get the form
                    // back (422, the handler ran for them); others are sent to sign in.
                    let r = app
                        .post_form(
                            "/account/password",
                            &[
                                ("current_password", "wrong wrong wrong"),
                                ("new_password", "another long password"),
                                ("new_password_confirmation", "another long password"),
                            ],
                            c,
                        )
                        .await;
                    let ran = r.status().as_u16() == 422;
                    assert_eq!(
                        ran,
                        may.contains(who),
                        "{action} by {who:?}: {}",
                        r.status()
                    );
                    continue;
                }
                // Invitations go into the viewer's own charity: its admin may, even
                // before verification; nobody else may.
                "invite a member into one's own charity" => {
                    app.post_form(
                        "/charity/invitations",
                        &[("email", "new@example.org"), ("role", "charity_member")],
                        c,
                    )
                    .await
                }
                // A token must act as a member of the issuing admin's own charity.
                "issue an API token for another charity's admin" => {
                    let member = first_charity_admin.to_string();
                    app.post_form(
                        "/charity/tokens",
                        &[("token_name", "x"), ("token_user", &member)],
                        c,
                    )
                    .await
                }
                "reject a pending charity without reason" => {
                    app.post_form(
                        &format!("/admin/charities/{pending}/reject"),
                        &[("reason", "")],
                        c,
                    )
                    .await
                }
                "verify a pending charity" => {
                    app.post_form(&format!("/admin/charities/{pending}/verify"), &[], c)
                        .await
                }
                "suspend a verified charity" => {
                    app.post_form(
                        &format!("/admin/charities/{to_suspend}/suspend"),
                        &[("reason", "登记证书已过期")],
                        c,
                    )
                    .await
                }
                "restore a suspended charity" => {
                    app.post_form(
                        &format!("/admin/charities/{to_restore}/restore"),
                        &[("reason", "已补充材料")],
                        c,
                    )
                    .await
                }
                "open a 农安县 need in the office portal" => match c {
                    Some(c) => {
                        let (status, _) = app
                            .get_with_cookie(&format!("/office/needs/{nongan_need}"), c)
                            .await;
                        assert_eq!(
                            status == 200,
                            may.contains(who),
                            "{action} by {who:?}: {status}"
                        );
                        continue;
                    }
                    None => app.get(&format!("/office/needs/{nongan_need}")).await,
                },
                "invite staff into one's own office" => {
                    app.post_form(
                        "/office/invitations",
                        &[("email", "new-staff@example.org"), ("role", "caseworker")],
                        c,
                    )
                    .await
                }
                "issue an office API token acting as oneself" => {
                    let me = match account(*who) {
                        Some(email) => {
                            common::integer(
                                db,
                                &format!("SELECT id FROM users WHERE email = '{email}'"),
                            )
                            .await
                        }
                        None => 0,
                    };
                    app.post_form(
                        "/office/tokens",
                        &[("token_name", "x"), ("token_user", &me.to_string())],
                        c,
                    )
                    .await
                }
                // A token acts as the person who makes it: never as another member.
                "issue an office API token acting as a 农安县 caseworker" => {
                    let caseworker = common::integer(
                        db,
                        "SELECT id FROM users WHERE email = 'caseworker@shanqiao.test'",
                    )
                    .await;
                    app.post_form(
                        "/office/tokens",
                        &[("token_name", "x"), ("token_user", &caseworker.to_string())],
                        c,
                    )
                    .await
                }
                "revoke an invitation into 长春市民政局" => {
                    app.post_form(
                        &format!("/office/invitations/{open_invitation}/revoke"),
                        &[],
                        c,
                    )
                    .await
                }
                "revoke another charity's API token" => {
                    app.post_form(
                        &format!("/charity/tokens/{first_charity_token}/revoke"),
                        &[],
                        c,
                    )
                    .await
                }
                "issue a password reset link" => {
                    app.post_form(
                        "/admin/users/reset-links",
                        &[("account", "donor@shanqiao.test")],
                        c,
                    )
                    .await
                }
                "create an office" => {
                    app.post_form(
                        "/admin/offices",
                        &[
                            ("name", "梨树县民政局"),
                            ("region_code", "220322"),
                            ("admin_email", "lishu-admin@example.org"),
                        ],
                        c,
                    )
                    .await
                }
                "write a 农安县 need" => {
                    app.post_form("/office/needs/new", &editor_form(), c).await
                }
                "submit a 农安县 draft" => {
                    let code = fresh_need(&app, CLEAN, false).await;
                    app.post_form(&format!("/office/needs/{code}/submit"), &[], c)
                        .await
                }
                "publish a 农安县 need in review" => {
                    let code = fresh_need(&app, CLEAN, true).await;
                    app.post_form(&format!("/office/needs/{code}/approve"), &[], c)
                        .await
                }
                "return a 农安县 need in review" => {
                    let code = fresh_need(&app, CLEAN, true).await;
                    app.post_form(
                        &format!("/office/needs/{code}/return"),
                        &[("comment", "请补充")],
                        c,
                    )
                    .await
                }
                "withdraw a published 农安县 need" => {
                    let code = published_need(&app).await;
                    app.post_form(
                        &format!("/office/needs/{code}/withdraw"),
                        &[("reason", "重复录入")],
                        c,
                    )
                    .await
                }
                "record a 农安县 family's withdrawn consent" => {
                    let code = published_need(&app).await;
                    app.post_form(
                        &format!("/office/needs/{code}/consent-withdrawn"),
                        &[("confirm", "on")],
                        c,
                    )
                    .await
                }
                "override a finding in a 农安县 draft" => {
                    let code = fresh_need(&app, HOTLINE, false).await;
                    app.post_form(
                        &format!("/office/needs/{code}/override"),
                        &[
                            ("kind", "landline"),
                            ("text", "0431-88886666"),
                            ("reason", "公开的服务热线"),
                        ],
                        c,
                    )
                    .await
                }
                "import 农安县 needs from CSV" => {
                    let csv = format!(
                        "标题,情况说明,帮扶类型,家庭类别,救助情况,县区代码,年龄段,家庭人口,紧急程度,资金需求,案件编号,家庭成员姓名,授权日期,授权范围\n\
                         为困难家庭购置冬衣,{CLEAN},basic_living,dibao,outside,220122,30-44,4,normal,800,AUTH-3,周一,2026-01-01,同意匿名公开\n"
                    );
                    let form = reqwest::multipart::Form::new().part(
                        "file",
                        reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("n.csv"),
                    );
                    let mut request = app
                        .client
                        .post(app.url("/office/needs/import"))
                        .header("origin", format!("http://{}", app.addr))
                        .multipart(form);
                    if let Some(c) = c {
                        request = request.header("cookie", c);
                    }
                    request.send().await.expect("request")
                }
                "set the office's review time limit" => {
                    app.post_form("/office/settings", &[("review_time_limit_days", "5")], c)
                        .await
                }
                other => panic!("no request for {other}"),
            };
            assert_eq!(
                allowed(&response),
                may.contains(who),
                "{action} by {who:?}: {}",
                response.status()
            );
        }
    }
}

/// Who may move money: every money action on the first demo charity's fund and pledges,
/// against every role (its admin and its member among them). Each attempt gets a fresh
/// pledge or proposal, so that one role's success does not change another's answer.
#[tokio::test]
async fn every_money_action_by_every_role() {
    use app::domain::Fen;
    use common::money::{actor, fund_pledge, needs_with_room, new_fund, CHARITY};
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Role {
        Anonymous,
        Donor,
        CharityMember,
        CharityAdmin,
        OtherCharityAdmin,
        UnverifiedCharityAdmin,
        CountyCaseworker,
        PlatformAdmin,
    }
    use Role::*;
    let roles = [
        (Anonymous, None),
        (Donor, Some("donor@shanqiao.test")),
        (CharityMember, Some("charity-member@shanqiao.test")),
        (CharityAdmin, Some(CHARITY)),
        (OtherCharityAdmin, Some("charity-admin-2@shanqiao.test")),
        (
            UnverifiedCharityAdmin,
            Some("charity-admin-7@shanqiao.test"),
        ),
        (CountyCaseworker, Some("caseworker@shanqiao.test")),
        (PlatformAdmin, Some("admin@shanqiao.test")),
    ];
    let app = common::spawn_demo_app().await;
    let db = &app.database.db;
    let who = actor(db, CHARITY).await;
    let fund = new_fund(
        db,
        &who,
        app::domain::support::LeftoverPolicy::BackToFund,
        None,
    )
    .await;
    let needs = needs_with_room(db, 1).await;
    let need = needs[0].0.clone();
    let mut cookies = Vec::new();
    for (role, account) in roles {
        let c = match account {
            Some(a) => Some(common::sign_in_demo(&app, a).await),
            None => None,
        };
        cookies.push((role, c));
    }
    let mut n = 0u32;
    let mut pledge = |received: bool| {
        n += 1;
        let (db, who) = (db.clone(), who.clone());
        let address = format!("10.77.{}.{}", n / 200, n % 200);
        async move {
            let p = app::money::pledges::create(
                &db,
                &fund_pledge(fund, Fen::yuan(20)),
                None,
                &address,
                Default::default(),
                "http://x",
                None,
                chrono::Utc::now(),
            )
            .await
            .expect("pledged");
            if received {
                app::money::pledges::receive(
                    &db,
                    &who,
                    p.id,
                    Fen::yuan(20),
                    None,
                    chrono::Utc::now(),
                )
                .await
                .expect("received");
            }
            p.id
        }
    };
    // Money to allocate.
    for _ in 0..4 {
        pledge(true).await;
    }
    let everyone = [
        Anonymous,
        Donor,
        CharityMember,
        CharityAdmin,
        OtherCharityAdmin,
        UnverifiedCharityAdmin,
        CountyCaseworker,
        PlatformAdmin,
    ];
    let table: Vec<(&str, Vec<Role>)> = vec![
        ("pledge to a fund", everyone.to_vec()),
        ("mark a pledge received", vec![CharityMember, CharityAdmin]),
        (
            "record a receipt above the pledge",
            vec![CharityMember, CharityAdmin],
        ),
        (
            "confirm another member's receipt above the pledge",
            vec![CharityMember],
        ),
        (
            "refund a received pledge",
            vec![CharityMember, CharityAdmin],
        ),
        (
            "allocate fund money to a held need",
            vec![CharityMember, CharityAdmin],
        ),
        // Each admin proposes for their own charity (verified or not).
        (
            "propose a new bank account",
            vec![CharityAdmin, OtherCharityAdmin, UnverifiedCharityAdmin],
        ),
        ("confirm a bank account one proposed oneself", vec![]),
        (
            "withdraw a proposed bank account",
            vec![CharityAdmin, OtherCharityAdmin, UnverifiedCharityAdmin],
        ),
        (
            "confirm a one-admin charity's bank account as the platform",
            vec![PlatformAdmin],
        ),
    ];
    for (action, may) in &table {
        for (role, cookie) in &cookies {
            let c = cookie.as_deref();
            let response = match *action {
                "pledge to a fund" => {
                    app.post_form(
                        &format!("/funds/{fund}/pledge"),
                        &[
                            ("preset", "50"),
                            ("anonymous", "on"),
                            ("contact", "someone@example.org"),
                            ("consent", "on"),
                        ],
                        c,
                    )
                    .await
                }
                "mark a pledge received" => {
                    let id = pledge(false).await;
                    app.post_form(
                        &format!("/charity/pledges/{id}/receive"),
                        &[("amount", "20")],
                        c,
                    )
                    .await
                }
                "record a receipt above the pledge" => {
                    let id = pledge(false).await;
                    app.post_form(
                        &format!("/charity/pledges/{id}/receive"),
                        &[("amount", "25")],
                        c,
                    )
                    .await
                }
                "confirm another member's receipt above the pledge" => {
                    let id = pledge(false).await;
                    app::money::pledges::receive(
                        db,
                        &who,
                        id,
                        Fen::yuan(25),
                        None,
                        chrono::Utc::now(),
                    )
                    .await
                    .expect("proposed");
                    app.post_form(
                        &format!("/charity/pledges/{id}/confirm-receipt"),
                        &[("amount", "25")],
                        c,
                    )
                    .await
                }
                "refund a received pledge" => {
                    let id = pledge(true).await;
                    app.post_form(
                        &format!("/charity/pledges/{id}/refund"),
                        &[("reason", "测试"), ("confirm", "yes")],
                        c,
                    )
                    .await
                }
                "allocate fund money to a held need" => {
                    app.post_form(
                        &format!("/charity/funds/{fund}/allocate"),
                        &[("need", need.as_str()), ("amount", "1")],
                        c,
                    )
                    .await
                }
                "propose a new bank account" => {
                    app.post_form(
                        "/charity/payee",
                        &[
                            ("payee_name", "新户名"),
                            ("payee_bank", "新银行"),
                            ("payee_account", "6222 0000 1111 2222"),
                        ],
                        c,
                    )
                    .await
                }
                "confirm a bank account one proposed oneself" => {
                    app::money::payee::propose(
                        db,
                        &who,
                        "新户名",
                        "新银行",
                        "6222 0000 1111 3333",
                        chrono::Utc::now(),
                    )
                    .await
                    .expect("proposed");
                    app.post_form(
                        "/charity/payee/confirm",
                        &[("seen_account", "6222 0000 1111 3333")],
                        c,
                    )
                    .await
                }
                "withdraw a proposed bank account" => {
                    app::money::payee::propose(
                        db,
                        &who,
                        "新户名",
                        "新银行",
                        "6222 0000 1111 4444",
                        chrono::Utc::now(),
                    )
                    .await
                    .expect("proposed");
                    app.post_form("/charity/payee/withdraw", &[], c).await
                }
                "confirm a one-admin charity's bank account as the platform" => {
                    app::money::payee::propose(
                        db,
                        &who,
                        "新户名",
                        "新银行",
                        "6222 0000 1111 5555",
                        chrono::Utc::now(),
                    )
                    .await
                    .expect("proposed");
                    app.post_form(
                        &format!("/admin/charities/{}/payee/confirm", who.charity_id),
                        &[("seen_account", "6222 0000 1111 5555")],
                        c,
                    )
                    .await
                }
                other => panic!("no request for {other}"),
            };
            assert_eq!(
                allowed(&response),
                may.contains(role),
                "{action} by {role:?}: {}",
                response.status()
            );
        }
    }
}
