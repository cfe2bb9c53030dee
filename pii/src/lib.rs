//! Finds personal data in the public text of a need: resident ID numbers, mobile and
//! landline numbers, bank cards, e-mail addresses, QQ numbers and WeChat ids, vehicle
//! plates, exact addresses and the names of the household itself. Pure and allocation-light, no I/O, runs on the server and in the
//! browser (wasm32) alike.
//!
//! Digits may be full-width, spaced, dashed or dotted ("１３８ ００１３-8000"); names may
//! be split by spaces or dots ("张 三"). Amounts, dates, percentages, areas, counts and
//! document numbers ("吉民发〔2026〕15号") are not reported.
//!
//! ```
//! let names = vec!["张三".to_owned()];
//! let findings = pii::scan("家住人民大街1234号，电话138 0013 8000，张 三收", &names);
//! let kinds: Vec<&str> = findings.iter().map(|f| f.kind.code()).collect();
//! assert_eq!(kinds, ["address", "mobile", "household_name"]);
//! assert_eq!(findings[0].text, "人民大街1234号");
//! assert_eq!((findings[1].start, findings[1].end), (14, 27));
//! assert!(pii::blocks(&findings));
//! ```

mod address;
pub mod bank_card;
mod digits;
mod email;
mod finding;
pub mod id_number;
mod messaging;
mod names;
mod normalize;
pub mod phone;
mod plate;

pub use finding::{Finding, Kind, Severity};

use finding::Raw;

/// Callers refuse texts longer than this many characters. `scan` itself is safe and
/// linear on any input; the limit bounds the work per request.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// A scanner for one need: knows the names of its household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard<'a> {
    names: &'a [String],
    patterns: Vec<names::Pattern>,
}

impl<'a> Guard<'a> {
    /// A guard that also looks for `names` (the household's own names). Names shorter
    /// than two characters, once spaces and dots are removed, are ignored.
    pub fn new(names: &'a [String]) -> Self {
        Guard {
            names,
            patterns: names::prepare(names),
        }
    }

    /// This guard, also looking for the office's case reference of the need: copied into
    /// the public text, it blocks like a household name. References shorter than four
    /// letters (once separators are dropped) are ignored.
    pub fn with_case_reference(mut self, reference: &str) -> Self {
        self.patterns.extend(names::reference(reference));
        self
    }

    /// The names this guard was made with.
    pub fn names(&self) -> &'a [String] {
        self.names
    }

    /// Every finding in `text`, sorted by start. A finding inside another one is
    /// dropped (the longer, more specific one stays), and so is a warning that overlaps
    /// a blocking finding. Offsets are in characters, not bytes.
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        let original: Vec<char> = text.chars().collect();
        let folded = normalize::fold_all(text);
        let mut raw = Vec::new();
        digits::scan(&folded, &mut raw);
        email::scan(&folded, &mut raw);
        contacts(&folded, &mut raw);
        address::scan(&folded, &mut raw);
        names::scan(&self.patterns, &folded, &mut raw);
        resolve(raw)
            .into_iter()
            .map(|r| Finding {
                kind: r.kind,
                severity: r.severity,
                start: r.start,
                end: r.end,
                text: original[r.start..r.end].iter().collect(),
            })
            .collect()
    }
}

/// QQ numbers, WeChat ids and vehicle plates, in one pass: each starts at a Latin letter
/// or at one of four ideographs, and most characters are neither.
fn contacts(c: &[char], out: &mut Vec<Raw>) {
    let mut skip_to = 0;
    for (i, &ch) in c.iter().enumerate() {
        if i < skip_to {
            continue;
        }
        if ch.is_ascii_alphabetic() {
            plate::at(c, i, out);
        } else if !messaging::may_start(ch) {
            continue;
        }
        if let Some(next) = messaging::at(c, i, out) {
            skip_to = next;
        }
    }
}

/// Scans `text` for personal data, `names` being the household's own names.
pub fn scan(text: &str, names: &[String]) -> Vec<Finding> {
    Guard::new(names).scan(text)
}

/// Whether any finding blocks publication.
pub fn blocks(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::is_blocking)
}

/// Drops nested findings and warnings that overlap a blocking finding; sorts by start.
fn resolve(raw: Vec<Raw>) -> Vec<Raw> {
    let (blocking, warnings): (Vec<Raw>, Vec<Raw>) = raw
        .into_iter()
        .filter(|r| r.start < r.end)
        .partition(|r| r.severity == Severity::Blocking);
    let blocking = outermost(blocking);
    // Kept blocking findings nest in none other, so sorted by start their ends grow too.
    let overlaps_blocking = |w: &Raw| {
        let i = blocking.partition_point(|b| b.end <= w.start);
        blocking.get(i).is_some_and(|b| b.start < w.end)
    };
    let warnings: Vec<Raw> = warnings
        .into_iter()
        .filter(|w| !overlaps_blocking(w))
        .collect();
    let mut all = blocking;
    all.extend(outermost(warnings));
    all.sort_by_key(|r| (r.start, r.end));
    all
}

/// The findings that lie inside no other; of equal spans, the most specific kind.
fn outermost(mut raw: Vec<Raw>) -> Vec<Raw> {
    raw.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end), r.kind.rank()));
    let mut kept: Vec<Raw> = Vec::with_capacity(raw.len());
    let mut reach = 0;
    for r in raw {
        if kept.is_empty() || r.end > reach {
            reach = r.end;
            kept.push(r);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn spans_are_character_offsets() {
        let text = "家住人民大街1234号，电话13800138000。";
        let findings = scan(text, &[]);
        assert_eq!(
            findings,
            [
                Finding {
                    kind: Kind::Address,
                    severity: Severity::Blocking,
                    start: 2,
                    end: 11,
                    text: "人民大街1234号".to_owned(),
                },
                Finding {
                    kind: Kind::Mobile,
                    severity: Severity::Blocking,
                    start: 14,
                    end: 25,
                    text: "13800138000".to_owned(),
                },
            ]
        );
        assert!(blocks(&findings));
    }

    #[test]
    fn names_with_and_without_gaps() {
        let household = names(&["张三", "李小红", "王"]);
        let guard = Guard::new(&household);
        let findings = guard.scan("张 三的女儿李小红在读书，王老师帮助了她们");
        let texts: Vec<&str> = findings.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["张 三", "李小红"]);
        assert!(findings.iter().all(|f| f.kind == Kind::HouseholdName));
        assert_eq!(guard.names().len(), 3);
    }

    #[test]
    fn nested_findings_keep_the_outer_one() {
        let findings = scan("邮箱13800138000@163.com", &[]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].kind, Kind::Email);
        assert_eq!(findings[0].text, "13800138000@163.com");
    }

    #[test]
    fn warnings_do_not_block() {
        let findings = scan("住在3楼，单号 1234567890", &[]);
        assert_eq!(findings.len(), 2);
        assert!(findings.iter().all(|f| f.severity == Severity::Warning));
        assert!(!blocks(&findings));
    }

    #[test]
    fn messaging_ids_and_plates_block() {
        let findings = scan("住在3楼，QQ 1234567890，车牌吉AD12345", &[]);
        let kinds: Vec<(Kind, Severity)> = findings.iter().map(|f| (f.kind, f.severity)).collect();
        assert_eq!(
            kinds,
            [
                (Kind::Address, Severity::Warning),
                (Kind::MessagingId, Severity::Blocking),
                (Kind::VehiclePlate, Severity::Blocking),
            ]
        );
        assert_eq!(findings[1].text, "QQ 1234567890");
        assert_eq!(findings[2].text, "吉AD12345");
    }

    #[test]
    fn resolve_rules() {
        let r = |kind, severity, start, end| Raw::new(kind, severity, start, end);
        use Kind::*;
        use Severity::*;
        let out = resolve(vec![
            r(Address, Warning, 0, 10),
            r(Mobile, Blocking, 2, 13),
            r(HouseholdName, Blocking, 3, 5),
            r(LongNumber, Warning, 20, 30),
            r(LongNumber, Warning, 22, 25),
            r(Email, Blocking, 40, 45),
            r(Address, Blocking, 40, 45),
            r(Mobile, Blocking, 50, 50),
        ]);
        assert_eq!(
            out,
            [
                r(Mobile, Blocking, 2, 13),
                r(LongNumber, Warning, 20, 30),
                r(Email, Blocking, 40, 45),
            ]
        );
    }

    #[test]
    fn clean_text() {
        assert_eq!(scan("", &[]), []);
        assert_eq!(
            scan("2026年需资金12000元，自付比例35%。", &names(&["张三"])),
            []
        );
    }

    #[test]
    fn never_panics_on_odd_input() {
        let inputs = [
            "\u{0}\u{FFFF}𝟏𝟑𝟖𝟎𝟎𝟏𝟑𝟖𝟎𝟎𝟎",
            "@@@@",
            "号号号路路路",
            "第",
            "1",
            "X",
            "１-",
            "-1-2-3-",
            "村",
            "胡同",
        ];
        for text in inputs {
            let _ = scan(text, &names(&["\u{0}\u{0}", "a"]));
        }
    }
}
