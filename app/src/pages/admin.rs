//! The platform admin's verification queue of charities.

use crate::components::form::ErrorSummary;
use crate::components::lang::use_lang;
use crate::error::AppError;
use crate::organizations::{pending_charities, PendingCharity};
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
                        #[cfg(feature = "ssr")]
                        {
                            leptos_axum::redirect("/signin?next=/admin/charities");
                            if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
                                r.set_status(axum::http::StatusCode::SEE_OTHER);
                            }
                        }
                        view! { <p>{lang.pick("请先登录。", "Please sign in first.")}</p> }.into_any()
                    }
                    Err(e) => {
                        #[cfg(feature = "ssr")]
                        if e == AppError::Forbidden {
                            if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
                                r.set_status(axum::http::StatusCode::FORBIDDEN);
                            }
                        }
                        view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn PendingItem(charity: PendingCharity) -> impl IntoView {
    let lang = use_lang();
    let verify_action = format!("/admin/charities/{}/verify", charity.id);
    let reject_action = format!("/admin/charities/{}/reject", charity.id);
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
