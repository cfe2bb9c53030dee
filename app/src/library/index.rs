//! The search index on the server: opening it, keeping it true to the database through
//! the search outbox, and rebuilding it.
//!
//! Every change to a need's public copy writes a `search_outbox` row in the same
//! transaction (see `needs::lifecycle`). The indexer reads the rows after the position
//! stored in the index's last commit, loads each need as it is *now* (the database is the
//! source of truth: a row only says "look at this need again"), and commits the batch with
//! the new position. A crash between batches loses nothing and applies nothing twice.
//!
//! Outbox ids are taken when a transaction inserts its row, not when it commits, so on
//! PostgreSQL a later id can become visible before an earlier one. The indexer therefore
//! stops at a gap in the ids until the gap is `GAP_WAIT` old (a transaction that rolled
//! back leaves a gap for ever).

use super::params::LIBRARY_STATUSES;
use crate::domain::need::{AssistanceType, Coverage, HouseholdCategory, NeedStatus, Urgency};
use crate::entities::{need, need_item, search_outbox};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use search::{Change, Library, NeedDoc, Opened, SearchError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// Outbox rows applied per commit.
pub const BATCH: u64 = 500;
/// How long a gap in outbox ids is waited for before it is taken as a rollback.
pub const GAP_WAIT: chrono::Duration = chrono::Duration::seconds(10);

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("the indexing task stopped: {0}")]
    Task(String),
}

/// How long a client is asked to wait (`Retry-After`, seconds) while no index can serve.
pub const RETRY_AFTER_SECONDS: u64 = 5;

/// Whether the index in use can answer searches with current results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// A created index is being filled from the database (or the build failed and is
    /// tried again): it would miss needs.
    Building,
    /// The index holds every need as of its build; the outbox has not been applied to it
    /// yet.
    CatchingUp,
    /// The index holds every need, stale by at most the outbox not applied yet.
    Ready,
}

impl Readiness {
    /// The word `/healthz` and `/readyz` use.
    pub fn label(self) -> &'static str {
        match self {
            Readiness::Building => "building",
            Readiness::CatchingUp => "catching_up",
            Readiness::Ready => "ready",
        }
    }
}

/// The index this process searches and updates. A rebuild by `shanqiao reindex` puts a
/// new version in use; `refresh` switches to it.
///
/// It also says whether searches may be answered ([`SearchService::readiness`]): an index
/// found on disk serves at once (stale by at most the outbox); a created one is not ready
/// until the indexer has filled it from the database ([`SearchService::built`]) and
/// applied the outbox once ([`drain`]). A version put in use by `shanqiao reindex` keeps
/// the service ready: the old version serves until the switch.
pub struct SearchService {
    root: PathBuf,
    library: RwLock<Arc<Library>>,
    readiness: tokio::sync::watch::Sender<Readiness>,
}

impl SearchService {
    /// Opens the index under `root` (`<data dir>/search`); says whether it must be filled.
    /// An empty index at outbox position 0 (a build that never finished: the process
    /// stopped while filling it) must be filled too.
    pub fn open(root: &Path) -> Result<(SearchService, Opened), IndexError> {
        let (library, opened) = Library::open(root)?;
        let opened = match opened {
            Opened::Existing { position: 0 } if library.is_empty() => Opened::Created {
                reason: "empty at outbox position 0 (its build did not finish)".to_owned(),
            },
            opened => opened,
        };
        let readiness = match opened {
            Opened::Existing { .. } => Readiness::Ready,
            Opened::Created { .. } => Readiness::Building,
        };
        Ok((
            SearchService {
                root: root.to_owned(),
                library: RwLock::new(Arc::new(library)),
                readiness: tokio::sync::watch::Sender::new(readiness),
            },
            opened,
        ))
    }

    /// The index version in use.
    pub fn library(&self) -> Arc<Library> {
        match self.library.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether searches may be answered now, and if not, why.
    pub fn readiness(&self) -> Readiness {
        *self.readiness.borrow()
    }

    /// Whether the index in use can answer searches with current results.
    pub fn is_ready(&self) -> bool {
        self.readiness() == Readiness::Ready
    }

    fn set_readiness(&self, change: impl FnOnce(Readiness) -> Readiness) {
        self.readiness.send_if_modified(|r| {
            let next = change(*r);
            let changed = next != *r;
            *r = next;
            changed
        });
    }

    /// Waits while a created index is being filled (applying the outbox to the empty
    /// index meanwhile would be wasted work, and would not make it whole).
    pub async fn wait_until_built(&self) {
        let mut watch = self.readiness.subscribe();
        let _ = watch.wait_for(|r| *r != Readiness::Building).await;
    }

    /// The indexer's build of a created index is done: `built` is the new version
    /// (already put in use on disk by [`rebuild`]), which this process now searches;
    /// `None` when the version in use is whole already (one rebuilt by `shanqiao
    /// reindex`, switched to by [`SearchService::refresh`]).
    pub fn built(&self, built: Option<Library>) {
        if let Some(built) = built {
            let mut guard = match self.library.write() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            // `refresh` may have switched to it already.
            if guard.version() != built.version() {
                if let Err(e) = guard.release_writer() {
                    tracing::warn!(error = %e, "releasing the writer of the empty search index failed");
                }
                *guard = Arc::new(built);
            }
        }
        self.set_readiness(|r| match r {
            Readiness::Building => Readiness::CatchingUp,
            r => r,
        });
    }

    /// Switches to the version put in use by another process, if there is one.
    pub fn refresh(&self) -> Result<bool, IndexError> {
        let current = self.library();
        if !current.superseded() {
            return Ok(false);
        }
        current.release_writer()?;
        let (library, _) = Library::open(&self.root)?;
        {
            let mut guard = match self.library.write() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            if guard.version() == library.version() {
                // Switched meanwhile (by the indexer or another refresh).
                return Ok(false);
            }
            *guard = Arc::new(library);
        }
        // Readiness stays: a version rebuilt by `shanqiao reindex` holds every need (and
        // while this process builds its own, its build decides).
        Ok(true)
    }
}

/// The keyword value of each facet: the position of the code in the app's list.
pub fn keyword_values(row: &need::Model) -> [u64; 5] {
    fn position<T: PartialEq + Copy>(all: &[T], value: Option<T>) -> u64 {
        value
            .and_then(|v| all.iter().position(|x| *x == v))
            .map_or(search::MAX_KEYWORD_VALUE as u64 - 1, |p| p as u64)
    }
    [
        position(
            AssistanceType::ALL,
            AssistanceType::parse(&row.assistance_type).ok(),
        ),
        position(
            HouseholdCategory::ALL,
            HouseholdCategory::parse(&row.household_category).ok(),
        ),
        position(Coverage::ALL, Coverage::parse(&row.coverage).ok()),
        position(Urgency::ALL, Urgency::parse(&row.urgency).ok()),
        position(&LIBRARY_STATUSES, NeedStatus::parse(&row.status).ok()),
    ]
}

/// The province and city codes above a county code (GB/T 2260).
pub fn region_levels(code: &str) -> (u64, u64, u64) {
    let num = |s: String| s.parse::<u64>().unwrap_or(0);
    if code.len() != 6 {
        return (0, 0, 0);
    }
    (
        num(format!("{}0000", &code[..2])),
        num(format!("{}00", &code[..4])),
        num(code.to_owned()),
    )
}

fn is_listed(row: &need::Model) -> bool {
    NeedStatus::parse(&row.status).is_ok_and(|s| LIBRARY_STATUSES.contains(&s))
}

/// The documents of the needs among `ids` that the library shows (public copy only).
pub async fn documents<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<HashMap<i64, NeedDoc>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = need::Entity::find()
        .filter(need::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let rows: Vec<need::Model> = rows.into_iter().filter(is_listed).collect();
    let mut items: HashMap<i64, (Vec<String>, i64)> = HashMap::new();
    for item in need_item::Entity::find()
        .filter(need_item::Column::NeedId.is_in(rows.iter().map(|r| r.id)))
        .order_by_asc(need_item::Column::Position)
        .all(db)
        .await?
    {
        let entry = items.entry(item.need_id).or_default();
        entry.0.push(item.name);
        entry.1 = entry
            .1
            .saturating_add(item.unit_value_fen.saturating_mul(i64::from(item.quantity)));
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let raised = crate::money::ledger::needs_raised(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (names, items_fen) = items.remove(&row.id).unwrap_or_default();
            let (province, city, county) = region_levels(&row.region_code);
            let goal = row.target_amount_fen.unwrap_or(0).saturating_add(items_fen);
            let doc = NeedDoc {
                id: row.id as u64,
                keywords: keyword_values(&row),
                title: row.title,
                story: row.story,
                items: names.join(" "),
                province,
                city,
                county,
                target_fen: u64::try_from(goal).unwrap_or(0),
                published_at: row.published_at.map_or(0, |t| t.timestamp()),
                deadline: row
                    .deadline
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|t| t.and_utc().timestamp()),
                // How far the ledger says it is funded, in thousandths (capped at all).
                funded_permille: match raised.get(&row.id) {
                    Some(r) if goal > 0 => {
                        u64::try_from((i128::from(r.0.max(0)) * 1000 / i128::from(goal)).min(1000))
                            .unwrap_or(0)
                    }
                    _ => 0,
                },
            };
            (row.id, doc)
        })
        .collect())
}

/// Writes a search outbox row inside the caller's transaction: `kind` is `need` (the
/// library applies it), `fund` or `charity` (only the page caches move on with them).
pub async fn write_outbox<C: ConnectionTrait>(
    txn: &C,
    kind: &str,
    id: i64,
    op: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    use sea_orm::{ActiveModelTrait, Set};
    search_outbox::ActiveModel {
        entity_kind: Set(kind.to_owned()),
        entity_id: Set(id),
        op: Set(op.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The outbox rows to apply next: those after `position`, up to the first gap that is not
/// yet `GAP_WAIT` old.
pub async fn next_rows<C: ConnectionTrait>(
    db: &C,
    position: u64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<search_outbox::Model>, DbErr> {
    let rows = search_outbox::Entity::find()
        .filter(search_outbox::Column::Id.gt(position as i64))
        .order_by_asc(search_outbox::Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut expected = position as i64 + 1;
    let mut settled = Vec::with_capacity(rows.len());
    for row in rows {
        if row.id != expected && now - row.created_at < GAP_WAIT {
            break;
        }
        expected = row.id + 1;
        settled.push(row);
    }
    Ok(settled)
}

/// Applies the outbox to the index until nothing is left to apply now; returns how many
/// rows were applied. Waits first while a created index is being filled; a whole index
/// that has caught up is ready (see [`SearchService::readiness`]).
pub async fn drain<C: ConnectionTrait>(
    db: &C,
    service: &SearchService,
) -> Result<usize, IndexError> {
    service.wait_until_built().await;
    let mut applied = 0;
    loop {
        let library = service.library();
        let rows = next_rows(db, library.position(), chrono::Utc::now()).await?;
        let Some(last) = rows.last().map(|r| r.id as u64) else {
            // Caught up: a whole index is ready now.
            service.set_readiness(|r| match r {
                Readiness::CatchingUp => Readiness::Ready,
                r => r,
            });
            return Ok(applied);
        };
        let ids: Vec<i64> = rows
            .iter()
            .filter(|r| r.entity_kind == "need")
            .map(|r| r.entity_id)
            .collect();
        let mut docs = documents(db, &ids).await?;
        let mut seen = std::collections::HashSet::new();
        let mut changes = Vec::new();
        // The last row of a need decides; each need is looked at once per batch.
        for id in ids.iter().rev() {
            if seen.insert(*id) {
                changes.push(match docs.remove(id) {
                    Some(doc) => Change::Upsert(doc),
                    None => Change::Delete(*id as u64),
                });
            }
        }
        applied += rows.len();
        tokio::task::spawn_blocking(move || library.apply(&changes, last))
            .await
            .map_err(|e| IndexError::Task(e.to_string()))??;
    }
}

/// The id of the newest outbox row (0 when there is none).
async fn newest_outbox_id<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    Ok(search_outbox::Entity::find()
        .select_only()
        .column(search_outbox::Column::Id)
        .order_by_desc(search_outbox::Column::Id)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .unwrap_or(0))
}

/// How many outbox rows the index has not applied yet.
pub async fn lag<C: ConnectionTrait>(db: &C, service: &SearchService) -> Result<u64, DbErr> {
    let newest = newest_outbox_id(db).await?;
    let position = service.library().position() as i64;
    Ok(newest.saturating_sub(position).max(0) as u64)
}

/// Builds a new index version from the database and puts it in use. Needs are read in
/// id order, `BATCH` at a time; `progress(done, total)` is called after each batch. The
/// new version starts at the outbox position read before the first need, so that every
/// change made during the rebuild is applied after it.
pub async fn rebuild<C: ConnectionTrait>(
    db: &C,
    root: &Path,
    mut progress: impl FnMut(u64, u64),
) -> Result<Library, IndexError> {
    use sea_orm::PaginatorTrait;
    let position = newest_outbox_id(db).await?;
    let statuses: Vec<&str> = LIBRARY_STATUSES.iter().map(|s| s.code()).collect();
    let total = need::Entity::find()
        .filter(need::Column::Status.is_in(statuses.clone()))
        .count(db)
        .await?;
    let library = Arc::new(Library::create(root)?);
    let (mut done, mut after) = (0u64, 0i64);
    loop {
        let ids: Vec<i64> = need::Entity::find()
            .select_only()
            .column(need::Column::Id)
            .filter(need::Column::Status.is_in(statuses.clone()))
            .filter(need::Column::Id.gt(after))
            .order_by_asc(need::Column::Id)
            .limit(BATCH * 4)
            .into_tuple::<i64>()
            .all(db)
            .await?;
        let Some(&last) = ids.last() else { break };
        after = last;
        let docs: Vec<NeedDoc> = documents(db, &ids).await?.into_values().collect();
        done += ids.len() as u64;
        let lib = library.clone();
        tokio::task::spawn_blocking(move || lib.add(&docs))
            .await
            .map_err(|e| IndexError::Task(e.to_string()))??;
        progress(done, total);
    }
    let lib = library.clone();
    let root = root.to_owned();
    tokio::task::spawn_blocking(move || -> Result<(), SearchError> {
        lib.commit(position as u64)?;
        lib.release_writer()?;
        // Versions older than the one in use go; the one in use stays until the next
        // rebuild, for processes that have not switched yet.
        Library::remove_old_versions(&root, lib.version())?;
        lib.switch_to()
    })
    .await
    .map_err(|e| IndexError::Task(e.to_string()))??;
    Arc::try_unwrap(library)
        .map_err(|_| IndexError::Task("the new index is still shared".to_owned()))
}
