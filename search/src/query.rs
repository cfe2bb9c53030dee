//! What people type, made into a query. Any text is a valid query: there is no syntax to
//! get wrong. Quotes ("…", “…”) keep words together as a phrase; an unbalanced quote is an
//! ordinary character; operators, emoji and punctuation are ignored; very long input is cut
//! to its first `MAX_PIECES` pieces.
//!
//! A piece is a run of Chinese characters or a Latin word or number. Every piece must
//! occur in the need (in its title, story or items) as a substring: a run of two or more
//! characters as a phrase of its grams (see `cover`), a lone character as a unigram, a
//! word as itself. Whole jieba words of the query add to the score, and so does a match in the
//! title.

use crate::analyzers::{self, grams, is_ideographic};
use crate::schema::Fields;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::MAX_TOKEN_LEN;
use tantivy::Term;

/// More pieces than this are ignored (a 10 KB paste does not make a 10,000-clause query).
pub const MAX_PIECES: usize = 16;
/// Characters of input looked at.
pub const MAX_QUERY_CHARS: usize = 256;

const WORD_BOOST: f32 = 0.5;

/// A parsed query: the groups that must each occur.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserQuery {
    /// Each group's pieces must occur next to each other (a quoted phrase); a group of one
    /// piece just has to occur.
    pub groups: Vec<Vec<String>>,
    /// The text as given (cut), for the ranking words.
    pub text: String,
}

impl UserQuery {
    /// Whether nothing searchable was typed (then every need matches).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The substrings a need must contain, in order (for snippets and highlighting).
    pub fn needles(&self) -> Vec<String> {
        self.groups
            .iter()
            .flat_map(|g| {
                if g.len() > 1 && g.iter().all(|p| p.chars().all(is_ideographic)) {
                    vec![g.concat()]
                } else {
                    g.clone()
                }
            })
            .collect()
    }
}

/// Reads what a person typed.
pub fn parse(input: &str) -> UserQuery {
    let text: String = input.chars().take(MAX_QUERY_CHARS).collect();
    let mut groups = Vec::new();
    let mut pieces_left = MAX_PIECES;
    let mut rest = text.as_str();
    while !rest.is_empty() && pieces_left > 0 {
        let (plain, quoted, after) = next_quote(rest);
        for piece in pieces(plain) {
            if pieces_left == 0 {
                break;
            }
            pieces_left -= 1;
            groups.push(vec![piece]);
        }
        if let Some(q) = quoted {
            let phrase: Vec<String> = pieces(q).into_iter().take(pieces_left).collect();
            pieces_left -= phrase.len();
            if !phrase.is_empty() {
                groups.push(phrase);
            }
        }
        rest = after;
    }
    UserQuery { groups, text }
}

/// The text before the first balanced quote, the quoted text, and what follows. Without a
/// balanced quote, all of `s` is plain.
fn next_quote(s: &str) -> (&str, Option<&str>, &str) {
    const PAIRS: [(char, char); 3] = [('"', '"'), ('“', '”'), ('「', '」')];
    let first = PAIRS
        .iter()
        .filter_map(|&(open, close)| {
            let start = s.find(open)?;
            let inner = start + open.len_utf8();
            let len = s[inner..].find(close)?;
            Some((start, inner, inner + len, close.len_utf8()))
        })
        .min();
    match first {
        Some((start, inner, end, close)) => (&s[..start], Some(&s[inner..end]), &s[end + close..]),
        None => (s, None, ""),
    }
}

/// Runs of ideographs and Latin words or numbers, lower-cased, full-width folded.
fn pieces(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut ideographic = false;
    for c in s.chars() {
        let c = fold(c);
        let kind = if is_ideographic(c) {
            Some(true)
        } else if c.is_alphanumeric() {
            Some(false)
        } else {
            None
        };
        match kind {
            Some(k) if !current.is_empty() && k == ideographic => current.push(c),
            Some(k) => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                ideographic = k;
                current.push(c);
            }
            None => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// The matching part of the query: every group must occur in the text (the title or the
/// body). Counting needs no term frequencies (`ranked` false), scoring does.
pub(crate) fn matching(query: &UserQuery, f: &Fields, ranked: bool) -> Vec<Box<dyn Query>> {
    let record = if ranked {
        IndexRecordOption::WithFreqs
    } else {
        IndexRecordOption::Basic
    };
    query
        .groups
        .iter()
        .filter_map(|group| occurrence(group, f.text_uni, f.text_bi, record))
        .collect()
}

/// The ranking part of a one-piece query: the piece in the `words` field, if jieba
/// finds it as a whole word (it scores more where the need's text has it as a word, not
/// only as characters inside a longer one). Queries of several pieces are scored by the
/// text alone, so that tantivy can prune their intersection (see `pruned_ranking`).
pub(crate) fn ranking(query: &UserQuery, f: &Fields) -> Option<Box<dyn Query>> {
    let [group] = query.groups.as_slice() else {
        return None;
    };
    let [piece] = group.as_slice() else {
        return None;
    };
    if !analyzers::word_terms(&query.text).contains(piece) {
        return None;
    }
    let word = TermQuery::new(
        Term::from_field_text(f.words, piece),
        IndexRecordOption::WithFreqs,
    );
    Some(Box::new(BoostQuery::new(Box::new(word), WORD_BOOST)))
}

/// The query for a group occurring in one field pair.
fn occurrence(
    group: &[String],
    uni: Field,
    bi: Field,
    record: IndexRecordOption,
) -> Option<Box<dyn Query>> {
    // A lone character cannot be part of a bigram phrase: such a group is searched
    // piece by piece.
    let lone = |p: &String| p.chars().count() == 1 && p.chars().all(is_ideographic);
    if group.len() > 1 && group.iter().any(lone) {
        let all: Vec<(Occur, Box<dyn Query>)> = group
            .iter()
            .filter_map(|p| occurrence(std::slice::from_ref(p), uni, bi, record))
            .map(|q| (Occur::Must, q))
            .collect();
        return Some(Box::new(BooleanQuery::new(all)));
    }
    if group.len() == 1 && lone(&group[0]) {
        return Some(Box::new(TermQuery::new(
            Term::from_field_text(uni, &group[0]),
            record,
        )));
    }
    let joined = group.join(" ");
    let terms: Vec<(usize, Term)> = phrase_terms(&joined)
        .into_iter()
        .map(|(p, t)| (p, Term::from_field_text(bi, &t)))
        .collect();
    if terms.is_empty() {
        return None;
    }
    if terms.len() == 1 {
        let (_, term) = terms.into_iter().next()?;
        return Some(Box::new(TermQuery::new(term, record)));
    }
    Some(Box::new(PhraseQuery::new_with_offset(terms)))
}

/// The field of the one term that finds `piece` (one to four Chinese characters, or a
/// Latin word or number), if there is such a term.
fn single_term(piece: &str, f: &Fields) -> Option<Field> {
    if piece.chars().all(is_ideographic) {
        match piece.chars().count() {
            1 => Some(f.text_uni),
            n if n <= analyzers::LONGEST => Some(f.text_bi),
            _ => None,
        }
    } else if piece.chars().any(is_ideographic) || piece.len() > MAX_TOKEN_LEN {
        None
    } else {
        Some(f.text_bi)
    }
}

/// For a query whose every group is one piece found by one term (most queries: one or
/// more words), the same matches and scores as the full query (`matching` and
/// `ranking`, without filters) in a shape tantivy can rank with block-max pruning: one
/// word is a union of its term in the text and, if it is a ranking word, in the words;
/// several are an intersection of their terms. `None` for any other query.
pub(crate) fn pruned_ranking(query: &UserQuery, f: &Fields) -> Option<Box<dyn Query>> {
    let terms: Vec<Term> = query
        .groups
        .iter()
        .map(|group| match group.as_slice() {
            [piece] => single_term(piece, f).map(|field| Term::from_field_text(field, piece)),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let term = |term: Term| -> Box<dyn Query> {
        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
    };
    match terms.as_slice() {
        [] => None,
        [one] => {
            let mut clauses = vec![(Occur::Should, term(one.clone()))];
            if let Some(word) = ranking(query, f) {
                clauses.push((Occur::Should, word));
            }
            Some(Box::new(BooleanQuery::new(clauses)))
        }
        _ => Some(Box::new(BooleanQuery::new(
            terms.into_iter().map(|t| (Occur::Must, term(t))).collect(),
        ))),
    }
}

/// The terms of the bigram field that find `text` (its grams, see `analyzers`) where it
/// occurs, with their offsets from the first: [`cover`] of its grams.
pub(crate) fn phrase_terms(text: &str) -> Vec<(usize, String)> {
    let covered = cover(
        grams(text, true)
            .into_iter()
            .map(|t| (t.position, t.text))
            .collect(),
    );
    let first = covered.first().map_or(0, |(p, _)| *p);
    covered.into_iter().map(|(p, t)| (p - first, t)).collect()
}

/// The fewest grams, in position order, that still pin down every character of a run of
/// Chinese characters: each chosen gram shares a character with the one before it, so a
/// phrase of them matches exactly where the run occurs (adjacent, nothing between). Runs
/// of up to four characters are one gram; a longer run takes the longest gram at its
/// start, then each time the gram overlapping the last one that reaches furthest (three
/// grams for nine characters, where bigrams took five). Latin words are kept as they
/// are. `tokens` are the bigram field's grams of the text, in order.
pub(crate) fn cover(tokens: Vec<(usize, String)>) -> Vec<(usize, String)> {
    let ideographic = |t: &str| t.chars().count() >= 2 && t.chars().all(is_ideographic);
    let (grams, mut out): (Vec<_>, Vec<_>) = tokens.into_iter().partition(|(_, t)| ideographic(t));
    // Each gram as (first, last character position, text); at each start the longest
    // comes first.
    let mut spans: Vec<(usize, usize, String)> = grams
        .into_iter()
        .map(|(p, t)| (p, p + t.chars().count() - 1, t))
        .collect();
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut next = 0;
    while next < spans.len() {
        // A run starts: its first gram is the longest at its start.
        let (first, mut last, text) = spans[next].clone();
        out.push((first, text));
        next += 1;
        loop {
            // Of the grams sharing a character with the chosen one, the one reaching
            // furthest (the grams passed over reach no further than it).
            let mut best: Option<usize> = None;
            while next < spans.len() && spans[next].0 <= last {
                if spans[next].1 > best.map_or(last, |b| spans[b].1) {
                    best = Some(next);
                }
                next += 1;
            }
            let Some(b) = best else { break };
            out.push((spans[b].0, spans[b].2.clone()));
            last = spans[b].1;
        }
    }
    out.sort_by_key(|(p, _)| *p);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_covered_by_few_grams() {
        let terms = |t: &str| phrase_terms(t);
        let s = |v: &[(usize, &str)]| {
            v.iter()
                .map(|(p, t)| (*p, t.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(terms("轮椅"), s(&[(0, "轮椅")]));
        assert_eq!(terms("助听器"), s(&[(0, "助听器")]));
        assert_eq!(terms("低保边缘"), s(&[(0, "低保边缘")]));
        assert_eq!(terms("电动轮椅车"), s(&[(0, "电动轮椅"), (1, "动轮椅车")]));
        assert_eq!(
            terms("房屋老旧漏雨"),
            s(&[(0, "房屋老旧"), (2, "老旧漏雨")])
        );
        assert_eq!(
            terms("医保报销后自付部分"),
            s(&[(0, "医保报销"), (3, "销后自付"), (5, "自付部分")])
        );
        // Pieces of a quoted phrase: each run on its own, Latin words whole.
        assert_eq!(terms("低保 边缘"), s(&[(0, "低保"), (2, "边缘")]));
        assert_eq!(terms("spinal cord"), s(&[(0, "spinal"), (1, "cord")]));
        assert_eq!(terms("ICU病房护理"), s(&[(0, "icu"), (1, "病房护理")]));
        // Every run: each character covered, each gram overlapping the one before.
        let text: String = "医保报销后自付部分住院费用"
            .chars()
            .cycle()
            .take(40)
            .collect();
        for n in 2..40usize {
            let run: String = text.chars().take(n).collect();
            let chosen = terms(&run);
            let spans: Vec<(usize, usize)> = chosen
                .iter()
                .map(|(p, t)| (*p, p + t.chars().count() - 1))
                .collect();
            assert_eq!(spans.first().map(|s| s.0), Some(0), "{n}");
            assert_eq!(spans.last().map(|s| s.1), Some(n - 1), "{n}");
            for pair in spans.windows(2) {
                assert!(pair[1].0 <= pair[0].1, "{n}: {spans:?}");
            }
            assert_eq!(chosen.len(), (n - 1).div_ceil(3), "{n}: {chosen:?}");
        }
    }

    fn groups(s: &str) -> Vec<Vec<String>> {
        parse(s).groups
    }

    fn v(items: &[&[&str]]) -> Vec<Vec<String>> {
        items
            .iter()
            .map(|g| g.iter().map(|p| p.to_string()).collect())
            .collect()
    }

    #[test]
    fn pieces_and_phrases() {
        assert_eq!(groups("医疗 轮椅"), v(&[&["医疗"], &["轮椅"]]));
        assert_eq!(groups("ICU病房"), v(&[&["icu"], &["病房"]]));
        assert_eq!(
            groups("\"spinal cord\" 康复"),
            v(&[&["spinal", "cord"], &["康复"]])
        );
        assert_eq!(groups("“低保 边缘”"), v(&[&["低保", "边缘"]]));
        assert_eq!(parse("“低保 边缘”").needles(), ["低保边缘"]);
    }

    #[test]
    fn anything_typed_is_a_query() {
        for text in [
            "\"unbalanced",
            "AND OR NOT",
            "+-*:()[]{}^~",
            "😀🙏",
            "",
            "   ",
            "\u{0}",
        ] {
            let q = parse(text);
            assert!(q.groups.iter().all(|g| !g.is_empty()), "{text:?}");
        }
        assert_eq!(
            groups("\"unbalanced 医疗"),
            v(&[&["unbalanced"], &["医疗"]])
        );
        assert!(parse("😀🙏 +-").is_empty());
        let long = "医疗 ".repeat(5_000);
        assert_eq!(parse(&long).groups.len(), MAX_PIECES);
    }
}
