//! Whether one need matches a query, without an index: for alerts, where one newly
//! published need is checked against many saved searches.
//!
//! The need's text is tokenized once (`NeedText::new`), as the index tokenizes it (see
//! `schema::Fields::document`: the title, and the body `story + "\n" + items`, each into
//! unigrams and grams, in one field with a gap no phrase spans between them); then each
//! query is tested against it with the semantics of the index's matching part
//! (`query::matching` and `occurrence`): every group must occur in the title or in the
//! body; a group of several pieces with a lone character has each piece occur; a lone
//! character is a unigram; anything else is a phrase of the grams `query::phrase_terms`
//! chooses, at their relative positions, within the title or within the body. A group
//! the index makes no query of is ignored, as the index ignores it.

use crate::analyzers::{grams, is_ideographic, GRAM_LENGTHS};
use crate::query::UserQuery;
use std::collections::HashMap;
use tantivy::tokenizer::MAX_TOKEN_LEN;

/// Bits of the fields a token or group occurs in.
const TITLE: u8 = 1;
const BODY: u8 = 2;
/// No bigram token at a position.
const NONE: u32 = u32::MAX;

/// One need's public text, tokenized once (the grams of its title and of its body).
pub struct NeedText {
    /// Each unigram token (character or word), with the fields it occurs in.
    unigrams: HashMap<String, u8>,
    /// An id for each bigram token of either field.
    bigram_ids: HashMap<String, u32>,
    title: Bigrams,
    body: Bigrams,
}

/// The bigram field's tokens of one field by position, and the positions of each.
#[derive(Default)]
struct Bigrams {
    /// The ids of the tokens at each position: the word or the bigram, then the grams of
    /// three and four characters (`NONE`: no such token there, e.g. near the end of a
    /// run, or a token too long for the index).
    at: Vec<[u32; GRAM_LENGTHS.len()]>,
    /// The positions of each token id, ascending (empty: not in this field).
    positions: Vec<Vec<usize>>,
}

impl Bigrams {
    fn positions_of(&self, id: u32) -> &[usize] {
        match self.positions.get(id as usize) {
            Some(positions) => positions.as_slice(),
            None => &[],
        }
    }

    /// Whether some start `s` has each `(offset, id)` of `phrase` at `s + offset` (what
    /// a phrase query with these offsets, or a term query for one token, matches).
    fn has(&self, phrase: &[(usize, u32)]) -> bool {
        // The rarest token gives the fewest starts to try.
        let Some(&(anchor_offset, anchor)) = phrase
            .iter()
            .min_by_key(|(_, id)| self.positions_of(*id).len())
        else {
            return false;
        };
        self.positions_of(anchor).iter().any(|&p| {
            p.checked_sub(anchor_offset).is_some_and(|s| {
                phrase
                    .iter()
                    .all(|&(offset, id)| self.at.get(s + offset).is_some_and(|t| t.contains(&id)))
            })
        })
    }
}

impl NeedText {
    pub fn new(title: &str, story: &str, items: &str) -> NeedText {
        let mut text = NeedText {
            unigrams: HashMap::new(),
            bigram_ids: HashMap::new(),
            title: Bigrams::default(),
            body: Bigrams::default(),
        };
        text.add(title, TITLE);
        text.add(&format!("{story}\n{items}"), BODY);
        text
    }

    fn add(&mut self, text: &str, field: u8) {
        // tantivy drops (without a position shift) tokens longer than MAX_TOKEN_LEN.
        for token in grams(text, false) {
            if token.text.len() <= MAX_TOKEN_LEN {
                *self.unigrams.entry(token.text).or_insert(0) |= field;
            }
        }
        let tokens = grams(text, true);
        let ids = &mut self.bigram_ids;
        let bigrams = if field == TITLE {
            &mut self.title
        } else {
            &mut self.body
        };
        // Positions ascend: the last token's is the highest.
        let len = tokens.last().map_or(0, |t| t.position + 1);
        bigrams.at = vec![[NONE; GRAM_LENGTHS.len()]; len];
        for token in tokens {
            if token.text.len() > MAX_TOKEN_LEN {
                continue;
            }
            // A word or a bigram in the first slot, longer grams by their length.
            let chars = token.text.chars().count();
            let slot = match GRAM_LENGTHS.iter().position(|&n| n == chars) {
                Some(k) if token.text.chars().all(is_ideographic) => k,
                _ => 0,
            };
            let next = ids.len() as u32;
            let id = *ids.entry(token.text).or_insert(next);
            if let Some(slots) = bigrams.at.get_mut(token.position) {
                slots[slot] = id;
            }
            let i = id as usize;
            if bigrams.positions.len() <= i {
                bigrams.positions.resize_with(i + 1, Vec::new);
            }
            bigrams.positions[i].push(token.position);
        }
    }

    /// Whether every group of `query` occurs in the title or the body, as the index
    /// decides it. An empty query matches.
    pub fn matches(&self, query: &UserQuery) -> bool {
        query
            .groups
            .iter()
            .all(|group| self.occurrence(group).is_none_or(|fields| fields != 0))
    }

    /// The fields (`TITLE | BODY` bits) `group` occurs in, as `query::occurrence` makes
    /// its query for each field; `None` where it makes none (the group is then ignored).
    fn occurrence(&self, group: &[String]) -> Option<u8> {
        // A lone character cannot be part of a bigram phrase: such a group is searched
        // piece by piece (each piece in the title or the body; pieces without a query are
        // left out, and a query of no pieces matches nothing).
        let lone = |p: &String| p.chars().count() == 1 && p.chars().all(is_ideographic);
        if group.len() > 1 && group.iter().any(lone) {
            let mut any = false;
            for piece in group {
                if let Some(f) = self.occurrence(std::slice::from_ref(piece)) {
                    any = true;
                    if f == 0 {
                        return Some(0);
                    }
                }
            }
            return Some(if any { TITLE | BODY } else { 0 });
        }
        if group.len() == 1 && lone(&group[0]) {
            return Some(self.unigrams.get(group[0].as_str()).copied().unwrap_or(0));
        }
        let joined;
        let text = match group {
            [one] => one.as_str(),
            _ => {
                joined = group.join(" ");
                joined.as_str()
            }
        };
        let terms = crate::query::phrase_terms(text);
        if terms.is_empty() {
            return None;
        }
        let mut phrase = Vec::with_capacity(terms.len());
        for (offset, token) in terms {
            match self.bigram_ids.get(token.as_str()) {
                Some(&id) => phrase.push((offset, id)),
                // In neither field.
                None => return Some(0),
            }
        }
        let mut fields = 0;
        if self.title.has(&phrase) {
            fields |= TITLE;
        }
        if self.body.has(&phrase) {
            fields |= BODY;
        }
        Some(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;
    use crate::{Change, Library, NeedDoc, SearchRequest};

    fn m(text: &NeedText, query: &str) -> bool {
        text.matches(&parse(query))
    }

    #[test]
    fn chinese_phrases_and_lone_characters() {
        let t = NeedText::new(
            "孩子需要一台电动轮椅",
            "孩子下肢瘫痪，上学需要电动轮椅车。",
            "电动轮椅",
        );
        assert!(m(&t, "轮椅"));
        assert!(m(&t, "电动轮椅"));
        assert!(m(&t, "轮椅车"));
        assert!(m(&t, "需要一台电动轮椅"));
        assert!(m(&t, "孩子 轮椅"));
        assert!(!m(&t, "医疗"));
        assert!(!m(&t, "轮椅 医疗"));
        assert!(!m(&t, "椅轮"));
        // Lone characters: unigrams.
        assert!(m(&t, "椅"));
        assert!(m(&t, "车"));
        assert!(!m(&t, "药"));
        // The end of the story and the start of the items are not one run.
        assert!(!m(&t, "车电"));
    }

    #[test]
    fn latin_words_whole_case_and_width_folded() {
        let t = NeedText::new("ICU病房", "全角ＷＨＥＥＬＣＨＡＩＲ，2026年", "");
        assert!(m(&t, "icu"));
        assert!(m(&t, "ICU"));
        assert!(m(&t, "ＩＣＵ"));
        assert!(m(&t, "ICU病房"));
        assert!(m(&t, "wheelchair"));
        assert!(m(&t, "Wheelchair"));
        assert!(m(&t, "2026"));
        assert!(m(&t, "２０２６年"));
        // Whole words only.
        assert!(!m(&t, "ic"));
        assert!(!m(&t, "wheel"));
        assert!(!m(&t, "202"));
    }

    #[test]
    fn quoted_phrases() {
        let t = NeedText::new("", "Wheelchair needed soon. 低保边缘家庭", "");
        assert!(m(&t, "\"needed soon\""));
        assert!(m(&t, "“wheelchair needed soon”"));
        assert!(!m(&t, "\"soon needed\""));
        assert!(m(&t, "soon needed"));
        assert!(m(&t, "“低保 边缘”"));
        assert!(!m(&t, "“边缘 低保”"));
        // A lone character in a phrase: each piece must occur, in the title or the body.
        assert!(m(&t, "\"低 家\""));
        let split = NeedText::new("学", "费用", "");
        assert!(m(&split, "学 费"));
        assert!(m(&split, "\"学 费\""));
        assert!(!m(&split, "\"学 药\""));
        // No phrase spans the end of the title and the start of the body.
        let ends = NeedText::new("孩子上学", "费用不够", "");
        assert!(m(&ends, "上学 费用"));
        assert!(!m(&ends, "学费"));
        assert!(!m(&ends, "上学费用"));
        assert!(!m(&ends, "“上学 费用”"));
    }

    #[test]
    fn phrases_across_punctuation_as_the_index_decides() {
        let t = NeedText::new("低保，边缘户", "", "");
        // The pair across the comma is no bigram.
        assert!(!m(&t, "保边"));
        assert!(!m(&t, "低保边"));
        assert!(!m(&t, "保边缘"));
        assert!(m(&t, "边缘户"));
        // A run of four is one gram, which no text broken by punctuation has; nor does
        // a longer run match across it.
        assert!(!m(&t, "低保边缘"));
        assert!(!m(&t, "低保边缘户"));
        assert!(m(&t, "“低保 边缘”"));
        let other = NeedText::new("低保、家庭边缘", "", "");
        assert!(!m(&other, "低保边缘"));
        let long = NeedText::new("", "医保报销后自付部分很多，医保报销。后自付部分", "");
        assert!(m(&long, "医保报销后自付部分"));
        assert!(m(&long, "报销后自付"));
        assert!(!m(&long, "医保报销后自付部分很多医保"));
    }

    #[test]
    fn empty_and_unsearchable_queries_match() {
        let t = NeedText::new("透析", "", "");
        assert!(t.matches(&UserQuery::default()));
        assert!(m(&t, ""));
        assert!(m(&t, "😀🙏"));
        assert!(m(&t, "+-*:()"));
        // An unbalanced quote is an ordinary character: its words must occur.
        assert!(m(&t, "\"透析"));
        assert!(!m(&t, "\"unbalanced 透析"));
        assert!(!m(&t, "\"unbalanced"));
        let empty = NeedText::new("", "", "");
        assert!(m(&empty, "😀"));
        assert!(!m(&empty, "透析"));
        assert!(!m(&empty, "析"));
    }

    fn need(id: u64, title: &str, story: &str, items: &str) -> NeedDoc {
        NeedDoc {
            id,
            title: title.to_owned(),
            story: story.to_owned(),
            items: items.to_owned(),
            province: 220000,
            city: 220100,
            county: 220122,
            keywords: [0, 0, 0, 1, 2],
            target_fen: 500_000,
            published_at: 1_700_000_000 + id as i64,
            deadline: None,
            funded_permille: 0,
        }
    }

    fn corpus() -> Vec<NeedDoc> {
        let texts: &[(&str, &str, &str)] = &[
            (
                "重病老人医疗费用",
                "老人患尿毒症，需要长期透析，医疗费用负担沉重。",
                "透析费",
            ),
            (
                "孩子需要一台电动轮椅",
                "孩子下肢瘫痪，上学需要电动轮椅车。",
                "电动轮椅",
            ),
            (
                "低保边缘家庭助学",
                "低保边缘家庭，两个孩子读书，学费困难。ICU 住院过。",
                "学费 书本",
            ),
            (
                "独居老人助餐",
                "独居老人行动不便，需要助餐服务。Wheelchair needed soon.",
                "助餐",
            ),
            ("低保，边缘户", "家里是低保、边缘户。", "米 面 油"),
            ("学", "费用说明", ""),
            (
                "ＩＣＵ病房护理",
                "全角字母ＩＣＵ，病房２０２６年。",
                "护理垫",
            ),
            (
                "2026年冬季取暖",
                "2026 年冬天需要取暖费，rent 2026。",
                "煤 炭",
            ),
            ("哈哈哈", "哈哈", "哈"),
            ("电动 轮椅维修", "电动，轮椅坏了", "轮椅配件"),
            ("😀 求助 🙏", "表情😀符号🙏之间。助", "助行器"),
            ("", "只有正文的求助，没有标题。", ""),
            ("没有正文", "", ""),
            (
                "Spinal cord injury rehab",
                "脊髓损伤 spinal cord 康复训练",
                "康复 spinal-cord",
            ),
            ("韩国语 한국어 도움", "日本語 がん 治療", "한국"),
            ("〇〇后助学", "一〇〇元", "〇"),
            ("医疗轮椅", "医疗器械与轮椅", ""),
            ("助学贷款", "学费、书费、住宿费", "学 费"),
            ("电动轮椅车", "大学生需要电动轮椅车", "车"),
            ("透析", "", ""),
            ("AND OR NOT", "icu ICU Icu", "and"),
            ("边缘icu", "缘ICU病房", ""),
            ("老人 助餐", "助 餐", "老 人"),
            ("心脏病 手术", "心脏病手术费", "手术费用2026元"),
            ("低保边缘", "低保边缘家庭", "低保"),
            ("needed", "soon", "needed soon"),
            ("电 动 轮 椅", "轮/椅", "电-动"),
            ("医", "疗", "医疗器材"),
            ("abc123 def", "abc 123 ＡＢＣ１２３", ""),
            ("学费", "学 费", "费学"),
            ("低保边", "缘", "保边缘"),
            ("\"quoted\" “全角引号”", "「括号」里的字", "+-*:()[]{}^~"),
            ("孩子上学", "费用不够", "书本"),
        ];
        texts
            .iter()
            .enumerate()
            .map(|(i, (title, story, items))| need(i as u64 + 1, title, story, items))
            .collect()
    }

    /// Every query: the index's matching needs are those `NeedText` says match.
    #[test]
    fn the_same_needs_as_the_index() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (library, _) = Library::open(dir.path()).expect("open");
        let docs = corpus();
        let changes: Vec<Change> = docs.iter().cloned().map(Change::Upsert).collect();
        library.apply(&changes, 1).expect("apply");
        let texts: Vec<NeedText> = docs
            .iter()
            .map(|d| NeedText::new(&d.title, &d.story, &d.items))
            .collect();

        let check = |q: &str| {
            let query = parse(q);
            let request = SearchRequest {
                query: query.clone(),
                ..Default::default()
            };
            let mut index = library.matching_ids(&request).expect("search");
            index.sort_unstable();
            let here: Vec<u64> = docs
                .iter()
                .zip(&texts)
                .filter(|(_, t)| t.matches(&query))
                .map(|(d, _)| d.id)
                .collect();
            assert_eq!(here, index, "{q:?} (groups {:?})", query.groups);
            here.len()
        };

        let queries = [
            "医疗",
            "轮椅",
            "低保边缘",
            "\"电动 轮椅\"",
            "“电动 轮椅”",
            "icu",
            "ICU",
            "ＩＣＵ",
            "2026",
            "2026年",
            "年",
            "助",
            "学 费",
            "\"学 费\"",
            "“学 费”",
            "😀",
            "😀🙏",
            "\"unbalanced 医疗",
            "\"unbalanced",
            "",
            "   ",
            "轮椅车",
            "椅",
            "WHEELCHAIR",
            "\"needed soon\"",
            "\"soon needed\"",
            "needed soon",
            "医疗轮椅",
            "老人 助餐",
            "“低保 边缘”",
            "「助 学」",
            "哈哈",
            "哈哈哈",
            "哈哈哈哈",
            "保边",
            "保边缘",
            "缘家",
            "边缘户",
            "\"边缘 icu\"",
            "\"缘 icu\"",
            "边缘icu",
            "spinal cord",
            "\"spinal cord\"",
            "\"cord spinal\"",
            "한국",
            "한국어",
            "がん",
            "〇",
            "〇〇",
            "abc123",
            "abc 123",
            "\"abc 123\"",
            "AND OR NOT",
            "+-*:()",
            "心脏病手术",
            "电动轮椅 2026",
            "医 疗",
            "\"医 疗\"",
            "\"医疗 器材\"",
            "学费书费",
            "费学",
            "quoted",
            "全角引号",
            "括号里",
            "上学 费用",
            "“上学 费用”",
            "上学费用",
            "学费用",
            "“学 费用”",
            "够书本",
        ];
        let mut matched = 0;
        for q in queries {
            matched += usize::from(check(q) > 0);
        }
        // The list is not vacuous: most of these queries find something.
        assert!(
            matched > queries.len() / 2,
            "{matched} of {}",
            queries.len()
        );

        // Substrings of the needs' texts, plain, quoted and quoted with a space inside
        // (across punctuation, runs and fields), from a fixed pseudo-random sequence.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n.max(1)
        };
        for d in &docs {
            let sources = [
                d.title.clone(),
                format!("{}\n{}", d.story, d.items),
                // Across the end of the title.
                format!("{}{}", d.title, d.story),
            ];
            for source in sources {
                let chars: Vec<char> = source.chars().collect();
                if chars.is_empty() {
                    continue;
                }
                for _ in 0..6 {
                    let start = next(chars.len());
                    let len = 1 + next(5);
                    let window: String = chars[start..(start + len).min(chars.len())]
                        .iter()
                        .collect();
                    let cut = window
                        .char_indices()
                        .nth(1 + next(3))
                        .map_or(window.len(), |(b, _)| b);
                    check(window.as_str());
                    check(format!("\"{window}\"").as_str());
                    check(format!("\"{} {}\"", &window[..cut], &window[cut..]).as_str());
                }
            }
        }
    }
}
