//! Character folding, one character for one character, so that offsets in the folded
//! text are offsets in the original.

/// Folds one character to the form the scanners look at:
/// full-width ASCII to ASCII, exotic digits to ASCII digits, every kind of space and
/// zero-width character to `' '`, dash variants to `'-'`, middle dots to `'·'`, and a
/// few traditional characters used in addresses to their simplified form.
pub(crate) fn fold(c: char) -> char {
    match c {
        // Full-width forms of ASCII ！..～ (０-９, Ａ-Ｚ, ＠, －, ．, （, ）, ，, ＋ ...).
        '\u{FF01}'..='\u{FF5E}' => shift_down(c, 0xFEE0),
        // Mathematical bold, double-struck, sans-serif and monospace digits.
        '\u{1D7CE}'..='\u{1D7FF}' => {
            let d = (c as u32 - 0x1D7CE) % 10;
            char::from_digit(d, 10).unwrap_or(c)
        }
        '\t'
        | '\u{00A0}'
        | '\u{00AD}'
        | '\u{2000}'..='\u{200D}'
        | '\u{2060}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}'
        | '\u{FEFF}' => ' ',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF70}' => '-',
        '\u{2024}' | '\u{FE52}' | '\u{FF61}' => '.',
        '\u{00B7}' | '\u{2022}' | '\u{2027}' | '\u{2219}' | '\u{30FB}' | '\u{FF65}' => '·',
        '\u{FE50}' | '\u{FF64}' => '、',
        '號' => '号',
        '樓' => '楼',
        '棟' => '栋',
        '單' => '单',
        '戶' => '户',
        '層' => '层',
        '組' => '组',
        '隊' => '队',
        '衚' => '胡',
        '衕' => '同',
        '莊' => '庄',
        _ => c,
    }
}

fn shift_down(c: char, by: u32) -> char {
    char::from_u32(c as u32 - by).unwrap_or(c)
}

/// Folds a whole text into a vector of characters, index for index.
pub(crate) fn fold_all(text: &str) -> Vec<char> {
    text.chars().map(fold).collect()
}

/// CJK unified ideographs (basic block and extension A).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_and_keeps_length() {
        let folded: String = fold_all("１３８－００１３　８０００＠ＱＱ．ｃｏｍ")
            .into_iter()
            .collect();
        assert_eq!(folded, "138-0013 8000@QQ.com");
        assert_eq!(fold_all("人民大街１２３４號").len(), 9);
    }

    #[test]
    fn folds_dashes_dots_and_spaces() {
        let folded: String = fold_all("1–2—3‐4·5•6\u{200B}7\u{00A0}8")
            .into_iter()
            .collect();
        assert_eq!(folded, "1-2-3-4·5·6 7 8");
        assert_eq!(fold('\u{1D7CF}'), '1');
        assert_eq!(fold('\u{1D7F6}'), '0');
    }
}
