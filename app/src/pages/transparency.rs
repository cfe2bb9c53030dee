//! `/transparency`: the public dashboard. Totals, then the same figures by month, by
//! region (each row opens the region below: `?region=<code>`), by assistance type and by
//! household category; each chart is SVG drawn on the server with its data table beside
//! it. No script.

use super::not_found::NotFound;
use crate::components::chart::{Bar, BarChart};
use crate::components::lang::use_lang;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::transparency::{days_text, load_dashboard, Dashboard, Figures};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn TransparencyPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let dashboard = Resource::new(
        move || query.read().get("region").unwrap_or_default(),
        load_dashboard,
    );
    view! {
        <Title text=lang.pick("公开透明 · 善桥", "Transparency · Shanqiao")/>
        <Meta name="description" content=lang.pick(
            "善桥的公开数据看板：需求的发布、认领、完成与核实，善款的认捐、到账与拨付，按月份、地区、援助类型和家庭类别统计。",
            "Shanqiao's public dashboard: needs published, claimed, fulfilled and verified; money pledged, received and allocated; by month, region, assistance type and household category.",
        )/>
        <Suspense fallback=move || view! { <p>{lang.pick("正在加载…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(d) => view! { <DashboardView d lang/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn region_href(code: Option<&str>) -> String {
    match code {
        Some(c) => format!("{}?region={c}", crate::routes::TRANSPARENCY.url()),
        None => crate::routes::TRANSPARENCY.url().to_owned(),
    }
}

#[component]
fn DashboardView(d: Dashboard, lang: Lang) -> impl IntoView {
    let place = d
        .scope
        .last()
        .map(|(_, name)| name.clone())
        .unwrap_or_else(|| lang.pick("全国", "All regions").to_owned());
    let crumbs = (!d.scope.is_empty()).then(|| {
        let last = d.scope.len() - 1;
        view! {
            <nav class="breadcrumb" aria-label=lang.pick("地区层级", "Region levels")>
                <a href=region_href(None)>{lang.pick("全国", "All regions")}</a>
                {d.scope.iter().enumerate().map(|(i, (code, name))| {
                    let name = name.clone();
                    if i == last {
                        view! { " / " <span aria-current="page">{name}</span> }.into_any()
                    } else {
                        view! { " / " <a href=region_href(Some(code))>{name}</a> }.into_any()
                    }
                }).collect_view()}
            </nav>
        }
    });
    let t = d.totals;
    let stat = |value: String, label: &'static str, id: &'static str| {
        view! {
            <div class="stat">
                <dt>{label}</dt>
                <dd data-testid=id>{value}</dd>
            </div>
        }
    };
    let days = |h: Option<i64>| h.map(days_text).unwrap_or_else(|| "—".into());
    let month_rows: Vec<(String, Option<String>, Figures)> = d
        .by_month
        .iter()
        .map(|(m, f)| (m.clone(), None, *f))
        .collect();
    let region_rows: Vec<(String, Option<String>, Figures)> = d
        .by_region
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                r.drillable.then(|| region_href(Some(&r.code))),
                r.figures,
            )
        })
        .collect();
    let type_rows: Vec<(String, Option<String>, Figures)> = d
        .by_type
        .iter()
        .map(|(t, f)| (t.label(lang).to_owned(), None, *f))
        .collect();
    let category_rows: Vec<(String, Option<String>, Figures)> = d
        .by_category
        .iter()
        .map(|(c, f)| (c.label(lang).to_owned(), None, *f))
        .collect();
    let published_bars = |rows: &[(String, Option<String>, Figures)]| -> Vec<Bar> {
        rows.iter()
            .map(|(label, _, f)| Bar {
                label: label.clone(),
                value: i64::try_from(f.published).unwrap_or(i64::MAX),
                shown: f.published.to_string(),
            })
            .collect()
    };
    let received_bars: Vec<Bar> = month_rows
        .iter()
        .map(|(label, _, f)| Bar {
            label: label.clone(),
            value: f.received.0,
            shown: f.received.to_string(),
        })
        .collect();
    let has_regions = !region_rows.is_empty();
    view! {
        <section class="transparency">
            <h1>{lang.pick("公开透明", "Transparency")}" · "{place.clone()}</h1>
            {crumbs}
            <p class="lead">{lang.pick(
                "每条需求从发布到办结、每一笔善款从认捐到拨付，都在这里按月份、地区、援助类型和家庭类别公开。数据直接来自数据库。",
                "Every need from publication to closing and every yuan from pledge to allocation, by month, region, assistance type and household category, straight from the database.",
            )}</p>
            <section aria-labelledby="totals-heading">
                <h2 id="totals-heading">{lang.pick("总计", "Totals")}</h2>
                <dl class="stats stats-wide">
                    {stat(t.published.to_string(), lang.pick("已发布需求", "Needs published"), "total-published")}
                    {stat(t.claimed.to_string(), lang.pick("已认领", "Claimed"), "total-claimed")}
                    {stat(t.fulfilled.to_string(), lang.pick("已完成", "Fulfilled"), "total-fulfilled")}
                    {stat(t.verified.to_string(), lang.pick("已核实办结", "Verified"), "total-verified")}
                    {stat(t.pledged.to_string(), lang.pick("认捐金额", "Pledged"), "total-pledged")}
                    {stat(t.received.to_string(), lang.pick("到账金额", "Received"), "total-received")}
                    {stat(t.allocated.to_string(), lang.pick("拨付金额", "Allocated"), "total-allocated")}
                    {stat(days(d.median_hours_to_claim), lang.pick("发布到认领（中位数，天）", "Publication to claim (median, days)"), "median-claim")}
                    {stat(days(d.median_hours_to_fulfilment), lang.pick("发布到完成（中位数，天）", "Publication to fulfilment (median, days)"), "median-fulfilment")}
                </dl>
            </section>
            <section aria-labelledby="month-heading">
                <h2 id="month-heading">{lang.pick("按月份", "By month")}</h2>
                <div class="charts">
                    <BarChart id="chart-month-published".into() title=lang.pick("每月发布的需求数", "Needs published each month").into() bars=published_bars(&month_rows)/>
                    <BarChart id="chart-month-received".into() title=lang.pick("每月到账的善款", "Money received each month").into() bars=received_bars/>
                </div>
                <FiguresTable id="table-month" caption=lang.pick("每月数据（当月发生的发布、认领、完成、核实与资金）", "Each month's figures (what happened that month)") first=lang.pick("月份", "Month") rows=month_rows lang/>
            </section>
            <section aria-labelledby="region-heading">
                <h2 id="region-heading">{lang.pick("按地区", "By region")}</h2>
                {if has_regions {
                    view! {
                        <BarChart id="chart-region".into() title=lang.pick("各地区发布的需求数", "Needs published by region").into() bars=published_bars(&region_rows)/>
                        <FiguresTable id="table-region" caption=lang.pick("各地区数据（点地区名查看下一级）", "By region (open a region to see the level below)") first=lang.pick("地区", "Region") rows=region_rows lang/>
                    }.into_any()
                } else {
                    view! { <p class="muted">{lang.pick("这一级以下没有可统计的地区。", "There are no regions below this one with figures.")}</p> }.into_any()
                }}
            </section>
            <section aria-labelledby="type-heading">
                <h2 id="type-heading">{lang.pick("按援助类型", "By assistance type")}</h2>
                <BarChart id="chart-type".into() title=lang.pick("各援助类型发布的需求数", "Needs published by assistance type").into() bars=published_bars(&type_rows)/>
                <FiguresTable id="table-type" caption=lang.pick("各援助类型数据", "By assistance type") first=lang.pick("援助类型", "Assistance type") rows=type_rows lang/>
            </section>
            <section aria-labelledby="category-heading">
                <h2 id="category-heading">{lang.pick("按家庭类别", "By household category")}</h2>
                <BarChart id="chart-category".into() title=lang.pick("各家庭类别发布的需求数", "Needs published by household category").into() bars=published_bars(&category_rows)/>
                <FiguresTable id="table-category" caption=lang.pick("各家庭类别数据", "By household category") first=lang.pick("家庭类别", "Household category") rows=category_rows lang/>
            </section>
            <section class="muted" aria-labelledby="rules-heading">
                <h2 id="rules-heading">{lang.pick("统计口径", "What is counted")}</h2>
                <ul>
                    <li>{lang.pick("需求自发布起计入；已撤回的需求保留在记录中，但不计入统计；草稿和审核中的需求不计入。", "A need counts once published; withdrawn needs stay in the records but not in the statistics; drafts and needs in review never count.")}</li>
                    <li>{lang.pick("已认领：至少被认领过一次（按首次认领日期）；已完成：慈善组织提交了完成报告；已核实办结：民政部门核实并办结。", "Claimed: claimed at least once (by the first claim's date); fulfilled: a charity reported it met; verified: staff verified and closed it.")}</li>
                    <li>{lang.pick("认捐金额不含已取消的认捐；到账金额是账本中的认捐到账；拨付金额是基金拨付给需求的款项。按地区、类型、类别统计时，只计入直接用于某条需求的款项。", "Pledged excludes cancelled pledges; received is the ledger's pledge receipts; allocated is fund money allocated to needs. By region, type or category only money tied to one need is counted.")}</li>
                    <li>
                        {lang.pick("原始数据可在", "The raw data is in ")}
                        <a href=crate::routes::OPEN_DATA.url()>{lang.pick("开放数据", "open data")}</a>
                        {lang.pick("下载。", ".")}
                    </li>
                </ul>
            </section>
        </section>
    }
}

/// Every figure of each row, as a table (what the charts show, for screen readers and
/// for copying).
#[component]
fn FiguresTable(
    id: &'static str,
    caption: &'static str,
    first: &'static str,
    rows: Vec<(String, Option<String>, Figures)>,
    lang: Lang,
) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="figures" data-testid=id>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{first}</th>
                        <th scope="col">{lang.pick("发布", "Published")}</th>
                        <th scope="col">{lang.pick("认领", "Claimed")}</th>
                        <th scope="col">{lang.pick("完成", "Fulfilled")}</th>
                        <th scope="col">{lang.pick("核实", "Verified")}</th>
                        <th scope="col">{lang.pick("认捐", "Pledged")}</th>
                        <th scope="col">{lang.pick("到账", "Received")}</th>
                        <th scope="col">{lang.pick("拨付", "Allocated")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|(label, href, f)| view! {
                        <tr>
                            <th scope="row">{match href {
                                Some(h) => view! { <a href=h>{label}</a> }.into_any(),
                                None => label.into_any(),
                            }}</th>
                            <td>{f.published}</td>
                            <td>{f.claimed}</td>
                            <td>{f.fulfilled}</td>
                            <td>{f.verified}</td>
                            <td>{f.pledged.to_string()}</td>
                            <td>{f.received.to_string()}</td>
                            <td>{f.allocated.to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
