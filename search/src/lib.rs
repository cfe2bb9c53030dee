//! The needs library's full-text index (tantivy).
//!
//! - Text: Chinese words (jieba) for ranking, and character unigrams and grams of two to
//!   four characters for matching, so that every substring is found (see `analyzers`).
//!   Matching reads one field holding title and body; a match in the title adds to the
//!   score. Any typed text is a valid query (see `query`).
//! - A large index is searched on every core, in slices of each segment (see `parallel`).
//! - Facets and sorts read fast fields: region levels, five keyword facets, target amount,
//!   publication date, deadline and the funded share.
//! - Each commit carries the position of the last outbox row it applied (and the schema
//!   version) in its payload, so after a crash the indexer resumes exactly where the last
//!   commit ended: nothing lost, nothing applied twice.
//! - An index directory holds versions side by side (`<root>/<name>/`) and a `current`
//!   file naming the one in use: a rebuild writes a new version and switches `current`
//!   atomically, while readers keep the old one until they reopen.
//!
//! Pure: no database, no HTTP. The app maps its needs to `NeedDoc`s and its outbox rows to
//! `Change`s.

pub mod analyzers;
mod columns;
mod facets;
mod parallel;
pub mod query;
mod rank;
mod schema;
pub mod text_match;

pub use facets::{FacetCounts, MAX_KEYWORD_VALUE};
pub use query::{parse, UserQuery};
pub use schema::{Keyword, Level, NeedDoc, SCHEMA_VERSION};

use schema::Fields;
use serde::{Deserialize, Serialize};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use tantivy::collector::{Collector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, Term};

/// Memory the writer may buffer before it flushes a segment.
const WRITER_BYTES: usize = 64 * 1024 * 1024;
const CURRENT: &str = "current";

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index: {0}")]
    OpenDirectory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("the search index's writer is poisoned")]
    Poisoned,
}

/// One change to apply, from one outbox row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Index the need (replacing any earlier copy).
    Upsert(NeedDoc),
    /// Remove the need (unpublished, withdrawn, consent withdrawn).
    Delete(u64),
}

/// What each commit records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Payload {
    schema: u32,
    outbox: u64,
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first (newest first when nothing was typed).
    #[default]
    Relevance,
    Newest,
    /// Soonest deadline first; needs without a deadline last.
    Deadline,
    /// Smallest funded share first.
    LeastFunded,
}

/// Filters; each one given narrows the results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// A region code at its level.
    pub region: Option<(Level, u64)>,
    /// A value per keyword facet (in `Keyword::ALL` order).
    pub keywords: [Option<u64>; 5],
    /// Target amount from (inclusive) and to (exclusive), in fen.
    pub amount: Option<(u64, Option<u64>)>,
}

impl Filters {
    /// The target amounts the amount filter keeps, in fen: from (inclusive, at least
    /// 1 fen: needs without a target are never in a range) to (exclusive, or none).
    pub(crate) fn amount_range(&self) -> Option<(u64, Option<u64>)> {
        self.amount.map(|(from, to)| (from.max(1), to))
    }
}

/// One search as the library page makes it.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: UserQuery,
    pub filters: Filters,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    /// Bounds of the amount ranges counted, in fen, ascending.
    pub amount_bounds: Vec<u64>,
}

/// The matching needs of one page, in order, with the total and the facet counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchResult {
    pub total: usize,
    pub ids: Vec<u64>,
    pub facets: FacetCounts,
}

/// An open index: searches, and applies changes.
pub struct Library {
    root: PathBuf,
    version: String,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    writer: Mutex<Option<IndexWriter>>,
    columns: columns::ColumnCache,
    /// Searches of an index with at least this many needs use several threads.
    parallel_from: AtomicU64,
}

/// How an index was found at opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// The index in use, at this outbox position.
    Existing { position: u64 },
    /// A new empty index: there was none, or it was of another schema version, or it
    /// could not be read (the reason says which). It must be filled from the database.
    Created { reason: String },
}

impl Library {
    /// Opens the index in use under `root`, or creates an empty one (rebuilding is then
    /// the caller's job, from the database).
    pub fn open(root: &Path) -> Result<(Library, Opened), SearchError> {
        std::fs::create_dir_all(root)?;
        let reason = match std::fs::read_to_string(root.join(CURRENT)) {
            Ok(name) => match Self::open_version(root, name.trim()) {
                Ok(library) => match library.payload() {
                    Some(p) if p.schema == SCHEMA_VERSION => {
                        return Ok((library, Opened::Existing { position: p.outbox }))
                    }
                    Some(p) => format!("schema version {} (now {SCHEMA_VERSION})", p.schema),
                    None => "no commit with an outbox position".to_owned(),
                },
                Err(e) => format!("unreadable: {e}"),
            },
            Err(_) => "no index yet".to_owned(),
        };
        let library = Self::create(root)?;
        library.switch_to()?;
        Ok((library, Opened::Created { reason }))
    }

    /// A new, empty version under `root`, not in use yet (see `switch_to`).
    pub fn create(root: &Path) -> Result<Library, SearchError> {
        let version = format!(
            "v{SCHEMA_VERSION}-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        );
        let dir = root.join(&version);
        std::fs::create_dir_all(&dir)?;
        let (schema, _) = schema::build();
        let index = Index::create_in_dir(&dir, schema)?;
        drop(index);
        let library = Self::open_version(root, &version)?;
        library.commit(0)?;
        Ok(library)
    }

    fn open_version(root: &Path, version: &str) -> Result<Library, SearchError> {
        let dir = root.join(version);
        let index = Index::open_in_dir(&dir)?;
        let (schema, fields) = schema::build();
        if index.schema() != schema {
            return Err(SearchError::Index(tantivy::TantivyError::SchemaError(
                "fields differ from this version's".to_owned(),
            )));
        }
        analyzers::register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Library {
            root: root.to_owned(),
            version: version.to_owned(),
            index,
            reader,
            fields,
            writer: Mutex::new(None),
            columns: columns::ColumnCache::default(),
            parallel_from: AtomicU64::new(u64::from(parallel::MIN_DOCS)),
        })
    }

    /// Makes this version the one in use (atomically: write, then rename), and removes
    /// the versions no longer in use except this one and the previous one.
    pub fn switch_to(&self) -> Result<(), SearchError> {
        let tmp = self.root.join(format!("{CURRENT}.tmp"));
        std::fs::write(&tmp, &self.version)?;
        std::fs::rename(&tmp, self.root.join(CURRENT))?;
        Ok(())
    }

    /// Removes every version under `root` but the one in use and `keep`.
    pub fn remove_old_versions(root: &Path, keep: &str) -> Result<(), SearchError> {
        let current = std::fs::read_to_string(root.join(CURRENT)).unwrap_or_default();
        for entry in std::fs::read_dir(root)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_dir() && name != current.trim() && name != keep {
                std::fs::remove_dir_all(entry.path())?;
            }
        }
        Ok(())
    }

    /// Whether another version has been put in use since this one was opened (by
    /// `shanqiao reindex`): the caller then reopens.
    pub fn superseded(&self) -> bool {
        std::fs::read_to_string(self.root.join(CURRENT))
            .is_ok_and(|name| name.trim() != self.version)
    }

    /// This version's directory name.
    pub fn version(&self) -> &str {
        &self.version
    }

    fn payload(&self) -> Option<Payload> {
        let metas = self.index.load_metas().ok()?;
        serde_json::from_str(metas.payload.as_deref()?).ok()
    }

    /// The position of the last outbox row applied.
    pub fn position(&self) -> u64 {
        self.payload().map_or(0, |p| p.outbox)
    }

    /// The number of needs in the index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn with_writer<T>(
        &self,
        f: impl FnOnce(&mut IndexWriter) -> Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        let mut guard = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        if guard.is_none() {
            *guard = Some(self.index.writer_with_num_threads(1, WRITER_BYTES)?);
        }
        match guard.as_mut() {
            Some(writer) => f(writer),
            None => Err(SearchError::Poisoned),
        }
    }

    /// Applies `changes` (outbox rows up to `position`) and commits them with that
    /// position, in one commit: after a crash either all of them are in the index with
    /// the position, or none is and the position is the earlier one.
    pub fn apply(&self, changes: &[Change], position: u64) -> Result<(), SearchError> {
        self.with_writer(|writer| {
            for change in changes {
                let (Change::Upsert(NeedDoc { id, .. }) | Change::Delete(id)) = change;
                writer.delete_term(Term::from_field_u64(self.fields.id, *id));
                if let Change::Upsert(doc) = change {
                    writer.add_document(self.fields.document(doc))?;
                }
            }
            Ok(())
        })?;
        self.commit(position)
    }

    /// Adds needs without deleting first, for a rebuild into an empty version; call
    /// `commit` at the end (and now and then, to bound memory).
    pub fn add(&self, docs: &[NeedDoc]) -> Result<(), SearchError> {
        self.with_writer(|writer| {
            for doc in docs {
                writer.add_document(self.fields.document(doc))?;
            }
            Ok(())
        })
    }

    /// Commits what was applied or added, recording `position`, and lets searches see it.
    pub fn commit(&self, position: u64) -> Result<(), SearchError> {
        let payload = serde_json::to_string(&Payload {
            schema: SCHEMA_VERSION,
            outbox: position,
        })
        .unwrap_or_default();
        self.with_writer(|writer| {
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload);
            prepared.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        self.columns.keep_only(&self.reader.searcher());
        Ok(())
    }

    /// Drops the writer (and its lock on the directory), e.g. before another process
    /// takes over this version.
    pub fn release_writer(&self) -> Result<(), SearchError> {
        let mut guard = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        if let Some(writer) = guard.take() {
            writer.wait_merging_threads()?;
        }
        Ok(())
    }

    /// Waits for the merges running in the background, then lets searches see their
    /// result.
    pub fn settle(&self) -> Result<(), SearchError> {
        self.release_writer()?;
        self.reader.reload()?;
        self.columns.keep_only(&self.reader.searcher());
        Ok(())
    }

    /// Merges every segment into one (the search benchmark compares this with the
    /// segments the merge policy leaves). The commit's outbox position is kept.
    pub fn merge_all(&self) -> Result<(), SearchError> {
        self.settle()?;
        let segments = self.index.searchable_segment_ids()?;
        if segments.len() > 1 {
            self.with_writer(|writer| {
                writer.merge(&segments).wait()?;
                Ok(())
            })?;
        }
        self.settle()
    }

    /// The number of segments searches read.
    pub fn segment_count(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Searches: the ids of the requested page, the total and the facet counts.
    ///
    /// Usually one pass counts the matches and their facets and keeps the page. For
    /// most searches by relevance (see `pruned_ranking`) there are two: one counts
    /// without scoring, the other finds the page with block-max pruning, skipping the
    /// documents that cannot reach it, which at a million needs is most of them; on
    /// several threads, the two passes run side by side.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResult, SearchError> {
        let searcher = self.reader.searcher();
        let region_level = match request.filters.region {
            None => Some(Level::Province),
            Some((Level::Province, _)) => Some(Level::City),
            Some((Level::City, _)) => Some(Level::County),
            Some((Level::County, _)) => None,
        };
        let facets = facets::FacetCollector {
            region_level,
            bounds: request.amount_bounds.clone(),
            columns: &self.columns,
        };
        let top = TopDocs::with_limit(request.limit.max(1)).and_offset(request.offset);
        let sort = match request.sort {
            Sort::Relevance if request.query.is_empty() => Sort::Newest,
            other => other,
        };
        let pruned = match sort {
            Sort::Relevance => self.pruned_ranking(&searcher, request),
            _ => None,
        };
        let ((total, counts), hits): ((usize, FacetCounts), Vec<DocAddress>) = match pruned {
            Some(ranking) => {
                let counting = self.build_query(request, false);
                let count = || self.run(&searcher, &*counting, &facets);
                let top = rank::ScoredTop {
                    limit: request.offset + request.limit.max(1),
                    filters: &request.filters,
                    columns: &self.columns,
                };
                let (counted, hits) = match self.threads(&searcher) {
                    Some((executor, pool)) => {
                        let rank = || {
                            let scoring = EnableScoring::enabled_from_searcher(&searcher);
                            searcher.search_with_executor(&*ranking, &top, executor, scoring)
                        };
                        let (counted, hits) = pool.join(count, rank);
                        (counted?, hits?)
                    }
                    None => {
                        let counted = count()?;
                        let hits = if counted.0 > request.offset {
                            searcher.search(&*ranking, &top)?
                        } else {
                            Vec::new()
                        };
                        (counted, hits)
                    }
                };
                let page = hits.into_iter().skip(request.offset).map(|(_, a)| a);
                (counted, page.collect())
            }
            None => {
                let query = self.build_query(request, sort == Sort::Relevance);
                let (hits, counted) = match sort {
                    Sort::Relevance => self.page(&searcher, &*query, top.order_by_score(), facets),
                    Sort::Newest => {
                        let by = top.order_by_fast_field::<i64>("published_at", Order::Desc);
                        self.page(&searcher, &*query, by, facets)
                    }
                    Sort::Deadline => {
                        let by = top.order_by_fast_field::<i64>("deadline", Order::Asc);
                        self.page(&searcher, &*query, by, facets)
                    }
                    Sort::LeastFunded => {
                        let by = top.order_by_fast_field::<u64>("funded_permille", Order::Asc);
                        self.page(&searcher, &*query, by, facets)
                    }
                }?;
                (counted, hits)
            }
        };
        let ids = self
            .columns
            .ids(&searcher, hits.into_iter().take(request.limit))?;
        Ok(SearchResult {
            total,
            ids,
            facets: counts,
        })
    }

    /// The page in the order of `by`, and the counts, in one pass.
    fn page<K: Send + 'static>(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        by: impl Collector<Fruit = Vec<(K, DocAddress)>>,
        facets: facets::FacetCollector,
    ) -> tantivy::Result<(Vec<DocAddress>, (usize, FacetCounts))> {
        let (hits, counted) = self.run(searcher, query, &(by, facets))?;
        Ok((hits.into_iter().map(|(_, a)| a).collect(), counted))
    }

    /// Runs `query` through `collector`, on several threads when the index is large.
    fn run<C: Collector>(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        collector: &C,
    ) -> tantivy::Result<C::Fruit> {
        match self.threads(searcher) {
            Some((_, pool)) => {
                parallel::search(pool, searcher, query, collector, parallel::MIN_SLICE)
            }
            None => searcher.search(query, collector),
        }
    }

    /// The search threads, when searches of this index use them.
    fn threads(
        &self,
        searcher: &Searcher,
    ) -> Option<(&'static tantivy::Executor, &'static rayon::ThreadPool)> {
        if searcher.num_docs() < self.parallel_from.load(Ordering::Relaxed) {
            return None;
        }
        parallel::threads()
    }

    /// Whether searches of a large index may use several threads (they do unless told
    /// otherwise; the search benchmark compares both).
    pub fn set_parallel(&self, on: bool) {
        let from = if on {
            u64::from(parallel::MIN_DOCS)
        } else {
            u64::MAX
        };
        self.parallel_from.store(from, Ordering::Relaxed);
    }

    /// For most searches by relevance, the query that finds the page with block-max
    /// pruning (see `query::pruned_ranking`), checking the filters on each candidate
    /// (see `rank`); the counts then come from a separate pass that scores nothing.
    /// `None` when the query has another shape, or a filter is sparse (see
    /// `rank::SPARSE`): then one pass scores every match.
    fn pruned_ranking(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
    ) -> Option<Box<dyn Query>> {
        let num_docs = searcher.num_docs();
        for term in self.fields.filter_terms(&request.filters) {
            let kept = searcher.doc_freq(&term).ok()?;
            if kept.saturating_mul(rank::SPARSE) < num_docs {
                return None;
            }
        }
        query::pruned_ranking(&request.query, &self.fields)
    }

    /// The query of `request`: what must match (text and filters) and, with `ranked`,
    /// the optional word terms that only order the matches.
    fn build_query(&self, request: &SearchRequest, ranked: bool) -> Box<dyn Query> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = query::matching(&request.query, f, ranked)
            .into_iter()
            .map(|q| (Occur::Must, q))
            .collect();
        if let Some(rank) = query::ranking(&request.query, f).filter(|_| ranked) {
            if !clauses.is_empty() {
                clauses.push((Occur::Should, rank));
            }
        }
        for term in f.filter_terms(&request.filters) {
            let term = TermQuery::new(term, IndexRecordOption::Basic);
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(term), 0.0)),
            ));
        }
        if let Some((from, to)) = request.filters.amount_range() {
            let upper = match to {
                Some(to) => Bound::Excluded(Term::from_field_u64(f.target_fen, to)),
                None => Bound::Unbounded,
            };
            let range = RangeQuery::new(
                Bound::Included(Term::from_field_u64(f.target_fen, from)),
                upper,
            );
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(range), 0.0)),
            ));
        }
        if clauses.iter().all(|(o, _)| *o != Occur::Must) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The ids of every need the request matches, unordered (for recall measurements and
    /// checks; the library page uses `search`).
    pub fn matching_ids(&self, request: &SearchRequest) -> Result<Vec<u64>, SearchError> {
        let searcher = self.reader.searcher();
        let query = self.build_query(request, false);
        let addresses = searcher.search(&*query, &tantivy::collector::DocSetCollector)?;
        Ok(self.columns.ids(&searcher, addresses)?)
    }

    /// Every id in the index (for checks and tests; walks all documents).
    pub fn all_ids(&self) -> Result<Vec<u64>, SearchError> {
        let searcher = self.reader.searcher();
        let mut ids = Vec::new();
        for reader in searcher.segment_readers() {
            let column = reader.fast_fields().u64("id")?;
            for doc in 0..reader.max_doc() {
                if reader.is_deleted(doc) {
                    continue;
                }
                if let Some(id) = column.first(doc) {
                    ids.push(id);
                }
            }
        }
        ids.sort_unstable();
        Ok(ids)
    }
}

#[cfg(test)]
mod tests;
