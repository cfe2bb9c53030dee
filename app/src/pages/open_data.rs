//! `/open-data` (also at `/open-data/`): the downloads and their data dictionary.

use crate::components::lang::use_lang;
use crate::domain::need::{AgeBand, AssistanceType, Coverage, HouseholdCategory, HouseholdSize};
use crate::domain::need::{NeedStatus, Urgency};
use crate::i18n::Lang;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

fn codes<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T, Lang) -> &'static str,
    lang: Lang,
) -> String {
    all.iter()
        .map(|v| format!("{} = {}", code(*v), label(*v, lang)))
        .collect::<Vec<_>>()
        .join(lang.pick("；", "; "))
}

#[component]
fn Dictionary(
    caption: &'static str,
    rows: Vec<(&'static str, String)>,
    lang: Lang,
) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="figures dictionary">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{lang.pick("字段", "Field")}</th>
                        <th scope="col">{lang.pick("含义", "Meaning")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|(field, meaning)| view! {
                        <tr><th scope="row"><code>{field}</code></th><td>{meaning}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn OpenDataPage() -> impl IntoView {
    let lang = use_lang();
    let s = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_owned();
    let needs = vec![
        ("code", s("需求编号，与需求页地址 /needs/{编号} 相同", "The need's code, as in its page's address /needs/{code}")),
        ("title", s("标题（公开文本，已匿名化）", "Title (public text, anonymized)")),
        ("status", codes(NeedStatus::PUBLIC, NeedStatus::code, NeedStatus::label, lang)),
        ("assistance_type", codes(AssistanceType::ALL, AssistanceType::code, AssistanceType::label, lang)),
        ("household_category", codes(HouseholdCategory::ALL, HouseholdCategory::code, HouseholdCategory::label, lang)),
        ("coverage", codes(Coverage::ALL, Coverage::code, Coverage::label, lang)),
        ("county_code", s("县级行政区划代码（GB/T 2260），不公开更细的地点", "County administrative division code (GB/T 2260); nothing finer is published")),
        ("place", s("省 · 市 · 县", "Province · city · county")),
        ("age_band", codes(AgeBand::ALL, AgeBand::code, AgeBand::label, lang)),
        ("household_size", codes(HouseholdSize::ALL, HouseholdSize::code, HouseholdSize::label, lang)),
        ("urgency", codes(Urgency::ALL, Urgency::code, Urgency::label, lang)),
        ("published_on", s("发布日期（北京时间）", "Publication date (China time)")),
        ("deadline", s("截止日期，可为空", "Deadline, may be empty")),
        ("amount_range", s("所需金额（目标金额加物品价值）所在区间，单位元：none、0-1000、1000-5000、5000-10000、10000-50000、50000+。精确金额可能与其他数据结合识别出家庭，所以只公开区间。", "What would meet the need (target plus the items' value) as a range of yuan: none, 0-1000, 1000-5000, 5000-10000, 10000-50000, 50000+. An exact sum joined with other data could point at one family, so only the range is published.")),
        ("items", s("所需物品与服务的项数", "How many items and services it lists")),
    ];
    let money = vec![
        ("transaction", s("账本交易编号", "Ledger transaction number")),
        ("time_utc", s("时间（UTC）", "Time (UTC)")),
        ("kind", s("pledge_received = 认捐到账；match = 配捐；allocation = 拨付；disbursement = 支出；refund = 退款；return_to_fund = 退回基金", "pledge_received, match, allocation, disbursement, refund, return_to_fund")),
        ("amount_fen", s("金额，单位分（整数）", "Amount in fen (integer)")),
        ("charity", s("慈善组织", "Charity")),
        ("fund", s("基金编号，可为空", "Fund code, may be empty")),
        ("need", s("需求编号，可为空", "Need code, may be empty")),
        ("donor", s("捐赠人公开的称呼；匿名或未填写时为空。不含任何联系方式。", "The donor's name where they chose to show it; empty when anonymous. Never any contact data.")),
    ];
    view! {
        <Title text=lang.pick("开放数据 · 善桥", "Open data · Shanqiao")/>
        <Meta name="description" content=lang.pick("善桥的开放数据：已发布需求和资金流向的 CSV 与 JSON 下载及数据字典。", "Shanqiao's open data: published needs and money flows as CSV and JSON, with a data dictionary.")/>
        <section class="open-data">
            <h1>{lang.pick("开放数据", "Open data")}</h1>
            <p class="lead">{lang.pick(
                "以下数据可自由下载使用，随数据库实时更新。只包含公开信息：地点只到县，金额以区间表示，不含任何家庭或捐赠人的联系方式。",
                "Free to download and use, current with the database. Public information only: places no finer than the county, amounts of needs as ranges, and no contact details of families or donors.",
            )}</p>
            <ul class="downloads" data-testid="downloads">
                <li><a href=routes::OPEN_NEEDS_CSV.url()>"needs.csv"</a>" · "{lang.pick("已发布的需求", "Published needs")}</li>
                <li><a href=routes::OPEN_NEEDS_JSON.url()>"needs.json"</a>" · "{lang.pick("已发布的需求", "Published needs")}</li>
                <li><a href=routes::OPEN_MONEY_CSV.url()>"money.csv"</a>" · "{lang.pick("资金流向（每笔账本交易）", "Money flows (every ledger transaction)")}</li>
                <li><a href=routes::OPEN_MONEY_JSON.url()>"money.json"</a>" · "{lang.pick("资金流向（每笔账本交易）", "Money flows (every ledger transaction)")}</li>
                <li><a href=routes::LIBRARY_FEED.url()>"needs.atom"</a>" · "{lang.pick("需求订阅源（可加搜索条件）", "Atom feed of needs (search parameters apply)")}</li>
            </ul>
            <h2>{lang.pick("数据字典", "Data dictionary")}</h2>
            <Dictionary caption=lang.pick("needs.csv / needs.json（JSON 中为 needs 数组）", "needs.csv / needs.json (a `needs` array in JSON)") rows=needs lang/>
            <Dictionary caption=lang.pick("money.csv / money.json（JSON 中为 flows 数组）", "money.csv / money.json (a `flows` array in JSON)") rows=money lang/>
            <p class="muted">{lang.pick("统计图表见", "Charts are on the ")}<a href=routes::TRANSPARENCY.url()>{lang.pick("公开透明", "transparency")}</a>{lang.pick("页面。", " page.")}</p>
        </section>
    }
}
