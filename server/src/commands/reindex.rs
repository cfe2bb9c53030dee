//! `shanqiao reindex`: rebuilds the search index from the database.

use crate::config::DatabaseArgs;

pub async fn run(_args: &DatabaseArgs) -> anyhow::Result<()> {
    // Full-text search (tantivy, fed by the `search_outbox` table) is not part of this
    // version yet, so there is no index to rebuild. The subcommand exists so that
    // deployment scripts can call it already.
    println!("nothing to reindex: this version of Shanqiao has no search index yet");
    Ok(())
}
