//! `shanqiao create-token --org <org> --user <email>`: issues an API token on the server
//! (for example for an office system before its admin has a portal). Printed once.

use super::database;
use crate::config::DatabaseArgs;
use anyhow::{anyhow, bail};
use app::accounts::tokens::{self, Issuer, TokenError};
use app::entities::{organization, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

pub async fn run(args: &DatabaseArgs, org: &str, email: &str, name: &str) -> anyhow::Result<()> {
    let db = database::open_and_migrate(args).await?;
    let by_slug = organization::Entity::find()
        .filter(organization::Column::Slug.eq(org))
        .one(&db)
        .await?;
    let found = match (by_slug, org.parse::<i64>()) {
        (Some(o), _) => Some(o),
        (None, Ok(id)) => organization::Entity::find_by_id(id).one(&db).await?,
        (None, Err(_)) => None,
    };
    let Some(organization) = found else {
        bail!("no organization {org:?}: pass its id or slug (e.g. office-220122)");
    };
    let email_norm = email.trim().to_lowercase();
    let Some(member) = user::Entity::find()
        .filter(user::Column::Email.eq(email_norm.as_str()))
        .one(&db)
        .await?
    else {
        bail!("no user with e-mail {email:?}");
    };
    let secret = tokens::issue(
        &db,
        Issuer::Cli,
        organization.id,
        member.id,
        name,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| match e {
        TokenError::NotAMember => anyhow!(
            "{email} is not a member of {}; add them to it first",
            organization.name
        ),
        TokenError::BadName => anyhow!("--name must have 1 to 60 characters"),
        other => anyhow!(other),
    })?;
    eprintln!(
        "API token for {} acting in {} (shown once; store it now):",
        member.display_name, organization.name
    );
    println!("{secret}");
    Ok(())
}
