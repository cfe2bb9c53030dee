//! The CSV import on arbitrary bytes: decoding (UTF-8, BOM, GB18030), the header and
//! the rows, and the validation of every row never panic, and every row number is
//! past the header.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = app::needs::import::decode(data) else {
        return;
    };
    let Ok(rows) = app::needs::import::parse(&text) else {
        return;
    };
    assert!(rows.len() <= app::needs::import::MAX_ROWS);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("a date");
    for row in rows {
        assert!(row.number >= 2);
        if let Ok(draft) = app::needs::draft::NeedDraft::parse(&row.input, |c| c.starts_with("22"), today) {
            // A valid row reads back to an input that is valid again.
            let again = app::needs::draft::NeedDraft::parse(&draft.to_input(), |c| c.starts_with("22"), today);
            assert_eq!(again.as_ref(), Ok(&draft));
        }
    }
});
