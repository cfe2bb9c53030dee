//! Accounts: people who sign in (staff, charity members, donors, platform admins).

mod forms;
mod identity;
#[cfg(feature = "ssr")]
pub mod one_time_link;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod requests;
#[cfg(feature = "ssr")]
pub mod resets;
#[cfg(feature = "ssr")]
pub mod secret;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod sign_in;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod tokens;

pub use forms::{FormReply, Problem};
pub use identity::{CurrentUser, Phone, SignInName};

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
/// The longest password we accept (argon2 would take more, but nobody types more).
pub const MAX_PASSWORD_CHARS: usize = 128;
/// The longest display name.
pub const MAX_DISPLAY_NAME_CHARS: usize = 40;

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

/// Problems with account fields, in both languages.
pub mod problems {
    use super::Problem;

    pub const BAD_SIGN_IN_NAME: Problem = Problem::new(
        "请输入有效的电子邮箱或 11 位手机号码。",
        "Enter a valid e-mail address or 11-digit mobile number.",
    );
    pub const NAME_TAKEN: Problem = Problem::new(
        "该邮箱或手机号已注册，请直接登录。",
        "This e-mail address or mobile number is already registered; sign in instead.",
    );
    pub const SIGN_UP_LINK_GONE: Problem = Problem::new(
        "该注册链接无效、已使用或已过期，请重新注册。",
        "This sign-up link is invalid, used or expired. Please sign up again.",
    );
    pub const DISPLAY_NAME: Problem = Problem::new(
        "请填写称呼（不超过 40 个字）。",
        "Enter a name to show (at most 40 characters).",
    );
    pub const PASSWORD_SHORT: Problem = Problem::new(
        "密码至少需要 10 个字符。",
        "The password needs at least 10 characters.",
    );
    pub const PASSWORD_LONG: Problem = Problem::new(
        "密码不能超过 128 个字符。",
        "The password can have at most 128 characters.",
    );
    pub const PASSWORD_MISMATCH: Problem =
        Problem::new("两次输入的密码不一致。", "The two passwords do not match.");
    pub const WRONG_CURRENT_PASSWORD: Problem =
        Problem::new("当前密码不正确。", "The current password is wrong.");
    pub const WRONG_CREDENTIALS: Problem =
        Problem::new("账号或密码错误。", "Wrong account or password.");
    pub const THROTTLED: Problem = Problem::new(
        "尝试次数过多，请稍后再试。",
        "Too many attempts. Please wait a while and try again.",
    );
    pub const NO_SUCH_ACCOUNT: Problem =
        Problem::new("没有这个账号。", "There is no such account.");
    /// Refused access: the same words on every page.
    pub const FORBIDDEN: Problem =
        Problem::new("您没有权限进行此操作。", "You are not allowed to do this.");
    pub const INTERNAL: Problem = Problem::new(
        "服务暂时出现问题，请稍后再试。",
        "Something went wrong on our side. Please try again later.",
    );
}

/// Checks a new password and its confirmation; the problems by field.
pub fn check_new_password(
    password: &str,
    confirmation: &str,
    field: &'static str,
    confirmation_field: &'static str,
) -> Vec<(&'static str, Problem)> {
    let chars = password.chars().count();
    let mut found = Vec::new();
    if chars < MIN_PASSWORD_CHARS {
        found.push((field, problems::PASSWORD_SHORT));
    } else if chars > MAX_PASSWORD_CHARS {
        found.push((field, problems::PASSWORD_LONG));
    } else if password != confirmation {
        found.push((confirmation_field, problems::PASSWORD_MISMATCH));
    }
    found
}

/// A donor's sign-up, checked field by field. The password is chosen later, on the page
/// of the link sent to the address.
#[derive(Debug, Clone)]
pub struct SignUp {
    pub name: SignInName,
    pub display_name: String,
}

/// Checks a name to show; the problem if it is empty or too long.
pub fn check_display_name(display_name: &str) -> Result<String, Problem> {
    let display_name = display_name.trim();
    let chars = display_name.chars().count();
    if chars == 0 || chars > MAX_DISPLAY_NAME_CHARS {
        Err(problems::DISPLAY_NAME)
    } else {
        Ok(display_name.to_owned())
    }
}

impl SignUp {
    /// Field names: `account`, `display_name`.
    pub fn parse(
        account: &str,
        display_name: &str,
    ) -> Result<SignUp, Vec<(&'static str, Problem)>> {
        let name = SignInName::parse(account);
        let display_name = check_display_name(display_name);
        match (name, display_name) {
            (Ok(name), Ok(display_name)) => Ok(SignUp { name, display_name }),
            (name, display_name) => {
                let mut found = Vec::new();
                if name.is_err() {
                    found.push(("account", problems::BAD_SIGN_IN_NAME));
                }
                if let Err(problem) = display_name {
                    found.push(("display_name", problem));
                }
                Err(found)
            }
        }
    }
}

#[cfg(test)]
mod sign_up_tests {
    use super::*;

    #[test]
    fn sign_up_reports_every_bad_field() {
        let problems = SignUp::parse("nobody", "").expect_err("invalid");
        let fields: Vec<_> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["account", "display_name"]);
        let long = "长".repeat(MAX_DISPLAY_NAME_CHARS + 1);
        assert!(SignUp::parse("a@b.cn", &long).is_err());
        let ok = SignUp::parse("138 1234 5678", " 小周 ").expect("valid");
        assert_eq!(
            (ok.name.as_str(), ok.display_name.as_str()),
            ("13812345678", "小周")
        );
    }
}
