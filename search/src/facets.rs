//! Facet counts over the matching needs: the region level below the one filtered on,
//! every keyword facet, and target-amount ranges.
//!
//! Counting reads one packed word per document (see [`Packed`]): the province and city
//! codes, the five keyword values and the amount range, built once per segment from the
//! fast-field columns and kept until a merge retires the segment. At a million needs a
//! two-character query can match a quarter of them, and reading seven columns for each
//! match cost more than finding it. Only the county level, counted when a city is chosen
//! (and so over few needs), reads its column.

use crate::columns::ColumnCache;
use crate::schema::{Keyword, Level};
use std::collections::HashMap;
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, ColumnIndex};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Keyword values are small numbers; larger ones are not counted.
pub const MAX_KEYWORD_VALUE: usize = 32;

/// A document without a value in a column.
const MISSING: u64 = u64::MAX;

/// Bits of a packed word: province (code / 10,000), city (code / 100), then six bits for
/// each keyword value and for the amount range; [`NONE`] in a six-bit slot is "not
/// counted".
const PROVINCE_BITS: u32 = 7;
const CITY_SHIFT: u32 = PROVINCE_BITS;
const CITY_BITS: u32 = 14;
const KEYWORD_SHIFT: u32 = CITY_SHIFT + CITY_BITS;
const SLOT_BITS: u32 = 6;
const AMOUNT_SHIFT: u32 = KEYWORD_SHIFT + SLOT_BITS * Keyword::ALL.len() as u32;
const NONE: u64 = (1 << SLOT_BITS) - 1;
const SLOTS: usize = 1 << SLOT_BITS;

/// The most amount ranges counted (the rest are not counted).
pub const MAX_AMOUNT_RANGES: usize = NONE as usize;

/// The counts of one search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetCounts {
    /// The level counted (the one below the region filter), and its codes with counts,
    /// most needs first.
    pub regions: Option<(Level, Vec<(u64, u64)>)>,
    /// For each keyword facet (in `Keyword::ALL` order): value → count, zeros left out.
    pub keywords: [Vec<(u64, u64)>; 5],
    /// Needs per amount range: range `i` is `bounds[i - 1] ..  bounds[i]` (fen), the first
    /// from 1 fen, the last open-ended; needs without a target are not counted.
    pub amounts: Vec<u64>,
}

/// One segment's facet values, a word per document, for the amount bounds it was built
/// with.
pub(crate) struct Packed {
    pub bounds: Vec<u64>,
    words: Vec<u64>,
}

/// `code / divisor` when `code` is a whole code at that level (its lower digits zero) and
/// fits in `bits`; 0 (not counted) otherwise.
fn level_index(code: u64, divisor: u64, bits: u32) -> u64 {
    if code != MISSING && code % divisor == 0 && code / divisor < (1 << bits) {
        code / divisor
    } else {
        0
    }
}

impl Packed {
    /// Reads every document's facet values from `reader`'s columns.
    pub fn build(reader: &SegmentReader, bounds: &[u64]) -> tantivy::Result<Packed> {
        let max_doc = reader.max_doc() as usize;
        let fast = reader.fast_fields();
        let mut words = vec![0u64; max_doc];
        let mut values = vec![0u64; max_doc];
        let docs: Vec<DocId> = (0..reader.max_doc()).collect();
        let read = |name: &str, values: &mut [u64]| -> tantivy::Result<()> {
            let column = fast.u64(name)?;
            fill(&column, &docs, values);
            Ok(())
        };
        read(Level::Province.name(), &mut values)?;
        for (w, code) in words.iter_mut().zip(&values) {
            *w |= level_index(*code, 10_000, PROVINCE_BITS);
        }
        read(Level::City.name(), &mut values)?;
        for (w, code) in words.iter_mut().zip(&values) {
            *w |= level_index(*code, 100, CITY_BITS) << CITY_SHIFT;
        }
        for (k, keyword) in Keyword::ALL.iter().enumerate() {
            read(keyword.name(), &mut values)?;
            let shift = KEYWORD_SHIFT + SLOT_BITS * k as u32;
            for (w, v) in words.iter_mut().zip(&values) {
                let slot = if (*v as usize) < MAX_KEYWORD_VALUE {
                    *v
                } else {
                    NONE
                };
                *w |= slot << shift;
            }
        }
        read("target_fen", &mut values)?;
        for (w, fen) in words.iter_mut().zip(&values) {
            let range = if *fen > 0 && *fen != MISSING {
                bounds.partition_point(|b| b <= fen) as u64
            } else {
                NONE
            };
            *w |= range.min(NONE) << AMOUNT_SHIFT;
        }
        Ok(Packed {
            bounds: bounds.to_vec(),
            words,
        })
    }
}

/// The values of `docs` in `column` ([`MISSING`] where there is none), a block at a time
/// when every document has one.
fn fill(column: &Column<u64>, docs: &[DocId], out: &mut [u64]) {
    match column.index {
        ColumnIndex::Full => {
            for (docs, out) in docs.chunks(1024).zip(out.chunks_mut(1024)) {
                column.values.get_vals(docs, out);
            }
        }
        _ => {
            for (doc, value) in docs.iter().zip(out.iter_mut()) {
                *value = column.first(*doc).unwrap_or(MISSING);
            }
        }
    }
}

/// Counts the matching needs and their facets (scoring-free: the page's order is found
/// in a separate pass that can skip documents).
pub(crate) struct FacetCollector<'a> {
    pub region_level: Option<Level>,
    pub bounds: Vec<u64>,
    pub columns: &'a ColumnCache,
}

/// How one segment counts regions.
enum Regions {
    None,
    /// From the packed word: `(word >> shift) & mask` indexes `counts`; the code is the
    /// index times `unit`.
    Packed {
        shift: u32,
        mask: u64,
        unit: u64,
        counts: Vec<u64>,
    },
    /// Counties, from their column.
    Column(Column<u64>, HashMap<u64, u64>),
}

pub(crate) struct SegmentCounter {
    packed: Arc<Packed>,
    regions: Regions,
    keywords: [[u64; SLOTS]; 5],
    amounts: [u64; SLOTS],
    total: u64,
}

impl SegmentCounter {
    #[inline]
    fn add(&mut self, doc: DocId) {
        let Some(&word) = self.packed.words.get(doc as usize) else {
            return;
        };
        self.total += 1;
        match &mut self.regions {
            Regions::None => {}
            Regions::Packed {
                shift,
                mask,
                counts,
                ..
            } => counts[((word >> *shift) & *mask) as usize] += 1,
            Regions::Column(column, counts) => {
                if let Some(code) = column.first(doc) {
                    *counts.entry(code).or_default() += 1;
                }
            }
        }
        for (k, counts) in self.keywords.iter_mut().enumerate() {
            counts[((word >> (KEYWORD_SHIFT + SLOT_BITS * k as u32)) & NONE) as usize] += 1;
        }
        self.amounts[((word >> AMOUNT_SHIFT) & NONE) as usize] += 1;
    }
}

impl Collector for FacetCollector<'_> {
    /// The number of matching needs, and their facet counts.
    type Fruit = (usize, FacetCounts);
    type Child = SegmentCounter;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCounter> {
        let packed = self.columns.packed(reader, &self.bounds)?;
        let regions = match self.region_level {
            None => Regions::None,
            Some(Level::Province) => Regions::Packed {
                shift: 0,
                mask: (1 << PROVINCE_BITS) - 1,
                unit: 10_000,
                counts: vec![0; 1 << PROVINCE_BITS],
            },
            Some(Level::City) => Regions::Packed {
                shift: CITY_SHIFT,
                mask: (1 << CITY_BITS) - 1,
                unit: 100,
                counts: vec![0; 1 << CITY_BITS],
            },
            Some(Level::County) => Regions::Column(
                self.columns.u64(reader, Level::County.name())?,
                HashMap::new(),
            ),
        };
        Ok(SegmentCounter {
            packed,
            regions,
            keywords: [[0; SLOTS]; 5],
            amounts: [0; SLOTS],
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Partial>) -> tantivy::Result<(usize, FacetCounts)> {
        let mut total = 0;
        let mut regions: HashMap<u64, u64> = HashMap::new();
        let mut keywords = [[0u64; MAX_KEYWORD_VALUE]; 5];
        let ranges = (self.bounds.len() + 1).min(MAX_AMOUNT_RANGES);
        let mut amounts = vec![0; ranges];
        for fruit in fruits {
            total += fruit.total;
            for (code, n) in fruit.regions {
                *regions.entry(code).or_default() += n;
            }
            for (sum, part) in keywords.iter_mut().zip(&fruit.keywords) {
                for (s, p) in sum.iter_mut().zip(part) {
                    *s += p;
                }
            }
            for (s, p) in amounts.iter_mut().zip(&fruit.amounts) {
                *s += p;
            }
        }
        let mut regions: Vec<(u64, u64)> = regions.into_iter().filter(|(c, _)| *c != 0).collect();
        regions.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let listed = |counts: &[u64; MAX_KEYWORD_VALUE]| {
            counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(v, n)| (v as u64, *n))
                .collect::<Vec<_>>()
        };
        Ok((
            total as usize,
            FacetCounts {
                regions: self.region_level.map(|l| (l, regions)),
                keywords: keywords.each_ref().map(listed),
                amounts,
            },
        ))
    }
}

/// One segment's counts.
pub(crate) struct Partial {
    total: u64,
    regions: Vec<(u64, u64)>,
    keywords: [[u64; SLOTS]; 5],
    amounts: [u64; SLOTS],
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Partial;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.add(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for doc in docs {
            self.add(*doc);
        }
    }

    fn harvest(self) -> Partial {
        let regions = match self.regions {
            Regions::None => Vec::new(),
            Regions::Packed { unit, counts, .. } => counts
                .into_iter()
                .enumerate()
                .filter(|(i, n)| *i > 0 && *n > 0)
                .map(|(i, n)| (i as u64 * unit, n))
                .collect(),
            Regions::Column(_, counts) => counts.into_iter().collect(),
        };
        Partial {
            total: self.total,
            regions,
            keywords: self.keywords,
            amounts: self.amounts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_packed_word_has_room_for_every_slot() {
        assert!(AMOUNT_SHIFT + SLOT_BITS <= 64);
        assert!(MAX_KEYWORD_VALUE < NONE as usize);
    }

    #[test]
    fn only_whole_codes_of_a_level_are_counted() {
        assert_eq!(level_index(220000, 10_000, PROVINCE_BITS), 22);
        assert_eq!(level_index(220100, 10_000, PROVINCE_BITS), 0);
        assert_eq!(level_index(220100, 100, CITY_BITS), 2201);
        assert_eq!(level_index(220122, 100, CITY_BITS), 0);
        assert_eq!(level_index(MISSING, 100, CITY_BITS), 0);
        assert_eq!(level_index(0, 100, CITY_BITS), 0);
    }
}
