//! How text becomes terms.
//!
//! - `zh_words`: jieba's segmentation (search mode), lower-cased, without the whitespace
//!   and punctuation tokens jieba emits. Used for ranking: a whole word scores.
//! - `zh_uni` and `zh_bi`: every Chinese character, and every pair of adjacent Chinese
//!   characters, at the character's position; Latin words and numbers as whole
//!   lower-cased tokens. A substring of two or more characters is then a phrase of
//!   consecutive bigrams, so every substring is found whatever jieba makes of its context
//!   (`低保边缘` inside `低保边缘家庭`, `轮椅` inside `电动轮椅车`).
//! - `zh_bi` also has every run of three and of four adjacent Chinese characters, at the
//!   same position as the bigram it starts with: a query of three or four characters is
//!   then one term, and a longer one a phrase of few, rarer terms (see `query::cover`).
//! - Every gram spans [`VALUE_GAP`] positions, so that in a field of several values (the
//!   title, then the body) the next value starts that far after the last token of the one
//!   before: no phrase matches across the end of a value.

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy_jieba::JiebaTokenizer;

pub const WORDS: &str = "zh_words";
pub const UNIGRAMS: &str = "zh_uni";
pub const BIGRAMS: &str = "zh_bi";

/// Registers the three analyzers on an index.
pub fn register(index: &tantivy::Index) {
    let manager = index.tokenizers();
    manager.register(WORDS, words());
    manager.register(UNIGRAMS, TextAnalyzer::from(Grams { pairs: false }));
    manager.register(BIGRAMS, TextAnalyzer::from(Grams { pairs: true }));
}

fn words() -> TextAnalyzer {
    TextAnalyzer::builder(Words(JiebaTokenizer::new())).build()
}

/// Whether `c` is written without spaces between words (Han, kana, Hangul …): such
/// characters are indexed one by one and in pairs.
pub fn is_ideographic(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '〇'
    )
}

/// Folds full-width ASCII to ASCII and lower-cases it.
fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// jieba, minus the tokens that are only spaces or punctuation, lower-cased and folded.
#[derive(Clone)]
struct Words(JiebaTokenizer);

impl Tokenizer for Words {
    type TokenStream<'a> = VecStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecStream {
        let mut inner = self.0.token_stream(text);
        let mut tokens = Vec::new();
        while inner.advance() {
            let t = inner.token();
            if !t.text.chars().any(char::is_alphanumeric) {
                continue;
            }
            let mut token = t.clone();
            token.text = token.text.chars().map(fold).collect();
            token.position = tokens.len();
            tokens.push(token);
        }
        VecStream::new(tokens)
    }
}

/// Character unigrams, or grams of two to four characters, of ideographic runs; Latin
/// words and numbers whole.
#[derive(Clone)]
struct Grams {
    pairs: bool,
}

impl Tokenizer for Grams {
    type TokenStream<'a> = GramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramStream<'a> {
        GramStream::new(text, self.pairs)
    }
}

/// The lengths of the bigram field's grams of Chinese characters.
pub const GRAM_LENGTHS: [usize; 3] = [2, 3, 4];
/// The longest gram.
pub const LONGEST: usize = 4;

/// Positions between two values of one field: more than any phrase spans (a query has
/// at most `query::MAX_QUERY_CHARS` characters, each at most one position).
pub const VALUE_GAP: usize = crate::query::MAX_QUERY_CHARS + 1;

/// Whether `text` is one of the bigram field's grams of three or four characters.
pub fn is_long_gram(text: &str) -> bool {
    let n = text.chars().count();
    n > 2 && n <= LONGEST && text.chars().all(is_ideographic)
}

/// The n-gram tokens of `text`. Positions count characters of ideographic runs and
/// whole words otherwise, so that a phrase of consecutive tokens is a substring.
pub fn grams(text: &str, pairs: bool) -> Vec<Token> {
    let mut stream = GramStream::new(text, pairs);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token().clone());
    }
    tokens
}

/// The tokens of [`grams`], made one at a time into one token (indexing makes hundreds
/// per need, and a string for each cost a fifth of the indexing time).
pub struct GramStream<'a> {
    text: &'a str,
    /// The characters, folded, with their byte offsets.
    chars: Vec<(usize, char)>,
    pairs: bool,
    /// The character at hand, and its position.
    k: usize,
    position: usize,
    /// For an ideograph with `pairs`: the length of the run from it (up to the longest
    /// gram), and the next of `GRAM_LENGTHS` to try.
    run: usize,
    next_length: usize,
    token: Token,
}

impl<'a> GramStream<'a> {
    fn new(text: &'a str, pairs: bool) -> Self {
        GramStream {
            text,
            chars: text.char_indices().map(|(b, c)| (b, fold(c))).collect(),
            pairs,
            k: 0,
            position: 0,
            run: 0,
            next_length: 0,
            token: Token::default(),
        }
    }

    /// The byte where character `k` ends.
    fn end_of(&self, k: usize) -> usize {
        self.chars.get(k + 1).map_or(self.text.len(), |&(b, _)| b)
    }

    /// Makes the token of characters `from..to` (exclusive) at the current position.
    fn emit(&mut self, from: usize, to: usize) {
        self.token.text.clear();
        self.token
            .text
            .extend(self.chars[from..to].iter().map(|(_, c)| *c));
        self.token.offset_from = self.chars[from].0;
        self.token.offset_to = self.end_of(to - 1);
        self.token.position = self.position;
        self.token.position_length = VALUE_GAP;
    }
}

impl TokenStream for GramStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some(&(_, c)) = self.chars.get(self.k) {
            let k = self.k;
            if is_ideographic(c) {
                if !self.pairs {
                    self.emit(k, k + 1);
                    self.position += 1;
                    self.k += 1;
                    return true;
                }
                if self.next_length == 0 {
                    self.run = self.chars[k..]
                        .iter()
                        .take(LONGEST)
                        .take_while(|(_, d)| is_ideographic(*d))
                        .count();
                }
                while let Some(&n) = GRAM_LENGTHS.get(self.next_length) {
                    self.next_length += 1;
                    if self.run >= n {
                        self.emit(k, k + n);
                        return true;
                    }
                }
                self.next_length = 0;
                self.position += 1;
                self.k += 1;
            } else if c.is_alphanumeric() {
                let mut j = k;
                while self
                    .chars
                    .get(j)
                    .is_some_and(|(_, d)| d.is_alphanumeric() && !is_ideographic(*d))
                {
                    j += 1;
                }
                self.emit(k, j);
                self.position += 1;
                self.k = j;
                return true;
            } else {
                self.k += 1;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// A token stream over tokens made in advance.
pub struct VecStream {
    tokens: Vec<Token>,
    next: usize,
}

impl VecStream {
    fn new(tokens: Vec<Token>) -> Self {
        VecStream { tokens, next: 0 }
    }
}

impl TokenStream for VecStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// The words jieba finds in `text`, as indexed (for tests and for ranking queries).
pub fn word_terms(text: &str) -> Vec<String> {
    let mut analyzer = words();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: &[Token]) -> Vec<(&str, usize)> {
        tokens
            .iter()
            .map(|t| (t.text.as_str(), t.position))
            .collect()
    }

    #[test]
    fn bigrams_keep_character_positions() {
        let t = grams("低保边缘，ICU病房 2026年", true);
        assert_eq!(
            texts(&t),
            [
                ("低保", 0),
                ("低保边", 0),
                ("低保边缘", 0),
                ("保边", 1),
                ("保边缘", 1),
                ("边缘", 2),
                ("icu", 4),
                ("病房", 5),
                ("2026", 7),
            ]
        );
        // Offsets are bytes of the original text.
        assert_eq!(
            &"低保边缘，ICU病房 2026年"[t[6].offset_from..t[6].offset_to],
            "ICU"
        );
        assert_eq!(
            &"低保边缘，ICU病房 2026年"[t[2].offset_from..t[2].offset_to],
            "低保边缘"
        );
        // No gram spans punctuation, and full-width letters fold.
        let t = grams("医保报销，后自付部分", true);
        let long: Vec<_> = texts(&t)
            .into_iter()
            .filter(|(w, _)| is_long_gram(w))
            .collect();
        assert_eq!(
            long,
            [
                ("医保报", 0),
                ("医保报销", 0),
                ("保报销", 1),
                ("后自付", 4),
                ("后自付部", 4),
                ("自付部", 5),
                ("自付部分", 5),
                ("付部分", 6)
            ]
        );
    }

    #[test]
    fn unigrams_and_full_width_letters() {
        let t = grams("药ＡＢ１", false);
        assert_eq!(texts(&t), [("药", 0), ("ab1", 1)]);
    }

    #[test]
    fn jieba_words_without_punctuation() {
        let words = word_terms("孩子需要一台电动轮椅，Wheelchair！");
        assert!(words.contains(&"轮椅".to_owned()), "{words:?}");
        assert!(words.contains(&"wheelchair".to_owned()), "{words:?}");
        assert!(words.iter().all(|w| w.chars().any(char::is_alphanumeric)));
    }
}
