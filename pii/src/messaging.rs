//! QQ numbers and WeChat ids, found next to the labels people write them with:
//! "QQ：123456789", "qq号 12345678", "微信号zhang_san88", "加微信 13800138000", "vx：abc123".
//!
//! Without a label a QQ number is just digits (a long run still warns, see `digits`), and
//! a WeChat id is just a word, so the label is what makes them contact details. A label
//! with nothing id-like after it ("通过微信群捐款", "微信支付200元", "QQ群") is not a
//! finding.

use crate::finding::{Kind, Raw, Severity};

/// What kind of id follows a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    Qq,
    WeChat,
}

/// Labels, lower-cased (the text is compared case-insensitively for ASCII letters).
/// Longer labels first, so that "微信号" wins over "微信".
const LABELS: [(&str, Service); 17] = [
    ("qq号码", Service::Qq),
    ("qq账号", Service::Qq),
    ("qq号", Service::Qq),
    ("扣扣号", Service::Qq),
    ("扣扣", Service::Qq),
    ("qq", Service::Qq),
    ("微信号码", Service::WeChat),
    ("微信账号", Service::WeChat),
    ("微信号", Service::WeChat),
    ("微信", Service::WeChat),
    ("威信", Service::WeChat),
    ("薇信", Service::WeChat),
    ("v信", Service::WeChat),
    ("wechat", Service::WeChat),
    ("weixin", Service::WeChat),
    ("vx", Service::WeChat),
    ("wx", Service::WeChat),
];

/// Between a label and its id: at most this many characters of punctuation or linking
/// words ("微信号是：", "QQ: ").
const MAX_GAP: usize = 3;

/// Characters that may stand between a label and its id.
fn is_gap(c: char) -> bool {
    matches!(
        c,
        ' ' | ':' | '：' | '是' | '为' | '-' | '=' | '#' | '(' | ')' | '（' | '）'
    )
}

/// Whether a label may start with `c`: the scan in `lib.rs` calls `at` only there.
pub(crate) fn may_start(c: char) -> bool {
    matches!(
        c,
        'q' | 'Q' | 'v' | 'V' | 'w' | 'W' | '微' | '威' | '薇' | '扣'
    )
}

/// A labelled QQ number or WeChat id starting at `i`: reports it and returns the index
/// just after it.
pub(crate) fn at(c: &[char], i: usize, out: &mut Vec<Raw>) -> Option<usize> {
    let (service, end) = label_at(c, i)?;
    let (_, stop) = id_after(c, end, service)?;
    out.push(Raw::new(Kind::MessagingId, Severity::Blocking, i, stop));
    Some(stop)
}

fn lower(c: char) -> char {
    c.to_ascii_lowercase()
}

/// The label starting at `i`, and the index just after it. An ASCII label must not be
/// the tail of a longer word ("box", "awx").
fn label_at(c: &[char], i: usize) -> Option<(Service, usize)> {
    let first = lower(c[i]);
    if !matches!(first, 'q' | 'v' | 'w' | '微' | '威' | '薇' | '扣') {
        return None;
    }
    if first.is_ascii() && i > 0 && c[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    LABELS.iter().find_map(|&(label, service)| {
        let mut k = i;
        for ch in label.chars() {
            if c.get(k).map(|&x| lower(x)) != Some(ch) {
                return None;
            }
            k += 1;
        }
        Some((service, k))
    })
}

/// The id after a label ending at `from`: its span, if there is one.
fn id_after(c: &[char], from: usize, service: Service) -> Option<(usize, usize)> {
    let mut start = from;
    while start < c.len() && start - from < MAX_GAP && is_gap(c[start]) {
        start += 1;
    }
    let first = *c.get(start)?;
    // Right after an ASCII label, an id glued to it ("wxabc") is part of a word.
    let ascii_label = c[from - 1].is_ascii_alphabetic();
    if start == from && ascii_label && first.is_ascii_alphabetic() {
        return None;
    }
    match service {
        Service::Qq => {
            let end = digits_end(c, start);
            let n = count_digits(&c[start..end]);
            (c[start] != '0' && (5..=11).contains(&n) && !glued(c, end)).then_some((start, end))
        }
        Service::WeChat => {
            if first.is_ascii_digit() {
                // A phone number or a QQ number used as the WeChat id.
                let end = digits_end(c, start);
                let n = count_digits(&c[start..end]);
                return ((6..=20).contains(&n) && !glued(c, end)).then_some((start, end));
            }
            if !first.is_ascii_alphabetic() {
                return None;
            }
            let mut end = start;
            while end < c.len()
                && end - start < 20
                && (c[end].is_ascii_alphanumeric() || matches!(c[end], '_' | '-'))
            {
                end += 1;
            }
            let id = &c[start..end];
            // WeChat ids: 6 to 20 letters, digits, '_' or '-', starting with a letter.
            // An English word after the label ("WeChat group") is not one: an id holds a
            // digit or an underscore, or is written right after a Chinese label.
            let marked = id.iter().any(|ch| ch.is_ascii_digit() || *ch == '_');
            let ok = (6..=20).contains(&id.len())
                && !glued(c, end)
                && (marked || (!ascii_label && start > from));
            ok.then_some((start, end))
        }
    }
}

/// End of a digit run that may be grouped by single spaces or dashes.
fn digits_end(c: &[char], start: usize) -> usize {
    let mut end = start;
    while end < c.len() {
        if c[end].is_ascii_digit() {
            end += 1;
        } else if matches!(c[end], ' ' | '-')
            && end > start
            && c.get(end + 1).is_some_and(char::is_ascii_digit)
        {
            end += 1;
        } else {
            break;
        }
    }
    end
}

fn count_digits(s: &[char]) -> usize {
    s.iter().filter(|ch| ch.is_ascii_digit()).count()
}

/// Whether the run ending at `end` goes on as a word or an amount ("微信转账 50000元"
/// is not reached, but "QQ 12345元" could be).
fn glued(c: &[char], end: usize) -> bool {
    c.get(end)
        .is_some_and(|&ch| ch.is_ascii_alphanumeric() || "元万块%".contains(ch))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::fold_all;

    fn found(text: &str) -> Vec<String> {
        let original: Vec<char> = text.chars().collect();
        let folded = fold_all(text);
        let mut out = Vec::new();
        let mut i = 0;
        while i < folded.len() {
            i = match at(&folded, i, &mut out) {
                Some(next) => next,
                None => i + 1,
            };
        }
        out.iter()
            .map(|r| {
                assert_eq!(r.severity, Severity::Blocking);
                original[r.start..r.end].iter().collect()
            })
            .collect()
    }

    #[test]
    fn labelled_qq_numbers() {
        assert_eq!(found("QQ：123456789"), ["QQ：123456789"]);
        assert_eq!(found("联系qq号 12345678。"), ["qq号 12345678"]);
        assert_eq!(
            found("ＱＱ号码是 1234 5678 90"),
            ["ＱＱ号码是 1234 5678 90"]
        );
        assert_eq!(found("扣扣87654321"), ["扣扣87654321"]);
        assert_eq!(found("qq:10001"), ["qq:10001"]);
    }

    #[test]
    fn labelled_wechat_ids() {
        assert_eq!(found("微信号zhang_san88"), ["微信号zhang_san88"]);
        assert_eq!(found("加微信：13800138000"), ["微信：13800138000"]);
        assert_eq!(found("vx：abc12345，备注"), ["vx：abc12345"]);
        assert_eq!(found("VX abc_def"), ["VX abc_def"]);
        assert_eq!(found("wx: mom-help-2025"), ["wx: mom-help-2025"]);
        assert_eq!(found("微信 zhangsan"), ["微信 zhangsan"]);
        assert_eq!(found("WeChat: lixiaohong_1"), ["WeChat: lixiaohong_1"]);
        assert_eq!(found("威信xiaohong99"), ["威信xiaohong99"]);
    }

    #[test]
    fn labels_without_an_id() {
        for text in [
            "通过微信群捐款",
            "微信支付200元",
            "微信转账",
            "QQ群",
            "QQ 2000元",
            "qq12",
            "box 123456",
            "awx123456",
            "wxyz123",
            "WeChat group members",
            "微信公众号",
            "用微信扫码",
            "QQ 0123456",
        ] {
            assert_eq!(found(text), Vec::<String>::new(), "{text}");
        }
    }
}
