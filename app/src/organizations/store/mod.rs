//! Organizations in the database. Every function that acts for someone takes the
//! signed-in user and checks, here in the data layer, that they may. By purpose:
//! registering and verifying charities, suspending and restoring a charity's
//! verification, offices, invitations, and memberships (what a member's portal shows).

mod invitations;
mod memberships;
mod offices;
mod registration;
mod suspension;

pub use invitations::{
    accept_invitation, accept_invitation_as, invitation, invite, open_invitations,
    revoke_invitation, INVITATION_DAYS,
};
pub use memberships::{charity_activity, my_charity, my_organization};
pub use offices::{create_office, OfficeInput};
pub use registration::{decide_verification, open_charity, pending_charities, register_charity};
pub use suspension::{restore, suspend, verified_charities};

use crate::accounts::password;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
};

#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    /// Too many new accounts from this address lately.
    #[error("too many registrations from this address")]
    Throttled,
    /// What was typed is not acceptable; the problems by field.
    #[error("invalid input")]
    Invalid(Vec<(&'static str, crate::accounts::Problem)>),
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("a registered organization already has this code")]
    UsccTaken,
    /// The account a registration would create: its e-mail or mobile number is taken.
    #[error("the sign-in name is taken")]
    NameTaken,
    /// An invitee's or a new office admin's e-mail address already has an account.
    #[error("the e-mail address already has an account")]
    EmailTaken,
    /// The region already has a civil-affairs office.
    #[error("the region already has an office")]
    OfficeExists,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("already decided")]
    NotPending,
    /// No charity has this id.
    #[error("no such charity")]
    NoSuchCharity,
    /// Only a verified charity whose verification is not suspended can be suspended.
    #[error("the charity is not verified, or already suspended")]
    NotSuspendable,
    /// Only a suspended charity can be restored.
    #[error("the charity is not suspended")]
    NotSuspended,
    #[error("the invitation is invalid, used or expired")]
    InvitationGone,
    /// The registration link is unknown, used or expired.
    #[error("the registration link is invalid, used or expired")]
    RegistrationGone,
    /// The invitation was sent to another account than the one signed in.
    #[error("the invitation is for another account")]
    NotTheInvitee,
    /// The signed-in invitee is a member of the organization already.
    #[error("already a member")]
    AlreadyMember,
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Password(#[from] password::PasswordError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(#[from] crate::domain::UnknownCode),
}

/// Inserts `row` inside `txn`; a unique-constraint violation (the code, the region or
/// the account is taken, perhaps by a request at the same moment) becomes `taken`.
async fn insert_unique<A, C>(
    txn: &C,
    row: A,
    taken: OrgError,
) -> Result<<A::Entity as EntityTrait>::Model, OrgError>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    C: ConnectionTrait,
{
    row.insert(txn).await.map_err(|e| {
        if is_unique_violation(&e) {
            taken
        } else {
            e.into()
        }
    })
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
