//! Facet counts over the matching needs, in the same pass that finds them: the region level
//! below the one filtered on, every keyword facet, and target-amount ranges.
//!
//! Matching documents are counted a block at a time: each column decodes a block of
//! values in one call (`get_vals`), and the region counts of the province and city levels
//! are arrays indexed by the code, not a hash map. Both matter at a million needs, where a
//! two-character query can match a quarter of them.

use crate::columns::ColumnCache;
use crate::schema::{Keyword, Level};
use std::collections::HashMap;
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, ColumnIndex, ColumnValues};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Keyword values are small numbers; larger ones are not counted.
pub const MAX_KEYWORD_VALUE: usize = 32;

/// Documents counted per block.
const BLOCK: usize = 128;

/// A document without a value in a column.
const MISSING: u64 = u64::MAX;

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

pub(crate) struct FacetCollector<'a> {
    pub region_level: Option<Level>,
    pub bounds: Vec<u64>,
    pub columns: &'a ColumnCache,
}

/// One column's values, read a block at a time.
enum Values {
    /// Every document has one value, at its own row.
    Full(Arc<dyn ColumnValues<u64>>),
    /// Some documents have none (older segments, or an empty column).
    Sparse(Column<u64>),
}

impl Values {
    fn of(column: Column<u64>) -> Self {
        match column.index {
            ColumnIndex::Full => Values::Full(column.values.clone()),
            _ => Values::Sparse(column),
        }
    }

    /// The values of `docs` into `out` ([`MISSING`] where there is none).
    fn fill(&self, docs: &[DocId], out: &mut [u64]) {
        match self {
            Values::Full(values) => values.get_vals(docs, out),
            Values::Sparse(column) => {
                for (doc, value) in docs.iter().zip(out.iter_mut()) {
                    *value = column.first(*doc).unwrap_or(MISSING);
                }
            }
        }
    }
}

/// Counts per region code: an array for the province and city levels (their codes end in
/// 0000 and 00), a map for counties.
enum RegionCounts {
    Dense { divisor: u64, counts: Vec<u64> },
    Map(HashMap<u64, u64>),
}

impl RegionCounts {
    fn for_level(level: Level) -> Self {
        match level {
            Level::Province => RegionCounts::Dense {
                divisor: 10_000,
                counts: vec![0; 100],
            },
            Level::City => RegionCounts::Dense {
                divisor: 100,
                counts: vec![0; 10_000],
            },
            Level::County => RegionCounts::Map(HashMap::new()),
        }
    }

    fn add(&mut self, code: u64) {
        match self {
            RegionCounts::Dense { divisor, counts } if code % *divisor == 0 => {
                if let Some(n) = counts.get_mut((code / *divisor) as usize) {
                    *n += 1;
                }
            }
            RegionCounts::Dense { .. } => {}
            RegionCounts::Map(map) => *map.entry(code).or_default() += 1,
        }
    }

    fn into_pairs(self) -> Vec<(u64, u64)> {
        match self {
            RegionCounts::Dense { divisor, counts } => counts
                .into_iter()
                .enumerate()
                .filter(|(_, n)| *n > 0)
                .map(|(i, n)| (i as u64 * divisor, n))
                .collect(),
            RegionCounts::Map(map) => map.into_iter().collect(),
        }
    }
}

pub(crate) struct SegmentCounter {
    region: Option<(Values, RegionCounts)>,
    keywords: Vec<Values>,
    target: Values,
    bounds: Vec<u64>,
    keyword_counts: Vec<[u64; MAX_KEYWORD_VALUE]>,
    amounts: Vec<u64>,
    /// Documents waiting to be counted, and room for one block of values.
    pending: Vec<DocId>,
    scratch: Vec<u64>,
}

impl Collector for FacetCollector<'_> {
    type Fruit = FacetCounts;
    type Child = SegmentCounter;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCounter> {
        let open = |name| self.columns.u64(reader, name).map(Values::of);
        let region = match self.region_level {
            Some(level) => Some((open(level.name())?, RegionCounts::for_level(level))),
            None => None,
        };
        let keywords = Keyword::ALL
            .iter()
            .map(|k| open(k.name()))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(SegmentCounter {
            region,
            keywords,
            target: open("target_fen")?,
            bounds: self.bounds.clone(),
            keyword_counts: vec![[0; MAX_KEYWORD_VALUE]; Keyword::ALL.len()],
            amounts: vec![0; self.bounds.len() + 1],
            pending: Vec::with_capacity(BLOCK),
            scratch: vec![0; BLOCK],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Partial>) -> tantivy::Result<FacetCounts> {
        let mut regions: HashMap<u64, u64> = HashMap::new();
        let mut keywords = vec![[0u64; MAX_KEYWORD_VALUE]; Keyword::ALL.len()];
        let mut amounts = vec![0; self.bounds.len() + 1];
        for fruit in fruits {
            for (code, n) in fruit.regions {
                *regions.entry(code).or_default() += n;
            }
            for (total, part) in keywords.iter_mut().zip(&fruit.keywords) {
                for (t, p) in total.iter_mut().zip(part) {
                    *t += p;
                }
            }
            for (t, p) in amounts.iter_mut().zip(&fruit.amounts) {
                *t += p;
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
        Ok(FacetCounts {
            regions: self.region_level.map(|l| (l, regions)),
            keywords: [
                listed(&keywords[0]),
                listed(&keywords[1]),
                listed(&keywords[2]),
                listed(&keywords[3]),
                listed(&keywords[4]),
            ],
            amounts,
        })
    }
}

/// One segment's counts.
pub(crate) struct Partial {
    regions: Vec<(u64, u64)>,
    keywords: Vec<[u64; MAX_KEYWORD_VALUE]>,
    amounts: Vec<u64>,
}

impl SegmentCounter {
    /// Counts one block of documents (at most [`BLOCK`]).
    fn count(&mut self, docs: &[DocId]) {
        let values = &mut self.scratch[..docs.len()];
        if let Some((column, counts)) = self.region.as_mut() {
            column.fill(docs, values);
            for code in values.iter().filter(|c| **c != MISSING) {
                counts.add(*code);
            }
        }
        for (column, counts) in self.keywords.iter().zip(self.keyword_counts.iter_mut()) {
            column.fill(docs, values);
            for v in values.iter() {
                if let Some(n) = counts.get_mut(*v as usize) {
                    *n += 1;
                }
            }
        }
        self.target.fill(docs, values);
        for fen in values.iter().filter(|f| **f > 0 && **f != MISSING) {
            let bucket = self.bounds.partition_point(|b| b <= fen);
            self.amounts[bucket] += 1;
        }
    }

    fn flush(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        self.count(&pending);
        self.pending = pending;
        self.pending.clear();
    }
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Partial;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.pending.push(doc);
        if self.pending.len() == BLOCK {
            self.flush();
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for block in docs.chunks(BLOCK) {
            self.count(block);
        }
    }

    fn harvest(mut self) -> Partial {
        self.flush();
        Partial {
            regions: self
                .region
                .map(|(_, counts)| counts.into_pairs())
                .unwrap_or_default(),
            keywords: self.keyword_counts,
            amounts: self.amounts,
        }
    }
}
