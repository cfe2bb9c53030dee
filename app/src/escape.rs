//! Escaping text for HTML written by hand (e-mails, the embedded views, a textarea's
//! content on the server): `&`, `<`, `>`, `"` and `'` as entities, fit for element
//! content and quoted attribute values alike.

/// `text` with `&`, `<`, `>`, `"` and `'` written as entities.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_becomes_text() {
        assert_eq!(
            super::html("<a href=\"x\">'&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&lt;/a&gt;"
        );
    }
}
