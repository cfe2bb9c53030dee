//! Settings: command-line flags with environment fallbacks and typed defaults.
//! Every variable is documented here, in README.md and in `.env.example`.

use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the data lives. Shared by every subcommand that opens the database.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Directory for the SQLite database and the search index.
    #[arg(
        long,
        env = "SHANQIAO_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Database URL. Unset: SQLite at `<data-dir>/shanqiao.db`. For PostgreSQL:
    /// `postgres://user:password@host:5432/dbname`.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    /// The URL to connect to: the configured one, or the SQLite file in the data dir.
    pub fn url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
            _ => format!("sqlite://{}?mode=rwc", self.sqlite_path().display()),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.url().starts_with("sqlite:")
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("shanqiao.db")
    }
}

/// The sender of e-mails when none is configured.
pub const DEFAULT_MAIL_FROM: &str = "善桥 Shanqiao <no-reply@shanqiao.localhost>";

/// Settings of `shanqiao serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SHANQIAO_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// The public URL of the site, e.g. `https://shanqiao.example.org`. Used for links,
    /// for the same-origin check and to decide whether cookies are `Secure`.
    /// Unset: `http://<bind>`.
    #[arg(long, env = "SHANQIAO_BASE_URL")]
    pub base_url: Option<String>,

    /// The sender of the e-mails the site writes (sign-up links, invitations).
    #[arg(long, env = "SHANQIAO_MAIL_FROM", default_value = DEFAULT_MAIL_FROM)]
    pub mail_from: String,

    /// Folder with the compiled site (wasm, js, css, images), as cargo-leptos lays it out.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_dir: PathBuf,

    /// Minutes without a request after which a session ends.
    #[arg(long, env = "SHANQIAO_SESSION_IDLE_MINUTES", default_value_t = 120, value_parser = clap::value_parser!(i64).range(1..=43_200))]
    pub session_idle_minutes: i64,

    /// Hours after sign-in after which a session ends however active it is.
    #[arg(long, env = "SHANQIAO_SESSION_MAX_HOURS", default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=720))]
    pub session_max_hours: i64,

    /// Seed the demo data when the database is empty.
    #[arg(long, env = "SHANQIAO_DEMO")]
    pub demo: bool,

    /// Serve a database holding demo accounts (published password) at a base URL that is
    /// not this machine's loopback address. Without it, `serve` refuses.
    #[arg(long, env = "SHANQIAO_ALLOW_DEMO")]
    pub allow_demo: bool,

    /// Keep the public pages' anonymous answers in memory (`off`: render every request,
    /// for comparisons).
    #[arg(long, env = "SHANQIAO_PAGE_CACHE", default_value = "on", value_parser = ["on", "off"])]
    pub page_cache: String,

    /// Serve `GET /metrics` on this address of its own (besides the main port, where only
    /// loopback and `--metrics-allow` may read it).
    #[arg(long, env = "SHANQIAO_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,

    /// Addresses besides loopback that may read `/metrics` on the main port,
    /// comma-separated (e.g. the Prometheus server's).
    #[arg(long, env = "SHANQIAO_METRICS_ALLOW", value_delimiter = ',')]
    pub metrics_allow: Vec<std::net::IpAddr>,

    /// How many days a claim runs before it lapses, by the need's urgency, e.g.
    /// `critical=7,high=14,normal=30,low=60` (urgencies left out keep these defaults).
    #[arg(long, env = "SHANQIAO_CLAIM_LEASE_DAYS", default_value = "critical=7,high=14,normal=30,low=60", value_parser = parse_lease_days)]
    pub claim_lease_days: app::claims::LeasePolicy,

    /// Where claim attachments are kept: `s3://bucket/prefix` (credentials and endpoint
    /// from the `AWS_*` variables) or `file:///dir`. Unset: `<data-dir>/attachments`.
    #[arg(long, env = "SHANQIAO_ATTACHMENTS_URL")]
    pub attachments_url: Option<String>,

    /// Send e-mails through this SMTP server: `smtp://host:25`,
    /// `smtp://user:password@host:587?tls=required` or `smtps://user:password@host:465`.
    /// Unset: each e-mail is written as an `.eml` file under `<data-dir>/outbox/mail`.
    #[arg(long, env = "SHANQIAO_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// When a charity is reminded before its claim's due date: days (`d`) or hours (`h`),
    /// comma-separated, e.g. `3d,1d` or `7d,2d,12h`; empty: no reminders.
    #[arg(long, env = "SHANQIAO_CLAIM_REMINDERS", default_value = "3d,1d", value_parser = parse_reminders)]
    pub claim_reminders: app::alerts::events::ReminderOffsets,

    /// Origins of the government portals that may frame the embedded views
    /// (`/embed/needs`, `/embed/funds`), comma-separated, e.g.
    /// `https://mzt.jl.gov.cn,https://www.jl.gov.cn`. Unset: nobody may frame them.
    #[arg(long, env = "SHANQIAO_EMBED_ORIGINS", value_delimiter = ',', value_parser = parse_embed_origin)]
    pub embed_origins: Vec<String>,

    /// Days after pledging until a pledge whose money has not arrived lapses.
    #[arg(long, env = "SHANQIAO_PLEDGE_LAPSE_DAYS", default_value_t = 14, value_parser = clap::value_parser!(i64).range(1..=365))]
    pub pledge_lapse_days: i64,

    /// Days before a pledge lapses that its donor is reminded (0: no reminder).
    #[arg(long, env = "SHANQIAO_PLEDGE_REMIND_DAYS", default_value_t = 3, value_parser = clap::value_parser!(i64).range(0..=365))]
    pub pledge_remind_days: i64,
}

impl ServeArgs {
    /// How long pledges wait for their money.
    pub fn pledge_policy(&self) -> app::money::PledgePolicy {
        app::money::PledgePolicy {
            lapse_days: self.pledge_lapse_days,
            remind_days_before: self.pledge_remind_days.min(self.pledge_lapse_days),
        }
    }
}

fn parse_reminders(text: &str) -> Result<app::alerts::events::ReminderOffsets, String> {
    app::alerts::events::ReminderOffsets::parse(text)
}

/// How the one-shot mail commands (`deliver`, `send-digests`) send and link.
#[derive(Debug, Clone, clap::Args)]
pub struct MailArgs {
    /// The SMTP server (as for `serve`); unset: `.eml` files under `<data-dir>/outbox/mail`.
    #[arg(long, env = "SHANQIAO_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// The sender of the e-mails.
    #[arg(long, env = "SHANQIAO_MAIL_FROM", default_value = DEFAULT_MAIL_FROM)]
    pub mail_from: String,

    /// The site's public URL, for the links in e-mails.
    #[arg(
        long,
        env = "SHANQIAO_BASE_URL",
        default_value = "http://127.0.0.1:3000"
    )]
    pub base_url: String,
}

fn parse_lease_days(text: &str) -> Result<app::claims::LeasePolicy, String> {
    app::claims::LeasePolicy::parse(text)
}

impl ServeArgs {
    pub fn base_url(&self) -> String {
        match &self.base_url {
            Some(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_owned(),
            _ => format!("http://{}", self.bind),
        }
    }
}

/// Whether a base URL reaches only this machine (`localhost`, `127.0.0.0/8`, `[::1]`),
/// whatever the case of its scheme and host. Anything else, or anything unparsable, is
/// treated as a real deployment.
pub fn is_loopback(base_url: &str) -> bool {
    let Ok(uri) = base_url.trim().parse::<axum::http::Uri>() else {
        return false;
    };
    let Some(host) = uri.host() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A database URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_counts_as_loopback() {
        for local in [
            "http://127.0.0.1:3000",
            "HTTP://LOCALHOST:3000",
            "http://[::1]:3000",
            "https://127.0.0.5",
        ] {
            assert!(is_loopback(local), "{local}");
        }
        for public in [
            "https://shanqiao.example.org",
            "HTTPS://shanqiao.example.org",
            "http://shanqiao.example.org",
            "http://0.0.0.0:3000",
            "http://192.168.1.10:3000",
            "http://localhost.evil.example",
            "not a url",
        ] {
            assert!(!is_loopback(public), "{public}");
        }
    }

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/shanqiao"),
            "postgres://app:***@db:5432/shanqiao"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(
            redact("sqlite://data/shanqiao.db?mode=rwc"),
            "sqlite://data/shanqiao.db?mode=rwc"
        );
    }
}

fn parse_embed_origin(text: &str) -> Result<String, String> {
    crate::embed::parse_origin(text).map_err(|e| e.to_string())
}
