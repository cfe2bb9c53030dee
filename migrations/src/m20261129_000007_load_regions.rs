//! Loads the GB/T 2260 provinces, cities and counties into `regions`.

use crate::regions;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
const BATCH: usize = 400;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let rows: Vec<_> = regions::rows().collect();
        for chunk in rows.chunks(BATCH) {
            let mut insert = Query::insert();
            insert.into_table(Alias::new("regions")).columns([
                Alias::new("code"),
                Alias::new("name"),
                Alias::new("level"),
                Alias::new("parent_code"),
            ]);
            for row in chunk {
                insert.values_panic([
                    row.code.into(),
                    row.name.into(),
                    row.level.into(),
                    row.parent_code.map(str::to_owned).into(),
                ]);
            }
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Children first: counties, then cities, then provinces.
        for level in ["township", "county", "city", "province"] {
            let mut delete = Query::delete();
            delete
                .from_table(Alias::new("regions"))
                .and_where(Expr::col(Alias::new("level")).eq(level));
            manager.exec_stmt(delete).await?;
        }
        Ok(())
    }
}
