//! `search-bench`: the needs library's search benchmark and the synthetic-needs loader.
//!
//!   cargo run --release -p shanqiao-bench -- compare --count 1000000 [--postgres URL]
//!   cargo run --release -p shanqiao-bench -- load --count 1000000 --database-url URL
//!
//! `compare` generates the corpus, builds each engine's natural index on it (this tantivy
//! index; SQLite FTS5 with the trigram tokenizer; PostgreSQL with a pg_trgm GIN index),
//! runs the fixed queries side by side, and prints p50/p99 latency of the search call as
//! the library page makes it (first page of ids, total, facet counts), recall against
//! exact substring matching, indexing throughput, index size and memory.
//! `load` writes the corpus into the app's database as published needs (with their search
//! outbox rows), in batches, for the page-load benchmark.

mod corpus;
mod engines;
mod load;
mod queries;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashSet;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "search-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compare the engines on a generated corpus.
    Compare {
        #[arg(long, default_value_t = 100_000)]
        count: u64,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Timed passes over the queries for the tantivy index (the SQL engines, which
        /// scan, get `--sql-repeat`).
        #[arg(long, default_value_t = 20)]
        repeat: usize,
        #[arg(long, default_value_t = 1)]
        sql_repeat: usize,
        /// A PostgreSQL server (`postgres://user@host/db`); a database `sq_bench` is made
        /// on it. Without it PostgreSQL is skipped.
        #[arg(long, env = "BENCH_POSTGRES_URL")]
        postgres: Option<String>,
        /// Skip SQLite FTS5.
        #[arg(long)]
        no_sqlite: bool,
        /// Merge this index into one segment before searching (by default it is searched
        /// as `shanqiao reindex` leaves it: after the background merges have finished).
        #[arg(long)]
        merge: bool,
    },
    /// Load the corpus into the app's database as published needs.
    Load {
        #[arg(long)]
        count: u64,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
    },
}

const CHUNK: u64 = 10_000;

fn bar(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {what} [{{bar:40}}] {{pos}}/{{len}} ({{per_sec}}, {{eta}} left)"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

fn chunk(seed: u64, from: u64, to: u64, counties: &[String]) -> Vec<corpus::Need> {
    (from..to)
        .map(|i| corpus::need(seed, i, counties))
        .collect()
}

fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Latencies of every timed call, and recall per query.
struct Report {
    name: String,
    index_secs: f64,
    size_bytes: u64,
    latencies: Vec<Duration>,
    /// The median latency of each query (ms).
    per_query: Vec<f64>,
    recall: Vec<f64>,
    note: String,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

/// The median latency (ms) of each of `queries` queries, from passes that ran them in
/// order.
fn medians(latencies: &[Duration], queries: usize) -> Vec<f64> {
    (0..queries)
        .map(|i| {
            let mut own: Vec<Duration> =
                latencies.iter().skip(i).step_by(queries).copied().collect();
            own.sort();
            percentile(&own, 0.5)
        })
        .collect()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Load {
            count,
            seed,
            database_url,
        } => load::run(&database_url, count, seed).await,
        Command::Compare {
            count,
            seed,
            repeat,
            sql_repeat,
            postgres,
            no_sqlite,
            merge,
        } => compare(count, seed, repeat, sql_repeat, postgres, no_sqlite, merge).await,
    }
}

async fn compare(
    count: u64,
    seed: u64,
    repeat: usize,
    sql_repeat: usize,
    postgres: Option<String>,
    no_sqlite: bool,
    merge: bool,
) -> anyhow::Result<()> {
    let counties = corpus::counties();
    let queries = queries::all();
    eprintln!(
        "corpus: {count} needs, seed {seed}; {} queries",
        queries.len()
    );

    // Ground truth by exact substring matching, computed while generating.
    let mut truth: Vec<HashSet<u64>> = vec![HashSet::new(); queries.len()];
    let mut chars = 0usize;
    let progress = bar(count, "ground truth");
    let mut from = 0;
    while from < count {
        let to = (from + CHUNK).min(count);
        for n in chunk(seed, from, to, &counties) {
            let text = n.text();
            chars += text.chars().count();
            let lower = text.to_lowercase();
            for (q, set) in queries.iter().zip(truth.iter_mut()) {
                if q.matches(&n, &lower) {
                    set.insert(n.id);
                }
            }
        }
        progress.set_position(to);
        from = to;
    }
    progress.finish_and_clear();
    eprintln!("corpus text: {:.1} M characters", chars as f64 / 1e6);

    let mut reports = Vec::new();

    // This index.
    {
        let engine = engines::Tantivy::new()?;
        let started = Instant::now();
        let progress = bar(count, "tantivy: indexing");
        let mut from = 0;
        while from < count {
            let to = (from + CHUNK).min(count);
            engine.load(&chunk(seed, from, to, &counties))?;
            progress.set_position(to);
            from = to;
        }
        engine.commit()?;
        progress.finish_and_clear();
        let index_secs = started.elapsed().as_secs_f64();
        let merging = Instant::now();
        let segments = engine.settle(merge)?;
        let merge_secs = merging.elapsed().as_secs_f64();
        let (rss, peak) = memory_mib();
        let mut latencies = Vec::new();
        // Warm-up, and a check that the total and the first page agree with the truth.
        let mut agree = 0;
        for (q, set) in queries.iter().zip(&truth) {
            let answer = engine.search(q)?;
            if answer.total == set.len() as u64
                && answer.ids.iter().all(|id| set.contains(id))
                && answer.facet_values > 0
            {
                agree += 1;
            }
        }
        // Searching on every core finds what one thread finds: the same page in the same
        // order, the same total and facet counts.
        let mut same = 0;
        for q in &queries {
            engine.set_parallel(false);
            let one = engine.result(q)?;
            engine.set_parallel(true);
            if engine.result(q)? == one {
                same += 1;
            }
        }
        // The same searches on one thread each, pass for pass beside the default (which
        // uses every core for one search), for the side-by-side comparison.
        let mut one_thread = Vec::new();
        for _ in 0..repeat {
            for (parallel, into) in [(true, &mut latencies), (false, &mut one_thread)] {
                engine.set_parallel(parallel);
                for q in &queries {
                    let t = Instant::now();
                    let answer = engine.search(q)?;
                    into.push(t.elapsed());
                    std::hint::black_box(answer);
                }
            }
        }
        engine.set_parallel(true);
        let mut recall = Vec::new();
        for (q, set) in queries.iter().zip(&truth) {
            let found = engine.all_matches(q)?;
            recall.push(recall_of(&found, set));
        }
        let size_bytes = engine.size_on_disk();
        let one_thread_recall = recall.clone();
        reports.push(Report {
            name: "tantivy (this index)".to_owned(),
            index_secs,
            size_bytes,
            per_query: medians(&latencies, queries.len()),
            latencies,
            recall,
            note: format!(
                "process memory after indexing: {rss:.0} MiB (peak {peak:.0} MiB); {} then {merge_secs:.1} s, {segments} segment(s) searched; total, first page and facets agree with the truth on {agree} of {} queries",
                if merge { "merged into one segment" } else { "background merges waited for" },
                queries.len()
            ),
        });
        reports.push(Report {
            name: "tantivy, one thread per search".to_owned(),
            index_secs,
            size_bytes,
            per_query: medians(&one_thread, queries.len()),
            latencies: one_thread,
            recall: one_thread_recall,
            note: format!(
                "the same index and searches, each search on the calling thread only; page, total and facet counts identical to the default's on {same} of {} queries",
                queries.len()
            ),
        });
    }

    if !no_sqlite {
        let dir = tempfile::tempdir()?;
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        );
        let db = app::db::connect(&url).await?;
        let engine = engines::Sql::create(db, false).await?;
        reports.push(
            run_sql(
                engine,
                "SQLite FTS5 (trigram)",
                count,
                seed,
                &counties,
                &queries,
                &truth,
                sql_repeat,
            )
            .await?,
        );
    }
    if let Some(base) = postgres {
        let admin = app::db::connect(&base).await?;
        use sea_orm::ConnectionTrait;
        admin
            .execute_unprepared("DROP DATABASE IF EXISTS sq_bench WITH (FORCE)")
            .await?;
        admin.execute_unprepared("CREATE DATABASE sq_bench").await?;
        let url = replace_database(&base, "sq_bench");
        let db = app::db::connect(&url).await?;
        let engine = engines::Sql::create(db, true).await?;
        reports.push(
            run_sql(
                engine,
                "PostgreSQL (pg_trgm, ILIKE)",
                count,
                seed,
                &counties,
                &queries,
                &truth,
                sql_repeat,
            )
            .await?,
        );
        admin
            .execute_unprepared("DROP DATABASE IF EXISTS sq_bench WITH (FORCE)")
            .await
            .ok();
    }

    print_report(count, &queries, &truth, &reports);
    Ok(())
}

fn recall_of(found: &HashSet<u64>, truth: &HashSet<u64>) -> f64 {
    if truth.is_empty() {
        return 1.0;
    }
    truth.intersection(found).count() as f64 / truth.len() as f64
}

#[allow(clippy::too_many_arguments)]
async fn run_sql(
    engine: engines::Sql,
    name: &str,
    count: u64,
    seed: u64,
    counties: &[String],
    queries: &[queries::Query],
    truth: &[HashSet<u64>],
    repeat: usize,
) -> anyhow::Result<Report> {
    let started = Instant::now();
    let progress = bar(count, &format!("{name}: loading"));
    let mut from = 0;
    while from < count {
        let to = (from + CHUNK).min(count);
        engine.load(&chunk(seed, from, to, counties)).await?;
        progress.set_position(to);
        from = to;
    }
    engine.finish().await?;
    progress.finish_and_clear();
    let index_secs = started.elapsed().as_secs_f64();
    let mut agree = 0;
    for (q, set) in queries.iter().zip(truth) {
        let answer = engine.search(q).await?;
        if answer.total == set.len() as u64
            && answer.ids.iter().all(|id| set.contains(id))
            && answer.facet_values > 0
        {
            agree += 1;
        }
    }
    let mut latencies = Vec::new();
    let progress = bar(
        (queries.len() * repeat) as u64,
        &format!("{name}: searching"),
    );
    for _ in 0..repeat {
        for q in queries {
            let t = Instant::now();
            let answer = engine.search(q).await?;
            latencies.push(t.elapsed());
            std::hint::black_box(answer);
            progress.inc(1);
        }
    }
    progress.finish_and_clear();
    let per_query = medians(&latencies, queries.len());
    let mut recall = Vec::new();
    for (q, set) in queries.iter().zip(truth) {
        recall.push(recall_of(&engine.all_matches(q).await?, set));
    }
    Ok(Report {
        name: name.to_owned(),
        index_secs,
        size_bytes: engine.size_on_disk().await,
        latencies,
        per_query,
        recall,
        note: format!(
            "total, first page and facets agree with the truth on {agree} of {} queries (one untimed pass first)",
            queries.len()
        ),
    })
}

fn print_report(
    count: u64,
    queries: &[queries::Query],
    truth: &[HashSet<u64>],
    reports: &[Report],
) {
    println!("\n### {count} needs, {} queries\n", queries.len());
    println!(
        "| engine | p50 | p99 | mean recall | min recall | indexing | needs/s | size on disk |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut p50s = Vec::new();
    for r in reports {
        let mut sorted = r.latencies.clone();
        sorted.sort();
        let (p50, p99) = (percentile(&sorted, 0.5), percentile(&sorted, 0.99));
        p50s.push(p50);
        let mean = r.recall.iter().sum::<f64>() / r.recall.len().max(1) as f64;
        let min = r.recall.iter().copied().fold(1.0, f64::min);
        println!(
            "| {} | {p50:.2} ms | {p99:.2} ms | {:.2} % | {:.2} % | {:.1} s | {:.0} | {:.0} MiB |",
            r.name,
            mean * 100.0,
            min * 100.0,
            r.index_secs,
            count as f64 / r.index_secs,
            r.size_bytes as f64 / 1_048_576.0
        );
    }
    for r in reports.iter().filter(|r| !r.note.is_empty()) {
        println!("\n{}: {}", r.name, r.note);
    }
    if p50s.len() > 1 {
        let speedups: Vec<String> = reports
            .iter()
            .zip(&p50s)
            .skip(1)
            .map(|(r, p)| format!("{:.1}× faster than {} (p50)", p / p50s[0], r.name))
            .collect();
        println!("\nthis index: {}", speedups.join("; "));
    }
    println!(
        "\n| query | matches | {} | {} |",
        reports
            .iter()
            .map(|r| format!("recall {}", r.name))
            .collect::<Vec<_>>()
            .join(" | "),
        reports
            .iter()
            .map(|r| format!("p50 ms {}", r.name))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!("|---|---|{}", "---|".repeat(2 * reports.len()));
    for (i, q) in queries.iter().enumerate() {
        let filters = match (q.assistance_type, q.province) {
            (None, None) => String::new(),
            (t, p) => format!(" (type {t:?}, province {p:?})"),
        };
        println!(
            "| `{}`{filters} | {} | {} | {} |",
            q.text,
            truth[i].len(),
            reports
                .iter()
                .map(|r| format!("{:.2} %", r.recall[i] * 100.0))
                .collect::<Vec<_>>()
                .join(" | "),
            reports
                .iter()
                .map(|r| format!("{:.2}", r.per_query[i]))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let cut = base
        .rfind('/')
        .filter(|&i| i > "postgres://".len())
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..cut]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}
