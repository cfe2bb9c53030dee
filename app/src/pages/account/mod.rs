//! Signing up, signing in, and the signed-in person's account page. The forms post to
//! the actions in `post.rs`, which redirect on success and render the same page with a
//! `FormReply` on failure.

#[cfg(feature = "ssr")]
pub mod post;

use crate::components::form::{use_form_reply, ErrorSummary, Field};
use crate::components::lang::use_lang;
use crate::components::session::{redirect_to_sign_in, use_current_user};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Where to go after signing in: the account page when nothing is asked, a path on this
/// site when one is, and the home page for anything else (never another site).
pub fn safe_next(next: &str) -> &str {
    if next.is_empty() {
        routes::ACCOUNT.url()
    } else {
        routes::local_path(next).unwrap_or(routes::HOME.url())
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let reply = use_form_reply();
    let was_reset = query.read_untracked().get("reset").is_some();
    let next = {
        let typed = reply.value("next");
        let from_query = query.read_untracked().get("next").unwrap_or_default();
        safe_next(if typed.is_empty() {
            &from_query
        } else {
            &typed
        })
        .to_owned()
    };
    view! {
        <Title text=lang.pick("登录 · 善桥", "Sign in · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("登录", "Sign in")}</h1>
            {was_reset.then(|| view! {
                <p class="notice" role="status">{lang.pick("密码已重置，请用新密码登录。", "Your password was reset; sign in with the new one.")}</p>
            })}
            <ErrorSummary/>
            <form method="post" action=routes::SIGN_IN.url() class="stack" novalidate>
                <input type="hidden" name="next" value=next/>
                <Field
                    name="account"
                    label=lang.pick("邮箱或手机号", "E-mail or mobile number")
                    autocomplete="username"
                />
                <Field
                    name="password"
                    label=lang.pick("密码", "Password")
                    kind="password"
                    autocomplete="current-password"
                />
                <button type="submit" class="button">{lang.pick("登录", "Sign in")}</button>
            </form>
            <p>
                {lang.pick("还没有账号？", "No account yet? ")}
                <a href="/signup">{lang.pick("注册成为爱心人士", "Sign up as a donor")}</a>
            </p>
            <p class="muted">
                {lang.pick(
                    "民政部门工作人员和慈善组织成员的账号由管理员创建。",
                    "Accounts of civil-affairs staff and charity members are created by their administrators.",
                )}
            </p>
        </section>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let lang = use_lang();
    let sent = use_query_map().read_untracked().get("sent").is_some();
    view! {
        <Title text=lang.pick("注册 · 善桥", "Sign up · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("注册爱心人士账号", "Sign up as a donor")}</h1>
            {sent.then(|| view! { <LinkSent/> })}
            <ErrorSummary/>
            <form method="post" action=routes::SIGN_UP.url() class="stack" novalidate>
                <Field
                    name="account"
                    label=lang.pick("邮箱或手机号", "E-mail or mobile number")
                    autocomplete="username"
                    hint=lang.pick("用于登录，不会公开。", "Used to sign in; never shown publicly.")
                />
                <Field
                    name="display_name"
                    label=lang.pick("称呼", "Name to show")
                    autocomplete="nickname"
                    hint=lang.pick("例如“爱心人士小周”，不超过 40 个字。", "For example “A friend from Changchun”; at most 40 characters.")
                />
                <p class="field-hint">{lang.pick(
                    "我们会向这个地址发送一个链接（24 小时内有效），打开后设置密码即可完成注册。",
                    "We will send a link to this address (valid 24 hours); open it to choose a password and finish.",
                )}</p>
                <button type="submit" class="button">{lang.pick("发送注册链接", "Send the sign-up link")}</button>
            </form>
            <p>
                {lang.pick("已有账号？", "Already registered? ")}
                <a href="/signin">{lang.pick("登录", "Sign in")}</a>
            </p>
        </section>
    }
}

/// The answer to a sign-up or registration: the same whether or not the address was
/// registered already (its owner's inbox tells them which).
#[component]
pub fn LinkSent() -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="notice" role="status" data-testid="link-sent">
            <p>{lang.pick(
                "我们已向您填写的邮箱或手机号发送了一条消息。请在 24 小时内打开其中的链接，设置密码完成注册。",
                "We have sent a message to the e-mail address or mobile number you gave. Open the link in it within 24 hours to choose a password and finish.",
            )}</p>
            <p>{lang.pick(
                "如果这个地址已经注册过，消息会告诉您如何登录。没有收到？请检查垃圾邮件，或稍后再试一次。",
                "If the address is registered already, the message says how to sign in. Nothing arrived? Check your spam folder, or try again a little later.",
            )}</p>
        </div>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let Some(user) = use_current_user() else {
        redirect_to_sign_in("/account");
        return view! { <p>{lang.pick("请先登录。", "Please sign in first.")}</p> }.into_any();
    };
    let changed = query.read_untracked().get("changed").is_some();
    let welcome = query.read_untracked().get("welcome").is_some();
    view! {
        <Title text=lang.pick("我的账户 · 善桥", "My account · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("我的账户", "My account")}</h1>
            {welcome.then(|| view! {
                <p class="notice" role="status">{lang.pick("注册成功，欢迎加入善桥！", "Welcome to Shanqiao: your account is ready.")}</p>
            })}
            {changed.then(|| view! {
                <p class="notice" role="status">{lang.pick("密码已修改。", "Your password was changed.")}</p>
            })}
            <p data-testid="signed-in-as">
                {lang.pick("当前登录：", "Signed in as ")}<strong>{user.display_name}</strong>
            </p>
            <form method="post" action=routes::SIGN_OUT.url()>
                <button type="submit" class="button button-secondary">{lang.pick("退出登录", "Sign out")}</button>
            </form>
            <h2>{lang.pick("修改密码", "Change password")}</h2>
            <ErrorSummary/>
            <form method="post" action=routes::CHANGE_PASSWORD.url() class="stack" novalidate>
                <Field
                    name="current_password"
                    label=lang.pick("当前密码", "Current password")
                    kind="password"
                    autocomplete="current-password"
                />
                <Field
                    name="new_password"
                    label=lang.pick("新密码", "New password")
                    kind="password"
                    autocomplete="new-password"
                    hint=lang.pick("至少 10 个字符。", "At least 10 characters.")
                />
                <Field
                    name="new_password_confirmation"
                    label=lang.pick("再次输入新密码", "New password again")
                    kind="password"
                    autocomplete="new-password"
                />
                <button type="submit" class="button">{lang.pick("修改密码", "Change password")}</button>
            </form>
            <crate::pages::alerts::EmailChoicesSection/>
            <MyPledges/>
        </section>
    }
    .into_any()
}

/// The signed-in donor's pledges, each linking to its tracking page.
#[component]
fn MyPledges() -> impl IntoView {
    let lang = use_lang();
    let pledges = Resource::new(|| (), |_| crate::money::my_pledges());
    view! {
        <section aria-labelledby="my-pledges">
            <h2 id="my-pledges">{lang.pick("我的认捐", "My pledges")}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = pledges.await.unwrap_or_default();
                    if list.is_empty() {
                        return view! {
                            <p class="muted">{lang.pick("还没有认捐。", "No pledges yet.")}" "<a href=crate::routes::FUNDS.url()>{lang.pick("看看基金与项目", "See the funds and projects")}</a></p>
                        }.into_any();
                    }
                    view! {
                        <ul data-testid="my-pledges">
                            {list.into_iter().map(|p| {
                                let target = p.fund.as_ref().map(|f| f.1.clone()).or_else(|| p.need.as_ref().map(|n| n.0.clone())).unwrap_or_default();
                                view! {
                                    <li>
                                        <a href=crate::routes::PLEDGE.to([&p.receipt_code])>{p.receipt_code.clone()}</a>
                                        {format!(" · {target} · {} · {}", p.amount, p.status.label(lang))}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}
