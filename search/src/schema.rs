//! The index's fields, and the document of one need.
//!
//! Only the public copy of a published need is indexed: title, story, item names and the
//! public facts (region, type, category, coverage, urgency, status, target, dates). Nothing
//! private ever reaches this crate: `NeedDoc` has no field for it.

use crate::analyzers;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED,
};
use tantivy::{TantivyDocument, Term};

/// Bumped whenever the fields or the analyzers change: an index built with another
/// version is rebuilt at start.
pub const SCHEMA_VERSION: u32 = 3;

/// The keyword facets, each a small number chosen by the caller (the position of the
/// value in the app's list of codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    AssistanceType,
    HouseholdCategory,
    Coverage,
    Urgency,
    Status,
}

impl Keyword {
    pub const ALL: [Keyword; 5] = [
        Keyword::AssistanceType,
        Keyword::HouseholdCategory,
        Keyword::Coverage,
        Keyword::Urgency,
        Keyword::Status,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Keyword::AssistanceType => "assistance_type",
            Keyword::HouseholdCategory => "household_category",
            Keyword::Coverage => "coverage",
            Keyword::Urgency => "urgency",
            Keyword::Status => "status",
        }
    }
}

/// The three levels of the region hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Province,
    City,
    County,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Province, Level::City, Level::County];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
        }
    }
}

/// One need's public copy, as indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedDoc {
    /// The need's database id: results are loaded from the database by it.
    pub id: u64,
    pub title: String,
    pub story: String,
    /// The names of the requested items, joined by spaces.
    pub items: String,
    /// Region codes (GB/T 2260, e.g. 220000 / 220100 / 220122).
    pub province: u64,
    pub city: u64,
    pub county: u64,
    /// The value of each keyword facet, in `Keyword::ALL` order.
    pub keywords: [u64; 5],
    /// The target amount in fen (0: none given).
    pub target_fen: u64,
    /// Seconds since the epoch.
    pub published_at: i64,
    /// Seconds since the epoch; `None`: no deadline (sorted last).
    pub deadline: Option<i64>,
    /// How much of the target is funded, in thousandths (0 without money yet).
    pub funded_permille: u64,
}

/// The fields of the index.
#[derive(Debug, Clone)]
pub struct Fields {
    pub id: Field,
    /// The grams of the whole text, body (story and items) and title: what must match,
    /// and what is scored. One field, so that a word is one posting list, not a union of
    /// two; the title is in it [`TITLE_WEIGHT`] times, so that a match there counts more.
    pub text_uni: Field,
    pub text_bi: Field,
    pub words: Field,
    pub regions: [Field; 3],
    pub keywords: [Field; 5],
    pub target_fen: Field,
    pub published_at: Field,
    pub deadline: Field,
    pub funded_permille: Field,
}

fn text(analyzer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

/// The schema and its fields.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let id = b.add_u64_field("id", INDEXED | FAST);
    let text_uni = b.add_text_field("text_uni", text(analyzers::UNIGRAMS));
    let text_bi = b.add_text_field("text_bi", text(analyzers::BIGRAMS));
    let words = b.add_text_field("words", text(analyzers::WORDS));
    let regions = Level::ALL.map(|l| b.add_u64_field(l.name(), INDEXED | FAST));
    let keywords = Keyword::ALL.map(|k| b.add_u64_field(k.name(), INDEXED | FAST));
    let target_fen = b.add_u64_field("target_fen", INDEXED | FAST);
    let published_at = b.add_i64_field("published_at", FAST);
    let deadline = b.add_i64_field("deadline", FAST);
    let funded_permille = b.add_u64_field("funded_permille", FAST);
    let fields = Fields {
        id,
        text_uni,
        text_bi,
        words,
        regions,
        keywords,
        target_fen,
        published_at,
        deadline,
        funded_permille,
    };
    (b.build(), fields)
}

/// How many times the title is in the text fields: a word of the title counts as
/// that many in the body.
pub const TITLE_WEIGHT: usize = 2;

/// A deadline that sorts after every real one.
pub(crate) const NO_DEADLINE: i64 = i64::MAX;

impl Fields {
    /// The terms the region and keyword filters require (the amount filter is a range).
    pub(crate) fn filter_terms(&self, filters: &crate::Filters) -> Vec<Term> {
        let region = filters.region.map(|(level, code)| {
            let field = self.regions[Level::ALL.iter().position(|l| *l == level).unwrap_or(0)];
            Term::from_field_u64(field, code)
        });
        let keywords = self
            .keywords
            .iter()
            .zip(filters.keywords)
            .filter_map(|(field, v)| v.map(|v| Term::from_field_u64(*field, v)));
        region.into_iter().chain(keywords).collect()
    }

    pub(crate) fn document(&self, need: &NeedDoc) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.id, need.id);
        let body = format!("{}\n{}", need.story, need.items);
        // Several values: the analyzers leave a wide gap of positions after each, so no
        // phrase spans the end of one and the start of the next. The body comes first:
        // its many positions stay small numbers, which pack into fewer bits.
        for field in [self.text_uni, self.text_bi] {
            doc.add_text(field, &body);
            for _ in 0..TITLE_WEIGHT {
                doc.add_text(field, &need.title);
            }
        }
        doc.add_text(self.words, &need.title);
        doc.add_text(self.words, &body);
        for (field, code) in self
            .regions
            .iter()
            .zip([need.province, need.city, need.county])
        {
            doc.add_u64(*field, code);
        }
        for (field, value) in self.keywords.iter().zip(need.keywords) {
            doc.add_u64(*field, value);
        }
        doc.add_u64(self.target_fen, need.target_fen);
        doc.add_i64(self.published_at, need.published_at);
        doc.add_i64(self.deadline, need.deadline.unwrap_or(NO_DEADLINE));
        doc.add_u64(self.funded_permille, need.funded_permille);
        doc
    }
}
