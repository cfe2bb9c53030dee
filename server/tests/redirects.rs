//! Open redirects: a target taken from a request is followed only when it is a path on
//! this site.

mod common;

use common::location;

const ELSEWHERE: [&str; 7] = [
    "/%09/evil.example",
    "//evil.example",
    "/%5Cevil.example",
    "/%2F%2Fevil.example",
    "https:evil.example",
    "/%250A/evil.example",
    "%2F%2Fevil.example",
];

#[tokio::test]
async fn the_language_switch_does_not_send_readers_to_another_site() {
    let app = common::spawn_demo_app().await;
    for back in ELSEWHERE {
        let response = app.get(&format!("/lang/en?back={back}")).await;
        assert_eq!(response.status().as_u16(), 303, "{back}");
        assert_eq!(location(&response), "/", "{back}");
    }
    let home = app.get("/lang/en?back=/needs?type=medical").await;
    assert_eq!(location(&home), "/needs?type=medical");
}

#[tokio::test]
async fn signing_in_does_not_send_readers_to_another_site() {
    let app = common::spawn_demo_app().await;
    for next in ELSEWHERE {
        let decoded = percent_decode(next);
        let response = app
            .post_form(
                "/signin",
                &[
                    ("account", "donor@shanqiao.test"),
                    ("password", app::demo::DEMO_PASSWORD),
                    ("next", &decoded),
                ],
                None,
            )
            .await;
        assert_eq!(response.status().as_u16(), 303, "{next}");
        assert_eq!(location(&response), "/", "{next}");
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
