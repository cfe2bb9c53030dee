//! The needs of the viewer's regions, by state (`/office/needs?status=…`).

use crate::components::badges::StatusBadge;
use crate::components::lang::use_lang;
use crate::needs::office_needs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OfficeNeedsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let status = query.read_untracked().get("status");
    let list = Resource::new(move || status.clone(), office_needs);
    view! {
        <Title text=lang.pick("本辖区需求 · 民政工作台", "Needs · Office portal")/>
        <section class="portal">
            <h1>{lang.pick("本辖区需求", "Needs of our region")}</h1>
            <p>
                <a class="button" href="/office/needs/new">{lang.pick("新建需求", "New need")}</a>
                " "
                <a href="/office/needs/import">{lang.pick("批量导入（CSV）", "Import from CSV")}</a>
                " · "
                <a href="/office">{lang.pick("返回工作台", "Back to the portal")}</a>
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) => {
                            let current = list.status;
                            let empty = list.rows.is_empty();
                            view! {
                                <nav class="status-tabs" aria-label=lang.pick("按状态筛选", "Filter by status")>
                                    <a href="/office/needs" aria-current=current.is_none().then_some("page")>
                                        {lang.pick("全部", "All")}
                                    </a>
                                    {list.counts
                                        .into_iter()
                                        .map(|(s, n)| view! {
                                            " "
                                            <a
                                                href=format!("/office/needs?status={}", s.code())
                                                aria-current=(current == Some(s)).then_some("page")
                                            >
                                                {format!("{} ({n})", s.label(lang))}
                                            </a>
                                        })
                                        .collect_view()}
                                </nav>
                                {empty.then(|| view! { <p>{lang.pick("没有符合条件的需求。", "No needs here.")}</p> })}
                                <div class="table-scroll" tabindex="0" hidden=empty>
                                    <table class="items" data-testid="office-needs">
                                        <thead>
                                            <tr>
                                                <th scope="col">{lang.pick("编号", "Code")}</th>
                                                <th scope="col">{lang.pick("标题", "Title")}</th>
                                                <th scope="col">{lang.pick("状态", "Status")}</th>
                                                <th scope="col">{lang.pick("地区", "Place")}</th>
                                                <th scope="col">{lang.pick("经办人", "Author")}</th>
                                                <th scope="col">{lang.pick("更新", "Updated")}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list.rows
                                                .into_iter()
                                                .map(|r| view! {
                                                    <tr>
                                                        <td><a href=format!("/office/needs/{}", r.public_code)>{r.public_code.clone()}</a></td>
                                                        <td>
                                                            {r.title}
                                                            {r.review_comment.map(|c| view! {
                                                                <br/><span class="muted">{lang.pick("退回意见：", "Returned: ")}{c}</span>
                                                            })}
                                                        </td>
                                                        <td><StatusBadge value=r.status lang/></td>
                                                        <td>{r.place}</td>
                                                        <td>{r.author}</td>
                                                        <td>{r.updated_on.format("%Y-%m-%d").to_string()}</td>
                                                    </tr>
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                            .into_any()
                        }
                        Err(e) => super::denied(e, "/office/needs", lang),
                    }
                })}
            </Suspense>
        </section>
    }
}
