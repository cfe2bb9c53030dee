//! What the site writes to people. Each text is bilingual (Chinese first, then English)
//! and holds only what its recipient may know.

use chrono::{DateTime, Utc};

/// A subject and a plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub subject: String,
    pub body: String,
}

const SIGNATURE: &str = "—— 善桥 Shanqiao";

fn hours_left(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    ((expires_at - now).num_minutes() + 59) / 60
}

/// The link that opens a new account (a donor's, or a charity's first admin's).
pub fn account_link(
    what_zh: &str,
    what_en: &str,
    link: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Text {
    let hours = hours_left(expires_at, now);
    Text {
        subject: "善桥：请确认您的注册 / Shanqiao: confirm your sign-up".into(),
        body: format!(
            "您好！\n\n有人（希望是您）用这个地址在善桥{what_zh}。请在 {hours} 小时内打开下面的链接设置密码，完成注册：\n\n{link}\n\n如果不是您本人操作，请忽略本消息，不会有账号被创建。\n\nHello,\n\nSomeone (we hope you) used this address to {what_en} on Shanqiao. Open the link above within {hours} hours to choose a password and finish. If it was not you, ignore this message: no account will be created.\n\n{SIGNATURE}\n"
        ),
    }
}

/// Told to the owner of an address that already has an account, when someone tries to
/// open another account with it. The site answers the person who tried exactly as it
/// would for a new address.
pub fn address_already_registered(sign_in_link: &str, what_zh: &str, what_en: &str) -> Text {
    Text {
        subject: "善桥：您的地址已有账号 / Shanqiao: you already have an account".into(),
        body: format!(
            "您好！\n\n有人（也许是您）想用这个地址在善桥{what_zh}，但这个地址已经有账号了。如果是您本人，请直接登录：\n\n{sign_in_link}\n\n忘记密码可联系平台管理员重置。如果不是您本人操作，请忽略本消息，您的账号没有任何变化。\n\nHello,\n\nSomeone (perhaps you) tried to {what_en} on Shanqiao with this address, which already has an account. If it was you, sign in at the link above; a platform admin can reset a forgotten password. If it was not you, ignore this message: nothing about your account has changed.\n\n{SIGNATURE}\n"
        ),
    }
}

/// An invitation to join an organization.
pub fn invitation(
    organization: &str,
    role_zh: &str,
    role_en: &str,
    link: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Text {
    let days = (hours_left(expires_at, now) + 23) / 24;
    Text {
        subject: format!("善桥：{organization} 邀请您加入 / Shanqiao: an invitation to join {organization}"),
        body: format!(
            "您好！\n\n{organization} 邀请您以“{role_zh}”身份加入善桥。请在 {days} 天内打开下面的链接接受邀请：\n\n{link}\n\n如果您不认识这个机构，请忽略本消息。\n\nHello,\n\n{organization} invites you to join Shanqiao as {role_en}. Open the link above within {days} days to accept. If you do not know this organization, ignore this message.\n\n{SIGNATURE}\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_carry_the_link_and_both_languages() {
        let now = Utc::now();
        let text = account_link(
            "注册捐赠人账号",
            "sign up as a donor",
            "https://example.org/signup/abc",
            now + chrono::Duration::hours(24),
            now,
        );
        assert!(text.body.contains("https://example.org/signup/abc"));
        assert!(text.body.contains("24 小时") && text.body.contains("24 hours"));
        let text = invitation(
            "长春市慈善总会",
            "成员",
            "a member",
            "https://example.org/invitations/x",
            now + chrono::Duration::days(7),
            now,
        );
        assert!(text.subject.contains("长春市慈善总会"));
        assert!(text.body.contains("7 天") && text.body.contains("7 days"));
    }
}
