//! The one error type of money changes, and the one place it becomes a message.

use super::problems as p;
use super::FieldProblems;
use crate::accounts::Problem;
use crate::domain::Fen;
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum MoneyError {
    #[error("invalid input")]
    Invalid(FieldProblems),
    #[error("no such fund")]
    NoSuchFund,
    #[error("no such need")]
    NoSuchNeed,
    #[error("no such pledge")]
    NoSuchPledge,
    #[error("the fund takes no pledges")]
    FundClosed,
    #[error("nobody raises money for this need")]
    NeedNotRaising,
    #[error("the need is fully funded")]
    NeedFullyFunded,
    #[error("more than the need lacks ({room})")]
    OverTarget { room: Fen },
    #[error("more than the fund holds ({balance})")]
    OverBalance { balance: Fen },
    #[error("the need is outside the fund's criteria")]
    NotInCriteria,
    #[error("the need is not open")]
    NeedNotOpen,
    #[error("the pledge is not in a state that allows this")]
    WrongState,
    #[error("not a charity member")]
    NotACharity,
    #[error("the charity is not verified")]
    NotVerified,
    #[error("the charity may not raise funds publicly")]
    NoFundraisingQualification,
    #[error("the idempotency key was used for another request")]
    KeyReused,
    #[error("the need is not held by the fund's charity")]
    NeedNotHeld,
    #[error("only a charity admin may do this")]
    AdminOnly,
    #[error("a second person must confirm")]
    SecondPersonRequired,
    #[error("nothing waits for confirmation")]
    NothingToConfirm,
    #[error("what waits for confirmation changed since it was shown")]
    ProposalChanged,
    #[error("the charity is suspended")]
    Suspended,
    #[error("throttled until {until}")]
    Throttled {
        until: chrono::DateTime<chrono::Utc>,
    },
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl MoneyError {
    /// A stable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::Invalid(_) => "invalid",
            MoneyError::NoSuchFund | MoneyError::NoSuchNeed | MoneyError::NoSuchPledge => {
                "not_found"
            }
            MoneyError::FundClosed => "fund_closed",
            MoneyError::NeedNotRaising => "need_not_raising",
            MoneyError::NeedFullyFunded => "need_fully_funded",
            MoneyError::OverTarget { .. } => "over_target",
            MoneyError::OverBalance { .. } => "over_balance",
            MoneyError::NotInCriteria => "not_in_criteria",
            MoneyError::NeedNotOpen => "need_not_open",
            MoneyError::WrongState => "wrong_state",
            MoneyError::NotACharity => "not_a_charity",
            MoneyError::NotVerified => "not_verified",
            MoneyError::NoFundraisingQualification => "no_fundraising_qualification",
            MoneyError::Throttled { .. } => "throttled",
            MoneyError::KeyReused => "idempotency_key_reused",
            MoneyError::NeedNotHeld => "need_not_held",
            MoneyError::AdminOnly => "forbidden",
            MoneyError::SecondPersonRequired => "second_person_required",
            MoneyError::NothingToConfirm => "nothing_to_confirm",
            MoneyError::ProposalChanged => "proposal_changed",
            MoneyError::Suspended => "charity_suspended",
            MoneyError::Database(_) | MoneyError::Corrupt(_) => "internal",
        }
    }

    /// What the reader is told (field problems aside).
    pub fn problem(&self) -> Problem {
        match self {
            MoneyError::Invalid(found) => found.first().map_or(p::AMOUNT, |f| f.1),
            MoneyError::NoSuchFund => p::NO_SUCH_FUND,
            MoneyError::NoSuchNeed => p::NO_SUCH_NEED,
            MoneyError::NoSuchPledge => p::NO_SUCH_PLEDGE,
            MoneyError::FundClosed => p::FUND_CLOSED,
            MoneyError::NeedNotRaising => p::NEED_NOT_RAISING,
            MoneyError::NeedFullyFunded => p::NEED_FULLY_FUNDED,
            MoneyError::OverTarget { .. } => p::OVER_TARGET,
            MoneyError::OverBalance { .. } => p::OVER_BALANCE,
            MoneyError::NotInCriteria => p::NOT_IN_CRITERIA,
            MoneyError::NeedNotOpen => p::NEED_NOT_OPEN,
            MoneyError::WrongState => p::PLEDGE_WRONG_STATE,
            MoneyError::NotACharity => p::NOT_A_CHARITY,
            MoneyError::NotVerified => p::NOT_VERIFIED,
            MoneyError::NoFundraisingQualification => p::NO_FUNDRAISING_QUALIFICATION,
            MoneyError::Throttled { .. } => p::THROTTLED,
            MoneyError::KeyReused => p::KEY_REUSED,
            MoneyError::NeedNotHeld => p::NEED_NOT_HELD,
            MoneyError::AdminOnly => p::ADMIN_ONLY,
            MoneyError::SecondPersonRequired => p::SECOND_PERSON,
            MoneyError::NothingToConfirm => p::NOTHING_TO_CONFIRM,
            MoneyError::ProposalChanged => p::PROPOSAL_CHANGED,
            MoneyError::Suspended => p::SUSPENDED,
            MoneyError::Database(_) | MoneyError::Corrupt(_) => crate::accounts::problems::INTERNAL,
        }
    }

    /// The field an amount problem belongs to, for forms and the API.
    pub fn amount_field(&self) -> bool {
        matches!(
            self,
            MoneyError::OverTarget { .. } | MoneyError::OverBalance { .. }
        )
    }

    pub fn is_internal(&self) -> bool {
        matches!(self, MoneyError::Database(_) | MoneyError::Corrupt(_))
    }
}

pub(crate) fn corrupt(e: impl std::fmt::Display) -> MoneyError {
    MoneyError::Corrupt(e.to_string())
}
