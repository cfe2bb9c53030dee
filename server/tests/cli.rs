//! The `shanqiao` binary as an operator runs it: subcommands, and clear one-line errors.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn shanqiao(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shanqiao"));
    cmd.args(args)
        .env_remove("DATABASE_URL")
        .env_remove("SHANQIAO_DATA_DIR")
        .env_remove("SHANQIAO_BIND")
        .env_remove("SHANQIAO_BASE_URL")
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("binary starts");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A database URL for the CLI: the backend under test, fresh.
async fn database_url() -> (String, common::TestDatabase) {
    let test_db = common::empty_database().await;
    (test_db.url.clone(), test_db)
}

#[test]
fn unknown_subcommands_and_flags_fail_with_a_hint() {
    let out = shanqiao(&["frobnicate"], &[], None);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("unrecognized subcommand"),
        "{}",
        stderr(&out)
    );
    let out = shanqiao(&["serve", "--no-such-flag"], &[], None);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--help"), "{}", stderr(&out));
}

#[test]
fn an_unreachable_database_is_one_line_with_what_to_do() {
    let out = shanqiao(
        &["migrate", "status"],
        &[("DATABASE_URL", "postgres://app:secret@127.0.0.1:1/shanqiao")],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot open the database") && err.contains("DATABASE_URL"),
        "{err}"
    );
    assert!(
        !err.contains("secret"),
        "the password is not printed: {err}"
    );
}

#[test]
fn a_data_dir_that_cannot_be_written_is_reported() {
    let out = shanqiao(
        &["migrate"],
        &[("SHANQIAO_DATA_DIR", "/proc/shanqiao-cannot-write")],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("data directory") && err.contains("SHANQIAO_DATA_DIR"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[tokio::test]
async fn a_port_in_use_is_reported() {
    let (url, _db) = database_url().await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let out = tokio::task::spawn_blocking(move || {
        shanqiao(&["serve", "--bind", &addr], &[("DATABASE_URL", &url)], None)
    })
    .await
    .expect("join");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("in use") && err.contains("--bind"), "{err}");
}

#[tokio::test]
async fn migrate_reindex_and_seed_demo_say_what_they_did() {
    let (url, _db) = database_url().await;
    let data = tempfile::tempdir().expect("temp dir");
    let data_dir = data.path().to_string_lossy().into_owned();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("SHANQIAO_DATA_DIR", data_dir.as_str()),
    ];
    let out = shanqiao(&["migrate", "up"], &env, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let status = stdout(&shanqiao(&["migrate", "status"], &env, None));
    assert!(status.lines().all(|l| l.starts_with("applied")), "{status}");
    assert!(status.contains("load_regions"));

    let out = shanqiao(&["reindex"], &env, None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("search index rebuilt: 0 needs"),
        "{}",
        stdout(&out)
    );

    let out = shanqiao(&["seed-demo"], &env, None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("caseworker@shanqiao.test"));
    let out = shanqiao(&["reindex"], &env, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    let needs: u64 = said
        .trim_start_matches("search index rebuilt: ")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(needs > 100, "{said}");
    // One version in use, named by `current`; the empty one of the first run is gone
    // at the next rebuild at the latest.
    let current = std::fs::read_to_string(data.path().join("search/current")).expect("current");
    assert!(data.path().join("search").join(current.trim()).is_dir());
    let again = shanqiao(&["seed-demo"], &env, None);
    assert!(again.status.success());
    assert!(stdout(&again).contains("already holds"));
}

#[tokio::test]
async fn serve_refuses_demo_accounts_behind_https() {
    let (url, _db) = database_url().await;
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("SHANQIAO_BASE_URL", "https://shanqiao.example.org"),
    ];
    let out = shanqiao(&["serve", "--demo", "--bind", "127.0.0.1:0"], &env, None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("demo accounts"), "{}", stderr(&out));
}

#[tokio::test]
async fn serve_refuses_demo_accounts_at_any_public_address() {
    for base in [
        "HTTPS://shanqiao.example.org",
        "http://shanqiao.example.org",
    ] {
        let (url, _db) = database_url().await;
        let env = [("DATABASE_URL", url.as_str()), ("SHANQIAO_BASE_URL", base)];
        let out = shanqiao(&["serve", "--demo", "--bind", "127.0.0.1:0"], &env, None);
        assert_eq!(out.status.code(), Some(1), "{base}");
        assert!(stderr(&out).contains("--allow-demo"), "{}", stderr(&out));
    }
}

#[tokio::test]
async fn create_admin_reads_the_password_from_stdin() {
    let (url, test_db) = database_url().await;
    let env = [("DATABASE_URL", url.as_str())];
    let short = shanqiao(
        &["create-admin", "--email", "root@example.org"],
        &env,
        Some("short\n"),
    );
    assert_eq!(short.status.code(), Some(1));
    assert!(stderr(&short).contains("at least"), "{}", stderr(&short));

    let bad = shanqiao(
        &["create-admin", "--email", "not-an-email"],
        &env,
        Some("long enough password\n"),
    );
    assert_eq!(bad.status.code(), Some(1));

    let ok = shanqiao(
        &["create-admin", "--email", "Root@Example.org"],
        &env,
        Some("long enough password\n"),
    );
    assert!(ok.status.success(), "{}", stderr(&ok));

    let again = shanqiao(
        &["create-admin", "--email", "root@example.org"],
        &env,
        Some("long enough password\n"),
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"));

    use sea_orm::{ConnectionTrait, Statement};
    let db = &test_db.db;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT password_hash FROM users WHERE email = 'root@example.org' AND is_platform_admin".to_owned(),
        ))
        .await
        .expect("query")
        .expect("the admin exists");
    let hash: String = row.try_get_by_index(0).expect("hash");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
}

#[test]
fn pii_check_prints_findings_as_json_lines_and_exits_by_severity() {
    let out = shanqiao(
        &["pii-check", "--names", "王秀兰,王建国"],
        &[],
        Some("王秀兰老人，电话 139-1234-5678，住在解放路88号。"),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let kinds: Vec<&str> = lines.iter().filter_map(|l| l["kind"].as_str()).collect();
    assert_eq!(kinds, ["household_name", "mobile", "address"]);
    assert_eq!(lines[0]["start"], 0);
    assert_eq!(lines[0]["end"], 3);
    assert_eq!(lines[0]["text"], "王秀兰");
    assert_eq!(lines[1]["severity"], "blocking");
    assert_eq!(lines[1]["text"], "139-1234-5678");
    for l in &lines {
        let keys: Vec<&String> = l.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["end", "kind", "severity", "start", "text"]);
    }

    // How families are most often reached today: QQ, WeChat, the car's plate, and the
    // Northeastern address by committee and group.
    let contacts = shanqiao(
        &["pii-check"],
        &[],
        Some("加微信 zhang_san88 或QQ：12345678，车牌吉AD12345，住安达社区第8委7组81号。"),
    );
    assert_eq!(contacts.status.code(), Some(1), "{}", stderr(&contacts));
    let found: Vec<(String, String, String)> = stdout(&contacts)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("a JSON line"))
        .map(|l| {
            let s = |k: &str| l[k].as_str().unwrap_or_default().to_owned();
            (s("kind"), s("severity"), s("text"))
        })
        .collect();
    let b = |k: &str, t: &str| (k.to_owned(), "blocking".to_owned(), t.to_owned());
    assert_eq!(
        found,
        [
            b("messaging_id", "微信 zhang_san88"),
            b("messaging_id", "QQ：12345678"),
            b("vehicle_plate", "吉AD12345"),
            b("address", "安达社区第8委7组81号"),
        ]
    );

    let clean = shanqiao(
        &["pii-check"],
        &[],
        Some("2026年需资金12000元，已自付35%，吉民发〔2026〕15号文件，项目编号 2026123456。"),
    );
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean), "");

    let huge = "字".repeat(pii::MAX_TEXT_CHARS + 1);
    let refused = shanqiao(&["pii-check"], &[], Some(&huge));
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("longer than"));
}

#[test]
fn pii_check_refuses_bytes_that_are_not_utf8() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shanqiao"));
    cmd.arg("pii-check")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("binary starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&[0xB5, 0xE7, 0xBB, 0xB0, 0xFF])
        .expect("write");
    let out = child.wait_with_output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not UTF-8"));
}

#[cfg(unix)]
#[test]
fn the_families_data_on_disk_is_readable_by_this_user_only() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("data");
    let out = shanqiao(
        &["migrate"],
        &[("SHANQIAO_DATA_DIR", dir.to_str().expect("utf-8"))],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "the data directory");
    let db = dir.join("shanqiao.db");
    assert_eq!(mode(&db), 0o600, "the database");
    for side in ["shanqiao.db-wal", "shanqiao.db-shm"] {
        let p = dir.join(side);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{side}");
        }
    }
}

#[tokio::test]
async fn a_one_time_link_token_never_reaches_the_log() {
    use std::io::{BufRead, Read};
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_shanqiao"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env_remove("DATABASE_URL")
        .env_remove("SHANQIAO_BASE_URL")
        .env("SHANQIAO_DATA_DIR", dir.to_str().expect("utf-8"))
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("a line");
        line
    })
    .await
    .expect("join");
    let addr = line
        .split("listening on ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .expect("the address is printed")
        .trim()
        .to_owned();
    let secret = "S3CRET-reset-token-that-must-not-leak";
    let refused = reqwest::Client::new()
        .post(format!("http://{addr}/reset/{secret}"))
        .header("origin", "https://evil.example")
        .form(&[("password", "x"), ("password_confirmation", "x")])
        .send()
        .await
        .expect("request");
    assert_eq!(
        refused.status().as_u16(),
        403,
        "a cross-site post is refused and logged"
    );
    let _ = child.kill();
    let _ = child.wait();
    let mut log = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("log");
    assert!(log.contains("/reset/***"), "the refusal is logged: {log}");
    assert!(!log.contains(secret), "the token is not: {log}");
}
