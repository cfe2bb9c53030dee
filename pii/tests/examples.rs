//! Texts with personal data: each is found with the right kind, severity and span.

use pii::{Finding, Kind, Severity};

fn summary(findings: &[Finding]) -> Vec<(Kind, Severity, &str)> {
    findings
        .iter()
        .map(|f| (f.kind, f.severity, f.text.as_str()))
        .collect()
}

#[test]
fn a_story_with_everything() {
    let names = vec!["王秀英".to_owned(), "刘强".to_owned()];
    let text = "王 秀英，身份证号220102199001011239，家住吉林省长春市朝阳区人民大街1234号\
                3栋2单元501室，手机+86 138-0013-8000，座机(0431)88886666，\
                农行卡6222 0202 0011 2233 446，邮箱liuqiang@163.com，儿子刘强在读书。";
    let findings = pii::scan(text, &names);
    assert_eq!(
        summary(&findings),
        [
            (Kind::HouseholdName, Severity::Blocking, "王 秀英"),
            (Kind::IdNumber, Severity::Blocking, "220102199001011239"),
            (
                Kind::Address,
                Severity::Blocking,
                "人民大街1234号3栋2单元501室"
            ),
            (Kind::Mobile, Severity::Blocking, "+86 138-0013-8000"),
            (Kind::Landline, Severity::Blocking, "(0431)88886666"),
            (
                Kind::BankCard,
                Severity::Blocking,
                "6222 0202 0011 2233 446"
            ),
            (Kind::Email, Severity::Blocking, "liuqiang@163.com"),
            (Kind::HouseholdName, Severity::Blocking, "刘强"),
        ]
    );
    // Offsets are in characters: cutting the text by them gives each finding back.
    let chars: Vec<char> = text.chars().collect();
    for f in &findings {
        assert_eq!(chars[f.start..f.end].iter().collect::<String>(), f.text);
    }
    assert!(pii::blocks(&findings));
}

#[test]
fn full_width_and_spaced_digits() {
    for (text, kind, span) in [
        (
            "电话１３８００１３８０００。",
            Kind::Mobile,
            "１３８００１３８０００",
        ),
        ("电话 138 0013 8000 。", Kind::Mobile, "138 0013 8000"),
        ("电话138-0013-8000", Kind::Mobile, "138-0013-8000"),
        ("电话138.0013.8000", Kind::Mobile, "138.0013.8000"),
        (
            "电话１３８－００１３－８０００",
            Kind::Mobile,
            "１３８－００１３－８０００",
        ),
        ("电话0431-88886666", Kind::Landline, "0431-88886666"),
        ("电话(010)66668888", Kind::Landline, "(010)66668888"),
        (
            "卡号4111 1111 1111 1111",
            Kind::BankCard,
            "4111 1111 1111 1111",
        ),
        (
            "证件１１０１０５１９４９１２３１００２Ｘ",
            Kind::IdNumber,
            "１１０１０５１９４９１２３１００２Ｘ",
        ),
    ] {
        let findings = pii::scan(text, &[]);
        assert_eq!(
            summary(&findings),
            [(kind, Severity::Blocking, span)],
            "{text}"
        );
    }
}

#[test]
fn addresses() {
    for (text, span) in [
        ("家住人民大街1234号，电话", "人民大街1234号"),
        ("现住解放路88号", "解放路88号"),
        ("3栋2单元501室", "3栋2单元501室"),
        ("5号楼3单元", "5号楼3单元"),
        ("住在2幢", "2幢"),
        ("1单元302", "1单元302"),
        ("家住红旗村三组", "红旗村三组"),
        ("住第五村民小组", "第五村民小组"),
        ("红旗村3组", "红旗村3组"),
    ] {
        let findings = pii::scan(text, &[]);
        assert_eq!(
            summary(&findings),
            [(Kind::Address, Severity::Blocking, span)],
            "{text}"
        );
    }
}

#[test]
fn json_shape() {
    let findings = pii::scan("电话13800138000", &[]);
    let json = serde_json::to_value(&findings).expect("serializable");
    assert_eq!(
        json,
        serde_json::json!([{
            "kind": "mobile",
            "severity": "blocking",
            "start": 2,
            "end": 13,
            "text": "13800138000"
        }])
    );
}

#[test]
fn hostile_inputs_are_linear_and_safe() {
    let names: Vec<String> = (0..50).map(|i| format!("名字{i}号")).collect();
    let inputs = [
        "1".repeat(20_000),
        "1-".repeat(10_000),
        "1 ".repeat(10_000),
        "1、".repeat(10_000),
        "1x".repeat(10_000),
        "a@".repeat(10_000),
        "路1号".repeat(6_000),
        "村一组".repeat(6_000),
        "名字".repeat(10_000),
        "名 字 ".repeat(5_000),
        "３".repeat(20_000),
        "\u{FFFF}".repeat(20_000),
    ];
    for text in &inputs {
        let start = std::time::Instant::now();
        let guard = pii::Guard::new(&names);
        let findings = guard.scan(text);
        let chars: Vec<char> = text.chars().collect();
        for f in &findings {
            assert!(f.start < f.end && f.end <= chars.len());
        }
        // Generous: debug builds on a loaded machine. Quadratic would take minutes.
        assert!(start.elapsed().as_secs() < 3, "{}", &text[..20]);
    }
}
