//! One search on several threads. Tantivy runs a search segment by segment, on one
//! thread or one task per segment; a merged index is mostly one large segment, so that
//! alone leaves the other cores idle. Here every segment is cut into slices of document
//! ids, each slice is searched by its own scorer (seeking to the slice's first document,
//! which the skip lists make cheap), and the slices' fruits are merged as the segments'
//! would be. The work is the same as on one thread, so throughput under load does not
//! change; a lone search's latency drops by about the number of cores.
//!
//! Pruning collectors (block-max WAND for the best-scored page) need the whole segment
//! to prune well: `Library::search` runs them through tantivy's executor, a task per
//! segment, beside the slices.

use rayon::prelude::*;
use std::sync::OnceLock;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{
    DocId, DocSet, Executor, Searcher, SegmentReader, COLLECT_BLOCK_BUFFER_LEN, TERMINATED,
};

/// Below this many documents a search stays on the calling thread: handing work to
/// other threads would cost more than it saves.
pub(crate) const MIN_DOCS: u32 = 100_000;
/// The smallest slice.
pub(crate) const MIN_SLICE: u32 = 16_384;
/// Slices per thread, so that a slow slice (dense with matches) is balanced by others.
const SLICES_PER_THREAD: u32 = 4;
/// The most threads one search uses.
const MAX_THREADS: usize = 8;

/// The search threads shared by every open index, as tantivy's executor (which runs a
/// search one task per segment) and as the pool the slices run on; `None` on a single
/// core.
pub(crate) fn threads() -> Option<(&'static Executor, &'static rayon::ThreadPool)> {
    static EXECUTOR: OnceLock<Option<Executor>> = OnceLock::new();
    let executor = EXECUTOR
        .get_or_init(|| {
            let threads = std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(MAX_THREADS);
            if threads < 2 {
                return None;
            }
            Executor::multi_thread(threads, "search-").ok()
        })
        .as_ref()?;
    match executor {
        Executor::ThreadPool(pool) => Some((executor, pool.as_ref())),
        Executor::SingleThread => None,
    }
}

/// One slice: a segment and a range of its document ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slice {
    segment: u32,
    from: DocId,
    to: DocId,
}

/// The slices of segments with these `max_doc`s, for `threads` threads, none smaller
/// than `min_slice` documents unless its segment is.
fn slices(max_docs: &[u32], threads: usize, min_slice: u32) -> Vec<Slice> {
    let total: u64 = max_docs.iter().map(|&n| u64::from(n)).sum();
    let wanted = (threads as u64 * u64::from(SLICES_PER_THREAD)).max(1);
    let size = u32::try_from(total / wanted)
        .unwrap_or(u32::MAX)
        .max(min_slice.max(1));
    let mut out = Vec::new();
    for (segment, &max_doc) in max_docs.iter().enumerate() {
        let mut from = 0;
        while from < max_doc {
            let to = from.saturating_add(size).min(max_doc);
            out.push(Slice {
                segment: segment as u32,
                from,
                to,
            });
            from = to;
        }
    }
    out
}

/// `searcher.search(query, collector)`, on `pool`'s threads, in slices of at least
/// `min_slice` documents.
pub(crate) fn search<C: Collector>(
    pool: &rayon::ThreadPool,
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    min_slice: u32,
) -> tantivy::Result<C::Fruit> {
    let scoring = collector.requires_scoring();
    let enable = if scoring {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(enable)?;
    let readers = searcher.segment_readers();
    let max_docs: Vec<u32> = readers.iter().map(SegmentReader::max_doc).collect();
    let slices = slices(&max_docs, pool.current_num_threads(), min_slice);
    let fruits: Vec<tantivy::Result<_>> = pool.install(|| {
        slices
            .par_iter()
            .map(|slice| {
                let reader = &readers[slice.segment as usize];
                collect_slice(collector, weight.as_ref(), reader, *slice, scoring)
            })
            .collect()
    });
    collector.merge_fruits(fruits.into_iter().collect::<tantivy::Result<Vec<_>>>()?)
}

/// The fruit of one slice, as the segment's collector would gather it for those
/// documents.
fn collect_slice<C: Collector>(
    collector: &C,
    weight: &dyn Weight,
    reader: &SegmentReader,
    slice: Slice,
    scoring: bool,
) -> tantivy::Result<<C::Child as SegmentCollector>::Fruit> {
    let mut child = collector.for_segment(slice.segment, reader)?;
    let mut scorer = weight.scorer(reader, 1.0)?;
    let alive = reader.alive_bitset();
    let is_alive = |doc: DocId| alive.is_none_or(|a| a.is_alive(doc));
    let mut doc = scorer.doc();
    if doc < slice.from {
        doc = scorer.seek(slice.from);
    }
    if scoring {
        while doc < slice.to {
            if is_alive(doc) {
                child.collect(doc, scorer.score());
            }
            doc = scorer.advance();
        }
    } else {
        let mut buffer = [0 as DocId; COLLECT_BLOCK_BUFFER_LEN];
        while doc < slice.to && doc != TERMINATED {
            let filled = scorer.fill_buffer(&mut buffer);
            let docs = &buffer[..filled];
            let inside = docs.partition_point(|d| *d < slice.to);
            if alive.is_none() {
                child.collect_block(&docs[..inside]);
            } else {
                for d in &docs[..inside] {
                    if is_alive(*d) {
                        child.collect(*d, 0.0);
                    }
                }
            }
            if inside < filled {
                break;
            }
            doc = scorer.doc();
        }
    }
    Ok(child.harvest())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_cover_every_document_once() {
        for (max_docs, threads) in [
            (vec![1_000_000, 250_000, 3, 0], 2),
            (vec![5], 8),
            (vec![], 2),
            (vec![MIN_SLICE * 3 + 1], 1),
        ] {
            let cut = slices(&max_docs, threads, MIN_SLICE);
            for (segment, &max_doc) in max_docs.iter().enumerate() {
                let mut next = 0;
                for s in cut.iter().filter(|s| s.segment as usize == segment) {
                    assert_eq!(s.from, next, "{max_docs:?}");
                    assert!(s.to > s.from);
                    next = s.to;
                }
                assert_eq!(next, max_doc, "{max_docs:?}");
            }
        }
        assert!(slices(&[1_000_000], 2, MIN_SLICE).len() >= 2 * SLICES_PER_THREAD as usize);
        assert!(slices(&[100], 2, 0).len() >= 8);
    }
}
