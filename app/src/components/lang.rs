//! The reader's language inside components.

use crate::i18n::Lang;
use leptos::prelude::*;

/// The language of the current page.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// On the server: the language from the request's `lang` cookie. In the browser:
/// whatever the page was rendered in.
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = use_context::<axum::http::request::Parts>() {
            return Lang::of_request(&parts.headers);
        }
    }
    use_context::<Lang>().unwrap_or_default()
}
