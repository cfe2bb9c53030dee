//! The HTML shell and the page routes (their paths are checked against `routes::PAGES`).

use crate::assets::Assets;
use crate::components::layout::Layout;
use crate::i18n::Lang;
use crate::pages::account::{AccountPage, SignInPage, SignUpPage};
use crate::pages::admin::{AdminCharitiesPage, AdminOfficesPage, AdminUsersPage};
use crate::pages::alerts::{AlertsPage, NotificationsPage, UnsubscribePage};
use crate::pages::charities::{CharitiesPage, CharityPublicPage};
use crate::pages::charity::claims::{ClaimNeedPage, ClaimPage, SupplyProfilePage};
use crate::pages::charity::money::{CharityFundPage, CharityFundsPage, CharityPledgesPage};
use crate::pages::charity::{CharityPortalPage, CharityRegisterPage};
use crate::pages::confirm::ConfirmSignUpPage;
use crate::pages::funds::{FundPage, FundsPage, PledgePage};
use crate::pages::invitation::InvitationPage;
use crate::pages::office::{
    EditNeedPage, ImportNeedsPage, NewNeedPage, OfficeNeedPage, OfficeNeedsPage, OfficePortalPage,
};
use crate::pages::open_data::OpenDataPage;
use crate::pages::reset::ResetPasswordPage;
use crate::pages::transparency::TransparencyPage;
use crate::pages::{home::HomePage, library::LibraryPage, need::NeedPage, not_found::NotFound};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use std::sync::Arc;

/// The document around every page. Only islands are hydrated; everything else is plain
/// server-rendered HTML that works without JavaScript.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = crate::components::lang::request_lang();
    let assets = Assets::of_site(&options.site_root);
    provide_context(assets.clone());
    provide_context(lang);
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#b3261e"/>
                <IslandScripts assets=assets.clone()/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// What Leptos's `HydrationScripts` does for islands, with the content-hashed file names
/// and a loader that fetches nothing on a page without islands (most public pages).
#[component]
fn IslandScripts(assets: Arc<Assets>) -> impl IntoView {
    // Outside islands nothing is hydrated: no hydration markers in the HTML.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let nonce = leptos::nonce::use_nonce();
    view! { <script type="module" nonce=nonce>{assets.island_loader()}</script> }
}

/// The application: layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = use_context::<Lang>().unwrap_or_default();
    let stylesheet = use_context::<Arc<Assets>>()
        .unwrap_or_else(|| Arc::new(Assets::from_manifest("")))
        .css_url();
    view! {
        <Stylesheet id="leptos" href=stylesheet/>
        <Link rel="icon" href="/favicon.ico"/>
        <Meta
            name="description"
            content=lang.pick(
                "善桥：民政部门发布困难群众的匿名化个性化需求，慈善组织认领，爱心人士认捐，善款去向可追溯。",
                "Shanqiao: civil-affairs offices publish anonymized needs of families in hardship; charities claim them, donors pledge, and every yuan can be traced.",
            )
        />
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/needs") view=LibraryPage ssr=SsrMode::Async/>
                    <Route path=path!("/needs/:code") view=NeedPage ssr=SsrMode::Async/>
                    <Route path=path!("/funds") view=FundsPage ssr=SsrMode::Async/>
                    <Route path=path!("/funds/:id") view=FundPage ssr=SsrMode::Async/>
                    <Route path=path!("/pledges/:token") view=PledgePage ssr=SsrMode::Async/>
                    <Route path=path!("/transparency") view=TransparencyPage ssr=SsrMode::Async/>
                    <Route path=path!("/open-data") view=OpenDataPage/>
                    <Route path=path!("/charities") view=CharitiesPage ssr=SsrMode::Async/>
                    <Route path=path!("/charities/:slug") view=CharityPublicPage ssr=SsrMode::Async/>
                    <Route path=path!("/charity/funds") view=CharityFundsPage ssr=SsrMode::Async/>
                    <Route path=path!("/charity/funds/:id") view=CharityFundPage ssr=SsrMode::Async/>
                    <Route path=path!("/charity/pledges") view=CharityPledgesPage ssr=SsrMode::Async/>
                    <Route path=path!("/signin") view=SignInPage/>
                    <Route path=path!("/signup") view=SignUpPage/>
                    <Route path=path!("/signup/:token") view=ConfirmSignUpPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/charity/register") view=CharityRegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/charity") view=CharityPortalPage ssr=SsrMode::Async/>
                    <Route path=path!("/charity/profile") view=SupplyProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("/charity/alerts") view=AlertsPage ssr=SsrMode::Async/>
                    <Route path=path!("/notifications") view=NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/unsubscribe/:token") view=UnsubscribePage ssr=SsrMode::Async/>
                    <Route path=path!("/charity/needs/:code/claim") view=ClaimNeedPage ssr=SsrMode::Async/>
                    <Route path=path!("/charity/claims/:id") view=ClaimPage ssr=SsrMode::Async/>
                    <Route path=path!("/invitations/:token") view=InvitationPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/charities") view=AdminCharitiesPage ssr=SsrMode::Async/>
                    <Route path=path!("/office/needs") view=OfficeNeedsPage ssr=SsrMode::Async/>
                    <Route path=path!("/office/needs/new") view=NewNeedPage ssr=SsrMode::Async/>
                    <Route path=path!("/office/needs/import") view=ImportNeedsPage ssr=SsrMode::Async/>
                    <Route path=path!("/office/needs/:code/edit") view=EditNeedPage ssr=SsrMode::Async/>
                    <Route path=path!("/office/needs/:code") view=OfficeNeedPage ssr=SsrMode::Async/>
                    <Route path=path!("/office") view=OfficePortalPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view=AdminUsersPage/>
                    <Route path=path!("/admin/offices") view=AdminOfficesPage/>
                    <Route path=path!("/reset/:token") view=ResetPasswordPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}

/// The page's Content-Security-Policy: scripts only from this site or inline with this
/// response's nonce (Leptos puts it on its hydration scripts), wasm allowed, nothing
/// framed, forms only to this site.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use axum::http::{header, HeaderValue};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = page_policy(&nonce.to_string());
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The Content-Security-Policy of a page whose inline scripts carry `nonce`.
#[cfg(feature = "ssr")]
pub fn page_policy(nonce: &str) -> String {
    policy_with_scripts(&format!("'nonce-{nonce}'"))
}

/// The Content-Security-Policy of a page served from the page cache: its inline scripts
/// are allowed by their hashes (`'sha256-…'` sources), since a stored page carries no
/// per-response nonce.
#[cfg(feature = "ssr")]
pub fn page_policy_hashed(hashes: &[String]) -> String {
    policy_with_scripts(&hashes.join(" "))
}

#[cfg(feature = "ssr")]
fn policy_with_scripts(inline: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' {inline} 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}
