//! The redirect check on arbitrary text: whatever `local_path` accepts is a path that a
//! browser (the WHATWG URL parser: tabs and newlines dropped, `\` read as `/`) resolves to
//! this site, as written and after one more percent-decoding; and it is returned unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(target) = std::str::from_utf8(data) else {
        return;
    };
    let Some(path) = app::routes::local_path(target) else {
        return;
    };
    assert_eq!(path, target, "accepted as written");
    let base = url::Url::parse("https://site.test/").expect("base");
    for candidate in [
        path.to_owned(),
        percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .into_owned(),
    ] {
        if let Ok(joined) = base.join(&candidate) {
            assert_eq!(joined.scheme(), "https", "{candidate:?}");
            assert_eq!(joined.host_str(), Some("site.test"), "{candidate:?}");
        }
    }
});
