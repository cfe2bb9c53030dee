//! E-mail addresses: `local@domain.tld`, full-width forms included (folded before).

use crate::finding::{Kind, Raw, Severity};

fn is_local(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_domain(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-')
}

/// Finds e-mail addresses around each `@` of the folded text. Every character is looked
/// at by at most two `@`s (the one on its left and the one on its right), so this is
/// linear.
pub(crate) fn scan(c: &[char], out: &mut Vec<Raw>) {
    for (at, _) in c.iter().enumerate().filter(|(_, &ch)| ch == '@') {
        let mut start = at;
        while start > 0 && is_local(c[start - 1]) {
            start -= 1;
        }
        // A local part does not start with a dot.
        while start < at && c[start] == '.' {
            start += 1;
        }
        let mut end = at + 1;
        while end < c.len() && is_domain(c[end]) {
            end += 1;
        }
        // Nor does a domain end with a dot or a dash ("写信到a@b.com." ends a sentence).
        while end > at + 1 && matches!(c[end - 1], '.' | '-') {
            end -= 1;
        }
        if start < at && valid_domain(&c[at + 1..end]) {
            out.push(Raw::new(Kind::Email, Severity::Blocking, start, end));
        }
    }
}

/// At least two labels, none empty, and a top-level domain of two letters or more.
fn valid_domain(d: &[char]) -> bool {
    let mut labels = d.split(|&ch| ch == '.');
    let Some(tld) = labels.next_back() else {
        return false;
    };
    let mut count = 0;
    for label in labels {
        if label.is_empty() {
            return false;
        }
        count += 1;
    }
    count >= 1 && tld.len() >= 2 && tld.iter().all(char::is_ascii_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::fold_all;

    fn spans(text: &str) -> Vec<String> {
        let c = fold_all(text);
        let original: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        scan(&c, &mut out);
        out.iter()
            .map(|r| original[r.start..r.end].iter().collect())
            .collect()
    }

    #[test]
    fn finds_addresses_in_chinese_text() {
        assert_eq!(
            spans("邮箱zhang.san@qq.com，欢迎联系"),
            ["zhang.san@qq.com"]
        );
        assert_eq!(spans("发到12345678@163.com."), ["12345678@163.com"]);
        assert_eq!(
            spans("ｌｉ＿ｓｉ＠ｍａｉｌ．ｃｏｍ"),
            ["ｌｉ＿ｓｉ＠ｍａｉｌ．ｃｏｍ"]
        );
        assert_eq!(spans("a+b@sub.example.org.cn"), ["a+b@sub.example.org.cn"]);
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        for text in [
            "@",
            "微博@张三",
            "a@b",
            "a@b.c",
            "a@.com",
            "a@b..com",
            "@qq.com",
            "x@1.23",
        ] {
            assert_eq!(spans(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn many_at_signs_are_linear() {
        let text = "a@".repeat(10_000) + "b.com";
        assert_eq!(spans(&text).len(), 1);
    }
}
