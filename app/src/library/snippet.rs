//! A short passage of a need's story around the first match, with the matched words
//! marked. Cut from the public story loaded from the database, so it shows exactly what the
//! need page shows.

use serde::{Deserialize, Serialize};

/// Characters of story in a snippet.
pub const SNIPPET_CHARS: usize = 90;

/// A piece of a snippet: text, and whether it is a match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

/// The passage of `story` around the first of `needles` it contains (case-insensitive for
/// Latin letters), with every needle marked; the story's start when none occurs.
pub fn snippet(story: &str, needles: &[String]) -> Vec<Piece> {
    let chars: Vec<char> = story.chars().collect();
    let lower: Vec<char> = chars.iter().map(|c| c.to_ascii_lowercase()).collect();
    let needles: Vec<Vec<char>> = needles
        .iter()
        .map(|n| {
            n.chars()
                .map(|c| c.to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .filter(|n| !n.is_empty())
        .collect();
    let matches_at = |i: usize| {
        needles
            .iter()
            .filter(|n| lower[i..].starts_with(n))
            .map(Vec::len)
            .max()
    };
    let first = (0..lower.len()).find(|&i| matches_at(i).is_some());
    let start = first.map_or(0, |f| f.saturating_sub(SNIPPET_CHARS / 4));
    let end = (start + SNIPPET_CHARS).min(chars.len());
    let mut pieces: Vec<Piece> = Vec::new();
    let mut push = |text: String, hit: bool| {
        if text.is_empty() {
            return;
        }
        match pieces.last_mut() {
            Some(last) if last.hit == hit => last.text.push_str(&text),
            _ => pieces.push(Piece { text, hit }),
        }
    };
    if start > 0 {
        push("…".to_owned(), false);
    }
    let mut i = start;
    while i < end {
        match matches_at(i) {
            Some(len) => {
                let stop = (i + len).min(chars.len());
                push(chars[i..stop].iter().collect(), true);
                i = stop;
            }
            None => {
                push(chars[i].to_string(), false);
                i += 1;
            }
        }
    }
    if i < chars.len() {
        push("…".to_owned(), false);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(pieces: &[Piece]) -> String {
        pieces
            .iter()
            .map(|p| {
                if p.hit {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn marks_every_match_around_the_first() {
        let story = "老人患尿毒症，需要长期透析，医疗费用负担沉重，医疗救助已用尽。";
        let s = snippet(story, &["医疗".to_owned()]);
        assert_eq!(
            render(&s),
            "老人患尿毒症，需要长期透析，[医疗]费用负担沉重，[医疗]救助已用尽。"
        );
    }

    #[test]
    fn long_stories_are_cut_around_the_match() {
        let story = format!("{}轮椅{}", "前".repeat(200), "后".repeat(200));
        let s = render(&snippet(&story, &["轮椅".to_owned()]));
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("[轮椅]"));
        assert!(s.chars().count() <= SNIPPET_CHARS + 4);
    }

    #[test]
    fn latin_letters_match_in_any_case_and_nothing_found_shows_the_start() {
        assert_eq!(
            render(&snippet("Needs a WheelChair", &["wheelchair".to_owned()])),
            "Needs a [WheelChair]"
        );
        assert_eq!(render(&snippet("短故事", &["没有".to_owned()])), "短故事");
    }
}
