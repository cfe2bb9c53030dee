//! Public codes of needs, e.g. `JL-2024-000123`: the province's abbreviation, the year the
//! need was created, and a sequence number per province and year.

/// The Latin abbreviation of a province, from the first two digits of its GB/T 2260 code.
pub fn province_abbreviation(prefix: &str) -> &'static str {
    match prefix {
        "11" => "BJ",
        "12" => "TJ",
        "13" => "HE",
        "14" => "SX",
        "15" => "NM",
        "21" => "LN",
        "22" => "JL",
        "23" => "HL",
        "31" => "SH",
        "32" => "JS",
        "33" => "ZJ",
        "34" => "AH",
        "35" => "FJ",
        "36" => "JX",
        "37" => "SD",
        "41" => "HA",
        "42" => "HB",
        "43" => "HN",
        "44" => "GD",
        "45" => "GX",
        "46" => "HI",
        "50" => "CQ",
        "51" => "SC",
        "52" => "GZ",
        "53" => "YN",
        "54" => "XZ",
        "61" => "SN",
        "62" => "GS",
        "63" => "QH",
        "64" => "NX",
        "65" => "XJ",
        "71" => "TW",
        "81" => "HK",
        "82" => "MO",
        _ => "CN",
    }
}

/// The counter key for a province and year, e.g. `JL-2024`.
pub fn prefix(province_prefix: &str, year: i32) -> String {
    format!("{}-{year}", province_abbreviation(province_prefix))
}

/// The full code for the `n`th need of a prefix.
pub fn format(prefix: &str, n: i64) -> String {
    format!("{prefix}-{n:06}")
}

/// Whether a text has the shape of a public code (for routing and lookups).
pub fn looks_valid(code: &str) -> bool {
    let parts: Vec<_> = code.split('-').collect();
    matches!(parts.as_slice(), [p, y, n]
        if p.len() == 2 && p.bytes().all(|b| b.is_ascii_uppercase())
        && y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit())
        && n.len() >= 6 && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_recognizes_codes() {
        let p = prefix("22", 2024);
        assert_eq!(format(&p, 123), "JL-2024-000123");
        assert!(looks_valid("JL-2024-000123"));
        assert!(!looks_valid("jl-2024-000123"));
        assert!(!looks_valid("JL-24-000123"));
        assert!(!looks_valid("JL-2024-12"));
        assert!(!looks_valid("../etc/passwd"));
    }
}
