//! Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters from a
//! 31-character alphabet, the last one a check character.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The alphabet: digits and capital letters without I, O, S, V, Z.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A unified social credit code whose check character is right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

/// Why a text is not a unified social credit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("a unified social credit code has 18 characters")]
    WrongLength,
    #[error("character {position} is not allowed in a unified social credit code")]
    BadCharacter { position: usize },
    #[error("the check character (the 18th) does not match")]
    WrongCheckCharacter,
}

impl Uscc {
    /// Parses a code, accepting lower case and surrounding spaces.
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        let code = input.trim().to_ascii_uppercase();
        if code.chars().count() != 18 {
            return Err(UsccError::WrongLength);
        }
        let values = code
            .bytes()
            .enumerate()
            .map(|(i, b)| value_of(b).ok_or(UsccError::BadCharacter { position: i + 1 }))
            .collect::<Result<Vec<_>, _>>()?;
        if check_value(&values[..17]) != values[17] {
            return Err(UsccError::WrongCheckCharacter);
        }
        Ok(Uscc(code))
    }

    /// Completes the first 17 characters with their check character.
    pub fn complete(first17: &str) -> Result<Self, UsccError> {
        let code = first17.trim().to_ascii_uppercase();
        if code.len() != 17 {
            return Err(UsccError::WrongLength);
        }
        let values = code
            .bytes()
            .enumerate()
            .map(|(i, b)| value_of(b).ok_or(UsccError::BadCharacter { position: i + 1 }))
            .collect::<Result<Vec<_>, _>>()?;
        let check = ALPHABET[check_value(&values) as usize] as char;
        Ok(Uscc(format!("{code}{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn value_of(byte: u8) -> Option<u32> {
    ALPHABET.iter().position(|&c| c == byte).map(|p| p as u32)
}

fn check_value(first17: &[u32]) -> u32 {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Uscc {
    type Error = UsccError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Uscc::parse(&value)
    }
}

impl From<Uscc> for String {
    fn from(code: Uscc) -> String {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Published codes of real registered organizations (their public registration
    // numbers, not personal data).
    const VALID: &[&str] = &[
        "91350100M000100Y43",
        "53100000500021676K",
        "91110000802100433B",
    ];

    #[test]
    fn accepts_valid_codes_in_any_case() {
        for code in VALID {
            assert_eq!(
                Uscc::parse(code).map(|c| c.to_string()),
                Ok(code.to_string())
            );
            assert!(Uscc::parse(&code.to_lowercase()).is_ok(), "{code}");
        }
    }

    #[test]
    fn rejects_wrong_length_characters_and_check() {
        assert_eq!(
            Uscc::parse("91350100M000100Y4"),
            Err(UsccError::WrongLength)
        );
        assert_eq!(
            Uscc::parse("91350100M000100Y433"),
            Err(UsccError::WrongLength)
        );
        assert_eq!(
            Uscc::parse("91350100M000100Y44"),
            Err(UsccError::WrongCheckCharacter)
        );
        assert_eq!(
            Uscc::parse("9135010OM000100Y43"),
            Err(UsccError::BadCharacter { position: 8 })
        );
    }

    #[test]
    fn completing_gives_a_code_that_parses() {
        let code = Uscc::complete("53220100MJ0000001").expect("completes");
        assert!(Uscc::parse(code.as_str()).is_ok());
    }
}
