//! `shanqiao create-admin --email E`: bootstraps a platform admin. The password is read
//! from the first line of stdin so that it never appears in the shell history or `ps`.

use super::database;
use crate::config::DatabaseArgs;
use anyhow::{anyhow, bail, Context};
use app::accounts::{password, store, Email, MIN_PASSWORD_CHARS};
use app::audit::Actor;
use tokio::io::AsyncBufReadExt;

pub async fn run(args: &DatabaseArgs, email: &str, name: &str) -> anyhow::Result<()> {
    let email = Email::parse(email)
        .map_err(|_| anyhow!("--email {email:?} is not a valid e-mail address"))?;
    let name = name.trim();
    if name.is_empty() {
        bail!("--name must not be empty");
    }
    let mut line = String::new();
    tokio::io::BufReader::new(tokio::io::stdin())
        .read_line(&mut line)
        .await
        .context("cannot read the password from stdin")?;
    let pw = line.trim_end_matches(['\r', '\n']).to_owned();
    if pw.chars().count() < MIN_PASSWORD_CHARS {
        bail!(
            "the password (first line of stdin) must have at least {MIN_PASSWORD_CHARS} characters"
        );
    }
    let db = database::open_and_migrate(args).await?;
    let hash = password::hash(pw)
        .await
        .context("hashing the password failed")?;
    let id = store::create_platform_admin(&db, &email, name, hash, Actor::Cli, chrono::Utc::now())
        .await
        .map_err(|err| match err {
            store::CreateAccountError::EmailTaken => {
                anyhow!(
                    "an account with e-mail {} already exists; choose another address",
                    email.as_str()
                )
            }
            other => anyhow!(other),
        })?;
    println!("created platform admin {} (user id {id})", email.as_str());
    Ok(())
}
