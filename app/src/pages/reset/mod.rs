//! Setting a new password through a one-time reset link. The form posts to `post.rs`.

#[cfg(feature = "ssr")]
pub mod post;

use crate::components::form::{ErrorSummary, Field};
use crate::components::lang::use_lang;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Whether a reset link is still usable.
#[server]
pub async fn reset_link_open(token: String) -> Result<bool, AppError> {
    let state = crate::state::AppState::current()?;
    crate::accounts::resets::is_open(&state.db, &token, chrono::Utc::now())
        .await
        .map_err(|e| AppError::internal("checking a reset link failed", e))
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let lang = use_lang();
    let token = use_params_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let action = crate::routes::RESET_PASSWORD.to([&token]);
    let open = Resource::new(move || token.clone(), reset_link_open);
    view! {
        <Title text=lang.pick("重置密码 · 善桥", "Reset password · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("设置新密码", "Choose a new password")}</h1>
            <Suspense fallback=|| ()>
                {move || {
                    let action = action.clone();
                    Suspend::new(async move {
                        if open.await.unwrap_or(false) {
                            view! {
                                <ErrorSummary/>
                                <form method="post" action=action class="stack" novalidate>
                                    <Field name="password" label=lang.pick("新密码", "New password") kind="password" autocomplete="new-password" hint=lang.pick("至少 10 个字符。", "At least 10 characters.")/>
                                    <Field name="password_confirmation" label=lang.pick("再次输入新密码", "New password again") kind="password" autocomplete="new-password"/>
                                    <button type="submit" class="button">{lang.pick("保存新密码", "Save the new password")}</button>
                                </form>
                            }
                            .into_any()
                        } else {
                            super::not_found::set_not_found_status();
                            view! {
                                <p role="alert">
                                    {lang.pick(
                                        "重置链接无效、已使用或已过期，请联系平台管理员。",
                                        "This reset link is invalid, used or expired; ask a platform admin for a new one.",
                                    )}
                                </p>
                            }
                            .into_any()
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
