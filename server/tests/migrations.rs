//! The schema: migrations are reversible, and the database itself holds the invariants
//! it can hold.

mod common;

use common::integer as count;
use migrations::{Migrator, MigratorTrait};
use sea_orm::ConnectionTrait;

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let test_db = common::empty_database().await;
    let db = &test_db.db;

    Migrator::up(db, None).await.expect("first up");
    assert!(count(db, "SELECT COUNT(*) FROM regions").await > 3000);
    let applied = Migrator::get_applied_migrations(db)
        .await
        .expect("status")
        .len();
    assert_eq!(applied, Migrator::migrations().len());

    Migrator::down(db, None).await.expect("down to nothing");
    assert!(Migrator::get_applied_migrations(db)
        .await
        .expect("status")
        .is_empty());
    assert!(
        db.execute_unprepared("SELECT COUNT(*) FROM needs")
            .await
            .is_err(),
        "the needs table is gone after down"
    );

    Migrator::up(db, None).await.expect("second up");
    assert!(count(db, "SELECT COUNT(*) FROM regions").await > 3000);
    assert_eq!(count(db, "SELECT COUNT(*) FROM needs").await, 0);
}

#[tokio::test]
async fn the_database_refuses_what_the_domain_forbids() {
    let test_db = common::demo_database().await;
    let db = &test_db.db;

    // An unknown status.
    assert!(db
        .execute_unprepared("UPDATE needs SET status = 'deleted' WHERE id = 1")
        .await
        .is_err());
    // A negative amount.
    assert!(db
        .execute_unprepared("UPDATE needs SET target_amount_fen = -1 WHERE id = 1")
        .await
        .is_err());
    // A second open claim on a need that already has one.
    let claimed = count(
        db,
        "SELECT need_id FROM claims WHERE status = 'active' ORDER BY id LIMIT 1",
    )
    .await;
    let charity = count(
        db,
        "SELECT charity_id FROM claims WHERE status = 'active' ORDER BY id LIMIT 1",
    )
    .await;
    let user = count(
        db,
        "SELECT claimed_by FROM claims WHERE status = 'active' ORDER BY id LIMIT 1",
    )
    .await;
    let second = format!(
        "INSERT INTO claims (need_id, charity_id, claimed_by, mode, status, due_at, created_at) \
         VALUES ({claimed}, {charity}, {user}, 'direct', 'active', '2030-01-01T00:00:00Z', '2029-12-01T00:00:00Z')"
    );
    assert!(
        db.execute_unprepared(&second).await.is_err(),
        "one open claim per need"
    );
    // A released claim does not block a new one.
    let released = second.replace("'active'", "'released'");
    db.execute_unprepared(&released)
        .await
        .expect("released claims may pile up");

    // The audit log and the ledger are append-only.
    assert!(count(db, "SELECT COUNT(*) FROM audit_log").await > 0);
    assert!(db
        .execute_unprepared("UPDATE audit_log SET action = 'x'")
        .await
        .is_err());
    assert!(db
        .execute_unprepared("DELETE FROM audit_log")
        .await
        .is_err());
    assert!(db
        .execute_unprepared("DELETE FROM ledger_entries")
        .await
        .is_err());
    assert!(db
        .execute_unprepared("UPDATE ledger_entries SET amount_fen = 1")
        .await
        .is_err());
}
