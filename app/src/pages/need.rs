//! A need's public page, at `/needs/{public code}`: its public copy only.

use super::not_found::NotFound;
use crate::components::badges::{StatusBadge, TypeBadge, UrgencyBadge};
use crate::components::lang::use_lang;
use crate::domain::Fen;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::needs::{need_by_code, NeedDetail};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn NeedPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    // Both loads start here, above the Suspense that reads them: a resource created
    // inside a Suspense's children can leave the server's response hanging
    // (leptos-rs/leptos#4866, #4851), and loading both at once is faster anyway.
    let need = Resource::new(code, need_by_code);
    let giving = Resource::new(code, crate::money::load_need_giving);
    view! {
        <Suspense fallback=move || view! { <p>{lang.pick("正在加载…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let (detail, giving) = (need.await, giving.await);
                match detail {
                    Ok(detail) => {
                        let giving = giving.ok();
                        view! { <NeedView detail lang preview=false giving/> }.into_any()
                    }
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The public copy of a need. With `preview`, as the office portal shows it before
/// publication: the same content without the page's title, meta and breadcrumb.
#[component]
pub fn NeedView(
    detail: NeedDetail,
    lang: Lang,
    preview: bool,
    /// How to give to it (the public page only).
    #[prop(default = None)]
    giving: Option<crate::money::NeedGiving>,
) -> impl IntoView {
    let s = detail.summary;
    let goal = s.goal;
    let percent = detail.received.percent_of(goal);
    let title = format!("{} · {}", s.title, lang.pick("善桥", "Shanqiao"));
    let description: String = detail.story.chars().take(110).collect();
    let items = detail.items;
    let has_items = !items.is_empty();
    let fact = |label: &'static str, value: String| {
        view! {
            <div class="fact">
                <dt>{label}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    let date = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "—".into())
    };
    let date_text = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let claim_line = match &detail.claim {
        Some(c) if c.status == crate::domain::support::ClaimStatus::Active => format!(
            "{}{}{}{}{}",
            lang.pick("认领机构：", "Claimed by "),
            c.charity,
            lang.pick("（", " ("),
            c.mode.label(lang),
            lang.pick(
                &format!("），承诺于 {} 前完成。", date_text(c.due_on)),
                &format!("), to be met by {}.", date_text(c.due_on))
            ),
        ),
        Some(c) => format!("{}{}", lang.pick("帮扶机构：", "Met by "), c.charity),
        None => lang
            .pick(
                "尚无慈善组织认领。",
                "No charity has claimed this need yet.",
            )
            .to_owned(),
    };
    let claimable = s.status == crate::domain::need::NeedStatus::Published && !preview;
    let claim_link = claimable.then(|| {
        let href = crate::routes::CLAIM_NEED.to([&s.public_code]);
        view! {
            <p class="claim-link">
                <a class="button" href=href>{lang.pick("慈善组织认领此需求", "Claim this need (charities)")}</a>
            </p>
        }
    });
    let outcome = detail.outcome.clone().map(|o| {
        view! {
            <section class="outcome" data-testid="need-outcome">
                <h2>{lang.pick("帮扶结果", "Outcome")}</h2>
                <p>
                    <strong>{o.close_reason.label(lang)}</strong>
                    {o.closed_on.map(|d| format!("{}{}", lang.pick("，办结于 ", ", closed on "), date_text(d)))}
                    {o.delivered_on.map(|d| format!("{}{}", lang.pick("；交付于 ", "; delivered on "), date_text(d)))}
                </p>
                {o.rating.map(|r| view! { <p>{lang.pick("民政部门评价：", "Office's rating: ")}{format!("{r}/5")}</p> })}
                {o.thank_you.map(|t| view! { <blockquote class="thank-you">{t}</blockquote> })}
            </section>
        }
    });
    let code = s.public_code.clone();
    let giving = giving.filter(|_| !preview).map(|g| {
        let code = s.public_code.clone();
        view! { <Giving code g lang/> }
    });
    let page_head = (!preview).then(|| {
        view! {
            <Title text=title/>
            <Meta name="description" content=description/>
            <nav class="breadcrumb" aria-label=lang.pick("当前位置", "Breadcrumb")>
                <a href="/">{lang.pick("首页", "Home")}</a>
                " / "
                <a href=crate::routes::LIBRARY.url()>{lang.pick("需求信息库", "Needs library")}</a>
                " / "
                <span aria-current="page">{code}</span>
            </nav>
        }
    });
    view! {
        {page_head}
        <article class="need" data-testid=if preview { "need-preview" } else { "need-detail" }>
            <header>
                <p class="badges">
                    <TypeBadge value=s.assistance_type lang/>
                    <UrgencyBadge value=s.urgency lang/>
                    <StatusBadge value=s.status lang/>
                </p>
                {if preview {
                    view! { <h3 class="preview-title">{s.title}</h3> }.into_any()
                } else {
                    view! { <h1>{s.title}</h1> }.into_any()
                }}
                <p class="need-place">{s.place}</p>
                <p class="need-code">{lang.pick("需求编号 ", "Need code ")}{s.public_code}</p>
            </header>
            <section class="progress-box" aria-label=lang.pick("筹集进度", "Progress")>
                <p>
                    {lang.pick("已到账 ", "Received ")}<strong>{detail.received.to_string()}</strong>
                    {lang.pick(" / 所需 ", " of ")}<strong>{goal.to_string()}</strong>
                </p>
                <progress max="100" value=percent.to_string() aria-label=lang.pick("筹集进度", "Progress")>
                    {format!("{percent}%")}
                </progress>
                <p data-testid="claim-line">{claim_line}</p>
                {claim_link}
            </section>
            {outcome}
            <section class="story">
                <h2>{lang.pick("家庭情况", "The family's situation")}</h2>
                <p>{detail.story}</p>
            </section>
            <section>
                <h2>{lang.pick("基本信息", "Details")}</h2>
                <dl class="facts">
                    {fact(lang.pick("帮扶类型", "Assistance type"), s.assistance_type.label(lang).to_owned())}
                    {fact(lang.pick("家庭类别", "Household category"), s.household_category.label(lang).to_owned())}
                    {fact(lang.pick("救助情况", "Government assistance"), detail.coverage.label(lang).to_owned())}
                    {(!detail.assistance_received.is_empty()).then(|| fact(lang.pick("已享受救助", "Assistance received"), detail.assistance_received.clone()))}
                    {fact(lang.pick("受助人年龄段", "Age band"), detail.age_band.label(lang).to_owned())}
                    {fact(lang.pick("家庭人口", "Household size"), detail.household_size.label(lang).to_owned())}
                    {fact(lang.pick("发布日期", "Published"), date(s.published_on))}
                    {fact(lang.pick("截止日期", "Deadline"), date(s.deadline))}
                    {detail.target_amount.map(|t| fact(lang.pick("资金需求", "Money needed"), t.to_string()))}
                </dl>
            </section>
            {has_items.then(|| view! { <ItemsTable items lang/> })}
            {giving}
            <p class="privacy-note">
                {lang.pick(
                    "为保护受助家庭隐私，本页只公开匿名化信息，地点只到县（区）。",
                    "To protect the family's privacy this page shows anonymized information only, and the place no finer than the county.",
                )}
            </p>
        </article>
    }
}

/// How to give to this need: the pledge form while a charity raises money for it, and
/// the open funds whose criteria it meets.
#[component]
fn Giving(code: String, g: crate::money::NeedGiving, lang: Lang) -> impl IntoView {
    use crate::pages::funds::{PaymentBox, PledgeForm};
    let pledge = g.raising.then(|| {
        let action = crate::routes::PLEDGE_TO_NEED.to([&code]);
        view! {
            <p>{lang.pick("由 ", "")}{g.charity.clone().unwrap_or_default()}{lang.pick(" 公开募集，善款直接用于这户家庭的需求。", " raises the money; it goes to this family's need.")}</p>
            <PledgeForm action lang most=g.room/>
            {g.payment.clone().map(|payment| view! { <PaymentBox payment lang/> })}
        }
    });
    view! {
        <section class="giving" aria-labelledby="giving-heading">
            <h2 id="giving-heading">{lang.pick("如何帮助", "How to help")}</h2>
            {pledge}
            {(!g.raising).then(|| view! {
                <p class="muted">{lang.pick("这条需求目前没有公开募集。您可以认捐给能资助它的基金：", "Nobody raises money for this need directly now. You can pledge to a fund that can reach it:")}</p>
            })}
            {if g.funds.is_empty() {
                (!g.raising).then(|| view! { <p class="muted"><a href=crate::routes::FUNDS.url()>{lang.pick("查看全部基金与项目", "See all funds and projects")}</a></p> }).into_any()
            } else {
                view! {
                    <ul class="fund-links" data-testid="funds-reaching">
                        {g.funds.into_iter().map(|(id, name, kind)| view! {
                            <li><a href=crate::routes::FUND.to([&id])>{name}</a>" · "{kind.label(lang)}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ItemsTable(items: Vec<crate::needs::NeedItemView>, lang: Lang) -> impl IntoView {
    let total = items.iter().fold(Fen::ZERO, |acc, i| {
        acc.checked_add(i.total()).unwrap_or(acc)
    });
    view! {
        <section>
            <h2>{lang.pick("所需物品与服务", "Items and services needed")}</h2>
            <div class="table-scroll" tabindex="0">
                <table class="items">
                    <thead>
                        <tr>
                            <th scope="col">{lang.pick("名称", "Item")}</th>
                            <th scope="col">{lang.pick("数量", "Quantity")}</th>
                            <th scope="col">{lang.pick("单价", "Unit value")}</th>
                            <th scope="col">{lang.pick("小计", "Subtotal")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {items
                            .into_iter()
                            .map(|i| {
                                let subtotal = i.total().to_string();
                                view! {
                                    <tr>
                                        <th scope="row">{i.name}</th>
                                        <td>{i.quantity}" "{i.unit}</td>
                                        <td>{i.unit_value.to_string()}</td>
                                        <td>{subtotal}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row" colspan="3">{lang.pick("合计", "Total")}</th>
                            <td>{total.to_string()}</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        </section>
    }
}
