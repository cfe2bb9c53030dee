//! Sessions live in the application's own database (SQLite or PostgreSQL), so that
//! several instances behind a load balancer share them.

use app::entities::session;
use async_trait::async_trait;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result as StoreResult};
use tower_sessions::SessionStore;

/// A tower-sessions store over the `sessions` table.
#[derive(Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection) -> Self {
        DbSessionStore { db }
    }

    /// Deletes expired sessions; returns how many.
    pub async fn delete_expired(&self) -> Result<u64, DbErr> {
        let result = session::Entity::delete_many()
            .filter(session::Column::ExpiryDate.lt(chrono::Utc::now()))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }
}

fn backend(err: DbErr) -> Error {
    Error::Backend(err.to_string())
}

fn to_chrono(t: time::OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_default()
}

fn to_row(record: &Record) -> StoreResult<session::ActiveModel> {
    let data = serde_json::to_vec(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
    let user_id = record
        .data
        .get(app::accounts::session::USER_ID)
        .and_then(serde_json::Value::as_i64);
    Ok(session::ActiveModel {
        id: Set(record.id.to_string()),
        data: Set(data),
        expiry_date: Set(to_chrono(record.expiry_date)),
        user_id: Set(user_id),
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> StoreResult<()> {
        // A collision of two random 128-bit ids is all but impossible; still, never
        // overwrite someone else's session: pick a new id and try again.
        loop {
            let row = to_row(record)?;
            let inserted = session::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(session::Column::Id)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&self.db)
                .await
                .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> StoreResult<()> {
        let row = to_row(record)?;
        session::Entity::insert(row)
            .on_conflict(
                OnConflict::column(session::Column::Id)
                    .update_columns([
                        session::Column::Data,
                        session::Column::ExpiryDate,
                        session::Column::UserId,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> StoreResult<Option<Record>> {
        let Some(row) = session::Entity::find_by_id(id.to_string())
            .filter(session::Column::ExpiryDate.gt(chrono::Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_slice(&row.data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expiry_date.timestamp())
            .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> StoreResult<()> {
        session::Entity::delete_by_id(id.to_string())
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// What [`load_current_user`] needs.
#[derive(Clone)]
pub struct SessionLimits {
    pub db: sea_orm::DatabaseConnection,
    pub absolute_seconds: i64,
}

/// Middleware: puts the signed-in user (if any) into the request's extensions, ending
/// sessions older than the absolute limit.
pub async fn load_current_user(
    axum::extract::State(limits): axum::extract::State<SessionLimits>,
    session: tower_sessions::Session,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use app::accounts::session::{SIGNED_IN_AT, USER_ID};
    if let Ok(Some(user_id)) = session.get::<i64>(USER_ID).await {
        let started = session
            .get::<i64>(SIGNED_IN_AT)
            .await
            .ok()
            .flatten()
            .unwrap_or(0);
        if chrono::Utc::now().timestamp() - started > limits.absolute_seconds {
            let _ = session.flush().await;
        } else if let Ok(Some(user)) = app::accounts::store::current_user(&limits.db, user_id).await
        {
            // The header's bell (a failed count shows none rather than failing the page).
            if let Ok(n) = app::alerts::notifications::unread(&limits.db, user.id).await {
                request.extensions_mut().insert(app::alerts::UnreadCount(n));
            }
            request.extensions_mut().insert(user);
        }
    }
    next.run(request).await
}
