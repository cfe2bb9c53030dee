//! The three engines, each with its natural index, each answering a search the way the
//! library page needs it: the first 20 matching ids in order, the total, and the counts of
//! the facets (type, category, coverage, urgency, status, province).

use crate::corpus::Need;
use crate::queries::Query;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, Value};
use search::{Filters, Level, Library, NeedDoc, SearchRequest};
use std::collections::HashSet;

/// What one search call returns.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub ids: Vec<u64>,
    pub total: u64,
    /// How many facet values came back (all engines count the same facets).
    pub facet_values: usize,
}

const PAGE: usize = 20;

fn province_of(county: &str) -> u64 {
    county[..2].parse::<u64>().unwrap_or(0) * 10_000
}

// ---------------------------------------------------------------- tantivy (this index)

pub struct Tantivy {
    pub library: Library,
    _dir: tempfile::TempDir,
}

pub fn doc(n: &Need) -> NeedDoc {
    NeedDoc {
        id: n.id,
        title: n.title.clone(),
        story: n.story.clone(),
        items: n
            .items
            .iter()
            .map(|i| i.0.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        province: province_of(&n.county),
        city: n.county[..4].parse::<u64>().unwrap_or(0) * 100,
        county: n.county.parse().unwrap_or(0),
        keywords: [
            n.assistance_type as u64,
            n.household_category as u64,
            n.coverage as u64,
            n.urgency as u64,
            n.status as u64,
        ],
        target_fen: u64::try_from(n.goal_fen()).unwrap_or(0),
        published_at: 1_767_225_600 + n.published_day * 86_400,
        deadline: n.deadline_day.map(|d| 1_767_225_600 + d * 86_400),
        funded_permille: 0,
    }
}

impl Tantivy {
    pub fn new() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let library = Library::create(dir.path())?;
        Ok(Tantivy { library, _dir: dir })
    }

    pub fn load(&self, needs: &[Need]) -> anyhow::Result<()> {
        let docs: Vec<NeedDoc> = needs.iter().map(doc).collect();
        self.library.add(&docs)?;
        Ok(())
    }

    pub fn commit(&self) -> anyhow::Result<()> {
        self.library.commit(0)?;
        Ok(())
    }

    /// Waits for the background merges, as `shanqiao reindex` does, or with `merge`
    /// merges every segment into one; returns the number of segments searched.
    pub fn settle(&self, merge: bool) -> anyhow::Result<usize> {
        if merge {
            self.library.merge_all()?;
        } else {
            self.library.settle()?;
        }
        Ok(self.library.segment_count())
    }

    /// Whether each search may use several threads (see `Library::set_parallel`).
    pub fn set_parallel(&self, on: bool) {
        self.library.set_parallel(on);
    }

    fn request(q: &Query, limit: usize) -> SearchRequest {
        let mut keywords = [None; 5];
        keywords[0] = q.assistance_type.map(|t| t as u64);
        SearchRequest {
            query: search::parse(q.text),
            filters: Filters {
                region: q
                    .province
                    .map(|p| (Level::Province, p.parse::<u64>().unwrap_or(0) * 10_000)),
                keywords,
                amount: None,
            },
            limit,
            amount_bounds: vec![100_000, 500_000, 1_000_000, 5_000_000],
            ..Default::default()
        }
    }

    /// The whole result of the library page's search: page, total and facet counts.
    pub fn result(&self, q: &Query) -> anyhow::Result<search::SearchResult> {
        Ok(self.library.search(&Self::request(q, PAGE))?)
    }

    pub fn search(&self, q: &Query) -> anyhow::Result<Answer> {
        let found = self.library.search(&Self::request(q, PAGE))?;
        let f = &found.facets;
        Ok(Answer {
            ids: found.ids,
            total: found.total as u64,
            facet_values: f.keywords.iter().map(Vec::len).sum::<usize>()
                + f.regions.as_ref().map_or(0, |r| r.1.len()),
        })
    }

    pub fn all_matches(&self, q: &Query) -> anyhow::Result<HashSet<u64>> {
        Ok(self
            .library
            .matching_ids(&Self::request(q, PAGE))?
            .into_iter()
            .collect())
    }

    pub fn size_on_disk(&self) -> u64 {
        dir_size(self._dir.path())
    }
}

pub fn dir_size(path: &std::path::Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(path) {
        for e in entries.flatten() {
            let p = e.path();
            total += if p.is_dir() {
                dir_size(&p)
            } else {
                e.metadata().map_or(0, |m| m.len())
            };
        }
    }
    total
}

// ---------------------------------------------------------------- SQL engines

/// SQLite FTS5 (trigram tokenizer) or PostgreSQL (pg_trgm GIN index, ILIKE).
pub struct Sql {
    pub db: DatabaseConnection,
    pub postgres: bool,
}

fn facts(n: &Need) -> Vec<Value> {
    vec![
        (n.id as i64).into(),
        n.title.clone().into(),
        format!(
            "{}\n{}",
            n.story,
            n.items
                .iter()
                .map(|i| i.0.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        )
        .into(),
        (n.assistance_type as i64).into(),
        (n.household_category as i64).into(),
        (n.coverage as i64).into(),
        (n.urgency as i64).into(),
        (n.status as i64).into(),
        (province_of(&n.county) as i64).into(),
        n.published_day.into(),
    ]
}

const COLUMNS: &str =
    "id, title, body, kind, category, coverage, urgency, status, province, published";

impl Sql {
    pub async fn create(db: DatabaseConnection, postgres: bool) -> anyhow::Result<Self> {
        let engine = Sql { db, postgres };
        let statements: &[&str] = if postgres {
            &[
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "DROP TABLE IF EXISTS bench_needs",
                "CREATE TABLE bench_needs (id BIGINT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, kind INT, category INT, coverage INT, urgency INT, status INT, province BIGINT, published BIGINT)",
            ]
        } else {
            &[
                "DROP TABLE IF EXISTS bench_needs",
                "DROP TABLE IF EXISTS bench_fts",
                "CREATE TABLE bench_needs (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, kind INT, category INT, coverage INT, urgency INT, status INT, province INT, published INT)",
                "CREATE VIRTUAL TABLE bench_fts USING fts5(title, body, content='bench_needs', content_rowid='id', tokenize='trigram')",
            ]
        };
        for s in statements {
            engine.db.execute_unprepared(s).await?;
        }
        Ok(engine)
    }

    fn stmt(&self, sql: String, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.db.get_database_backend(), sql, values)
    }

    fn placeholder(&self, i: usize) -> String {
        if self.postgres {
            format!("${i}")
        } else {
            "?".to_owned()
        }
    }

    /// Inserts a batch (rows and, on SQLite, their FTS entries) in one transaction.
    pub async fn load(&self, needs: &[Need]) -> anyhow::Result<()> {
        use sea_orm::TransactionTrait;
        let txn = self.db.begin().await?;
        for chunk in needs.chunks(500) {
            let mut values = Vec::with_capacity(chunk.len() * 10);
            let mut rows = Vec::with_capacity(chunk.len());
            for n in chunk {
                let start = values.len();
                values.extend(facts(n));
                let marks: Vec<String> = (start + 1..=values.len())
                    .map(|i| self.placeholder(i))
                    .collect();
                rows.push(format!("({})", marks.join(", ")));
            }
            let sql = format!(
                "INSERT INTO bench_needs ({COLUMNS}) VALUES {}",
                rows.join(", ")
            );
            txn.execute_raw(self.stmt(sql, values)).await?;
            if !self.postgres {
                let first = chunk.first().map_or(0, |n| n.id as i64);
                let last = chunk.last().map_or(0, |n| n.id as i64);
                txn.execute_raw(self.stmt(
                    "INSERT INTO bench_fts (rowid, title, body) SELECT id, title, body FROM bench_needs WHERE id BETWEEN ? AND ?".to_owned(),
                    vec![first.into(), last.into()],
                ))
                .await?;
            }
        }
        txn.commit().await?;
        Ok(())
    }

    /// Builds the natural index after loading (PostgreSQL's trigram GIN index).
    pub async fn finish(&self) -> anyhow::Result<()> {
        if self.postgres {
            self.db
                .execute_unprepared("CREATE INDEX bench_needs_trgm ON bench_needs USING gin ((title || ' ' || body) gin_trgm_ops)")
                .await?;
            self.db.execute_unprepared("ANALYZE bench_needs").await?;
        } else {
            self.db.execute_unprepared("ANALYZE").await?;
        }
        Ok(())
    }

    /// The WHERE clause of a query and its values.
    fn filter(&self, q: &Query) -> (String, Vec<Value>) {
        let mut conds = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        for needle in &q.needles {
            values.push(format!("%{needle}%").into());
            let p = self.placeholder(values.len());
            if self.postgres {
                conds.push(format!("(n.title || ' ' || n.body) ILIKE {p}"));
            } else if needle.chars().count() >= 3 {
                // The trigram index serves LIKE with three characters or more.
                values.pop();
                values.push(format!("\"{}\"", needle.replace('"', "\"\"")).into());
                let p = self.placeholder(values.len());
                conds.push(format!(
                    "n.id IN (SELECT rowid FROM bench_fts WHERE bench_fts MATCH {p})"
                ));
            } else {
                values.push(format!("%{needle}%").into());
                let p2 = self.placeholder(values.len());
                conds.push(format!("(n.title LIKE {p} OR n.body LIKE {p2})"));
            }
        }
        if let Some(t) = q.assistance_type {
            values.push((t as i64).into());
            conds.push(format!("n.kind = {}", self.placeholder(values.len())));
        }
        if let Some(p) = q.province {
            values.push((p.parse::<i64>().unwrap_or(0) * 10_000).into());
            conds.push(format!("n.province = {}", self.placeholder(values.len())));
        }
        if conds.is_empty() {
            conds.push("1 = 1".to_owned());
        }
        (conds.join(" AND "), values)
    }

    pub async fn search(&self, q: &Query) -> anyhow::Result<Answer> {
        let (cond, values) = self.filter(q);
        let top = format!(
            "SELECT n.id FROM bench_needs n WHERE {cond} ORDER BY n.published DESC, n.id LIMIT {PAGE}"
        );
        let ids: Vec<u64> = self
            .db
            .query_all_raw(self.stmt(top, values.clone()))
            .await?
            .iter()
            .filter_map(|r| r.try_get_by_index::<i64>(0).ok())
            .map(|i| i as u64)
            .collect();
        let facets = if self.postgres {
            format!(
                "SELECT COALESCE(kind, -1), COALESCE(category, -1), COALESCE(coverage, -1), COALESCE(urgency, -1), COALESCE(status, -1), COALESCE(province, -1), COUNT(*) \
                 FROM bench_needs n WHERE {cond} \
                 GROUP BY GROUPING SETS ((kind), (category), (coverage), (urgency), (status), (province))"
            )
        } else {
            let part = |col: &str| {
                format!("SELECT '{col}', n.{col}, COUNT(*) FROM m JOIN bench_needs n ON n.id = m.id GROUP BY n.{col}")
            };
            format!(
                "WITH m AS MATERIALIZED (SELECT n.id FROM bench_needs n WHERE {cond}) {}",
                ["kind", "category", "coverage", "urgency", "status", "province"]
                    .iter()
                    .map(|c| part(c))
                    .collect::<Vec<_>>()
                    .join(" UNION ALL ")
            )
        };
        let rows = self.db.query_all_raw(self.stmt(facets, values)).await?;
        let count_col = if self.postgres { 6 } else { 2 };
        // Every need is counted once per facet: the total is a sixth of the sum.
        let sum: i64 = rows
            .iter()
            .filter_map(|r| r.try_get_by_index::<i64>(count_col).ok())
            .sum();
        Ok(Answer {
            ids,
            total: (sum / 6) as u64,
            facet_values: rows.len(),
        })
    }

    pub async fn all_matches(&self, q: &Query) -> anyhow::Result<HashSet<u64>> {
        let (cond, values) = self.filter(q);
        let sql = format!("SELECT n.id FROM bench_needs n WHERE {cond}");
        Ok(self
            .db
            .query_all_raw(self.stmt(sql, values))
            .await?
            .iter()
            .filter_map(|r| r.try_get_by_index::<i64>(0).ok())
            .map(|i| i as u64)
            .collect())
    }

    pub async fn size_on_disk(&self) -> u64 {
        let sql = if self.postgres {
            "SELECT pg_total_relation_size('bench_needs')"
        } else {
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
        };
        match self
            .db
            .query_one_raw(self.stmt(sql.to_owned(), vec![]))
            .await
        {
            Ok(Some(row)) => row.try_get_by_index::<i64>(0).map_or(0, |n| n as u64),
            _ => 0,
        }
    }
}
