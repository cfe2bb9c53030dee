//! The charity directory (`/charities`) and each verified charity's public profile
//! (`/charities/{slug}`): what it serves, the claims it took and how they ended, its
//! ratings, funds and disclosure reports, and whether its verification is suspended
//! (without the reason). No script.

use super::not_found::NotFound;
use crate::charities::{load_charities, load_charity, CharityListing, CharityProfile};
use crate::components::lang::use_lang;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

fn types_text(c: &CharityListing, lang: Lang) -> String {
    if c.assistance_types.is_empty() {
        return lang.pick("未填写", "Not stated").to_owned();
    }
    c.assistance_types
        .iter()
        .map(|t| t.label(lang))
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}

fn regions_text(c: &CharityListing, lang: Lang) -> String {
    if c.regions.is_empty() {
        return lang.pick("未填写", "Not stated").to_owned();
    }
    c.regions.join(lang.pick("；", "; "))
}

/// The record line: claims taken, verified, rating.
fn record_text(c: &CharityListing, lang: Lang) -> String {
    let r = &c.claims;
    let rating = r
        .average_rating()
        .map(|a| format!("{}{a}/5（{}）", lang.pick("评价 ", "rated "), r.ratings))
        .unwrap_or_else(|| lang.pick("暂无评价", "no ratings yet").to_owned());
    format!(
        "{}{}{}{}{}{}",
        lang.pick("认领 ", "Claims taken: "),
        r.taken,
        lang.pick(" · 核实办结 ", " · verified: "),
        r.verified,
        " · ",
        rating
    )
}

#[component]
pub fn CharitiesPage() -> impl IntoView {
    let lang = use_lang();
    let charities = Resource::new(|| (), |_| load_charities());
    view! {
        <Title text=lang.pick("慈善组织名录 · 善桥", "Charity directory · Shanqiao")/>
        <Meta name="description" content=lang.pick("经平台认证的慈善组织：服务的地区与类型、认领与办结记录、评价、基金和信息公开。", "Verified charities: the regions and types they serve, the claims they took and how they ended, ratings, funds and disclosures.")/>
        <section class="charities">
            <h1>{lang.pick("慈善组织名录", "Charity directory")}</h1>
            <p class="lead">{lang.pick(
                "这里列出经平台管理员核验统一社会信用代码并人工审核通过的慈善组织。",
                "These charities were verified by a platform admin: their unified social credit code checked and their registration reviewed.",
            )}</p>
            <Suspense fallback=move || view! { <p>{lang.pick("正在加载…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    match charities.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">{lang.pick("还没有认证的慈善组织。", "No charity is verified yet.")}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="charity-list" data-testid="charity-list">
                                {list.into_iter().map(|c| {
                                    let href = routes::CHARITY_PUBLIC.to([&c.slug]);
                                    view! {
                                        <li class="card">
                                            <h2 class="charity-name"><a href=href>{c.name.clone()}</a></h2>
                                            {c.suspended.then(|| view! {
                                                <p class="badges"><span class="badge badge-suspended" data-testid="suspended-badge">{lang.pick("认证已暂停 · 暂不接受认领和新的认捐", "Verification suspended · no claims or new pledges for now")}</span></p>
                                            })}
                                            <dl class="facts">
                                                <div class="fact"><dt>{lang.pick("服务类型", "Serves")}</dt><dd>{types_text(&c, lang)}</dd></div>
                                                <div class="fact"><dt>{lang.pick("服务地区", "Regions")}</dt><dd>{regions_text(&c, lang)}</dd></div>
                                                <div class="fact"><dt>{lang.pick("记录", "Record")}</dt><dd>{record_text(&c, lang)}</dd></div>
                                                <div class="fact"><dt>{lang.pick("基金与项目", "Funds")}</dt><dd>{c.funds}</dd></div>
                                            </dl>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn CharityPublicPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let charity = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        load_charity,
    );
    view! {
        <Suspense fallback=move || view! { <p>{lang.pick("正在加载…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match charity.await {
                    Ok(p) => view! { <ProfileView p lang/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProfileView(p: CharityProfile, lang: Lang) -> impl IntoView {
    let c = p.listing.clone();
    let r = c.claims;
    let title = format!("{} · {}", c.name, lang.pick("善桥", "Shanqiao"));
    let categories = if p.household_categories.is_empty() {
        lang.pick("未填写", "Not stated").to_owned()
    } else {
        p.household_categories
            .iter()
            .map(|t| t.label(lang))
            .collect::<Vec<_>>()
            .join(lang.pick("、", ", "))
    };
    let fact = |label: &'static str, value: String| {
        view! { <div class="fact"><dt>{label}</dt><dd>{value}</dd></div> }
    };
    let count = |label: &'static str, value: u32, id: &'static str| {
        view! { <div class="stat"><dt>{label}</dt><dd data-testid=id>{value}</dd></div> }
    };
    view! {
        <Title text=title/>
        <Meta name="description" content=format!("{} · {}", c.name, if c.suspended {
            lang.pick("认证已暂停的慈善组织", "a charity whose verification is suspended")
        } else {
            lang.pick("经认证的慈善组织", "a verified charity")
        })/>
        <nav class="breadcrumb" aria-label=lang.pick("当前位置", "Breadcrumb")>
            <a href="/">{lang.pick("首页", "Home")}</a>
            " / "
            <a href=routes::CHARITIES.url()>{lang.pick("慈善组织名录", "Charity directory")}</a>
            " / "
            <span aria-current="page">{c.name.clone()}</span>
        </nav>
        <article class="charity-profile" data-testid="charity-profile">
            <h1>{c.name.clone()}</h1>
            <p class="badges">
                {if c.suspended {
                    view! { <span class="badge badge-suspended">{lang.pick("认证已暂停", "Verification suspended")}</span> }.into_any()
                } else {
                    view! { <span class="badge">{lang.pick("已认证", "Verified")}{p.verified_on.clone().map(|d| format!(" {d}"))}</span> }.into_any()
                }}
                {c.public_fundraising.then(|| view! { <span class="badge">{lang.pick("具有公开募捐资格", "Qualified for public fundraising")}</span> })}
            </p>
            {c.suspended.then(|| view! {
                <p class="notice notice-warning" role="status" data-testid="charity-suspended">{crate::organizations::problems::SUSPENDED_PUBLIC.message(lang)}</p>
            })}
            {(!p.description.is_empty()).then(|| view! { <p class="lead">{p.description.clone()}</p> })}
            <section aria-labelledby="serves-heading">
                <h2 id="serves-heading">{lang.pick("服务范围", "What it serves")}</h2>
                <dl class="facts">
                    {fact(lang.pick("注册地", "Registered in"), if c.place.is_empty() { "—".into() } else { c.place.clone() })}
                    {fact(lang.pick("服务类型", "Assistance types"), types_text(&c, lang))}
                    {fact(lang.pick("服务人群", "Household categories"), categories)}
                    {fact(lang.pick("服务地区", "Regions"), regions_text(&c, lang))}
                    {(!p.items_and_services.is_empty()).then(|| fact(lang.pick("可提供的物资与服务", "Items and services it gives"), p.items_and_services.clone()))}
                </dl>
            </section>
            <section aria-labelledby="claims-heading">
                <h2 id="claims-heading">{lang.pick("认领与办结", "Claims and outcomes")}</h2>
                <dl class="stats stats-wide">
                    {count(lang.pick("认领需求", "Claims taken"), r.taken, "claims-taken")}
                    {count(lang.pick("进行中", "Active"), r.active, "claims-active")}
                    {count(lang.pick("已完成待核实", "Fulfilled"), r.fulfilled, "claims-fulfilled")}
                    {count(lang.pick("已核实办结", "Verified"), r.verified, "claims-verified")}
                    {count(lang.pick("主动退回", "Released"), r.released, "claims-released")}
                    {count(lang.pick("逾期失效", "Lapsed"), r.lapsed, "claims-lapsed")}
                </dl>
                <p data-testid="rating">{match r.average_rating() {
                    Some(a) => format!("{}{a}/5{}{}{}", lang.pick("民政部门平均评价 ", "Offices' average rating "), lang.pick("（", " ("), r.ratings, lang.pick(" 次评价）", " ratings)")),
                    None => lang.pick("暂无民政部门评价。", "No ratings from offices yet.").to_owned(),
                }}</p>
                {(!p.outcomes.is_empty()).then(|| view! {
                    <ul class="outcomes">
                        {p.outcomes.iter().map(|(reason, n)| view! { <li>{reason.label(lang)}" · "{*n}</li> }).collect_view()}
                    </ul>
                })}
                {(!p.met.is_empty()).then(|| view! {
                    <h3>{lang.pick("最近核实办结的需求", "Needs it met, most recent first")}</h3>
                    <ul class="met-needs">
                        {p.met.iter().map(|m| view! {
                            <li>
                                <a href=routes::NEED.to([&m.public_code])>{m.title.clone()}</a>
                                {m.close_reason.map(|r| format!(" · {}", r.label(lang)))}
                                {m.rating.map(|r| format!(" · {r}/5"))}
                            </li>
                        }).collect_view()}
                    </ul>
                })}
            </section>
            <section aria-labelledby="funds-heading">
                <h2 id="funds-heading">{lang.pick("基金与项目", "Funds and projects")}</h2>
                {if p.funds.is_empty() {
                    view! { <p class="muted">{lang.pick("没有设立基金或项目。", "No funds or projects.")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="fund-links">
                            {p.funds.iter().map(|f| view! {
                                <li><a href=routes::FUND.to([&f.id])>{f.name.clone()}</a>" · "{f.kind.label(lang)}" · "{f.status.label(lang)}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section aria-labelledby="disclosures-heading">
                <h2 id="disclosures-heading">{lang.pick("信息公开报告", "Disclosure reports")}</h2>
                {if p.disclosures.is_empty() {
                    view! { <p class="muted">{lang.pick("暂无信息公开报告。", "No disclosure reports yet.")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="disclosures">
                            {p.disclosures.iter().map(|d| view! {
                                <li>
                                    <p><strong>{d.period.clone()}</strong>" · "<a href=routes::FUND.to([&d.fund_id])>{d.fund.clone()}</a>" · "{d.posted_on.clone()}</p>
                                    <p class="disclosure-body">{d.body.clone()}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </article>
    }
}
