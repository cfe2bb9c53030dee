//! Digit runs: resident ID numbers, mobile and landline numbers, bank cards, and long
//! numbers that match none of them.
//!
//! The folded text is cut into *groups*: maximal runs of digits in which two digits may
//! be separated by at most one separator character (space, dash, dot, middle dot,
//! slash, parenthesis; or the weaker comma and enumeration comma). A group is made of
//! *chunks*, the digit runs between separators. Candidates are ranges of whole chunks
//! of at most 19 digits, tried from left to right, the strongest rule first; what is
//! left is searched once more for 18-digit ID numbers glued to other digits, and long
//! leftovers become warnings.

use crate::finding::{Kind, Raw, Severity};
use crate::id_number::{self, number};
use crate::{bank_card, phone};

/// The longest candidate: a 19-digit card.
const MAX_CANDIDATE: usize = 19;
/// The shortest candidate: an 11-digit phone number.
const MIN_CANDIDATE: usize = 11;
/// Leftover runs of at least this many digits are reported as warnings.
const LONG_NUMBER_MIN: usize = 9;
/// Value standing for the check character `X` of an ID number.
const X: u8 = 10;

/// Characters that may follow an amount, a count or a measure: a digit run followed by
/// one of them is a quantity, not an identifier.
const UNITS: &str = "元万亿千百%‰块角分平米人个岁年月日天次件台斤吨亩克号页条张位名户间周";

/// Labels of numbers that belong to documents, projects and organizations, not to a
/// family: a long number right after one ("项目编号 202612345") is not worth a warning.
const DOCUMENT_LABELS: [&str; 9] = [
    "编号",
    "文号",
    "项目号",
    "备案号",
    "登记号",
    "批准号",
    "合同号",
    "批次号",
    "证书号",
];
/// A label that follows one of these is the family's own ("身份证编号", "档案编号"): its
/// number keeps its warning.
const PERSONAL_LABEL_HEADS: [&str; 13] = [
    "身份证",
    "证件",
    "卡",
    "账户",
    "帐户",
    "户口",
    "户籍",
    "档案",
    "案件",
    "社保",
    "医保",
    "学籍",
    "低保",
];

/// Whether the number starting at `i` is written right after a document label: at most
/// four letters of prefix and two characters of punctuation between ("编号：", "文号 ",
/// "项目编号 JL-").
fn labelled(c: &[char], i: usize) -> bool {
    let mut end = i;
    while end > 0 && i - end < 4 && c[end - 1].is_ascii_alphabetic() {
        end -= 1;
    }
    let letters = end;
    while end > 0
        && letters - end < 2
        && matches!(c[end - 1], ' ' | ':' | '：' | '#' | '-' | '为' | '是')
    {
        end -= 1;
    }
    let ends_with = |end: usize, s: &str| {
        let n = s.chars().count();
        end >= n && c[end - n..end].iter().copied().eq(s.chars())
    };
    DOCUMENT_LABELS.iter().any(|label| {
        ends_with(end, label) && {
            let head = end - label.chars().count();
            !PERSONAL_LABEL_HEADS.iter().any(|p| ends_with(head, p))
        }
    })
}

/// How strongly a separator joins two chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Join {
    /// Space, dash, dot, middle dot, slash, parentheses: the usual ways of grouping the
    /// digits of one number.
    Strong,
    /// Commas and the enumeration comma: also used between different numbers, so a
    /// match that needs them is only a warning.
    Weak,
}

fn join(c: char) -> Option<Join> {
    match c {
        ' ' | '-' | '.' | '·' | '_' | '/' | '(' | ')' => Some(Join::Strong),
        ',' | '、' => Some(Join::Weak),
        _ => None,
    }
}

/// The rules tried on a candidate range, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Id18,
    Mobile,
    Landline,
    Card,
    Id15,
}

const RULES: [Rule; 5] = [
    Rule::Id18,
    Rule::Mobile,
    Rule::Landline,
    Rule::Card,
    Rule::Id15,
];

impl Rule {
    fn kind(self) -> Kind {
        match self {
            Rule::Id18 | Rule::Id15 => Kind::IdNumber,
            Rule::Mobile => Kind::Mobile,
            Rule::Landline => Kind::Landline,
            Rule::Card => Kind::BankCard,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Chunk {
    start: usize,
    len: usize,
}

impl Chunk {
    fn end(&self) -> usize {
        self.start + self.len
    }
}

/// A candidate range of whole chunks: digits `a..b`, chunks `first..=last`.
#[derive(Debug, Clone, Copy, Default)]
struct Range {
    a: usize,
    b: usize,
    last: usize,
    amount: bool,
    weak: bool,
}

/// One group of digits, reused from group to group to avoid allocations.
#[derive(Debug, Default)]
struct Group {
    /// Digit values, `X` (10) only in the last place.
    values: Vec<u8>,
    /// Character index of each digit.
    pos: Vec<usize>,
    /// The separator just before each digit, if any.
    sep: Vec<Option<char>>,
    chunks: Vec<Chunk>,
    date: Vec<bool>,
}

/// Finds every digit-based finding in the folded text.
pub(crate) fn scan(c: &[char], out: &mut Vec<Raw>) {
    let mut group = Group::default();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_ascii_digit() {
            i = group.collect(c, i);
            group.analyse(c, out);
        } else {
            i += 1;
        }
    }
}

impl Group {
    /// Reads the group starting at `start` (a digit); returns the index just after it.
    fn collect(&mut self, c: &[char], start: usize) -> usize {
        self.values.clear();
        self.pos.clear();
        self.sep.clear();
        let mut j = start;
        let mut sep = None;
        loop {
            self.push(c[j] as u8 - b'0', j, sep);
            sep = None;
            j += 1;
            let Some(&next) = c.get(j) else {
                return j;
            };
            if next.is_ascii_digit() {
                continue;
            }
            if let Some((x, before)) = check_x(c, j) {
                self.push(X, x, before);
                return x + 1;
            }
            if join(next).is_some() && c.get(j + 1).is_some_and(char::is_ascii_digit) {
                sep = Some(next);
                j += 1;
                continue;
            }
            return j;
        }
    }

    fn push(&mut self, value: u8, pos: usize, sep: Option<char>) {
        self.values.push(value);
        self.pos.push(pos);
        self.sep.push(sep);
    }

    fn analyse(&mut self, c: &[char], out: &mut Vec<Raw>) {
        let n = self.values.len();
        if n < LONG_NUMBER_MIN {
            return;
        }
        self.chunks.clear();
        for k in 0..n {
            if k == 0 || self.sep[k].is_some() {
                self.chunks.push(Chunk { start: k, len: 1 });
            } else if let Some(last) = self.chunks.last_mut() {
                last.len += 1;
            }
        }
        self.mark_dates();

        // Whole chunks, left to right.
        let mut free = 0;
        let mut k = 0;
        while k < self.chunks.len() {
            match self.best_at(k) {
                Some((rule, severity, range)) => {
                    self.leftover(c, free, range.a, out);
                    out.push(self.raw(c, rule.kind(), severity, range.a, range.b));
                    free = range.b;
                    k = range.last + 1;
                }
                None => k += 1,
            }
        }
        self.leftover(c, free, n, out);
    }

    /// The best match among the candidate ranges starting at chunk `first`.
    fn best_at(&self, first: usize) -> Option<(Rule, Severity, Range)> {
        let a = self.chunks[first].start;
        let mut ranges = [Range::default(); MAX_CANDIDATE];
        let mut count = 0;
        let mut weak = false;
        for (last, chunk) in self.chunks.iter().enumerate().skip(first) {
            if chunk.end() - a > MAX_CANDIDATE {
                break;
            }
            if last > first && self.sep_join(chunk.start) == Some(Join::Weak) {
                weak = true;
            }
            if chunk.end() - a >= MIN_CANDIDATE {
                ranges[count] = Range {
                    a,
                    b: chunk.end(),
                    last,
                    amount: self.is_amount(first, last),
                    weak,
                };
                count += 1;
            }
        }
        for rule in RULES {
            for range in ranges[..count].iter().rev() {
                if let Some(severity) = self.check(rule, range) {
                    return Some((rule, severity, *range));
                }
            }
        }
        None
    }

    /// Whether `rule` matches the range, and how seriously.
    fn check(&self, rule: Rule, range: &Range) -> Option<Severity> {
        if range.amount {
            return None;
        }
        let d = &self.values[range.a..range.b];
        // A landline never contains a date: 05.01-2025.04.30 looks like one. A mobile
        // number does not start like one: 1995.10-2001.7 has 11 digits.
        let dated = match rule {
            Rule::Landline => self.date[range.a..range.b].contains(&true),
            Rule::Mobile => self.date[range.a],
            _ => false,
        };
        if dated {
            return None;
        }
        let by_join = if range.weak {
            Severity::Warning
        } else {
            Severity::Blocking
        };
        match rule {
            Rule::Id18 => id_number::valid18(d).then_some(Severity::Blocking),
            Rule::Id15 => id_number::valid15(d).then_some(Severity::Blocking),
            Rule::Mobile => phone::mobile(d).then_some(by_join),
            Rule::Card => bank_card::is_card(d).then_some(by_join),
            Rule::Landline => phone::landline(d).map(|subscriber| {
                // Written as 0431-88886666 or (0431)88886666: the area code stands apart.
                // Glued, the same digits could be an invoice code: only a warning.
                let apart = self.sep_join(range.a + subscriber) == Some(Join::Strong);
                if apart && !range.weak {
                    Severity::Blocking
                } else {
                    Severity::Warning
                }
            }),
        }
    }

    /// What no whole-chunk rule matched, digits `a..b`: 18-digit ID numbers at any
    /// offset, then long runs.
    fn leftover(&self, c: &[char], a: usize, b: usize, out: &mut Vec<Raw>) {
        let mut rest = a;
        let mut w = a;
        while w + 18 <= b {
            if id_number::valid18(&self.values[w..w + 18]) {
                self.long_numbers(c, rest, w, out);
                out.push(self.raw(c, Kind::IdNumber, Severity::Blocking, w, w + 18));
                w += 18;
                rest = w;
            } else {
                w += 1;
            }
        }
        self.long_numbers(c, rest, b, out);
    }

    /// Warnings for runs of `LONG_NUMBER_MIN` digits or more in `a..b`, dates apart.
    fn long_numbers(&self, c: &[char], a: usize, b: usize, out: &mut Vec<Raw>) {
        if b - a < LONG_NUMBER_MIN {
            return;
        }
        let mut k = a;
        while k < b {
            if self.date[k] || self.values[k] == X {
                k += 1;
                continue;
            }
            let start = k;
            let mut comma = false;
            while k < b && !self.date[k] && self.values[k] != X {
                if k > start && matches!(self.sep[k], Some(',')) {
                    comma = true;
                }
                k += 1;
            }
            if k - start >= LONG_NUMBER_MIN
                && !comma
                && !followed_by_unit(c, self.pos[k - 1])
                && !labelled(c, self.pos[start])
            {
                out.push(self.raw(c, Kind::LongNumber, Severity::Warning, start, k));
            }
        }
    }

    fn raw(&self, c: &[char], kind: Kind, severity: Severity, a: usize, b: usize) -> Raw {
        let mut start = self.pos[a];
        if matches!(kind, Kind::Mobile | Kind::Landline) {
            if start > 0 && c[start - 1] == '+' {
                start -= 1;
            }
            if kind == Kind::Landline && start > 0 && c[start - 1] == '(' {
                start -= 1;
            }
        }
        Raw::new(kind, severity, start, self.pos[b - 1] + 1)
    }

    fn sep_join(&self, k: usize) -> Option<Join> {
        self.sep.get(k).copied().flatten().and_then(join)
    }

    /// Whether chunks `first..=last` are written like an amount: 1,234,567 or
    /// 86,300.50.
    fn is_amount(&self, first: usize, last: usize) -> bool {
        if last == first || self.chunks[first].len > 3 {
            return false;
        }
        (first + 1..=last).all(|k| {
            let chunk = self.chunks[k];
            match self.sep[chunk.start] {
                Some(',') => chunk.len == 3,
                Some('.') => k == last && chunk.len <= 2,
                _ => false,
            }
        })
    }

    /// Marks the digits of dates: 2024-05-01, 2024.5, 20240501, and years in a list
    /// (2019、2020、2021). Dates are never reported as long numbers.
    fn mark_dates(&mut self) {
        self.date.clear();
        self.date.resize(self.values.len(), false);
        for k in 0..self.chunks.len() {
            let chunk = self.chunks[k];
            let v = &self.values[chunk.start..chunk.end()];
            if v.contains(&X) {
                continue;
            }
            if chunk.len == 8 && is_date(number(&v[..4]), number(&v[4..6]), number(&v[6..])) {
                self.mark(k..=k);
                continue;
            }
            if chunk.len != 4 || !(1900..=2100).contains(&number(v)) {
                continue;
            }
            let year = number(v);
            let after = |k: usize| self.chunks.get(k).map(|c| (*c, self.sep[c.start]));
            if let Some((month, Some(sep @ ('-' | '.' | '/')))) = after(k + 1) {
                let m = number(&self.values[month.start..month.end()]);
                if month.len <= 2 && (1..=12).contains(&m) {
                    let mut last = k + 1;
                    if let Some((day, Some(s))) = after(k + 2) {
                        let d = number(&self.values[day.start..day.end()]);
                        if s == sep && day.len <= 2 && is_date(year, m, d) {
                            last = k + 2;
                        }
                    }
                    self.mark(k..=last);
                    continue;
                }
            }
            let weak_before = self.sep_join(chunk.start) == Some(Join::Weak);
            let weak_after =
                after(k + 1).is_some_and(|(c, _)| self.sep_join(c.start) == Some(Join::Weak));
            if weak_before || weak_after {
                self.mark(k..=k);
            }
        }
    }

    fn mark(&mut self, chunks: std::ops::RangeInclusive<usize>) {
        for k in chunks {
            let chunk = self.chunks[k];
            self.date[chunk.start..chunk.end()].fill(true);
        }
    }
}

fn is_date(year: u32, month: u32, day: u32) -> bool {
    (1900..=2100).contains(&year) && id_number::is_real_date(year, month, day)
}

/// The check character `X` of an ID number at `j`, directly after a digit or after one
/// strong separator, and not the start of a word. Returns its index and the separator.
fn check_x(c: &[char], j: usize) -> Option<(usize, Option<char>)> {
    let is_x = |i: usize| matches!(c.get(i), Some('X' | 'x'));
    let (at, before) = if is_x(j) {
        (j, None)
    } else if join(c[j]) == Some(Join::Strong) && is_x(j + 1) {
        (j + 1, Some(c[j]))
    } else {
        return None;
    };
    match c.get(at + 1) {
        Some(next) if next.is_ascii_alphanumeric() => None,
        _ => Some((at, before)),
    }
}

/// Whether the digit at `last` is followed (after at most one space) by a unit.
fn followed_by_unit(c: &[char], last: usize) -> bool {
    let mut i = last + 1;
    if c.get(i) == Some(&' ') {
        i += 1;
    }
    c.get(i).is_some_and(|u| UNITS.contains(*u))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::fold_all;

    fn found(text: &str) -> Vec<(Kind, Severity, String)> {
        let c = fold_all(text);
        let original: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        scan(&c, &mut out);
        out.iter()
            .map(|r| {
                (
                    r.kind,
                    r.severity,
                    original[r.start..r.end].iter().collect(),
                )
            })
            .collect()
    }

    fn one(text: &str) -> (Kind, Severity, String) {
        let all = found(text);
        assert_eq!(all.len(), 1, "{text}: {all:?}");
        all.into_iter().next().expect("one finding")
    }

    use Kind::*;
    use Severity::*;

    #[test]
    fn id_numbers() {
        assert_eq!(
            one("身份证号11010519491231002X。"),
            (IdNumber, Blocking, "11010519491231002X".into())
        );
        assert_eq!(
            one("身份证号11010519491231002x"),
            (IdNumber, Blocking, "11010519491231002x".into())
        );
        assert_eq!(
            one("号码220102 19900101 1239"),
            (IdNumber, Blocking, "220102 19900101 1239".into())
        );
        assert_eq!(
            one("号码110105 19491231 002 X"),
            (IdNumber, Blocking, "110105 19491231 002 X".into())
        );
        assert_eq!(
            one("旧证220102900101123"),
            (IdNumber, Blocking, "220102900101123".into())
        );
        // Glued to other digits.
        assert_eq!(
            one("编号99220102199001011239"),
            (IdNumber, Blocking, "220102199001011239".into())
        );
    }

    #[test]
    fn invalid_id_numbers_are_not_ids() {
        for text in ["号码220102199001011234", "号码220102199902301231"] {
            assert!(found(text).iter().all(|f| f.0 != IdNumber), "{text}");
        }
    }

    #[test]
    fn mobiles_in_disguise() {
        for (text, span) in [
            ("电话13800138000。", "13800138000"),
            ("电话１３８００１３８０００。", "１３８００１３８０００"),
            ("电话138 0013 8000。", "138 0013 8000"),
            ("电话138-0013-8000", "138-0013-8000"),
            ("电话138.0013.8000", "138.0013.8000"),
            ("电话138—0013—8000", "138—0013—8000"),
            ("电话+86 138 0013 8000", "+86 138 0013 8000"),
            ("电话+8613800138000", "+8613800138000"),
            ("电话008613800138000", "008613800138000"),
            ("电话(+86)13800138000", "+86)13800138000"),
        ] {
            assert_eq!(one(text), (Mobile, Blocking, span.into()), "{text}");
        }
    }

    #[test]
    fn landlines() {
        for (text, span) in [
            ("电话0431-88886666。", "0431-88886666"),
            ("电话(010)66668888", "(010)66668888"),
            ("电话（0431）88889999", "（0431）88889999"),
            ("电话010 6666 8888", "010 6666 8888"),
            ("电话0431-8888666", "0431-8888666"),
            ("电话+86 431 8888 6666", "+86 431 8888 6666"),
        ] {
            assert_eq!(one(text), (Landline, Blocking, span.into()), "{text}");
        }
        assert_eq!(
            one("代码043188886666"),
            (Landline, Warning, "043188886666".into())
        );
    }

    #[test]
    fn bank_cards() {
        for (text, span) in [
            ("卡号6222020200112233446", "6222020200112233446"),
            ("卡号4111 1111 1111 1111。", "4111 1111 1111 1111"),
            ("卡号6222 0202 0011 2233 446", "6222 0202 0011 2233 446"),
        ] {
            assert_eq!(one(text), (BankCard, Blocking, span.into()), "{text}");
        }
        // Luhn fails: only a long number.
        assert_eq!(one("卡号4111 1111 1111 1112").0, LongNumber);
    }

    #[test]
    fn several_numbers_in_one_group() {
        let all = found("号码220102199001011239 13800138000 0431-88886666");
        let kinds: Vec<Kind> = all.iter().map(|f| f.0).collect();
        assert_eq!(kinds, [IdNumber, Mobile, Landline]);
        assert_eq!(all[1].2, "13800138000");
    }

    #[test]
    fn weak_separators_only_warn() {
        assert_eq!(
            one("1380013，8000"),
            (Mobile, Warning, "1380013，8000".into())
        );
        assert_eq!(
            one("13500、800、500"),
            (Mobile, Warning, "13500、800、500".into())
        );
    }

    #[test]
    fn quantities_and_dates_are_not_flagged() {
        for text in [
            "2026年需资金12000元",
            "医疗费用已花费86,300元",
            "共计1,200.50元",
            "12,000,000元",
            "13,800,138,000元",
            "￥3000",
            "2024-05-01至2025-04-30",
            "2024.05.01-2025.04.30",
            "20240501-20250430",
            "1995.10-2001.7",
            "1998.5-2001.12",
            "2019、2020、2021、2022年",
            "20260305",
            "No.00012345",
            "138****8000",
            "面积45.5平方米",
            "3x4",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
    }

    #[test]
    fn long_chunks_after_a_year_do_not_overflow() {
        for text in ["2000-43000000000000005", "2024.05-99999999999999999999X"] {
            let _ = found(text);
        }
    }

    #[test]
    fn long_numbers_warn() {
        assert_eq!(
            one("QQ 1234567890"),
            (LongNumber, Warning, "1234567890".into())
        );
        assert_eq!(found("共1234567890元"), []);
    }

    #[test]
    fn document_and_project_numbers_do_not_warn() {
        for text in [
            "项目编号 2026123456",
            "项目编号：JL2026123456",
            "备案号为202600001234",
            "文号#2026000123",
            "合同号2026123456789",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
        // The family's own numbers keep their warning, and a real ID still blocks.
        assert_eq!(one("档案编号 2026123456").0, LongNumber);
        assert_eq!(one("证件编号 2026123456").0, LongNumber);
        assert_eq!(
            one("编号220102199001011239"),
            (IdNumber, Blocking, "220102199001011239".into())
        );
    }

    #[test]
    fn adversarial_input_is_fast_and_safe() {
        let digits: String = "1234567890".repeat(2_000);
        let alternating: String = "1-".repeat(10_000);
        let xs: String = "1x".repeat(10_000);
        for text in [digits, alternating, xs] {
            let start = std::time::Instant::now();
            let _ = found(&text);
            assert!(start.elapsed().as_secs() < 2);
        }
    }
}
