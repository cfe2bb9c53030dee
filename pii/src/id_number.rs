//! Resident ID numbers (居民身份证号码).
//!
//! An 18-digit number is `RRRRRR YYYYMMDD SSS C`: region, birth date, sequence and an
//! ISO 7064 MOD 11-2 check character (`0`-`9` or `X`). An old 15-digit number is
//! `RRRRRR YYMMDD SSS` (born in 19YY) and has no check character.

/// Weights of ISO 7064 MOD 11-2 for the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Birth years accepted in 18-digit numbers.
const YEARS: std::ops::RangeInclusive<u32> = 1900..=2100;

/// Province codes (first two digits) of the old 15-digit numbers, which have no check
/// character: without this the rule would fire on too many 15-digit runs.
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// The check character of an 18-digit number from its first 17 digits: `'0'`-`'9'` or
/// `'X'`. Returns `'?'` when `first17` is not exactly 17 ASCII digits.
pub fn check_digit(first17: &str) -> char {
    match ascii_digits(first17) {
        Some(d) if d.len() == 17 => check_char(check_value(&d)),
        _ => '?',
    }
}

/// Whether `digits` is a valid resident ID number: 18 characters (ASCII digits, the last
/// one may be `X` or `x`) with a correct check character and a real birth date in
/// 1900..=2100, or 15 ASCII digits with a known province code and a real birth date.
/// Separators and full-width digits are not accepted here; the scanner handles those.
pub fn is_valid(digits: &str) -> bool {
    let mut values = Vec::with_capacity(18);
    let count = digits.chars().count();
    for (i, c) in digits.chars().enumerate() {
        match c {
            '0'..='9' => values.push(c as u8 - b'0'),
            'X' | 'x' if i + 1 == count => values.push(10),
            _ => return false,
        }
    }
    match values.len() {
        18 => valid18(&values),
        15 => valid15(&values),
        _ => false,
    }
}

/// 18-digit rule on digit values (`10` stands for `X`, allowed in the last place only).
pub(crate) fn valid18(d: &[u8]) -> bool {
    if d.len() != 18 || d[..17].iter().any(|&v| v > 9) || d[17] > 10 {
        return false;
    }
    if check_value(&d[..17]) != d[17] {
        return false;
    }
    let year = number(&d[6..10]);
    YEARS.contains(&year) && is_real_date(year, number(&d[10..12]), number(&d[12..14]))
}

/// 15-digit rule on digit values.
pub(crate) fn valid15(d: &[u8]) -> bool {
    // Without a check character, a run of one repeated digit (111111111111111) would
    // pass: no real number looks like that.
    if d.len() != 15 || d.iter().any(|&v| v > 9) || d.iter().all(|&v| v == d[0]) {
        return false;
    }
    let province = d[0] * 10 + d[1];
    PROVINCES.contains(&province)
        && is_real_date(
            1900 + number(&d[6..8]),
            number(&d[8..10]),
            number(&d[10..12]),
        )
}

/// The check value (0..=10, 10 meaning `X`) of 17 digit values.
pub(crate) fn check_value(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    ((12 - sum % 11) % 11) as u8
}

/// Whether year-month-day is a date of the Gregorian calendar.
pub(crate) fn is_real_date(year: u32, month: u32, day: u32) -> bool {
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// The decimal number spelled by a few digit values (saturating: never overflows).
pub(crate) fn number(d: &[u8]) -> u32 {
    d.iter().fold(0u32, |n, &v| {
        n.saturating_mul(10).saturating_add(u32::from(v))
    })
}

fn check_char(value: u8) -> char {
    if value == 10 {
        'X'
    } else {
        char::from(b'0' + value)
    }
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
    fn known_numbers() {
        // The standard's own example.
        assert_eq!(check_digit("11010519491231002"), 'X');
        assert!(is_valid("11010519491231002X"));
        assert!(is_valid("11010519491231002x"));
        assert_eq!(check_digit("22010219900101123"), '9');
        assert!(is_valid("220102199001011239"));
    }

    #[test]
    fn wrong_check_digit_is_invalid() {
        assert!(!is_valid("220102199001011234"));
        assert!(!is_valid("110105194912310021"));
    }

    #[test]
    fn impossible_birth_date_is_invalid() {
        // 1999-02-30 does not exist; give it a correct check digit anyway.
        let body = "11010519990230002";
        let id = format!("{body}{}", check_digit(body));
        assert!(!is_valid(&id));
        // 2000-02-29 does (leap year), 1900-02-29 does not.
        let leap = "11010520000229002";
        assert!(is_valid(&format!("{leap}{}", check_digit(leap))));
        let not_leap = "11010519000229002";
        assert!(!is_valid(&format!("{not_leap}{}", check_digit(not_leap))));
        // Year out of range.
        let old = "11010518991231002";
        assert!(!is_valid(&format!("{old}{}", check_digit(old))));
    }

    #[test]
    fn fifteen_digit_numbers() {
        assert!(is_valid("220102900101123"));
        assert!(!is_valid("111111111111111"), "one repeated digit");
        assert!(!is_valid("220102901301123"), "month 13");
        assert!(!is_valid("990102900101123"), "no province 99");
        assert!(
            !is_valid("22010290010112X"),
            "no check character in old numbers"
        );
    }

    #[test]
    fn malformed_input_never_panics() {
        for s in [
            "",
            "X",
            "１１０１０５１９４９１２３１００２X",
            "1101051949123100X2",
            "abc",
        ] {
            assert!(!is_valid(s));
        }
        assert_eq!(check_digit("123"), '?');
        assert_eq!(check_digit("1101051949123100a"), '?');
        assert_eq!(check_digit("１１０１０５１９４９１２３１００２"), '?');
    }
}
