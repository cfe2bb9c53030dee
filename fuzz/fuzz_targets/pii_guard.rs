//! The PII guard on arbitrary text: it never panics, and every finding is a sorted,
//! non-nested, in-bounds character span whose `text` is exactly that span.
//! The first line of the input is read as the household's names (comma-separated).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (names, text) = input.split_once('\n').unwrap_or(("", input));
    let names: Vec<String> = names.split(',').map(str::to_owned).collect();
    let findings = pii::scan(text, &names);
    let chars: Vec<char> = text.chars().collect();
    let mut previous: Option<(usize, usize)> = None;
    for f in &findings {
        assert!(f.start < f.end, "empty span {f:?}");
        assert!(f.end <= chars.len(), "span past the end {f:?}");
        let span: String = chars[f.start..f.end].iter().collect();
        assert_eq!(span, f.text, "text is the span");
        if let Some((start, end)) = previous {
            assert!(start <= f.start, "sorted by start");
            assert!(!(start <= f.start && f.end <= end && (start, end) != (f.start, f.end)), "nested {f:?}");
        }
        previous = Some((f.start, f.end));
    }
    assert_eq!(pii::blocks(&findings), findings.iter().any(|f| f.is_blocking()));
});
