//! The signed-in user inside components (server-rendered pages only).

use crate::accounts::CurrentUser;
#[cfg(feature = "ssr")]
use leptos::prelude::*;

/// The user signed in on this request, if any. The server's session middleware puts it
/// into the request's extensions.
pub fn use_current_user() -> Option<CurrentUser> {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CurrentUser>().cloned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}
