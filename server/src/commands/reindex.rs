//! `shanqiao reindex`: rebuilds the search index from the database, with a progress bar.
//! A running `serve` on the same data directory keeps answering from its index until the
//! new one is complete, then switches to it (it checks every quarter second).

use crate::config::DatabaseArgs;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

pub async fn run(args: &DatabaseArgs) -> anyhow::Result<()> {
    let db = super::database::open_and_migrate(args).await?;
    let root = args.data_dir.join("search");
    std::fs::create_dir_all(&root)
        .with_context(|| format!("cannot create the search index folder {}", root.display()))?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} indexing needs [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let library = app::library::index::rebuild(&db, &root, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .context("rebuilding the search index failed")?;
    bar.finish_and_clear();
    println!(
        "search index rebuilt: {} needs in {:.1} s ({}); a running server switches to it by itself",
        library.len(),
        started.elapsed().as_secs_f64(),
        root.join(library.version()).display()
    );
    Ok(())
}
