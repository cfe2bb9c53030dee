//! Property tests: valid ID numbers, bank cards, mobile and landline numbers, disguised
//! (full-width digits, single separators between digits, country code) and embedded in
//! random Chinese text, are always found with the right kind and the exact span.
//!
//! Span convention: the span covers the number as written, from its first to its last
//! digit (or `X`), separators inside included; a `+86` / `86` / `0086` country code is
//! part of a phone number's span, and so is the `(` of a landline's `(0431)`.

use pii::{Finding, Kind, Severity};
use proptest::prelude::*;

/// Common characters of need texts, and punctuation; no digits, no Latin letters.
const FILLER: &str = "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得\
                      里后自以会家可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第\
                      样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长儿回位分\
                      爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感病困难救助孩\
                      母父医院治疗费用学校生活低保户村镇县市省组楼号路街，。、；：！？“”（）《》 ";

/// Separators that may stand between two digits, one at a time.
const SEPARATORS: [char; 8] = [' ', '-', '.', '－', '—', '·', '\u{3000}', '．'];

fn filler() -> impl Strategy<Value = String> {
    let chars: Vec<char> = FILLER.chars().collect();
    proptest::collection::vec(proptest::sample::select(chars), 0..40)
        .prop_map(|v| v.into_iter().collect())
}

/// How to write each digit: full-width or not, and whether a separator follows it.
fn disguise() -> impl Strategy<Value = Vec<(bool, Option<char>)>> {
    let sep = prop_oneof![
        3 => Just(None),
        1 => proptest::sample::select(SEPARATORS.to_vec()).prop_map(Some),
    ];
    proptest::collection::vec((any::<bool>(), sep), 24)
}

/// Writes `digits` (ASCII digits, possibly a final X) in disguise.
fn write(digits: &str, how: &[(bool, Option<char>)]) -> String {
    let count = digits.chars().count();
    let mut out = String::new();
    for (i, (c, &(wide, sep))) in digits.chars().zip(how).enumerate() {
        out.push(if wide { full_width(c) } else { c });
        if i + 1 < count {
            if let Some(s) = sep {
                out.push(s);
            }
        }
    }
    out
}

fn full_width(c: char) -> char {
    char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
}

/// Splits a disguised number into its digit chunks (folded to ASCII) and the separator
/// before each chunk.
fn chunks(written: &str) -> Vec<(String, Option<char>)> {
    let mut out: Vec<(String, Option<char>)> = vec![(String::new(), None)];
    for c in written.chars() {
        let folded = match c {
            '０'..='９' | 'Ｘ' | '－' | '．' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '—' => '-',
            _ => c,
        };
        if folded.is_ascii_digit() || folded == 'X' || folded == 'x' {
            if let Some(last) = out.last_mut() {
                last.0.push(folded);
            }
        } else {
            out.push((String::new(), Some(folded)));
        }
    }
    out
}

fn is_real_date(y: u32, m: u32, d: u32) -> bool {
    (1900..=2100).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in(y, m)
}

/// Whether chunk `k` starts a date as the guard sees one (2024-5-1, 1995.10, 20240501):
/// a number written like that is read as a date, the guard's documented choice.
fn date_at(ch: &[(String, Option<char>)], k: usize) -> bool {
    let n = |s: &str| s.parse::<u32>().unwrap_or(0);
    let (first, _) = &ch[k];
    if first.len() == 8 && first.bytes().all(|b| b.is_ascii_digit()) {
        return is_real_date(n(&first[..4]), n(&first[4..6]), n(&first[6..]));
    }
    if first.len() != 4 || !(1900..=2100).contains(&n(first)) {
        return false;
    }
    match ch.get(k + 1) {
        Some((month, Some('-' | '.' | '/'))) => month.len() <= 2 && (1..=12).contains(&n(month)),
        _ => false,
    }
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn id_number() -> impl Strategy<Value = String> {
    (
        0u32..1_000_000,
        1900u32..=2099,
        1u32..=12,
        1u32..=31,
        0u32..1000,
    )
        .prop_map(|(region, year, month, day, seq)| {
            let day = day.min(days_in(year, month));
            let body = format!("{region:06}{year:04}{month:02}{day:02}{seq:03}");
            let check = pii::id_number::check_digit(&body);
            format!("{body}{check}")
        })
}

fn bank_card() -> impl Strategy<Value = String> {
    (16usize..=19, proptest::collection::vec(0u8..10, 17)).prop_map(|(len, rest)| {
        let mut body = String::from("62");
        body.extend(rest.iter().take(len - 3).map(|d| char::from(b'0' + d)));
        let check = pii::bank_card::luhn_check_digit(&body);
        format!("{body}{check}")
    })
}

fn mobile() -> impl Strategy<Value = String> {
    (3u8..=9, 0u64..1_000_000_000).prop_map(|(second, rest)| format!("1{second}{rest:09}"))
}

fn landline() -> impl Strategy<Value = (String, String)> {
    let area = prop_oneof![
        Just("010".to_owned()),
        (0u8..10).prop_map(|d| format!("02{d}")),
        (3u8..10, 0u8..100).prop_map(|(a, b)| format!("0{a}{b:02}")),
    ];
    (area, 2u8..10, 0u32..10_000_000, any::<bool>()).prop_map(|(area, first, rest, short)| {
        let subscriber = if short && area.len() == 4 {
            format!("{first}{:06}", rest % 1_000_000)
        } else {
            format!("{first}{rest:07}")
        };
        (area, subscriber)
    })
}

/// Puts `number` between two fillers; returns the text and the number's char span.
fn embed(before: &str, number: &str, after: &str) -> (String, usize, usize) {
    let start = before.chars().count();
    let end = start + number.chars().count();
    (format!("{before}{number}{after}"), start, end)
}

fn assert_found(findings: &[Finding], kind: Kind, start: usize, end: usize, text: &str) {
    assert!(
        findings.iter().any(|f| f.kind == kind
            && f.severity == Severity::Blocking
            && f.start == start
            && f.end == end),
        "{kind:?} at {start}..{end} not found in {text:?}: {findings:?}"
    );
}

proptest! {
    // Failures are printed with their minimal case; nothing is written to the tree.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn id_numbers_are_found(
        id in id_number(), how in disguise(), lower in any::<bool>(),
        before in filler(), after in filler(),
    ) {
        let id = if lower { id.replace('X', "x") } else { id };
        let written = write(&id, &how);
        let (text, start, end) = embed(&before, &written, &after);
        assert_found(&pii::scan(&text, &[]), Kind::IdNumber, start, end, &text);
    }

    #[test]
    fn bank_cards_are_found(
        card in bank_card(), how in disguise(), before in filler(), after in filler(),
    ) {
        // A card whose digits also spell a valid ID number may be reported as one.
        prop_assume!(card.as_bytes().windows(18).all(|w| {
            !pii::id_number::is_valid(std::str::from_utf8(w).unwrap_or_default())
        }));
        let written = write(&card, &how);
        let (text, start, end) = embed(&before, &written, &after);
        assert_found(&pii::scan(&text, &[]), Kind::BankCard, start, end, &text);
    }

    #[test]
    fn mobiles_are_found(
        number in mobile(), how in disguise(),
        prefix in prop_oneof![Just(""), Just("+86"), Just("86"), Just("0086"), Just("+86 "), Just("+86-")],
        before in filler(), after in filler(),
    ) {
        let written = format!("{prefix}{}", write(&number, &how));
        prop_assume!(!date_at(&chunks(&written), 0));
        let (text, start, end) = embed(&before, &written, &after);
        assert_found(&pii::scan(&text, &[]), Kind::Mobile, start, end, &text);
    }

    #[test]
    fn landlines_are_found(
        (area, subscriber) in landline(), how in disguise(),
        style in 0usize..4, before in filler(), after in filler(),
    ) {
        let subscriber = write(&subscriber, &how);
        let written = match style {
            0 => format!("{area}-{subscriber}"),
            1 => format!("({area}){subscriber}"),
            2 => format!("{area} {subscriber}"),
            _ => format!("（{area}）{subscriber}"),
        };
        let ch = chunks(&written);
        prop_assume!(!(0..ch.len()).any(|k| date_at(&ch, k)));
        let (text, mut start, end) = embed(&before, &written, &after);
        // An opening parenthesis just before the area code belongs to the number.
        if !written.starts_with(['(', '（']) && before.ends_with(['(', '（']) {
            start -= 1;
        }
        assert_found(&pii::scan(&text, &[]), Kind::Landline, start, end, &text);
    }

    #[test]
    fn labelled_qq_numbers_are_found(
        label in prop_oneof![Just("QQ"), Just("qq号"), Just("ＱＱ："), Just("QQ号码是"), Just("扣扣 ")],
        first in 1u8..10, rest in 4usize..=10, seed in any::<u64>(),
        before in filler(), after in filler(),
    ) {
        let digits: String = std::iter::once(char::from(b'0' + first))
            .chain((0..rest).map(|k| char::from(b'0' + ((seed >> (k * 3)) % 10) as u8)))
            .collect();
        let written = format!("{label}{digits}");
        let (text, start, end) = embed(&before, &written, &after);
        assert_found(&pii::scan(&text, &[]), Kind::MessagingId, start, end, &text);
    }

    #[test]
    fn labelled_wechat_ids_are_found(
        label in prop_oneof![Just("微信"), Just("微信号："), Just("加微信 "), Just("vx:"), Just("WX "), Just("v信")],
        id in "[a-zA-Z][a-zA-Z0-9_-]{4,17}[0-9_]",
        before in filler(), after in filler(),
    ) {
        let label = label.trim_start_matches('加');
        let written = format!("{label}{id}");
        let (text, start, end) = embed(&before, &written, &after);
        assert_found(&pii::scan(&text, &[]), Kind::MessagingId, start, end, &text);
    }

    #[test]
    fn vehicle_plates_are_found(
        province in proptest::sample::select("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼".chars().collect::<Vec<_>>()),
        office in "[A-Z]",
        sep in prop_oneof![Just(""), Just("·"), Just(" ")],
        serial in prop_oneof![
            "[A-HJ-NP-Z0-9]{3}[0-9]{2}",
            "[0-9]{2}[A-HJ-NP-Z0-9]{3}",
            "[DF][A-HJ-NP-Z0-9][0-9]{4}",
            "[0-9]{5}[DF]",
        ],
        full_width_letters in any::<bool>(),
        before in filler(), after in filler(),
    ) {
        let mut written = format!("{province}{office}{sep}{serial}");
        if full_width_letters {
            written = written
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { full_width(c) } else { c })
                .collect();
        }
        let (text, start, mut end) = embed(&before, &written, &after);
        // 学, 警, 挂 and 领 right after the serial belong to the plate.
        if after.starts_with(['学', '警', '挂', '领']) {
            end += 1;
        }
        assert_found(&pii::scan(&text, &[]), Kind::VehiclePlate, start, end, &text);
    }

    #[test]
    fn northeastern_addresses_block(
        community in proptest::sample::select(vec!["安达", "红旗", "东风", "光明", "新华"]),
        committee in 1u32..30, group in 1u32..20, house in 1u32..300,
        di in any::<bool>(), before in filler(), after in filler(),
    ) {
        let di = if di { "第" } else { "" };
        let tail = format!("{di}{committee}委{group}组{house}号");
        let written = format!("{community}社区{tail}");
        let (text, _, end) = embed(&before, &written, &after);
        let tail_start = end - tail.chars().count();
        let findings = pii::scan(&text, &[]);
        prop_assert!(
            findings.iter().any(|f| f.kind == Kind::Address
                && f.severity == Severity::Blocking
                && f.start <= tail_start
                && f.end >= end),
            "{text:?}: {findings:?}"
        );
    }

    #[test]
    fn any_text_is_safe(text in any::<String>(), names in proptest::collection::vec(any::<String>(), 0..5)) {
        check_invariants(&text, &names);
    }

    #[test]
    fn digit_heavy_text_is_safe(
        chars in proptest::collection::vec(proptest::sample::select(
            "0123456789０１２３-. ,、()+@xX号路栋单元室村组第一三年元张三".chars().collect::<Vec<_>>()), 0..200),
    ) {
        let text: String = chars.into_iter().collect();
        check_invariants(&text, &["张三".to_owned()]);
    }

    #[test]
    fn digit_runs_are_safe(text in digit_runs()) {
        check_invariants(&text, &[]);
    }
}

/// Digit runs of any length joined by single separators, with a little text between.
fn digit_runs() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        4 => "[0-9]{1,25}",
        2 => proptest::sample::select(vec![" ", "-", ".", ",", "、", "(", ")", "/", "·"]).prop_map(str::to_owned),
        1 => proptest::sample::select(vec!["X", "+86", "号", "元", "年", "路", "单元", "@a.cn", "第"]).prop_map(str::to_owned),
    ];
    proptest::collection::vec(token, 0..40).prop_map(|t| t.concat())
}

/// Spans lie in the text, cut it to the finding's text, are sorted, and none lies in
/// another.
fn check_invariants(text: &str, names: &[String]) {
    let chars: Vec<char> = text.chars().collect();
    let findings = pii::scan(text, names);
    for f in &findings {
        assert!(f.start < f.end && f.end <= chars.len(), "{f:?}");
        assert_eq!(chars[f.start..f.end].iter().collect::<String>(), f.text);
    }
    for pair in findings.windows(2) {
        assert!(pair[0].start <= pair[1].start);
    }
    for a in &findings {
        for b in &findings {
            let nested = a != b && a.start <= b.start && b.end <= a.end;
            assert!(!nested, "{b:?} inside {a:?}");
        }
    }
}
