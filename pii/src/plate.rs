//! Motor-vehicle plates as GA 36 writes them: a province's one-character abbreviation,
//! the issuing office's letter, then five letters and digits ("吉A·12345", "京N DF888"),
//! or six for new-energy vehicles ("吉AD12345" small, "吉A12345F" large). A trailing
//! 学, 警, 挂 or 领 is part of the plate.
//!
//! Letters are compared in either case and the separator after the office letter may be
//! a middle dot, a space or a dash. The serial letters I and O do not exist on plates
//! (they read as 1 and 0), and a serial holds at least two digits, so that English
//! written after a place name ("新A-level") is not a plate.

use crate::finding::{Kind, Raw, Severity};

/// The provinces' abbreviations that begin a plate.
fn is_province(c: char) -> bool {
    matches!(
        c,
        '京' | '津'
            | '沪'
            | '渝'
            | '冀'
            | '豫'
            | '云'
            | '辽'
            | '黑'
            | '湘'
            | '皖'
            | '鲁'
            | '新'
            | '苏'
            | '浙'
            | '赣'
            | '鄂'
            | '桂'
            | '甘'
            | '晋'
            | '蒙'
            | '陕'
            | '吉'
            | '闽'
            | '贵'
            | '粤'
            | '青'
            | '藏'
            | '川'
            | '宁'
            | '琼'
    )
}
const SUFFIXES: &str = "学警挂领";

/// The plate whose office letter is at `i` (the scan in `lib.rs` calls this at Latin
/// letters only, rare in Chinese text), reported if there is one.
pub(crate) fn at(c: &[char], i: usize, out: &mut Vec<Raw>) {
    if i == 0 || !is_province(c[i - 1]) {
        return;
    }
    if let Some(end) = plate_at(c, i - 1) {
        out.push(Raw::new(Kind::VehiclePlate, Severity::Blocking, i - 1, end));
    }
}

fn upper(c: char) -> char {
    c.to_ascii_uppercase()
}

/// The end of the plate whose province character is at `i`.
fn plate_at(c: &[char], i: usize) -> Option<usize> {
    let office = upper(*c.get(i + 1)?);
    if !office.is_ascii_uppercase() {
        return None;
    }
    let mut k = i + 2;
    if c.get(k).is_some_and(|&s| matches!(s, '·' | ' ' | '-')) {
        k += 1;
    }
    let start = k;
    while k < c.len() && k - start < 6 && is_serial(upper(c[k])) {
        k += 1;
    }
    // The serial must end here: a seventh letter or digit makes it something else.
    if c.get(k).is_some_and(|ch| ch.is_ascii_alphanumeric()) {
        return None;
    }
    let serial: Vec<char> = c[start..k].iter().map(|&ch| upper(ch)).collect();
    let valid = match serial.len() {
        5 => serial.iter().filter(|ch| ch.is_ascii_digit()).count() >= 2,
        6 => new_energy(&serial),
        _ => false,
    };
    if !valid {
        return None;
    }
    Some(if c.get(k).is_some_and(|&s| SUFFIXES.contains(s)) {
        k + 1
    } else {
        k
    })
}

fn is_serial(c: char) -> bool {
    c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'I' && c != 'O')
}

/// Six characters: D or F then a letter or digit and four digits (small vehicles), or
/// five digits then D or F (large vehicles).
fn new_energy(s: &[char]) -> bool {
    let energy = |ch: char| matches!(ch, 'D' | 'F');
    let small = energy(s[0])
        && (s[1].is_ascii_digit() || s[1].is_ascii_uppercase())
        && s[2..].iter().all(char::is_ascii_digit);
    let large = s[..5].iter().all(char::is_ascii_digit) && energy(s[5]);
    small || large
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::fold_all;

    fn found(text: &str) -> Vec<String> {
        let original: Vec<char> = text.chars().collect();
        let folded = fold_all(text);
        let mut out = Vec::new();
        for i in 0..folded.len() {
            if folded[i].is_ascii_alphabetic() {
                at(&folded, i, &mut out);
            }
        }
        out.iter()
            .map(|r| original[r.start..r.end].iter().collect())
            .collect()
    }

    #[test]
    fn plates() {
        assert_eq!(found("车牌吉A·12345"), ["吉A·12345"]);
        assert_eq!(found("开着京N DF888的车"), ["京N DF888"]);
        assert_eq!(found("粤B12345学"), ["粤B12345学"]);
        assert_eq!(found("吉a3b5c7"), ["吉a3b5c7"]);
        assert_eq!(found("吉ＡＸ１２３４"), ["吉ＡＸ１２３４"]);
        assert_eq!(found("吉ＡＸ１２３４５"), Vec::<String>::new());
    }

    #[test]
    fn new_energy_plates() {
        assert_eq!(found("新能源车吉AD12345"), ["吉AD12345"]);
        assert_eq!(found("吉AF1234"), ["吉AF1234"]);
        assert_eq!(found("吉A12345F"), ["吉A12345F"]);
        assert_eq!(found("沪AD·A1234"), Vec::<String>::new());
        assert_eq!(found("沪A·DA1234"), ["沪A·DA1234"]);
    }

    #[test]
    fn not_plates() {
        for text in [
            "新A-level",
            "吉A12",
            "吉A1234567",
            "京ABCDE",
            "川A级景区",
            "吉林省长春市",
            "云ABOUT1",
            "吉A12I45",
        ] {
            assert_eq!(found(text), Vec::<String>::new(), "{text}");
        }
    }
}
