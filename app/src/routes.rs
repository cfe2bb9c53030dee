//! The route table: every path of the site, written once. Pages are routed by the Leptos
//! `<Routes>` in `shell.rs` (whose `path!` literals a test checks against [`PAGES`]);
//! form posts by [`actions`], which pairs each path with the typed action that lives beside
//! the page showing its form. Forms take their `action` URL from here, so a path cannot be
//! mistyped in one place and right in another.

use std::fmt::Display;

/// A path with `N` parameters, in axum's syntax (`/office/needs/{code}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route<const N: usize>(&'static str);

impl<const N: usize> Route<N> {
    /// The pattern, as the router matches it.
    pub const fn pattern(self) -> &'static str {
        self.0
    }

    /// The URL with each `{…}` filled by the next value, in order.
    pub fn to(self, values: [&dyn Display; N]) -> String {
        let mut url = String::with_capacity(self.0.len() + 16);
        let mut rest = self.0;
        for value in values {
            let (Some(open), Some(close)) = (rest.find('{'), rest.find('}')) else {
                break;
            };
            url.push_str(&rest[..open]);
            url.push_str(&value.to_string());
            rest = &rest[close + 1..];
        }
        url.push_str(rest);
        url
    }
}

impl Route<0> {
    /// The URL of a path without parameters.
    pub const fn url(self) -> &'static str {
        self.0
    }
}

// Public pages.
pub const HOME: Route<0> = Route("/");
pub const NEED: Route<1> = Route("/needs/{code}");
/// The needs library: search, facets, sorts, pages (the query string holds them).
pub const LIBRARY: Route<0> = Route("/needs");
/// The library's search as an Atom feed (same query parameters).
pub const LIBRARY_FEED: Route<0> = Route("/needs.atom");
/// The library's search as JSON, for anyone (no token).
pub const LIBRARY_API: Route<0> = Route("/api/v1/library");
/// Funds and projects: the public list (filters in the query string) and each fund.
pub const FUNDS: Route<0> = Route("/funds");
pub const FUND: Route<1> = Route("/funds/{id}");
/// A fund's ledger as CSV.
pub const FUND_LEDGER_CSV: Route<1> = Route("/funds/{id}/ledger.csv");
/// The pledge forms of a fund and of a need (no account needed).
pub const PLEDGE_TO_FUND: Route<1> = Route("/funds/{id}/pledge");
pub const PLEDGE_TO_NEED: Route<1> = Route("/needs/{code}/pledge");
/// A pledge's tracking page, by receipt code (a secret: never logged).
pub const PLEDGE: Route<1> = Route("/pledges/{token}");
/// Open data of money flows (no donor contact data).
pub const OPEN_MONEY_CSV: Route<0> = Route("/open-data/money.csv");
pub const OPEN_MONEY_JSON: Route<0> = Route("/open-data/money.json");

/// The public dashboard (`?region=<code>` narrows it to a province, city or county).
pub const TRANSPARENCY: Route<0> = Route("/transparency");
/// Open data: the page listing the downloads, with the data dictionary.
pub const OPEN_DATA: Route<0> = Route("/open-data");
/// Published needs as open data (public copy, counties, amounts as ranges).
pub const OPEN_NEEDS_CSV: Route<0> = Route("/open-data/needs.csv");
pub const OPEN_NEEDS_JSON: Route<0> = Route("/open-data/needs.json");
/// Embeddable views for an office's own portal (no site chrome; only these may be
/// framed, by the configured origins).
pub const EMBED_NEEDS: Route<0> = Route("/embed/needs");
pub const EMBED_FUNDS: Route<0> = Route("/embed/funds");
/// The charity directory and each charity's public profile.
pub const CHARITIES: Route<0> = Route("/charities");
pub const CHARITY_PUBLIC: Route<1> = Route("/charities/{slug}");

// Accounts.
pub const SIGN_IN: Route<0> = Route("/signin");
pub const SIGN_UP: Route<0> = Route("/signup");
/// The link sent to a new address: choose a password, and the account is opened.
pub const SIGN_UP_CONFIRM: Route<1> = Route("/signup/{token}");
pub const SIGN_OUT: Route<0> = Route("/signout");
pub const ACCOUNT: Route<0> = Route("/account");
pub const CHANGE_PASSWORD: Route<0> = Route("/account/password");
pub const RESET_PASSWORD: Route<1> = Route("/reset/{token}");

// Platform admin.
pub const ADMIN_CHARITIES: Route<0> = Route("/admin/charities");
pub const VERIFY_CHARITY: Route<1> = Route("/admin/charities/{id}/verify");
pub const REJECT_CHARITY: Route<1> = Route("/admin/charities/{id}/reject");
/// Suspending a verified charity's verification (with a reason), and restoring it.
pub const SUSPEND_CHARITY: Route<1> = Route("/admin/charities/{id}/suspend");
pub const RESTORE_CHARITY: Route<1> = Route("/admin/charities/{id}/restore");
/// A platform admin confirms the account change of a charity with one admin.
pub const ADMIN_CONFIRM_PAYEE: Route<1> = Route("/admin/charities/{id}/payee/confirm");
pub const ADMIN_USERS: Route<0> = Route("/admin/users");
pub const ISSUE_RESET_LINK: Route<0> = Route("/admin/users/reset-links");
pub const ADMIN_OFFICES: Route<0> = Route("/admin/offices");

// Charities and invitations.
pub const CHARITY_REGISTER: Route<0> = Route("/charity/register");
pub const CHARITY: Route<0> = Route("/charity");
pub const CHARITY_INVITATIONS: Route<0> = Route("/charity/invitations");
pub const CHARITY_INVITATION_REVOKE: Route<1> = Route("/charity/invitations/{id}/revoke");
pub const CHARITY_TOKENS: Route<0> = Route("/charity/tokens");
pub const CHARITY_TOKEN_REVOKE: Route<1> = Route("/charity/tokens/{id}/revoke");
pub const INVITATION: Route<1> = Route("/invitations/{token}");
/// The charity's supply profile (精准对接).
pub const CHARITY_PROFILE: Route<0> = Route("/charity/profile");
/// The charity member's alert subscriptions (and the form to add one).
pub const CHARITY_ALERTS: Route<0> = Route("/charity/alerts");
/// Removes one subscription.
pub const DELETE_ALERT: Route<1> = Route("/charity/alerts/{id}/delete");
/// Changes how one subscription is delivered.
pub const EDIT_ALERT: Route<1> = Route("/charity/alerts/{id}");
/// The signed-in person's notifications.
pub const NOTIFICATIONS: Route<0> = Route("/notifications");
/// Marks one notification read and opens what it is about.
pub const OPEN_NOTIFICATION: Route<1> = Route("/notifications/{id}/open");
/// Marks one notification read.
pub const READ_NOTIFICATION: Route<1> = Route("/notifications/{id}/read");
/// Marks all read.
pub const READ_ALL_NOTIFICATIONS: Route<0> = Route("/notifications/read-all");
/// Which notifications come by e-mail.
pub const EMAIL_CHOICES: Route<0> = Route("/account/emails");
/// An unsubscribe link from an e-mail (works without signing in).
pub const UNSUBSCRIBE: Route<1> = Route("/unsubscribe/{token}");
/// The charity's funds, its account for transfers and the form to set up a fund.
pub const CHARITY_FUNDS: Route<0> = Route("/charity/funds");
/// An admin proposes a new account for transfers; a second admin confirms it (or the
/// proposer withdraws it).
pub const CHARITY_PAYEE: Route<0> = Route("/charity/payee");
pub const CONFIRM_PAYEE: Route<0> = Route("/charity/payee/confirm");
pub const WITHDRAW_PAYEE: Route<0> = Route("/charity/payee/withdraw");
pub const CHARITY_FUND: Route<1> = Route("/charity/funds/{id}");
pub const ALLOCATE: Route<1> = Route("/charity/funds/{id}/allocate");
pub const DISCLOSE: Route<1> = Route("/charity/funds/{id}/disclosures");
/// Pledges to the charity: the pledged-but-not-received list first.
pub const CHARITY_PLEDGES: Route<0> = Route("/charity/pledges");
pub const RECEIVE_PLEDGE: Route<1> = Route("/charity/pledges/{id}/receive");
pub const REFUND_PLEDGE: Route<1> = Route("/charity/pledges/{id}/refund");
/// A second member confirms a receipt above the pledged amount.
pub const CONFIRM_RECEIPT: Route<1> = Route("/charity/pledges/{id}/confirm-receipt");
/// The claim form of a need.
pub const CLAIM_NEED: Route<1> = Route("/charity/needs/{code}/claim");
pub const CHARITY_CLAIM: Route<1> = Route("/charity/claims/{id}");
pub const RELEASE_CLAIM: Route<1> = Route("/charity/claims/{id}/release");
pub const REPORT_FULFILMENT: Route<1> = Route("/charity/claims/{id}/fulfilment");
pub const CLAIM_ATTACHMENTS: Route<1> = Route("/charity/claims/{id}/attachments");
/// An evidence file, for the charity and the office staff concerned only.
pub const CLAIM_ATTACHMENT: Route<2> = Route("/claims/{id}/attachments/{attachment}");

// The office portal.
pub const OFFICE: Route<0> = Route("/office");
pub const OFFICE_SETTINGS: Route<0> = Route("/office/settings");
pub const OFFICE_INVITATIONS: Route<0> = Route("/office/invitations");
pub const OFFICE_INVITATION_REVOKE: Route<1> = Route("/office/invitations/{id}/revoke");
pub const OFFICE_TOKENS: Route<0> = Route("/office/tokens");
pub const OFFICE_TOKEN_REVOKE: Route<1> = Route("/office/tokens/{id}/revoke");
pub const OFFICE_NEEDS: Route<0> = Route("/office/needs");
/// The office's (or, for a platform admin, any region's) dashboard figures as CSV.
pub const OFFICE_FIGURES_CSV: Route<0> = Route("/office/figures.csv");
pub const NEW_NEED: Route<0> = Route("/office/needs/new");
pub const IMPORT_NEEDS: Route<0> = Route("/office/needs/import");
pub const IMPORT_TEMPLATE: Route<0> = Route("/office/needs/import/template.csv");
pub const EDIT_NEED: Route<1> = Route("/office/needs/{code}/edit");
pub const OFFICE_NEED: Route<1> = Route("/office/needs/{code}");
pub const SUBMIT_NEED: Route<1> = Route("/office/needs/{code}/submit");
/// Publishing a need (the path says "approve", as it always has).
pub const PUBLISH_NEED: Route<1> = Route("/office/needs/{code}/approve");
pub const RETURN_NEED: Route<1> = Route("/office/needs/{code}/return");
pub const WITHDRAW_NEED: Route<1> = Route("/office/needs/{code}/withdraw");
pub const RECORD_CONSENT_WITHDRAWN: Route<1> = Route("/office/needs/{code}/consent-withdrawn");
pub const OVERRIDE_FINDING: Route<1> = Route("/office/needs/{code}/override");
/// Staff verify a fulfilment report and close the need.
pub const VERIFY_FULFILMENT: Route<1> = Route("/office/needs/{code}/verify");
/// Staff send a fulfilment report back to the charity with a question.
pub const QUESTION_FULFILMENT: Route<1> = Route("/office/needs/{code}/question");

/// Paths whose `{token}` is a secret (a one-time link): never written to a log.
const SECRET_PATHS: [Route<1>; 5] = [
    RESET_PASSWORD,
    INVITATION,
    SIGN_UP_CONFIRM,
    UNSUBSCRIBE,
    PLEDGE,
];

/// `path` as it may appear in a log: the secret segment of a one-time link replaced by
/// `***` (`/reset/***`), everything else as it is.
pub fn loggable(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    for route in SECRET_PATHS {
        let pattern: Vec<&str> = route.0.split('/').collect();
        let matches = pattern.len() == segments.len()
            && pattern
                .iter()
                .zip(&segments)
                .all(|(p, s)| p.starts_with('{') || p == s);
        if matches {
            return pattern
                .iter()
                .zip(&segments)
                .map(|(p, s)| if *p == "{token}" { "***" } else { s })
                .collect::<Vec<_>>()
                .join("/");
        }
    }
    path.to_owned()
}

/// A redirect target taken from a request (`next`, `back`), if it is a path on this
/// site; `None` for anything a browser could read as another site or scheme: `//host`,
/// `/\host`, `/<TAB>/host` (browsers drop tabs and newlines), `https:host`, and the same
/// written with percent-encoding or other control or space characters.
pub fn local_path(target: &str) -> Option<&str> {
    fn safe(text: &str) -> bool {
        text.starts_with('/')
            && !text.starts_with("//")
            && !text
                .chars()
                .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
    }
    if !safe(target) {
        return None;
    }
    // What the path says once decoded (twice: a proxy or a framework may decode once).
    let mut decoded = target.to_owned();
    for _ in 0..2 {
        decoded = percent_encoding::percent_decode_str(&decoded)
            .decode_utf8_lossy()
            .into_owned();
        if !safe(&decoded) {
            return None;
        }
    }
    Some(target)
}

/// Every page the Leptos router renders, by pattern (checked against `shell.rs`).
pub const PAGES: &[&str] = &[
    HOME.0,
    NEED.0,
    LIBRARY.0,
    SIGN_IN.0,
    SIGN_UP.0,
    SIGN_UP_CONFIRM.0,
    ACCOUNT.0,
    RESET_PASSWORD.0,
    ADMIN_CHARITIES.0,
    ADMIN_USERS.0,
    ADMIN_OFFICES.0,
    CHARITY_REGISTER.0,
    CHARITY.0,
    CHARITY_PROFILE.0,
    CHARITY_ALERTS.0,
    NOTIFICATIONS.0,
    UNSUBSCRIBE.0,
    CLAIM_NEED.0,
    CHARITY_CLAIM.0,
    INVITATION.0,
    OFFICE.0,
    OFFICE_NEEDS.0,
    NEW_NEED.0,
    IMPORT_NEEDS.0,
    EDIT_NEED.0,
    OFFICE_NEED.0,
    FUNDS.0,
    FUND.0,
    PLEDGE.0,
    TRANSPARENCY.0,
    OPEN_DATA.0,
    CHARITIES.0,
    CHARITY_PUBLIC.0,
    CHARITY_FUNDS.0,
    CHARITY_FUND.0,
    CHARITY_PLEDGES.0,
];

/// Every form post and file download, each with the action beside its page.
#[cfg(feature = "ssr")]
pub fn actions() -> Vec<(
    &'static str,
    axum::routing::MethodRouter<crate::state::AppState>,
)> {
    use crate::components::portal;
    use crate::pages::{
        account, admin, alerts, charity, confirm, funds, invitation, office, reset,
    };
    use axum::routing::{get, post};
    vec![
        (SIGN_IN.0, post(account::post::sign_in)),
        (PLEDGE_TO_FUND.0, post(funds::post::pledge_to_fund)),
        (PLEDGE_TO_NEED.0, post(funds::post::pledge_to_need)),
        (CHARITY_FUNDS.0, post(charity::money_post::create_fund)),
        (CHARITY_PAYEE.0, post(charity::money_post::propose_payee)),
        (CONFIRM_PAYEE.0, post(charity::money_post::confirm_payee)),
        (WITHDRAW_PAYEE.0, post(charity::money_post::withdraw_payee)),
        (
            ADMIN_CONFIRM_PAYEE.0,
            post(charity::money_post::admin_confirm_payee),
        ),
        (
            CONFIRM_RECEIPT.0,
            post(charity::money_post::confirm_receipt),
        ),
        (ALLOCATE.0, post(charity::money_post::allocate)),
        (DISCLOSE.0, post(charity::money_post::disclose)),
        (RECEIVE_PLEDGE.0, post(charity::money_post::receive_pledge)),
        (REFUND_PLEDGE.0, post(charity::money_post::refund_pledge)),
        (SIGN_UP.0, post(account::post::sign_up)),
        (SIGN_UP_CONFIRM.0, post(confirm::post::confirm_sign_up)),
        (SIGN_OUT.0, post(account::post::sign_out)),
        (CHANGE_PASSWORD.0, post(account::post::change_password)),
        (RESET_PASSWORD.0, post(reset::post::reset_password)),
        (VERIFY_CHARITY.0, post(admin::post::verify_charity)),
        (REJECT_CHARITY.0, post(admin::post::reject_charity)),
        (SUSPEND_CHARITY.0, post(admin::post::suspend_charity)),
        (RESTORE_CHARITY.0, post(admin::post::restore_charity)),
        (ISSUE_RESET_LINK.0, post(admin::post::issue_reset_link)),
        (ADMIN_OFFICES.0, post(admin::post::create_office)),
        (CHARITY_REGISTER.0, post(charity::post::register_charity)),
        (CHARITY_INVITATIONS.0, post(portal::post::invite_member)),
        (
            CHARITY_INVITATION_REVOKE.0,
            post(portal::post::revoke_invitation),
        ),
        (CHARITY_TOKENS.0, post(portal::post::create_token)),
        (CHARITY_TOKEN_REVOKE.0, post(portal::post::revoke_token)),
        (CHARITY_PROFILE.0, post(charity::claims_post::save_profile)),
        (CHARITY_ALERTS.0, post(alerts::post::create_alert)),
        (EDIT_ALERT.0, post(alerts::post::edit_alert)),
        (DELETE_ALERT.0, post(alerts::post::delete_alert)),
        (OPEN_NOTIFICATION.0, post(alerts::post::open_notification)),
        (READ_NOTIFICATION.0, post(alerts::post::read_notification)),
        (
            READ_ALL_NOTIFICATIONS.0,
            post(alerts::post::read_all_notifications),
        ),
        (EMAIL_CHOICES.0, post(alerts::post::save_email_choices)),
        (UNSUBSCRIBE.0, post(alerts::post::unsubscribe)),
        (CLAIM_NEED.0, post(charity::claims_post::claim_need)),
        (RELEASE_CLAIM.0, post(charity::claims_post::release_claim)),
        (
            REPORT_FULFILMENT.0,
            post(charity::claims_post::report_fulfilment),
        ),
        (
            CLAIM_ATTACHMENTS.0,
            charity::claims_post::attachments_route(),
        ),
        (CLAIM_ATTACHMENT.0, get(charity::claims_post::attachment)),
        (INVITATION.0, post(invitation::post::accept_invitation)),
        (OFFICE_SETTINGS.0, post(office::post::save_settings)),
        (OFFICE_INVITATIONS.0, post(portal::post::invite_member)),
        (
            OFFICE_INVITATION_REVOKE.0,
            post(portal::post::revoke_invitation),
        ),
        (OFFICE_TOKENS.0, post(portal::post::create_token)),
        (OFFICE_TOKEN_REVOKE.0, post(portal::post::revoke_token)),
        (NEW_NEED.0, post(office::editor::post::create_need)),
        (EDIT_NEED.0, post(office::editor::post::edit_need)),
        (IMPORT_NEEDS.0, office::import::post::route()),
        (IMPORT_TEMPLATE.0, get(office::import::post::template)),
        (SUBMIT_NEED.0, post(office::workspace::post::submit_need)),
        (PUBLISH_NEED.0, post(office::workspace::post::publish_need)),
        (RETURN_NEED.0, post(office::workspace::post::return_need)),
        (
            WITHDRAW_NEED.0,
            post(office::workspace::post::withdraw_need),
        ),
        (
            RECORD_CONSENT_WITHDRAWN.0,
            post(office::workspace::post::record_consent_withdrawn),
        ),
        (
            OVERRIDE_FINDING.0,
            post(office::workspace::post::override_finding),
        ),
        (
            VERIFY_FULFILMENT.0,
            post(office::workspace::post::verify_fulfilment),
        ),
        (
            QUESTION_FULFILMENT.0,
            post(office::workspace::post::question_fulfilment),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_redirect_targets() {
        for ok in [
            "/",
            "/account",
            "/needs/JL-2026-000001?x=1#top",
            "/office/needs?status=in_review",
        ] {
            assert_eq!(local_path(ok), Some(ok), "{ok}");
        }
        for bad in [
            "",
            "account",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%252F/evil.example",
            "https:evil.example",
            "https://evil.example",
            "/\n/evil.example",
            "/\u{3000}/evil.example",
            "/%E3%80%80/evil.example",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    proptest::proptest! {
        /// Whatever is accepted stays on this site, as a browser resolves it (the WHATWG
        /// URL parser, which drops tabs and newlines and reads `\\` as `/`), also after
        /// one more decoding.
        #[test]
        fn accepted_targets_stay_on_this_site(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "/", "//", "\\", "%2F", "%2f", "%5C", "%09", "\t", "\n", "%0A", "%25",
                    "2F", "evil.example", "https:", ":", "@", "?", "#", ".", "..", "a", "%E3%80%80",
                ]),
                0..8,
            )
        ) {
            let target: String = parts.concat();
            if let Some(path) = local_path(&target) {
                let base = url::Url::parse("https://site.test/").expect("base");
                let joined = base.join(path).expect("a path joins");
                proptest::prop_assert_eq!(joined.host_str(), Some("site.test"), "{:?}", path);
                let once = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
                let joined = base.join(&once).expect("decoded joins");
                proptest::prop_assert_eq!(joined.host_str(), Some("site.test"), "{:?}", path);
            }
        }
    }

    #[test]
    fn secrets_in_paths_are_masked_for_logs() {
        assert_eq!(loggable("/reset/abcDEF123"), "/reset/***");
        assert_eq!(loggable("/invitations/xyz-789"), "/invitations/***");
        assert_eq!(
            loggable("/office/needs/JL-2026-000001"),
            "/office/needs/JL-2026-000001"
        );
        assert_eq!(loggable("/reset"), "/reset");
    }

    #[test]
    fn urls_fill_parameters_in_order() {
        assert_eq!(
            PUBLISH_NEED.to([&"JL-2026-000001"]),
            "/office/needs/JL-2026-000001/approve"
        );
        assert_eq!(CHARITY_TOKEN_REVOKE.to([&7]), "/charity/tokens/7/revoke");
        assert_eq!(SIGN_IN.url(), "/signin");
    }

    /// The Leptos page routes and this table name the same paths.
    #[cfg(feature = "ssr")]
    #[test]
    fn every_page_route_is_in_the_table() {
        let mut routed: Vec<String> = leptos_axum::generate_route_list(crate::App)
            .iter()
            .map(|r| {
                r.path()
                    .split('/')
                    .map(|s| match s.strip_prefix(':') {
                        Some(name) => format!("{{{name}}}"),
                        None => s.to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .map(|p| if p.is_empty() { "/".to_owned() } else { p })
            .collect();
        routed.sort();
        routed.dedup();
        let mut table: Vec<String> = PAGES.iter().map(|p| (*p).to_owned()).collect();
        table.sort();
        assert_eq!(routed, table);
    }

    /// No two actions claim one path, and every action path is in the table above.
    #[cfg(feature = "ssr")]
    #[test]
    fn action_paths_are_unique() {
        let paths: Vec<&str> = actions().into_iter().map(|(p, _)| p).collect();
        let mut unique = paths.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(paths.len(), unique.len());
    }
}
