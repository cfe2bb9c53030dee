//! One conversion per domain error type into a [`Rejection`]: the status and the words a
//! reader sees. Unexpected errors are logged here, once, with their cause.

use super::Rejection;
use crate::accounts::password::PasswordError;
use crate::accounts::requests::RequestError;
use crate::accounts::resets::ResetError;
use crate::accounts::sign_in::SignInError;
use crate::accounts::store::{ChangePasswordError, SignUpError};
use crate::accounts::tokens::TokenError;
use crate::accounts::{problems as account, Problem};
use crate::needs::lifecycle::NeedError;
use crate::needs::problems as need;
use crate::needs::screening::FieldFinding;
use crate::organizations::problems as org;
use crate::organizations::store::OrgError;
use axum::http::StatusCode;

impl From<NeedError> for Rejection {
    fn from(e: NeedError) -> Self {
        match e {
            NeedError::NotFound => Rejection::form(
                StatusCode::NOT_FOUND,
                Problem::new("没有找到该需求。", "No such need."),
            ),
            NeedError::Forbidden => Rejection::forbidden(),
            NeedError::Invalid(found) => Rejection::fields(found),
            NeedError::Blocked(findings) => Rejection::blocked(&findings),
            NeedError::WrongState(_) => Rejection::form(StatusCode::CONFLICT, need::WRONG_STATE),
            NeedError::FourEyes => Rejection::form(StatusCode::FORBIDDEN, need::FOUR_EYES),
            NeedError::ConsentWithdrawn => {
                Rejection::form(StatusCode::CONFLICT, need::CONSENT_WITHDRAWN)
            }
            e @ (NeedError::Database(_) | NeedError::Corrupt(_)) => {
                Rejection::internal("a need action failed", e)
            }
        }
    }
}

impl From<crate::claims::lifecycle::ClaimError> for Rejection {
    fn from(e: crate::claims::lifecycle::ClaimError) -> Self {
        use crate::claims::lifecycle::ClaimError;
        use crate::claims::problems as claim;
        let conflict = |p| Rejection::form(StatusCode::CONFLICT, p);
        match e {
            ClaimError::NotFound => Rejection::form(StatusCode::NOT_FOUND, claim::NO_SUCH_CLAIM),
            ClaimError::NotACharity => Rejection::form(StatusCode::FORBIDDEN, claim::NOT_A_CHARITY),
            ClaimError::Forbidden => Rejection::forbidden(),
            ClaimError::NotVerified => Rejection::form(StatusCode::FORBIDDEN, claim::NOT_VERIFIED),
            ClaimError::NoFundraisingQualification => {
                Rejection::field("mode", claim::NO_FUNDRAISING_QUALIFICATION)
            }
            ClaimError::AtCapacity { .. } => conflict(claim::AT_CAPACITY),
            ClaimError::AlreadyClaimed => conflict(claim::ALREADY_CLAIMED),
            ClaimError::NotClaimable(_) => conflict(claim::NOT_CLAIMABLE),
            ClaimError::WrongState => conflict(claim::CLAIM_WRONG_STATE),
            ClaimError::Invalid(found) => Rejection::fields(found),
            e @ (ClaimError::Database(_) | ClaimError::Corrupt(_)) => {
                Rejection::internal("a claim action failed", e)
            }
        }
    }
}

impl Rejection {
    /// The PII guard blocks: a message on top and a mark on every field holding a
    /// blocking finding.
    pub fn blocked(findings: &[FieldFinding]) -> Self {
        let mut r = Rejection::fields(
            findings
                .iter()
                .filter(|f| f.blocks())
                .map(|f| (f.field.clone(), need::PII_IN_FIELD)),
        );
        r.form_error = Some(need::PII_BLOCKING);
        r
    }
}

impl From<OrgError> for Rejection {
    fn from(e: OrgError) -> Self {
        let unprocessable = |p| Rejection::form(StatusCode::UNPROCESSABLE_ENTITY, p);
        match e {
            OrgError::Invalid(found) => Rejection::fields(found),
            OrgError::Password(p) => p.into(),
            OrgError::Throttled => {
                Rejection::form(StatusCode::TOO_MANY_REQUESTS, account::THROTTLED)
            }
            OrgError::Forbidden => Rejection::forbidden(),
            // Not a member of such an organization: refused like any other access.
            OrgError::NotFound => Rejection::forbidden(),
            OrgError::UsccTaken => Rejection::field("uscc", org::USCC_TAKEN),
            OrgError::NameTaken => Rejection::field("admin_account", account::NAME_TAKEN),
            OrgError::EmailTaken => unprocessable(org::EMAIL_TAKEN),
            OrgError::OfficeExists => Rejection::field("region_code", org::OFFICE_EXISTS),
            OrgError::ReasonRequired => unprocessable(org::REASON_REQUIRED),
            OrgError::NotPending => Rejection::form(StatusCode::CONFLICT, org::NOT_PENDING),
            OrgError::NoSuchCharity => Rejection::form(StatusCode::NOT_FOUND, org::NO_SUCH_CHARITY),
            OrgError::NotSuspendable => Rejection::form(StatusCode::CONFLICT, org::NOT_SUSPENDABLE),
            OrgError::NotSuspended => Rejection::form(StatusCode::CONFLICT, org::NOT_SUSPENDED),
            OrgError::InvitationGone => Rejection::form(StatusCode::GONE, org::INVITATION_GONE),
            OrgError::RegistrationGone => {
                Rejection::form(StatusCode::GONE, account::SIGN_UP_LINK_GONE)
            }
            OrgError::NotTheInvitee => Rejection::form(StatusCode::FORBIDDEN, org::NOT_THE_INVITEE),
            OrgError::AlreadyMember => Rejection::form(StatusCode::CONFLICT, org::ALREADY_MEMBER),
            e @ (OrgError::Database(_) | OrgError::Corrupt(_)) => {
                Rejection::internal("an organization action failed", e)
            }
        }
    }
}

/// The hashing queue is full: a clear "busy, try again" (503), never a 500.
pub const BUSY: Problem = Problem::new(
    "服务繁忙，请稍后再试。",
    "We are busy right now. Please try again in a moment.",
);

impl From<PasswordError> for Rejection {
    fn from(e: PasswordError) -> Self {
        match e {
            PasswordError::Busy => Rejection::form(StatusCode::SERVICE_UNAVAILABLE, BUSY),
            e => Rejection::internal("password hashing failed", e),
        }
    }
}

impl From<SignInError> for Rejection {
    fn from(e: SignInError) -> Self {
        match e {
            SignInError::Password(p) => p.into(),
            SignInError::WrongCredentials => {
                Rejection::form(StatusCode::UNPROCESSABLE_ENTITY, account::WRONG_CREDENTIALS)
            }
            SignInError::Throttled { .. } => {
                Rejection::form(StatusCode::TOO_MANY_REQUESTS, account::THROTTLED)
            }
            e => Rejection::internal("sign-in failed", e),
        }
    }
}

impl From<SignUpError> for Rejection {
    fn from(e: SignUpError) -> Self {
        match e {
            SignUpError::Invalid(found) => Rejection::fields(found),
            SignUpError::NameTaken => Rejection::form(StatusCode::CONFLICT, account::NAME_TAKEN),
            SignUpError::LinkGone => Rejection::form(StatusCode::GONE, account::SIGN_UP_LINK_GONE),
            SignUpError::Password(p) => p.into(),
            e => Rejection::internal("sign-up failed", e),
        }
    }
}

impl From<RequestError> for Rejection {
    fn from(e: RequestError) -> Self {
        match e {
            RequestError::Throttled { .. } => {
                Rejection::form(StatusCode::TOO_MANY_REQUESTS, account::THROTTLED)
            }
            e => Rejection::internal("an account request failed", e),
        }
    }
}

impl From<ChangePasswordError> for Rejection {
    fn from(e: ChangePasswordError) -> Self {
        match e {
            ChangePasswordError::Invalid(found) => Rejection::fields(found),
            ChangePasswordError::Password(p) => p.into(),
            ChangePasswordError::WrongCurrentPassword => {
                Rejection::field("current_password", account::WRONG_CURRENT_PASSWORD)
            }
            e => Rejection::internal("changing a password failed", e),
        }
    }
}

impl From<ResetError> for Rejection {
    fn from(e: ResetError) -> Self {
        match e {
            ResetError::Invalid(found) => Rejection::fields(found),
            ResetError::Password(p) => p.into(),
            ResetError::Forbidden => Rejection::forbidden(),
            ResetError::NoSuchUser => Rejection::field("account", account::NO_SUCH_ACCOUNT),
            // The page itself says the link is gone.
            ResetError::Gone => Rejection {
                status: StatusCode::GONE,
                form_error: None,
                fields: Vec::new(),
            },
            e => Rejection::internal("a password reset failed", e),
        }
    }
}

impl From<TokenError> for Rejection {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::BadName => Rejection::field("token_name", org::TOKEN_NAME),
            TokenError::Forbidden | TokenError::NotAMember => Rejection::forbidden(),
            TokenError::Invalid => Rejection::form(
                StatusCode::NOT_FOUND,
                Problem::new(
                    "没有这个令牌，或已被撤销。",
                    "No such token, or it was revoked.",
                ),
            ),
            e @ TokenError::Database(_) => Rejection::internal("an API token action failed", e),
        }
    }
}

impl From<tower_sessions::session::Error> for Rejection {
    fn from(e: tower_sessions::session::Error) -> Self {
        Rejection::internal("a session could not be written", e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_errors_keep_their_status() {
        assert_eq!(
            Rejection::from(NeedError::FourEyes).status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            Rejection::from(OrgError::InvitationGone).status,
            StatusCode::GONE
        );
        let taken = Rejection::from(OrgError::Invalid(vec![("email", org::EMAIL_TAKEN)]));
        assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(taken.fields, vec![("email".to_owned(), org::EMAIL_TAKEN)]);
    }
}
