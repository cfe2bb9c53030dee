//! Daily digests: each daily subscription's waiting matches become one in-app
//! notification and one e-mail, in one transaction with marking them sent (a guarded
//! update, so two runs at once send each digest once).

use super::fanout::{subscription_link, AlertError, Context, Writer};
use super::mail::{Letter, MailNeed};
use super::unsubscribe::{self, Target};
use super::NoticeKind;
use crate::domain::need::{AssistanceType, NeedStatus, Urgency};
use crate::domain::Fen;
use crate::entities::{digest_item, need, need_item, subscription, user};
use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use std::collections::HashMap;

/// Needs listed in one digest e-mail (the rest are counted and linked).
pub const LISTED: usize = 20;

/// Sends every digest that has matches waiting; how many were sent.
pub async fn send_digests(
    db: &DatabaseConnection,
    ctx: &Context,
    now: DateTime<Utc>,
) -> Result<usize, AlertError> {
    let waiting: Vec<i64> = digest_item::Entity::find()
        .select_only()
        .column(digest_item::Column::SubscriptionId)
        .filter(digest_item::Column::SentAt.is_null())
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    if waiting.is_empty() {
        return Ok(0);
    }
    let key = unsubscribe::signing_key(db).await?;
    let mut sent = 0;
    for subscription_id in waiting {
        if send_one(db, ctx, &key, subscription_id, now).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

async fn send_one(
    db: &DatabaseConnection,
    ctx: &Context,
    key: &[u8],
    subscription_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, AlertError> {
    let txn = db.begin().await?;
    let items = digest_item::Entity::find()
        .filter(digest_item::Column::SubscriptionId.eq(subscription_id))
        .filter(digest_item::Column::SentAt.is_null())
        .order_by_asc(digest_item::Column::Id)
        .all(&txn)
        .await?;
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    if ids.is_empty() {
        txn.rollback().await?;
        return Ok(false);
    }
    let mut taken = 0;
    for chunk in ids.chunks(500) {
        taken += digest_item::Entity::update_many()
            .col_expr(digest_item::Column::SentAt, Expr::value(now))
            .filter(digest_item::Column::Id.is_in(chunk.iter().copied()))
            .filter(digest_item::Column::SentAt.is_null())
            .exec(&txn)
            .await?
            .rows_affected;
    }
    if taken != ids.len() as u64 {
        // Another run is sending this digest.
        txn.rollback().await?;
        return Ok(false);
    }
    let Some(s) = subscription::Entity::find_by_id(subscription_id)
        .one(&txn)
        .await?
    else {
        txn.commit().await?;
        return Ok(false);
    };
    let Some(person) = user::Entity::find_by_id(s.user_id)
        .filter(user::Column::DisabledAt.is_null())
        .one(&txn)
        .await?
    else {
        txn.commit().await?;
        return Ok(false);
    };
    let lang = person
        .lang
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or_default();
    // The matches still open, each once, newest first.
    let mut need_ids: Vec<i64> = items.iter().map(|i| i.need_id).collect();
    need_ids.sort_unstable();
    need_ids.dedup();
    let mut needs: Vec<need::Model> = Vec::new();
    for chunk in need_ids.chunks(500) {
        needs.extend(
            need::Entity::find()
                .filter(need::Column::Id.is_in(chunk.iter().copied()))
                .filter(need::Column::Status.eq(NeedStatus::Published.code()))
                .all(&txn)
                .await?,
        );
    }
    needs.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.id.cmp(&a.id)));
    if needs.is_empty() {
        txn.commit().await?;
        return Ok(false);
    }
    let listed: Vec<&need::Model> = needs.iter().take(LISTED).collect();
    let mut goals: HashMap<i64, i64> = HashMap::new();
    for item in need_item::Entity::find()
        .filter(need_item::Column::NeedId.is_in(listed.iter().map(|n| n.id)))
        .all(&txn)
        .await?
    {
        *goals.entry(item.need_id).or_default() +=
            item.unit_value_fen.saturating_mul(i64::from(item.quantity));
    }
    let mail: Vec<MailNeed> =
        listed
            .iter()
            .filter_map(|n| {
                Some(MailNeed {
                    code: n.public_code.clone(),
                    title: n.title.clone(),
                    place: ctx
                        .regions
                        .name(&n.region_code)
                        .unwrap_or_default()
                        .to_owned(),
                    assistance_type: AssistanceType::parse(&n.assistance_type).ok()?,
                    urgency: Urgency::parse(&n.urgency).ok()?,
                    goal: Fen(
                        n.target_amount_fen.unwrap_or(0) + goals.get(&n.id).copied().unwrap_or(0)
                    ),
                })
            })
            .collect();
    let count = needs.len().to_string();
    let link = subscription_link(&s);
    let mut out = Writer::unattached(None, now);
    if s.in_app {
        out.notify(s.user_id, NoticeKind::Digest, &count, &s.label, &link);
    }
    let address = s.email.clone().or(person.email.clone());
    if let (true, Some(address)) = (s.by_email, address) {
        let token = unsubscribe::sign(
            key,
            Target::Subscription(s.id),
            s.user_id,
            &s.unsubscribe_nonce,
        );
        let because = match lang {
            Lang::Zh => format!("您收到这封邮件，是因为订阅了「{}」（每日汇总）。", s.label),
            Lang::En => format!(
                "You get this e-mail because you subscribed to “{}” (daily digest).",
                s.label
            ),
        };
        let letter = Letter {
            lang,
            base_url: &ctx.base_url,
            headline: NoticeKind::Digest.headline(&count, &s.label, lang),
            because,
            needs: &mail,
            more: needs.len().saturating_sub(mail.len()),
            link: &link,
            manage: crate::routes::CHARITY_ALERTS.url(),
            unsubscribe_token: &token,
        };
        out.email(letter.to(&address));
    }
    out.flush(&txn).await?;
    txn.commit().await?;
    Ok(true)
}

/// When the next daily digest is due after `now`: 08:00 China Standard Time.
pub fn next_digest_time(now: DateTime<Utc>) -> DateTime<Utc> {
    use crate::domain::calendar;
    let eight = chrono::NaiveTime::from_hms_opt(8, 0, 0).expect("08:00 exists");
    let today = calendar::at(calendar::today(now), eight);
    if today > now {
        today
    } else {
        today + chrono::Duration::days(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_go_out_at_eight_in_china() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().expect("time");
        // 23:59 UTC is 07:59 in China: due in a minute.
        assert_eq!(
            next_digest_time(t("2026-12-01T23:59:00Z")),
            t("2026-12-02T00:00:00Z")
        );
        assert_eq!(
            next_digest_time(t("2026-12-02T00:00:00Z")),
            t("2026-12-03T00:00:00Z")
        );
        assert_eq!(
            next_digest_time(t("2026-12-02T10:00:00Z")),
            t("2026-12-03T00:00:00Z")
        );
    }
}
