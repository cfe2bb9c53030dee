//! The needs library, `/needs`: search, facets, sorts and pages. A plain GET form and
//! links, so it works without JavaScript; the URL holds the whole search, so it can be
//! shared and the back button works. With JavaScript, the `LiveLibrary` island makes
//! the same links and form update the results in place.

use crate::components::lang::use_lang;
use crate::components::live_library::{LiveLibrary, BODY_ID};
use crate::components::need_card::NeedCard;
use crate::components::session::set_status;
use crate::domain::need::{AssistanceType, Coverage, HouseholdCategory, NeedStatus, Urgency};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::library::params::{amount_label, LIBRARY_STATUSES};
use crate::library::{library_search, FacetValue, LibraryPage, Params, SortOrder};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::{Link, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn LibraryPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let params = move || {
        query.with(|q| {
            let pairs: Vec<(String, String)> = crate::library::params::NAMES
                .iter()
                .filter_map(|n| q.get(n).map(|v| ((*n).to_owned(), v)))
                .collect();
            Params::read(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))).0
        })
    };
    let found = Resource::new(params, library_search);
    view! {
        <Title text=lang.pick("需求库 · 善桥", "Needs library · Shanqiao")/>
        <section class="library">
            <h1>{lang.pick("需求库", "Needs library")}</h1>
            <LiveLibrary>
                <div id=BODY_ID>
                    <Suspense fallback=move || view! { <p>{lang.pick("正在搜索…", "Searching…")}</p> }>
                        {move || Suspend::new(async move {
                            match found.await {
                                Ok(page) => view! { <Library page lang/> }.into_any(),
                                Err(e @ AppError::SearchIndexBuilding) => {
                                    // Never "0 results": the index cannot answer yet.
                                    // A 503, so that the page cache does not keep it.
                                    set_status(503);
                                    retry_after();
                                    view! {
                                        <p class="notice" role="status" data-testid="library-indexing">{e.message(lang)}</p>
                                    }.into_any()
                                }
                                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                            }
                        })}
                    </Suspense>
                </div>
            </LiveLibrary>
        </section>
    }
}

/// Asks the reader's browser (and any proxy) to come back once the index is built.
fn retry_after() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        use axum::http::{header, HeaderValue};
        let seconds = crate::library::index::RETRY_AFTER_SECONDS.to_string();
        if let Ok(value) = HeaderValue::from_str(&seconds) {
            response.insert_header(header::RETRY_AFTER, value);
        }
        response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

#[component]
fn Library(page: LibraryPage, lang: Lang) -> impl IntoView {
    let p = page.params.clone();
    let total = page.total;
    let feed = p.with(|_| {}).url(routes::LIBRARY_FEED.url());
    let summary = match (lang, p.q.trim().is_empty()) {
        (Lang::Zh, true) => format!("共 {total} 条需求"),
        (Lang::Zh, false) => format!("“{}”共找到 {total} 条需求", p.q.trim()),
        (Lang::En, true) => format!("{total} needs"),
        (Lang::En, false) => format!("{total} needs found for “{}”", p.q.trim()),
    };
    let empty = page.hits.is_empty();
    // "Alert me on this search": the subscription form with this search filled in.
    let alert = crate::alerts::SearchFilter {
        query: p.q.trim().to_owned(),
        region: p.region.clone(),
        assistance_type: p.assistance_type,
        household_category: p.household_category,
        coverage: p.coverage,
    }
    .library_url()
    .replacen(routes::LIBRARY.url(), routes::CHARITY_ALERTS.url(), 1);
    view! {
        <Link rel="alternate" type_="application/atom+xml" href=feed.clone() title=lang.pick("需求库订阅", "Needs library feed")/>
        <SearchForm params=p.clone() lang/>
        <p class="result-count" id="library-count" tabindex="-1" role="status" data-testid="library-count">{summary}</p>
        <div class="library-layout">
            <Filters page=page.clone() lang/>
            <div class="library-results">
                {if empty {
                    view! { <Widen params=p.clone() lang/> }.into_any()
                } else {
                    view! {
                        <ul class="need-list" data-testid="library-results">
                            {page.hits.into_iter().map(|hit| view! {
                                <NeedCard need=hit.need lang snippet=hit.snippet/>
                            }).collect_view()}
                        </ul>
                        <Pager params=p.clone() pages=page_count(total) lang/>
                    }.into_any()
                }}
                <p class="feed-link">
                    <a href=format!("{alert}#new-alert") data-testid="alert-me">{lang.pick("有新需求时提醒我（慈善组织）", "Alert me on this search (charities)")}</a>
                    " · "
                    <a href=feed>{lang.pick("订阅这个搜索（Atom）", "Follow this search (Atom feed)")}</a>
                </p>
            </div>
        </div>
    }
}

fn page_count(total: u64) -> usize {
    LibraryPage {
        total,
        ..Default::default()
    }
    .pages()
}

/// The text box and the sort, as a GET form; the filters ride along as hidden fields.
#[component]
fn SearchForm(params: Params, lang: Lang) -> impl IntoView {
    let hidden: Vec<(&'static str, String)> = params
        .pairs()
        .into_iter()
        .filter(|(n, _)| !matches!(*n, "q" | "sort" | "page"))
        .collect();
    let sort = params.sort;
    view! {
        <form class="library-search" method="get" action=routes::LIBRARY.url() role="search">
            <label for="library-q">{lang.pick("搜索需求", "Search needs")}</label>
            <input
                id="library-q"
                type="search"
                name="q"
                value=params.q.clone()
                maxlength="200"
                placeholder=lang.pick("如：医疗、轮椅、助学", "e.g. 医疗 (medical), 轮椅 (wheelchair)")
            />
            {hidden.into_iter().map(|(n, v)| view! { <input type="hidden" name=n value=v/> }).collect_view()}
            <label for="library-sort">{lang.pick("排序", "Sort")}</label>
            <select id="library-sort" name="sort">
                {SortOrder::ALL.into_iter().map(|s| view! {
                    <option value=s.code() selected=s == sort>{s.label(lang)}</option>
                }).collect_view()}
            </select>
            <button type="submit">{lang.pick("搜索", "Search")}</button>
        </form>
    }
}

/// One facet: its values as links with counts; the chosen one marked, with a link that
/// removes it.
fn facet_group(
    title: &'static str,
    values: Vec<(String, String, u64)>,
    chosen: Option<String>,
    link: impl Fn(Option<String>) -> String,
    lang: Lang,
) -> AnyView {
    let clear = chosen.as_ref().map(|_| link(None));
    let items = values
        .into_iter()
        .map(|(value, label, count)| {
            let current = chosen.as_deref() == Some(value.as_str());
            view! {
                <li>
                    <a href=link(Some(value)) aria-current=current.then_some("true")>
                        {label}<span class="count">{format!(" ({count})")}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="facet">
            <h2>{title}</h2>
            <ul>{items}</ul>
            {clear.map(|href| view! { <p><a class="clear" href=href>{lang.pick("不限", "Any")}</a></p> })}
        </section>
    }
    .into_any()
}

fn labelled<T: Copy>(
    values: &[FacetValue],
    parse: impl Fn(&str) -> Option<T>,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String, u64)> {
    values
        .iter()
        .filter_map(|v| Some((v.value.clone(), label(parse(&v.value)?).to_owned(), v.count)))
        .collect()
}

#[component]
fn Filters(page: LibraryPage, lang: Lang) -> impl IntoView {
    let p = page.params.clone();
    let f = page.facets;
    let base = p.clone();
    let url = |change: &dyn Fn(&mut Params)| base.with(change).url(routes::LIBRARY.url());
    // Every link is made here, before the view, which then holds only strings.
    let region_links: Vec<(String, String, u64)> = f
        .regions
        .iter()
        .map(|v| {
            let code = v.value.clone();
            (
                url(&move |p| p.region = Some(code.clone())),
                v.name.clone().unwrap_or_else(|| v.value.clone()),
                v.count,
            )
        })
        .collect();
    let trail: Vec<(String, String)> = page
        .region_trail
        .iter()
        .map(|s| {
            let code = s.code.clone();
            (url(&move |p| p.region = Some(code.clone())), s.name.clone())
        })
        .collect();
    let everywhere = (!trail.is_empty()).then(|| url(&|p| p.region = None));
    let up = {
        let mut steps = page.region_trail.clone();
        steps.pop();
        steps.last().map(|s| {
            let code = s.code.clone();
            url(&move |p| p.region = Some(code.clone()))
        })
    };
    let types = facet_group(
        lang.pick("帮扶类型", "Assistance type"),
        labelled(
            &f.assistance_type,
            |c| AssistanceType::parse(c).ok(),
            |v| v.label(lang),
        ),
        p.assistance_type.map(|v| v.code().to_owned()),
        |v| {
            url(&move |p| {
                p.assistance_type = v.as_deref().and_then(|c| AssistanceType::parse(c).ok())
            })
        },
        lang,
    );
    let coverage = facet_group(
        lang.pick("救助覆盖", "Coverage"),
        labelled(&f.coverage, |c| Coverage::parse(c).ok(), |v| v.label(lang)),
        p.coverage.map(|v| v.code().to_owned()),
        |v| url(&move |p| p.coverage = v.as_deref().and_then(|c| Coverage::parse(c).ok())),
        lang,
    );
    let categories = facet_group(
        lang.pick("家庭类别", "Household category"),
        labelled(
            &f.household_category,
            |c| HouseholdCategory::parse(c).ok(),
            |v| v.label(lang),
        ),
        p.household_category.map(|v| v.code().to_owned()),
        |v| {
            url(&move |p| {
                p.household_category = v.as_deref().and_then(|c| HouseholdCategory::parse(c).ok())
            })
        },
        lang,
    );
    let urgency = facet_group(
        lang.pick("紧急程度", "Urgency"),
        labelled(&f.urgency, |c| Urgency::parse(c).ok(), |v| v.label(lang)),
        p.urgency.map(|v| v.code().to_owned()),
        |v| url(&move |p| p.urgency = v.as_deref().and_then(|c| Urgency::parse(c).ok())),
        lang,
    );
    let status = facet_group(
        lang.pick("状态", "Status"),
        labelled(
            &f.status,
            |c| {
                NeedStatus::parse(c)
                    .ok()
                    .filter(|s| LIBRARY_STATUSES.contains(s))
            },
            |v| v.label(lang),
        ),
        p.status.map(|v| v.code().to_owned()),
        |v| url(&move |p| p.status = v.as_deref().and_then(|c| NeedStatus::parse(c).ok())),
        lang,
    );
    let amount = facet_group(
        lang.pick("所需金额", "Amount sought"),
        f.amount
            .iter()
            .filter_map(|v| {
                let i: usize = v.value.parse().ok()?;
                Some((v.value.clone(), amount_label(i, lang), v.count))
            })
            .collect(),
        p.amount.map(|v| v.to_string()),
        |v| url(&move |p| p.amount = v.as_deref().and_then(|c| c.parse().ok())),
        lang,
    );
    view! {
        <aside class="library-filters" aria-label=lang.pick("筛选", "Filters")>
            <section class="facet">
                <h2>{lang.pick("地区", "Region")}</h2>
                {everywhere.map(|all| view! {
                    <p class="region-trail">
                        <a href=all>{lang.pick("全国", "All regions")}</a>
                        {trail.into_iter().map(|(href, name)| view! { " › " <a href=href>{name}</a> }).collect_view()}
                    </p>
                })}
                <ul>
                    {region_links.into_iter().map(|(href, name, count)| view! {
                        <li><a href=href>{name}<span class="count">{format!(" ({count})")}</span></a></li>
                    }).collect_view()}
                </ul>
                {up.map(|href| view! { <p><a class="clear" href=href>{lang.pick("上一级", "Up one level")}</a></p> })}
            </section>
            {types}
            {coverage}
            {categories}
            {urgency}
            {status}
            {amount}
        </aside>
    }
}

/// No results: say how to widen the search.
#[component]
fn Widen(params: Params, lang: Lang) -> impl IntoView {
    let path = routes::LIBRARY.url();
    let without_filters = params.filtered().then(|| {
        Params {
            q: params.q.clone(),
            ..Params::default()
        }
        .url(path)
    });
    let words = params.q.split_whitespace().count();
    let first_word = (words > 1).then(|| {
        Params {
            q: params
                .q
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned(),
            ..params.with(|_| {})
        }
        .url(path)
    });
    view! {
        <div class="empty" role="status" data-testid="library-empty">
            <p>{lang.pick("没有找到符合条件的需求。", "No need matches this search.")}</p>
            <ul>
                {without_filters.map(|href| view! { <li><a href=href>{lang.pick("去掉筛选条件再搜", "Search again without the filters")}</a></li> })}
                {first_word.map(|href| view! { <li><a href=href>{lang.pick("只搜第一个词", "Search for the first word only")}</a></li> })}
                <li>{lang.pick("换一个更短或更常用的词，如“医疗”“助学”。", "Try a shorter or more common word, such as 医疗 (medical) or 助学 (schooling).")}</li>
                <li><a href=path>{lang.pick("浏览全部需求", "Browse every need")}</a></li>
            </ul>
        </div>
    }
}

#[component]
fn Pager(params: Params, pages: usize, lang: Lang) -> impl IntoView {
    let current = params.page.min(pages);
    if pages <= 1 {
        return ().into_any();
    }
    let link = |n: usize| params.on_page(n).url(routes::LIBRARY.url());
    let window: Vec<usize> =
        (current.saturating_sub(2).max(1)..=(current + 2).min(pages)).collect();
    view! {
        <nav class="pager" aria-label=lang.pick("分页", "Pages")>
            <ul>
                {(current > 1).then(|| view! { <li><a href=link(current - 1) rel="prev">{lang.pick("上一页", "Previous")}</a></li> })}
                {window.into_iter().map(|n| view! {
                    <li><a href=link(n) aria-current=(n == current).then_some("page")>{n}</a></li>
                }).collect_view()}
                {(current < pages).then(|| view! { <li><a href=link(current + 1) rel="next">{lang.pick("下一页", "Next")}</a></li> })}
            </ul>
        </nav>
    }
    .into_any()
}
