//! Importing needs from a CSV file (`/office/needs/import`): the form, the columns and
//! their allowed values, the template, and after a post the per-row report.

#[cfg(feature = "ssr")]
pub mod post;

use crate::components::lang::use_lang;
use crate::components::pii::field_label;
use crate::components::session::set_status;
use crate::domain::need::{
    AgeBand, AssistanceType, Coverage, HouseholdCategory, HouseholdSize, Urgency,
};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::needs::import::{ImportReport, COLUMNS, MAX_ROWS};
use leptos::prelude::*;
use leptos_meta::Title;

fn allowed(field: &str, lang: Lang) -> String {
    fn list<T: Copy>(
        all: &[T],
        code: fn(T) -> &'static str,
        label: fn(T, Lang) -> &'static str,
        lang: Lang,
    ) -> String {
        all.iter()
            .map(|v| format!("{}（{}）", label(*v, lang), code(*v)))
            .collect::<Vec<_>>()
            .join("、")
    }
    match field {
        "assistance_type" => list(
            AssistanceType::ALL,
            AssistanceType::code,
            AssistanceType::label,
            lang,
        ),
        "household_category" => list(
            HouseholdCategory::ALL,
            HouseholdCategory::code,
            HouseholdCategory::label,
            lang,
        ),
        "coverage" => list(Coverage::ALL, Coverage::code, Coverage::label, lang),
        "age_band" => list(AgeBand::ALL, AgeBand::code, AgeBand::label, lang),
        "household_size" => list(
            HouseholdSize::ALL,
            HouseholdSize::code,
            HouseholdSize::label,
            lang,
        ),
        "urgency" => list(Urgency::ALL, Urgency::code, Urgency::label, lang),
        "region_code" => lang
            .pick(
                "6 位县级行政区划代码，须在本部门辖区内，如 220122",
                "6-digit county code inside your office's region, e.g. 220122",
            )
            .into(),
        "deadline" | "consent_recorded_on" => lang
            .pick("年-月-日，如 2026-12-31", "year-month-day, e.g. 2026-12-31")
            .into(),
        "target_amount" => lang
            .pick(
                "元，如 3000 或 3000.50；与物品至少填一项",
                "yuan, e.g. 3000 or 3000.50; this or items",
            )
            .into(),
        "items" => lang
            .pick(
                "名称/单位/数量/单价，多项用分号隔开，如 轮椅/台/1/1200; 护理床/张/1/2000",
                "name/unit/quantity/unit value, items separated by semicolons",
            )
            .into(),
        "household_names" => lang
            .pick(
                "用顿号或逗号分隔；不公开，只用于隐私检查",
                "separated by commas; never published, used by the privacy check",
            )
            .into(),
        _ => String::new(),
    }
}

#[component]
pub fn ImportNeedsPage() -> impl IntoView {
    let lang = use_lang();
    // Only staff who write needs get the form: the counties they write for say so.
    let counties = Resource::new(|| (), |_| crate::needs::office_counties());
    let report = use_context::<ImportReport>();
    view! {
        <Title text=lang.pick("批量导入需求 · 民政工作台", "Import needs · Office portal")/>
        <Suspense fallback=|| ()>
            {move || {
                let report = report.clone();
                Suspend::new(async move {
                    match counties.await {
                        Ok(c) if !c.is_empty() => view! { <ImportForm report/> }.into_any(),
                        Ok(_) => super::denied(AppError::Forbidden, "/office/needs/import", lang),
                        Err(e) => super::denied(e, "/office/needs/import", lang),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ImportForm(report: Option<ImportReport>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="form-page import">
            <h1>{lang.pick("批量导入需求（CSV）", "Import needs from CSV")}</h1>
            <p><a href="/office/needs">{lang.pick("返回需求列表", "Back to the needs")}</a></p>
            {report.map(|r| view! { <Report report=r/> })}
            <p>
                {lang.pick(
                    "每行一条需求，导入后均为草稿，需逐条提交审核。默认整份文件要么全部导入，要么（只要有一行有问题）全部不导入。文件可用 UTF-8 或 GB18030（GBK）编码，最大 2 MB，最多 ",
                    "One need per row; imported needs are drafts, each to be submitted for review. By default a file is imported whole or, if any row has a problem, not at all. UTF-8 or GB18030 (GBK), 2 MB and ",
                )}
                {MAX_ROWS}
                {lang.pick(" 行。", " rows at most.")}
            </p>
            <p><a href=crate::routes::IMPORT_TEMPLATE.url() download="shanqiao-needs-template.csv">{lang.pick("下载模板（CSV）", "Download the template (CSV)")}</a></p>
            <form method="post" action=crate::routes::IMPORT_NEEDS.url() enctype="multipart/form-data" class="stack">
                <div class="field">
                    <label for="field-file">{lang.pick("CSV 文件", "CSV file")}</label>
                    <input id="field-file" name="file" type="file" accept=".csv,text/csv" required/>
                </div>
                <div class="field field-check">
                    <label>
                        <input type="checkbox" name="partial"/>
                        " "
                        {lang.pick("只导入没有问题的行（其余行不导入）", "Import the good rows only (skip the bad ones)")}
                    </label>
                </div>
                <button type="submit" class="button">{lang.pick("检查并导入", "Check and import")}</button>
            </form>
            <h2>{lang.pick("各列说明", "The columns")}</h2>
            <div class="table-scroll" tabindex="0">
                <table class="items">
                    <thead>
                        <tr>
                            <th scope="col">{lang.pick("列名", "Header in Chinese")}</th>
                            <th scope="col">{lang.pick("字段（英文列名亦可）", "or in English")}</th>
                            <th scope="col">{lang.pick("必填", "Required")}</th>
                            <th scope="col">{lang.pick("取值", "Values")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {COLUMNS
                            .iter()
                            .map(|(field, zh, required)| view! {
                                <tr>
                                    <td lang="zh-CN">{*zh}</td>
                                    <td><code>{*field}</code></td>
                                    <td>{if *required { lang.pick("是", "yes") } else { lang.pick("否", "no") }}</td>
                                    <td>{allowed(field, lang)}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let lang = use_lang();
    let bad = report.bad_rows();
    let summary = if let Some(p) = &report.file_problem {
        set_status(422);
        p.message(lang)
    } else if report.stored == 0 {
        set_status(422);
        lang.pick(
            format!("{bad} 行有问题，整份文件未导入。请修改后重新导入。"),
            format!("{bad} rows have problems; nothing was imported. Fix them and import again."),
        )
    } else {
        lang.pick(
            format!(
                "已导入 {} 条需求（草稿）。{}",
                report.stored,
                if bad > 0 {
                    format!("{bad} 行有问题，未导入。")
                } else {
                    String::new()
                }
            ),
            format!(
                "Imported {} needs as drafts.{}",
                report.stored,
                if bad > 0 {
                    format!(" {bad} rows had problems and were skipped.")
                } else {
                    String::new()
                }
            ),
        )
    };
    let failed = report.file_problem.is_some() || report.stored == 0;
    view! {
        <section class="import-report" aria-labelledby="report-heading" data-testid="import-report">
            <h2 id="report-heading">{lang.pick("导入结果", "Import result")}</h2>
            <p class:error=failed role=if failed { "alert" } else { "status" }>{summary}</p>
            {(!report.rows.is_empty()).then(|| view! {
                <div class="table-scroll" tabindex="0">
                    <table class="items">
                        <thead>
                            <tr>
                                <th scope="col">{lang.pick("行号", "Row")}</th>
                                <th scope="col">{lang.pick("标题", "Title")}</th>
                                <th scope="col">{lang.pick("结果", "Result")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {report.rows
                                .into_iter()
                                .map(|r| {
                                    let ok = r.problems.is_empty();
                                    view! {
                                        <tr class:row-bad=!ok data-row=r.number>
                                            <td>{r.number}</td>
                                            <td>{r.title}</td>
                                            <td>
                                                {match (&r.public_code, ok) {
                                                    (Some(code), _) => view! {
                                                        <a href=format!("/office/needs/{code}")>{format!("{} {code}", lang.pick("已导入", "Imported"))}</a>
                                                    }.into_any(),
                                                    (None, true) => lang.pick("没有问题（未导入）", "No problems (not imported)").into_any(),
                                                    (None, false) => view! {
                                                        <ul>
                                                            {r.problems
                                                                .into_iter()
                                                                .map(|(field, zh, en)| view! {
                                                                    <li>{format!("{}：{}", field_label_any(&field, lang), lang.pick(zh, en))}</li>
                                                                })
                                                                .collect_view()}
                                                        </ul>
                                                    }.into_any(),
                                                }}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

/// A column's header for a field name (items and public text fields included).
fn field_label_any(field: &str, lang: Lang) -> String {
    match COLUMNS.iter().find(|(f, _, _)| *f == field) {
        Some((f, zh, _)) => lang.pick((*zh).to_owned(), (*f).to_owned()),
        None => field_label(field, lang),
    }
}
