//! The office portal (`/office`): the office with its staff and tokens, the needs of
//! its region by state, one need with its review actions, the editor and the import.

mod editor;
mod import;
mod needs;
mod workspace;

pub use editor::{EditNeedPage, NewNeedPage};
pub use import::ImportNeedsPage;
pub use needs::OfficeNeedsPage;
pub use workspace::OfficeNeedPage;

use crate::components::form::{ErrorSummary, Field};
use crate::components::lang::use_lang;
use crate::components::session::{redirect_to_sign_in, set_status};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// What a portal page shows when the viewer may not see it.
pub(super) fn denied(e: AppError, next: &str, lang: crate::i18n::Lang) -> AnyView {
    match e {
        AppError::Unauthorized => {
            redirect_to_sign_in(next);
            view! { <p>{lang.pick("请先登录。", "Please sign in first.")}</p> }.into_any()
        }
        AppError::NotFound => {
            set_status(404);
            view! { <crate::pages::not_found::NotFound/> }.into_any()
        }
        e => {
            if e == AppError::Forbidden {
                set_status(403);
            }
            view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any()
        }
    }
}

/// The office portal: the office, its staff, inviting staff and API tokens.
#[component]
pub fn OfficePortalPage() -> impl IntoView {
    use crate::organizations::my_office;
    use crate::pages::charity::{issued_link, Portal};
    let lang = use_lang();
    let office = Resource::new(|| (), |_| my_office());
    let invited_link = issued_link();
    view! {
        <Title text=lang.pick("民政工作台 · 善桥", "Office portal · Shanqiao")/>
        <Suspense fallback=|| ()>
            {move || {
                let invited_link = invited_link.clone();
                Suspend::new(async move {
                    match office.await {
                        Ok(org) => {
                            let is_admin = org.my_role == crate::domain::organization::Role::OfficeAdmin;
                            let days = org.review_time_limit_days;
                            view! {
                                <nav class="portal-nav" aria-label=lang.pick("需求管理", "Needs")>
                                    <a class="button" href="/office/needs/new">{lang.pick("新建需求", "New need")}</a>
                                    " "
                                    <a href="/office/needs">{lang.pick("本辖区需求", "Needs of our region")}</a>
                                    " · "
                                    <a href="/office/needs?status=in_review">{lang.pick("待审核", "Awaiting review")}</a>
                                    " · "
                                    <a href="/office/needs/import">{lang.pick("批量导入", "Import CSV")}</a>
                                </nav>
                                <Portal org registered=false invited_link/>
                                {is_admin.then(|| view! { <ReviewLimitForm days/> })}
                            }
                            .into_any()
                        }
                        Err(AppError::Unauthorized) => {
                            redirect_to_sign_in("/office");
                            view! { <p>{lang.pick("请先登录。", "Please sign in first.")}</p> }.into_any()
                        }
                        Err(AppError::NotFound) => {
                            set_status(403);
                            view! {
                                <h1>{lang.pick("民政工作台", "Office portal")}</h1>
                                <p>{lang.pick("您的账号不属于任何民政部门。", "Your account does not belong to a civil-affairs office.")}</p>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The office admin's setting: days a need may wait in review.
#[component]
fn ReviewLimitForm(days: i32) -> impl IntoView {
    let lang = use_lang();
    let reply = crate::components::form::use_form_reply();
    if reply.value("review_time_limit_days").is_empty() {
        reply
            .with_value("review_time_limit_days", &days.to_string())
            .provide();
    }
    view! {
        <section aria-labelledby="review-limit-heading">
            <h2 id="review-limit-heading">{lang.pick("审核时限", "Review time limit")}</h2>
            <ErrorSummary/>
            <form method="post" action="/office/settings" class="stack" novalidate>
                <Field
                    name="review_time_limit_days"
                    label=lang.pick("审核时限（天）", "Review time limit (days)")
                    kind="number"
                    hint=lang.pick(
                        "提交审核后超过此天数仍未处理的需求，自动退回草稿。",
                        "Needs still in review after this many days go back to draft.",
                    )
                />
                <button type="submit" class="button">{lang.pick("保存", "Save")}</button>
            </form>
        </section>
    }
}
