//! Funds and pledges on the public site: the list of funds and projects (`/funds`, a GET
//! form of filters), a fund's page (`/funds/{id}`: progress, criteria, matching offer,
//! the pledge form (or, while its charity's verification is suspended, a notice saying
//! so), how to pay, the needs it reached, its ledger, disclosures), the
//! pledge form shared with a need's page, and a pledge's tracking page
//! (`/pledges/{receipt code}`). Everything works without JavaScript; the actions are in
//! `funds/post.rs`.

#[cfg(feature = "ssr")]
pub mod post;

use crate::charities::suspended_charities;
use crate::components::form::{use_form_reply, ErrorSummary};
use crate::components::lang::use_lang;
use crate::components::session::set_status;
use crate::domain::need::AssistanceType;
use crate::domain::support::{FundKind, PledgeStatus};
use crate::domain::Fen;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::money::payment::PaymentInstructions;
use crate::money::{
    load_fund, load_funds, load_pledge, FundSummary, LedgerLine, PledgeView, Reached, PRESETS_YUAN,
};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

pub(crate) fn day(t: chrono::DateTime<chrono::Utc>) -> String {
    crate::domain::calendar::date_text(t)
}

/// Progress towards a target, as text and a `<progress>` bar.
#[component]
pub fn MoneyProgress(raised: Fen, target: Option<Fen>, lang: Lang) -> impl IntoView {
    let label = lang.pick("筹集进度", "Progress");
    match target {
        Some(t) if t.0 > 0 => {
            let pct = raised.percent_of(t);
            view! {
                <p class="money-line">
                    <strong>{raised.to_string()}</strong>" / "{t.to_string()}" · "{format!("{pct}%")}
                </p>
                <progress max="100" value=pct.to_string() aria-label=label>{format!("{pct}%")}</progress>
            }
            .into_any()
        }
        _ => view! { <p class="money-line"><strong>{raised.to_string()}</strong>" "{lang.pick("已筹", "raised")}</p> }.into_any(),
    }
}

fn criteria_text(s: &FundSummary, lang: Lang) -> String {
    let c = &s.criteria;
    let mut parts: Vec<String> = Vec::new();
    if !c.assistance_types.is_empty() {
        parts.push(
            c.assistance_types
                .iter()
                .map(|t| t.label(lang))
                .collect::<Vec<_>>()
                .join("、"),
        );
    }
    if !c.household_categories.is_empty() {
        parts.push(
            c.household_categories
                .iter()
                .map(|t| t.label(lang))
                .collect::<Vec<_>>()
                .join("、"),
        );
    }
    if parts.is_empty() {
        lang.pick("不限类型与人群", "Any type or household")
            .to_owned()
    } else {
        parts.join(" · ")
    }
}

/// `/funds`: funds and projects, filtered by kind, region and type.
#[component]
pub fn FundsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).unwrap_or_default();
    let funds = Resource::new(
        move || (get("kind"), get("region"), get("type")),
        |(k, r, t)| load_funds(k, r, t),
    );
    let suspended = Resource::new(|| (), |_| suspended_charities());
    let kind = get("kind");
    let t = get("type");
    let region = get("region");
    view! {
        <Title text=lang.pick("基金与项目 · 善桥", "Funds and projects · Shanqiao")/>
        <Meta name="description" content=lang.pick("慈善组织设立的冠名基金、专项基金和帮扶项目：进度、资助过的需求与公开账目。", "Named funds, special funds and assistance projects of charities: progress, the needs they reached and their public ledgers.")/>
        <section class="funds-page">
            <h1>{lang.pick("基金与项目", "Funds and projects")}</h1>
            <p class="muted">{lang.pick(
                "认捐给基金，由慈善组织拨付给符合条件的困难家庭需求；每一分钱的去向都公开可查。",
                "Pledge to a fund and its charity passes the money on to families' needs that meet its criteria; where every fen went is public.",
            )}</p>
            <form method="get" action=routes::FUNDS.url() class="filters inline-form" role="search" aria-label=lang.pick("筛选基金", "Filter funds")>
                <label for="fund-kind">{lang.pick("类型", "Kind")}</label>
                <select id="fund-kind" name="kind">
                    <option value="">{lang.pick("全部", "All")}</option>
                    {FundKind::ALL.iter().map(|k| view! { <option value=k.code() selected=k.code() == kind>{k.label(lang)}</option> }).collect_view()}
                </select>
                <label for="fund-type">{lang.pick("援助类型", "Assistance type")}</label>
                <select id="fund-type" name="type">
                    <option value="">{lang.pick("全部", "All")}</option>
                    {AssistanceType::ALL.iter().map(|k| view! { <option value=k.code() selected=k.code() == t>{k.label(lang)}</option> }).collect_view()}
                </select>
                <label for="fund-region">{lang.pick("地区代码", "Region code")}</label>
                <input id="fund-region" name="region" value=region inputmode="numeric" size="8" placeholder="220000"/>
                <button type="submit" class="button">{lang.pick("筛选", "Filter")}</button>
            </form>
            <Suspense fallback=move || view! { <p>{lang.pick("正在加载…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    let (funds, suspended) = (funds.await, suspended.await.unwrap_or_default());
                    match funds {
                        Ok(list) if list.is_empty() => view! {
                            <p class="muted" data-testid="no-funds">{lang.pick("没有符合条件的基金。试试去掉筛选条件。", "No fund matches. Try removing a filter.")}</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="fund-list">
                                {list.into_iter().map(|f| {
                                    let suspended = suspended.contains(&f.charity_id);
                                    view! { <FundCard fund=f suspended lang/> }
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

/// A fund in the list; `suspended`: its charity's verification is suspended now.
#[component]
fn FundCard(fund: FundSummary, suspended: bool, lang: Lang) -> impl IntoView {
    let href = routes::FUND.to([&fund.id]);
    let criteria = criteria_text(&fund, lang);
    view! {
        <li class="fund-card" data-testid="fund-card">
            <p class="muted">{fund.kind.label(lang)}" · "{fund.charity.clone()}</p>
            <h2><a href=href>{fund.name.clone()}</a></h2>
            <p>{criteria}</p>
            <MoneyProgress raised=fund.raised target=fund.target lang/>
            <p class="muted">
                {format!("{} {} · {} {}", lang.pick("已拨付", "Allocated"), fund.allocated, lang.pick("余额", "balance"), fund.balance)}
                {fund.matching.map(|m| view! { " · "<span class="badge">{format!("{} {}%", lang.pick("配捐", "Matching"), m.ratio_percent)}</span> })}
                {if suspended {
                    Some(view! { " · "<span class="badge badge-suspended" data-testid="suspended-badge">{lang.pick("机构认证已暂停", "Charity's verification suspended")}</span> }.into_any())
                } else {
                    (!fund.accepts_pledges).then(|| view! { " · "<span class="badge">{lang.pick("已结束", "Closed")}</span> }.into_any())
                }}
            </p>
        </li>
    }
}

/// How to pay: the provider's lines.
#[component]
pub fn PaymentBox(payment: PaymentInstructions, lang: Lang) -> impl IntoView {
    view! {
        <section class="payment" aria-labelledby="how-to-pay">
            <h2 id="how-to-pay">{lang.pick("如何付款", "How to pay")}</h2>
            {if payment.unavailable {
                view! { <p>{lang.pick("该机构尚未公布收款账户，会通过您留下的联系方式与您联系。", "The charity has not published its account yet; it will contact you through the contact you gave.")}</p> }.into_any()
            } else {
                view! {
                    <p class="muted">{lang.pick("善桥不经手善款：请通过银行转账直接付给慈善组织。", "Shanqiao never holds the money: transfer it to the charity directly.")}</p>
                    <dl class="facts">
                        {payment.lines.iter().map(|l| view! {
                            <div class="fact"><dt>{PaymentInstructions::label(l, lang)}</dt><dd data-testid="pay-line">{l.2.clone()}</dd></div>
                        }).collect_view()}
                    </dl>
                }.into_any()
            }}
        </section>
    }
}

/// The pledge form, posting to `action` (a fund's or a need's). Works without JavaScript.
#[component]
pub fn PledgeForm(
    action: String,
    lang: Lang,
    #[prop(optional)] most: Option<Fen>,
) -> impl IntoView {
    let reply = use_form_reply();
    // A refused post keeps its token (nothing was stored under it).
    let token = Some(reply.value("idempotency_key"))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(crate::money::form_token);
    let chosen = reply.value("preset");
    let chosen = if chosen.is_empty() && !reply.is_posted() {
        "200".to_owned()
    } else {
        chosen
    };
    let err = |name: &str| reply.error(name).map(|p| p.message(lang));
    let field = |name: &'static str,
                 label: &'static str,
                 kind: &'static str,
                 hint: Option<&'static str>,
                 autocomplete: &'static str| {
        let id = format!("field-{name}");
        let error = err(name);
        let described = match (error.is_some(), hint.is_some()) {
            (true, true) => Some(format!("{id}-error {id}-hint")),
            (true, false) => Some(format!("{id}-error")),
            (false, true) => Some(format!("{id}-hint")),
            _ => None,
        };
        view! {
            <div class="field" class:field-invalid=error.is_some()>
                <label for=id.clone()>{label}</label>
                {hint.map(|h| view! { <p class="field-hint" id=format!("{id}-hint")>{h}</p> })}
                {error.clone().map(|e| view! { <p class="field-error" id=format!("{id}-error")>{e}</p> })}
                <input id=id name=name type=kind value=reply.value(name) autocomplete=autocomplete
                    aria-invalid=error.is_some().then_some("true") aria-describedby=described/>
            </div>
        }
    };
    let amount_error = err("amount");
    view! {
        <section class="pledge" aria-labelledby="pledge-heading">
            <h2 id="pledge-heading">{lang.pick("我要认捐", "Pledge")}</h2>
            {most.map(|m| view! { <p class="muted">{format!("{} {m}", lang.pick("尚缺", "Still lacking:"))}</p> })}
            <ErrorSummary/>
            <form method="post" action=action class="stack" novalidate data-testid="pledge-form">
                <input type="hidden" name="idempotency_key" value=token/>
                <fieldset class="field" class:field-invalid=amount_error.is_some()>
                    <legend id="field-amount">{lang.pick("金额（元）", "Amount (yuan)")}</legend>
                    {amount_error.map(|e| view! { <p class="field-error" id="field-amount-error">{e}</p> })}
                    <div class="presets">
                        {PRESETS_YUAN.iter().map(|y| {
                            let v = y.to_string();
                            let id = format!("preset-{y}");
                            let for_id = id.clone();
                            view! {
                                <label class="check" for=for_id>
                                    <input type="radio" id=id name="preset" value=v.clone() checked=chosen == v/>
                                    {format!(" ¥{y}")}
                                </label>
                            }
                        }).collect_view()}
                        <label class="check" for="preset-custom">
                            <input type="radio" id="preset-custom" name="preset" value="custom" checked=chosen == "custom"/>
                            {lang.pick(" 其他金额", " Other amount")}
                        </label>
                    </div>
                    <label for="field-custom_amount">{lang.pick("其他金额（元，最多两位小数）", "Other amount (yuan, up to two decimals)")}</label>
                    <input id="field-custom_amount" name="custom_amount" inputmode="decimal" value=reply.value("custom_amount") aria-describedby="field-amount-error"/>
                </fieldset>
                {field("display_name", lang.pick("公开显示的名字", "Name to show"), "text", Some(lang.pick("将显示在公开账目中；选择匿名则不显示。", "Shown in the public ledger; not shown if you stay anonymous.")), "nickname")}
                <label class="check"><input type="checkbox" name="anonymous" checked=reply.value("anonymous") == "on"/>{lang.pick(" 匿名认捐", " Stay anonymous")}</label>
                {field("contact", lang.pick("接收回执的邮箱或手机号", "E-mail or mobile for the receipt"), "text", Some(lang.pick("仅用于发送回执和到账提醒，不会公开。", "Only for the receipt and reminders; never shown.")), "email")}
                <div class="field" class:field-invalid=err("consent").is_some()>
                    {err("consent").map(|e| view! { <p class="field-error" id="field-consent-error">{e}</p> })}
                    <label class="check" for="field-consent">
                        <input type="checkbox" id="field-consent" name="consent" checked=reply.value("consent") == "on"/>
                        {lang.pick(
                            " 我已阅读认捐须知：善款由慈善组织接收并按公开的用途使用；未到账的认捐到期自动失效；结余按基金公布的规则处理。",
                            " I have read the terms: the charity receives the money and uses it as published; a pledge whose money does not arrive lapses; leftovers follow the fund's stated rule.",
                        )}
                    </label>
                </div>
                <button type="submit" class="button">{lang.pick("提交认捐", "Pledge")}</button>
            </form>
        </section>
    }
}

fn reached_list(reached: Vec<Reached>, lang: Lang) -> impl IntoView {
    if reached.is_empty() {
        return view! { <p class="muted">{lang.pick("尚未拨付到具体需求。", "Not passed on to a need yet.")}</p> }.into_any();
    }
    view! {
        <ul class="reached" data-testid="reached">
            {reached.into_iter().map(|r| view! {
                <li><a href=routes::NEED.to([&r.public_code])>{r.public_code.clone()}" · "{r.title}</a>" — "{r.amount.to_string()}</li>
            }).collect_view()}
        </ul>
    }.into_any()
}

fn ledger_table(lines: Vec<LedgerLine>, lang: Lang) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p class="muted">{lang.pick("暂无收支记录。", "No movements yet.")}</p> }
            .into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="items" data-testid="ledger">
                <caption class="visually-hidden">{lang.pick("公开账目", "Public ledger")}</caption>
                <thead><tr>
                    <th scope="col">{lang.pick("日期", "Date")}</th>
                    <th scope="col">{lang.pick("类型", "Kind")}</th>
                    <th scope="col">{lang.pick("收入/支出", "In/out")}</th>
                    <th scope="col">{lang.pick("金额", "Amount")}</th>
                    <th scope="col">{lang.pick("需求", "Need")}</th>
                    <th scope="col">{lang.pick("捐赠人", "Donor")}</th>
                </tr></thead>
                <tbody>
                    {lines.into_iter().map(|l| view! {
                        <tr>
                            <td>{day(l.at)}</td>
                            <td>{l.kind.label(lang)}</td>
                            <td>{if l.inflow { lang.pick("收入", "In") } else { lang.pick("支出", "Out") }}</td>
                            <td>{l.amount.to_string()}</td>
                            <td>{l.need.map(|c| view! { <a href=routes::NEED.to([&c])>{c.clone()}</a> })}</td>
                            <td>{l.donor.unwrap_or_else(|| if l.kind == crate::domain::support::LedgerKind::PledgeReceived { lang.pick("匿名", "Anonymous").to_owned() } else { String::new() })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}

/// `/funds/{id}`.
#[component]
pub fn FundPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let fund = Resource::new(
        move || {
            params
                .read()
                .get("id")
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(0)
        },
        load_fund,
    );
    let suspended = Resource::new(|| (), |_| suspended_charities());
    view! {
        <Suspense fallback=move || view! { <p>{lang.pick("正在加载…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let (fund, suspended) = (fund.await, suspended.await.unwrap_or_default());
                match fund {
                    Ok(d) => {
                        let s = d.summary;
                        // Its charity's verification is suspended: no new pledges.
                        let charity_suspended = suspended.contains(&s.charity_id);
                        let title = format!("{} · {}", s.name, lang.pick("善桥", "Shanqiao"));
                        let pledge_action = routes::PLEDGE_TO_FUND.to([&s.id]);
                        let csv = routes::FUND_LEDGER_CSV.to([&s.id]);
                        let description: String = s.description.chars().take(110).collect();
                        let dates = match (s.starts_on, s.ends_on) {
                            (Some(a), Some(b)) => format!("{a} — {b}"),
                            _ => "—".into(),
                        };
                        view! {
                            <Title text=title/>
                            <Meta name="description" content=description/>
                            <article class="fund-page">
                                <nav class="breadcrumb" aria-label=lang.pick("当前位置", "Breadcrumb")>
                                    <a href=routes::FUNDS.url()>{lang.pick("基金与项目", "Funds and projects")}</a>" / "
                                    <span aria-current="page">{s.public_code.clone()}</span>
                                </nav>
                                <p class="muted">{s.kind.label(lang)}" · "{s.charity.clone()}</p>
                                <h1>{s.name.clone()}</h1>
                                {(!s.sponsor.is_empty()).then(|| view! { <p>{lang.pick("冠名方：", "Named after: ")}{s.sponsor.clone()}</p> })}
                                <p class="story">{s.description.clone()}</p>
                                <section class="progress-box" aria-label=lang.pick("筹集进度", "Progress")>
                                    <MoneyProgress raised=s.raised target=s.target lang/>
                                    <p>{format!("{} {} · {} {} · {} {}", lang.pick("已拨付", "Allocated"), s.allocated, lang.pick("余额", "Balance"), s.balance, lang.pick("捐赠人次", "Gifts"), s.donors)}</p>
                                </section>
                                <dl class="facts">
                                    <div class="fact"><dt>{lang.pick("资助范围", "Criteria")}</dt><dd>{criteria_text(&s, lang)}</dd></div>
                                    <div class="fact"><dt>{lang.pick("地区", "Regions")}</dt><dd>{if s.criteria.regions.is_empty() { lang.pick("不限", "Any").to_owned() } else { s.criteria.regions.iter().map(|r| r.as_str().to_owned()).collect::<Vec<_>>().join("、") }}</dd></div>
                                    <div class="fact"><dt>{lang.pick("募集期", "Dates")}</dt><dd>{dates}</dd></div>
                                    <div class="fact"><dt>{lang.pick("结余去向", "Leftover money")}</dt><dd>{s.leftover.label(lang)}</dd></div>
                                    {s.matching.map(|m| view! {
                                        <div class="fact"><dt>{lang.pick("配捐", "Matching offer")}</dt><dd data-testid="matching">{format!(
                                            "{} {}% · {} {} · {} — {}",
                                            lang.pick("按", "at"), m.ratio_percent, lang.pick("上限", "up to"), m.cap, day(m.starts_at), day(m.ends_at)
                                        )}</dd></div>
                                    })}
                                </dl>
                                {if charity_suspended {
                                    view! { <p class="notice notice-warning" role="status" data-testid="charity-suspended">{crate::organizations::problems::SUSPENDED_PUBLIC.message(lang)}</p> }.into_any()
                                } else if s.accepts_pledges {
                                    view! {
                                        <PledgeForm action=pledge_action lang/>
                                        <PaymentBox payment=d.payment lang/>
                                    }.into_any()
                                } else {
                                    view! { <p class="notice">{lang.pick("该基金不在募集期内，暂不接受认捐。", "This fund takes no pledges now.")}</p> }.into_any()
                                }}
                                <h2>{lang.pick("资助过的需求", "Needs it reached")}</h2>
                                {reached_list(d.reached, lang)}
                                <h2>{lang.pick("公开账目", "Public ledger")}</h2>
                                <p><a href=csv download="">{lang.pick("下载账目（CSV）", "Download the ledger (CSV)")}</a></p>
                                {ledger_table(d.ledger, lang)}
                                <h2>{lang.pick("信息披露", "Disclosures")}</h2>
                                {if d.disclosures.is_empty() {
                                    view! { <p class="muted">{lang.pick("暂无披露报告。", "No reports yet.")}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="disclosures" data-testid="disclosures">
                                            {d.disclosures.into_iter().map(|x| view! {
                                                <li><h3>{x.period}</h3><p class="story">{x.body}</p><p class="muted">{day(x.posted_at)}</p></li>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </article>
                        }.into_any()
                    }
                    Err(AppError::NotFound) => {
                        set_status(404);
                        view! { <crate::pages::not_found::NotFound/> }.into_any()
                    }
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn status_note(v: &PledgeView, lang: Lang) -> &'static str {
    match v.status {
        PledgeStatus::Pledged => lang.pick("已认捐，等待善款到账。请按下方方式付款。", "Pledged; waiting for the money. Pay as shown below."),
        PledgeStatus::Received => lang.pick("善款已到账，感谢您！拨付到具体需求后会显示在这里。", "The money has arrived. Thank you! Where it goes will show here."),
        PledgeStatus::Allocated => lang.pick("善款已全部拨付到需求。", "All of it has been passed on to needs."),
        PledgeStatus::Cancelled => lang.pick("该认捐已取消（如已付款，款项已退回）。", "This pledge was cancelled (any money paid was refunded)."),
        PledgeStatus::Lapsed => lang.pick("该认捐在期限内未到账，已失效。如已转账，请联系慈善组织。", "The money did not arrive in time and the pledge lapsed. If you paid, contact the charity."),
    }
}

/// `/pledges/{receipt code}`: a pledge's state and where its money went.
#[component]
pub fn PledgePage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let pledge = Resource::new(
        move || params.read().get("token").unwrap_or_default(),
        load_pledge,
    );
    view! {
        <Title text=lang.pick("认捐回执 · 善桥", "Pledge receipt · Shanqiao")/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=move || view! { <p>{lang.pick("正在加载…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match pledge.await {
                    Ok(v) => {
                        let target = match (&v.fund, &v.need) {
                            (Some((id, name)), _) => view! { <a href=routes::FUND.to([id])>{name.clone()}</a> }.into_any(),
                            (_, Some((code, title))) => view! { <a href=routes::NEED.to([code])>{code.clone()}" · "{title.clone()}</a> }.into_any(),
                            _ => view! { <span>"—"</span> }.into_any(),
                        };
                        let note = status_note(&v, lang);
                        let waiting = v.status == PledgeStatus::Pledged;
                        view! {
                            <article class="pledge-page">
                                <h1>{lang.pick("认捐回执", "Pledge receipt")}</h1>
                                <p class="receipt-code">{lang.pick("回执编号：", "Receipt code: ")}<strong data-testid="receipt-code">{v.receipt_code.clone()}</strong></p>
                                <p class="muted">{lang.pick("请保存此页面地址或回执编号，凭它随时查看善款去向。", "Keep this page's address or the code to follow your money at any time.")}</p>
                                <p class="notice" role="status" data-testid="pledge-status">{v.status.label(lang)}" — "{note}</p>
                                <dl class="facts">
                                    <div class="fact"><dt>{lang.pick("认捐金额", "Pledged")}</dt><dd data-testid="pledge-amount">{v.amount.to_string()}</dd></div>
                                    {v.received.map(|r| view! { <div class="fact"><dt>{lang.pick("实际到账", "Received")}</dt><dd>{r.to_string()}</dd></div> })}
                                    {(v.matched.0 > 0).then(|| view! { <div class="fact"><dt>{lang.pick("配捐", "Matched")}</dt><dd data-testid="matched">{v.matched.to_string()}</dd></div> })}
                                    <div class="fact"><dt>{lang.pick("认捐对象", "For")}</dt><dd>{target}</dd></div>
                                    <div class="fact"><dt>{lang.pick("慈善组织", "Charity")}</dt><dd>{v.charity.clone()}</dd></div>
                                    <div class="fact"><dt>{lang.pick("认捐日期", "Pledged on")}</dt><dd>{day(v.pledged_at)}</dd></div>
                                    {waiting.then(|| view! { <div class="fact"><dt>{lang.pick("到账期限", "Pay by")}</dt><dd>{day(v.lapses_at)}</dd></div> })}
                                    <div class="fact"><dt>{lang.pick("公开署名", "Shown as")}</dt><dd>{v.donor_name.clone().unwrap_or_else(|| lang.pick("匿名", "Anonymous").to_owned())}</dd></div>
                                </dl>
                                <h2>{lang.pick("善款去向", "Where the money went")}</h2>
                                {reached_list(v.reached, lang)}
                                {(v.in_fund.0 > 0).then(|| view! { <p data-testid="in-fund">{format!("{} {}", lang.pick("仍在基金中待拨付：", "Still in the fund:"), v.in_fund)}</p> })}
                                {(v.refunded.0 > 0).then(|| view! { <p>{format!("{} {}", lang.pick("已退款：", "Refunded:"), v.refunded)}</p> })}
                                {waiting.then(|| view! { <PaymentBox payment=v.payment lang/> })}
                            </article>
                        }.into_any()
                    }
                    Err(AppError::NotFound) => {
                        set_status(404);
                        view! {
                            <h1>{lang.pick("没有找到该认捐", "No such pledge")}</h1>
                            <p>{lang.pick("请核对回执编号（形如 SQ-XXXX-XXXX-XXXX-XXXX）。", "Check the receipt code (it looks like SQ-XXXX-XXXX-XXXX-XXXX).")}</p>
                        }.into_any()
                    }
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
