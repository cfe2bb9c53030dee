//! Facet counts over the matching needs, in the same pass that finds them: the region level
//! below the one filtered on, every keyword facet, and target-amount ranges.

use crate::schema::{Keyword, Level};
use std::collections::HashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Keyword values are small numbers; larger ones are not counted.
pub const MAX_KEYWORD_VALUE: usize = 32;

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

pub(crate) struct FacetCollector {
    pub region_level: Option<Level>,
    pub bounds: Vec<u64>,
}

pub(crate) struct SegmentCounter {
    region: Option<Column<u64>>,
    keywords: Vec<Column<u64>>,
    target: Column<u64>,
    bounds: Vec<u64>,
    region_counts: HashMap<u64, u64>,
    keyword_counts: Vec<[u64; MAX_KEYWORD_VALUE]>,
    amounts: Vec<u64>,
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = SegmentCounter;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCounter> {
        let fast = reader.fast_fields();
        let region = match self.region_level {
            Some(level) => Some(fast.u64(level.name())?),
            None => None,
        };
        let keywords = Keyword::ALL
            .iter()
            .map(|k| fast.u64(k.name()))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(SegmentCounter {
            region,
            keywords,
            target: fast.u64("target_fen")?,
            bounds: self.bounds.clone(),
            region_counts: HashMap::new(),
            keyword_counts: vec![[0; MAX_KEYWORD_VALUE]; Keyword::ALL.len()],
            amounts: vec![0; self.bounds.len() + 1],
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
    regions: HashMap<u64, u64>,
    keywords: Vec<[u64; MAX_KEYWORD_VALUE]>,
    amounts: Vec<u64>,
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Partial;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(code) = self.region.as_ref().and_then(|c| c.first(doc)) {
            *self.region_counts.entry(code).or_default() += 1;
        }
        for (column, counts) in self.keywords.iter().zip(self.keyword_counts.iter_mut()) {
            if let Some(v) = column.first(doc) {
                if let Some(n) = counts.get_mut(v as usize) {
                    *n += 1;
                }
            }
        }
        if let Some(fen) = self.target.first(doc).filter(|f| *f > 0) {
            let bucket = self.bounds.partition_point(|b| *b <= fen);
            self.amounts[bucket] += 1;
        }
    }

    fn harvest(self) -> Partial {
        Partial {
            regions: self.region_counts,
            keywords: self.keyword_counts,
            amounts: self.amounts,
        }
    }
}
