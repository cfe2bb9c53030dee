//! Opened fast-field columns, kept per segment. Opening a column parses its header (for
//! tantivy's blockwise-linear codec, every block's), which at a million needs cost more
//! than the search itself when done on every call: each segment's columns are opened once
//! and shared until the segment is merged away. So are the packed facet values of each
//! segment (see `facets::Packed`).

use crate::facets::Packed;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DocAddress, Searcher, SegmentReader};

#[derive(Default)]
pub(crate) struct ColumnCache {
    open: Mutex<HashMap<(SegmentId, &'static str), Column<u64>>>,
    packed: Mutex<HashMap<SegmentId, Arc<Packed>>>,
}

impl ColumnCache {
    /// The u64 column `name` of `reader`'s segment.
    pub fn u64(&self, reader: &SegmentReader, name: &'static str) -> tantivy::Result<Column<u64>> {
        let key = (reader.segment_id(), name);
        if let Some(column) = self.open.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(column);
        }
        let column = reader.fast_fields().u64(name)?;
        if let Ok(mut open) = self.open.lock() {
            open.insert(key, column.clone());
        }
        Ok(column)
    }

    /// The packed facet values of `reader`'s segment for the amount `bounds` (built on
    /// first use, and again if other bounds are asked for).
    pub fn packed(&self, reader: &SegmentReader, bounds: &[u64]) -> tantivy::Result<Arc<Packed>> {
        let id = reader.segment_id();
        if let Some(packed) = self.packed.lock().ok().and_then(|m| m.get(&id).cloned()) {
            if packed.bounds == bounds {
                return Ok(packed);
            }
        }
        let packed = Arc::new(Packed::build(reader, bounds)?);
        if let Ok(mut map) = self.packed.lock() {
            map.insert(id, packed.clone());
        }
        Ok(packed)
    }

    /// Forgets the columns of segments `searcher` no longer has (merged or deleted).
    pub fn keep_only(&self, searcher: &Searcher) {
        let live: HashSet<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        if let Ok(mut open) = self.open.lock() {
            open.retain(|(segment, _), _| live.contains(segment));
        }
        if let Ok(mut packed) = self.packed.lock() {
            packed.retain(|segment, _| live.contains(segment));
        }
    }

    /// The `id` of each document, in order.
    pub fn ids(
        &self,
        searcher: &Searcher,
        addresses: impl IntoIterator<Item = DocAddress>,
    ) -> tantivy::Result<Vec<u64>> {
        let mut ids = Vec::new();
        for address in addresses {
            let column = self.u64(searcher.segment_reader(address.segment_ord), "id")?;
            if let Some(id) = column.first(address.doc_id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }
}
