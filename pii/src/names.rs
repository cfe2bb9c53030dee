//! The household's own names, found as exact substrings even when characters are
//! separated by spaces or punctuation ("张 三", "张·三", "张-三" all match "张三").

use crate::finding::{Kind, Raw, Severity};
use crate::normalize::fold;

/// At most this many separator characters may stand between two letters of a name.
const MAX_GAP: usize = 2;

/// A character that never occurs in a folded name; marks a gap too wide to bridge.
const BREAK: char = '\0';

/// Characters that may be put between the letters of a name to disguise it.
fn is_gap(c: char) -> bool {
    matches!(
        c,
        ' ' | '\n' | '\r' | '·' | '.' | '-' | '_' | '*' | '/' | '\\' | '|' | '~' | '\'' | '"'
    )
}

fn key(c: char) -> char {
    fold(c).to_ascii_lowercase()
}

/// A name ready to be searched for: its letters without separators, and the
/// Knuth-Morris-Pratt failure table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    letters: Vec<char>,
    fail: Vec<usize>,
    kind: Kind,
}

/// Case references shorter than this (once separators are dropped) identify nothing.
const MIN_REFERENCE_LETTERS: usize = 4;

/// The office's case reference as a pattern, if it is long enough to mean something.
pub(crate) fn reference(reference: &str) -> Option<Pattern> {
    let letters = letters_of(reference);
    (letters.len() >= MIN_REFERENCE_LETTERS).then(|| Pattern {
        fail: failure(&letters),
        letters,
        kind: Kind::CaseReference,
    })
}

fn letters_of(text: &str) -> Vec<char> {
    text.chars()
        .map(key)
        .filter(|&c| !is_gap(c) && !c.is_control() && c != BREAK)
        .collect()
}

/// Prepares the names: folds them, drops separators and control characters, ignores
/// names shorter than two letters and duplicates.
pub(crate) fn prepare(names: &[String]) -> Vec<Pattern> {
    let mut patterns: Vec<Pattern> = Vec::new();
    for name in names {
        let letters = letters_of(name);
        if letters.len() < 2 || patterns.iter().any(|p| p.letters == letters) {
            continue;
        }
        let fail = failure(&letters);
        patterns.push(Pattern {
            letters,
            fail,
            kind: Kind::HouseholdName,
        });
    }
    patterns
}

fn failure(p: &[char]) -> Vec<usize> {
    let mut fail = vec![0; p.len()];
    let mut k = 0;
    for i in 1..p.len() {
        while k > 0 && p[i] != p[k] {
            k = fail[k - 1];
        }
        if p[i] == p[k] {
            k += 1;
        }
        fail[i] = k;
    }
    fail
}

/// Finds every name in the folded text `c`: O(text × number of names).
pub(crate) fn scan(patterns: &[Pattern], c: &[char], out: &mut Vec<Raw>) {
    if patterns.is_empty() {
        return;
    }
    // The text without separators, each letter with its index in `c`.
    let mut letters = Vec::with_capacity(c.len());
    let mut index = Vec::with_capacity(c.len());
    let mut gap = 0;
    for (i, &ch) in c.iter().enumerate() {
        if is_gap(ch) {
            gap += 1;
            continue;
        }
        if gap > MAX_GAP {
            letters.push(BREAK);
            index.push(i);
        }
        gap = 0;
        letters.push(ch.to_ascii_lowercase());
        index.push(i);
    }
    for pattern in patterns {
        let p = &pattern.letters;
        let mut k = 0;
        for (i, &ch) in letters.iter().enumerate() {
            while k > 0 && ch != p[k] {
                k = pattern.fail[k - 1];
            }
            if ch == p[k] {
                k += 1;
            }
            if k == p.len() {
                let start = index[i + 1 - p.len()];
                out.push(Raw::new(
                    pattern.kind,
                    Severity::Blocking,
                    start,
                    index[i] + 1,
                ));
                k = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::fold_all;

    fn spans(text: &str, names: &[&str]) -> Vec<(usize, usize)> {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let mut out = Vec::new();
        scan(&prepare(&names), &fold_all(text), &mut out);
        out.iter().map(|r| (r.start, r.end)).collect()
    }

    #[test]
    fn exact_and_disguised() {
        assert_eq!(spans("患者张三今年八岁", &["张三"]), [(2, 4)]);
        assert_eq!(spans("患者张 三今年八岁", &["张三"]), [(2, 5)]);
        assert_eq!(spans("患者张·三今年", &["张三"]), [(2, 5)]);
        assert_eq!(spans("患者张　-三今年", &["张三"]), [(2, 6)]);
        assert_eq!(spans("李四和张三", &["张三", "李四"]), [(3, 5), (0, 2)]);
        assert_eq!(
            spans("Li Ming and LIMING", &["li ming"]),
            [(0, 7), (12, 18)]
        );
    }

    #[test]
    fn not_across_wide_gaps_or_other_characters() {
        assert_eq!(spans("张   三", &["张三"]), []);
        assert_eq!(spans("张，三", &["张三"]), []);
        assert_eq!(spans("张大三", &["张三"]), []);
    }

    #[test]
    fn short_and_duplicate_names_are_ignored() {
        assert_eq!(spans("张三", &["张", "", " 张 "]), []);
        assert_eq!(spans("张三", &["张三", "张 三"]), [(0, 2)]);
    }

    #[test]
    fn repeated_letters() {
        assert_eq!(spans("王芳王王芳", &["王王芳"]), [(2, 5)]);
        assert_eq!(spans("aaaa", &["aa"]), [(0, 2), (2, 4)]);
    }
}

#[cfg(test)]
mod reference_tests {
    use crate::{Guard, Kind};

    #[test]
    fn the_case_reference_blocks_however_it_is_written() {
        let names = vec!["刘桂芝".to_owned()];
        let guard = Guard::new(&names).with_case_reference("NA-2026-0117");
        for text in [
            "档案号NA-2026-0117，请核对",
            "档案号 na 2026 0117，请核对",
            "档案号ＮＡ２０２６０１１７，请核对",
        ] {
            let findings = guard.scan(text);
            assert!(
                findings
                    .iter()
                    .any(|f| f.kind == Kind::CaseReference && f.is_blocking()),
                "{text}: {findings:?}"
            );
        }
        assert!(guard.scan("2026年共帮扶117户").is_empty());
        // Too short to mean anything: ignored.
        let short = Guard::new(&names).with_case_reference("A1");
        assert!(short
            .scan("A1 号楼的供暖")
            .iter()
            .all(|f| f.kind != Kind::CaseReference));
    }
}
