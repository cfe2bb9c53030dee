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
            view! { <crate::components::form::RefusalPage error=e/> }.into_any()
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
    // Loaded here, beside the office, not inside the Suspense that shows it: a resource
    // created in a Suspense's children can leave the response hanging (leptos#4866).
    let publishing = Resource::new(|| (), |_| crate::organizations::office_publishing());
    let loads = crate::components::portal::PortalResources::new(
        crate::domain::organization::OrganizationKind::CivilAffairs,
    );
    view! {
        <Title text=lang.pick("民政工作台 · 善桥", "Office portal · Shanqiao")/>
        <Suspense fallback=|| ()>
            {move || {
                Suspend::new(async move {
                    let snippets = publishing.await.ok();
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
                                <Portal org registered=false loads/>
                                {snippets.map(|p| view! { <Publishing p/> })}
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

/// Publishing on the office's own portal: the embed snippets to paste, and the export of
/// its region's figures.
#[component]
fn Publishing(p: crate::organizations::PortalSnippets) -> impl IntoView {
    let lang = use_lang();
    view! {
                    <section class="publishing" aria-labelledby="publishing-heading">
                        <h2 id="publishing-heading">{lang.pick("在本单位门户网站发布", "Publish on your own portal")}</h2>
                        <p>{lang.pick(
                            "把下面的代码粘贴到政府门户网站的页面中，即可展示本辖区（",
                            "Paste this code into a page of your government portal to show the open needs and funds of your region (",
                        )}{p.region_name.clone()}{lang.pick(
                            "）待帮扶的需求和正在募集的基金，内容随善桥实时更新。门户网站的域名需由平台管理员加入允许嵌入的名单（SHANQIAO_EMBED_ORIGINS）。",
                            "), always current. The portal's origin must be on the platform's list of sites allowed to embed (SHANQIAO_EMBED_ORIGINS).",
                        )}</p>
                        <label for="embed-needs">{lang.pick("需求列表", "Open needs")}</label>
                        <textarea id="embed-needs" readonly rows="3" lang="zh-CN" data-testid="embed-needs-snippet">{crate::components::form::textarea_text(&p.needs_snippet)}</textarea>
                        <label for="embed-funds">{lang.pick("基金与项目", "Funds and projects")}</label>
                        <textarea id="embed-funds" readonly rows="3" lang="zh-CN">{crate::components::form::textarea_text(&p.funds_snippet)}</textarea>
                        <p>
                            <a href=p.figures_csv.clone() download="">{lang.pick("导出本辖区统计数据（CSV）", "Export your region's figures (CSV)")}</a>
                            " · "
                            <a href=format!("{}?region={}", crate::routes::TRANSPARENCY.url(), p.region_code)>{lang.pick("查看本辖区公开数据看板", "See your region's dashboard")}</a>
                        </p>
                    </section>
    }
}
