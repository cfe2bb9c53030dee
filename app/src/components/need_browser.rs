//! The list of needs on the home page, with type filters.
//!
//! Without JavaScript the filters are links (`/?type=medical`) and the server filters.
//! Hydrated, this island filters the loaded list in place, without a round trip.

use super::need_card::NeedCard;
use crate::domain::need::AssistanceType;
use crate::i18n::Lang;
use crate::needs::NeedSummary;
use leptos::ev::MouseEvent;
use leptos::prelude::*;

#[island]
pub fn NeedBrowser(
    needs: Vec<NeedSummary>,
    lang: Lang,
    initial: Option<AssistanceType>,
) -> impl IntoView {
    let filter = RwSignal::new(initial);
    // Effects run only in the browser: this marks the island as hydrated (tests wait
    // for it before clicking).
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    // Only a page loaded with every type can be filtered in place; a page already
    // filtered by the server lacks the other types, so its links navigate.
    let filter_in_place = initial.is_none();
    let needs = StoredValue::new(needs);
    let visible = move || {
        let wanted = filter.get();
        needs.with_value(|all| {
            all.iter()
                .filter(|n| wanted.is_none_or(|t| n.assistance_type == t))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let count = move || {
        let n = visible().len();
        match lang {
            Lang::Zh => format!("共 {n} 条需求"),
            Lang::En => format!("{n} needs"),
        }
    };
    let choose = move |wanted: Option<AssistanceType>| {
        move |ev: MouseEvent| {
            if filter_in_place {
                ev.prevent_default();
                filter.set(wanted);
            }
        }
    };
    let chip = move |wanted: Option<AssistanceType>| {
        // Without JavaScript (or from a page the server filtered) a chip opens the
        // library with that filter.
        let href = match wanted {
            Some(t) => format!("{}?type={}", crate::routes::LIBRARY.url(), t.code()),
            None => crate::routes::LIBRARY.url().to_owned(),
        };
        let label = match wanted {
            Some(t) => t.label(lang),
            None => lang.pick("全部", "All"),
        };
        view! {
            <li>
                <a
                    class="chip"
                    href=href
                    aria-current=move || (filter.get() == wanted).then_some("true")
                    on:click=choose(wanted)
                >
                    {label}
                </a>
            </li>
        }
    };
    view! {
        <nav class="filters" aria-label=lang.pick("按帮扶类型筛选", "Filter by assistance type")>
            <ul>
                {chip(None)}
                {AssistanceType::ALL.iter().map(|t| chip(Some(*t))).collect_view()}
            </ul>
        </nav>
        <p
            class="result-count"
            role="status"
            aria-live="polite"
            data-testid="need-count"
            data-hydrated=move || hydrated.get().to_string()
        >
            {count}
        </p>
        <ul class="need-list" data-testid="need-list">
            <For each=visible key=|n| n.public_code.clone() let:need>
                <NeedCard need lang/>
            </For>
        </ul>
    }
}
