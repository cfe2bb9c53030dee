//! Exact addresses: a road or village with a house number ("人民大街1234号",
//! "红旗村12号", "解放路100弄"), a building, unit and room ("3栋2单元501室", "5号楼",
//! "1单元302"), a village group ("红旗村三组", "第五村民小组"). Numbers may be written
//! with Arabic digits (half or full width) or Chinese numerals.
//!
//! The scanner finds *components* after each number, then chains components that touch
//! (or are one space or dash apart) into one finding. Some components only count inside
//! a chain: "15号" alone is a document number ("吉民发〔2026〕15号"), "302室" after
//! "2单元" is a room. A chain with a strong component blocks; one with only weak
//! components ("住在3楼", a lone "3组") warns.

use crate::finding::{Kind, Raw, Severity};
use crate::normalize::is_cjk;

/// House, building and room numbers are short; longer runs are something else.
const MAX_ARABIC: usize = 5;
const MAX_CHINESE: usize = 8;
/// At most this many characters of a road or village name are included on the left.
const MAX_NAME: usize = 5;

/// The numerals `is_chinese_numeral` matches (listed for the test that checks it).
#[cfg(test)]
const CHINESE_NUMERALS: &str = "零〇一二三四五六七八九十百千两";
/// Characters after which a number is a house number: roads, lanes, villages.
const ROAD_HOSTS: &str = "路街道巷弄村屯";
/// Characters that end a road or village name on its left.
const NAME_STOP: &str =
    "住在于到址市区县镇乡省州盟的是为家位处往近从自至和与及了着号楼栋幢层室户元组社队村屯";
/// "2栋房子", "一栋土坯房": a count of houses, not a building number.
const HOUSE_NOUNS: &str = "房楼平瓦别厂宿教办仓土砖木草危旧新住民";
/// "第三单元测试": a unit of a school book.
const STUDY: &str = "测考练试作课复习卷学";
/// "分成3组", "每3组": a count of groups.
const COUNT_WORDS: &str = "分成为每共各个几多这那哪";
/// A bare number after a unit is a room unless one of these follows.
const NOT_ROOM: &str = "元万亿人岁年月日个次%平米天号室户楼层栋幢单组社队";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    /// Counts only inside a chain with a stronger component.
    ChainOnly,
    /// A warning on its own.
    Weak,
    /// An exact address on its own.
    Strong,
}

#[derive(Debug, Clone, Copy)]
struct Component {
    start: usize,
    end: usize,
    strength: Strength,
    /// May be followed by a bare room number ("1单元302").
    open: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numeral {
    Arabic,
    Chinese,
    Letter,
}

#[derive(Debug, Clone, Copy)]
struct Number {
    start: usize,
    end: usize,
    numeral: Numeral,
}

impl Number {
    fn len(&self) -> usize {
        self.end - self.start
    }
}

/// Finds exact addresses in the folded text.
pub(crate) fn scan(c: &[char], out: &mut Vec<Raw>) {
    let mut parts = Vec::new();
    for i in 0..c.len() {
        let Some(number) = number_at(c, i) else {
            continue;
        };
        if let Some(part) = dashed(c, &number).or_else(|| component(c, &number)) {
            parts.push(part);
            if part.open {
                if let Some(room) = bare_room(c, part.end) {
                    parts.push(room);
                }
            }
        }
    }
    chain(c, &mut parts, out);
}

/// Called at every character: a `match` (a few comparisons), not a search of
/// `CHINESE_NUMERALS`.
fn is_chinese_numeral(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '两'
    )
}

/// A separator inside a digit group (see `digits`): a number after one is the tail of a
/// longer number, not a house number.
fn is_digit_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '.' | '·' | '_' | '/' | '(' | ')' | ',' | '、'
    )
}

/// Whether the text at `i` starts with `s`.
fn at(c: &[char], i: usize, s: &str) -> bool {
    s.chars()
        .enumerate()
        .all(|(k, ch)| c.get(i + k) == Some(&ch))
}

fn next_in(c: &[char], i: usize, set: &str) -> bool {
    c.get(i).is_some_and(|&ch| set.contains(ch))
}

/// The number starting at `i`, if one starts there.
fn number_at(c: &[char], i: usize) -> Option<Number> {
    let ch = c[i];
    let prev = i.checked_sub(1).map(|p| c[p]);
    let run = |pred: fn(char) -> bool| {
        let mut end = i;
        while end < c.len() && pred(c[end]) {
            end += 1;
        }
        end
    };
    if ch.is_ascii_digit() {
        if prev.is_some_and(|p| p.is_ascii_digit()) {
            return None;
        }
        let end = run(|d| d.is_ascii_digit());
        let tail = i >= 2 && is_digit_separator(c[i - 1]) && c[i - 2].is_ascii_digit();
        (end - i <= MAX_ARABIC && !tail).then_some(Number {
            start: i,
            end,
            numeral: Numeral::Arabic,
        })
    } else if is_chinese_numeral(ch) {
        if prev.is_some_and(is_chinese_numeral) {
            return None;
        }
        let end = run(is_chinese_numeral);
        (end - i <= MAX_CHINESE).then_some(Number {
            start: i,
            end,
            numeral: Numeral::Chinese,
        })
    } else if ch.is_ascii_uppercase() {
        // "A栋", "B单元".
        let alone = !prev.is_some_and(|p| p.is_ascii_alphanumeric());
        let building = next_in(c, i + 1, "栋幢") || at(c, i + 1, "单元");
        (alone && building).then_some(Number {
            start: i,
            end: i + 1,
            numeral: Numeral::Letter,
        })
    } else {
        None
    }
}

/// The component that the word after `number` makes of it.
fn component(c: &[char], number: &Number) -> Option<Component> {
    let (s, e) = (number.start, number.end);
    let di = s > 0 && c[s - 1] == '第';
    let from = if di { s - 1 } else { s };
    let part = |start: usize, end: usize, strength: Strength, open: bool| {
        Some(Component {
            start,
            end,
            strength,
            open,
        })
    };
    let road = road_host(c, s);
    let road_start = road.map(|h| extend_left(c, h));

    if at(c, e, "号楼") {
        return part(road_start.unwrap_or(from), e + 2, Strength::Strong, true);
    }
    if let Some(end) = house_number_end(c, number) {
        return match road_start {
            Some(start) => part(start, end, Strength::Strong, false),
            None => part(from, end, Strength::ChainOnly, false),
        };
    }
    if at(c, e, "弄") {
        return road_start.and_then(|start| part(start, e + 1, Strength::Strong, false));
    }
    if next_in(c, e, "栋幢") {
        if next_in(c, e + 1, HOUSE_NOUNS) || is_count(c, number) {
            return None;
        }
        let strength = match number.numeral {
            Numeral::Chinese => Strength::Weak,
            Numeral::Arabic | Numeral::Letter => Strength::Strong,
        };
        return part(from, e + 1, strength, true);
    }
    if at(c, e, "单元") {
        if next_in(c, e + 2, STUDY) {
            return None;
        }
        let strength = if di {
            Strength::ChainOnly
        } else if number.numeral == Numeral::Chinese {
            Strength::Weak
        } else {
            Strength::Strong
        };
        return part(from, e + 2, strength, true);
    }
    if number.numeral == Numeral::Letter {
        return None;
    }
    if at(c, e, "室") {
        // "3室1厅" is a flat's layout; "501室" a room.
        if next_in(c, e + 1, "厅一两二三1234") {
            return None;
        }
        let strength = if number.len() >= 3 {
            Strength::Strong
        } else {
            Strength::ChainOnly
        };
        return part(from, e + 1, strength, true);
    }
    if at(c, e, "户") {
        return part(from, e + 1, Strength::ChainOnly, false);
    }
    if at(c, e, "楼") {
        if next_in(c, e + 1, "房梯道顶下上") {
            return None;
        }
        let strength = match number.numeral {
            Numeral::Arabic => Strength::Weak,
            _ => Strength::ChainOnly,
        };
        return part(from, e + 1, strength, true);
    }
    if at(c, e, "层") {
        return part(from, e + 1, Strength::ChainOnly, true);
    }
    if at(c, e, "委") && !next_in(c, e + 1, "员") {
        // The Northeastern way: "…社区第8委7组81号", a residents' committee by number.
        return match community_host(c, from) {
            Some(host) => part(extend_left(c, host), e + 1, Strength::Strong, false),
            None => part(from, e + 1, Strength::Weak, false),
        };
    }
    village_group(c, number, from)
}

/// "红旗村三组", "第五村民小组", or a lone "3组".
fn village_group(c: &[char], number: &Number, from: usize) -> Option<Component> {
    let e = number.end;
    let village = village_host(c, from).map(|v| extend_left(c, v));
    let strong = |end: usize| {
        Some(Component {
            start: village.unwrap_or(from),
            end,
            strength: Strength::Strong,
            open: false,
        })
    };
    for suffix in ["村民小组", "村民组"] {
        if at(c, e, suffix) {
            return strong(e + suffix.chars().count());
        }
    }
    let end = if at(c, e, "小组") {
        e + 2
    } else if next_in(c, e, "组社队") {
        e + 1
    } else {
        return None;
    };
    if village.is_some() {
        return strong(end);
    }
    // Without a village: "组" only, and not a count ("分成3组", "一组照片").
    let counted = from > 0 && COUNT_WORDS.contains(c[from - 1]);
    if c[end - 1] != '组' || counted || is_count(c, number) {
        return None;
    }
    Some(Component {
        start: from,
        end,
        strength: Strength::Weak,
        open: false,
    })
}

/// "一栋", "两组": a single Chinese numeral that counts rather than numbers.
fn is_count(c: &[char], number: &Number) -> bool {
    number.len() == 1 && matches!(c[number.start], '一' | '两')
}

/// End of "88号", "88号院", "88-2号" after the number, if the number is one.
fn house_number_end(c: &[char], number: &Number) -> Option<usize> {
    let mut e = number.end;
    if number.numeral == Numeral::Arabic && c.get(e) == Some(&'-') {
        let mut k = e + 1;
        while k < c.len() && k - e <= 3 && c[k].is_ascii_digit() {
            k += 1;
        }
        if k > e + 1 && c.get(k) == Some(&'号') {
            e = k;
        }
    }
    if at(c, e, "号院") {
        Some(e + 2)
    } else if at(c, e, "号") {
        Some(e + 1)
    } else {
        None
    }
}

/// "3-2-501": building, unit and room written with dashes. Weak alone, strong with
/// "室" after it.
fn dashed(c: &[char], number: &Number) -> Option<Component> {
    if number.numeral != Numeral::Arabic || number.len() > 3 {
        return None;
    }
    let digits = |from: usize| {
        let mut k = from;
        while k < c.len() && c[k].is_ascii_digit() {
            k += 1;
        }
        k - from
    };
    let mut k = number.end;
    for lengths in [1..=2, 3..=4] {
        if c.get(k) != Some(&'-') {
            return None;
        }
        let n = digits(k + 1);
        if !lengths.contains(&n) {
            return None;
        }
        k += 1 + n;
    }
    if c.get(k).is_some_and(|&ch| {
        ch.is_ascii_alphanumeric()
            || is_digit_separator(ch) && c.get(k + 1).is_some_and(char::is_ascii_digit)
    }) {
        return None;
    }
    let (end, strength) = if next_in(c, k, "室户号") {
        (k + 1, Strength::Strong)
    } else {
        (k, Strength::Weak)
    };
    Some(Component {
        start: number.start,
        end,
        strength,
        open: false,
    })
}

/// "1单元302": a room number without "室" right after a unit, building or floor.
fn bare_room(c: &[char], after: usize) -> Option<Component> {
    let mut i = after;
    if c.get(i).is_some_and(|&ch| matches!(ch, ' ' | '-' | '/')) {
        i += 1;
    }
    let mut end = i;
    while end < c.len() && c[end].is_ascii_digit() {
        end += 1;
    }
    let n = end - i;
    if !(2..=MAX_ARABIC).contains(&n) {
        return None;
    }
    let next = c.get(end).copied();
    let blocked = next.is_some_and(|ch| {
        ch.is_ascii_alphanumeric()
            || NOT_ROOM.contains(ch)
            || is_digit_separator(ch) && c.get(end + 1).is_some_and(char::is_ascii_digit)
    });
    (!blocked).then_some(Component {
        start: i,
        end,
        strength: Strength::ChainOnly,
        open: false,
    })
}

/// Start of the road token just before the number at `s` (one space allowed).
fn road_host(c: &[char], s: usize) -> Option<usize> {
    let mut p = s;
    if p > 0 && c[p - 1] == ' ' {
        p -= 1;
    }
    let h = *c.get(p.checked_sub(1)?)?;
    if ROAD_HOSTS.contains(h) {
        Some(p - 1)
    } else if h == '同' && p >= 2 && c[p - 2] == '胡' {
        Some(p - 2)
    } else {
        None
    }
}

/// Index of the host of a group just before `from` (one space allowed): "村", "屯", a
/// numbered committee's "委" ("8委7组"), or "社区".
fn village_host(c: &[char], from: usize) -> Option<usize> {
    let mut p = from;
    if p > 0 && c[p - 1] == ' ' {
        p -= 1;
    }
    let v = p.checked_sub(1)?;
    if matches!(c[v], '村' | '屯') {
        return Some(v);
    }
    if c[v] == '委' && v > 0 && (c[v - 1].is_ascii_digit() || is_chinese_numeral(c[v - 1])) {
        return Some(v);
    }
    community_host(c, from)
}

/// Index of "社区" just before `from` (one space allowed).
fn community_host(c: &[char], from: usize) -> Option<usize> {
    let mut p = from;
    if p > 0 && c[p - 1] == ' ' {
        p -= 1;
    }
    let v = p.checked_sub(2)?;
    at(c, v, "社区").then_some(v)
}

/// Moves left from a road or village token over at most `MAX_NAME` characters of its
/// name.
fn extend_left(c: &[char], host: usize) -> usize {
    let mut start = host;
    while start > 0 && host - start < MAX_NAME {
        let ch = c[start - 1];
        // "红旗街道安达社区": the street office is not part of the community's name.
        let street = ch == '道' && start >= 2 && c[start - 2] == '街';
        if !is_cjk(ch) || NAME_STOP.contains(ch) || street {
            break;
        }
        start -= 1;
    }
    start
}

/// Chains touching components and reports each chain that has a weak or strong one.
fn chain(c: &[char], parts: &mut [Component], out: &mut Vec<Raw>) {
    parts.sort_by_key(|p| (p.start, p.end));
    let mut current: Option<Component> = None;
    for &part in parts.iter() {
        current = match current {
            Some(mut cur) if touches(c, cur.end, part.start) => {
                cur.end = cur.end.max(part.end);
                cur.strength = cur.strength.max(part.strength);
                Some(cur)
            }
            Some(cur) => {
                report(cur, out);
                Some(part)
            }
            None => Some(part),
        };
    }
    if let Some(cur) = current {
        report(cur, out);
    }
}

fn touches(c: &[char], end: usize, start: usize) -> bool {
    start <= end || (start == end + 1 && matches!(c[end], ' ' | '-' | '/' | '·'))
}

fn report(part: Component, out: &mut Vec<Raw>) {
    let severity = match part.strength {
        Strength::Strong => Severity::Blocking,
        Strength::Weak => Severity::Warning,
        Strength::ChainOnly => return,
    };
    out.push(Raw::new(Kind::Address, severity, part.start, part.end));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::fold_all;

    fn found(text: &str) -> Vec<(String, Severity)> {
        let original: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        scan(&fold_all(text), &mut out);
        out.iter()
            .map(|r| (original[r.start..r.end].iter().collect(), r.severity))
            .collect()
    }

    fn blocking(text: &str) -> Vec<String> {
        found(text)
            .into_iter()
            .filter(|(_, s)| *s == Severity::Blocking)
            .map(|(t, _)| t)
            .collect()
    }

    #[test]
    fn road_and_house_number() {
        assert_eq!(blocking("家住人民大街1234号，电话"), ["人民大街1234号"]);
        assert_eq!(blocking("住在解放路88号"), ["解放路88号"]);
        assert_eq!(blocking("长春市解放路８８号"), ["解放路８８号"]);
        assert_eq!(blocking("地址：解放路八十八号"), ["解放路八十八号"]);
        assert_eq!(blocking("地址：解放路 88-2号院"), ["解放路 88-2号院"]);
        assert_eq!(blocking("上海市淮海路100弄5号"), ["淮海路100弄5号"]);
        assert_eq!(blocking("南锣鼓巷胡同12号"), ["南锣鼓巷胡同12号"]);
        assert_eq!(blocking("红旗村12号"), ["红旗村12号"]);
    }

    #[test]
    fn building_unit_room() {
        assert_eq!(blocking("幸福小区3栋2单元501室"), ["3栋2单元501室"]);
        assert_eq!(blocking("5号楼3单元"), ["5号楼3单元"]);
        assert_eq!(blocking("住在2幢"), ["2幢"]);
        assert_eq!(blocking("1单元302，"), ["1单元302"]);
        assert_eq!(blocking("A栋1201室"), ["A栋1201室"]);
        assert_eq!(blocking("３栋２单元５０１室"), ["３栋２单元５０１室"]);
        assert_eq!(blocking("三栋二单元五零一室"), ["三栋二单元五零一室"]);
        assert_eq!(blocking("住3-2-501室"), ["3-2-501室"]);
        assert_eq!(blocking("解放路88号3栋2单元"), ["解放路88号3栋2单元"]);
        assert_eq!(blocking("2单元3户"), ["2单元3户"]);
        assert_eq!(found("3楼302"), [("3楼302".to_owned(), Severity::Warning)]);
        assert_eq!(blocking("3楼302室"), ["3楼302室"]);
    }

    #[test]
    fn village_groups() {
        assert_eq!(blocking("家住红旗村三组"), ["红旗村三组"]);
        assert_eq!(blocking("红旗村3组15号"), ["红旗村3组15号"]);
        assert_eq!(blocking("红旗村第3组"), ["红旗村第3组"]);
        assert_eq!(blocking("住第五村民小组"), ["第五村民小组"]);
        assert_eq!(blocking("向阳乡红旗村五社"), ["红旗村五社"]);
    }

    #[test]
    fn committees_and_groups_the_northeastern_way() {
        assert_eq!(
            blocking("家住红旗街道安达社区第8委7组81号"),
            ["安达社区第8委7组81号"]
        );
        assert_eq!(blocking("安达社区8委7组"), ["安达社区8委7组"]);
        assert_eq!(blocking("住第8委7组81号"), ["第8委7组81号"]);
        assert_eq!(blocking("光明社区3组"), ["光明社区3组"]);
        assert_eq!(found("住在8委"), [("8委".to_owned(), Severity::Warning)]);
        assert_eq!(found("社区有3委员"), []);
    }

    #[test]
    fn weak_signals_only_warn() {
        assert_eq!(found("住在3楼"), [("3楼".to_owned(), Severity::Warning)]);
        assert_eq!(
            found("住在第3组"),
            [("第3组".to_owned(), Severity::Warning)]
        );
        assert_eq!(
            found("住3-2-501"),
            [("3-2-501".to_owned(), Severity::Warning)]
        );
        assert_eq!(found("住在三栋"), [("三栋".to_owned(), Severity::Warning)]);
    }

    #[test]
    fn chinese_numerals_are_the_listed_ones() {
        for c in CHINESE_NUMERALS.chars() {
            assert!(is_chinese_numeral(c), "{c}");
        }
        let listed = CHINESE_NUMERALS.chars().count();
        let matched = ('\u{3000}'..='\u{9FFF}')
            .filter(|&c| is_chinese_numeral(c))
            .count();
        assert_eq!(matched, listed);
    }

    #[test]
    fn not_addresses() {
        for text in [
            "吉民发〔2026〕15号",
            "长政办发[2025]3号",
            "第12号文件",
            "家里有2栋房子",
            "一栋土坯房",
            "一栋出租，一栋自住",
            "两室一厅",
            "3室1厅",
            "分成3组",
            "一组照片",
            "第三单元测试",
            "第3单元",
            "户籍人口3人",
            "2个孩子",
            "3户人家",
            "面积80平方米",
            "2026年3月5日",
            "三层楼房",
            "编号2024-05-01号",
        ] {
            assert_eq!(found(text), [], "{text}");
        }
    }
}
