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

/// How many unread notifications the signed-in user has (the server's session
/// middleware counts them), if anyone is signed in.
pub fn use_unread() -> Option<u64> {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| {
                parts
                    .extensions
                    .get::<crate::alerts::UnreadCount>()
                    .copied()
            })
            .map(|n| n.0)
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// Sends the reader to sign in, then back to `next` (on the server: 303 and Location).
pub fn redirect_to_sign_in(next: &str) {
    #[cfg(feature = "ssr")]
    {
        leptos_axum::redirect(&format!("/signin?next={next}"));
        set_status(303);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = next;
}

/// Sets the status of the response being rendered (on the server).
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(code),
    ) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
