//! Money: integer fen (1 yuan = 100 fen), never floating point.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in fen.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// Whole yuan.
    pub const fn yuan(yuan: i64) -> Fen {
        Fen(yuan * 100)
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_mul(self, times: i64) -> Option<Fen> {
        self.0.checked_mul(times).map(Fen)
    }

    /// Share of `self` in `total`, in whole percent, clamped to 0..=100.
    pub fn percent_of(self, total: Fen) -> u8 {
        if total.0 <= 0 {
            return 0;
        }
        let pct = (i128::from(self.0.max(0)) * 100 / i128::from(total.0)).min(100);
        u8::try_from(pct).unwrap_or(100)
    }
}

/// `¥12,345` or `¥12,345.60`: thousands grouped, cents only when there are any.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (yuan, fen) = (abs / 100, abs % 100);
        let digits = yuan.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        if fen == 0 {
            write!(f, "{sign}¥{grouped}")
        } else {
            write!(f, "{sign}¥{grouped}.{fen:02}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_yuan_with_grouping_and_cents_only_when_present() {
        assert_eq!(Fen(0).to_string(), "¥0");
        assert_eq!(Fen(5).to_string(), "¥0.05");
        assert_eq!(Fen::yuan(1234).to_string(), "¥1,234");
        assert_eq!(Fen(123_456_789).to_string(), "¥1,234,567.89");
        assert_eq!(Fen(-150).to_string(), "-¥1.50");
        assert_eq!(Fen::yuan(100).to_string(), "¥100");
    }

    #[test]
    fn percent_is_clamped() {
        assert_eq!(Fen(50).percent_of(Fen(200)), 25);
        assert_eq!(Fen(500).percent_of(Fen(200)), 100);
        assert_eq!(Fen(5).percent_of(Fen(0)), 0);
    }
}
