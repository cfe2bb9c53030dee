//! Alerts (提醒): who is told what, and how.
//!
//! Every change that someone should hear about writes one row to the alert outbox
//! (`alert_events`) in its own transaction ([`events::record`]). A worker in each
//! instance fans each event out exactly once ([`fanout`]): to the charities whose
//! subscriptions match a need that is new or back in the library, to the office staff of
//! the need's region, to the charity that holds the claim. What it writes — in-app
//! notifications, digest items, e-mails in the message outbox — it writes in one
//! transaction with marking the event done, so a crash loses nothing and repeats nothing.
//! Daily subscriptions collect their matches until [`digest`] sends one e-mail a day.
//! Nothing here carries more than a need's public copy.

use crate::accounts::Problem;
use crate::domain::need::{AssistanceType, Coverage, HouseholdCategory};
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod digest;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod fanout;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod notifications;
#[cfg(feature = "ssr")]
pub mod preferences;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod unsubscribe;

pub mod problems;
pub mod server_fns;

pub use server_fns::*;

pub use crate::domain::alert::{EventKind, Frequency, NoticeKind, SubscriptionKind};

/// The filters of a saved search: the library page's parameters (words, region, type,
/// category, coverage).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchFilter {
    pub query: String,
    /// A province, city or county code.
    pub region: Option<String>,
    pub assistance_type: Option<AssistanceType>,
    pub household_category: Option<HouseholdCategory>,
    pub coverage: Option<Coverage>,
}

impl SearchFilter {
    /// The library URL of this search (`/needs?q=…&type=…`).
    pub fn library_url(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.query.is_empty() {
            pairs.push(("q", self.query.clone()));
        }
        if let Some(t) = self.assistance_type {
            pairs.push(("type", t.code().to_owned()));
        }
        if let Some(c) = self.household_category {
            pairs.push(("category", c.code().to_owned()));
        }
        if let Some(c) = self.coverage {
            pairs.push(("coverage", c.code().to_owned()));
        }
        if let Some(r) = &self.region {
            pairs.push(("region", r.clone()));
        }
        let query: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", urlencoding(&v)))
            .collect();
        if query.is_empty() {
            crate::routes::LIBRARY.url().to_owned()
        } else {
            format!("{}?{}", crate::routes::LIBRARY.url(), query.join("&"))
        }
    }

    /// A short description, e.g. `轮椅 · 医疗 · 220122`, for a label nobody typed.
    pub fn describe(&self, lang: Lang, region_name: Option<&str>) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.query.is_empty() {
            parts.push(self.query.clone());
        }
        if let Some(t) = self.assistance_type {
            parts.push(t.label(lang).to_owned());
        }
        if let Some(c) = self.household_category {
            parts.push(c.label(lang).to_owned());
        }
        if let Some(c) = self.coverage {
            parts.push(c.label(lang).to_owned());
        }
        if let Some(r) = &self.region {
            parts.push(region_name.unwrap_or(r).to_owned());
        }
        parts.join(" · ")
    }

    /// Whether nothing narrows the search (it would match every need).
    pub fn is_empty(&self) -> bool {
        self.query.trim().is_empty()
            && self.region.is_none()
            && self.assistance_type.is_none()
            && self.household_category.is_none()
            && self.coverage.is_none()
    }
}

fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Longest words of a saved search, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// Longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 60;
/// Subscriptions one person may keep.
pub const MAX_PER_USER: u64 = 50;

/// The subscription form as typed (also what "alert me on this search" carries).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionInput {
    /// `search` or `profile`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub region: String,
    #[serde(default, rename = "type")]
    pub assistance_type: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub coverage: String,
    #[serde(default)]
    pub frequency: String,
    /// Checkbox: `on` when ticked.
    #[serde(default)]
    pub in_app: Option<String>,
    #[serde(default)]
    pub by_email: Option<String>,
    /// Another address than the account's.
    #[serde(default)]
    pub email: String,
}

/// A checked subscription, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSubscription {
    pub kind: SubscriptionKind,
    pub label: String,
    pub filter: SearchFilter,
    pub frequency: Frequency,
    pub in_app: bool,
    pub by_email: bool,
    pub email: Option<String>,
}

pub type FieldProblems = Vec<(String, Problem)>;

impl NewSubscription {
    /// Checks a typed subscription field by field. `region_name` knows the region codes;
    /// `account_email` is the address e-mails go to when none is typed.
    pub fn parse(
        input: &SubscriptionInput,
        region_name: impl Fn(&str) -> Option<String>,
        account_email: Option<&str>,
        lang: Lang,
    ) -> Result<NewSubscription, FieldProblems> {
        use problems as p;
        let mut found: FieldProblems = Vec::new();
        let kind = match input.kind.trim() {
            "" | "search" => SubscriptionKind::Search,
            "profile" => SubscriptionKind::Profile,
            _ => {
                found.push(("kind".into(), p::KIND));
                SubscriptionKind::Search
            }
        };
        let mut filter = SearchFilter::default();
        if kind == SubscriptionKind::Search {
            let q = input.q.trim();
            if q.chars().count() > MAX_QUERY_CHARS {
                found.push(("q".into(), p::QUERY_TOO_LONG));
            } else if !q.is_empty() && !q.chars().any(char::is_alphanumeric) {
                found.push(("q".into(), p::QUERY_NO_WORDS));
            } else {
                filter.query = q.to_owned();
            }
            let region = input.region.trim();
            if !region.is_empty() {
                match region_name(region) {
                    Some(_) => filter.region = Some(region.to_owned()),
                    None => found.push(("region".into(), p::UNKNOWN_REGION)),
                }
            }
            let t = input.assistance_type.trim();
            if !t.is_empty() {
                match AssistanceType::parse(t) {
                    Ok(t) => filter.assistance_type = Some(t),
                    Err(_) => found.push(("type".into(), p::UNKNOWN_TYPE)),
                }
            }
            let c = input.category.trim();
            if !c.is_empty() {
                match HouseholdCategory::parse(c) {
                    Ok(c) => filter.household_category = Some(c),
                    Err(_) => found.push(("category".into(), p::UNKNOWN_CATEGORY)),
                }
            }
            let c = input.coverage.trim();
            if !c.is_empty() {
                match Coverage::parse(c) {
                    Ok(c) => filter.coverage = Some(c),
                    Err(_) => found.push(("coverage".into(), p::UNKNOWN_COVERAGE)),
                }
            }
            if found.is_empty() && filter.is_empty() {
                found.push(("q".into(), p::EMPTY_FILTER));
            }
        }
        let frequency = match input.frequency.trim() {
            "" | "immediate" => Frequency::Immediate,
            "daily" => Frequency::Daily,
            _ => {
                found.push(("frequency".into(), p::FREQUENCY));
                Frequency::Immediate
            }
        };
        let ticked = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
        let (in_app, by_email) = (ticked(&input.in_app), ticked(&input.by_email));
        if !in_app && !by_email {
            found.push(("in_app".into(), p::NO_CHANNEL));
        }
        let typed_email = input.email.trim();
        let mut email = None;
        if !typed_email.is_empty() {
            match crate::accounts::Email::parse(typed_email) {
                Ok(e) => email = Some(e.as_str().to_owned()),
                Err(_) => found.push(("email".into(), p::EMAIL)),
            }
        } else if by_email && account_email.is_none() {
            found.push(("email".into(), p::EMAIL_NEEDED));
        }
        let label = input.label.trim();
        if label.chars().count() > MAX_LABEL_CHARS {
            found.push(("label".into(), p::LABEL_TOO_LONG));
        }
        if !found.is_empty() {
            return Err(found);
        }
        let label = if !label.is_empty() {
            label.to_owned()
        } else if kind == SubscriptionKind::Profile {
            kind.label(lang).to_owned()
        } else {
            let region = filter.region.as_deref().and_then(&region_name);
            filter
                .describe(lang, region.as_deref())
                .chars()
                .take(MAX_LABEL_CHARS)
                .collect()
        };
        Ok(NewSubscription {
            kind,
            label,
            filter,
            frequency,
            in_app,
            by_email,
            email,
        })
    }
}

/// A subscription as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionView {
    pub id: i64,
    pub kind: SubscriptionKind,
    pub label: String,
    pub filter: SearchFilter,
    /// Where the subscription's needs are seen (the library search, or the portal).
    pub link: String,
    pub frequency: Frequency,
    pub in_app: bool,
    pub by_email: bool,
    /// Where its e-mails go (empty: nowhere).
    pub email: String,
}

/// One notification as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeView {
    pub id: i64,
    pub kind: NoticeKind,
    pub subject: String,
    pub detail: String,
    pub link: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub read: bool,
}

/// A page of someone's notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticePage {
    pub notices: Vec<NoticeView>,
    pub unread: u64,
    pub page: u64,
    pub has_more: bool,
}

/// How many unread notifications the signed-in person has: put into the request by the
/// server's session middleware, read by the header's bell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnreadCount(pub u64);

/// Which direct notifications a person gets by e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailChoices {
    /// Each direct kind and whether it comes by e-mail.
    pub kinds: Vec<(NoticeKind, bool)>,
    /// The account's e-mail address (none: the account signs in by phone).
    pub address: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(q: &str, region: &str, t: &str) -> SubscriptionInput {
        SubscriptionInput {
            q: q.into(),
            region: region.into(),
            assistance_type: t.into(),
            in_app: Some("on".into()),
            ..Default::default()
        }
    }

    fn names(r: &str) -> Option<String> {
        (r == "220122").then(|| "农安县".to_owned())
    }

    #[test]
    fn a_search_subscription_is_checked_field_by_field() {
        let ok = NewSubscription::parse(&input("轮椅", "220122", "medical"), names, None, Lang::Zh)
            .expect("valid");
        assert_eq!(ok.label, "轮椅 · 医疗 · 农安县");
        assert_eq!(
            ok.filter.library_url(),
            "/needs?q=%E8%BD%AE%E6%A4%85&type=medical&region=220122"
        );
        let field = |i: SubscriptionInput| {
            NewSubscription::parse(&i, names, None, Lang::Zh)
                .expect_err("refused")
                .into_iter()
                .map(|(f, _)| f)
                .collect::<Vec<_>>()
        };
        assert_eq!(field(input("", "", "")), ["q"], "an empty filter");
        assert_eq!(field(input("!!!", "", "")), ["q"], "no words");
        assert_eq!(field(input(&"轮".repeat(101), "", "")), ["q"]);
        assert_eq!(field(input("", "999999", "")), ["region"]);
        assert_eq!(field(input("", "", "rocket")), ["type"]);
        let mut no_channel = input("轮椅", "", "");
        no_channel.in_app = None;
        assert_eq!(field(no_channel), ["in_app"]);
        let mut bad_mail = input("轮椅", "", "");
        bad_mail.email = "not-an-address".into();
        assert_eq!(field(bad_mail), ["email"]);
        let mut phone_user = input("轮椅", "", "");
        phone_user.by_email = Some("on".into());
        assert_eq!(field(phone_user), ["email"], "no address to send to");
    }

    #[test]
    fn a_profile_subscription_needs_no_filter() {
        let i = SubscriptionInput {
            kind: "profile".into(),
            by_email: Some("on".into()),
            frequency: "daily".into(),
            ..Default::default()
        };
        let ok = NewSubscription::parse(&i, names, Some("a@example.org"), Lang::En).expect("valid");
        assert_eq!(ok.kind, SubscriptionKind::Profile);
        assert_eq!(ok.frequency, Frequency::Daily);
        assert_eq!(ok.label, "Needs that fit our supply profile");
    }
}
