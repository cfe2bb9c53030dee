//! The fixed queries of the comparison, and their ground truth: exact substring matching
//! over title, story and item names, with the same filters.

use crate::corpus::Need;

/// One query: the typed text, its substrings (all must occur), and a filter.
#[derive(Debug, Clone)]
pub struct Query {
    pub text: &'static str,
    pub needles: Vec<&'static str>,
    /// An assistance type index, a province code prefix (2 digits), or neither.
    pub assistance_type: Option<usize>,
    pub province: Option<&'static str>,
}

fn q(text: &'static str, needles: &[&'static str]) -> Query {
    Query {
        text,
        needles: needles.to_vec(),
        assistance_type: None,
        province: None,
    }
}

/// At least 30 queries: single words (mostly two characters), two words, phrases, Latin,
/// and with facet filters.
pub fn all() -> Vec<Query> {
    let mut list = vec![
        q("医疗", &["医疗"]),
        q("轮椅", &["轮椅"]),
        q("助学", &["助学"]),
        q("助餐", &["助餐"]),
        q("透析", &["透析"]),
        q("取暖", &["取暖"]),
        q("学费", &["学费"]),
        q("康复", &["康复"]),
        q("低保边缘", &["低保边缘"]),
        q("助听器", &["助听器"]),
        q("白血病", &["白血病"]),
        q("尿毒症", &["尿毒症"]),
        q("残疾", &["残疾"]),
        q("独居", &["独居"]),
        q("老人", &["老人"]),
        q("修缮", &["修缮"]),
        q("药", &["药"]),
        q("心脏", &["心脏"]),
        q("返贫", &["返贫"]),
        q("营养", &["营养"]),
        q("医疗 孩子", &["医疗", "孩子"]),
        q("轮椅 康复", &["轮椅", "康复"]),
        q("老人 取暖", &["老人", "取暖"]),
        q("学费 成绩", &["学费", "成绩"]),
        q("\"电动轮椅\"", &["电动轮椅"]),
        q("\"房屋老旧漏雨\"", &["房屋老旧漏雨"]),
        q("\"医保报销后自付部分\"", &["医保报销后自付部分"]),
        q("ICU", &["ICU"]),
        q("MRI 检查", &["MRI", "检查"]),
        q("靶向药", &["靶向药"]),
    ];
    let mut filtered =
        |text: &'static str, needle: &'static str, t: Option<usize>, p: Option<&'static str>| {
            let mut x = q(text, &[needle]);
            x.assistance_type = t;
            x.province = p;
            list.push(x);
        };
    filtered("医疗", "医疗", Some(0), None);
    filtered("轮椅", "轮椅", None, Some("22"));
    filtered("学费", "学费", Some(1), Some("41"));
    filtered("取暖", "取暖", Some(4), Some("23"));
    filtered("康复", "康复", Some(8), None);
    list
}

impl Query {
    /// Whether `need` matches, by exact substring (Latin letters in any case).
    pub fn matches(&self, need: &Need, text_lower: &str) -> bool {
        self.assistance_type
            .is_none_or(|t| need.assistance_type == t)
            && self.province.is_none_or(|p| need.county.starts_with(p))
            && self
                .needles
                .iter()
                .all(|n| text_lower.contains(&n.to_lowercase()))
    }
}
