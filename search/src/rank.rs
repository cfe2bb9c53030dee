//! The best-scored page of a search, found with block-max pruning (WAND): tantivy skips
//! the blocks of documents whose best possible score cannot reach the page, which at a
//! million needs is most of them. Tantivy's own top-docs collector prunes too, but only
//! over the query itself; here a filter (region, keyword facets, amount) is checked on
//! each candidate instead of being a clause of the query, so that the query keeps the
//! pure shape tantivy can prune (a union or an intersection of terms).

use crate::columns::ColumnCache;
use crate::schema::Keyword;
use crate::Filters;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// The `limit` best-scored needs that pass `filters`, best first; equal scores in
/// document order, as tantivy's `TopDocs` orders them.
pub(crate) struct ScoredTop<'a> {
    pub limit: usize,
    pub filters: &'a Filters,
    pub columns: &'a ColumnCache,
}

/// One segment's checks: each column's value must be within the wanted range (from,
/// inclusive, to exclusive or none), as the filter clauses of the full query decide.
struct SegmentFilter {
    checks: Vec<(Column<u64>, u64, Option<u64>)>,
}

impl SegmentFilter {
    fn new(
        filters: &Filters,
        columns: &ColumnCache,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self> {
        let mut checks = Vec::new();
        let equal = |v: u64| (v, v.checked_add(1));
        if let Some((level, code)) = filters.region {
            let (from, to) = equal(code);
            checks.push((columns.u64(reader, level.name())?, from, to));
        }
        for (keyword, value) in Keyword::ALL.iter().zip(filters.keywords) {
            if let Some((from, to)) = value.map(equal) {
                checks.push((columns.u64(reader, keyword.name())?, from, to));
            }
        }
        if let Some((from, to)) = filters.amount_range() {
            checks.push((columns.u64(reader, "target_fen")?, from, to));
        }
        Ok(SegmentFilter { checks })
    }

    #[inline]
    fn passes(&self, doc: DocId) -> bool {
        self.checks.iter().all(|(column, from, to)| {
            column
                .first(doc)
                .is_some_and(|v| v >= *from && to.is_none_or(|to| v < to))
        })
    }
}

/// A heap entry: the greater is the better (higher score, then lower document).
#[derive(Clone, Copy)]
struct Entry {
    score: Score,
    doc: DocId,
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .partial_cmp(&other.score)
            .unwrap_or(Ordering::Equal)
            .then_with(|| other.doc.cmp(&self.doc))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

/// The best `limit` entries of one segment, and the score a new one must exceed.
pub(crate) struct SegmentTop {
    limit: usize,
    segment: SegmentOrdinal,
    heap: BinaryHeap<Reverse<Entry>>,
    filter: SegmentFilter,
}

impl SegmentTop {
    /// Offers `doc` (documents come in ascending order, so an equal score loses) and
    /// returns the new threshold.
    #[inline]
    fn offer(&mut self, doc: DocId, score: Score) -> Score {
        if self.filter.passes(doc) {
            if self.heap.len() < self.limit {
                self.heap.push(Reverse(Entry { score, doc }));
            } else if self
                .heap
                .peek()
                .is_some_and(|Reverse(worst)| score > worst.score)
            {
                self.heap.pop();
                self.heap.push(Reverse(Entry { score, doc }));
            }
        }
        self.threshold()
    }

    fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(Reverse(worst)) if self.heap.len() >= self.limit => worst.score,
            _ => Score::MIN,
        }
    }
}

impl SegmentCollector for SegmentTop {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if score > self.threshold() {
            self.offer(doc, score);
        }
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        self.heap
            .into_iter()
            .map(|Reverse(e)| (e.score, DocAddress::new(segment, e.doc)))
            .collect()
    }
}

impl Collector for ScoredTop<'_> {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = SegmentTop;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTop> {
        Ok(SegmentTop {
            limit: self.limit.max(1),
            segment,
            heap: BinaryHeap::with_capacity(self.limit.max(1) + 1),
            filter: SegmentFilter::new(self.filters, self.columns, reader)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<(Score, DocAddress)> = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| {
            b.0.partial_cmp(&a.0)
                .unwrap_or(Ordering::Equal)
                .then_with(|| a.1.cmp(&b.1))
        });
        all.truncate(self.limit);
        Ok(all)
    }

    /// The pruning pass: the weight is told the score a document must exceed, and
    /// skips what cannot.
    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Fruit> {
        let mut top = self.for_segment(segment, reader)?;
        match reader.alive_bitset() {
            Some(alive) => weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
                if alive.is_deleted(doc) {
                    return top.threshold();
                }
                top.offer(doc, score)
            })?,
            None => weight
                .for_each_pruning(Score::MIN, reader, &mut |doc, score| top.offer(doc, score))?,
        }
        Ok(top.harvest())
    }
}

/// A filter is sparse when it keeps less than `1 / SPARSE` of the index (estimated from
/// each filter term's document count). Then intersecting it with the query beats
/// checking it on the candidates of the pruned pass: it lets few candidates through, so
/// the pruned pass could hardly raise its threshold and would score nearly every match,
/// where the intersection scores only the few that pass.
pub(crate) const SPARSE: u64 = 8;
