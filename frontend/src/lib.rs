//! The browser entry point: hydrates the islands of a server-rendered page.

/// Called by the hydration script that the server puts into every page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Referencing the app crate keeps its islands' wasm exports in the bundle
    // (see leptos issue #2083 on islands in a workspace).
    #[allow(unused_imports)]
    use app::*;
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
