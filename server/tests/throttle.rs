//! Sign-in throttling stops guessing without locking anyone out: a storm from one
//! address does not stop the real person at another, and parallel guesses cannot beat
//! the count.

mod common;

use common::TestApp;
use std::net::{IpAddr, Ipv4Addr};

const ADMIN: &str = "admin@shanqiao.test";

/// A client whose requests come from `ip` (any 127.x.y.z reaches the test server).
fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(IpAddr::V4(Ipv4Addr::from(ip)))
        .build()
        .expect("client")
}

async fn sign_in(app: &TestApp, client: &reqwest::Client, account: &str, password: &str) -> u16 {
    client
        .post(app.url("/signin"))
        .header("origin", format!("http://{}", app.addr))
        .form(&[("account", account), ("password", password), ("next", "/")])
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_password_storm_from_one_address_does_not_lock_the_real_admin_out() {
    let app = common::spawn_demo_app().await;
    let attacker = client_from([127, 0, 0, 2]);
    let mut refused = 0;
    for i in 0..80 {
        let status = sign_in(&app, &attacker, ADMIN, &format!("guess number {i}")).await;
        assert!(status == 422 || status == 429, "{status}");
        if status == 429 {
            refused += 1;
        }
    }
    assert!(
        refused >= 70,
        "the storm is stopped at its address ({refused} refused)"
    );
    // Even the right password is refused from the attacking address for now…
    assert_eq!(
        sign_in(&app, &attacker, ADMIN, app::demo::DEMO_PASSWORD).await,
        429
    );
    // …but the real admin, elsewhere, signs in.
    let admin = client_from([127, 0, 0, 3]);
    assert_eq!(
        sign_in(&app, &admin, ADMIN, app::demo::DEMO_PASSWORD).await,
        303
    );
}

#[tokio::test]
async fn parallel_guesses_cannot_beat_the_count() {
    let app = common::spawn_demo_app().await;
    let attacker = client_from([127, 0, 0, 4]);
    let (url, origin) = (app.url("/signin"), format!("http://{}", app.addr));
    let guesses: Vec<_> = (0..20)
        .map(|i| {
            let (client, url, origin) = (attacker.clone(), url.clone(), origin.clone());
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("origin", origin)
                    .form(&[
                        ("account", ADMIN),
                        ("password", &format!("parallel guess {i}")),
                        ("next", "/"),
                    ])
                    .send()
                    .await
                    .expect("request")
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.expect("join"));
    }
    let judged = statuses.iter().filter(|s| **s == 422).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        judged, 3,
        "exactly the free tries were judged: {statuses:?}"
    );
    assert_eq!(refused, 17, "{statuses:?}");
}

#[tokio::test]
async fn one_account_however_its_mobile_number_is_written() {
    let app = common::spawn_demo_app().await;
    let client = client_from([127, 0, 0, 5]);
    for typed in ["138 1234 5678", "+86 13812345678", "138-1234-5678"] {
        assert_eq!(
            sign_in(&app, &client, typed, "wrong password here").await,
            422
        );
    }
    // A fourth try, written yet another way, is the same account: it must wait.
    assert_eq!(
        sign_in(&app, &client, "13812345678", "wrong password here").await,
        429
    );
}

async fn sign_up(app: &TestApp, client: &reqwest::Client, n: usize) -> u16 {
    let account = format!("new-donor-{n}@example.org");
    client
        .post(app.url("/signup"))
        .header("origin", format!("http://{}", app.addr))
        .form(&[
            ("account", account.as_str()),
            ("display_name", "新朋友"),
            ("password", "a long enough password"),
            ("password_confirmation", "a long enough password"),
        ])
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_script_cannot_make_accounts_without_end_from_one_address() {
    let app = common::spawn_demo_app().await;
    let script = client_from([127, 0, 0, 6]);
    for n in 0..10 {
        assert_eq!(sign_up(&app, &script, n).await, 303, "sign-up {n}");
    }
    assert_eq!(
        sign_up(&app, &script, 10).await,
        429,
        "the eleventh must wait"
    );
    let made = common::integer(
        &app.database.db,
        "SELECT COUNT(*) FROM account_requests WHERE email LIKE 'new-donor-%'",
    )
    .await;
    assert_eq!(made, 10);
    // Someone else, elsewhere, signs up as usual.
    assert_eq!(sign_up(&app, &client_from([127, 0, 0, 7]), 11).await, 303);
}
