//! The need editor (`/office/needs/new`, `/office/needs/{code}/edit`): every field of
//! the public copy and the private part, the PII guard's findings marked in place, the
//! quasi-identifier advice, and a preview of exactly what the public will see. The form
//! posts normally to its action in `post.rs`, which answers with this page again or with
//! a redirect.

#[cfg(feature = "ssr")]
pub mod post;

use crate::accounts::FormReply;
use crate::components::form::{use_form_reply, ErrorSummary, Field, Select};
use crate::components::lang::use_lang;
use crate::components::pii::{FindingList, Highlighted};
use crate::components::session::set_status;
use crate::domain::need::NeedStatus;
use crate::domain::need::{
    AgeBand, AssistanceType, Coverage, HouseholdCategory, HouseholdSize, Urgency,
};
use crate::i18n::Lang;
use crate::needs::draft::EDITOR_ITEM_ROWS;
use crate::needs::{need_workspace, office_counties, EditingNeed, EditorFeedback};
use crate::pages::need::NeedView;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T, Lang) -> &'static str,
    lang: Lang,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_owned(), label(*v, lang).to_owned()))
        .collect()
}

#[component]
pub fn NewNeedPage() -> impl IntoView {
    let lang = use_lang();
    let counties = Resource::new(|| (), |_| office_counties());
    let reply = use_form_reply();
    if !reply.is_posted() {
        let today =
            crate::domain::calendar::day_text(crate::domain::calendar::today(chrono::Utc::now()));
        FormReply::filled(
            [
                ("urgency".to_owned(), "normal".to_owned()),
                ("consent_recorded_on".to_owned(), today),
            ]
            .into(),
        )
        .provide();
    }
    let feedback = use_context::<EditorFeedback>();
    view! {
        <Title text=lang.pick("新建需求 · 民政工作台", "New need · Office portal")/>
        <section class="form-page editor">
            <h1>{lang.pick("新建需求", "New need")}</h1>
            <Suspense fallback=|| ()>
                {move || {
                    let feedback = feedback.clone();
                    Suspend::new(async move {
                        match counties.await {
                            Ok(counties) => view! {
                                <NeedForm action=routes::NEW_NEED.url().to_owned() counties feedback/>
                            }
                            .into_any(),
                            Err(e) => super::denied(e, "/office/needs/new", lang),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
pub fn EditNeedPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let code = params.read_untracked().get("code").unwrap_or_default();
    let counties = Resource::new(|| (), |_| office_counties());
    // After a refused post the page shows the need the post loaded; otherwise it loads it.
    let source = match use_context::<EditingNeed>() {
        Some(need) => Ok(need),
        None => Err(Resource::new(move || code.clone(), need_workspace)),
    };
    let reply = use_form_reply();
    let posted = use_context::<EditorFeedback>();
    view! {
        <section class="form-page editor">
            <Suspense fallback=|| ()>
                {move || {
                    let reply = reply.clone();
                    let posted = posted.clone();
                    let source = source.clone();
                    Suspend::new(async move {
                        let denied = |e| {
                            let next = params.read_untracked().get("code").unwrap_or_default();
                            super::denied(e, &format!("/office/needs/{next}/edit"), lang)
                        };
                        let counties = match counties.await {
                            Ok(c) => c,
                            Err(e) => return denied(e),
                        };
                        let (ws, stored) = match source {
                            Ok(need) => (need, None),
                            Err(workspace) => match workspace.await {
                                Ok(ws) => (ws.editing(), Some((ws.input, ws.feedback))),
                                Err(e) => return denied(e),
                            },
                        };
                        let (fields, stored_feedback) = stored.unzip();
                        if !reply.is_posted() {
                            if let Some(input) = fields {
                                FormReply::filled(input.to_fields()).provide();
                            }
                        }
                        let code = ws.public_code.clone();
                        let feedback = posted.or(stored_feedback);
                        let editable = ws.status == NeedStatus::Draft && ws.can_edit;
                        view! {
                            <Title text=format!("{} {code} · {}", lang.pick("编辑", "Edit"), lang.pick("民政工作台", "Office portal"))/>
                            <h1>{lang.pick("编辑需求 ", "Edit need ")}{code.clone()}</h1>
                            <p><a href=format!("/office/needs/{code}")>{lang.pick("返回需求", "Back to the need")}</a></p>
                            {ws.review_comment.clone().map(|c| view! {
                                <p class="notice" role="status">{lang.pick("审核意见：", "Reviewer's comment: ")}{c}</p>
                            })}
                            {if editable {
                                view! { <NeedForm action=routes::EDIT_NEED.to([&code]) counties feedback/> }.into_any()
                            } else {
                                set_status(409);
                                view! {
                                    <p class="error" role="alert">
                                        {crate::needs::problems::NOT_EDITABLE.message(lang)}
                                    </p>
                                }
                                .into_any()
                            }}
                        }
                        .into_any()
                    })
                }}
            </Suspense>
        </section>
    }
}

/// The guard's findings with each field's text marked, and the quasi-identifier advice.
#[component]
pub fn GuardFeedback(
    feedback: EditorFeedback,
    #[prop(default = true)] offer_generalize: bool,
) -> impl IntoView {
    let lang = use_lang();
    let reply = use_form_reply();
    let findings = feedback.findings.clone();
    let mut fields: Vec<String> = findings.iter().map(|f| f.field.clone()).collect();
    fields.dedup();
    let has_findings = !findings.is_empty();
    let blocking = crate::needs::screening::blocks(&findings);
    let quasi = feedback.quasi.filter(|q| q.unique);
    view! {
        <section class="guard" aria-labelledby="guard-heading" data-testid="pii-guard">
            <h2 id="guard-heading">{lang.pick("隐私检查", "Privacy check")}</h2>
            {if has_findings {
                view! {
                    <p class:error=blocking>
                        {if blocking {
                            lang.pick(
                                "公开内容中发现可识别家庭的个人信息，删除后才能提交：",
                                "The public text holds personal data that could identify the family; remove it before submitting:",
                            )
                        } else {
                            lang.pick("请留意以下提示：", "Please look at these notes:")
                        }}
                    </p>
                    <FindingList findings=findings.clone()/>
                    {fields
                        .into_iter()
                        .map(|field| {
                            let text = reply.value(&field);
                            view! {
                                <div class="highlight-box">
                                    <h3>{crate::components::pii::field_label(&field, lang)}</h3>
                                    <Highlighted text field findings=findings.clone()/>
                                </div>
                            }
                        })
                        .collect_view()}
                }
                .into_any()
            } else {
                view! {
                    <p data-testid="pii-clean">
                        {lang.pick("公开内容中未发现个人信息。", "No personal data found in the public text.")}
                    </p>
                }
                .into_any()
            }}
            {quasi.map(|q| {
                let general = format!(
                    "{} · {}",
                    q.publish_as.age_band.label(lang),
                    q.publish_as.household_size.label(lang)
                );
                view! {
                    <div class="notice" data-testid="quasi-warning">
                        <p>
                            {lang.pick(
                                "本县（区）已发布的需求中，没有其他需求与此需求的“家庭类别 + 年龄段 + 家庭人口”相同，可能据此识别出家庭。发布时将概括为：",
                                "No other published need of this county has the same household category, age band and household size, which could single the family out. On publication they become: ",
                            )}
                            <strong>{general}</strong>
                            {q.still_unique.then(|| lang.pick(
                                "（概括后仍是唯一的，请审核人留意。）",
                                " (still unique after that: reviewers, take note.)",
                            ))}
                        </p>
                        {offer_generalize.then(|| view! {
                            <button type="submit" form="need-form" name="action" value="generalize" class="button button-secondary">
                                {lang.pick("现在就采用概括值", "Use the wider values now")}
                            </button>
                        })}
                    </div>
                }
            })}
        </section>
    }
}

/// The editor form itself.
#[component]
fn NeedForm(
    action: String,
    counties: Vec<(String, String)>,
    feedback: Option<EditorFeedback>,
) -> impl IntoView {
    let lang = use_lang();
    let preview = feedback.as_ref().and_then(|f| f.preview.clone());
    let items = (0..EDITOR_ITEM_ROWS)
        .map(|i| view! { <ItemRow i/> })
        .collect_view();
    view! {
        <ErrorSummary/>
        {feedback.clone().map(|f| view! { <GuardFeedback feedback=f/> })}
        <form id="need-form" method="post" action=action class="stack" novalidate>
            <fieldset>
                <legend>{lang.pick("公开内容（审核通过后公开）", "Public copy (published after review)")}</legend>
                <p class="field-hint">
                    {lang.pick(
                        "请勿填写姓名、身份证号、电话、银行卡号、详细地址等可识别家庭的信息；地点只到县（区）。",
                        "Do not write names, ID numbers, phone or bank card numbers, or exact addresses; the place goes no finer than the county.",
                    )}
                </p>
                <Field name="title" label=lang.pick("标题", "Title") hint=lang.pick("4–60 字，概括需求。", "4–60 characters summing up the need.")/>
                <Select name="region_code" label=lang.pick("所在县（区）", "County") options=counties empty_choice=lang.pick("请选择", "Choose")/>
                <Select name="assistance_type" label=lang.pick("帮扶类型", "Assistance type") options=options(AssistanceType::ALL, AssistanceType::code, AssistanceType::label, lang) empty_choice=lang.pick("请选择", "Choose")/>
                <Select name="household_category" label=lang.pick("家庭类别", "Household category") options=options(HouseholdCategory::ALL, HouseholdCategory::code, HouseholdCategory::label, lang) empty_choice=lang.pick("请选择", "Choose")/>
                <Select name="coverage" label=lang.pick("救助情况", "Government assistance") options=options(Coverage::ALL, Coverage::code, Coverage::label, lang) empty_choice=lang.pick("请选择", "Choose")/>
                <Field name="assistance_received" label=lang.pick("已享受的救助（选填）", "Assistance already received (optional)") required=false/>
                <Select name="age_band" label=lang.pick("受助人年龄段", "Age band") options=options(AgeBand::ALL, AgeBand::code, AgeBand::label, lang) empty_choice=lang.pick("请选择", "Choose")/>
                <Select name="household_size" label=lang.pick("家庭人口", "Household size") options=options(HouseholdSize::ALL, HouseholdSize::code, HouseholdSize::label, lang) empty_choice=lang.pick("请选择", "Choose")/>
                <Select name="urgency" label=lang.pick("紧急程度", "Urgency") options=options(Urgency::ALL, Urgency::code, Urgency::label, lang)/>
                <StoryField/>
                <Field name="deadline" label=lang.pick("截止日期（选填）", "Deadline (optional)") kind="date" required=false/>
                <Field name="target_amount" label=lang.pick("资金需求（元，选填）", "Money needed (yuan, optional)") required=false hint=lang.pick("资金需求与物品至少填一项。", "Give the money needed, items, or both.")/>
            </fieldset>
            <fieldset class="items-fieldset">
                <legend>{lang.pick("所需物品与服务（选填）", "Items and services (optional)")}</legend>
                {items}
            </fieldset>
            <fieldset class="private-box">
                <legend>{lang.pick("内部信息（不公开）", "Internal information (never published)")}</legend>
                <Field name="case_reference" label=lang.pick("案件编号", "Case reference")/>
                <Field name="household_names" label=lang.pick("家庭成员姓名", "Household members' names") hint=lang.pick("用顿号或逗号分隔。仅供隐私检查和内部核对，不会公开。", "Separated by commas. Used only by the privacy check and for internal records; never published.")/>
                <Field name="consent_recorded_on" label=lang.pick("授权日期", "Consent recorded on") kind="date"/>
                <Field name="consent_scope" label=lang.pick("授权范围", "Consent scope") hint=lang.pick("例如：同意在善桥平台匿名公开需求。", "E.g. agrees to the need being published anonymously on Shanqiao.")/>
            </fieldset>
            <div class="actions">
                <button type="submit" name="action" value="save" class="button">{lang.pick("保存草稿", "Save draft")}</button>
                " "
                <button type="submit" name="action" value="preview" class="button button-secondary">{lang.pick("隐私检查并预览", "Check and preview")}</button>
                " "
                <button type="submit" name="action" value="submit" class="button">{lang.pick("提交审核", "Submit for review")}</button>
            </div>
        </form>
        {preview.map(|detail| view! {
            <section class="preview" aria-labelledby="preview-heading">
                <h2 id="preview-heading">{lang.pick("公开预览：公众将看到的内容", "Preview: what the public will see")}</h2>
                <NeedView detail lang preview=true/>
            </section>
        })}
    }
}

/// The story, with the privacy check running as one types (when scripts run).
#[component]
fn StoryField() -> impl IntoView {
    use crate::components::story_input::StoryInput;
    let lang = use_lang();
    let reply = use_form_reply();
    let error = reply.error("story").map(|p| p.message(lang));
    let described_by = if error.is_some() {
        "field-story-error field-story-hint"
    } else {
        "field-story-hint"
    };
    let names = crate::needs::draft::split_names(&reply.value("household_names"));
    view! {
        <div class="field" class:field-invalid=error.is_some()>
            <label for="field-story">{lang.pick("情况说明", "Story")}</label>
            <p class="field-hint" id="field-story-hint">
                {lang.pick(
                    "20–5000 字。写清困难和所需帮助，不写可识别家庭的细节。",
                    "20–5000 characters: the hardship and the help needed, without details that identify the family.",
                )}
            </p>
            {error.map(|e| view! { <p class="field-error" id="field-story-error">{e}</p> })}
            <StoryInput
                value=reply.value("story")
                names
                invalid=error.is_some()
                described_by=Some(described_by.to_owned())
                lang
            />
        </div>
    }
}

#[component]
fn ItemRow(i: usize) -> impl IntoView {
    let lang = use_lang();
    let reply = use_form_reply();
    let n = i + 1;
    let input = move |part: &'static str,
                      zh: &'static str,
                      en: &'static str,
                      kind: &'static str| {
        let name = format!("item_{part}_{i}");
        let id = format!("field-{name}");
        let error = reply.error(&name).map(|p| p.message(lang));
        let value = reply.value(&name);
        view! {
            <div class="field" class:field-invalid=error.is_some()>
                <label for=id.clone()>{lang.pick(format!("物品 {n} {zh}"), format!("Item {n} {en}"))}</label>
                {error.map(|e| view! { <p class="field-error" id=format!("{id}-error")>{e}</p> })}
                <input id=id name=name type=kind value=value inputmode=(kind == "text" && part != "name" && part != "unit").then_some("decimal")/>
            </div>
        }
    };
    view! {
        <div class="item-row">
            {input("name", "名称", "name", "text")}
            {input("unit", "单位", "unit", "text")}
            {input("quantity", "数量", "quantity", "number")}
            {input("value", "单价（元）", "unit value (yuan)", "text")}
        </div>
    }
}
