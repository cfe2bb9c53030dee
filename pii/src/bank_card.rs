//! Bank card numbers: 16 to 19 digits with a Luhn check digit.

/// Whether `digits` (ASCII digits only, at least two) passes the Luhn check.
pub fn luhn_valid(digits: &str) -> bool {
    match ascii_digits(digits) {
        Some(d) if d.len() >= 2 => luhn_ok(&d),
        _ => false,
    }
}

/// The Luhn check digit to append to `body` (ASCII digits, at least one). Returns `'?'`
/// for anything else.
pub fn luhn_check_digit(body: &str) -> char {
    match ascii_digits(body) {
        Some(d) if !d.is_empty() => {
            // With the check digit appended, the last body digit is doubled.
            let sum = luhn_sum(&d, true);
            char::from(b'0' + ((10 - sum % 10) % 10) as u8)
        }
        _ => '?',
    }
}

/// Luhn check on digit values.
pub(crate) fn luhn_ok(d: &[u8]) -> bool {
    luhn_sum(d, false).is_multiple_of(10)
}

/// Whether digit values look like a bank card: 16 to 19 digits, an issuer prefix of a
/// real card network (3 Amex/JCB/Diners, 4 Visa, 5 and 2221-2720 Mastercard, 6 UnionPay
/// and Discover, 9 domestic), not all the same digit, and a valid Luhn check digit.
///
/// The prefix rule keeps dates ("2024.05.01-2025.04.30" is 16 digits), phone numbers
/// followed by other digits and runs of zeros from being taken for cards.
pub(crate) fn is_card(d: &[u8]) -> bool {
    if !(16..=19).contains(&d.len()) || d.iter().any(|&v| v > 9) {
        return false;
    }
    let issuer = match d[0] {
        3..=6 | 9 => true,
        2 => {
            let prefix = d[..4].iter().fold(0u32, |n, &v| n * 10 + u32::from(v));
            (2221..=2720).contains(&prefix)
        }
        _ => false,
    };
    issuer && d.iter().any(|&v| v != d[0]) && luhn_ok(d)
}

/// Sum of the Luhn digits; `double_last` says whether the rightmost digit is doubled.
fn luhn_sum(d: &[u8], double_last: bool) -> u32 {
    d.iter()
        .rev()
        .enumerate()
        .map(|(i, &v)| {
            let v = u32::from(v);
            if (i % 2 == 0) == double_last {
                let twice = v * 2;
                if twice > 9 {
                    twice - 9
                } else {
                    twice
                }
            } else {
                v
            }
        })
        .sum()
}

fn ascii_digits(s: &str) -> Option<Vec<u8>> {
    s.bytes()
        .map(|b| b.is_ascii_digit().then(|| b - b'0'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(s: &str) -> Vec<u8> {
        s.bytes().map(|b| b - b'0').collect()
    }

    #[test]
    fn known_valid_numbers() {
        assert!(luhn_valid("4111111111111111"));
        assert!(luhn_valid("79927398713"));
        assert!(luhn_valid("6222020200112233446"));
        assert!(!luhn_valid("4111111111111112"));
        assert!(!luhn_valid("79927398710"));
    }

    #[test]
    fn check_digit_completes_a_valid_number() {
        assert_eq!(luhn_check_digit("7992739871"), '3');
        assert_eq!(luhn_check_digit("411111111111111"), '1');
        for body in ["622202020011223", "62220202001122334", "622848001234567890"] {
            let full = format!("{body}{}", luhn_check_digit(body));
            assert!(luhn_valid(&full), "{full}");
        }
    }

    #[test]
    fn malformed_input() {
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("0"));
        assert!(!luhn_valid("4111 1111 1111 1111"));
        assert_eq!(luhn_check_digit(""), '?');
        assert_eq!(luhn_check_digit("12a"), '?');
    }

    #[test]
    fn card_shape() {
        assert!(is_card(&values("4111111111111111")));
        assert!(is_card(&values("6222020200112233446")));
        assert!(!is_card(&values("0000000000000000")), "zeros pass Luhn");
        assert!(!is_card(&values("411111111111111")), "15 digits");
        // Two dates joined: Luhn-valid but not a card prefix.
        let dates = values("202405012025043");
        let mut joined = dates.clone();
        joined.push(0);
        let body: String = dates.iter().map(|v| char::from(b'0' + v)).collect();
        let check = luhn_check_digit(&body) as u8 - b'0';
        *joined.last_mut().expect("not empty") = check;
        assert!(luhn_ok(&joined));
        assert!(!is_card(&joined));
    }
}
