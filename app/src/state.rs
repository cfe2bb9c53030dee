//! What every request handler and server function can reach on the server.

use crate::regions::RegionDirectory;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Shared state of the web server. Cheap to clone.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub regions: Arc<RegionDirectory>,
    /// The public URL of the site, without a trailing slash (for links shown to people).
    pub base_url: Arc<str>,
    /// The needs library's search index.
    pub search: Arc<crate::library::index::SearchService>,
    /// How long claims run, by urgency.
    pub leases: crate::claims::LeasePolicy,
    /// How long pledges wait for their money.
    pub pledges: crate::money::PledgePolicy,
    /// Where claim attachments are kept.
    pub attachments: crate::claims::attachments::AttachmentStore,
}

impl AppState {
    /// The state from inside a server function or a server-rendered component.
    pub fn current() -> Result<Self, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            crate::error::AppError::Internal
        })
    }
}
