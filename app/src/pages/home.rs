//! The home page: what Shanqiao is, totals, and the latest open needs.

use crate::components::lang::use_lang;
use crate::components::need_card::NeedCard;
use crate::domain::need::AssistanceType;
use crate::i18n::Lang;
use crate::needs::{library_totals, recent_needs, NeedSummary, NeedTotals};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let type_code = move || query.read().get("type");
    let initial = type_code().and_then(|c| AssistanceType::parse(&c).ok());
    let needs = Resource::new(type_code, recent_needs);
    let totals = Resource::new(|| (), |_| library_totals());
    view! {
        <Title text=lang.pick("善桥 · 困难群众个性化需求与慈善精准对接", "Shanqiao · Needs of families in hardship, matched with charity")/>
        <section class="hero">
            <h1>{lang.pick("让每一份善意精准抵达", "Every act of kindness, precisely where it is needed")}</h1>
            <p class="lead">
                {lang.pick(
                    "民政部门发布未被政府救助覆盖、或救助后仍有困难的家庭的个性化需求；慈善组织认领，爱心人士认捐，每一笔善款都可追溯。",
                    "Civil-affairs offices publish the needs of families that government assistance does not (fully) cover; charities claim them, donors pledge, and every yuan can be traced.",
                )}
            </p>
        </section>
        <Suspense fallback=move || view! { <p>{lang.pick("正在加载…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let totals = totals.await;
                let needs = needs.await;
                view! {
                    {totals.ok().map(|t| view! { <Totals totals=t lang/> })}
                    <section id="needs" class="needs" aria-labelledby="needs-heading">
                        <h2 id="needs-heading">{lang.pick("最新需求", "Latest needs")}</h2>
                        <p class="to-library">
                            <a href=crate::routes::LIBRARY.url()>{lang.pick("在需求库中搜索全部需求 →", "Search every need in the library →")}</a>
                        </p>
                        {match needs {
                            Ok(list) if list.is_empty() => {
                                view! {
                                    <p class="empty">
                                        {lang.pick("目前没有待认领的需求。", "There are no open needs right now.")}
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(list) => view! { <LatestNeeds needs=list lang current=initial/> }.into_any(),
                            Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        }}
                    </section>
                }
            })}
        </Suspense>
    }
}

/// The latest needs, plain HTML: the page loads no script. The type links open the
/// library with that filter (where the results update in place with JavaScript); the
/// page also answers `/?type=…` itself.
#[component]
fn LatestNeeds(
    needs: Vec<NeedSummary>,
    lang: Lang,
    current: Option<AssistanceType>,
) -> impl IntoView {
    let chip = move |wanted: Option<AssistanceType>| {
        let href = match wanted {
            Some(t) => format!("{}?type={}", crate::routes::LIBRARY.url(), t.code()),
            None => crate::routes::LIBRARY.url().to_owned(),
        };
        let label = match wanted {
            Some(t) => t.label(lang),
            None => lang.pick("全部", "All"),
        };
        view! {
            <li>
                <a class="chip" href=href aria-current=(current == wanted).then_some("true")>
                    {label}
                </a>
            </li>
        }
    };
    let n = needs.len();
    let count = match lang {
        Lang::Zh => format!("共 {n} 条需求"),
        Lang::En => format!("{n} needs"),
    };
    view! {
        <nav class="filters" aria-label=lang.pick("按帮扶类型筛选", "Filter by assistance type")>
            <ul>
                {chip(None)}
                {AssistanceType::ALL.iter().map(|t| chip(Some(*t))).collect_view()}
            </ul>
        </nav>
        <p class="result-count" data-testid="need-count">{count}</p>
        <ul class="need-list" data-testid="need-list">
            {needs.into_iter().map(|need| view! { <NeedCard need lang/> }).collect_view()}
        </ul>
    }
}

#[component]
fn Totals(totals: NeedTotals, lang: Lang) -> impl IntoView {
    let stat = |value: String, label: &'static str| {
        view! {
            <div class="stat">
                <dt>{label}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    view! {
        <section class="totals" aria-label=lang.pick("平台概况", "At a glance")>
            <dl class="stats">
                {stat(totals.open.to_string(), lang.pick("待认领需求", "Open needs"))}
                {stat(totals.claimed.to_string(), lang.pick("已认领", "Claimed"))}
                {stat(totals.met.to_string(), lang.pick("已帮扶完成", "Met"))}
                {stat(totals.received.to_string(), lang.pick("已到账善款", "Donations received"))}
            </dl>
        </section>
    }
}
