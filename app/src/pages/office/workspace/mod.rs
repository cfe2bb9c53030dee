//! One need in the office portal (`/office/needs/{code}`): its state, the reviewer's
//! comment, the actions the viewer may take (edit, submit, publish, return, override a
//! finding, withdraw, record withdrawn consent), the privacy check, the public preview
//! and, clearly marked, the private case data.

mod claims;
#[cfg(feature = "ssr")]
pub mod post;

use super::editor::GuardFeedback;
use crate::components::badges::StatusBadge;
use crate::components::form::{use_form_reply, ErrorSummary};
use crate::components::lang::use_lang;
use crate::components::pii::kind_label;
use crate::domain::need::NeedStatus;
use crate::needs::{need_workspace, NeedWorkspace};
use crate::pages::need::NeedView;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn done_message(done: &str, lang: crate::i18n::Lang) -> Option<&'static str> {
    Some(match done {
        "saved" => lang.pick("草稿已保存。", "Draft saved."),
        "submitted" => lang.pick("已提交审核。", "Submitted for review."),
        "published" => lang.pick("已审核通过并发布。", "Approved and published."),
        "returned" => lang.pick("已退回经办人修改。", "Returned to the author."),
        "withdrawn" => lang.pick("需求已撤回。", "The need has been withdrawn."),
        "consent" => lang.pick(
            "已记录家庭撤回授权，需求已从公开页面撤下。",
            "Recorded that the family withdrew consent; the need is off the public site.",
        ),
        "overridden" => lang.pick(
            "已放行该提示，理由已记录。",
            "Finding overridden; the reason is recorded.",
        ),
        "verified" => lang.pick(
            "交付报告已核实，需求已办结。",
            "Report verified; the need is closed.",
        ),
        "questioned" => lang.pick(
            "已将交付报告退回机构补充。",
            "The report went back to the charity with your question.",
        ),
        _ => return None,
    })
}

#[component]
pub fn OfficeNeedPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let code = params.read_untracked().get("code").unwrap_or_default();
    let done = use_query_map().read_untracked().get("done");
    let next = format!("/office/needs/{code}");
    let need = Resource::new(move || code.clone(), need_workspace);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let next = next.clone();
                let done = done.clone();
                Suspend::new(async move {
                    match need.await {
                        Ok(ws) => view! { <Workspace ws done/> }.into_any(),
                        Err(e) => super::denied(e, &next, lang),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Workspace(ws: NeedWorkspace, done: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let code = ws.public_code.clone();
    let status = ws.status;
    // The highlighted texts read the stored values through the form reply.
    let reply = use_form_reply();
    reply.clone().with_values(ws.input.to_fields()).provide();
    let findings = ws.feedback.findings.clone();
    let blocking: Vec<_> = findings.iter().filter(|f| f.blocks()).cloned().collect();
    let show_guard = matches!(status, NeedStatus::Draft | NeedStatus::InReview);
    let can_override = ws.can_review && show_guard && !blocking.is_empty();
    let private = ws.private.clone();
    let reply_error = reply.has_errors();
    view! {
        <Title text=format!("{code} · {}", lang.pick("民政工作台", "Office portal"))/>
        <article class="need office-need" data-testid="office-need">
            <nav class="breadcrumb" aria-label=lang.pick("当前位置", "Breadcrumb")>
                <a href="/office">{lang.pick("民政工作台", "Office portal")}</a>
                " / "
                <a href="/office/needs">{lang.pick("本辖区需求", "Needs")}</a>
                " / "
                <span aria-current="page">{code.clone()}</span>
            </nav>
            <p class="need-code">
                {code.clone()}" · "<StatusBadge value=status lang/>" · "{ws.office.clone()}" · "
                {lang.pick("经办人：", "Author: ")}{ws.author.clone()}
            </p>
            <h1>{ws.input.title.clone()}</h1>
            <p class="need-place">{ws.place.clone()}</p>
            {done.as_deref().and_then(|d| done_message(d, lang)).filter(|_| !reply_error).map(|m| view! {
                <p class="notice" role="status" data-testid="done">{m}</p>
            })}
            {reply_error.then(|| view! { <ErrorSummary/> })}
            {ws.review_comment.clone().filter(|_| status == NeedStatus::Draft).map(|c| view! {
                <p class="notice" data-testid="review-comment">{lang.pick("审核意见：", "Reviewer's comment: ")}{c}</p>
            })}
            {ws.withdraw_reason.clone().filter(|_| status == NeedStatus::Withdrawn).map(|r| view! {
                <p class="notice">{lang.pick("撤回原因：", "Withdrawn because: ")}{r}</p>
            })}
            {show_guard.then(|| view! { <GuardFeedback feedback=ws.feedback.clone() offer_generalize=false/> })}
            {can_override.then(|| view! {
                <section aria-labelledby="override-heading">
                    <h2 id="override-heading">{lang.pick("放行隐私提示（审核人）", "Override a finding (reviewers)")}</h2>
                    <p class="muted">{lang.pick(
                        "只有确认不是个人信息时才能放行，并须写明理由；理由记入审计日志。",
                        "Override only what is not personal data, with a written reason; the reason goes into the audit log.",
                    )}</p>
                    {blocking
                        .into_iter()
                        .enumerate()
                        .map(|(i, f)| {
                            let id = format!("override-reason-{i}");
                            view! {
                                <form method="post" action=routes::OVERRIDE_FINDING.to([&code]) class="stack">
                                    <input type="hidden" name="kind" value=f.finding.kind.code()/>
                                    <input type="hidden" name="text" value=f.finding.text.clone()/>
                                    <div class="field">
                                        <label for=id.clone()>
                                            {format!("{} “{}” · {}", kind_label(f.finding.kind, lang), f.finding.text, lang.pick("放行理由", "reason"))}
                                        </label>
                                        <input id=id name="reason" type="text" required/>
                                    </div>
                                    <button type="submit" class="button button-secondary">{lang.pick("放行", "Override")}</button>
                                </form>
                            }
                        })
                        .collect_view()}
                </section>
            })}
            {ws.feedback.preview.clone().map(|detail| view! {
                <section class="preview" aria-labelledby="preview-heading">
                    <h2 id="preview-heading">
                        {if status.is_public() {
                            lang.pick("公开内容", "Public copy")
                        } else {
                            lang.pick("公开预览：公众将看到的内容", "Preview: what the public will see")
                        }}
                    </h2>
                    <NeedView detail lang preview=true/>
                </section>
            })}
            // The reviewer sees the need as the public will (the guard's findings and
            // the preview) before the buttons that act on it.
            <section class="actions-box" aria-labelledby="actions-heading">
                <h2 id="actions-heading">{lang.pick("操作", "Actions")}</h2>
                {ws.can_edit.then(|| view! {
                    <p>
                        <a class="button" href=routes::EDIT_NEED.to([&code])>{lang.pick("编辑", "Edit")}</a>
                    </p>
                    <form method="post" action=routes::SUBMIT_NEED.to([&code])>
                        <button type="submit" class="button">{lang.pick("提交审核", "Submit for review")}</button>
                    </form>
                })}
                {(status == NeedStatus::InReview && ws.is_author_reviewer).then(|| view! {
                    <p class="muted">{crate::needs::problems::FOUR_EYES.message(lang)}</p>
                })}
                {(status == NeedStatus::InReview && ws.can_review).then(|| view! {
                    <form method="post" action=routes::PUBLISH_NEED.to([&code])>
                        <button type="submit" class="button">{lang.pick("审核通过并发布", "Approve and publish")}</button>
                    </form>
                    <form method="post" action=routes::RETURN_NEED.to([&code]) class="stack">
                        <div class="field">
                            <label for="field-comment">{lang.pick("退回意见", "Comment for the author")}</label>
                            <textarea id="field-comment" name="comment" rows="3" required></textarea>
                        </div>
                        <button type="submit" class="button button-secondary">{lang.pick("退回修改", "Return for changes")}</button>
                    </form>
                })}
                {ws.can_withdraw.then(|| view! {
                    <form method="post" action=routes::WITHDRAW_NEED.to([&code]) class="stack">
                        <div class="field">
                            <label for="field-reason">{lang.pick("撤回原因", "Reason for withdrawing")}</label>
                            <input id="field-reason" name="reason" type="text" required/>
                        </div>
                        <button type="submit" class="button button-secondary">{lang.pick("撤回需求", "Withdraw the need")}</button>
                    </form>
                })}
                {(!private.consent_withdrawn).then(|| view! {
                    <form method="post" action=routes::RECORD_CONSENT_WITHDRAWN.to([&code]) class="stack">
                        <div class="field field-check">
                            <label>
                                <input type="checkbox" name="confirm" required/>
                                " "
                                {lang.pick(
                                    "家庭已撤回授权：立即从所有公开页面撤下此需求",
                                    "The family has withdrawn consent: take this need off every public page now",
                                )}
                            </label>
                        </div>
                        <button type="submit" class="button button-danger">{lang.pick("记录撤回授权", "Record withdrawn consent")}</button>
                    </form>
                })}
            </section>
            <claims::NeedClaims code=code.clone() can_review=ws.can_review_claims/>
            <History events=ws.history.clone()/>
            <section class="private-box" aria-labelledby="private-heading">
                <h2 id="private-heading">{lang.pick("内部信息（不公开）", "Internal information (never published)")}</h2>
                <dl class="facts">
                    <div class="fact"><dt>{lang.pick("案件编号", "Case reference")}</dt><dd>{private.case_reference.clone()}</dd></div>
                    <div class="fact"><dt>{lang.pick("家庭成员", "Household members")}</dt><dd>{private.household_names.join("、")}</dd></div>
                    <div class="fact"><dt>{lang.pick("授权记录人", "Consent recorded by")}</dt><dd>{private.consent_recorded_by.clone()}</dd></div>
                    <div class="fact"><dt>{lang.pick("授权日期", "Consent recorded on")}</dt><dd>{private.consent_recorded_on.format("%Y-%m-%d").to_string()}</dd></div>
                    <div class="fact"><dt>{lang.pick("授权范围", "Consent scope")}</dt><dd>{private.consent_scope.clone()}</dd></div>
                    <div class="fact"><dt>{lang.pick("授权状态", "Consent")}</dt><dd>{if private.consent_withdrawn { lang.pick("已撤回", "Withdrawn") } else { lang.pick("有效", "In force") }}</dd></div>
                </dl>
            </section>
        </article>
    }
}

fn action_label(action: &str, lang: crate::i18n::Lang) -> &'static str {
    match action {
        "need.create" => lang.pick("创建草稿", "Draft created"),
        "need.update" => lang.pick("修改草稿", "Draft edited"),
        "need.submit" => lang.pick("提交审核", "Submitted for review"),
        "need.publish" => lang.pick("审核通过并发布", "Approved and published"),
        "need.return" => lang.pick("退回修改", "Returned for changes"),
        "need.review_expired" => lang.pick("审核超时退回", "Review time limit passed"),
        "need.withdraw" => lang.pick("撤回", "Withdrawn"),
        "need.consent_withdrawn" => lang.pick("家庭撤回授权", "Family withdrew consent"),
        "need.pii_override" => lang.pick("放行隐私提示", "Finding overridden"),
        "need.claim" => lang.pick("慈善组织认领", "Claimed by a charity"),
        "claim.release" => lang.pick("机构退回认领", "Claim released"),
        "claim.lapse" => lang.pick("认领逾期失效", "Claim lapsed"),
        "claim.report_fulfilment" => lang.pick("提交交付报告", "Fulfilment reported"),
        "claim.question_report" => lang.pick("交付报告退回补充", "Report sent back"),
        "claim.verify" => lang.pick("核实并办结", "Verified and closed"),
        "claim.attachment" => lang.pick("上传凭证附件", "Evidence uploaded"),
        _ => lang.pick("其他操作", "Other change"),
    }
}

/// What happened to the need, from the audit log.
#[component]
fn History(events: Vec<crate::needs::NeedEvent>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">{lang.pick("处理记录", "History")}</h2>
            <ol class="history" data-testid="need-history">
                {events
                    .into_iter()
                    .map(|e| {
                        let who = if e.actor.is_empty() {
                            lang.pick("系统", "System").to_owned()
                        } else if e.via_api {
                            format!("{}{}", e.actor, lang.pick("（API）", " (API)"))
                        } else {
                            e.actor.clone()
                        };
                        view! {
                            <li>
                                <time>{e.at}</time>
                                " · "
                                <strong>{action_label(&e.action, lang)}</strong>
                                " · "
                                {who}
                                {e.reason.map(|r| view! { <span class="muted">{format!(" — {r}")}</span> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}
