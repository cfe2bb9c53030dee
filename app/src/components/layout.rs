//! Header, navigation and footer around every page.

use super::lang::use_lang;
use super::session::{use_current_user, use_unread};
use crate::routes;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let here = location.pathname.get_untracked();
    let other = lang.other();
    let account_link = match use_current_user() {
        Some(user) => {
            let unread = use_unread().unwrap_or(0);
            let bell = crate::pages::alerts::bell_label(unread, lang);
            let has_unread = unread > 0;
            view! {
                <a href="/notifications" class="bell" class:bell-unread=has_unread aria-label=bell.clone() title=bell aria-current=(here == "/notifications").then_some("page") data-testid="bell">
                    <span aria-hidden="true">"🔔"</span>
                    <span class="bell-count" aria-hidden="true" data-testid="bell-count">{unread}</span>
                </a>
                " "
                <a href="/account" aria-current=(here == "/account").then_some("page") data-testid="account-link">
                    {user.display_name}
                </a>
            }
            .into_any()
        }
        None => view! {
            <a href="/signin" aria-current=(here == "/signin").then_some("page")>
                {lang.pick("登录", "Sign in")}
            </a>
        }
        .into_any(),
    };
    let switch_href = format!("/lang/{}?back={}", other.code(), urlencode(&here));
    view! {
        <a class="skip-link" href="#main">{lang.pick("跳到正文", "Skip to content")}</a>
        <header class="site-header">
            <div class="wrap header-row">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"善"</span>
                    <span class="brand-name">{lang.pick("善桥", "Shanqiao")}</span>
                </a>
                <nav class="site-nav" aria-label=lang.pick("主导航", "Main")>
                    <ul>
                        <li>
                            <a href="/" aria-current=(here == "/").then_some("page")>
                                {lang.pick("首页", "Home")}
                            </a>
                        </li>
                        <li>
                            <a href=routes::LIBRARY.url() aria-current=(here == routes::LIBRARY.url()).then_some("page")>{lang.pick("需求信息库", "Needs library")}</a>
                        </li>
                        <li>
                            <a href=routes::FUNDS.url() aria-current=(here == routes::FUNDS.url()).then_some("page")>{lang.pick("基金与项目", "Funds")}</a>
                        </li>
                        <li>
                            <a href=routes::TRANSPARENCY.url() aria-current=(here == routes::TRANSPARENCY.url()).then_some("page")>{lang.pick("公开透明", "Transparency")}</a>
                        </li>
                        <li>{account_link}</li>
                        <li>
                            <a href=switch_href lang=other.tag() hreflang=other.tag() data-testid="lang-switch">
                                {lang.pick("English", "中文")}
                            </a>
                        </li>
                    </ul>
                </nav>
            </div>
        </header>
        <main id="main" class="wrap" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <div class="wrap">
                <p>
                    {lang.pick(
                        "善桥连接政府社会救助与慈善资源。页面展示的需求均已匿名化：不含姓名、证件号、联系方式或详细住址，地点只到县（区）。",
                        "Shanqiao links government social assistance with charity. Every need shown here is anonymized: no names, ID numbers, contact details or exact addresses, and places go no finer than the county.",
                    )}
                </p>
                <nav aria-label=lang.pick("更多", "More")>
                    <ul class="footer-links">
                        <li><a href=routes::CHARITIES.url()>{lang.pick("慈善组织名录", "Charity directory")}</a></li>
                        <li><a href=routes::TRANSPARENCY.url()>{lang.pick("公开透明", "Transparency")}</a></li>
                        <li><a href=routes::OPEN_DATA.url()>{lang.pick("开放数据", "Open data")}</a></li>
                    </ul>
                </nav>
            </div>
        </footer>
    }
}

/// Percent-encodes a path for a query parameter.
fn urlencode(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
