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

/// Why a typed amount of yuan was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("not an amount of yuan")]
    NotAnAmount,
    #[error("more than two decimal places")]
    TooPrecise,
    #[error("too large")]
    TooLarge,
}

impl Fen {
    /// Parses an amount typed in yuan: `1234`, `1,234.5`, `¥1234.50`, `1234元`.
    /// Negative amounts are refused; so is anything finer than a fen.
    pub fn parse_yuan(text: &str) -> Result<Fen, AmountError> {
        let t = text.trim();
        let t = t
            .strip_prefix('¥')
            .or_else(|| t.strip_prefix('￥'))
            .unwrap_or(t);
        let t = t.strip_suffix('元').unwrap_or(t).trim();
        let cleaned: String = t.chars().filter(|c| *c != ',' && *c != '，').collect();
        let (whole, frac) = match cleaned.split_once('.') {
            Some((w, f)) => (w, f),
            None => (cleaned.as_str(), ""),
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) {
            return Err(AmountError::NotAnAmount);
        }
        if frac.len() > 2 {
            return Err(AmountError::TooPrecise);
        }
        if whole.len() > 12 {
            return Err(AmountError::TooLarge);
        }
        let yuan: i64 = whole.parse().map_err(|_| AmountError::NotAnAmount)?;
        let fen: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| AmountError::NotAnAmount)? * 10,
            _ => frac.parse().map_err(|_| AmountError::NotAnAmount)?,
        };
        yuan.checked_mul(100)
            .and_then(|f| f.checked_add(fen))
            .map(Fen)
            .ok_or(AmountError::TooLarge)
    }

    /// The amount in yuan as a form shows it for editing: `1234` or `1234.50`.
    pub fn to_yuan_input(self) -> String {
        let (yuan, fen) = (self.0 / 100, (self.0 % 100).abs());
        if fen == 0 {
            yuan.to_string()
        } else {
            format!("{yuan}.{fen:02}")
        }
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
    fn parses_typed_yuan() {
        assert_eq!(Fen::parse_yuan("1234"), Ok(Fen(123_400)));
        assert_eq!(Fen::parse_yuan(" 1,234.5 "), Ok(Fen(123_450)));
        assert_eq!(Fen::parse_yuan("￥86，300.05元"), Ok(Fen(8_630_005)));
        assert_eq!(Fen::parse_yuan("0.5"), Ok(Fen(50)));
        assert_eq!(Fen::parse_yuan("-5"), Err(AmountError::NotAnAmount));
        assert_eq!(Fen::parse_yuan("1.234"), Err(AmountError::TooPrecise));
        assert_eq!(Fen::parse_yuan("abc"), Err(AmountError::NotAnAmount));
        assert_eq!(Fen::parse_yuan(""), Err(AmountError::NotAnAmount));
        assert_eq!(Fen::parse_yuan("1e5"), Err(AmountError::NotAnAmount));
        assert_eq!(Fen::parse_yuan("9999999999999"), Err(AmountError::TooLarge));
        assert_eq!(Fen(123_450).to_yuan_input(), "1234.50");
        assert_eq!(Fen(123_400).to_yuan_input(), "1234");
    }

    #[test]
    fn percent_is_clamped() {
        assert_eq!(Fen(50).percent_of(Fen(200)), 25);
        assert_eq!(Fen(500).percent_of(Fen(200)), 100);
        assert_eq!(Fen(5).percent_of(Fen(0)), 0);
    }
}
