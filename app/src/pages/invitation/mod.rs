//! Accepting an invitation (`/invitations/{token}`): choose a name and a password, or,
//! when the invited address has an account, accept signed in as it; then land in the
//! organization's portal. Only the invited address receives the link.

#[cfg(feature = "ssr")]
pub mod post;

use crate::accounts::FormReply;
use crate::components::form::{use_form_reply, ErrorSummary, Field};
use crate::components::lang::use_lang;
use crate::organizations::open_invitation;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InvitationPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let token = params.read_untracked().get("token").unwrap_or_default();
    let action = routes::INVITATION.to([&token]);
    let invitation = Resource::new(move || token.clone(), open_invitation);
    let reply: FormReply = use_form_reply();
    let form_error = reply.form_error.map(|p| p.message(lang));
    view! {
        <Title text=lang.pick("接受邀请 · 善桥", "Accept an invitation · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("接受邀请", "Accept an invitation")}</h1>
            <Suspense fallback=|| ()>
                {move || {
                    let action = action.clone();
                    let form_error = form_error;
                    Suspend::new(async move {
                        match invitation.await {
                            Ok(inv) => view! {
                                <p data-testid="invitation">
                                    {lang.pick("您受邀以“", "You are invited to join ")}
                                    {inv.role.label(lang)}
                                    {lang.pick("”身份加入 ", " as the role above, at ")}
                                    <strong>{inv.organization}</strong>
                                    {lang.pick("。登录账号：", ". Your sign-in: ")}{inv.email}
                                </p>
                                <ErrorSummary/>
                                {match (inv.has_account, inv.signed_in_as_invitee) {
                                    (true, true) => view! {
                                        <form method="post" action=action class="stack">
                                            <input type="hidden" name="as_signed_in" value="1"/>
                                            <button type="submit" class="button">{lang.pick("以当前账号接受邀请", "Accept with this account")}</button>
                                        </form>
                                    }
                                    .into_any(),
                                    (true, false) => view! {
                                        <p data-testid="sign-in-to-accept">
                                            {lang.pick(
                                                "这个邮箱已有善桥账号。请先",
                                                "This e-mail address already has a Shanqiao account. First ",
                                            )}
                                            <a href=routes::SIGN_IN.url()>{lang.pick("登录", "sign in")}</a>
                                            {lang.pick(
                                                "，再打开邮件中的邀请链接接受邀请。",
                                                ", then open the invitation link in your e-mail again to accept.",
                                            )}
                                        </p>
                                    }
                                    .into_any(),
                                    (false, _) => view! {
                                        <form method="post" action=action class="stack" novalidate>
                                            <Field name="display_name" label=lang.pick("姓名或称呼", "Name") autocomplete="name"/>
                                            <Field name="password" label=lang.pick("设置密码", "Choose a password") kind="password" autocomplete="new-password" hint=lang.pick("至少 10 个字符。", "At least 10 characters.")/>
                                            <Field name="password_confirmation" label=lang.pick("再次输入密码", "Password again") kind="password" autocomplete="new-password"/>
                                            <button type="submit" class="button">{lang.pick("接受邀请", "Accept")}</button>
                                        </form>
                                    }
                                    .into_any(),
                                }}
                            }
                            .into_any(),
                            Err(_) => {
                                super::not_found::set_not_found_status();
                                view! {
                                    <p role="alert">
                                        {form_error.unwrap_or(lang.pick(
                                            "邀请链接无效、已使用或已过期，请向机构管理员索取新的链接。",
                                            "This invitation link is invalid, used or expired; ask the organization's admin for a new one.",
                                        ))}
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
