//! Realistic sentences of needs with amounts, dates, percentages, areas, counts and
//! document numbers, but no personal data: none may block.

const CORPUS: &str = include_str!("clean_corpus.txt");

#[test]
fn corpus_is_large_enough() {
    assert!(CORPUS.lines().filter(|l| !l.trim().is_empty()).count() >= 30);
}

#[test]
fn clean_sentences_do_not_block() {
    let names = vec!["张三".to_owned(), "李小红".to_owned()];
    let guard = pii::Guard::new(&names);
    let mut failures = Vec::new();
    for line in CORPUS.lines().filter(|l| !l.trim().is_empty()) {
        let findings = guard.scan(line);
        if pii::blocks(&findings) {
            failures.push(format!("{line}\n    {findings:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "blocking findings:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_whole_corpus_as_one_text_does_not_block() {
    let findings = pii::scan(CORPUS, &[]);
    let blocking: Vec<_> = findings.iter().filter(|f| f.is_blocking()).collect();
    assert!(blocking.is_empty(), "{blocking:?}");
}

#[test]
fn labelled_document_and_project_numbers_raise_no_warning() {
    for text in [
        "项目编号：JL2026123456，资金由区慈善会统一管理。",
        "备案号202600001234的专项基金已于3月启动。",
        "文号2026000123的通知要求按月公示。",
        "项目编号 2026123456789",
    ] {
        assert_eq!(pii::scan(text, &[]), [], "{text}");
    }
}
