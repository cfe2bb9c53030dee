//! sea-orm entities: one module per table, rows as stored. Statuses and kinds are kept
//! as their text codes here and turned into domain types at the edge of each query, so
//! that entity models never leak into forms or API types.

pub mod account_request;
pub mod alert_event;
pub mod allocation;
pub mod allocation_source;
pub mod api_token;
pub mod audit_entry;
pub mod claim;
pub mod claim_attachment;
pub mod digest_item;
pub mod email_opt_out;
pub mod fund;
pub mod fund_criterion;
pub mod fund_disclosure;
pub mod idempotency_key;
pub mod invitation;
pub mod ledger_audit_run;
pub mod ledger_entry;
pub mod ledger_transaction;
pub mod membership;
pub mod message;
pub mod need;
pub mod need_item;
pub mod need_pii_override;
pub mod need_private;
pub mod notification;
pub mod organization;
pub mod password_reset;
pub mod pledge;
pub mod region;
pub mod search_outbox;
pub mod session;
pub mod sign_in_failure;
pub mod site_key;
pub mod subscription;
pub mod supply_profile;
pub mod supply_profile_criterion;
pub mod user;
