//! Form widgets: labelled fields with their error next to them, and an error summary.
//! Forms post normally (no JavaScript needed); the server answers a failed post by
//! rendering the same page with a [`FormReply`] in context.

use super::lang::use_lang;
use crate::accounts::FormReply;
use leptos::prelude::*;

/// The reply to the form just posted, if this page answers one.
pub fn use_form_reply() -> FormReply {
    use_context::<FormReply>().unwrap_or_default()
}

/// A labelled input. `kind` is the input type; passwords are never re-filled.
#[component]
pub fn Field(
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let lang = use_lang();
    let reply = use_form_reply();
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let error = reply.error(name).map(|p| p.message(lang));
    let value = if kind == "password" {
        String::new()
    } else {
        reply.value(name)
    };
    let described_by = match (error.is_some(), hint.is_some()) {
        (true, true) => Some(format!("{error_id} {hint_id}")),
        (true, false) => Some(error_id.clone()),
        (false, true) => Some(hint_id.clone()),
        (false, false) => None,
    };
    view! {
        <div class="field" class:field-invalid=error.is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                required=required
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=described_by
            />
        </div>
    }
}

/// The list of problems at the top of a form that came back, linking to each field.
#[component]
pub fn ErrorSummary() -> impl IntoView {
    let lang = use_lang();
    let reply = use_form_reply();
    reply.has_errors().then(|| {
        let form_error = reply.form_error.map(|p| p.message(lang));
        let fields = reply.errors();
        view! {
            <div class="error-summary" role="alert" tabindex="-1" data-testid="error-summary">
                <h2>{lang.pick("请修改以下问题", "Please correct the following")}</h2>
                {form_error.map(|e| view! { <p>{e}</p> })}
                <ul>
                    {fields
                        .into_iter()
                        .map(|(field, problem)| {
                            view! {
                                <li>
                                    <a href=format!("#field-{field}")>{problem.message(lang)}</a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}

/// The `id` and `aria-describedby` of a field, and its error message, if any.
fn field_ids(name: &str, has_error: bool, has_hint: bool) -> (String, Option<String>) {
    let id = format!("field-{name}");
    let described_by = match (has_error, has_hint) {
        (true, true) => Some(format!("{id}-error {id}-hint")),
        (true, false) => Some(format!("{id}-error")),
        (false, true) => Some(format!("{id}-hint")),
        (false, false) => None,
    };
    (id, described_by)
}

/// A labelled choice from a list of (code, label) options.
#[component]
pub fn Select(
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    /// The label of an empty first option ("please choose"), for a choice with no default.
    #[prop(optional)]
    empty_choice: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let lang = use_lang();
    let reply = use_form_reply();
    let error = reply.error(name).map(|p| p.message(lang));
    let (id, described_by) = field_ids(name, error.is_some(), hint.is_some());
    let chosen = reply.value(name);
    view! {
        <div class="field" class:field-invalid=error.is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=format!("{id}-hint")>{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=format!("{id}-error")>{e}</p> })}
            <select
                id=id.clone()
                name=name
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=described_by
            >
                {empty_choice.map(|p| view! { <option value="">{p}</option> })}
                {options
                    .into_iter()
                    .map(|(code, text)| {
                        let selected = code == chosen;
                        view! { <option value=code selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// What a page says when the reader may not see it or do what they asked: the refusal of
/// the form just posted if there is one (the same words wherever access is refused),
/// else `error`'s message.
#[component]
pub fn Refusal(error: crate::error::AppError) -> impl IntoView {
    let lang = use_lang();
    let text = use_form_reply()
        .form_error
        .map_or_else(|| error.message(lang), |p| p.message(lang));
    view! { <p class="error" role="alert" data-testid="refusal">{text}</p> }
}

/// A refusal that is the whole page: a heading, then the reason.
#[component]
pub fn RefusalPage(error: crate::error::AppError) -> impl IntoView {
    let lang = use_lang();
    view! {
        <h1>{lang.pick("无法打开此页面", "This page is not open to you")}</h1>
        <Refusal error/>
    }
}

/// Text to put inside a `<textarea>`. Leptos writes a textarea's children unescaped on
/// the server (as it does a script's), so a stored `</textarea>` would end the field and
/// the rest would be read as markup. On the server the text is escaped here (the browser
/// decodes it back into the same text); in the browser, where text is set as text, it
/// stays as it is, so hydration finds what it expects.
pub fn textarea_text(text: &str) -> String {
    if cfg!(feature = "ssr") {
        crate::escape::html(text)
    } else {
        text.to_owned()
    }
}
