//! The race for one need, timed: 100 simultaneous `POST /api/v1/needs/{code}/claim`
//! requests from six charity API tokens against the real `shanqiao serve` (release build,
//! demo data), for ten needs in a row; on SQLite and, when `TEST_DATABASE_URL` names a
//! PostgreSQL server, on a fresh database there. Each round must have exactly one winner
//! (201) and 99 answers 409; the report gives the latency of every request of the bursts
//! (p50, p99, max) and the rounds' wall time.
//!
//! Run: `cargo bench -p shanqiao --bench claim_burst` (exits 1 if a round has not exactly
//! one winner); `SHANQIAO_BIN=path` runs another build of the server instead. Figures are
//! in `docs/BENCHMARKS.md`.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BURST: usize = 100;
const ROUNDS: usize = 10;
/// Charities of the demo with room for more claims, and two people in each.
const ACCOUNTS: [(&str, &str); 6] = [
    ("charity-1", "charity-admin@shanqiao.test"),
    ("charity-1", "charity-member@shanqiao.test"),
    ("charity-3", "charity-admin-3@shanqiao.test"),
    ("charity-3", "charity-member-3@shanqiao.test"),
    ("charity-4", "charity-admin-4@shanqiao.test"),
    ("charity-4", "charity-member-4@shanqiao.test"),
];

struct Server {
    child: Child,
    base: String,
    data: tempfile::TempDir,
    database_url: Option<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The server binary: this build's, or `SHANQIAO_BIN` (to compare two builds in one
/// sitting).
fn command(data: &tempfile::TempDir, database_url: Option<&str>) -> Command {
    let binary =
        std::env::var_os("SHANQIAO_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_shanqiao").into());
    let mut c = Command::new(binary);
    c.env_remove("DATABASE_URL")
        .env_remove("SHANQIAO_BASE_URL")
        .env("SHANQIAO_DATA_DIR", data.path())
        .env("LEPTOS_SITE_ROOT", data.path())
        .env("RUST_LOG", "warn");
    if let Some(url) = database_url {
        c.env("DATABASE_URL", url);
    }
    c
}

async fn start(database_url: Option<String>) -> Server {
    let data = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let child = command(&data, database_url.as_deref())
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await {
            if r.status().is_success() {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the server did not answer in 180 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Server {
        child,
        base,
        data,
        database_url,
    }
}

/// An API token for `user` in `org`, issued by `shanqiao create-token`.
fn token(server: &Server, org: &str, user: &str) -> String {
    let out = command(&server.data, server.database_url.as_deref())
        .args([
            "create-token",
            "--org",
            org,
            "--user",
            user,
            "--name",
            "burst",
        ])
        .output()
        .expect("create-token runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .find(|w| w.starts_with("sq_"))
        .expect("a token in the output")
        .to_owned()
}

/// Published needs, from the public library, once the server has built its index (it
/// does so in the background after a fresh start).
async fn open_needs(base: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let body: serde_json::Value = reqwest::get(format!(
            "{base}/api/v1/library?status=published&sort=newest"
        ))
        .await
        .expect("library")
        .json()
        .await
        .expect("json");
        let codes: Vec<String> = body["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["public_code"].as_str().expect("code").to_owned())
            .collect();
        if codes.len() >= ROUNDS || Instant::now() > deadline {
            return codes;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn run(label: &str, database_url: Option<String>) -> bool {
    let server = start(database_url).await;
    let tokens: Vec<String> = ACCOUNTS
        .iter()
        .map(|(org, user)| token(&server, org, user))
        .collect();
    let needs = open_needs(&server.base).await;
    assert!(
        needs.len() >= ROUNDS,
        "{label}: {} open needs in the library, {ROUNDS} wanted",
        needs.len()
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(BURST)
        .build()
        .expect("client");
    // Each client has used its token before (as a working charity system has): its first
    // use writes the token's last use, which is not what this measures.
    for token in &tokens {
        let me = client
            .get(format!("{}/api/v1/me", server.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("me");
        assert!(me.status().is_success(), "the token works");
    }
    let mut latencies = Vec::with_capacity(BURST * ROUNDS);
    let mut walls = Vec::with_capacity(ROUNDS);
    let mut ok = true;
    for code in needs.iter().take(ROUNDS) {
        let url = format!("{}/api/v1/needs/{code}/claim", server.base);
        let started = Instant::now();
        let answers = futures::future::join_all((0..BURST).map(|i| {
            let request = client
                .post(&url)
                .bearer_auth(&tokens[i % tokens.len()])
                .json(&serde_json::json!({"mode": "direct", "plan": "采购并送达"}));
            async move {
                let t = Instant::now();
                let status = request
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                (status, t.elapsed().as_secs_f64() * 1000.0)
            }
        }))
        .await;
        walls.push(started.elapsed().as_secs_f64() * 1000.0);
        let slowest = answers.iter().map(|(_, ms)| *ms).fold(0.0, f64::max);
        eprintln!(
            "{label} {code}: burst {:.1} ms, slowest answer {slowest:.1} ms",
            walls[walls.len() - 1]
        );
        let won = answers.iter().filter(|(s, _)| *s == 201).count();
        let lost = answers.iter().filter(|(s, _)| *s == 409).count();
        if won != 1 || lost != BURST - 1 {
            eprintln!(
                "{label} {code}: {won} won, {lost} got 409 (expected 1 and {})",
                BURST - 1
            );
            ok = false;
        }
        latencies.extend(answers.into_iter().map(|(_, ms)| ms));
    }
    latencies.sort_by(f64::total_cmp);
    walls.sort_by(f64::total_cmp);
    println!(
        "| {label} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies[latencies.len() - 1],
        percentile(&walls, 0.5),
    );
    ok
}

/// A fresh PostgreSQL database next to the one `base` names: its URL.
async fn fresh_postgres(base: &str) -> String {
    use sea_orm::ConnectionTrait;
    let name = format!("sq_bench_{}", std::process::id());
    let admin = sea_orm::Database::connect(base)
        .await
        .expect("PostgreSQL answers");
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .expect("drop");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create");
    let (prefix, _) = base.rsplit_once('/').expect("a database in the URL");
    format!("{prefix}/{name}")
}

/// Drops the database `fresh` made by [`fresh_postgres`] (the server has stopped).
async fn drop_postgres(base: &str, fresh: &str) {
    use sea_orm::ConnectionTrait;
    let Some((_, name)) = fresh.rsplit_once('/') else {
        return;
    };
    if let Ok(admin) = sea_orm::Database::connect(base).await {
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
    }
}

#[tokio::main]
async fn main() {
    println!("# Claim burst: {BURST} simultaneous claims on one need, {ROUNDS} needs in a row\n");
    println!("| database | requests | p50 ms | p99 ms | max ms | burst wall p50 ms |");
    println!("|---|---|---|---|---|---|");
    let mut ok = run("SQLite", None).await;
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            let fresh = fresh_postgres(&url).await;
            ok &= run("PostgreSQL", Some(fresh.clone())).await;
            drop_postgres(&url, &fresh).await;
        }
        _ => println!("\n(PostgreSQL skipped: TEST_DATABASE_URL is not set)"),
    }
    if !ok {
        std::process::exit(1);
    }
}
