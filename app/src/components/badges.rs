//! Small labels for a need's type, urgency and status.

use crate::domain::need::{AssistanceType, NeedStatus, Urgency};
use crate::i18n::Lang;
use leptos::prelude::*;

#[component]
pub fn TypeBadge(value: AssistanceType, lang: Lang) -> impl IntoView {
    view! { <span class="badge badge-type">{value.label(lang)}</span> }
}

#[component]
pub fn UrgencyBadge(value: Urgency, lang: Lang) -> impl IntoView {
    let class = format!("badge badge-urgency urgency-{}", value.code());
    let prefix = lang.pick("紧急程度：", "Urgency: ");
    view! {
        <span class=class>
            <span class="visually-hidden">{prefix}</span>
            {value.label(lang)}
        </span>
    }
}

#[component]
pub fn StatusBadge(value: NeedStatus, lang: Lang) -> impl IntoView {
    let class = format!("badge badge-status status-{}", value.code());
    view! { <span class=class>{value.label(lang)}</span> }
}
