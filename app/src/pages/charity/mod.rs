//! The charity side: registering a charity, and its portal (the needs that fit it, its
//! claims, funds and pledges, members, invitations, tokens).

pub mod claims;
#[cfg(feature = "ssr")]
pub mod claims_post;
pub mod money;
#[cfg(feature = "ssr")]
pub mod money_post;
#[cfg(feature = "ssr")]
pub mod post;

use crate::components::form::{use_form_reply, ErrorSummary, Field};
use crate::components::lang::use_lang;
use crate::components::portal::Portal;
use crate::components::session::redirect_to_sign_in;
use crate::error::AppError;
use crate::organizations::{my_charity, registration_regions};
use crate::pages::account::LinkSent;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CharityRegisterPage() -> impl IntoView {
    let lang = use_lang();
    let reply = use_form_reply();
    let regions = Resource::new(|| (), |_| registration_regions());
    let chosen = reply.value("region_code");
    let fundraising_checked = reply.value("public_fundraising") == "on";
    let region_error = reply.error("region_code").map(|p| p.message(lang));
    let sent = use_query_map().read_untracked().get("sent").is_some();
    view! {
        <Title text=lang.pick("慈善组织注册 · 善桥", "Register a charity · Shanqiao")/>
        <section class="form-page">
            <h1>{lang.pick("慈善组织注册", "Register a charity")}</h1>
            <p class="muted">
                {lang.pick(
                    "提交后由平台管理员核对登记信息；审核通过前，机构不能认领需求、募集善款或设立基金。",
                    "A platform admin checks the registration; until it is verified, the charity cannot claim needs, raise money or set up funds.",
                )}
            </p>
            {sent.then(|| view! { <LinkSent/> })}
            <ErrorSummary/>
            <form method="post" action=routes::CHARITY_REGISTER.url() class="stack" novalidate>
                <Field name="name" label=lang.pick("机构全称", "Full name of the charity") autocomplete="organization"/>
                <Field
                    name="uscc"
                    label=lang.pick("统一社会信用代码", "Unified social credit code")
                    hint=lang.pick("18 位，见登记证书。", "18 characters, on the registration certificate.")
                />
                <div class="field" class:field-invalid=region_error.is_some()>
                    <label for="field-region_code">{lang.pick("登记所在地", "Registered in")}</label>
                    {region_error.map(|e| view! { <p class="field-error" id="field-region_code-error">{e}</p> })}
                    <Suspense fallback=|| ()>
                        {move || {
                            let chosen = chosen.clone();
                            Suspend::new(async move {
                                let options = regions.await.unwrap_or_default();
                                view! {
                                    <select id="field-region_code" name="region_code" required>
                                        <option value="">{lang.pick("请选择省、市", "Choose a province or city")}</option>
                                        {options
                                            .into_iter()
                                            .map(|(code, label)| {
                                                let selected = code == chosen;
                                                view! { <option value=code selected=selected>{label}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                }
                            })
                        }}
                    </Suspense>
                </div>
                <div class="field field-check">
                    <label>
                        <input type="checkbox" name="public_fundraising" checked=fundraising_checked/>
                        " "
                        {lang.pick("具有公开募捐资格", "Qualified for public fundraising")}
                    </label>
                </div>
                <Field name="description" label=lang.pick("机构简介（选填）", "Description (optional)") required=false/>
                <h2>{lang.pick("机构管理员账号", "The charity's admin account")}</h2>
                <Field name="admin_account" label=lang.pick("邮箱或手机号", "E-mail or mobile number") autocomplete="username"/>
                <Field name="admin_display_name" label=lang.pick("姓名或称呼", "Name") autocomplete="name"/>
                <p class="field-hint">{lang.pick(
                    "我们会向管理员的邮箱或手机号发送一个链接（24 小时内有效），打开后设置密码，注册即告完成。",
                    "We will send a link to the admin's e-mail or mobile number (valid 24 hours); open it to choose a password and the registration is done.",
                )}</p>
                <button type="submit" class="button">{lang.pick("提交注册", "Register")}</button>
            </form>
        </section>
    }
}

#[component]
pub fn CharityPortalPage() -> impl IntoView {
    let lang = use_lang();
    // Every resource of the page is made here, outside the Suspense that shows them.
    let charity = Resource::new(|| (), |_| my_charity());
    let activity = Resource::new(|| (), |_| crate::organizations::my_charity_activity());
    let matches = Resource::new(|| (), |_| crate::claims::my_matches());
    let claims_list = Resource::new(|| (), |_| crate::claims::my_claims());
    let loads = crate::components::portal::PortalResources::new(
        crate::domain::organization::OrganizationKind::Charity,
    );
    let query = use_query_map();
    let registered = query.read_untracked().get("registered").is_some();
    view! {
        <Title text=lang.pick("机构工作台 · 善桥", "Charity portal · Shanqiao")/>
        <Suspense fallback=|| ()>
            {move || {
                Suspend::new(async move {
                    match charity.await {
                        Ok(org) => view! { <Portal org registered loads><Activity activity matches claims=claims_list/></Portal> }.into_any(),
                        Err(AppError::Unauthorized) => {
                            redirect_to_sign_in("/charity");
                            view! { <p>{lang.pick("请先登录。", "Please sign in first.")}</p> }.into_any()
                        }
                        Err(AppError::NotFound) => view! {
                            <h1>{lang.pick("机构工作台", "Charity portal")}</h1>
                            {use_form_reply().form_error.map(|_| view! { <crate::components::form::Refusal error=AppError::Forbidden/> })}
                            <p>{lang.pick("您的账号不属于任何慈善组织。", "Your account does not belong to a charity.")}</p>
                            <p><a href=routes::CHARITY_REGISTER.url()>{lang.pick("注册慈善组织", "Register a charity")}</a></p>
                        }
                        .into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// What the charity works on: the needs that fit it, its claims, funds and pledges.
#[component]
fn Activity(
    activity: Resource<Result<crate::organizations::CharityActivity, AppError>>,
    matches: Resource<Result<crate::claims::Matches, AppError>>,
    claims: Resource<Result<Vec<crate::claims::ClaimView>, AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let date = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let a = activity.await.unwrap_or_default();
                view! {
                    <claims::MatchesSection matches/>
                    <claims::ClaimsSection claims/>
                    <h2>{lang.pick("本机构的基金与项目", "Our funds and projects")}</h2>
                    <p><a href=routes::CHARITY_FUNDS.url()>{lang.pick("管理基金、拨付与收款账户", "Manage funds, allocations and the account")}</a></p>
                    {if a.funds.is_empty() {
                        view! { <p class="muted">{lang.pick("暂无基金。", "No funds yet.")}</p> }.into_any()
                    } else {
                        view! {
                            <ul data-testid="our-funds">
                                {a.funds.into_iter().map(|f| view! {
                                    <li>{f.code}" · "{f.name}" · "{f.kind.label(lang)}" · "{f.status.label(lang)}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <h2>{lang.pick("收到的认捐", "Pledges to us")}</h2>
                    <p><a href=routes::CHARITY_PLEDGES.url()>{lang.pick("确认到账与退款", "Mark pledges received, refund")}</a></p>
                    {if a.pledges.is_empty() {
                        view! { <p class="muted">{lang.pick("暂无认捐。", "No pledges yet.")}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-scroll" tabindex="0"><table class="items" data-testid="our-pledges">
                                <thead><tr>
                                    <th scope="col">{lang.pick("回执号", "Receipt")}</th>
                                    <th scope="col">{lang.pick("认捐对象", "For")}</th>
                                    <th scope="col">{lang.pick("金额", "Amount")}</th>
                                    <th scope="col">{lang.pick("状态", "Status")}</th>
                                    <th scope="col">{lang.pick("日期", "Date")}</th>
                                </tr></thead>
                                <tbody>
                                    {a.pledges.into_iter().map(|p| view! {
                                        <tr>
                                            <td>{p.receipt_code}</td>
                                            <td>{p.target}</td>
                                            <td>{p.amount.to_string()}</td>
                                            <td>{p.status.label(lang)}</td>
                                            <td>{date(p.pledged_on)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any()
                    }}
                }
            })}
        </Suspense>
    }
}
