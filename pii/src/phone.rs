//! Chinese phone numbers.
//!
//! Mobile: 11 digits `1[3-9]xxxxxxxxx`, optionally after the country code `86` or `0086`.
//! Landline: a trunk `0`, an area code (`10`, `2x`, or three digits `[3-9]xx`) and a
//! subscriber number of 8 digits (7 or 8 after a four-digit area code) that starts with
//! 2-9; optionally after the country code, which drops the trunk `0`.

/// Whether `digits` (ASCII digits only, no separators) is a mobile number, with or
/// without the `86` / `0086` country code.
pub fn is_mobile(digits: &str) -> bool {
    ascii_digits(digits).is_some_and(|d| mobile(&d))
}

/// Whether `digits` (ASCII digits only, no separators) is a landline number with its
/// area code, with or without the `86` / `0086` country code.
pub fn is_landline(digits: &str) -> bool {
    ascii_digits(digits).is_some_and(|d| landline(&d).is_some())
}

/// Mobile rule on digit values, country code allowed.
pub(crate) fn mobile(d: &[u8]) -> bool {
    mobile11(d) || without_country_code(d).is_some_and(mobile11)
}

/// Landline rule on digit values, country code allowed. Returns the index in `d` where
/// the subscriber number starts (just after the area code).
pub(crate) fn landline(d: &[u8]) -> Option<usize> {
    if d.iter().any(|&v| v > 9) {
        return None;
    }
    if let Some(area) = national_area_len(d) {
        return Some(area);
    }
    let rest = without_country_code(d)?;
    let prefix = d.len() - rest.len();
    if rest.first() == Some(&0) {
        // "+86 0431 ..." keeps the trunk zero.
        return national_area_len(rest).map(|area| prefix + area);
    }
    // "+86 431 ..." drops it: put it back to check the area code.
    let mut national = Vec::with_capacity(rest.len() + 1);
    national.push(0);
    national.extend_from_slice(rest);
    national_area_len(&national).map(|area| prefix + area - 1)
}

/// `d` without a leading `86` or `0086` country code, if it has one.
fn without_country_code(d: &[u8]) -> Option<&[u8]> {
    if let Some(rest) = d.strip_prefix(&[0, 0, 8, 6]) {
        return Some(rest);
    }
    d.strip_prefix(&[8, 6])
}

fn mobile11(d: &[u8]) -> bool {
    d.len() == 11 && d[0] == 1 && (3..=9).contains(&d[1]) && d.iter().all(|&v| v <= 9)
}

/// Length of the area code (with its trunk zero) of a national landline number.
fn national_area_len(s: &[u8]) -> Option<usize> {
    if !(10..=12).contains(&s.len()) || s[0] != 0 || s.iter().any(|&v| v > 9) {
        return None;
    }
    let area = match (s[1], s[2]) {
        (1, 0) | (2, _) => 3,
        (3..=9, _) => 4,
        _ => return None,
    };
    let subscriber = &s[area..];
    let length_ok = match area {
        3 => subscriber.len() == 8,
        _ => (7..=8).contains(&subscriber.len()),
    };
    (length_ok && subscriber[0] >= 2).then_some(area)
}

fn ascii_digits(s: &str) -> Option<Vec<u8>> {
    s.bytes()
        .map(|b| b.is_ascii_digit().then(|| b - b'0'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles() {
        for ok in [
            "13800138000",
            "19912345678",
            "8613800138000",
            "008615912345678",
        ] {
            assert!(is_mobile(ok), "{ok}");
        }
        for bad in [
            "12800138000",
            "1380013800",
            "138001380001",
            "23800138000",
            "8813800138000",
        ] {
            assert!(!is_mobile(bad), "{bad}");
        }
    }

    #[test]
    fn landlines() {
        for ok in [
            "043188886666",
            "04318888666",
            "01066668888",
            "02087654321",
            "864318888666",
            "8643188886666",
            "861066668888",
            "0086043188886666",
        ] {
            assert!(is_landline(ok), "{ok}");
        }
        for bad in [
            "0431888866",    // too short
            "0431088886666", // subscriber starting with 0, too long
            "01166668888",   // no 011 area code
            "0101666688",    // 010 needs 8 digits
            "13800138000",
            "04311888666", // subscriber starting with 1
        ] {
            assert!(!is_landline(bad), "{bad}");
        }
    }

    #[test]
    fn subscriber_offset() {
        let d = |s: &str| -> Vec<u8> { s.bytes().map(|b| b - b'0').collect() };
        assert_eq!(landline(&d("043188886666")), Some(4));
        assert_eq!(landline(&d("01066668888")), Some(3));
        assert_eq!(landline(&d("8643188886666")), Some(5));
        assert_eq!(landline(&d("86043188886666")), Some(6));
    }
}
