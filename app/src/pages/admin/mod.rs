//! The platform admin's pages: the verification queue of charities, account tools and
//! offices. The forms post to the actions in `post.rs`.

#[cfg(feature = "ssr")]
pub mod post;

use crate::components::form::{ErrorSummary, RefusalPage};
use crate::components::lang::use_lang;
use crate::components::portal::InvitationSent;
use crate::components::session::{redirect_to_sign_in, set_status};
use crate::error::AppError;
use crate::organizations::{pending_charities, PendingCharity};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminCharitiesPage() -> impl IntoView {
    let lang = use_lang();
    let pending = Resource::new(|| (), |_| pending_charities());
    let decided = use_query_map().read_untracked().get("decided").is_some();
    view! {
            <Title text=lang.pick("慈善组织审核 · 善桥", "Charity verification · Shanqiao")/>
            <h1>{lang.pick("慈善组织审核", "Charity verification")}</h1>
            {decided.then(|| view! { <p class="notice" role="status">{lang.pick("已记录审核结果。", "Decision recorded.")}</p> })}
            <ErrorSummary/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match pending.await {
                        Ok(list) if list.is_empty() => view! {
                            <p>{lang.pick("没有待审核的机构。", "No charity is waiting for verification.")}</p>
                        }
                        .into_any(),
                        Ok(list) => view! {
                            <ul class="queue" data-testid="verification-queue">
                                {list.into_iter().map(|c| view! { <PendingItem charity=c/> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(AppError::Unauthorized) => {
                            redirect_to_sign_in("/admin/charities");
                            view! { <p>{lang.pick("请先登录。", "Please sign in first.")}</p> }.into_any()
                        }
                        Err(e) => {
                            if e == AppError::Forbidden {
        set_status(403);
    }
                            view! { <RefusalPage error=e/> }.into_any()
                        }
                    }
                })}
            </Suspense>
        }
}

#[component]
fn PendingItem(charity: PendingCharity) -> impl IntoView {
    let lang = use_lang();
    let verify_action = routes::VERIFY_CHARITY.to([&charity.id]);
    let reject_action = routes::REJECT_CHARITY.to([&charity.id]);
    let reason_id = format!("reason-{}", charity.id);
    view! {
        <li class="queue-item" data-testid="pending-charity">
            <h2>{charity.name.clone()}</h2>
            <dl class="facts">
                <div class="fact"><dt>{lang.pick("统一社会信用代码", "USCC")}</dt><dd>{charity.uscc}</dd></div>
                <div class="fact"><dt>{lang.pick("登记所在地", "Registered in")}</dt><dd>{charity.place}</dd></div>
                <div class="fact"><dt>{lang.pick("公开募捐资格", "Public fundraising")}</dt><dd>{if charity.public_fundraising { lang.pick("有", "Yes") } else { lang.pick("无", "No") }}</dd></div>
                <div class="fact"><dt>{lang.pick("提交日期", "Submitted")}</dt><dd>{charity.registered_on.format("%Y-%m-%d").to_string()}</dd></div>
            </dl>
            <p>{charity.description}</p>
            <form method="post" action=verify_action>
                <button type="submit" class="button">{lang.pick("通过认证", "Verify")}</button>
            </form>
            <form method="post" action=reject_action class="stack">
                <div class="field">
                    <label for=reason_id.clone()>{lang.pick("不通过的原因", "Reason for rejecting")}</label>
                    <input id=reason_id name="reason" type="text"/>
                </div>
                <button type="submit" class="button button-secondary">{lang.pick("不通过", "Reject")}</button>
            </form>
        </li>
    }
}

/// A link the server just issued for the admin to pass on (reset link), shown once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedResetLink(pub String);

/// The platform admin's account tools: issue a one-time password reset link.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let lang = use_lang();
    let user = crate::components::session::use_current_user();
    let Some(user) = user else {
        redirect_to_sign_in("/admin/users");
        return view! { <p>{lang.pick("请先登录。", "Please sign in first.")}</p> }.into_any();
    };
    if !user.is_platform_admin {
        set_status(403);
        return view! { <RefusalPage error=AppError::Forbidden/> }.into_any();
    }
    let link = use_context::<IssuedResetLink>();
    view! {
        <Title text=lang.pick("账号管理 · 善桥", "Accounts · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("重置用户密码", "Reset a user's password")}</h1>
            <p class="muted">
                {lang.pick(
                    "为用户生成一次性重置链接（24 小时内有效），请通过可靠渠道转交本人。",
                    "Creates a one-time reset link (valid 24 hours); pass it to the person through a channel you trust.",
                )}
            </p>
            {link.map(|IssuedResetLink(url)| view! {
                <div class="notice" role="status" data-testid="reset-link">
                    <p>{lang.pick("重置链接（只显示这一次）：", "Reset link (shown only this once):")}</p>
                    <p><code>{url}</code></p>
                </div>
            })}
            <ErrorSummary/>
            <form method="post" action=routes::ISSUE_RESET_LINK.url() class="stack" novalidate>
                <crate::components::form::Field name="account" label=lang.pick("用户的邮箱或手机号", "The user's e-mail or mobile number") autocomplete="off"/>
                <button type="submit" class="button">{lang.pick("生成重置链接", "Create reset link")}</button>
            </form>
        </section>
    }
    .into_any()
}

/// The platform admin creates civil-affairs offices, each with an invitation for its
/// first office admin.
#[component]
pub fn AdminOfficesPage() -> impl IntoView {
    use crate::components::form::Field;
    let lang = use_lang();
    let Some(user) = crate::components::session::use_current_user() else {
        redirect_to_sign_in("/admin/offices");
        return view! { <p>{lang.pick("请先登录。", "Please sign in first.")}</p> }.into_any();
    };
    if !user.is_platform_admin {
        set_status(403);
        return view! { <RefusalPage error=AppError::Forbidden/> }.into_any();
    }
    let sent = use_context::<InvitationSent>();
    view! {
        <Title text=lang.pick("民政部门管理 · 善桥", "Offices · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("新建民政部门", "Create a civil-affairs office")}</h1>
            {sent.map(|InvitationSent(email)| view! {
                <div class="notice" role="status" data-testid="invitation-sent">
                    <p>{lang.pick("已创建。部门管理员的邀请已发送至 ", "Created. The office admin's invitation was sent to ")}<strong>{email}</strong>{lang.pick(
                        "（7 天内有效，只能使用一次）。",
                        " (valid 7 days, once).",
                    )}</p>
                </div>
            })}
            <ErrorSummary/>
            <form method="post" action=routes::ADMIN_OFFICES.url() class="stack" novalidate>
                <Field name="name" label=lang.pick("部门名称", "Office name") hint=lang.pick("例如“梨树县民政局”。", "For example “Lishu County Civil Affairs Bureau”.")/>
                <Field name="region_code" label=lang.pick("辖区行政区划代码", "Region code (GB/T 2260)") hint=lang.pick("6 位，例如 220322。", "6 digits, e.g. 220322.")/>
                <Field name="admin_email" label=lang.pick("部门管理员邮箱", "Office admin's e-mail") kind="email"/>
                <button type="submit" class="button">{lang.pick("创建并发送邀请", "Create and send the invitation")}</button>
            </form>
        </section>
    }
    .into_any()
}
