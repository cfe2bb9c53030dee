//! The two interface languages: Chinese (zh-CN) first, English second.
//!
//! Copy lives next to the component that shows it, as a `(zh, en)` pair picked with
//! [`Lang::pick`]; the language comes from the `lang` cookie, set by `/lang/{code}`.

use serde::{Deserialize, Serialize};

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Name of the cookie holding the reader's choice.
    pub const COOKIE: &'static str = "lang";

    /// The BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The short code used in URLs and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "zh" | "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Reads the language from a `Cookie` header value; Chinese when absent or unknown.
    pub fn from_cookie_header(header: &str) -> Self {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == Self::COOKIE)
            .and_then(|(_, value)| Self::from_code(value.trim()))
            .unwrap_or_default()
    }

    /// The language a request asks for: its `lang` cookie (the switcher's remembered
    /// choice), or on a first visit the first of Chinese or English in its
    /// `Accept-Language`, Chinese when it names neither. Every server part that chooses
    /// by language (the pages, the page cache's key) asks this one function.
    #[cfg(feature = "ssr")]
    pub fn of_request(headers: &axum::http::HeaderMap) -> Self {
        let chosen = headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|h| h.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(name, _)| *name == Self::COOKIE)
            .find_map(|(_, value)| Self::from_code(value.trim()));
        if let Some(lang) = chosen {
            return lang;
        }
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Self::from_accept_language)
            .unwrap_or_default()
    }

    /// The preferred of Chinese and English in an `Accept-Language` value (by weight,
    /// then order); Chinese when it names neither.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (i, part) in header.split(',').enumerate() {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag == "zh" || tag.starts_with("zh-") {
                Lang::Zh
            } else if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else {
                continue;
            };
            if q <= 0.0 {
                continue;
            }
            if best.is_none_or(|(bq, bi, _)| q > bq || (q == bq && i < bi)) {
                best = Some((q, i, lang));
            }
        }
        best.map(|(_, _, l)| l).unwrap_or_default()
    }

    /// Picks the Chinese or the English copy.
    pub fn pick<T>(self, zh: T, en: T) -> T {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The other language, for the switcher.
    pub fn other(self) -> Self {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_visit_follows_accept_language() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8"),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Lang::Zh
        );
        assert_eq!(Lang::from_accept_language("fr-FR, en;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("de, fr"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("zh;q=0.4, en;q=0.6"), Lang::En);
        assert_eq!(Lang::from_accept_language("en;q=0, zh-TW"), Lang::Zh);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
    }

    #[test]
    fn reads_the_lang_cookie_among_others() {
        assert_eq!(Lang::from_cookie_header("a=1; lang=en; b=2"), Lang::En);
        assert_eq!(Lang::from_cookie_header("lang=zh"), Lang::Zh);
        assert_eq!(Lang::from_cookie_header("lang=fr"), Lang::Zh);
        assert_eq!(Lang::from_cookie_header(""), Lang::Zh);
        assert_eq!(Lang::from_cookie_header("xlang=en"), Lang::Zh);
    }
}
