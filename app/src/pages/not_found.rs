//! The 404 page.

use crate::components::lang::use_lang;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    let lang = use_lang();
    set_not_found_status();
    view! {
        <Title text=lang.pick("页面不存在 · 善桥", "Page not found · Shanqiao")/>
        <section class="not-found">
            <h1>{lang.pick("页面不存在", "Page not found")}</h1>
            <p>
                {lang.pick(
                    "您访问的页面不存在，或该需求已撤回、尚未公开。",
                    "This page does not exist, or the need was withdrawn or is not public.",
                )}
            </p>
            <p>
                <a href="/">{lang.pick("返回首页", "Back to the home page")}</a>
            </p>
        </section>
    }
}

/// Makes the response a 404 (on the server; the page must be rendered with
/// `SsrMode::Async` for this to reach the status line when called after an await).
pub fn set_not_found_status() {
    crate::components::session::set_status(404);
}
