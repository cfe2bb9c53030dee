//! A need in a list.

use super::badges::{StatusBadge, TypeBadge, UrgencyBadge};
use crate::i18n::Lang;
use crate::library::snippet::Piece;
use crate::needs::NeedSummary;
use leptos::prelude::*;

/// A need as listed; in the library, with the passage of its story that matched.
#[component]
pub fn NeedCard(
    need: NeedSummary,
    lang: Lang,
    #[prop(optional)] snippet: Vec<Piece>,
) -> impl IntoView {
    let href = format!("/needs/{}", need.public_code);
    let goal = need.goal.to_string();
    let deadline = need
        .deadline
        .map(|d| format!("{}{}", lang.pick("截止 ", "Due "), d.format("%Y-%m-%d")));
    view! {
        <li class="need-card" data-testid="need-card" data-type=need.assistance_type.code()>
            <article>
                <p class="badges">
                    <TypeBadge value=need.assistance_type lang/>
                    <UrgencyBadge value=need.urgency lang/>
                    <StatusBadge value=need.status lang/>
                </p>
                <h3 class="need-title">
                    <a href=href>{need.title}</a>
                </h3>
                <p class="need-place">{need.place}</p>
                {(!snippet.is_empty()).then(|| view! {
                    <p class="need-snippet" data-testid="need-snippet">
                        {snippet.into_iter().map(|p| if p.hit {
                            view! { <mark>{p.text}</mark> }.into_any()
                        } else {
                            p.text.into_any()
                        }).collect_view()}
                    </p>
                })}
                <p class="need-meta">
                    <span>{need.household_category.label(lang)}</span>
                    <span>{lang.pick("所需 ", "Needs ")}{goal}</span>
                    {deadline.map(|d| view! { <span>{d}</span> })}
                </p>
                <p class="need-code">{need.public_code}</p>
            </article>
        </li>
    }
}
