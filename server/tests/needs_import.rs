//! CSV import in the office portal: the template, a file with good and bad rows
//! (nothing imported, every bad row named), the good rows only on request, GB18030
//! files, and files refused as a whole.

mod common;

use common::{sign_in_demo, TestApp};

const HEADER: &str = "标题,情况说明,帮扶类型,家庭类别,救助情况,县区代码,年龄段,家庭人口,紧急程度,资金需求,物品,案件编号,家庭成员姓名,授权日期,授权范围";

fn row(title: &str, story: &str, county: &str, names: &str) -> String {
    format!(
        "{title},{story},医疗,特困人员,still_in_hardship,{county},70-79,1,high,3000,轮椅/台/1/1200,CSV-{title},{names},2026-02-01,同意匿名公开"
    )
}

const STORY: &str = "老人患有慢性病，长期服药，行动不便，需要一台轮椅方便就医。";

async fn upload(app: &TestApp, cookie: &str, bytes: Vec<u8>, partial: bool) -> (u16, String) {
    let mut form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes)
            .file_name("needs.csv")
            .mime_str("text/csv")
            .expect("mime"),
    );
    if partial {
        form = form.text("partial", "on");
    }
    let response = app
        .client
        .post(app.url("/office/needs/import"))
        .header("origin", format!("http://{}", app.addr))
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

async fn drafts_from_csv(app: &TestApp) -> i64 {
    common::integer(
        &app.database.db,
        "SELECT COUNT(*) FROM need_private WHERE case_reference LIKE 'CSV-%'",
    )
    .await
}

#[tokio::test]
async fn a_file_with_one_bad_row_imports_nothing_and_names_the_row() {
    let app = common::spawn_demo_app().await;
    let cookie = sign_in_demo(&app, "caseworker@shanqiao.test").await;

    let (status, template) = app
        .get_with_cookie("/office/needs/import/template.csv", &cookie)
        .await;
    assert_eq!(status, 200);
    assert!(template
        .trim_start_matches('\u{feff}')
        .starts_with("标题,情况说明,帮扶类型"));

    let file = [
        HEADER.to_owned(),
        row("为老人购置轮椅一", STORY, "220122", "孙大娘"),
        row(
            "为老人购置轮椅二",
            &format!("{STORY}联系电话13800138000"),
            "220122",
            "孙大爷",
        ),
        row("为老人购置轮椅三", STORY, "621121", "李大娘"),
        row("短", STORY, "220122", "周大爷"),
        row("为老人购置轮椅五", STORY, "220122", "吴大娘"),
    ]
    .join("\r\n");
    let (status, html) = upload(&app, &cookie, file.clone().into_bytes(), false).await;
    assert_eq!(status, 422);
    assert_eq!(drafts_from_csv(&app).await, 0, "all or nothing");
    assert!(html.contains("data-testid=\"import-report\""));
    // Rows 3 (phone), 4 (another county) and 5 (title) are bad; the phone is not echoed.
    for n in [3, 4, 5] {
        let marker = format!("data-row=\"{n}\"");
        let cell = html.split(&marker).nth(1).expect("row reported");
        let cell = cell.split("</tr>").next().expect("row");
        assert!(cell.contains("<li>"), "row {n} has its problems: {cell}");
    }
    assert!(html.contains("含有个人信息"));
    assert!(html.contains("不在您所在部门的辖区内"));
    assert!(
        !html.contains("13800138000"),
        "the report does not repeat personal data"
    );

    // Good rows only, when asked.
    let (status, html) = upload(&app, &cookie, file.into_bytes(), true).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(drafts_from_csv(&app).await, 2);
    let statuses = common::strings(
        &app.database.db,
        "SELECT DISTINCT n.status FROM needs n JOIN need_private p ON p.need_id = n.id WHERE p.case_reference LIKE 'CSV-%'",
    )
    .await;
    assert_eq!(statuses, vec!["draft"], "imported needs start as drafts");
    assert_eq!(
        common::integer(
            &app.database.db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'need.create' AND actor_kind = 'user' AND entity_id IN \
             (SELECT n.public_code FROM needs n JOIN need_private p ON p.need_id = n.id WHERE p.case_reference LIKE 'CSV-%')",
        )
        .await,
        2
    );
}

#[tokio::test]
async fn gb18030_and_bom_files_import_and_broken_files_are_refused_whole() {
    let app = common::spawn_demo_app().await;
    let cookie = sign_in_demo(&app, "caseworker@shanqiao.test").await;
    let text = [
        HEADER.to_owned(),
        row("为老人购置轮椅甲", STORY, "220122", "郑大娘"),
    ]
    .join("\n");
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    let (status, html) = upload(&app, &cookie, gb.into_owned(), false).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(drafts_from_csv(&app).await, 1);

    let with_bom = [
        b"\xEF\xBB\xBF".to_vec(),
        [
            HEADER.to_owned(),
            row("为老人购置轮椅乙", STORY, "220122", "冯大爷"),
        ]
        .join("\n")
        .into_bytes(),
    ]
    .concat();
    let (status, _) = upload(&app, &cookie, with_bom, false).await;
    assert_eq!(status, 200);
    assert_eq!(drafts_from_csv(&app).await, 2);

    // Not text, missing columns, too large: refused with one clear message.
    let (status, html) = upload(
        &app,
        &cookie,
        vec![0xFF, 0xFE, 0x00, 0x81, 0x30, 0xD8],
        false,
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("无法识别文件编码"));
    let (status, html) = upload(
        &app,
        &cookie,
        "标题,情况说明\n甲,乙\n".as_bytes().to_vec(),
        false,
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("缺少列"));
    let big = vec![b'a'; app::needs::import::MAX_BYTES + 10];
    let (status, html) = upload(&app, &cookie, big, false).await;
    assert_eq!(status, 422);
    assert!(html.contains("2 MB"));
    assert_eq!(drafts_from_csv(&app).await, 2);
}

#[tokio::test]
async fn only_office_staff_import() {
    let app = common::spawn_demo_app().await;
    let donor = sign_in_demo(&app, "donor@shanqiao.test").await;
    let (status, html) = app.get_with_cookie("/office/needs/import", &donor).await;
    assert_eq!(status, 403);
    assert!(!html.contains("enctype=\"multipart/form-data\""));
    let caseworker = sign_in_demo(&app, "caseworker@shanqiao.test").await;
    let (status, html) = app
        .get_with_cookie("/office/needs/import", &caseworker)
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert_eq!(
        app.get_text("/office/needs/import").await.0,
        303,
        "sign in first"
    );
    let file = [
        HEADER.to_owned(),
        row("为老人购置轮椅丙", STORY, "220122", "陈大娘"),
    ]
    .join("\n");
    let (status, _) = upload(&app, &donor, file.into_bytes(), false).await;
    assert_eq!(status, 403);
    assert_eq!(drafts_from_csv(&app).await, 0);
}
