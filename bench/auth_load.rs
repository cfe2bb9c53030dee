//! Load on the account doors: 64 parallel sign-up requests, the 64 links they sent opened
//! at once (each a password hash), and 64 parallel sign-ins against the real
//! `shanqiao serve` (release build, SQLite, demo data), each from its own client address,
//! then 64 parallel wrong passwords and 64 parallel sign-up requests from one address. Shows that
//! the server's memory stays bounded while argon2 hashes (the hashing queue runs one hash
//! per core and answers 503 when full) and that the throttles count exactly.
//!
//! Run: `cargo bench -p shanqiao --bench auth_load` (writes a report on stdout; exits 1 if a
//! throttle count is not exact or the peak memory is not bounded). Figures are in
//! `docs/BENCHMARKS.md`.

use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PARALLEL: usize = 64;
const PASSWORD: &str = "a long enough password";
/// One argon2id hash with the parameters of `accounts::password` (m = 19 MiB).
const HASH_MIB: f64 = 19.0;

struct Server {
    child: Child,
    base: String,
    _data: tempfile::TempDir,
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

async fn start() -> Server {
    let data = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_shanqiao"))
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .env_remove("DATABASE_URL")
        .env_remove("SHANQIAO_BASE_URL")
        .env("SHANQIAO_DATA_DIR", data.path())
        .env("LEPTOS_SITE_ROOT", data.path())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(r) = client.get(format!("{base}/signin")).send().await {
            if r.status().is_success() {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the server did not answer in 120 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Server {
        child,
        base,
        _data: data,
    }
}

/// The server's resident memory now and at its peak, in MiB (from /proc).
fn memory(server: &Server) -> (f64, f64) {
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap_or_default();
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

fn client_from(ip: Ipv4Addr) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(IpAddr::V4(ip))
        .timeout(Duration::from_secs(300))
        .build()
        .expect("client")
}

/// One form post; its status and how long it took.
async fn post(
    client: reqwest::Client,
    url: String,
    origin: String,
    form: Vec<(&'static str, String)>,
) -> (u16, Duration) {
    let start = Instant::now();
    let status = client
        .post(url)
        .header("origin", origin)
        .form(&form)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    (status, start.elapsed())
}

/// Fires `PARALLEL` posts at once: `make(i)` gives the client and form of the i-th.
async fn burst(
    server: &Server,
    path: &str,
    make: impl Fn(usize) -> (reqwest::Client, Vec<(&'static str, String)>),
) -> Burst {
    burst_to(server, |i| {
        let (client, form) = make(i);
        (client, path.to_owned(), form)
    })
    .await
}

/// Like [`burst`], each post to its own path.
async fn burst_to(
    server: &Server,
    make: impl Fn(usize) -> (reqwest::Client, String, Vec<(&'static str, String)>),
) -> Burst {
    let start = Instant::now();
    let tasks: Vec<_> = (0..PARALLEL)
        .map(|i| {
            let (client, path, form) = make(i);
            tokio::spawn(post(
                client,
                format!("{}{path}", server.base),
                server.base.clone(),
                form,
            ))
        })
        .collect();
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.expect("join"));
    }
    Burst {
        results,
        wall: start.elapsed(),
        memory: memory(server),
    }
}

struct Burst {
    results: Vec<(u16, Duration)>,
    wall: Duration,
    memory: (f64, f64),
}

impl Burst {
    fn count(&self, status: u16) -> usize {
        self.results.iter().filter(|(s, _)| *s == status).count()
    }

    fn statuses(&self) -> String {
        let mut seen: Vec<u16> = self.results.iter().map(|(s, _)| *s).collect();
        seen.sort_unstable();
        seen.dedup();
        seen.iter()
            .map(|s| format!("{} × {s}", self.count(*s)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn latency(&self) -> (f64, f64) {
        let mut ms: Vec<f64> = self
            .results
            .iter()
            .map(|(_, d)| d.as_secs_f64() * 1e3)
            .collect();
        ms.sort_by(f64::total_cmp);
        (ms[ms.len() / 2], ms[ms.len() - 1])
    }

    fn row(&self, label: &str) {
        let (median, max) = self.latency();
        println!(
            "| {label} | {} | {:.0} ms | {median:.0} ms / {max:.0} ms | {:.0} MiB / {:.0} MiB |",
            self.statuses(),
            self.wall.as_secs_f64() * 1e3,
            self.memory.0,
            self.memory.1,
        );
    }
}

fn sign_up_form(account: String) -> Vec<(&'static str, String)> {
    vec![
        ("account", account),
        ("display_name", "压测用户".to_owned()),
    ]
}

fn password_form() -> Vec<(&'static str, String)> {
    vec![
        ("password", PASSWORD.to_owned()),
        ("password_confirmation", PASSWORD.to_owned()),
    ]
}

/// The sign-up link the server sent to `account` (it writes messages under its data
/// directory when no SMTP server is configured), waiting for its delivery worker.
async fn sign_up_link(server: &Server, account: &str) -> String {
    let sink = app::messages::delivery::FileSink::new(server._data.path().join("outbox"), "");
    for _ in 0..200 {
        if let Some(text) = sink.delivered_to(account).pop() {
            if let Some(at) = text.find("/signup/") {
                return text[at..]
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no sign-up link reached {account}");
}

fn sign_in_form(account: String, password: &str) -> Vec<(&'static str, String)> {
    vec![
        ("account", account),
        ("password", password.to_owned()),
        ("next", "/".to_owned()),
    ]
}

#[tokio::main]
async fn main() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let server = start().await;
    let (rss0, peak0) = memory(&server);
    println!(
        "server: {} cores, {rss0:.0} MiB resident after start (peak {peak0:.0} MiB)\n",
        cores
    );
    println!("| burst of {PARALLEL} at once | answers | wall | latency median / max | memory now / peak |");
    println!("|---|---|---|---|---|");

    // Each from its own address (127.0.1.x), so no address throttle applies: the hashing
    // queue is what bounds the work.
    let own = |i: usize| Ipv4Addr::new(127, 0, 1, u8::try_from(i + 1).unwrap_or(255));
    let sign_ups = burst(&server, "/signup", |i| {
        (
            client_from(own(i)),
            sign_up_form(format!("load-{i}@example.org")),
        )
    })
    .await;
    sign_ups.row("sign-up requests (links sent), 64 addresses");

    // Each sign-up link opened at once with its password: 64 hashes asked for together.
    let mut links = Vec::new();
    for i in 0..PARALLEL {
        links.push(sign_up_link(&server, &format!("load-{i}@example.org")).await);
    }
    let openings = burst_to(&server, |i| {
        (client_from(own(i)), links[i].clone(), password_form())
    })
    .await;
    openings.row("sign-up links opened, 64 addresses");
    let made: Vec<usize> = (0..PARALLEL)
        .filter(|&i| openings.results[i].0 == 303)
        .collect();

    // The accounts made sign in, again each from its own address; then once more, so
    // that each sign-in burst is as large as the first.
    let sign_ins = burst(&server, "/signin", |i| {
        let account = made.get(i % made.len().max(1)).copied().unwrap_or(0);
        (
            client_from(own(i)),
            sign_in_form(format!("load-{account}@example.org"), PASSWORD),
        )
    })
    .await;
    sign_ins.row("sign-ins, 64 addresses");

    // One address guessing one account: exactly the pair's free tries are judged.
    let attacker = client_from(Ipv4Addr::new(127, 0, 2, 1));
    let guesses = burst(&server, "/signin", |i| {
        (
            attacker.clone(),
            sign_in_form("admin@shanqiao.test".to_owned(), &format!("guess {i}")),
        )
    })
    .await;
    guesses.row("wrong passwords, 1 address → 1 account");

    // One address making accounts: exactly the free ones are made.
    let script = client_from(Ipv4Addr::new(127, 0, 3, 1));
    let scripted = burst(&server, "/signup", |i| {
        (
            script.clone(),
            sign_up_form(format!("script-{i}@example.org")),
        )
    })
    .await;
    scripted.row("sign-up requests, 1 address");

    let (_, peak) = memory(&server);
    let unbounded = PARALLEL as f64 * HASH_MIB;
    println!(
        "\npeak memory {peak:.0} MiB: {:.0} MiB above the idle server; {PARALLEL} hashes at once would need {unbounded:.0} MiB",
        peak - rss0
    );
    let judged = guesses.count(422);
    let scripted_made = scripted.count(303);
    println!(
        "throttle: {judged} of {PARALLEL} parallel guesses judged (3 expected), {scripted_made} of {PARALLEL} parallel sign-up requests taken (10 expected)"
    );
    let mut failed = false;
    if judged != 3 || guesses.count(429) != PARALLEL - 3 {
        eprintln!(
            "FAIL: the sign-in throttle is not exact: {}",
            guesses.statuses()
        );
        failed = true;
    }
    if scripted_made != 10 || scripted.count(429) + scripted.count(503) != PARALLEL - 10 {
        eprintln!(
            "FAIL: the sign-up throttle is not exact: {}",
            scripted.statuses()
        );
        failed = true;
    }
    // The queue lets one hash per core run: far below what 64 at once would take.
    if peak - rss0 > unbounded / 4.0 {
        eprintln!("FAIL: memory grew by {:.0} MiB under load", peak - rss0);
        failed = true;
    }
    if sign_ups.count(0) + openings.count(0) + sign_ins.count(0) > 0 {
        eprintln!("FAIL: requests failed without an answer");
        failed = true;
    }
    if failed {
        // `exit` runs no destructors: stop the server first.
        drop(server);
        std::process::exit(1);
    }
}
