//! The subcommands of `shanqiao`.

use crate::commands;
use crate::config::{DatabaseArgs, ServeArgs};
use clap::{Parser, Subcommand};

/// Shanqiao 善桥: anonymized needs of families in hardship, matched with charity.
#[derive(Debug, Parser)]
#[command(name = "shanqiao", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the site, the API and the static assets (creates and migrates the database
    /// on first start).
    Serve(ServeArgs),
    /// Apply, revert or list the database migrations.
    Migrate {
        #[command(subcommand)]
        action: Option<MigrateAction>,
    },
    /// Fill an empty database with the deterministic demo data and demo accounts.
    SeedDemo,
    /// Rebuild the search index from the database.
    Reindex,
    /// Copy the SQLite database consistently while `serve` runs (`VACUUM INTO`); on
    /// PostgreSQL, says which `pg_dump`/`pg_restore` commands do the same.
    Backup {
        /// The new file to write (never overwritten).
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Create a platform admin; the password is read from the first line of stdin.
    CreateAdmin {
        /// The admin's e-mail address (their sign-in name).
        #[arg(long)]
        email: String,
        /// Name shown in the audit log.
        #[arg(long, default_value = "平台管理员")]
        name: String,
    },
    /// Check a text (on stdin) for personal data; one JSON line per finding. Exit status
    /// 0: nothing blocks; 1: something blocks; 2: the input cannot be read.
    PiiCheck {
        /// Names of the household's members, separated by commas.
        #[arg(long)]
        names: Option<String>,
    },
    /// Send needs whose review took longer than their office's limit back to draft
    /// (the server also does this every few minutes).
    ExpireReviews,
    /// Lapse claims past their due date, returning their needs to the library (the
    /// server also does this every minute).
    LapseClaims,
    /// Remind donors of pledges about to lapse and lapse those whose money has not
    /// arrived in time (the server also does this every minute).
    LapsePledges {
        /// Days after pledging until a pledge lapses.
        #[arg(long, env = "SHANQIAO_PLEDGE_LAPSE_DAYS", default_value_t = 14)]
        lapse_days: i64,
        /// Days before lapsing that the donor is reminded.
        #[arg(long, env = "SHANQIAO_PLEDGE_REMIND_DAYS", default_value_t = 3)]
        remind_days: i64,
        /// The public URL of the site, for the link in reminders.
        #[arg(
            long,
            env = "SHANQIAO_BASE_URL",
            default_value = "http://localhost:3000"
        )]
        base_url: String,
    },
    /// Audit the ledger: every transaction balances as declared, no fund or need is below
    /// zero, refunds, matching gifts, disbursements and allocations agree with their
    /// pledges, claims and sources. Prints the report and records the run (the server
    /// also does this every five minutes). Exit status 0: the books hold; 1: they do not,
    /// or the audit could not run.
    AuditLedger,
    /// Fan out waiting alerts (notifications, e-mails) and deliver every message that is
    /// due, once (the server does both continuously).
    Deliver(crate::config::MailArgs),
    /// Send the daily digests of the matches waiting for them, once (the server does
    /// this every day at 08:00 China time); `deliver` then sends the e-mails.
    SendDigests(crate::config::MailArgs),
    /// Issue an API token acting as a user within an organization; printed once.
    CreateToken {
        /// The organization's id or slug.
        #[arg(long)]
        org: String,
        /// The e-mail address of the user the token acts as (a member of the organization).
        #[arg(long)]
        user: String,
        /// A name to recognize the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration (the default).
    Up,
    /// Revert the last migration, or `--steps N` of them, or `--all`.
    Down {
        #[arg(long, default_value_t = 1, conflicts_with = "all")]
        steps: u32,
        #[arg(long)]
        all: bool,
    },
    /// List migrations and whether each is applied.
    Status,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let db = &cli.database;
    match cli.command {
        Command::Serve(args) => commands::serve::run(db, &args).await,
        Command::Migrate { action } => {
            commands::migrate::run(db, action.unwrap_or(MigrateAction::Up)).await
        }
        Command::SeedDemo => commands::seed_demo::run(db).await,
        Command::Reindex => commands::reindex::run(db).await,
        Command::Backup { to } => commands::backup::run(db, &to).await,
        Command::CreateAdmin { email, name } => {
            commands::create_admin::run(db, &email, &name).await
        }
        Command::CreateToken { org, user, name } => {
            commands::create_token::run(db, &org, &user, &name).await
        }
        Command::ExpireReviews => commands::expire_reviews::run(db).await,
        Command::LapseClaims => commands::lapse_claims::run(db).await,
        Command::LapsePledges {
            lapse_days,
            remind_days,
            base_url,
        } => {
            let policy = app::money::PledgePolicy {
                lapse_days,
                remind_days_before: remind_days,
            };
            commands::lapse_claims::run_pledges(db, policy, &base_url).await
        }
        Command::AuditLedger => commands::audit_ledger::run(db).await,
        Command::Deliver(mail) => commands::deliver::run(db, &mail).await,
        Command::SendDigests(mail) => commands::deliver::send_digests(db, &mail).await,
        // Handled in `main` before a runtime or a database is needed.
        Command::PiiCheck { .. } => Ok(()),
    }
}
