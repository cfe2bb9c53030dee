//! The library's server function. Thin: read the parameters, search, map the error.

use super::{LibraryPage, Params};
use crate::error::AppError;
use leptos::prelude::*;

/// One page of a library search.
#[server]
pub async fn library_search(params: Params) -> Result<LibraryPage, AppError> {
    use crate::state::AppState;
    let state = AppState::current()?;
    super::search::search(&state.db, &state.regions, &state.search, &params)
        .await
        .map_err(|e| match e {
            super::search::LibraryError::NotReady(_) => AppError::SearchIndexBuilding,
            e => AppError::internal("searching the library failed", e),
        })
}
