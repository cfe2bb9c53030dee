//! The page of the link sent to a new address (`/signup/{token}`): whoever opens it owns
//! the address, chooses a password, and the account (and, for a registration, the
//! charity) is opened. The form posts to `post.rs`.

#[cfg(feature = "ssr")]
pub mod post;

use crate::components::form::{ErrorSummary, Field};
use crate::components::lang::use_lang;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// What an open sign-up link will create, as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignUpLinkView {
    /// The address, partly hidden: `d***@example.org`.
    pub address: String,
    pub display_name: String,
    /// For a charity registration: the charity's name.
    pub charity: Option<String>,
}

/// The open sign-up link with this token, if there is one.
#[server]
pub async fn sign_up_link(token: String) -> Result<Option<SignUpLinkView>, AppError> {
    use crate::accounts::requests::{self, Purpose};
    let state = crate::state::AppState::current()?;
    let found = requests::open(&state.db, &token, chrono::Utc::now())
        .await
        .map_err(|e| AppError::internal("opening a sign-up link failed", e))?;
    Ok(found.map(|r| SignUpLinkView {
        address: requests::masked(&r.name),
        display_name: r.display_name,
        charity: (r.purpose == Purpose::Charity).then(|| {
            crate::organizations::CharityDetails::from_json(&r.details)
                .map(|d| d.name)
                .unwrap_or_default()
        }),
    }))
}

#[component]
pub fn ConfirmSignUpPage() -> impl IntoView {
    let lang = use_lang();
    let token = use_params_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let action = crate::routes::SIGN_UP_CONFIRM.to([&token]);
    let link = Resource::new(move || token.clone(), sign_up_link);
    view! {
        <Title text=lang.pick("完成注册 · 善桥", "Finish signing up · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("设置密码，完成注册", "Choose a password to finish")}</h1>
            <Suspense fallback=|| ()>
                {move || {
                    let action = action.clone();
                    Suspend::new(async move {
                        match link.await.ok().flatten() {
                            Some(view_of) => view! {
                                <p data-testid="sign-up-for">
                                    {match view_of.charity {
                                        Some(charity) => format!(
                                            "{}{}{}{}",
                                            lang.pick("注册慈善组织：", "Registering the charity: "),
                                            charity,
                                            lang.pick("；管理员账号 ", "; admin account "),
                                            view_of.address,
                                        ),
                                        None => format!(
                                            "{}{}（{}）",
                                            lang.pick("捐赠人账号 ", "Donor account "),
                                            view_of.address,
                                            view_of.display_name,
                                        ),
                                    }}
                                </p>
                                <ErrorSummary/>
                                <form method="post" action=action class="stack" novalidate>
                                    <Field name="password" label=lang.pick("密码", "Password") kind="password" autocomplete="new-password" hint=lang.pick("至少 10 个字符。", "At least 10 characters.")/>
                                    <Field name="password_confirmation" label=lang.pick("再次输入密码", "Password again") kind="password" autocomplete="new-password"/>
                                    <button type="submit" class="button">{lang.pick("完成注册", "Finish")}</button>
                                </form>
                            }
                            .into_any(),
                            None => {
                                super::not_found::set_not_found_status();
                                view! {
                                    <ErrorSummary/>
                                    <p role="alert">
                                        {lang.pick(
                                            "该注册链接无效、已使用或已过期。",
                                            "This sign-up link is invalid, used or expired.",
                                        )}
                                        " "
                                        <a href=crate::routes::SIGN_UP.url()>{lang.pick("重新注册", "Sign up again")}</a>
                                    </p>
                                }
                                .into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
