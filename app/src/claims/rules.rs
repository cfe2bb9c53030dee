//! The need/claim state machine, in one place: which action moves a need and its open
//! claim from which states to which, and who may take it. The database side
//! (`lifecycle`) asks [`next`] before every change and then moves the rows only from the
//! states it read (a guarded update), so a race cannot skip these rules.
//!
//! The invariant [`consistent`] holds in every reachable state: a need is `claimed`
//! exactly while its open claim is `active`, `fulfilled` while the claim is `fulfilled`,
//! `verified` while it is `verified`, and has no open claim otherwise.

use crate::domain::need::NeedStatus;
use crate::domain::support::ClaimStatus;

/// What someone does to a need through its claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Claim,
    Release,
    Lapse,
    ReportFulfilment,
    /// Staff send a report back to the charity with a question.
    QuestionReport,
    Verify,
    /// Staff withdraw the need (also when the family withdraws consent).
    Withdraw,
}

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A member of the charity holding the open claim (or, for `Claim`, any charity).
    HoldingCharity { verified: bool },
    /// A member of another charity than the one holding the claim.
    OtherCharity { verified: bool },
    /// Staff of the need's office (reviewers and office admins).
    Staff,
    /// The background job.
    System,
    /// Nobody signed in, or a donor.
    Public,
}

/// A need's status and the status of its open claim (active, fulfilled or verified), if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub need: NeedStatus,
    pub claim: Option<ClaimStatus>,
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This role may not take this action.
    NotAllowed,
    NotVerified,
    /// Another charity holds the need.
    AlreadyClaimed,
    /// The need is not in a state this action applies to.
    NeedState(NeedStatus),
    /// The claim is not in a state this action applies to (or there is none).
    ClaimState(Option<ClaimStatus>),
}

/// Where `action` by `role` takes `state`: the need's new status and what becomes of
/// the open claim (`None`: it ended — released, lapsed — or there is none).
pub fn next(state: State, action: Action, role: Role) -> Result<State, Refusal> {
    use Action as A;
    use ClaimStatus as C;
    use NeedStatus as N;
    let charity_holds = matches!(role, Role::HoldingCharity { .. });
    match action {
        A::Claim => {
            let verified = match role {
                Role::HoldingCharity { verified } | Role::OtherCharity { verified } => verified,
                _ => return Err(Refusal::NotAllowed),
            };
            if !verified {
                return Err(Refusal::NotVerified);
            }
            match (state.need, state.claim) {
                (N::Published, None) => Ok(State {
                    need: N::Claimed,
                    claim: Some(C::Active),
                }),
                (N::Claimed | N::Fulfilled | N::Verified, Some(_)) => Err(Refusal::AlreadyClaimed),
                (need, _) => Err(Refusal::NeedState(need)),
            }
        }
        A::Release | A::ReportFulfilment => {
            if !charity_holds {
                return Err(Refusal::NotAllowed);
            }
            match (state.need, state.claim, action) {
                (N::Claimed, Some(C::Active), A::Release) => Ok(State {
                    need: N::Published,
                    claim: None,
                }),
                (N::Claimed, Some(C::Active), _) => Ok(State {
                    need: N::Fulfilled,
                    claim: Some(C::Fulfilled),
                }),
                (_, claim, _) => Err(Refusal::ClaimState(claim)),
            }
        }
        A::Lapse => {
            if role != Role::System {
                return Err(Refusal::NotAllowed);
            }
            match (state.need, state.claim) {
                (N::Claimed, Some(C::Active)) => Ok(State {
                    need: N::Published,
                    claim: None,
                }),
                (_, claim) => Err(Refusal::ClaimState(claim)),
            }
        }
        A::QuestionReport | A::Verify => {
            if role != Role::Staff {
                return Err(Refusal::NotAllowed);
            }
            match (state.need, state.claim, action) {
                (N::Fulfilled, Some(C::Fulfilled), A::Verify) => Ok(State {
                    need: N::Verified,
                    claim: Some(C::Verified),
                }),
                (N::Fulfilled, Some(C::Fulfilled), _) => Ok(State {
                    need: N::Claimed,
                    claim: Some(C::Active),
                }),
                (_, claim, _) => Err(Refusal::ClaimState(claim)),
            }
        }
        A::Withdraw => {
            if role != Role::Staff {
                return Err(Refusal::NotAllowed);
            }
            match state.need {
                N::Draft | N::InReview | N::Published | N::Claimed => Ok(State {
                    need: N::Withdrawn,
                    claim: None,
                }),
                need => Err(Refusal::NeedState(need)),
            }
        }
    }
}

/// Whether a need's status and its open claim agree.
pub fn consistent(state: State) -> bool {
    use ClaimStatus as C;
    use NeedStatus as N;
    matches!(
        (state.need, state.claim),
        (N::Claimed, Some(C::Active))
            | (N::Fulfilled, Some(C::Fulfilled))
            | (N::Verified, Some(C::Verified))
            | (
                N::Draft | N::InReview | N::Published | N::Withdrawn | N::Expired,
                None
            )
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn action() -> impl Strategy<Value = Action> {
        prop::sample::select(vec![
            Action::Claim,
            Action::Release,
            Action::Lapse,
            Action::ReportFulfilment,
            Action::QuestionReport,
            Action::Verify,
            Action::Withdraw,
        ])
    }

    fn role() -> impl Strategy<Value = Role> {
        prop::sample::select(vec![
            Role::HoldingCharity { verified: true },
            Role::HoldingCharity { verified: false },
            Role::OtherCharity { verified: true },
            Role::OtherCharity { verified: false },
            Role::Staff,
            Role::System,
            Role::Public,
        ])
    }

    proptest! {
        /// From a published need, random actions by random roles stay consistent, only
        /// staff verify, only the system lapses, and nobody but a verified charity claims.
        #[test]
        fn random_sequences_never_reach_an_invalid_state(
            steps in prop::collection::vec((action(), role()), 0..40)
        ) {
            let mut state = State { need: NeedStatus::Published, claim: None };
            for (action, role) in steps {
                match next(state, action, role) {
                    Ok(after) => {
                        prop_assert!(consistent(after), "{state:?} -{action:?}/{role:?}-> {after:?}");
                        match action {
                            Action::Verify | Action::QuestionReport | Action::Withdraw => prop_assert_eq!(role, Role::Staff),
                            Action::Lapse => prop_assert_eq!(role, Role::System),
                            Action::Claim => {
                                let verified_charity = matches!(role, Role::HoldingCharity { verified: true } | Role::OtherCharity { verified: true });
                                prop_assert!(verified_charity, "{:?} claimed", role);
                            }
                            Action::Release | Action::ReportFulfilment => {
                                let holder = matches!(role, Role::HoldingCharity { .. });
                                prop_assert!(holder, "{:?} acted on a claim it does not hold", role);
                            }
                        }
                        // Closed needs stay closed.
                        prop_assert!(!matches!(state.need, NeedStatus::Verified | NeedStatus::Withdrawn) || after == state);
                        state = after;
                    }
                    Err(_) => {}
                }
            }
        }
    }

    #[test]
    fn a_second_claim_is_already_claimed_and_a_lapse_reopens() {
        let open = State {
            need: NeedStatus::Published,
            claim: None,
        };
        let charity = Role::OtherCharity { verified: true };
        let claimed = next(open, Action::Claim, charity).expect("claims");
        assert_eq!(
            next(claimed, Action::Claim, charity),
            Err(Refusal::AlreadyClaimed)
        );
        assert_eq!(
            next(open, Action::Claim, Role::OtherCharity { verified: false }),
            Err(Refusal::NotVerified)
        );
        assert_eq!(next(claimed, Action::Lapse, Role::System), Ok(open));
        assert_eq!(
            next(claimed, Action::Release, charity),
            Err(Refusal::NotAllowed)
        );
    }
}
