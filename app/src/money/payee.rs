//! The charity's account for transfers, under four eyes: an admin of the charity
//! proposes a new account; it takes effect only when a second admin of the charity
//! confirms it (or a platform admin, when the charity has one admin). Every admin is
//! told of each step (bell and e-mail); the audit log keeps the old and new values in
//! full. Pledges keep the payee they were made with (`pledges.payee_*`), so a change
//! never rewrites an existing pledge's instructions.

use super::error::{corrupt, MoneyError};
use super::payment::Payee;
use super::{PayeeStatus, ProposedPayee};
use crate::audit::{self, Actor, Change};
use crate::claims::charity::CharityActor;
use crate::domain::alert::NoticeKind;
use crate::domain::organization::Role;
use crate::entities::{membership, notification, organization, user};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

/// The admins of a charity (user ids, oldest membership first).
async fn admins<C: ConnectionTrait>(db: &C, charity_id: i64) -> Result<Vec<i64>, MoneyError> {
    Ok(membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(charity_id))
        .filter(membership::Column::Role.eq(Role::CharityAdmin.code()))
        .order_by_asc(membership::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

fn payee_json(
    name: &Option<String>,
    bank: &Option<String>,
    account: &Option<String>,
) -> serde_json::Value {
    serde_json::json!({ "account_name": name, "bank": bank, "account": account })
}

/// The last four characters of an account number, for messages.
fn tail(account: &str) -> String {
    let chars: Vec<char> = account.chars().filter(|c| !c.is_whitespace()).collect();
    let start = chars.len().saturating_sub(4);
    format!("****{}", chars[start..].iter().collect::<String>())
}

/// Tells every admin of the charity: a bell notification and an e-mail (or text).
async fn tell_admins<C: ConnectionTrait>(
    txn: &C,
    charity: &organization::Model,
    subject: &str,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), MoneyError> {
    let link = format!("{}#payee", crate::routes::CHARITY_FUNDS.url());
    for user_id in admins(txn, charity.id).await? {
        notification::ActiveModel {
            user_id: Set(user_id),
            event_id: Set(None),
            kind: Set(NoticeKind::PayeeChange.code().to_owned()),
            subject: Set(subject.to_owned()),
            detail: Set(detail.to_owned()),
            link: Set(link.clone()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        let Some(u) = user::Entity::find_by_id(user_id).one(txn).await? else {
            continue;
        };
        let contact = u.email.or(u.phone);
        if let Some(to) = contact.and_then(|c| crate::accounts::SignInName::parse(&c).ok()) {
            let text = crate::messages::texts::Text {
                subject: format!("收款账户变更 / Bank account change: {}", charity.name),
                body: format!(
                    "{}：{subject}（{detail}）\n请登录善桥机构工作台查看：{link}\n如非本机构所为，请立即联系平台。\n\n\
                     {}: {subject} ({detail})\nSee the charity portal: {link}\nIf your charity did not do this, contact the platform at once.\n\n—— 善桥 Shanqiao",
                    charity.name, charity.name
                ),
            };
            crate::messages::queue(txn, crate::messages::Outgoing::to(&to, text), now).await?;
        }
    }
    Ok(())
}

/// `update` with the proposal waiting cleared.
fn clear_proposal(
    update: sea_orm::UpdateMany<organization::Entity>,
) -> sea_orm::UpdateMany<organization::Entity> {
    update
        .col_expr(
            organization::Column::PayeeProposedName,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            organization::Column::PayeeProposedBank,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            organization::Column::PayeeProposedAccount,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            organization::Column::PayeeProposedBy,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            organization::Column::PayeeProposedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
}

/// Holds the charity's row (PostgreSQL) and reads it.
async fn held_charity<C: ConnectionTrait>(
    txn: &C,
    charity_id: i64,
) -> Result<organization::Model, MoneyError> {
    super::ledger::hold(txn, "organizations", charity_id).await?;
    organization::Entity::find_by_id(charity_id)
        .one(txn)
        .await?
        .ok_or(MoneyError::NotACharity)
}

/// An admin of the charity proposes a new account (replacing any proposal waiting).
pub async fn propose(
    db: &DatabaseConnection,
    who: &CharityActor,
    name: &str,
    bank: &str,
    account: &str,
    now: DateTime<Utc>,
) -> Result<(), MoneyError> {
    let fields = [name.trim(), bank.trim(), account.trim()];
    let mut problems = Vec::new();
    for (field, value) in ["payee_name", "payee_bank", "payee_account"]
        .into_iter()
        .zip(fields)
    {
        if value.is_empty() || value.chars().count() > 60 {
            problems.push((field.to_owned(), super::problems::PAYEE));
        }
    }
    if !problems.is_empty() {
        return Err(MoneyError::Invalid(problems));
    }
    let txn = crate::db::begin_write(db).await?;
    let charity = held_charity(&txn, who.charity_id).await?;
    if !admins(&txn, charity.id).await?.contains(&who.user_id) || who.via_token.is_some() {
        return Err(MoneyError::AdminOnly);
    }
    organization::Entity::update_many()
        .col_expr(
            organization::Column::PayeeProposedName,
            Expr::value(fields[0]),
        )
        .col_expr(
            organization::Column::PayeeProposedBank,
            Expr::value(fields[1]),
        )
        .col_expr(
            organization::Column::PayeeProposedAccount,
            Expr::value(fields[2]),
        )
        .col_expr(
            organization::Column::PayeeProposedBy,
            Expr::value(who.user_id),
        )
        .col_expr(organization::Column::PayeeProposedAt, Expr::value(now))
        .filter(organization::Column::Id.eq(charity.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        who.actor(),
        Change {
            action: "charity.payee_proposed",
            entity_kind: "organization",
            entity_id: charity.id.to_string(),
            before: Some(payee_json(
                &charity.payee_name,
                &charity.payee_bank,
                &charity.payee_account,
            )),
            after: Some(payee_json(
                &Some(fields[0].to_owned()),
                &Some(fields[1].to_owned()),
                &Some(fields[2].to_owned()),
            )),
            reason: None,
        },
        now,
    )
    .await?;
    let who_name = user::Entity::find_by_id(who.user_id)
        .one(&txn)
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default();
    tell_admins(
        &txn,
        &charity,
        &format!("{} {}", fields[1], tail(fields[2])),
        &format!("{who_name} 提出变更，待另一位管理员确认 / proposed by {who_name}, waiting for a second admin"),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Who confirms or withdraws a proposal: a member of the charity, or a platform admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmer {
    Member { user_id: i64, via_token: bool },
    PlatformAdmin { user_id: i64 },
}

impl Confirmer {
    fn user_id(self) -> i64 {
        match self {
            Confirmer::Member { user_id, .. } | Confirmer::PlatformAdmin { user_id } => user_id,
        }
    }
}

/// A second admin of the charity (or a platform admin, when the charity has only one)
/// confirms the proposed account it was shown (`seen`, the account number on its page):
/// it becomes the account for new pledges. If the proposal was replaced meanwhile, the
/// confirmation is refused ([`MoneyError::ProposalChanged`]): nobody confirms an account
/// they did not see.
pub async fn confirm(
    db: &DatabaseConnection,
    by: Confirmer,
    charity_id: i64,
    seen: &str,
    now: DateTime<Utc>,
) -> Result<(), MoneyError> {
    let txn = crate::db::begin_write(db).await?;
    let charity = held_charity(&txn, charity_id).await?;
    let admins = admins(&txn, charity.id).await?;
    let (Some(proposer), Some(name), Some(bank), Some(account)) = (
        charity.payee_proposed_by,
        charity.payee_proposed_name.clone(),
        charity.payee_proposed_bank.clone(),
        charity.payee_proposed_account.clone(),
    ) else {
        return Err(MoneyError::NothingToConfirm);
    };
    if seen.trim() != account {
        return Err(MoneyError::ProposalChanged);
    }
    match by {
        Confirmer::Member { user_id, via_token } => {
            if via_token || !admins.contains(&user_id) {
                return Err(MoneyError::AdminOnly);
            }
            if user_id == proposer {
                return Err(MoneyError::SecondPersonRequired);
            }
        }
        Confirmer::PlatformAdmin { user_id } => {
            let is_admin = user::Entity::find_by_id(user_id)
                .one(&txn)
                .await?
                .is_some_and(|u| u.is_platform_admin);
            if !is_admin {
                return Err(MoneyError::AdminOnly);
            }
            // The charity's own second admin confirms when there is one.
            if admins.iter().any(|a| *a != proposer) {
                return Err(MoneyError::SecondPersonRequired);
            }
            if user_id == proposer {
                return Err(MoneyError::SecondPersonRequired);
            }
        }
    }
    let moved = clear_proposal(organization::Entity::update_many())
        .col_expr(organization::Column::PayeeName, Expr::value(name.clone()))
        .col_expr(organization::Column::PayeeBank, Expr::value(bank.clone()))
        .col_expr(
            organization::Column::PayeeAccount,
            Expr::value(account.clone()),
        )
        .col_expr(organization::Column::UpdatedAt, Expr::value(now))
        .filter(organization::Column::Id.eq(charity.id))
        .filter(organization::Column::PayeeProposedBy.eq(proposer))
        .filter(organization::Column::PayeeProposedAccount.eq(account.as_str()))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(MoneyError::NothingToConfirm);
    }
    // The fund pages show the account: every instance's cached copies move on.
    crate::library::index::write_outbox(&txn, "charity", charity.id, "upsert", now).await?;
    audit::record(
        &txn,
        Actor::User {
            user_id: by.user_id(),
            organization_id: Some(charity.id),
        },
        Change {
            action: "charity.payee_confirmed",
            entity_kind: "organization",
            entity_id: charity.id.to_string(),
            before: Some(payee_json(
                &charity.payee_name,
                &charity.payee_bank,
                &charity.payee_account,
            )),
            after: Some(payee_json(
                &Some(name),
                &Some(bank.clone()),
                &Some(account.clone()),
            )),
            reason: Some(format!("proposed by user {proposer}")),
        },
        now,
    )
    .await?;
    tell_admins(
        &txn,
        &charity,
        &format!("{bank} {}", tail(&account)),
        "已确认生效，新的认捐按此账户转账 / confirmed: new pledges pay to this account",
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An admin of the charity withdraws the proposal waiting.
pub async fn withdraw(
    db: &DatabaseConnection,
    who: &CharityActor,
    now: DateTime<Utc>,
) -> Result<(), MoneyError> {
    let txn = crate::db::begin_write(db).await?;
    let charity = held_charity(&txn, who.charity_id).await?;
    if !admins(&txn, charity.id).await?.contains(&who.user_id) || who.via_token.is_some() {
        return Err(MoneyError::AdminOnly);
    }
    if charity.payee_proposed_by.is_none() {
        return Err(MoneyError::NothingToConfirm);
    }
    clear_proposal(organization::Entity::update_many())
        .filter(organization::Column::Id.eq(charity.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        who.actor(),
        Change {
            action: "charity.payee_withdrawn",
            entity_kind: "organization",
            entity_id: charity.id.to_string(),
            before: Some(payee_json(
                &charity.payee_proposed_name,
                &charity.payee_proposed_bank,
                &charity.payee_proposed_account,
            )),
            after: None,
            reason: None,
        },
        now,
    )
    .await?;
    tell_admins(
        &txn,
        &charity,
        &charity.payee_proposed_bank.clone().unwrap_or_default(),
        "变更已撤回 / the proposed change was withdrawn",
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The account and any proposal waiting, as `viewer` (a member) sees them.
pub async fn status<C: ConnectionTrait>(
    db: &C,
    charity: &organization::Model,
    viewer: i64,
) -> Result<PayeeStatus, MoneyError> {
    let admins = admins(db, charity.id).await?;
    let proposed = match (
        charity.payee_proposed_by,
        charity.payee_proposed_at,
        &charity.payee_proposed_account,
    ) {
        (Some(by), Some(at), Some(_)) => Some(ProposedPayee {
            payee: Payee {
                charity: charity.name.clone(),
                account_name: charity.payee_proposed_name.clone(),
                bank: charity.payee_proposed_bank.clone(),
                account: charity.payee_proposed_account.clone(),
            },
            by: user::Entity::find_by_id(by)
                .one(db)
                .await?
                .map(|u| u.display_name)
                .ok_or_else(|| corrupt("a proposal by nobody"))?,
            by_viewer: by == viewer,
            at,
        }),
        _ => None,
    };
    Ok(PayeeStatus {
        current: super::targets::payee_of(charity),
        viewer_is_admin: admins.contains(&viewer),
        viewer_may_confirm: proposed.as_ref().is_some_and(|p| !p.by_viewer)
            && admins.contains(&viewer),
        single_admin: admins.len() <= 1,
        proposed,
    })
}

/// Charities whose proposal waits for a platform admin (they have one admin).
pub async fn waiting_for_platform<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<(organization::Model, PayeeStatus)>, MoneyError> {
    let mut out = Vec::new();
    for o in organization::Entity::find()
        .filter(organization::Column::PayeeProposedBy.is_not_null())
        .order_by_asc(organization::Column::PayeeProposedAt)
        .all(db)
        .await?
    {
        let status = status(db, &o, 0).await?;
        if status.single_admin {
            out.push((o, status));
        }
    }
    Ok(out)
}
