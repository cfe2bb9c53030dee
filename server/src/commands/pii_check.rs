//! `shanqiao pii-check [--names 名字1,名字2]`: the PII guard on the command line. Reads
//! text on stdin, prints one JSON line per finding (`{"kind", "severity", "start",
//! "end", "text"}`, character offsets) and exits 0 when nothing blocks, 1 when
//! something does, and 2 when the input cannot be read (not UTF-8, or longer than
//! the guard's limit).

use app::needs::draft::split_names;
use app::needs::screening::MAX_TEXT_CHARS;
use std::io::{Read, Write};
use std::process::ExitCode;

/// Bytes read at most: the character limit in the widest UTF-8 encoding, plus one to
/// tell "exactly at the limit" from "above it".
const MAX_BYTES: u64 = (MAX_TEXT_CHARS as u64) * 4 + 1;

pub fn run(names: Option<&str>) -> ExitCode {
    let names = names.map(split_names).unwrap_or_default();
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().take(MAX_BYTES).read_to_end(&mut bytes) {
        eprintln!("error: cannot read stdin: {e}");
        return ExitCode::from(2);
    }
    let Ok(text) = String::from_utf8(bytes) else {
        eprintln!("error: the input is not UTF-8 text");
        return ExitCode::from(2);
    };
    if text.chars().count() > MAX_TEXT_CHARS {
        eprintln!("error: the input is longer than {MAX_TEXT_CHARS} characters");
        return ExitCode::from(2);
    }
    let findings = pii::scan(&text, &names);
    let mut out = std::io::stdout().lock();
    for f in &findings {
        let line = serde_json::json!({
            "kind": f.kind.code(),
            "severity": f.severity.code(),
            "start": f.start,
            "end": f.end,
            "text": f.text,
        });
        if writeln!(out, "{line}").is_err() {
            return ExitCode::from(2);
        }
    }
    if pii::blocks(&findings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
