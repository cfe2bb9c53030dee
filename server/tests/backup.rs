//! `shanqiao backup --to FILE` while the server runs and needs are being published: the
//! copy restores into a fresh data directory with every need, pledge and ledger entry
//! that was committed before the backup began.

mod common;

use app::entities::{ledger_entry, need, pledge};
use common::{need_code_in, sign_in_demo, TestApp};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement};
use std::collections::BTreeSet;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

async fn ids(db: &DatabaseConnection) -> [BTreeSet<i64>; 3] {
    [
        need::Entity::find()
            .all(db)
            .await
            .expect("needs")
            .iter()
            .map(|r| r.id)
            .collect(),
        pledge::Entity::find()
            .all(db)
            .await
            .expect("pledges")
            .iter()
            .map(|r| r.id)
            .collect(),
        ledger_entry::Entity::find()
            .all(db)
            .await
            .expect("entries")
            .iter()
            .map(|r| r.id)
            .collect(),
    ]
}

/// Publishes needs through the portal until told to stop; how many.
async fn keep_publishing(app: &TestApp, stop: Arc<AtomicBool>) -> usize {
    let caseworker = sign_in_demo(app, "caseworker@shanqiao.test").await;
    let reviewer = sign_in_demo(app, "reviewer@shanqiao.test").await;
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let title = format!("备份期间发布的需求{n}");
        let submitted = app
            .post_form(
                "/office/needs/new",
                &[
                    ("title", title.as_str()),
                    ("region_code", "220122"),
                    ("assistance_type", "medical"),
                    ("household_category", "dibao_edge"),
                    ("coverage", "outside"),
                    ("assistance_received", "无"),
                    ("age_band", "60+"),
                    ("household_size", "2"),
                    ("urgency", "normal"),
                    (
                        "story",
                        "老人患慢性病，需要长期服药，家庭收入微薄，恳请爱心人士帮助。",
                    ),
                    ("deadline", ""),
                    ("target_amount", "1200"),
                    ("item_name_0", "药品"),
                    ("item_unit_0", "盒"),
                    ("item_quantity_0", "10"),
                    ("item_value_0", "120"),
                    ("case_reference", &format!("NA-BACKUP-{n}")),
                    ("household_names", "钱大成"),
                    ("consent_recorded_on", "2026-01-05"),
                    ("consent_scope", "同意在善桥平台匿名公开需求"),
                    ("action", "submit"),
                ],
                Some(&caseworker),
            )
            .await;
        assert_eq!(submitted.status().as_u16(), 303, "submitted");
        let code = need_code_in(&submitted);
        let approved = app
            .post_form(
                &format!("/office/needs/{code}/approve"),
                &[],
                Some(&reviewer),
            )
            .await;
        assert_eq!(approved.status().as_u16(), 303, "published");
        n += 1;
    }
    n
}

#[tokio::test]
async fn a_backup_taken_during_writes_restores_every_need_pledge_and_ledger_entry() {
    let app = common::spawn_demo_app().await;
    let copy_dir = tempfile::tempdir().expect("temp dir");
    let copy = copy_dir.path().join("shanqiao-backup.db");
    if app.database.is_postgres() {
        let out = Command::new(env!("CARGO_BIN_EXE_shanqiao"))
            .args(["backup", "--to", copy.to_str().expect("path")])
            .env("DATABASE_URL", &app.database.url)
            .env("RUST_LOG", "error")
            .output()
            .expect("runs");
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("pg_dump") && err.contains("pg_restore"),
            "{err}"
        );
        return;
    }

    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let app = common::spawn_second_instance(&app).await;
        let stop = stop.clone();
        tokio::spawn(async move { keep_publishing(&app, stop).await })
    };
    // Let the writes get going, then back up in the middle of them.
    while ids(&app.database.db).await[0].len() < 243 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let before = ids(&app.database.db).await;
    let url = app.database.url.clone();
    let target = copy.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_shanqiao"))
            .args(["backup", "--to", target.to_str().expect("path")])
            .env("DATABASE_URL", url)
            .env("RUST_LOG", "error")
            .output()
            .expect("runs")
    })
    .await
    .expect("joined");
    // The writer goes on around the backup; on a loaded machine the copy can finish
    // before its next need, so wait for that one (the copy must hold a prefix either way).
    let mut after = ids(&app.database.db).await;
    let waited = std::time::Instant::now();
    while after[0].len() <= before[0].len() && waited.elapsed() < std::time::Duration::from_secs(20)
    {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        after = ids(&app.database.db).await;
    }
    stop.store(true, Ordering::Relaxed);
    let published = writer.await.expect("writer");
    assert!(
        out.status.success(),
        "backup failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(published > 0);
    assert!(
        after[0].len() > before[0].len(),
        "needs were written around the backup"
    );

    // A second backup to the same file is refused: nothing is overwritten.
    let again = Command::new(env!("CARGO_BIN_EXE_shanqiao"))
        .args(["backup", "--to", copy.to_str().expect("path")])
        .env("DATABASE_URL", &app.database.url)
        .env("RUST_LOG", "error")
        .output()
        .expect("runs");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    // Restore into a fresh data directory and serve it.
    let fresh = tempfile::tempdir().expect("temp dir");
    std::fs::copy(&copy, fresh.path().join("shanqiao.db")).expect("restore");
    let restored_url = format!(
        "sqlite://{}?mode=rwc",
        fresh.path().join("shanqiao.db").display()
    );
    let db = app::db::connect(&restored_url).await.expect("opens");
    let integrity = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .expect("check")
        .expect("a row")
        .try_get_by_index::<String>(0)
        .expect("text");
    assert_eq!(integrity, "ok");
    let restored = ids(&db).await;
    for (what, i) in [("needs", 0), ("pledges", 1), ("ledger entries", 2)] {
        assert!(
            before[i].is_subset(&restored[i]),
            "every one of the {what} committed before the backup is in it"
        );
        assert!(restored[i].is_subset(&after[i]), "{what}: nothing invented");
    }
    assert!(!restored[1].is_empty() && !restored[2].is_empty());
    // Double entry holds in the copy: every ledger transaction balances.
    let unbalanced = common::integer(
        &db,
        "SELECT COUNT(*) FROM (SELECT transaction_id FROM ledger_entries \
         GROUP BY transaction_id \
         HAVING SUM(CASE WHEN side = 'debit' THEN amount_fen ELSE -amount_fen END) <> 0) AS t",
    )
    .await;
    assert_eq!(unbalanced, 0);

    let served = common::spawn_app_with(common::TestDatabase::from_parts(restored_url, db)).await;
    served.index_now().await;
    let newest = common::strings(
        &served.database.db,
        "SELECT public_code FROM needs WHERE status = 'published' ORDER BY id DESC LIMIT 1",
    )
    .await;
    let (status, page) = served.get_text(&format!("/needs/{}", newest[0])).await;
    assert_eq!(status, 200);
    assert!(page.contains(&newest[0]));
}
