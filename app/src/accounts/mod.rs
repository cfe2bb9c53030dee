//! Accounts: people who sign in (staff, charity members, donors, platform admins).

#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod store;

/// Why an e-mail address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("请输入有效的电子邮箱地址 / Enter a valid e-mail address")]
    Invalid,
}

/// A syntactically plausible e-mail address, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let email = input.trim().to_lowercase();
        let Some((local, domain)) = email.split_once('@') else {
            return Err(EmailError::Invalid);
        };
        let ok = !local.is_empty()
            && local.len() <= 64
            && email.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c == '<' || c == '>')
            && !domain.contains('@');
        if ok {
            Ok(Email(email))
        } else {
            Err(EmailError::Invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The shortest password we accept.
pub const MIN_PASSWORD_CHARS: usize = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plausible_addresses_only() {
        assert_eq!(
            Email::parse(" Admin@Example.ORG ").map(|e| e.0),
            Ok("admin@example.org".into())
        );
        for bad in [
            "",
            "admin",
            "admin@",
            "@example.org",
            "a@b",
            "a b@example.org",
            "a@@example.org",
            "a@.example.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
