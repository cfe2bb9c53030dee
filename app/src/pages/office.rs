//! The office portal's view of one need: the public copy and, clearly marked, the
//! private case data. Only staff whose office region contains the need can open it.

use super::not_found::NotFound;
use crate::components::lang::use_lang;
use crate::components::session::{redirect_to_sign_in, set_status};
use crate::error::AppError;
use crate::needs::need_for_staff;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OfficeNeedPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let code = params.read_untracked().get("code").unwrap_or_default();
    let next = format!("/office/needs/{code}");
    let need = Resource::new(move || code.clone(), need_for_staff);
    view! {
            <Suspense fallback=|| ()>
                {move || {
                    let next = next.clone();
                    Suspend::new(async move {
                        match need.await {
                            Ok(n) => {
                                let private = n.private.clone();
                                view! {
                                    <Title text=format!("{} · {}", n.public_code, lang.pick("民政工作台", "Office portal"))/>
                                    <article class="need" data-testid="office-need">
                                        <p class="need-code">{n.public_code.clone()}" · "{n.status.label(lang)}" · "{n.office.clone()}</p>
                                        <h1>{n.title.clone()}</h1>
                                        <p class="need-place">{n.place.clone()}</p>
                                        <section class="story">
                                            <h2>{lang.pick("公开内容", "Public copy")}</h2>
                                            <p>{n.story.clone()}</p>
                                        </section>
                                        {private.map(|p| view! {
                                            <section class="private-box" aria-labelledby="private-heading">
                                                <h2 id="private-heading">{lang.pick("内部信息（不公开）", "Internal information (never published)")}</h2>
                                                <dl class="facts">
                                                    <div class="fact"><dt>{lang.pick("案件编号", "Case reference")}</dt><dd>{p.case_reference}</dd></div>
                                                    <div class="fact"><dt>{lang.pick("家庭成员", "Household members")}</dt><dd>{p.household_names.join("、")}</dd></div>
                                                    <div class="fact"><dt>{lang.pick("授权记录人", "Consent recorded by")}</dt><dd>{p.consent_recorded_by}</dd></div>
                                                    <div class="fact"><dt>{lang.pick("授权日期", "Consent recorded on")}</dt><dd>{p.consent_recorded_on.format("%Y-%m-%d").to_string()}</dd></div>
                                                    <div class="fact"><dt>{lang.pick("授权范围", "Consent scope")}</dt><dd>{p.consent_scope}</dd></div>
                                                    <div class="fact"><dt>{lang.pick("授权状态", "Consent")}</dt><dd>{if p.consent_withdrawn { lang.pick("已撤回", "Withdrawn") } else { lang.pick("有效", "In force") }}</dd></div>
                                                </dl>
                                            </section>
                                        })}
                                    </article>
                                }
                                .into_any()
                            }
                            Err(AppError::Unauthorized) => {
                                redirect_to_sign_in(&next);
                                view! { <p>{lang.pick("请先登录。", "Please sign in first.")}</p> }.into_any()
                            }
                            Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                            Err(e) => {
                                if e == AppError::Forbidden {
        set_status(403);
    }
                                view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any()
                            }
                        }
                    })
                }}
            </Suspense>
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
                        Ok(org) => view! { <Portal org registered=false invited_link/> }.into_any(),
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
