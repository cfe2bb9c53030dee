//! The editor's story field, with the PII guard running as the caseworker types.
//!
//! Without JavaScript this is a plain textarea, and the list below it shows what the
//! server found in the text it rendered. Hydrated, the same guard (the `pii` crate,
//! compiled to wasm) re-checks on every input, before anything is sent. The server
//! checks again on save, submit and publication: this is a help, not the gate.

use crate::i18n::Lang;
use leptos::prelude::*;

/// The names as they stand in the form's names field right now (in the browser).
fn typed_names() -> Option<Vec<String>> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        document()
            .get_element_by_id("field-household_names")
            .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
            .map(|input| crate::needs::draft::split_names(&input.value()))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

#[island]
pub fn StoryInput(
    value: String,
    /// The household's names as the form was rendered with (checked too; in the browser
    /// the names field's current value is read on every check).
    names: Vec<String>,
    invalid: bool,
    described_by: Option<String>,
    lang: Lang,
) -> impl IntoView {
    let text = RwSignal::new(value.clone());
    let names = StoredValue::new(names);
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let findings = Memo::new(move |_| {
        let story = text.get();
        match typed_names() {
            Some(typed) => pii::scan(&story, &typed),
            None => names.with_value(|n| pii::scan(&story, n)),
        }
    });
    let summary = move || {
        let found = findings.get();
        let blocking = found.iter().filter(|f| f.is_blocking()).count();
        match (found.len(), lang) {
            (0, Lang::Zh) => "实时隐私检查：未发现个人信息。".to_owned(),
            (0, Lang::En) => "Live privacy check: no personal data found.".to_owned(),
            (n, Lang::Zh) => format!("实时隐私检查：发现 {n} 处，其中 {blocking} 处必须删除。"),
            (n, Lang::En) => {
                format!("Live privacy check: {n} found, {blocking} of them must be removed.")
            }
        }
    };
    view! {
        <textarea
            id="field-story"
            name="story"
            rows="8"
            required=true
            aria-invalid=invalid.then_some("true")
            aria-describedby=described_by
            on:input=move |ev| text.set(event_target_value(&ev))
        >
            {crate::components::form::textarea_text(&value)}
        </textarea>
        <div class="live-guard" data-testid="live-guard" data-live=move || live.get().to_string()>
            <p role="status" aria-live="polite">{summary}</p>
            <ul>
                {move || {
                    findings
                        .get()
                        .into_iter()
                        .map(|f| {
                            let label = lang.pick(f.kind.label_zh(), f.kind.label_en());
                            view! {
                                <li class:finding-blocking=f.is_blocking()>
                                    <strong>{label}</strong>
                                    {format!(" “{}”", f.text)}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}
