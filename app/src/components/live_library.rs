//! With JavaScript, the library's search, filters, sort and pages update the results in
//! place: this island catches the library's own links and forms, fetches the same
//! server-rendered page, swaps in its results and puts the URL in the history (so links
//! stay shareable and the back button works). Without JavaScript, or when anything goes
//! wrong, the links and the GET form work as they are.

use leptos::prelude::*;

/// The id of the element whose content is swapped (rendered by the library page).
pub const BODY_ID: &str = "library-body";

#[island]
pub fn LiveLibrary(children: Children) -> impl IntoView {
    // Effects run only in the browser: marks the island as working (tests wait for it).
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    #[cfg(feature = "hydrate")]
    {
        let _ = window_event_listener(leptos::ev::popstate, |_| {
            let location = leptos::prelude::window().location();
            let path = location.pathname().unwrap_or_default();
            if path == crate::routes::LIBRARY.url() {
                let search = location.search().unwrap_or_default();
                browser::show(format!("{path}{search}"), false);
            }
        });
    }
    view! {
        <div
            class="library-live"
            data-live=move || live.get().then_some("true")
            on:click=move |ev| {
                #[cfg(feature = "hydrate")]
                browser::on_click(ev);
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            }
            on:submit=move |ev| {
                #[cfg(feature = "hydrate")]
                browser::on_submit(ev.into());
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            }
            on:change=move |ev| {
                #[cfg(feature = "hydrate")]
                browser::on_change(ev);
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            }
        >
            {children()}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::BODY_ID;
    use wasm_bindgen::JsCast;
    use web_sys::{
        DomParser, Element, Event, FormData, HtmlElement, HtmlFormElement, HtmlSelectElement,
        MouseEvent, SupportedType, UrlSearchParams,
    };

    /// A link to the library (a facet, a page, a suggestion) opens in place, unless the
    /// reader asked for a new tab or window.
    pub fn on_click(ev: MouseEvent) {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return;
        }
        let Some(anchor) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
        else {
            return;
        };
        let href = anchor.get_attribute("href").unwrap_or_default();
        if is_library(&href) && anchor.get_attribute("target").is_none() {
            ev.prevent_default();
            show(href, true);
        }
    }

    /// The search form (a GET form to the library) searches in place.
    pub fn on_submit(ev: Event) {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        if let Some(url) = form_url(&form) {
            ev.prevent_default();
            show(url, true);
        }
    }

    /// Choosing another sort applies it at once (without JavaScript, the button does).
    pub fn on_change(ev: Event) {
        let Some(select) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        else {
            return;
        };
        if let Some(url) = select.form().as_ref().and_then(form_url) {
            show(url, true);
        }
    }

    fn is_library(href: &str) -> bool {
        let library = crate::routes::LIBRARY.url();
        href == library || href.starts_with(&format!("{library}?"))
    }

    /// Where a GET form to the library goes, with its fields as the query.
    fn form_url(form: &HtmlFormElement) -> Option<String> {
        let action = form.get_attribute("action").unwrap_or_default();
        let get = form.method().eq_ignore_ascii_case("get");
        if !get || !is_library(&action) {
            return None;
        }
        let data = FormData::new_with_form(form).ok()?;
        let query = UrlSearchParams::new_with_str_sequence_sequence(data.as_ref()).ok()?;
        Some(format!(
            "{}?{}",
            crate::routes::LIBRARY.url(),
            String::from(query.to_string())
        ))
    }

    /// Fetches `url` and swaps its results in; `push`: a new history entry (not when
    /// going back or forward). Anything unexpected: the browser simply goes there.
    pub fn show(url: String, push: bool) {
        leptos::task::spawn_local(async move {
            let body = body();
            if let Some(b) = &body {
                let _ = b.set_attribute("aria-busy", "true");
            }
            match fetch_body(&url).await {
                Some((html, title)) => {
                    let Some(b) = body else { return };
                    b.set_inner_html(&html);
                    let _ = b.remove_attribute("aria-busy");
                    let document = leptos::prelude::document();
                    document.set_title(&title);
                    if push {
                        if let Ok(history) = leptos::prelude::window().history() {
                            let _ = history.push_state_with_url(
                                &wasm_bindgen::JsValue::NULL,
                                "",
                                Some(&url),
                            );
                        }
                    }
                    // Keyboard and screen-reader users land on the new count.
                    if let Some(count) = document
                        .get_element_by_id("library-count")
                        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
                    {
                        let _ = count.focus();
                    }
                }
                None => {
                    let _ = leptos::prelude::window().location().assign(&url);
                }
            }
        });
    }

    fn body() -> Option<Element> {
        leptos::prelude::document().get_element_by_id(BODY_ID)
    }

    /// The new page's results (the inner HTML of its body element) and title.
    async fn fetch_body(url: &str) -> Option<(String, String)> {
        let response =
            wasm_bindgen_futures::JsFuture::from(leptos::prelude::window().fetch_with_str(url))
                .await
                .ok()?
                .dyn_into::<web_sys::Response>()
                .ok()?;
        if !response.ok() {
            return None;
        }
        let text = wasm_bindgen_futures::JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        let parsed = DomParser::new()
            .ok()?
            .parse_from_string(&text, SupportedType::TextHtml)
            .ok()?;
        let html = parsed.get_element_by_id(BODY_ID)?.inner_html();
        Some((html, parsed.title()))
    }
}
