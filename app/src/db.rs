//! Connecting to the database: SQLite (the embedded default) or PostgreSQL.

use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::time::Duration;

/// Opens a pool for `url` (`sqlite://…?mode=rwc` or `postgres://…`).
///
/// SQLite gets WAL journaling, foreign keys and a busy timeout on every pooled
/// connection, and a few connections instead of sea-orm's default of one, so that a read
/// never waits behind an open transaction.
///
/// A pooled connection is pinged before use only when it has been idle for a while (it
/// may have been dropped by the server or the network meanwhile). sqlx pings on every
/// checkout by default: one more round trip for every statement run outside a
/// transaction, which doubled the round trips of a request answered from reads.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .test_before_acquire_if_idle_for(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        options.max_connections(4).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    } else {
        // A few connections stay open: a burst after a quiet spell (or right after start)
        // does not first wait for new ones (each a TCP and authentication round trip).
        options.max_connections(10).min_connections(5);
    }
    Database::connect(options).await
}

/// Begins a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails with
/// `SQLITE_BUSY_SNAPSHOT` whenever another connection wrote in between, which the busy
/// timeout cannot wait out; an immediate one waits its turn instead. PostgreSQL ignores
/// the option.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Whether the database answers (for `/healthz`).
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}
