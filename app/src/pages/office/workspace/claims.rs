//! The claims on one need, as the office staff of its region see them: who claimed it,
//! the plan and lease, the fulfilment report with its evidence, and — for reviewers —
//! the forms to verify the report and close the need, or to send it back with a question.

use crate::claims::need_claims;
use crate::components::lang::use_lang;
use crate::domain::need::CloseReason;
use crate::domain::support::ClaimStatus;
use crate::pages::charity::claims::ClaimFacts;
use crate::routes;
use leptos::prelude::*;

#[component]
pub fn NeedClaims(code: String, can_review: bool) -> impl IntoView {
    let lang = use_lang();
    let form_code = code.clone();
    let claims = Resource::new(move || code.clone(), need_claims);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let code = form_code.clone();
                Suspend::new(async move {
                    let claims = claims.await.unwrap_or_default();
                    (!claims.is_empty()).then(|| {
                        let reviewable = can_review
                            && claims.first().is_some_and(|c| c.status == ClaimStatus::Fulfilled);
                        view! {
                            <section aria-labelledby="claims-heading" data-testid="need-claims">
                                <h2 id="claims-heading">{lang.pick("认领与交付", "Claims and fulfilment")}</h2>
                                {claims.into_iter().map(|c| view! { <ClaimFacts c/> }).collect_view()}
                                {reviewable.then(|| view! {
                                    <h3>{lang.pick("核实交付报告", "Verify the report")}</h3>
                                    <form method="post" action=routes::VERIFY_FULFILMENT.to([&code]) class="stack">
                                        <div class="field">
                                            <label for="field-close_reason">{lang.pick("办结原因", "Why the need is closed")}</label>
                                            <select id="field-close_reason" name="close_reason" required>
                                                {CloseReason::ALL.iter().map(|r| view! { <option value=r.code()>{r.label(lang)}</option> }).collect_view()}
                                            </select>
                                        </div>
                                        <div class="field">
                                            <label for="field-rating">{lang.pick("评价（可不选）", "Rating (optional)")}</label>
                                            <select id="field-rating" name="rating">
                                                <option value="">{lang.pick("（不评价）", "(none)")}</option>
                                                {(1..=5).rev().map(|n| view! { <option value=n.to_string()>{format!("{n}/5")}</option> }).collect_view()}
                                            </select>
                                        </div>
                                        <div class="field">
                                            <label for="field-thank_you">{lang.pick("公开感谢语（可不填，将显示在需求页面）", "Public thank-you note (optional, shown on the need's page)")}</label>
                                            <p class="field-hint" id="field-thank_you-hint">{lang.pick("姓名、电话等个人信息会被自动隐去。", "Names, phone numbers and other personal data are removed automatically.")}</p>
                                            <textarea id="field-thank_you" name="thank_you" rows="3" aria-describedby="field-thank_you-hint"></textarea>
                                        </div>
                                        <button type="submit" class="button">{lang.pick("核实并办结", "Verify and close")}</button>
                                    </form>
                                    <form method="post" action=routes::QUESTION_FULFILMENT.to([&code]) class="stack">
                                        <div class="field">
                                            <label for="field-question">{lang.pick("需要机构补充或更正的内容", "What the charity should add or correct")}</label>
                                            <textarea id="field-question" name="question" rows="3" required></textarea>
                                        </div>
                                        <button type="submit" class="button button-secondary">{lang.pick("退回机构补充", "Send back to the charity")}</button>
                                    </form>
                                })}
                            </section>
                        }
                    })
                })
            }}
        </Suspense>
    }
}
