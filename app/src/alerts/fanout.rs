//! Fanning the alert outbox out: each event, in one transaction, is marked done and
//! becomes the notifications, digest items and e-mails it causes. The mark is a guarded
//! update (`processed_at IS NULL`), so with several instances exactly one of them writes
//! an event's notices; a crash rolls the whole event back to be taken again.

use super::mail::{Letter, MailNeed};
use super::unsubscribe::{self, Target};
use super::{EventKind, Frequency, NoticeKind, SearchFilter, SubscriptionKind};
use crate::claims::matching;
use crate::domain::need::{AssistanceType, Coverage, HouseholdCategory, NeedStatus, Urgency};
use crate::domain::organization::Role;
use crate::entities::{
    alert_event, claim, digest_item, membership, need, need_item, notification, organization,
    subscription, user,
};
use crate::i18n::Lang;
use crate::messages::{self, Outgoing};
use crate::regions::RegionDirectory;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use search::query::UserQuery;
use search::text_match::NeedText;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Events taken per pass.
const BATCH: u64 = 20;
/// Rows per multi-row insert.
const CHUNK: usize = 500;

/// What fan-out needs besides the database.
#[derive(Clone)]
pub struct Context {
    /// The site's public URL, without a trailing slash (for links in e-mails).
    pub base_url: String,
    pub regions: Arc<RegionDirectory>,
}

/// Why fanning out failed.
#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fanned {
    pub events: usize,
    pub notifications: usize,
    pub emails: usize,
    pub digest_items: usize,
}

/// Fans out the waiting events, oldest first (up to a batch).
pub async fn process_due(
    db: &DatabaseConnection,
    ctx: &Context,
    now: DateTime<Utc>,
) -> Result<Fanned, AlertError> {
    let waiting = alert_event::Entity::find()
        .filter(alert_event::Column::ProcessedAt.is_null())
        .order_by_asc(alert_event::Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut total = Fanned::default();
    if waiting.is_empty() {
        return Ok(total);
    }
    let key = unsubscribe::signing_key(db).await?;
    for event in waiting {
        if let Some(done) = process_one(db, ctx, &key, &event, now).await? {
            total.events += 1;
            total.notifications += done.notifications;
            total.emails += done.emails;
            total.digest_items += done.digest_items;
        }
    }
    Ok(total)
}

/// Fans out every waiting event (for `shanqiao deliver`, tests and benchmarks).
pub async fn process_all(
    db: &DatabaseConnection,
    ctx: &Context,
    now: DateTime<Utc>,
) -> Result<Fanned, AlertError> {
    let mut total = Fanned::default();
    loop {
        let pass = process_due(db, ctx, now).await?;
        if pass.events == 0 {
            return Ok(total);
        }
        total.events += pass.events;
        total.notifications += pass.notifications;
        total.emails += pass.emails;
        total.digest_items += pass.digest_items;
    }
}

/// One event, in one transaction; `None` when another instance took it first.
async fn process_one(
    db: &DatabaseConnection,
    ctx: &Context,
    key: &[u8],
    event: &alert_event::Model,
    now: DateTime<Utc>,
) -> Result<Option<Fanned>, AlertError> {
    let txn = db.begin().await?;
    let taken = alert_event::Entity::update_many()
        .col_expr(alert_event::Column::ProcessedAt, Expr::value(now))
        .filter(alert_event::Column::Id.eq(event.id))
        .filter(alert_event::Column::ProcessedAt.is_null())
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(None);
    }
    let mut out = Writer::new(event.id, now);
    match EventKind::parse(&event.kind) {
        Ok(kind) => plan(&txn, ctx, key, kind, event, &mut out).await?,
        Err(e) => {
            tracing::warn!(event = event.id, error = %e, "an alert event of an unknown kind was skipped")
        }
    }
    let done = out.flush(&txn).await?;
    txn.commit().await?;
    Ok(Some(done))
}

/// A need as fan-out reads it: its row, items, public text and mail line.
struct Subject {
    row: need::Model,
    items: Vec<need_item::Model>,
    mail: MailNeed,
}

async fn subject<C: ConnectionTrait>(
    txn: &C,
    ctx: &Context,
    need_id: i64,
) -> Result<Option<Subject>, DbErr> {
    let Some(row) = need::Entity::find_by_id(need_id).one(txn).await? else {
        return Ok(None);
    };
    let items = need_item::Entity::find()
        .filter(need_item::Column::NeedId.eq(need_id))
        .order_by_asc(need_item::Column::Position)
        .all(txn)
        .await?;
    let goal = items.iter().fold(
        crate::domain::Fen(row.target_amount_fen.unwrap_or(0)),
        |acc, i| {
            acc.checked_add(crate::domain::Fen(
                i.unit_value_fen.saturating_mul(i64::from(i.quantity)),
            ))
            .unwrap_or(acc)
        },
    );
    let (Ok(assistance_type), Ok(urgency)) = (
        AssistanceType::parse(&row.assistance_type),
        Urgency::parse(&row.urgency),
    ) else {
        return Ok(None);
    };
    let mail = MailNeed {
        code: row.public_code.clone(),
        title: row.title.clone(),
        place: ctx
            .regions
            .name(&row.region_code)
            .unwrap_or_default()
            .to_owned(),
        assistance_type,
        urgency,
        goal,
    };
    Ok(Some(Subject { row, items, mail }))
}

/// Works out who is told about `event` and queues it in `out`.
async fn plan<C: ConnectionTrait>(
    txn: &C,
    ctx: &Context,
    key: &[u8],
    kind: EventKind,
    event: &alert_event::Model,
    out: &mut Writer,
) -> Result<(), AlertError> {
    let Some(need) = subject(txn, ctx, event.need_id).await? else {
        tracing::warn!(
            event = event.id,
            "the need of an alert event is gone; skipped"
        );
        return Ok(());
    };
    let claim = match event.claim_id {
        Some(id) => claim::Entity::find_by_id(id).one(txn).await?,
        None => None,
    };
    let charity_name = match &claim {
        Some(c) => organization::Entity::find_by_id(c.charity_id)
            .one(txn)
            .await?
            .map(|o| o.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let open = NeedStatus::parse(&need.row.status) == Ok(NeedStatus::Published);
    let code = need.row.public_code.clone();
    let office_link = crate::routes::OFFICE_NEED.to([&code]);
    let claim_link = claim
        .as_ref()
        .map(|c| crate::routes::CHARITY_CLAIM.to([&c.id.to_string()]))
        .unwrap_or_else(|| format!("/needs/{code}"));
    let staff = |roles: &'static [Role]| office_members(txn, need.row.office_id, roles);
    const ALL_STAFF: &[Role] = &[Role::Caseworker, Role::Reviewer, Role::OfficeAdmin];
    const REVIEWERS: &[Role] = &[Role::Reviewer, Role::OfficeAdmin];
    match kind {
        EventKind::NeedPublished => {
            if open {
                subscribers(txn, ctx, key, &need, NoticeKind::NewMatch, out).await?;
            }
        }
        EventKind::ClaimReleased | EventKind::ClaimLapsed => {
            let notice = if kind == EventKind::ClaimReleased {
                NoticeKind::ClaimReleased
            } else {
                NoticeKind::ClaimLapsed
            };
            let mut told = staff(ALL_STAFF).await?;
            if kind == EventKind::ClaimLapsed {
                if let Some(c) = &claim {
                    told.extend(charity_members(txn, c.charity_id).await?);
                }
            }
            direct(
                txn,
                ctx,
                key,
                &need,
                notice,
                &charity_name,
                &told,
                &office_link,
                out,
            )
            .await?;
            if open {
                subscribers(txn, ctx, key, &need, NoticeKind::NeedReturned, out).await?;
            }
        }
        EventKind::ReviewWaiting => {
            let told = staff(REVIEWERS).await?;
            direct(
                txn,
                ctx,
                key,
                &need,
                NoticeKind::ReviewWaiting,
                "",
                &told,
                &office_link,
                out,
            )
            .await?;
        }
        EventKind::ClaimTaken | EventKind::ReportSubmitted => {
            let notice = if kind == EventKind::ClaimTaken {
                NoticeKind::ClaimTaken
            } else {
                NoticeKind::ReportSubmitted
            };
            let told = staff(ALL_STAFF).await?;
            direct(
                txn,
                ctx,
                key,
                &need,
                notice,
                &charity_name,
                &told,
                &office_link,
                out,
            )
            .await?;
        }
        EventKind::ReportQuestioned | EventKind::ReportVerified | EventKind::ClaimDue => {
            let Some(c) = &claim else {
                return Ok(());
            };
            let (notice, detail) = match kind {
                EventKind::ReportQuestioned => (NoticeKind::ReportQuestioned, String::new()),
                EventKind::ReportVerified => (NoticeKind::ReportVerified, String::new()),
                _ => {
                    // Still worth a reminder only while the claim runs.
                    if c.status != crate::domain::support::ClaimStatus::Active.code() {
                        return Ok(());
                    }
                    (
                        NoticeKind::ClaimDue,
                        crate::domain::calendar::date_text(c.due_at),
                    )
                }
            };
            let told = charity_members(txn, c.charity_id).await?;
            direct(
                txn,
                ctx,
                key,
                &need,
                notice,
                &detail,
                &told,
                &claim_link,
                out,
            )
            .await?;
        }
    }
    Ok(())
}

async fn office_members<C: ConnectionTrait>(
    txn: &C,
    office_id: i64,
    roles: &[Role],
) -> Result<Vec<i64>, DbErr> {
    membership::Entity::find()
        .select_only()
        .column(membership::Column::UserId)
        .filter(membership::Column::OrganizationId.eq(office_id))
        .filter(membership::Column::Role.is_in(roles.iter().map(|r| r.code())))
        .into_tuple()
        .all(txn)
        .await
}

async fn charity_members<C: ConnectionTrait>(txn: &C, charity_id: i64) -> Result<Vec<i64>, DbErr> {
    membership::Entity::find()
        .select_only()
        .column(membership::Column::UserId)
        .filter(membership::Column::OrganizationId.eq(charity_id))
        .into_tuple()
        .all(txn)
        .await
}

/// People who can be written to: not disabled, with their address and language.
async fn people<C: ConnectionTrait>(
    txn: &C,
    ids: &[i64],
) -> Result<HashMap<i64, (Option<String>, Lang)>, DbErr> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        for u in user::Entity::find()
            .filter(user::Column::Id.is_in(chunk.iter().copied()))
            .filter(user::Column::DisabledAt.is_null())
            .all(txn)
            .await?
        {
            let lang = u
                .lang
                .as_deref()
                .and_then(Lang::from_code)
                .unwrap_or_default();
            found.insert(u.id, (u.email, lang));
        }
    }
    Ok(found)
}

/// Tells staff or a charity's members (in-app always; by e-mail unless they opted out).
#[allow(clippy::too_many_arguments)]
async fn direct<C: ConnectionTrait>(
    txn: &C,
    ctx: &Context,
    key: &[u8],
    need: &Subject,
    kind: NoticeKind,
    detail: &str,
    user_ids: &[i64],
    link: &str,
    out: &mut Writer,
) -> Result<(), DbErr> {
    let mut ids: Vec<i64> = user_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let who = people(txn, &ids).await?;
    let out_of = super::preferences::opted_out(txn, &ids).await?;
    for id in ids {
        let Some((email, lang)) = who.get(&id) else {
            continue;
        };
        out.notify(id, kind, &need.row.title, detail, link);
        let wants = !out_of.contains(&(id, kind.code().to_owned()));
        if let (Some(address), true) = (email, wants) {
            let because = match kind {
                NoticeKind::ReportQuestioned | NoticeKind::ReportVerified | NoticeKind::ClaimDue => {
                    lang.pick(
                        "您收到这封邮件，是因为您所在的机构认领了这项需求。",
                        "You get this e-mail because your charity claimed this need.",
                    )
                }
                NoticeKind::ClaimLapsed => lang.pick(
                    "您收到这封邮件，是因为您负责这项需求所在地区的工作，或您所在的机构认领了它。",
                    "You get this e-mail because you work for the office of this need's region, or your charity claimed it.",
                ),
                _ => lang.pick(
                    "您收到这封邮件，是因为您负责这项需求所在地区的工作。",
                    "You get this e-mail because you work for the office of this need's region.",
                ),
            };
            let token = unsubscribe::sign(key, Target::Kind(kind), id, "-");
            let letter = Letter {
                lang: *lang,
                base_url: &ctx.base_url,
                headline: kind.headline(&need.row.title, detail, *lang),
                because: because.to_owned(),
                needs: std::slice::from_ref(&need.mail),
                more: 0,
                link,
                manage: crate::routes::ACCOUNT.url(),
                unsubscribe_token: &token,
            };
            out.email(letter.to(address));
        }
    }
    Ok(())
}

/// The subscriptions `need` matches: saved searches (same filters and words as the
/// library) and the profiles it fits.
pub async fn matching_subscriptions<C: ConnectionTrait>(
    txn: &C,
    ctx: &Context,
    row: &need::Model,
    items: &[need_item::Model],
) -> Result<Vec<subscription::Model>, DbErr> {
    let county = row.region_code.as_str();
    let mut regions = vec![county.to_owned()];
    if county.len() == 6 {
        regions.push(format!("{}00", &county[..4]));
        regions.push(format!("{}0000", &county[..2]));
    }
    let either = |column: subscription::Column, value: &str| {
        Condition::any()
            .add(column.is_null())
            .add(column.eq(value.to_owned()))
    };
    let candidates = subscription::Entity::find()
        .filter(subscription::Column::Kind.eq(SubscriptionKind::Search.code()))
        .filter(either(
            subscription::Column::AssistanceType,
            &row.assistance_type,
        ))
        .filter(either(
            subscription::Column::HouseholdCategory,
            &row.household_category,
        ))
        .filter(either(subscription::Column::Coverage, &row.coverage))
        .filter(
            Condition::any()
                .add(subscription::Column::RegionCode.is_null())
                .add(subscription::Column::RegionCode.is_in(regions)),
        )
        .all(txn)
        .await?;
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    let text = NeedText::new(&row.title, &row.story, &names.join(" "));
    let mut verdicts: HashMap<String, bool> = HashMap::new();
    let mut matched: Vec<subscription::Model> = candidates
        .into_iter()
        .filter(|s| {
            if s.query.is_empty() {
                return true;
            }
            *verdicts
                .entry(s.query.clone())
                .or_insert_with(|| text.matches(&parse_query(&s.query)))
        })
        .collect();
    let by_profile = subscription::Entity::find()
        .filter(subscription::Column::Kind.eq(SubscriptionKind::Profile.code()))
        .all(txn)
        .await?;
    if !by_profile.is_empty() {
        let mut charities: Vec<i64> = by_profile.iter().filter_map(|s| s.charity_id).collect();
        charities.sort_unstable();
        charities.dedup();
        let profiles = crate::claims::profile::load_many(txn, &charities).await?;
        if let Ok(facts) = crate::claims::queries::need_facts(row, items, &ctx.regions) {
            let fits: HashSet<i64> = profiles
                .iter()
                .filter(|(_, p)| matching::fit(p, &facts).is_some())
                .map(|(id, _)| *id)
                .collect();
            matched.extend(
                by_profile
                    .into_iter()
                    .filter(|s| s.charity_id.is_some_and(|c| fits.contains(&c))),
            );
        }
    }
    Ok(matched)
}

fn parse_query(text: &str) -> UserQuery {
    search::query::parse(text)
}

/// Tells the subscribers of `need`: at once (in-app and/or e-mail, once per person) or
/// in their daily digest.
async fn subscribers<C: ConnectionTrait>(
    txn: &C,
    ctx: &Context,
    key: &[u8],
    need: &Subject,
    kind: NoticeKind,
    out: &mut Writer,
) -> Result<(), DbErr> {
    let matched = matching_subscriptions(txn, ctx, &need.row, &need.items).await?;
    let mut ids: Vec<i64> = matched.iter().map(|s| s.user_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let who = people(txn, &ids).await?;
    let link = format!("/needs/{}", need.row.public_code);
    let mut emailed: HashSet<(i64, String)> = HashSet::new();
    for s in matched {
        let Some((account_email, lang)) = who.get(&s.user_id) else {
            continue;
        };
        if Frequency::parse(&s.frequency) == Ok(Frequency::Daily) {
            out.digest(s.id, need.row.id);
            continue;
        }
        if s.in_app {
            out.notify(s.user_id, kind, &need.row.title, &s.label, &link);
        }
        let address = s.email.as_ref().or(account_email.as_ref());
        if let (true, Some(address)) = (s.by_email, address) {
            if !emailed.insert((s.user_id, address.clone())) {
                continue;
            }
            let because = match lang {
                Lang::Zh => format!("您收到这封邮件，是因为订阅了「{}」。", s.label),
                Lang::En => format!(
                    "You get this e-mail because you subscribed to “{}”.",
                    s.label
                ),
            };
            let token = unsubscribe::sign(
                key,
                Target::Subscription(s.id),
                s.user_id,
                &s.unsubscribe_nonce,
            );
            let letter = Letter {
                lang: *lang,
                base_url: &ctx.base_url,
                headline: kind.headline(&need.row.title, &s.label, *lang),
                because,
                needs: std::slice::from_ref(&need.mail),
                more: 0,
                link: &link,
                manage: crate::routes::CHARITY_ALERTS.url(),
                unsubscribe_token: &token,
            };
            out.email(letter.to(address));
        }
    }
    Ok(())
}

/// The link a subscription's needs are seen at.
pub fn subscription_link(s: &subscription::Model) -> String {
    if s.kind == SubscriptionKind::Profile.code() {
        return crate::routes::CHARITY.url().to_owned();
    }
    filter_of(s).library_url()
}

/// A stored subscription's filters.
pub fn filter_of(s: &subscription::Model) -> SearchFilter {
    SearchFilter {
        query: s.query.clone(),
        region: s.region_code.clone(),
        assistance_type: s
            .assistance_type
            .as_deref()
            .and_then(|c| AssistanceType::parse(c).ok()),
        household_category: s
            .household_category
            .as_deref()
            .and_then(|c| HouseholdCategory::parse(c).ok()),
        coverage: s.coverage.as_deref().and_then(|c| Coverage::parse(c).ok()),
    }
}

/// What one event writes, collected and then inserted many rows at a time.
pub(super) struct Writer {
    event_id: Option<i64>,
    now: DateTime<Utc>,
    notified: HashSet<i64>,
    notifications: Vec<notification::ActiveModel>,
    digest: Vec<digest_item::ActiveModel>,
    emails: Vec<Outgoing>,
}

impl Writer {
    pub(super) fn new(event_id: i64, now: DateTime<Utc>) -> Self {
        Writer::unattached(Some(event_id), now)
    }

    pub(super) fn unattached(event_id: Option<i64>, now: DateTime<Utc>) -> Self {
        Writer {
            event_id,
            now,
            notified: HashSet::new(),
            notifications: Vec::new(),
            digest: Vec::new(),
            emails: Vec::new(),
        }
    }

    /// One in-app notification per person per event.
    pub(super) fn notify(
        &mut self,
        user_id: i64,
        kind: NoticeKind,
        subject: &str,
        detail: &str,
        link: &str,
    ) {
        if self.event_id.is_some() && !self.notified.insert(user_id) {
            return;
        }
        self.notifications.push(notification::ActiveModel {
            user_id: Set(user_id),
            event_id: Set(self.event_id),
            kind: Set(kind.code().to_owned()),
            subject: Set(subject.to_owned()),
            detail: Set(detail.to_owned()),
            link: Set(link.to_owned()),
            created_at: Set(self.now),
            read_at: Set(None),
            ..Default::default()
        });
    }

    fn digest(&mut self, subscription_id: i64, need_id: i64) {
        let Some(event_id) = self.event_id else {
            return;
        };
        self.digest.push(digest_item::ActiveModel {
            subscription_id: Set(subscription_id),
            event_id: Set(event_id),
            need_id: Set(need_id),
            created_at: Set(self.now),
            sent_at: Set(None),
            ..Default::default()
        });
    }

    pub(super) fn email(&mut self, message: Outgoing) {
        self.emails.push(message);
    }

    pub(super) async fn flush<C: ConnectionTrait>(self, txn: &C) -> Result<Fanned, DbErr> {
        let done = Fanned {
            events: 0,
            notifications: self.notifications.len(),
            emails: self.emails.len(),
            digest_items: self.digest.len(),
        };
        let mut notifications = self.notifications;
        while !notifications.is_empty() {
            let rest = notifications.split_off(notifications.len().min(CHUNK));
            notification::Entity::insert_many(notifications)
                .exec(txn)
                .await?;
            notifications = rest;
        }
        let mut digest = self.digest;
        while !digest.is_empty() {
            let rest = digest.split_off(digest.len().min(CHUNK));
            digest_item::Entity::insert_many(digest).exec(txn).await?;
            digest = rest;
        }
        messages::queue_many(txn, self.emails, self.now).await?;
        Ok(done)
    }
}
