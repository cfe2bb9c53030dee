//! What a form page shows after a failed submission: what was typed (never passwords),
//! and a message per field, already in the reader's language.

use crate::i18n::Lang;
use std::collections::HashMap;

/// A problem with one field, in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem {
    pub zh: &'static str,
    pub en: &'static str,
}

impl Problem {
    pub const fn new(zh: &'static str, en: &'static str) -> Self {
        Problem { zh, en }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        lang.pick(self.zh, self.en)
    }
}

/// Provided as context when a form page is rendered in answer to its own POST.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormReply {
    values: HashMap<String, String>,
    errors: HashMap<String, Problem>,
    /// A problem with the form as a whole (e.g. wrong account or password).
    pub form_error: Option<Problem>,
    /// Whether this reply answers a post (what was typed), rather than filling a fresh
    /// page with stored values. Set once, where the reply is made: never inferred from
    /// the values, which an earlier pass of the same render may have provided.
    posted: bool,
}

impl FormReply {
    /// Keeps what was typed, except fields whose name contains "password".
    pub fn keeping(values: &HashMap<String, String>) -> Self {
        let values = values
            .iter()
            .filter(|(k, _)| !k.contains("password"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        FormReply {
            values,
            posted: true,
            ..Default::default()
        }
    }

    pub fn with_error(mut self, field: &str, problem: Problem) -> Self {
        self.errors.insert(field.to_owned(), problem);
        self
    }

    pub fn with_value(mut self, field: &str, value: &str) -> Self {
        self.values.insert(field.to_owned(), value.to_owned());
        self
    }

    /// The same errors over other values (e.g. a stored need's fields).
    pub fn with_values(mut self, values: HashMap<String, String>) -> Self {
        self.values = values;
        self
    }

    pub fn with_form_error(mut self, problem: Problem) -> Self {
        self.form_error = Some(problem);
        self
    }

    pub fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }

    pub fn error(&self, field: &str) -> Option<Problem> {
        self.errors.get(field).copied()
    }

    /// Whether the page answers its own post (a refused form shows what was typed).
    pub fn is_posted(&self) -> bool {
        self.posted
    }

    /// A reply that fills a form with stored values, e.g. an editor opened on a draft.
    pub fn filled(values: HashMap<String, String>) -> Self {
        FormReply {
            values,
            ..Default::default()
        }
    }

    /// What a form shows: what was typed when this reply answers a post, else `stored`
    /// (keeping any errors). The same answer however often it is asked within a render.
    pub fn or_stored(self, stored: impl FnOnce() -> HashMap<String, String>) -> Self {
        if self.posted {
            self
        } else {
            self.with_values(stored())
        }
    }

    /// Makes this the reply the form fields below read (server-rendered pages).
    pub fn provide(self) {
        leptos::prelude::provide_context(self);
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.form_error.is_some()
    }

    /// Field errors in a stable order, for the summary at the top of the form.
    pub fn errors(&self) -> Vec<(String, Problem)> {
        let mut all: Vec<_> = self.errors.iter().map(|(k, v)| (k.clone(), *v)).collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_never_kept() {
        let typed = HashMap::from([
            ("email".to_owned(), "a@b.cn".to_owned()),
            ("password".to_owned(), "secret".to_owned()),
            ("new_password".to_owned(), "secret2".to_owned()),
        ]);
        let reply = FormReply::keeping(&typed);
        assert_eq!(reply.value("email"), "a@b.cn");
        assert_eq!(reply.value("password"), "");
        assert_eq!(reply.value("new_password"), "");
    }

    #[test]
    fn stored_values_never_pass_for_a_post() {
        let stored = || HashMap::from([("type_medical".to_owned(), "on".to_owned())]);
        // A fresh page, filled twice (as a Suspense that runs its body again would).
        let once = FormReply::default().or_stored(stored);
        let twice = once.clone().or_stored(stored);
        assert!(!twice.is_posted());
        assert_eq!(twice.value("type_medical"), "on");
        // A refused post keeps what was typed, even where a box was left unchecked.
        let typed = HashMap::from([("region_1".to_owned(), "220122".to_owned())]);
        let posted = FormReply::keeping(&typed).or_stored(stored);
        assert!(posted.is_posted());
        assert_eq!(posted.value("type_medical"), "");
    }
}
