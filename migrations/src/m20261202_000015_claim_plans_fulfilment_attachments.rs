//! What claiming and fulfilment need beyond the first schema: the charity's plan (what,
//! by when), the fulfilment report's delivered items and evidence, the public thank-you
//! note of the verification, attachments kept in the object store, and the close reason
//! of a claim that ended. Claims already carry their status, lease and dates.

use crate::sql;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::run(
            manager,
            &[
                "ALTER TABLE claims ADD COLUMN plan TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE claims ADD COLUMN plan_by {date} NULL",
                // JSON list of {name, unit, quantity} actually delivered.
                "ALTER TABLE claims ADD COLUMN delivered_items TEXT NULL",
                "ALTER TABLE claims ADD COLUMN evidence TEXT NULL",
                "ALTER TABLE claims ADD COLUMN thank_you_note TEXT NULL",
                "ALTER TABLE claims ADD COLUMN released_by BIGINT NULL",
                // Staff's question when they send a report back to the charity.
                "ALTER TABLE claims ADD COLUMN review_question TEXT NULL",
                "CREATE INDEX claims_need ON claims(need_id)",
                "CREATE TABLE claim_attachments (
                    id {id},
                    claim_id BIGINT NOT NULL REFERENCES claims(id),
                    object_key TEXT NOT NULL UNIQUE,
                    file_name TEXT NOT NULL,
                    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
                    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
                    sha256 TEXT NOT NULL,
                    uploaded_by BIGINT NOT NULL REFERENCES users(id),
                    created_at {ts} NOT NULL
                )",
                "CREATE INDEX claim_attachments_claim ON claim_attachments(claim_id)",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::drop_tables(manager, &["claim_attachments"]).await?;
        let conn = manager.get_connection();
        conn.execute_unprepared("DROP INDEX IF EXISTS claims_need")
            .await?;
        for column in [
            "review_question",
            "released_by",
            "thank_you_note",
            "evidence",
            "delivered_items",
            "plan_by",
            "plan",
        ] {
            conn.execute_unprepared(&format!("ALTER TABLE claims DROP COLUMN {column}"))
                .await?;
        }
        Ok(())
    }
}
