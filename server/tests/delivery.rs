//! The message outbox delivering to a real SMTP listener: two workers on one outbox send
//! each of 500 e-mails exactly once; a worker killed mid-send loses nothing (its row is
//! taken over once its claim runs out); a refusing or silent server fails or delays one
//! message with the reason while the rest of the queue keeps moving.

mod common;

use app::messages::delivery::{self, FileSink, Sink, SmtpSink, CLAIM_SECONDS};
use app::messages::{self, Channel, Outgoing};
use common::smtp::{Mode, SmtpServer};
use common::{integer, strings};
use std::collections::HashMap;
use std::time::Duration;

fn email(n: usize) -> Outgoing {
    Outgoing {
        channel: Channel::Email,
        recipient: format!("person-{n}@example.org"),
        subject: format!("善桥：第 {n} 封 / Shanqiao: number {n}"),
        body: format!("正文 {n}"),
        html: Some(format!("<p>正文 {n}</p>")),
        unsubscribe_url: None,
    }
}

fn smtp_sink(server: &SmtpServer, timeout: Duration) -> Sink {
    let files = FileSink::new(
        std::env::temp_dir().join(format!("shanqiao-delivery-{}", std::process::id())),
        "善桥 Shanqiao <no-reply@shanqiao.localhost>",
    );
    let smtp = SmtpSink::new(
        &server.url(),
        "善桥 Shanqiao <no-reply@shanqiao.localhost>",
        timeout,
    )
    .expect("smtp url");
    Sink::with_smtp(files, smtp)
}

/// Runs one worker until nothing is due at `now`.
async fn drain(
    db: sea_orm::DatabaseConnection,
    sink: Sink,
    name: &'static str,
    now: chrono::DateTime<chrono::Utc>,
) -> usize {
    let mut sent = 0;
    loop {
        let n = delivery::deliver_due(&db, &sink, name, now)
            .await
            .expect("delivers");
        if n == 0 {
            return sent;
        }
        sent += n;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_send_each_of_500_emails_exactly_once() {
    let database = common::migrated_database().await;
    let db = &database.db;
    let now = chrono::Utc::now();
    messages::queue_many(db, (0..500).map(email).collect(), now)
        .await
        .expect("queued");
    let server = SmtpServer::start(Mode::Accept).await;
    let sink = smtp_sink(&server, Duration::from_secs(10));
    // A second connection pool, as a second instance would have.
    let other = app::db::connect(&database.url).await.expect("connect");
    let (a, b) = tokio::join!(
        tokio::spawn(drain(db.clone(), sink.clone(), "worker-a", now)),
        tokio::spawn(drain(other, sink.clone(), "worker-b", now)),
    );
    let (a, b) = (a.expect("a"), b.expect("b"));
    assert_eq!(a + b, 500, "a sent {a}, b sent {b}");
    let ids = server.message_ids();
    assert_eq!(ids.len(), 500, "500 messages reached the server");
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for id in &ids {
        *seen.entry(id.as_str()).or_default() += 1;
    }
    assert!(seen.values().all(|n| *n == 1), "a message arrived twice");
    assert_eq!(
        integer(
            db,
            "SELECT COUNT(*) FROM message_outbox WHERE status = 'sent'"
        )
        .await,
        500
    );
    // Each Message-ID is the one fixed in the outbox.
    let stored = strings(db, "SELECT message_id FROM message_outbox").await;
    assert!(stored.iter().all(|id| seen.contains_key(id.as_str())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_send_loses_nothing() {
    let database = common::migrated_database().await;
    let db = &database.db;
    let now = chrono::Utc::now();
    messages::queue_many(db, (0..20).map(email).collect(), now)
        .await
        .expect("queued");
    // The server greets and then says nothing: the worker is stuck mid-send …
    let server = SmtpServer::start(Mode::Hang).await;
    let stuck = tokio::spawn(drain(
        db.clone(),
        smtp_sink(&server, Duration::from_secs(60)),
        "worker-killed",
        now,
    ));
    for _ in 0..100 {
        if integer(
            db,
            "SELECT COUNT(*) FROM message_outbox WHERE status = 'sending'",
        )
        .await
            == 1
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // … and is killed holding one message.
    stuck.abort();
    let _ = stuck.await;
    assert_eq!(
        strings(
            db,
            "SELECT claimed_by FROM message_outbox WHERE status = 'sending'"
        )
        .await,
        ["worker-killed"]
    );
    server.set_mode(Mode::Accept);
    // Another worker sends the rest at once, and the held one when its claim runs out.
    let sink = smtp_sink(&server, Duration::from_secs(10));
    assert_eq!(
        drain(db.clone(), sink.clone(), "worker-b", chrono::Utc::now()).await,
        19
    );
    let later = chrono::Utc::now() + chrono::Duration::seconds(CLAIM_SECONDS + 1);
    assert_eq!(drain(db.clone(), sink, "worker-b", later).await, 1);
    assert_eq!(
        integer(
            db,
            "SELECT COUNT(*) FROM message_outbox WHERE status = 'sent'"
        )
        .await,
        20
    );
    let mut ids = server.message_ids();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20, "every message, none lost");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_and_silence_fail_one_message_and_the_queue_keeps_moving() {
    let database = common::migrated_database().await;
    let db = &database.db;
    let now = chrono::Utc::now();
    let mut bad = email(0);
    bad.recipient = "not an address".into();
    messages::queue_many(db, vec![bad, email(1)], now)
        .await
        .expect("queued");
    let server = SmtpServer::start(Mode::Refuse).await;
    let sink = smtp_sink(&server, Duration::from_secs(2));
    drain(db.clone(), sink.clone(), "worker", now).await;
    // A malformed address and a 550 cannot get better: failed at once, with the reason.
    let failed = strings(
        db,
        "SELECT recipient || ' | ' || last_error FROM message_outbox WHERE status = 'failed' ORDER BY id",
    )
    .await;
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed[0].contains("cannot be built"), "{failed:?}");
    assert!(failed[1].contains("refused"), "{failed:?}");
    // A server that does not answer: retried later, the reason kept.
    messages::queue_many(db, vec![email(2)], now)
        .await
        .expect("queued");
    server.set_mode(Mode::Hang);
    drain(db.clone(), sink.clone(), "worker", now).await;
    let waiting = strings(
        db,
        "SELECT status || ' | ' || last_error FROM message_outbox WHERE recipient = 'person-2@example.org'",
    )
    .await;
    assert!(waiting[0].starts_with("pending | "), "{waiting:?}");
    // The next message still goes once the server answers again.
    messages::queue_many(db, vec![email(3)], now)
        .await
        .expect("queued");
    server.set_mode(Mode::Accept);
    drain(db.clone(), sink, "worker", now).await;
    assert_eq!(
        strings(
            db,
            "SELECT status FROM message_outbox WHERE recipient = 'person-3@example.org'"
        )
        .await,
        ["sent"]
    );
}
