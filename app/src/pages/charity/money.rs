//! The charity's money pages: its funds with the form to set one up and its account for
//! transfers (`/charity/funds`), one fund with the allocation and disclosure forms
//! (`/charity/funds/{id}`), and its pledges, the pledged-but-not-received first, each
//! with "mark received" (`/charity/pledges`). Forms post normally (`money_post.rs`).

use crate::components::form::{use_form_reply, ErrorSummary, Field, Select};
use crate::components::lang::use_lang;
use crate::domain::need::{AssistanceType, HouseholdCategory};
use crate::domain::support::{FundKind, LeftoverPolicy, PledgeStatus};
use crate::i18n::Lang;
use crate::money::{my_charity_pledges, my_fund, my_funds};
use crate::pages::funds::{day, MoneyProgress};
use crate::pages::office::denied;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn breadcrumb(lang: Lang, here: &'static str) -> impl IntoView {
    view! {
        <nav class="breadcrumb" aria-label=lang.pick("当前位置", "Breadcrumb")>
            <a href=routes::CHARITY.url()>{lang.pick("机构工作台", "Charity portal")}</a>" / "
            <span aria-current="page">{here}</span>
        </nav>
    }
}

fn done_notice(lang: Lang) -> impl IntoView {
    let done = use_query_map().read_untracked().get("done");
    done.map(|d| {
        let text = match d.as_str() {
            "created" => lang.pick("基金已设立。", "Fund set up."),
            "payee" => lang.pick(
                "新的收款账户已确认生效。",
                "The new account is confirmed and in use.",
            ),
            "payee_proposed" => lang.pick(
                "已提出账户变更，等待另一位管理员确认。",
                "Change proposed; it waits for a second admin.",
            ),
            "payee_withdrawn" => lang.pick("账户变更已撤回。", "The change was withdrawn."),
            "receipt_proposed" => lang.pick(
                "到账金额超过认捐金额：已记录，等待另一位成员确认后入账。",
                "More than pledged arrived: recorded, and booked once a second member confirms.",
            ),
            "allocated" => lang.pick("已拨付。", "Allocated."),
            "disclosed" => lang.pick("披露报告已发布。", "Report posted."),
            "received" => lang.pick("已确认到账。", "Marked received."),
            "refunded" => lang.pick("已退款并取消该认捐。", "Refunded; the pledge is cancelled."),
            _ => lang.pick("已保存。", "Saved."),
        };
        view! { <p class="notice" role="status" data-testid="done">{text}</p> }
    })
}

/// `/charity/funds`.
#[component]
pub fn CharityFundsPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |_| my_funds());
    view! {
        <Title text=lang.pick("基金与项目 · 机构工作台 · 善桥", "Funds · Charity portal · Shanqiao")/>
        <section class="form-page">
            {breadcrumb(lang, lang.pick("基金与项目", "Funds and projects"))}
            <h1>{lang.pick("基金与项目", "Funds and projects")}</h1>
            {done_notice(lang)}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let (funds, payee, may_create) = match data.await {
                        Ok(d) => d,
                        Err(e) => return denied(e, routes::CHARITY_FUNDS.url(), lang),
                    };
                    let reply = use_form_reply();
                    let typed = |n: &str| reply.value(n);
                    let types: Vec<(String, String)> = AssistanceType::ALL.iter().map(|t| (t.code().to_owned(), t.label(lang).to_owned())).collect();
                    let categories: Vec<(String, String)> = HouseholdCategory::ALL.iter().map(|t| (t.code().to_owned(), t.label(lang).to_owned())).collect();
                    view! {
                        <ErrorSummary/>
                        {if funds.is_empty() {
                            view! { <p class="muted">{lang.pick("还没有基金。", "No funds yet.")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="fund-list" data-testid="own-funds">
                                    {funds.into_iter().map(|f| view! {
                                        <li class="fund-card">
                                            <p class="muted">{f.kind.label(lang)}" · "{f.status.label(lang)}</p>
                                            <h2><a href=routes::CHARITY_FUND.to([&f.id])>{f.name.clone()}</a></h2>
                                            <MoneyProgress raised=f.raised target=f.target lang/>
                                            <p class="muted">{format!("{} {} · {} {}", lang.pick("已拨付", "Allocated"), f.allocated, lang.pick("余额", "Balance"), f.balance)}</p>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <h2 id="payee">{lang.pick("收款账户（银行转账）", "Account for transfers")}</h2>
                        <p class="muted">{lang.pick("捐赠人按此账户转账，并在附言中注明回执编号。已有的认捐保留认捐时的账户。", "Donors transfer to this account, quoting the receipt code. Existing pledges keep the account they were made with.")}</p>
                        <dl class="facts" data-testid="payee-current">
                            <dt>{lang.pick("户名", "Account name")}</dt><dd>{payee.current.account_name.clone().unwrap_or_else(|| "—".into())}</dd>
                            <dt>{lang.pick("开户行", "Bank")}</dt><dd>{payee.current.bank.clone().unwrap_or_else(|| "—".into())}</dd>
                            <dt>{lang.pick("账号", "Account number")}</dt><dd>{payee.current.account.clone().unwrap_or_else(|| "—".into())}</dd>
                        </dl>
                        {payee.proposed.clone().map(|p| view! {
                            <div class="notice" role="status" data-testid="payee-proposed">
                                <p><strong>{lang.pick("待确认的新账户", "New account waiting for confirmation")}</strong>
                                    {format!(" · {} {} · {}", lang.pick("提出人", "proposed by"), p.by, day(p.at))}</p>
                                <p>{format!("{} · {} · {}", p.payee.account_name.clone().unwrap_or_default(), p.payee.bank.clone().unwrap_or_default(), p.payee.account.clone().unwrap_or_default())}</p>
                                <p class="muted">{if payee.single_admin {
                                    lang.pick("本机构只有一位管理员：由平台管理员核实后确认。", "Your charity has one admin: a platform admin checks and confirms it.")
                                } else {
                                    lang.pick("须由另一位管理员确认后生效。", "It takes effect when a second admin confirms it.")
                                }}</p>
                                {payee.viewer_may_confirm.then(|| view! {
                                    <form method="post" action=routes::CONFIRM_PAYEE.url()>
                                        <input type="hidden" name="seen_account" value=p.payee.account.clone().unwrap_or_default()/>
                                        <button type="submit" class="button">{lang.pick("确认新账户", "Confirm the new account")}</button>
                                    </form>
                                })}
                                {payee.viewer_is_admin.then(|| view! {
                                    <form method="post" action=routes::WITHDRAW_PAYEE.url()>
                                        <button type="submit" class="button button-secondary">{lang.pick("撤回变更", "Withdraw the change")}</button>
                                    </form>
                                })}
                            </div>
                        })}
                        {if payee.viewer_is_admin {
                            view! {
                                <form method="post" action=routes::CHARITY_PAYEE.url() class="stack" novalidate data-testid="payee-form">
                                    <Field name="payee_name" label=lang.pick("户名", "Account name")/>
                                    <Field name="payee_bank" label=lang.pick("开户行", "Bank")/>
                                    <Field name="payee_account" label=lang.pick("账号", "Account number")/>
                                    <button type="submit" class="button button-secondary">{lang.pick("提出变更（须另一位管理员确认）", "Propose the change (a second admin confirms)")}</button>
                                </form>
                            }.into_any()
                        } else {
                            view! { <p class="muted">{lang.pick("只有机构管理员可以提出账户变更。", "Only an admin of the charity may propose a change of account.")}</p> }.into_any()
                        }}
                        <h2 id="new-fund">{lang.pick("设立基金或项目", "Set up a fund or project")}</h2>
                        {if may_create {
                            view! {
                                <form method="post" action=routes::CHARITY_FUNDS.url() class="stack" novalidate data-testid="fund-form">
                                    <Select name="kind" label=lang.pick("类型", "Kind") options=FundKind::ALL.iter().map(|k| (k.code().to_owned(), k.label(lang).to_owned())).collect() empty_choice=lang.pick("请选择", "Choose")/>
                                    <Field name="name" label=lang.pick("名称", "Name")/>
                                    <Field name="sponsor" label=lang.pick("冠名方（冠名基金必填）", "Named after (for a named fund)") required=false/>
                                    <div class="field" class:field-invalid=use_form_reply().error("description").is_some()>
                                        <label for="field-description">{lang.pick("用途说明", "What it is for")}</label>
                                        {use_form_reply().error("description").map(|p| view! { <p class="field-error" id="field-description-error">{p.message(lang)}</p> })}
                                        <textarea id="field-description" name="description" rows="4">{crate::components::form::textarea_text(&typed("description"))}</textarea>
                                    </div>
                                    <Field name="target" label=lang.pick("目标金额（元，可不填）", "Target (yuan, optional)") required=false/>
                                    <Field name="starts_on" label=lang.pick("开始日期", "Starts on") kind="date"/>
                                    <Field name="ends_on" label=lang.pick("结束日期", "Ends on") kind="date"/>
                                    {use_form_reply().error("dates").map(|p| view! { <p class="field-error" id="field-dates">{p.message(lang)}</p> })}
                                    <Select name="leftover" label=lang.pick("结余去向", "Leftover money") options=LeftoverPolicy::ALL.iter().map(|k| (k.code().to_owned(), k.label(lang).to_owned())).collect()/>
                                    <fieldset class="field" id="field-criteria">
                                        <legend>{lang.pick("资助范围（可多选；不选即不限）", "Criteria (any number; none means any)")}</legend>
                                        {use_form_reply().error("criteria").map(|p| view! { <p class="field-error">{p.message(lang)}</p> })}
                                        <p class="field-hint">{lang.pick("援助类型", "Assistance types")}</p>
                                        {types.into_iter().map(|(c, l)| view! { <label class="check"><input type="checkbox" name="types" value=c/>" "{l}</label> }).collect_view()}
                                        <p class="field-hint">{lang.pick("家庭类别", "Household categories")}</p>
                                        {categories.into_iter().map(|(c, l)| view! { <label class="check"><input type="checkbox" name="categories" value=c/>" "{l}</label> }).collect_view()}
                                        <label for="field-regions">{lang.pick("地区代码（逗号分隔，如 220000）", "Region codes (comma-separated, e.g. 220000)")}</label>
                                        <input id="field-regions" name="regions" value=typed("regions")/>
                                    </fieldset>
                                    <fieldset class="field" id="field-matching">
                                        <legend>{lang.pick("配捐（可不填）", "Matching offer (optional)")}</legend>
                                        {use_form_reply().error("matching").map(|p| view! { <p class="field-error">{p.message(lang)}</p> })}
                                        <label for="field-match_percent">{lang.pick("配捐比例（%）", "Ratio (%)")}</label>
                                        <input id="field-match_percent" name="match_percent" inputmode="numeric" value=typed("match_percent")/>
                                        <label for="field-match_cap">{lang.pick("配捐上限（元）", "Cap (yuan)")}</label>
                                        <input id="field-match_cap" name="match_cap" inputmode="decimal" value=typed("match_cap")/>
                                        <label for="field-match_starts">{lang.pick("开始", "From")}</label>
                                        <input id="field-match_starts" name="match_starts" type="date" value=typed("match_starts")/>
                                        <label for="field-match_ends">{lang.pick("结束", "Until")}</label>
                                        <input id="field-match_ends" name="match_ends" type="date" value=typed("match_ends")/>
                                    </fieldset>
                                    <button type="submit" class="button">{lang.pick("设立", "Set it up")}</button>
                                </form>
                            }.into_any()
                        } else {
                            view! { <p class="muted">{lang.pick("只有通过认证、具有公开募捐资格的慈善组织可以设立基金和项目。", "Only verified charities qualified for public fundraising set up funds and projects.")}</p> }.into_any()
                        }}
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// `/charity/funds/{id}`.
#[component]
pub fn CharityFundPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let data = Resource::new(id, my_fund);
    let from_pledge = use_query_map()
        .read_untracked()
        .get("pledge")
        .unwrap_or_default();
    view! {
        <Title text=lang.pick("基金 · 机构工作台 · 善桥", "Fund · Charity portal · Shanqiao")/>
        <section class="form-page">
            {breadcrumb(lang, lang.pick("基金", "Fund"))}
            {done_notice(lang)}
            <Suspense fallback=|| ()>
                {move || {
                    let from_pledge = from_pledge.clone();
                    Suspend::new(async move {
                    let own = match data.await {
                        Ok(d) => d,
                        Err(e) => return denied(e, &routes::CHARITY_FUND.to([&id()]), lang),
                    };
                    let s = own.detail.summary;
                    let allocate = routes::ALLOCATE.to([&s.id]);
                    let disclose = routes::DISCLOSE.to([&s.id]);
                    let reply = use_form_reply();
                    let amount_error = reply.error("amount").map(|p| p.message(lang));
                    let need_error = reply.error("need").map(|p| p.message(lang));
                    view! {
                        <h1>{s.name.clone()}</h1>
                        <p><a href=routes::FUND.to([&s.id])>{lang.pick("查看公开页面", "See the public page")}</a></p>
                        <MoneyProgress raised=s.raised target=s.target lang/>
                        <p data-testid="fund-balance">{format!("{} {} · {} {}", lang.pick("已拨付", "Allocated"), s.allocated, lang.pick("可拨付余额", "Balance to allocate"), s.balance)}</p>
                        {own.detail.disclosure_due.clone().map(|q| view! {
                            <p class="notice" role="status" data-testid="disclosure-due">{format!("{} {q} {}", lang.pick("本项目执行期超过六个月，请发布", "This project runs longer than six months: post the disclosure report for"), lang.pick("季度的信息披露报告。", "."))}</p>
                        })}
                        <ErrorSummary/>
                        <h2>{lang.pick("拨付给需求", "Allocate to a need")}</h2>
                        {if own.candidates.is_empty() {
                            view! { <p class="muted">{lang.pick("目前没有符合本基金资助范围且仍有缺口的需求。", "No open need meets the fund's criteria and still lacks money.")}</p> }.into_any()
                        } else {
                            view! {
                                <form method="post" action=allocate class="stack" novalidate data-testid="allocate-form">
                                    <input type="hidden" name="pledge" value=from_pledge/>
                                    <input type="hidden" name="idempotency_key" value=crate::money::form_token()/>
                                    <div class="field" class:field-invalid=need_error.is_some()>
                                        <label for="field-need">{lang.pick("需求", "Need")}</label>
                                        {need_error.map(|e| view! { <p class="field-error" id="field-need-error">{e}</p> })}
                                        <select id="field-need" name="need">
                                            {own.candidates.into_iter().map(|(code, title, room)| view! {
                                                <option value=code.clone()>{format!("{code} · {title} · {} {room}", lang.pick("尚缺", "lacks"))}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field" class:field-invalid=amount_error.is_some()>
                                        <label for="field-amount">{lang.pick("金额（元）", "Amount (yuan)")}</label>
                                        {amount_error.map(|e| view! { <p class="field-error" id="field-amount-error">{e}</p> })}
                                        <input id="field-amount" name="amount" inputmode="decimal" value=reply.value("amount")/>
                                    </div>
                                    <button type="submit" class="button">{lang.pick("拨付", "Allocate")}</button>
                                </form>
                            }.into_any()
                        }}
                        <h2>{lang.pick("发布信息披露", "Post a disclosure report")}</h2>
                        <form method="post" action=disclose class="stack" novalidate>
                            <Field name="period" label=lang.pick("季度（如 2026Q4）", "Quarter (e.g. 2026Q4)")/>
                            <div class="field">
                                <label for="field-body">{lang.pick("披露内容", "Report")}</label>
                                <textarea id="field-body" name="body" rows="5">{crate::components::form::textarea_text(&reply.value("body"))}</textarea>
                            </div>
                            <button type="submit" class="button button-secondary">{lang.pick("发布", "Post")}</button>
                        </form>
                    }.into_any()
                })}}
            </Suspense>
        </section>
    }
}

/// `/charity/pledges`.
#[component]
pub fn CharityPledgesPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |_| my_charity_pledges());
    view! {
        <Title text=lang.pick("认捐 · 机构工作台 · 善桥", "Pledges · Charity portal · Shanqiao")/>
        <section class="form-page">
            {breadcrumb(lang, lang.pick("认捐", "Pledges"))}
            <h1>{lang.pick("收到的认捐", "Pledges to us")}</h1>
            <p class="muted">{lang.pick(
                "核对银行到账后，填写实际到账金额并确认；未到账的认捐到期自动失效（迟到的款项仍可确认）。",
                "Once the transfer shows in your account, enter the amount actually received and confirm; pledges whose money does not come lapse (late money can still be confirmed).",
            )}</p>
            {done_notice(lang)}
            <ErrorSummary/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = match data.await {
                        Ok(d) => d,
                        Err(e) => return denied(e, routes::CHARITY_PLEDGES.url(), lang),
                    };
                    if list.is_empty() {
                        return view! { <p class="muted">{lang.pick("暂无认捐。", "No pledges yet.")}</p> }.into_any();
                    }
                    view! {
                        <div class="table-scroll" tabindex="0"><table class="items" data-testid="charity-pledges">
                            <thead><tr>
                                <th scope="col">{lang.pick("回执号", "Receipt")}</th>
                                <th scope="col">{lang.pick("认捐对象", "For")}</th>
                                <th scope="col">{lang.pick("金额", "Amount")}</th>
                                <th scope="col">{lang.pick("捐赠人", "Donor")}</th>
                                <th scope="col">{lang.pick("状态", "Status")}</th>
                                <th scope="col">{lang.pick("操作", "Action")}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|p| {
                                    let v = p.view;
                                    let target = match (&v.fund, &v.need) {
                                        (Some((_, name)), _) => name.clone(),
                                        (_, Some((code, _))) => code.clone(),
                                        _ => String::new(),
                                    };
                                    let waiting = matches!(v.status, PledgeStatus::Pledged | PledgeStatus::Lapsed);
                                    let receive = routes::RECEIVE_PLEDGE.to([&v.id]);
                                    let refund = routes::REFUND_PLEDGE.to([&v.id]);
                                    let input_id = format!("received-{}", v.id);
                                    let allocate_link = (v.status == PledgeStatus::Received && v.in_fund.0 > 0)
                                        .then(|| v.fund.as_ref().map(|(id, _)| format!("{}?pledge={}", routes::CHARITY_FUND.to([id]), v.id)))
                                        .flatten();
                                    view! {
                                        <tr data-testid="charity-pledge" data-receipt=v.receipt_code.clone()>
                                            <td>{v.receipt_code.clone()}</td>
                                            <td>{target}</td>
                                            <td>{v.amount.to_string()}</td>
                                            <td>{v.donor_name.clone().unwrap_or_else(|| lang.pick("匿名", "Anonymous").to_owned())}{p.contact.map(|c| view! { <br/><span class="muted">{c}</span> })}</td>
                                            <td>{v.status.label(lang)}{v.received.filter(|r| *r < v.amount).map(|r| format!(" · {} {r} / {}", lang.pick("部分到账", "partly received"), v.amount))}{(v.status == PledgeStatus::Pledged).then(|| format!(" · {} {}", lang.pick("期限", "until"), day(v.lapses_at)))}</td>
                                            <td>
                                                {p.proposed.clone().map(|(amount, by)| view! {
                                                    <p class="notice" data-testid="receipt-proposed">{format!("{} {amount} · {} {by} · {}", lang.pick("到账", "Received"), lang.pick("记录人", "recorded by"), lang.pick("超过认捐金额，须另一位成员确认", "more than pledged: a second member confirms"))}</p>
                                                    <form method="post" action=routes::CONFIRM_RECEIPT.to([&v.id]) class="inline-form">
                                                        <input type="hidden" name="idempotency_key" value=crate::money::form_token()/>
                                                        <input type="hidden" name="amount" value=amount.to_yuan_input()/>
                                                        <button type="submit" class="button">{lang.pick("确认入账", "Confirm the receipt")}<span class="visually-hidden">" "{v.receipt_code.clone()}</span></button>
                                                    </form>
                                                })}
                                                {waiting.then(|| view! {
                                                    <form method="post" action=receive class="inline-form">
                                                        <input type="hidden" name="idempotency_key" value=crate::money::form_token()/>
                                                        <label for=input_id.clone()>{lang.pick("到账金额（元）", "Received (yuan)")}</label>
                                                        <input id=input_id name="amount" inputmode="decimal" size="8" value=v.amount.to_yuan_input()/>
                                                        <button type="submit" class="button">{lang.pick("确认到账", "Mark received")}<span class="visually-hidden">" "{v.receipt_code.clone()}</span></button>
                                                    </form>
                                                })}
                                                {allocate_link.map(|href| view! { <a href=href class="button button-secondary">{lang.pick("拨付", "Allocate")}</a> })}
                                                {(v.status == PledgeStatus::Received).then(|| {
                                                    let confirm_id = format!("confirm-refund-{}", v.id);
                                                    let reason_id = format!("refund-reason-{}", v.id);
                                                    view! {
                                                        <details class="confirm-refund">
                                                            <summary class="button button-secondary">{lang.pick("退款…", "Refund…")}<span class="visually-hidden">" "{v.receipt_code.clone()}</span></summary>
                                                            <form method="post" action=refund class="stack">
                                                                <input type="hidden" name="idempotency_key" value=crate::money::form_token()/>
                                                                <label for=reason_id.clone()>{lang.pick("退款原因", "Reason")}</label>
                                                                <input id=reason_id name="reason" maxlength="200" value="捐赠人申请退款 / refund requested"/>
                                                                <label class="check" for=confirm_id.clone()>
                                                                    <input type="checkbox" id=confirm_id.clone() name="confirm" value="yes" required/>
                                                                    " "{lang.pick("我确认退还这笔认捐尚未拨付的款项，此操作无法撤销。", "I confirm: return what is left of this pledge to the donor. This cannot be undone.")}
                                                                </label>
                                                                <button type="submit" class="button button-danger">{lang.pick("确认退款", "Refund now")}<span class="visually-hidden">" "{v.receipt_code.clone()}</span></button>
                                                            </form>
                                                        </details>
                                                    }
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}
