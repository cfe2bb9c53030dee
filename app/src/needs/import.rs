//! CSV import of needs: decoding (UTF-8 with or without BOM, or GB18030 as saved by
//! Excel on Chinese Windows), the columns, and turning rows into editor input. What a
//! row means is checked by the same code as the editor ([`super::draft`]) and the PII
//! guard; storing happens all-or-nothing in the office portal's handler.

use super::draft::{ItemInput, NeedInput};
use serde::{Deserialize, Serialize};

/// The largest file accepted.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// The most rows one file may hold.
pub const MAX_ROWS: usize = 500;

/// The columns, in template order: (field name, Chinese header, required).
pub const COLUMNS: &[(&str, &str, bool)] = &[
    ("title", "标题", true),
    ("story", "情况说明", true),
    ("assistance_type", "帮扶类型", true),
    ("household_category", "家庭类别", true),
    ("coverage", "救助情况", true),
    ("assistance_received", "已享受救助", false),
    ("region_code", "县区代码", true),
    ("age_band", "年龄段", true),
    ("household_size", "家庭人口", true),
    ("urgency", "紧急程度", true),
    ("deadline", "截止日期", false),
    ("target_amount", "资金需求", false),
    ("items", "物品", false),
    ("case_reference", "案件编号", true),
    ("household_names", "家庭成员姓名", true),
    ("consent_recorded_on", "授权日期", true),
    ("consent_scope", "授权范围", true),
];

/// Why a whole file was refused before any row was looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FileProblem {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {MAX_BYTES} bytes")]
    TooLarge,
    #[error("the file is neither UTF-8 nor GB18030 text")]
    Encoding,
    #[error("more than {MAX_ROWS} rows")]
    TooManyRows,
    #[error("columns missing: {0:?}")]
    MissingColumns(Vec<String>),
    #[error("unknown columns: {0:?}")]
    UnknownColumns(Vec<String>),
    #[error("a column appears twice: {0}")]
    DuplicateColumn(String),
    #[error("row {row}: not valid CSV ({message})")]
    Malformed { row: usize, message: String },
}

impl FileProblem {
    /// The message staff read, in their language.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang::*;
        match (self, lang) {
            (FileProblem::Empty, Zh) => "文件是空的，或只有表头。".into(),
            (FileProblem::Empty, En) => "The file is empty or holds only the header.".into(),
            (FileProblem::TooLarge, Zh) => "文件超过 2 MB，请分成几个文件导入。".into(),
            (FileProblem::TooLarge, En) => {
                "The file is larger than 2 MB; split it into several files.".into()
            }
            (FileProblem::Encoding, Zh) => {
                "无法识别文件编码：请保存为 UTF-8 或 GB18030（GBK）编码的 CSV。".into()
            }
            (FileProblem::Encoding, En) => {
                "The file's encoding is not recognised: save it as UTF-8 or GB18030 (GBK) CSV."
                    .into()
            }
            (FileProblem::TooManyRows, Zh) => format!("一次最多导入 {MAX_ROWS} 行。"),
            (FileProblem::TooManyRows, En) => format!("At most {MAX_ROWS} rows per file."),
            (FileProblem::MissingColumns(c), Zh) => format!("缺少列：{}", c.join("、")),
            (FileProblem::MissingColumns(c), En) => format!("Columns missing: {}", c.join(", ")),
            (FileProblem::UnknownColumns(c), Zh) => format!("无法识别的列：{}", c.join("、")),
            (FileProblem::UnknownColumns(c), En) => format!("Unknown columns: {}", c.join(", ")),
            (FileProblem::DuplicateColumn(c), Zh) => format!("列重复：{c}"),
            (FileProblem::DuplicateColumn(c), En) => format!("Column appears twice: {c}"),
            (FileProblem::Malformed { row, message }, Zh) => {
                format!("第 {row} 行不是有效的 CSV：{message}")
            }
            (FileProblem::Malformed { row, message }, En) => {
                format!("Row {row} is not valid CSV: {message}")
            }
        }
    }
}

/// The file's text: UTF-8 (a BOM is dropped), else GB18030.
pub fn decode(bytes: &[u8]) -> Result<String, FileProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(FileProblem::TooLarge);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
        .ok_or(FileProblem::Encoding)
}

/// The field a header names: its field name or its Chinese header, any case or spaces.
fn column_of(header: &str) -> Option<&'static str> {
    let h = header.trim().trim_start_matches('\u{feff}');
    COLUMNS
        .iter()
        .find(|(field, zh, _)| h.eq_ignore_ascii_case(field) || h == *zh)
        .map(|(field, _, _)| *field)
}

/// Parses the `items` cell: `名称/单位/数量/单价` entries separated by `;`.
pub fn parse_items(cell: &str) -> Vec<ItemInput> {
    cell.split([';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|entry| {
            let mut parts = entry.split(['/', '／']).map(|p| p.trim().to_owned());
            ItemInput {
                name: parts.next().unwrap_or_default(),
                unit: parts.next().unwrap_or_default(),
                quantity: parts.next().unwrap_or_default(),
                unit_value: parts.collect::<Vec<_>>().join("/"),
            }
        })
        .collect()
}

/// One data row: its number in the file as a spreadsheet shows it (the header is row
/// 1), and the input it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub number: usize,
    pub input: NeedInput,
}

/// Reads the header and the rows. Blank lines are skipped.
pub fn parse(text: &str) -> Result<Vec<Row>, FileProblem> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(FileProblem::Malformed {
                row: 1,
                message: e.to_string(),
            })
        }
        None => return Err(FileProblem::Empty),
    };
    let mut fields: Vec<&'static str> = Vec::new();
    let mut unknown = Vec::new();
    for h in header.iter() {
        match column_of(h) {
            Some(f) if fields.contains(&f) => {
                return Err(FileProblem::DuplicateColumn(h.to_owned()))
            }
            Some(f) => fields.push(f),
            None if h.trim().is_empty() => fields.push(""),
            None => unknown.push(h.trim().to_owned()),
        }
    }
    if !unknown.is_empty() {
        return Err(FileProblem::UnknownColumns(unknown));
    }
    let missing: Vec<String> = COLUMNS
        .iter()
        .filter(|(f, _, required)| *required && !fields.contains(f))
        .map(|(f, zh, _)| format!("{zh} ({f})"))
        .collect();
    if !missing.is_empty() {
        return Err(FileProblem::MissingColumns(missing));
    }
    let mut rows = Vec::new();
    for (i, record) in records.enumerate() {
        let number = i + 2;
        let record = record.map_err(|e| FileProblem::Malformed {
            row: number,
            message: e.to_string(),
        })?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(FileProblem::TooManyRows);
        }
        let mut input = NeedInput::default();
        for (field, cell) in fields.iter().zip(record.iter()) {
            if *field == "items" {
                input.items = parse_items(cell);
            } else if !field.is_empty() {
                input.set(field, cell);
            }
        }
        rows.push(Row { number, input });
    }
    if rows.is_empty() {
        return Err(FileProblem::Empty);
    }
    Ok(rows)
}

/// The template: the header and nothing else, as UTF-8 with a BOM so that Excel opens
/// it with the right encoding.
pub fn template() -> String {
    let header: Vec<&str> = COLUMNS.iter().map(|(_, zh, _)| *zh).collect();
    format!("\u{feff}{}\r\n", header.join(","))
}

/// What happened to one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowReport {
    pub number: usize,
    pub title: String,
    /// Problems as (field, message in Chinese, message in English).
    pub problems: Vec<(String, String, String)>,
    /// The public code given to the row, once stored.
    pub public_code: Option<String>,
}

/// The answer to one import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub file_problem: Option<FileProblem>,
    pub rows: Vec<RowReport>,
    /// Whether anything was stored.
    pub stored: usize,
    pub partial: bool,
}

impl ImportReport {
    pub fn refused(problem: FileProblem) -> Self {
        ImportReport {
            file_problem: Some(problem),
            rows: Vec::new(),
            stored: 0,
            partial: false,
        }
    }

    pub fn bad_rows(&self) -> usize {
        self.rows.iter().filter(|r| !r.problems.is_empty()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "标题,情况说明,帮扶类型,家庭类别,救助情况,县区代码,年龄段,家庭人口,紧急程度,资金需求,物品,案件编号,家庭成员姓名,授权日期,授权范围";

    #[test]
    fn utf8_with_and_without_bom_and_gb18030_decode_alike() {
        let text = format!("{HEADER}\n为老人购置轮椅,说明,医疗,特困人员,outside,220122,70-79,1,high,,轮椅/台/1/1200,A1,王秀兰,2026-11-01,同意\n");
        let plain = decode(text.as_bytes()).expect("utf-8");
        let bom = decode(&[b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()).expect("bom");
        let (gb, _, bad) = encoding_rs::GB18030.encode(&text);
        assert!(!bad);
        let gb = decode(&gb).expect("gb18030");
        assert_eq!(plain, bom);
        assert_eq!(plain, gb);
        let rows = parse(&gb).expect("rows");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].number, 2);
        assert_eq!(rows[0].input.assistance_type, "医疗");
        assert_eq!(rows[0].input.items[0].unit_value, "1200");
    }

    #[test]
    fn bytes_that_are_no_text_are_refused() {
        assert_eq!(
            decode(&[0xFF, 0xFE, 0x00, 0x81, 0x30]),
            Err(FileProblem::Encoding)
        );
        assert_eq!(
            decode(&vec![b'a'; MAX_BYTES + 1]),
            Err(FileProblem::TooLarge)
        );
    }

    #[test]
    fn header_problems_are_named() {
        assert_eq!(parse(""), Err(FileProblem::Empty));
        assert_eq!(parse(&format!("{HEADER}\n")), Err(FileProblem::Empty));
        assert!(
            matches!(parse("标题,情况说明\n"), Err(FileProblem::MissingColumns(c)) if c.len() == 11)
        );
        assert!(
            matches!(parse(&format!("{HEADER},备注\n")), Err(FileProblem::UnknownColumns(c)) if c == vec!["备注"])
        );
        assert!(matches!(
            parse(&format!("{HEADER},标题\n")),
            Err(FileProblem::DuplicateColumn(_))
        ));
    }

    #[test]
    fn english_field_names_work_as_headers_and_the_template_reads_back() {
        let fields: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
        let text = format!(
            "{}\n{}\n",
            fields.join(","),
            vec!["x"; fields.len()].join(",")
        );
        assert_eq!(parse(&text).expect("rows")[0].input.title, "x");
        let t = template();
        assert_eq!(
            parse(&decode(t.as_bytes()).expect("text")),
            Err(FileProblem::Empty)
        );
    }

    #[test]
    fn items_cells_split_into_rows() {
        let items = parse_items("轮椅/台/1/1200； 护理床/张/2/800.50;");
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].quantity, "2");
        assert_eq!(items[1].unit_value, "800.50");
    }
}
