//! A library search as its URL holds it: `/needs?q=医疗&type=medical&region=220122&sort=newest&page=2`.
//! The same parameters serve the page, `GET /api/v1/library` and `/needs.atom`. Unknown or
//! malformed values are ignored (a shared link never fails), except that the API reports
//! them (see `Params::problems`).

use crate::domain::need::{AssistanceType, Coverage, HouseholdCategory, NeedStatus, Urgency};
use serde::{Deserialize, Serialize};

/// Results per page.
pub const PAGE_SIZE: usize = 20;
/// The last page reachable by paging (deeper pages are what filters are for).
pub const MAX_PAGE: usize = 500;

/// The amount ranges (yuan) the library offers: below 1,000, 1,000–5,000, 5,000–10,000,
/// 10,000–50,000, 50,000 and more.
pub const AMOUNT_BOUNDS_YUAN: [u64; 4] = [1_000, 5_000, 10_000, 50_000];

/// The statuses the library shows and filters by.
pub const LIBRARY_STATUSES: [NeedStatus; 5] = [
    NeedStatus::Published,
    NeedStatus::Claimed,
    NeedStatus::Fulfilled,
    NeedStatus::Verified,
    NeedStatus::Expired,
];

/// How results are ordered, as the URL writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    #[default]
    Relevance,
    Newest,
    Deadline,
    LeastFunded,
}

impl SortOrder {
    pub const ALL: [SortOrder; 4] = [
        SortOrder::Relevance,
        SortOrder::Newest,
        SortOrder::Deadline,
        SortOrder::LeastFunded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SortOrder::Relevance => "relevance",
            SortOrder::Newest => "newest",
            SortOrder::Deadline => "deadline",
            SortOrder::LeastFunded => "least_funded",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            SortOrder::Relevance => lang.pick("最相关", "Best match"),
            SortOrder::Newest => lang.pick("最新发布", "Newest"),
            SortOrder::Deadline => lang.pick("截止最近", "Deadline soonest"),
            SortOrder::LeastFunded => lang.pick("筹款最少", "Least funded"),
        }
    }
}

/// One search, as typed into the URL. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    pub q: String,
    pub assistance_type: Option<AssistanceType>,
    pub household_category: Option<HouseholdCategory>,
    pub coverage: Option<Coverage>,
    pub urgency: Option<Urgency>,
    pub status: Option<NeedStatus>,
    /// A region code: a province, city or county.
    pub region: Option<String>,
    /// An amount range: its index in the ranges of `AMOUNT_BOUNDS_YUAN` (0–4).
    pub amount: Option<usize>,
    pub sort: SortOrder,
    /// 1-based.
    pub page: usize,
}

/// The URL parameter names, in the order links write them.
pub const NAMES: [&str; 10] = [
    "q", "type", "category", "coverage", "urgency", "status", "region", "amount", "sort", "page",
];

impl Params {
    /// Reads the parameters from `(name, value)` pairs; what cannot be read is left out
    /// and named in the second value.
    pub fn read<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (Params, Vec<&'static str>) {
        let mut p = Params {
            page: 1,
            ..Params::default()
        };
        let mut bad = Vec::new();
        for (name, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let Some(&known) = NAMES.iter().find(|n| **n == name) else {
                continue;
            };
            let ok = match known {
                "q" => {
                    p.q = value.to_owned();
                    true
                }
                "type" => set(&mut p.assistance_type, AssistanceType::parse(value).ok()),
                "category" => set(
                    &mut p.household_category,
                    HouseholdCategory::parse(value).ok(),
                ),
                "coverage" => set(&mut p.coverage, Coverage::parse(value).ok()),
                "urgency" => set(&mut p.urgency, Urgency::parse(value).ok()),
                "status" => set(
                    &mut p.status,
                    NeedStatus::parse(value)
                        .ok()
                        .filter(|s| LIBRARY_STATUSES.contains(s)),
                ),
                "region" => set(
                    &mut p.region,
                    (value.len() == 6 && value.bytes().all(|b| b.is_ascii_digit()))
                        .then(|| value.to_owned()),
                ),
                "amount" => set(
                    &mut p.amount,
                    value
                        .parse()
                        .ok()
                        .filter(|i| *i <= AMOUNT_BOUNDS_YUAN.len()),
                ),
                "sort" => match SortOrder::parse(value) {
                    Some(s) => {
                        p.sort = s;
                        true
                    }
                    None => false,
                },
                _ => match value.parse::<usize>() {
                    Ok(n) if n >= 1 => {
                        p.page = n.min(MAX_PAGE);
                        true
                    }
                    _ => false,
                },
            };
            if !ok {
                bad.push(known);
            }
        }
        (p, bad)
    }

    /// The parameters as `(name, value)` pairs, defaults left out.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut push = |name: &'static str, value: Option<String>| {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                out.push((name, v));
            }
        };
        push("q", Some(self.q.clone()));
        push("type", self.assistance_type.map(|v| v.code().to_owned()));
        push(
            "category",
            self.household_category.map(|v| v.code().to_owned()),
        );
        push("coverage", self.coverage.map(|v| v.code().to_owned()));
        push("urgency", self.urgency.map(|v| v.code().to_owned()));
        push("status", self.status.map(|v| v.code().to_owned()));
        push("region", self.region.clone());
        push("amount", self.amount.map(|v| v.to_string()));
        push(
            "sort",
            (self.sort != SortOrder::Relevance).then(|| self.sort.code().to_owned()),
        );
        push("page", (self.page > 1).then(|| self.page.to_string()));
        out
    }

    /// `path?query` for these parameters.
    pub fn url(&self, path: &str) -> String {
        let query: Vec<String> = self
            .pairs()
            .into_iter()
            .map(|(n, v)| format!("{n}={}", encode(&v)))
            .collect();
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", query.join("&"))
        }
    }

    /// The same search on another page.
    pub fn on_page(&self, page: usize) -> Params {
        Params {
            page,
            ..self.clone()
        }
    }

    /// The same search with a filter changed (back to page 1).
    pub fn with(&self, change: impl FnOnce(&mut Params)) -> Params {
        let mut p = self.clone();
        change(&mut p);
        p.page = 1;
        p
    }

    /// Whether any filter is set (not counting the text).
    pub fn filtered(&self) -> bool {
        self.assistance_type.is_some()
            || self.household_category.is_some()
            || self.coverage.is_some()
            || self.urgency.is_some()
            || self.status.is_some()
            || self.region.is_some()
            || self.amount.is_some()
    }
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    let ok = value.is_some();
    if ok {
        *slot = value;
    }
    ok
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The amount range `i` in fen: from (inclusive), to (exclusive, `None`: open).
pub fn amount_range(i: usize) -> (u64, Option<u64>) {
    let fen = |yuan: u64| yuan * 100;
    let from = if i == 0 {
        1
    } else {
        fen(AMOUNT_BOUNDS_YUAN[i - 1])
    };
    (from, AMOUNT_BOUNDS_YUAN.get(i).map(|y| fen(*y)))
}

/// The label of amount range `i`.
pub fn amount_label(i: usize, lang: crate::i18n::Lang) -> String {
    let b = AMOUNT_BOUNDS_YUAN;
    let yuan = |y: u64| {
        if y >= 10_000 && y % 10_000 == 0 {
            lang.pick(format!("{} 万元", y / 10_000), format!("¥{}k", y / 1_000))
        } else {
            lang.pick(format!("{y} 元"), format!("¥{y}"))
        }
    };
    match i {
        0 => lang.pick(
            format!("{} 以下", yuan(b[0])),
            format!("under {}", yuan(b[0])),
        ),
        i if i >= b.len() => lang.pick(
            format!("{} 以上", yuan(b[b.len() - 1])),
            format!("{} and more", yuan(b[b.len() - 1])),
        ),
        i => format!("{}–{}", yuan(b[i - 1]), yuan(b[i])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_round_trips() {
        let (p, bad) = Params::read([
            ("q", "医疗 轮椅"),
            ("type", "medical"),
            ("region", "220122"),
            ("amount", "2"),
            ("sort", "deadline"),
            ("page", "3"),
        ]);
        assert!(bad.is_empty());
        assert_eq!(p.assistance_type, Some(AssistanceType::Medical));
        assert_eq!(
            p.url("/needs"),
            "/needs?q=%E5%8C%BB%E7%96%97%20%E8%BD%AE%E6%A4%85&type=medical&region=220122&amount=2&sort=deadline&page=3"
        );
        let again: Vec<(String, String)> = p
            .pairs()
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v))
            .collect();
        let (back, _) = Params::read(again.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        assert_eq!(back, p);
    }

    #[test]
    fn bad_values_are_left_out_and_named() {
        let (p, bad) = Params::read([
            ("type", "nonsense"),
            ("status", "draft"),
            ("region", "22<script>"),
            ("amount", "9"),
            ("page", "0"),
            ("sort", "random"),
            ("unknown", "x"),
        ]);
        assert_eq!(
            p,
            Params {
                page: 1,
                ..Params::default()
            }
        );
        assert_eq!(bad, ["type", "status", "region", "amount", "page", "sort"]);
        let (deep, _) = Params::read([("page", "999999999")]);
        assert_eq!(deep.page, MAX_PAGE);
    }

    #[test]
    fn amount_ranges() {
        assert_eq!(amount_range(0), (1, Some(100_000)));
        assert_eq!(amount_range(2), (500_000, Some(1_000_000)));
        assert_eq!(amount_range(4), (5_000_000, None));
        assert_eq!(amount_label(3, crate::i18n::Lang::Zh), "1 万元–5 万元");
    }
}
