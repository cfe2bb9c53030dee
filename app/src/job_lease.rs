//! Leases that make a periodic job run on one instance at a time (the `job_leases`
//! table): an instance takes the lease when it is free or expired, or renews its own,
//! in one statement, so that of several instances asking at the same instant exactly one
//! gets it. The jobs themselves also move each row only from the state they read, so a
//! lease that expires mid-run cannot make a change happen twice.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};

/// Takes (or renews) the lease `name` for `holder` until `now + ttl`; true when taken.
pub async fn try_acquire(
    db: &DatabaseConnection,
    name: &str,
    holder: &str,
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "INSERT INTO job_leases (name, holder, lease_until) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, lease_until = EXCLUDED.lease_until \
             WHERE job_leases.lease_until < $4 OR job_leases.holder = EXCLUDED.holder"
        }
        _ => {
            "INSERT INTO job_leases (name, holder, lease_until) VALUES (?, ?, ?) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until \
             WHERE job_leases.lease_until < ? OR job_leases.holder = excluded.holder"
        }
    };
    let done = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [name.into(), holder.into(), (now + ttl).into(), now.into()],
        ))
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives the lease back early (after a run), so another instance need not wait for it
/// to expire.
pub async fn release(db: &DatabaseConnection, name: &str, holder: &str) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "DELETE FROM job_leases WHERE name = $1 AND holder = $2",
        _ => "DELETE FROM job_leases WHERE name = ? AND holder = ?",
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [name.into(), holder.into()],
    ))
    .await?;
    Ok(())
}
