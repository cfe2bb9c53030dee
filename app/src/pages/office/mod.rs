//! The office portal (`/office`): the office with its staff and tokens, the needs of
//! its region by state, one need with its review actions, the editor and the import.

pub mod editor;
pub mod import;
mod needs;
#[cfg(feature = "ssr")]
pub mod post;
pub mod workspace;

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
pub(crate) fn denied(e: AppError, next: &str, lang: crate::i18n::Lang) -> AnyView {
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
            view! { <crate::components::form::Refusal error=e/> }.into_any()
        }
    }
}

/// The office portal: the office, its staff, inviting staff and API tokens.
#[component]
pub fn OfficePortalPage() -> impl IntoView {
    use crate::components::portal::Portal;
    use crate::organizations::my_office;
    let lang = use_lang();
    let office = Resource::new(|| (), |_| my_office());
    view! {
        <Title text=lang.pick("民政工作台 · 善桥", "Office portal · Shanqiao")/>
        <Suspense fallback=|| ()>
            {move || {
                Suspend::new(async move {
                    match office.await {
                        Ok(org) => {
                            let is_admin = org.my_role == crate::domain::organization::Role::OfficeAdmin;
                            let days = org.review_time_limit_days;
                            view! {
                                <nav class="portal-nav" aria-label=lang.pick("需求管理", "Needs")>
                                    <a class="button" href=crate::routes::NEW_NEED.url()>{lang.pick("新建需求", "New need")}</a>
                                    " "
                                    <a href="/office/needs">{lang.pick("本辖区需求", "Needs of our region")}</a>
                                    " · "
                                    <a href="/office/needs?status=in_review">{lang.pick("待审核", "Awaiting review")}</a>
                                    " · "
                                    <a href=crate::routes::IMPORT_NEEDS.url()>{lang.pick("批量导入", "Import CSV")}</a>
                                </nav>
                                <Portal org registered=false/>
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
                                {crate::components::form::use_form_reply().form_error.map(|_| view! { <crate::components::form::Refusal error=AppError::Forbidden/> })}
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
            <form method="post" action=crate::routes::OFFICE_SETTINGS.url() class="stack" novalidate>
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

/// The signed-in staff member, or why not: sign in first, or refused (403) when the
/// account belongs to no civil-affairs office.
#[cfg(feature = "ssr")]
pub(crate) async fn signed_in_staff(
    state: &crate::state::AppState,
    viewer: crate::action::Viewer,
    page: &str,
) -> Result<crate::needs::staff::Staff, crate::action::Refused> {
    use crate::action::{Refused, Rejection};
    let user = viewer.signed_in(page)?;
    let staff = crate::needs::staff::Staff::of_user(&state.db, user.id)
        .await
        .map_err(|e| Refused::page(page, Rejection::internal("loading staff offices failed", e)))?;
    if staff.is_staff() {
        Ok(staff)
    } else {
        Err(Refused::page(page, Rejection::forbidden()))
    }
}
