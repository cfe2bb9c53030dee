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

    /// Whether this reply carries typed values (the page answers a post).
    pub fn has_values(&self) -> bool {
        !self.values.is_empty()
    }

    /// A reply that fills a form with stored values, e.g. an editor opened on a draft.
    pub fn filled(values: HashMap<String, String>) -> Self {
        FormReply {
            values,
            ..Default::default()
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
}
