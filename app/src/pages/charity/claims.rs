//! The charity's claim pages: the needs ranked for it (the portal opens on them), its
//! supply profile, the claim form of a need, and one claim with its release and
//! fulfilment-report forms. Every form posts normally; the actions are in `claims_post.rs`.

use crate::claims::matching::reasons_line;
use crate::claims::{claim_offer, my_claim, my_supply_profile, ClaimView};
use crate::components::badges::{TypeBadge, UrgencyBadge};
use crate::components::form::{use_form_reply, ErrorSummary};
use crate::components::lang::use_lang;
use crate::domain::need::{AssistanceType, HouseholdCategory};
use crate::domain::support::{ClaimMode, ClaimStatus};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::office::denied;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A text input or textarea with its label and error, reading the form reply.
#[component]
fn Input(
    name: String,
    label: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = false)] multiline: bool,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let lang = use_lang();
    let reply = use_form_reply();
    let id = format!("field-{name}");
    let error = reply.error(&name).map(|p| p.message(lang));
    let value = reply.value(&name);
    let described = match (error.is_some(), hint.is_some()) {
        (true, true) => Some(format!("{id}-error {id}-hint")),
        (true, false) => Some(format!("{id}-error")),
        (false, true) => Some(format!("{id}-hint")),
        (false, false) => None,
    };
    let invalid = error.is_some().then_some("true");
    view! {
        <div class="field" class:field-invalid=error.is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=format!("{id}-hint")>{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=format!("{id}-error")>{e}</p> })}
            {if multiline {
                view! {
                    <textarea id=id.clone() name=name.clone() rows="4" required=required aria-invalid=invalid aria-describedby=described.clone()>{crate::components::form::textarea_text(&value)}</textarea>
                }.into_any()
            } else {
                view! {
                    <input id=id.clone() name=name.clone() type=kind value=value.clone() required=required aria-invalid=invalid aria-describedby=described.clone()/>
                }.into_any()
            }}
        </div>
    }
}

/// The portal's first section: the needs that fit the charity's supply profile.
#[component]
pub fn MatchesSection(
    matches: Resource<Result<crate::claims::Matches, AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section aria-labelledby="matches-heading" data-testid="matches">
            <h2 id="matches-heading">{lang.pick("适合本机构的需求", "Needs that fit us")}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match matches.await {
                        Err(_) => view! { <p class="muted">{lang.pick("暂时无法加载。", "Cannot load them right now.")}</p> }.into_any(),
                        Ok(m) => {
                            let capacity_line = format!(
                                "{}{} / {}",
                                lang.pick("进行中的认领：", "Active claims: "),
                                m.active_claims,
                                m.capacity
                            );
                            match m.profile {
                                None => view! {
                                    <p class="notice" data-testid="no-profile">
                                        {lang.pick(
                                            "填写供给档案（服务的帮扶类型、家庭类别、地区、预算和能提供的物品服务）后，这里会按匹配度列出适合本机构的需求，并说明理由。",
                                            "Fill in your supply profile (the assistance types, household categories and regions you serve, your budget, what you give) and this page ranks the needs that fit you, with the reasons.",
                                        )}
                                    </p>
                                    <p><a class="button" href=routes::CHARITY_PROFILE.url()>{lang.pick("填写供给档案", "Fill in the supply profile")}</a></p>
                                }.into_any(),
                                Some(_) => view! {
                                    <p class="muted">
                                        {capacity_line}" · "
                                        <a href=routes::CHARITY_PROFILE.url()>{lang.pick("修改供给档案", "Edit the supply profile")}</a>" · "
                                        <a href=format!("{}?status=published", routes::LIBRARY.url())>{lang.pick("在需求信息库中查找可认领的需求", "Find claimable needs in the library")}</a>
                                    </p>
                                    <p class="field-hint">{lang.pick(
                                        "排序规则：帮扶类型 40 分，地区 20–30 分，家庭类别 15 分，预算内 10 分，每项你们提供的物品 10 分（至多 20），紧急程度 0–8 分；同分时截止日期早的在前。",
                                        "Ranking: assistance type 40 points, region 20–30, household category 15, within budget 10, each item you give 10 (20 at most), urgency 0–8; ties go to the earlier deadline.",
                                    )}</p>
                                    {if m.needs.is_empty() {
                                        view! { <p class="muted">{lang.pick("目前没有符合档案的待认领需求。", "No open needs fit your profile right now.")}</p> }.into_any()
                                    } else {
                                        view! {
                                            <ol class="match-list">
                                                {m.needs.into_iter().map(|v| {
                                                    let href = format!("/needs/{}", v.need.public_code);
                                                    let claim = routes::CLAIM_NEED.to([&v.need.public_code]);
                                                    let reasons = reasons_line(&v.reasons, lang);
                                                    view! {
                                                        <li class="match" data-testid="match">
                                                            <p class="badges">
                                                                <TypeBadge value=v.need.assistance_type lang/>
                                                                <UrgencyBadge value=v.need.urgency lang/>
                                                            </p>
                                                            <h3><a href=href>{v.need.title.clone()}</a></h3>
                                                            <p class="need-place">{v.need.place.clone()}" · "{v.need.goal.to_string()}</p>
                                                            <p class="match-reasons" data-testid="match-reasons">
                                                                <span class="visually-hidden">{lang.pick("匹配理由：", "Why it fits: ")}</span>{reasons}
                                                                {format!(" ({} {})", v.score, lang.pick("分", "points"))}
                                                            </p>
                                                            <p><a class="button button-secondary" href=claim>{lang.pick("认领", "Claim")}<span class="visually-hidden">" "{v.need.public_code.clone()}</span></a></p>
                                                        </li>
                                                    }
                                                }).collect_view()}
                                            </ol>
                                        }.into_any()
                                    }}
                                }.into_any(),
                            }
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The charity's claims, newest first, each linking to its page.
#[component]
pub fn ClaimsSection(claims: Resource<Result<Vec<ClaimView>, AppError>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <h2>{lang.pick("本机构的认领", "Our claims")}</h2>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let claims = claims.await.unwrap_or_default();
                if claims.is_empty() {
                    view! { <p class="muted">{lang.pick("暂无认领。", "No claims yet.")}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" tabindex="0"><table class="items" data-testid="our-claims">
                            <thead><tr>
                                <th scope="col">{lang.pick("需求", "Need")}</th>
                                <th scope="col">{lang.pick("方式", "Mode")}</th>
                                <th scope="col">{lang.pick("状态", "Status")}</th>
                                <th scope="col">{lang.pick("到期", "Due")}</th>
                            </tr></thead>
                            <tbody>
                                {claims.into_iter().map(|c| view! {
                                    <tr>
                                        <td><a href=routes::CHARITY_CLAIM.to([&c.id])>{c.need_code.clone()}" "{c.need_title.clone()}</a></td>
                                        <td>{c.mode.label(lang)}</td>
                                        <td>{c.status.label(lang)}</td>
                                        <td>{date(c.due_on)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

#[allow(clippy::too_many_arguments)]
fn checkbox_group<T: Copy + 'static>(
    legend: &'static str,
    field: &'static str,
    prefix: &'static str,
    all: &'static [T],
    code: fn(T) -> &'static str,
    label: fn(T, Lang) -> &'static str,
    chosen: Vec<T>,
    lang: Lang,
) -> impl IntoView
where
    T: PartialEq,
{
    view! {
        <fieldset class="field checks" id=format!("field-{field}")>
            <legend>{legend}</legend>
            {use_form_reply().error(field).map(|p| view! { <p class="field-error">{p.message(lang)}</p> })}
            {all.iter().map(|t| {
                let name = format!("{prefix}{}", code(*t));
                let checked = chosen.contains(t);
                view! {
                    <label class="check"><input type="checkbox" name=name checked=checked/>" "{label(*t, lang)}</label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// `/charity/profile`: the supply profile form.
#[component]
pub fn SupplyProfilePage() -> impl IntoView {
    let lang = use_lang();
    let profile = Resource::new(|| (), |_| my_supply_profile());
    let regions = Resource::new(|| (), |_| crate::organizations::registration_regions());
    let saved = use_query_map().read_untracked().get("saved").is_some();
    view! {
        <Title text=lang.pick("供给档案 · 善桥", "Supply profile · Shanqiao")/>
        <section class="form-page">
            <nav class="breadcrumb" aria-label=lang.pick("当前位置", "Breadcrumb")>
                <a href=routes::CHARITY.url()>{lang.pick("机构工作台", "Charity portal")}</a>" / "
                <span aria-current="page">{lang.pick("供给档案", "Supply profile")}</span>
            </nav>
            <h1>{lang.pick("供给档案", "Supply profile")}</h1>
            <p class="muted">{lang.pick(
                "写明本机构能帮什么、在哪里帮、能承接多少：工作台据此为你们排序需求（精准对接）。",
                "Say what your charity can give, where, and how much it can take on: the portal ranks needs by this (precise matching).",
            )}</p>
            {saved.then(|| view! { <p class="notice" role="status" data-testid="done">{lang.pick("供给档案已保存。", "Supply profile saved.")}</p> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let stored = match profile.await {
                        Ok(p) => p,
                        Err(e) => return denied(e, routes::CHARITY_PROFILE.url(), lang),
                    };
                    let options = regions.await.unwrap_or_default();
                    // One source for every field: what was typed when the page answers its
                    // own post, else the stored profile (whichever pass of the render this is).
                    let reply = use_form_reply().or_stored(|| {
                        stored.as_ref().map(|p| p.to_input().to_fields()).unwrap_or_default()
                    });
                    reply.clone().provide();
                    let on = |key: String| reply.value(&key) == "on";
                    let types: Vec<_> = AssistanceType::ALL.iter().copied().filter(|t| on(format!("type_{}", t.code()))).collect();
                    let categories: Vec<_> = HouseholdCategory::ALL.iter().copied().filter(|c| on(format!("category_{}", c.code()))).collect();
                    view! {
                        <ErrorSummary/>
                        <form method="post" action=routes::CHARITY_PROFILE.url() class="stack" novalidate>
                            {checkbox_group(lang.pick("服务的帮扶类型", "Assistance types you serve"), "assistance_types", "type_", AssistanceType::ALL, AssistanceType::code, AssistanceType::label, types, lang)}
                            {checkbox_group(lang.pick("服务的家庭类别", "Household categories you serve"), "household_categories", "category_", HouseholdCategory::ALL, HouseholdCategory::code, HouseholdCategory::label, categories, lang)}
                            <fieldset class="field">
                                <legend>{lang.pick("工作地区（最多 3 个；不选则不限）", "Regions you work in (up to 3; none: anywhere)")}</legend>
                                {(1..=crate::claims::PROFILE_REGIONS).map(|i| {
                                    let name = format!("region_{i}");
                                    let chosen = reply.value(&name);
                                    let error = reply.error(&name).map(|p| p.message(lang));
                                    view! {
                                        <div class="field" class:field-invalid=error.is_some()>
                                            <label for=format!("field-{name}")>{format!("{} {i}", lang.pick("地区", "Region"))}</label>
                                            {error.clone().map(|e| view! { <p class="field-error" id=format!("field-{name}-error")>{e}</p> })}
                                            <select id=format!("field-{name}") name=name.clone() aria-invalid=error.is_some().then_some("true") aria-describedby=error.is_some().then(|| format!("field-{name}-error"))>
                                                <option value="">{lang.pick("（不选）", "(none)")}</option>
                                                {options.iter().map(|(code, label)| {
                                                    let selected = *code == chosen;
                                                    view! { <option value=code.clone() selected=selected>{label.clone()}</option> }
                                                }).collect_view()}
                                            </select>
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <Input name="typical_budget".into() label=lang.pick("每项需求的典型预算（元，可不填）", "Typical budget per need (yuan, optional)").into() required=false/>
                            <Input name="gives".into() label=lang.pick("可提供的物品与服务", "Items and services you give").into() hint=lang.pick("用顿号或逗号分隔，例如：轮椅、助学金、上门护理", "Separated by commas, e.g. wheelchair, school grant, home care") required=false/>
                            <Input name="claim_capacity".into() label=lang.pick("可同时承接的认领数", "Claims you can carry at once").into() kind="number"/>
                            <button type="submit" class="button">{lang.pick("保存供给档案", "Save the supply profile")}</button>
                        </form>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// `/charity/needs/{code}/claim`: the claim form of one need.
#[component]
pub fn ClaimNeedPage() -> impl IntoView {
    let lang = use_lang();
    let code = use_params_map()
        .read_untracked()
        .get("code")
        .unwrap_or_default();
    let page = routes::CLAIM_NEED.to([&code]);
    let offer = Resource::new(move || code.clone(), claim_offer);
    view! {
        <Title text=lang.pick("认领需求 · 善桥", "Claim a need · Shanqiao")/>
        <section class="form-page">
            <Suspense fallback=|| ()>
                {move || {
                    let page = page.clone();
                    Suspend::new(async move {
                        let offer = match offer.await {
                            Ok(o) => o,
                            Err(e) => return denied(e, &page, lang),
                        };
                        let reply = use_form_reply();
                        let code = offer.need.public_code.clone();
                        let mode = reply.value("mode");
                        let full = offer.active_claims >= offer.capacity;
                        view! {
                            <nav class="breadcrumb" aria-label=lang.pick("当前位置", "Breadcrumb")>
                                <a href=routes::CHARITY.url()>{lang.pick("机构工作台", "Charity portal")}</a>" / "
                                <span aria-current="page">{lang.pick("认领 ", "Claim ")}{code.clone()}</span>
                            </nav>
                            <h1>{lang.pick("认领需求", "Claim a need")}</h1>
                            <p><a href=format!("/needs/{code}")>{offer.need.title.clone()}</a>" · "{offer.need.place.clone()}" · "{offer.need.goal.to_string()}</p>
                            <p data-testid="lease-line">{lang.pick("认领后须在 ", "Once claimed, it must be met by ")}<strong>{date(offer.due_on)}</strong>{lang.pick(
                                " 前完成并提交交付报告，逾期未完成的认领自动失效，需求回到信息库。",
                                "; a claim not fulfilled by then lapses and the need returns to the library.",
                            )}</p>
                            {(!offer.verified).then(|| {
                                let (class, problem) = if offer.suspended {
                                    ("notice notice-warning", crate::claims::problems::SUSPENDED)
                                } else {
                                    ("notice", crate::claims::problems::NOT_VERIFIED)
                                };
                                view! { <p class=class role="alert" data-testid="not-verified">{problem.message(lang)}</p> }
                            })}
                            {full.then(|| view! { <p class="notice" role="alert">{crate::claims::problems::AT_CAPACITY.message(lang)}</p> })}
                            <ErrorSummary/>
                            <form method="post" action=routes::CLAIM_NEED.to([&code]) class="stack" novalidate>
                                <fieldset class="field checks">
                                    <legend>{lang.pick("认领方式", "How you will meet it")}</legend>
                                    {reply.error("mode").map(|p| view! { <p class="field-error" id="field-mode-error">{p.message(lang)}</p> })}
                                    {ClaimMode::ALL.iter().map(|m| {
                                        let disabled = *m == ClaimMode::Fundraise && !offer.can_fundraise;
                                        let checked = mode == m.code() || (mode.is_empty() && *m == ClaimMode::Direct);
                                        view! {
                                            <label class="check">
                                                <input type="radio" id=(*m == ClaimMode::Direct).then_some("field-mode") name="mode" value=m.code() checked=checked disabled=disabled aria-describedby=reply.error("mode").map(|_| "field-mode-error")/>" "{m.label(lang)}
                                                {disabled.then(|| lang.pick("（需要公开募捐资格）", " (needs the public-fundraising qualification)"))}
                                            </label>
                                        }
                                    }).collect_view()}
                                </fieldset>
                                <Input name="plan".into() label=lang.pick("帮扶计划（做什么、何时完成）", "Your plan (what, by when)").into() multiline=true/>
                                <Input name="plan_by".into() label=lang.pick("计划完成日期（可不填）", "Planned completion date (optional)").into() kind="date" required=false/>
                                <button type="submit" class="button">{lang.pick("确认认领", "Claim this need")}</button>
                            </form>
                        }.into_any()
                    })
                }}
            </Suspense>
        </section>
    }
}

fn claim_done(done: &str, lang: Lang) -> Option<&'static str> {
    Some(match done {
        "claimed" => lang.pick(
            "认领成功。请按计划在到期日前完成并提交交付报告。",
            "Claimed. Meet the need by the due date and report its fulfilment.",
        ),
        "released" => lang.pick(
            "已退回认领，需求回到信息库。",
            "Claim released; the need is back in the library.",
        ),
        "reported" => lang.pick(
            "交付报告已提交，等待民政部门核实。",
            "Report sent; the office will verify it.",
        ),
        "attached" => lang.pick("附件已上传。", "Attachment uploaded."),
        _ => return None,
    })
}

/// `/charity/claims/{id}`: one claim, its report, and what the charity can do with it.
#[component]
pub fn ClaimPage() -> impl IntoView {
    let lang = use_lang();
    let id_text = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    let page = format!("/charity/claims/{id_text}");
    let done = use_query_map().read_untracked().get("done");
    let claim = Resource::new(move || id_text.parse::<i64>().unwrap_or(0), my_claim);
    view! {
        <Title text=lang.pick("认领详情 · 善桥", "Claim · Shanqiao")/>
        <section class="form-page">
            <Suspense fallback=|| ()>
                {move || {
                    let page = page.clone();
                    let done = done.clone();
                    Suspend::new(async move {
                        match claim.await {
                            Ok(c) => view! { <ClaimDetail c done/> }.into_any(),
                            Err(e) => denied(e, &page, lang),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn ClaimDetail(c: ClaimView, done: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let reply = use_form_reply();
    let active = c.status == ClaimStatus::Active;
    let open = matches!(c.status, ClaimStatus::Active | ClaimStatus::Fulfilled);
    let id = c.id;
    let reply = if active {
        let reply = reply.or_stored(|| {
            let mut values = std::collections::HashMap::new();
            for (i, (_, _, q)) in c.need_items.iter().enumerate() {
                values.insert(format!("delivered_{i}"), q.to_string());
            }
            values.insert(
                "delivered_on".into(),
                date(crate::domain::calendar::today(chrono::Utc::now())),
            );
            values
        });
        reply.clone().provide();
        reply
    } else {
        reply
    };
    let items = c.need_items.clone();
    view! {
        <nav class="breadcrumb" aria-label=lang.pick("当前位置", "Breadcrumb")>
            <a href=routes::CHARITY.url()>{lang.pick("机构工作台", "Charity portal")}</a>" / "
            <span aria-current="page">{lang.pick("认领 ", "Claim ")}{c.need_code.clone()}</span>
        </nav>
        <h1>{c.need_title.clone()}</h1>
        {done.as_deref().and_then(|d| claim_done(d, lang)).filter(|_| !reply.has_errors()).map(|m| view! {
            <p class="notice" role="status" data-testid="done">{m}</p>
        })}
        <ErrorSummary/>
        <ClaimFacts c=c.clone()/>
        {c.review_question.clone().filter(|_| active).map(|q| view! {
            <p class="notice" role="alert" data-testid="review-question">{lang.pick("民政部门对交付报告的疑问：", "The office asks about the report: ")}{q}</p>
        })}
        {active.then(|| view! {
            <section aria-labelledby="report-heading">
                <h2 id="report-heading">{lang.pick("提交交付报告", "Report fulfilment")}</h2>
                <form method="post" action=routes::REPORT_FULFILMENT.to([&id]) class="stack" novalidate>
                    {(!items.is_empty()).then(|| view! {
                        <fieldset class="field">
                            <legend>{lang.pick("交付的物品与服务（实际数量）", "Items and services delivered (quantities)")}</legend>
                            {items.iter().enumerate().map(|(i, (name, unit, asked))| view! {
                                <Input name=format!("delivered_{i}") label=format!("{name}（{} {asked} {unit}）", lang.pick("需求", "asked")) kind="number" required=false/>
                            }).collect_view()}
                        </fieldset>
                    })}
                    <Input name="delivered_on".into() label=lang.pick("交付日期", "Delivered on").into() kind="date"/>
                    <Input name="cost".into() label=lang.pick("实际花费（元，可不填）", "Actual cost (yuan, optional)").into() required=false/>
                    <Input name="substitutions".into() label=lang.pick("替换说明（如有）", "Substitutions (if any)").into() required=false/>
                    <Input name="evidence".into() label=lang.pick("交付情况与凭证说明", "How it was delivered, and the evidence").into() multiline=true/>
                    <button type="submit" class="button">{lang.pick("提交交付报告", "Send the report")}</button>
                </form>
            </section>
            <section aria-labelledby="release-heading">
                <h2 id="release-heading">{lang.pick("退回认领", "Release the claim")}</h2>
                <form method="post" action=routes::RELEASE_CLAIM.to([&id]) class="stack" novalidate>
                    <Input name="reason".into() label=lang.pick("退回原因", "Why you give it back").into()/>
                    <button type="submit" class="button button-secondary">{lang.pick("退回认领", "Release the claim")}</button>
                </form>
            </section>
        })}
        {open.then(|| view! {
            <section aria-labelledby="attach-heading">
                <h2 id="attach-heading">{lang.pick("上传凭证附件", "Upload evidence")}</h2>
                <p class="field-hint">{lang.pick(
                    "JPEG、PNG 图片或 PDF，每个不超过 5 MB，最多 5 个；图片的拍摄位置等元数据会被去除。只有本机构和需求所在地的民政工作人员能看到附件。",
                    "JPEG or PNG images or PDF, 5 MB each at most, 5 in all; location and other metadata are removed from images. Only your charity and the office staff of the need's region can see them.",
                )}</p>
                <form method="post" action=routes::CLAIM_ATTACHMENTS.to([&id]) enctype="multipart/form-data" class="stack">
                    <div class="field">
                        <label for="field-attachment">{lang.pick("选择文件", "Choose a file")}</label>
                        <input id="field-attachment" name="attachment" type="file" accept="image/jpeg,image/png,application/pdf" required/>
                    </div>
                    <button type="submit" class="button button-secondary">{lang.pick("上传", "Upload")}</button>
                </form>
            </section>
        })}
    }
}

/// What staff and the charity see of a claim: plan, lease, report, attachments.
#[component]
pub fn ClaimFacts(c: ClaimView) -> impl IntoView {
    let lang = use_lang();
    let fact = |label: &'static str, value: String| view! { <div class="fact"><dt>{label}</dt><dd>{value}</dd></div> };
    let delivered: Vec<String> = c
        .delivered_items
        .iter()
        .map(|i| format!("{} {} {}", i.name, i.quantity, i.unit))
        .collect();
    let id = c.id;
    view! {
        <dl class="facts" data-testid="claim-facts">
            {fact(lang.pick("需求", "Need"), format!("{} · {}", c.need_code, c.need_place))}
            {fact(lang.pick("认领机构", "Charity"), c.charity.clone())}
            {fact(lang.pick("状态", "Status"), c.status.label(lang).to_owned())}
            {fact(lang.pick("方式", "Mode"), c.mode.label(lang).to_owned())}
            {fact(lang.pick("认领日期", "Claimed on"), date(c.claimed_on))}
            {fact(lang.pick("到期日", "Due"), date(c.due_on))}
            {fact(lang.pick("计划", "Plan"), c.plan.clone())}
            {c.plan_by.map(|d| fact(lang.pick("计划完成", "Planned by"), date(d)))}
            {c.release_reason.clone().map(|r| fact(lang.pick("退回原因", "Released because"), r))}
            {c.ended_on.map(|d| fact(lang.pick("结束日期", "Ended on"), date(d)))}
            {c.delivered_on.map(|d| fact(lang.pick("交付日期", "Delivered on"), date(d)))}
            {(!delivered.is_empty()).then(|| fact(lang.pick("交付物品", "Delivered"), delivered.join("、")))}
            {c.cost.map(|f| fact(lang.pick("实际花费", "Cost"), f.to_string()))}
            {c.substitutions.clone().map(|s| fact(lang.pick("替换说明", "Substitutions"), s))}
            {c.evidence.clone().map(|e| fact(lang.pick("交付说明", "Evidence"), e))}
            {c.rating.map(|r| fact(lang.pick("评价", "Rating"), format!("{r}/5")))}
            {c.thank_you.clone().map(|t| fact(lang.pick("感谢语", "Thank-you note"), t))}
        </dl>
        {(!c.attachments.is_empty()).then(|| view! {
            <h3>{lang.pick("凭证附件", "Evidence files")}</h3>
            <ul data-testid="attachments">
                {c.attachments.into_iter().map(|a| view! {
                    <li><a href=routes::CLAIM_ATTACHMENT.to([&id, &a.id])>{a.file_name}</a>{format!(" ({}, {} KB)", a.content_type, (a.size_bytes + 1023) / 1024)}</li>
                }).collect_view()}
            </ul>
        })}
    }
}
