//! Administrative division codes (GB/T 2260): 6 digits for provinces, cities and
//! counties, 9 for townships.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A validated administrative division code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

/// The level of a region in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionLevel {
    Province,
    City,
    County,
    Township,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an administrative division code: {0:?}")]
pub struct InvalidRegionCode(pub String);

impl RegionCode {
    pub fn parse(code: &str) -> Result<Self, InvalidRegionCode> {
        let ok = matches!(code.len(), 6 | 9 | 12)
            && code.bytes().all(|b| b.is_ascii_digit())
            && &code[..2] != "00";
        if ok {
            Ok(RegionCode(code.to_owned()))
        } else {
            Err(InvalidRegionCode(code.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        let c = &self.0;
        if c.len() > 6 {
            RegionLevel::Township
        } else if &c[2..] == "0000" {
            RegionLevel::Province
        } else if &c[4..] == "00" {
            RegionLevel::City
        } else {
            RegionLevel::County
        }
    }

    /// The two-digit province prefix, e.g. `22` for Jilin.
    pub fn province_prefix(&self) -> &str {
        &self.0[..2]
    }

    /// Whether `other` lies inside this region (or is this region).
    pub fn contains(&self, other: &RegionCode) -> bool {
        let significant = match self.level() {
            RegionLevel::Province => 2,
            RegionLevel::City => 4,
            RegionLevel::County => 6,
            RegionLevel::Township => self.0.len(),
        };
        other.0.starts_with(&self.0[..significant])
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = InvalidRegionCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RegionCode::parse(&value)
    }
}

impl From<RegionCode> for String {
    fn from(code: RegionCode) -> String {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).expect("valid code")
    }

    #[test]
    fn levels_follow_the_trailing_zeros() {
        assert_eq!(code("220000").level(), RegionLevel::Province);
        assert_eq!(code("220100").level(), RegionLevel::City);
        assert_eq!(code("220102").level(), RegionLevel::County);
        assert_eq!(code("220102001").level(), RegionLevel::Township);
    }

    #[test]
    fn containment_follows_the_tree() {
        assert!(code("220000").contains(&code("220102")));
        assert!(code("220100").contains(&code("220102")));
        assert!(!code("220200").contains(&code("220102")));
        assert!(code("220102").contains(&code("220102")));
        assert!(!code("220102").contains(&code("220103")));
        assert!(!code("620000").contains(&code("220102")));
    }

    #[test]
    fn rejects_malformed_codes() {
        for bad in [
            "",
            "22",
            "22010",
            "2201020",
            "22010a",
            "000000",
            "２２０１０２",
        ] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }
}
