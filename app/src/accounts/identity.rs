//! Who someone is: the name they sign in with, and the signed-in user as pages see it.

use super::{Email, EmailError};
use serde::{Deserialize, Serialize};

/// A mainland China mobile number, normalized to its 11 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Accepts `13812345678`, `138 1234 5678`, `138-1234-5678`, `+86 138…`, `0086138…`.
    pub fn parse(input: &str) -> Option<Self> {
        let digits: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
            .collect();
        let national = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .unwrap_or(&digits);
        let b = national.as_bytes();
        let ok = b.len() == 11
            && b.iter().all(u8::is_ascii_digit)
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1]);
        ok.then(|| Phone(national.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a person signs in with: an e-mail address or a mobile number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInName {
    Email(Email),
    Phone(Phone),
}

impl SignInName {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        if input.contains('@') {
            Email::parse(input).map(SignInName::Email)
        } else {
            Phone::parse(input)
                .map(SignInName::Phone)
                .ok_or(EmailError::Invalid)
        }
    }

    /// The normalized text, for lookups and throttling keys.
    pub fn as_str(&self) -> &str {
        match self {
            SignInName::Email(e) => e.as_str(),
            SignInName::Phone(p) => p.as_str(),
        }
    }
}

/// The signed-in user, as pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub display_name: String,
    pub is_platform_admin: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalized_and_checked() {
        for ok in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "0086 13812345678",
        ] {
            assert_eq!(
                Phone::parse(ok).map(|p| p.0),
                Some("13812345678".into()),
                "{ok}"
            );
        }
        for bad in [
            "1381234567",
            "23812345678",
            "12812345678",
            "138123456789",
            "1381234567a",
            "",
        ] {
            assert!(Phone::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn sign_in_names_are_emails_or_phones() {
        assert!(matches!(
            SignInName::parse("A@Example.org"),
            Ok(SignInName::Email(_))
        ));
        assert!(matches!(
            SignInName::parse("13912345678"),
            Ok(SignInName::Phone(_))
        ));
        assert!(SignInName::parse("someone").is_err());
    }
}
