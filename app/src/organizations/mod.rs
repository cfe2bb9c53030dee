//! Organizations: civil-affairs offices and charities, the people in them, and a
//! charity's registration and verification.

use crate::accounts::{problems as account_problems, Problem, SignInName};
use crate::domain::organization::{OrganizationKind, Role, Verification};
use crate::domain::uscc::{Uscc, UsccError};
use serde::{Deserialize, Serialize};

mod server_fns;
#[cfg(feature = "ssr")]
pub mod store;
pub use server_fns::*;

/// The longest organization name.
pub const MAX_NAME_CHARS: usize = 60;
/// The longest description.
pub const MAX_DESCRIPTION_CHARS: usize = 300;
/// The longest reason for suspending or restoring a charity's verification.
pub const MAX_REASON_CHARS: usize = 500;

/// Problems with organization fields, in both languages.
pub mod problems {
    use crate::accounts::Problem;

    pub const NAME: Problem = Problem::new(
        "请填写机构全称（不超过 60 个字）。",
        "Enter the organization's full name (at most 60 characters).",
    );
    pub const USCC_LENGTH: Problem = Problem::new(
        "统一社会信用代码应为 18 位。",
        "A unified social credit code has 18 characters.",
    );
    pub const USCC_CHARACTER: Problem = Problem::new(
        "统一社会信用代码含有不允许的字符（只能是数字和除 I、O、S、V、Z 以外的大写字母）。",
        "The code contains a character that is not allowed (digits and capital letters except I, O, S, V, Z).",
    );
    pub const USCC_CHECK: Problem = Problem::new(
        "统一社会信用代码校验位不正确，请核对。",
        "The check character of the code is wrong; please check the code.",
    );
    pub const USCC_TAKEN: Problem = Problem::new(
        "该统一社会信用代码已登记。",
        "An organization with this code is already registered.",
    );
    pub const REGION: Problem = Problem::new(
        "请选择机构登记所在地。",
        "Choose where the organization is registered.",
    );
    pub const REGION_CODE: Problem = Problem::new(
        "请填写有效的 6 位行政区划代码。",
        "Enter a valid 6-digit administrative division code.",
    );
    pub const OFFICE_EXISTS: Problem = Problem::new(
        "该辖区已有民政部门。",
        "This region already has a civil-affairs office.",
    );
    pub const DESCRIPTION: Problem = Problem::new(
        "机构简介不超过 300 个字。",
        "The description can have at most 300 characters.",
    );
    pub const REASON_REQUIRED: Problem =
        Problem::new("不通过时请写明原因。", "Give a reason when rejecting.");
    pub const NOT_PENDING: Problem = Problem::new(
        "该机构已审核过。",
        "This organization has already been decided on.",
    );
    pub const SUSPENSION_REASON: Problem = Problem::new(
        "请写明暂停认证的原因（不超过 500 个字）。",
        "Give the reason for suspending the verification (at most 500 characters).",
    );
    pub const RESTORE_REASON: Problem = Problem::new(
        "恢复认证的说明不超过 500 个字。",
        "The note on restoring can have at most 500 characters.",
    );
    pub const NO_SUCH_CHARITY: Problem = Problem::new("没有这个慈善组织。", "No such charity.");
    pub const NOT_SUSPENDABLE: Problem = Problem::new(
        "只有已通过认证、且认证未被暂停的慈善组织可以暂停认证。",
        "Only a verified charity whose verification is not suspended can be suspended.",
    );
    pub const NOT_SUSPENDED: Problem = Problem::new(
        "该机构的认证没有被暂停，无需恢复。",
        "This charity's verification is not suspended; there is nothing to restore.",
    );
    /// What the public pages of a suspended charity say (never the reason).
    pub const SUSPENDED_PUBLIC: Problem = Problem::new(
        "该慈善组织的平台认证已暂停：暂停期间不能认领需求，也不接受新的认捐。已有的认捐和公开账目照常可查。",
        "This charity's verification is suspended: while it is, the charity cannot claim needs and takes no new pledges. Existing pledges and its public ledger can still be looked up.",
    );
    pub const EMAIL_TAKEN: Problem = Problem::new(
        "该邮箱已有账号：请先登录，再打开邀请链接接受邀请。",
        "This e-mail address already has an account: sign in first, then open the invitation link again to accept.",
    );
    pub const TOKEN_NAME: Problem = Problem::new(
        "请填写令牌名称（不超过 60 个字）。",
        "Enter a name for the token (at most 60 characters).",
    );
    pub const NOT_THE_INVITEE: Problem = Problem::new(
        "这份邀请发给的是另一个账号。请退出后，用收到邀请的账号登录再接受。",
        "This invitation was sent to another account. Sign out, then sign in with the invited account to accept it.",
    );
    pub const ALREADY_MEMBER: Problem = Problem::new(
        "您已经是该机构的成员。",
        "You are already a member of this organization.",
    );
    pub const INVITATION_GONE: Problem = Problem::new(
        "邀请链接无效、已使用或已过期，请向机构管理员索取新的链接。",
        "This invitation link is invalid, used or expired; ask the organization's admin for a new one.",
    );
}

/// A charity's registration, checked field by field.
#[derive(Debug, Clone)]
pub struct CharityRegistration {
    pub name: String,
    pub uscc: Uscc,
    pub region_code: String,
    pub public_fundraising: bool,
    pub description: String,
    pub admin: SignInName,
    pub admin_display_name: String,
}

/// What a registration opens besides its admin's account, kept with the request until
/// the link sent to the admin's address is opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CharityDetails {
    pub name: String,
    pub uscc: String,
    pub region_code: String,
    pub public_fundraising: bool,
    pub description: String,
}

impl CharityDetails {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    pub fn from_json(json: &str) -> Option<Self> {
        serde_json::from_str(json).ok()
    }
}

/// The fields of the registration form, as typed.
#[derive(Debug, Clone, Default)]
pub struct RegistrationInput<'a> {
    pub name: &'a str,
    pub uscc: &'a str,
    pub region_code: &'a str,
    pub public_fundraising: bool,
    pub description: &'a str,
    pub admin_account: &'a str,
    pub admin_display_name: &'a str,
}

pub fn uscc_problem(err: UsccError) -> Problem {
    match err {
        UsccError::WrongLength => problems::USCC_LENGTH,
        UsccError::BadCharacter { .. } => problems::USCC_CHARACTER,
        UsccError::WrongCheckCharacter => problems::USCC_CHECK,
    }
}

impl CharityRegistration {
    /// `region_exists` tells whether a region code is known.
    pub fn parse(
        input: &RegistrationInput<'_>,
        region_exists: impl Fn(&str) -> bool,
    ) -> Result<Self, Vec<(&'static str, Problem)>> {
        let mut found = Vec::new();
        let name = input.name.trim();
        let name_chars = name.chars().count();
        if name_chars == 0 || name_chars > MAX_NAME_CHARS {
            found.push(("name", problems::NAME));
        }
        let uscc = Uscc::parse(input.uscc);
        if let Err(e) = &uscc {
            found.push(("uscc", uscc_problem(*e)));
        }
        let region = input.region_code.trim();
        if region.is_empty() || !region_exists(region) {
            found.push(("region_code", problems::REGION));
        }
        let description = input.description.trim();
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            found.push(("description", problems::DESCRIPTION));
        }
        let admin = SignInName::parse(input.admin_account);
        if admin.is_err() {
            found.push(("admin_account", account_problems::BAD_SIGN_IN_NAME));
        }
        let display = input.admin_display_name.trim();
        let display_chars = display.chars().count();
        if display_chars == 0 || display_chars > crate::accounts::MAX_DISPLAY_NAME_CHARS {
            found.push(("admin_display_name", account_problems::DISPLAY_NAME));
        }
        match (uscc, admin) {
            (Ok(uscc), Ok(admin)) if found.is_empty() => Ok(CharityRegistration {
                name: name.to_owned(),
                uscc,
                region_code: region.to_owned(),
                public_fundraising: input.public_fundraising,
                description: description.to_owned(),
                admin,
                admin_display_name: display.to_owned(),
            }),
            _ => Err(found),
        }
    }
}

/// A charity awaiting a platform admin's decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingCharity {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub place: String,
    pub public_fundraising: bool,
    pub description: String,
    pub registered_on: chrono::NaiveDate,
}

/// A verified charity as the platform admin's list shows it, suspended or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifiedCharity {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub uscc: String,
    pub place: String,
    pub verified_on: Option<chrono::NaiveDate>,
    /// Set while its verification is suspended.
    pub suspended_on: Option<chrono::NaiveDate>,
    pub suspension_reason: Option<String>,
}

/// An invitation not yet accepted, as its organization's admin sees it (never the token).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub expires_on: chrono::NaiveDate,
}

/// One person in an organization, as its portal lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: i64,
    pub display_name: String,
    pub contact: String,
    pub role: Role,
}

/// An organization as its own portal shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyOrganization {
    pub id: i64,
    pub kind: OrganizationKind,
    pub name: String,
    pub verification: Verification,
    pub verification_reason: Option<String>,
    /// Set while a platform admin has suspended the verification: since when, and why.
    pub suspension: Option<Suspension>,
    pub my_role: Role,
    pub members: Vec<MemberView>,
    /// Days a need may wait in review before it goes back to its author (offices).
    pub review_time_limit_days: i32,
}

/// A suspension of a charity's verification, as the charity's own portal shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suspension {
    pub since: chrono::NaiveDate,
    pub reason: String,
}

/// An API token as the organization's admin sees it (never the secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub user: String,
    pub created_on: chrono::NaiveDate,
    pub last_used_on: Option<chrono::NaiveDate>,
    /// `None`: the token never expires.
    pub expires_on: Option<chrono::NaiveDate>,
    pub revoked: bool,
}

/// An invitation as the invitee sees it before accepting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationView {
    pub organization: String,
    pub role: Role,
    pub email: String,
    /// Whether the invited address has an account (then it accepts by signing in).
    pub has_account: bool,
    /// Whether the person looking is signed in as that account.
    pub signed_in_as_invitee: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(uscc: &'a str) -> RegistrationInput<'a> {
        RegistrationInput {
            name: "长春市暖心公益服务中心",
            uscc,
            region_code: "220100",
            public_fundraising: false,
            description: "",
            admin_account: "admin@charity.example",
            admin_display_name: "张老师",
        }
    }

    #[test]
    fn a_valid_registration_parses() {
        assert!(CharityRegistration::parse(&input("53100000500021676K"), |_| true).is_ok());
        assert!(CharityRegistration::parse(&input("53100000500021676k"), |_| true).is_ok());
    }

    #[test]
    fn each_bad_code_gets_its_own_message() {
        let problem =
            |code| CharityRegistration::parse(&input(code), |_| true).expect_err("bad")[0].1;
        assert_eq!(problem("53100000500021676"), problems::USCC_LENGTH);
        assert_eq!(problem("53100000500021676X"), problems::USCC_CHECK);
        assert_eq!(problem("5310000050002167OK"), problems::USCC_CHARACTER);
        let unknown_region = CharityRegistration::parse(&input("53100000500021676K"), |_| false);
        assert_eq!(unknown_region.expect_err("bad")[0].0, "region_code");
    }
}

/// A fund in its charity's portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundRow {
    pub code: String,
    pub name: String,
    pub kind: crate::domain::support::FundKind,
    pub status: crate::domain::support::FundStatus,
}

/// A pledge in the receiving charity's portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PledgeRow {
    pub receipt_code: String,
    pub target: String,
    pub amount: crate::domain::Fen,
    pub status: crate::domain::support::PledgeStatus,
    pub pledged_on: chrono::NaiveDate,
}

/// What a charity's portal lists besides its claims: its own funds and pledges, and
/// nobody else's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CharityActivity {
    pub funds: Vec<FundRow>,
    pub pledges: Vec<PledgeRow>,
}
