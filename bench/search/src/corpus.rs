//! A deterministic generator of synthetic needs in Chinese: the same seed and count give the
//! same needs on any machine. Titles, stories and items are put together from the words
//! civil-affairs staff use (conditions, needs, people, circumstances), over the real county
//! codes of GB/T 2260, with every facet value represented. Nobody in it is a real person,
//! and no text holds personal data (the PII guard's corpus test checks a sample).

use app::demo::rng::Rng;

/// One synthetic need: the public copy and its facts.
#[derive(Debug, Clone)]
pub struct Need {
    pub id: u64,
    pub title: String,
    pub story: String,
    pub items: Vec<(String, String, i32, i64)>,
    pub county: String,
    /// Index into the app's lists (`AssistanceType::ALL` …).
    pub assistance_type: usize,
    pub household_category: usize,
    pub coverage: usize,
    pub urgency: usize,
    /// Index into `LIBRARY_STATUSES`.
    pub status: usize,
    pub target_fen: i64,
    /// Days after 2026-01-01.
    pub published_day: i64,
    pub deadline_day: Option<i64>,
}

impl Need {
    /// Title, story and item names, as the ground truth matches them.
    pub fn text(&self) -> String {
        let items: Vec<&str> = self.items.iter().map(|i| i.0.as_str()).collect();
        format!("{}\n{}\n{}", self.title, self.story, items.join(" "))
    }

    pub fn goal_fen(&self) -> i64 {
        self.target_fen
            + self
                .items
                .iter()
                .map(|(_, _, q, v)| i64::from(*q) * v)
                .sum::<i64>()
    }
}

const PEOPLE: &[&str] = &[
    "独居老人",
    "失能老人",
    "高龄老人",
    "孤儿",
    "留守儿童",
    "单亲母亲",
    "残疾青年",
    "重病患者",
    "困境儿童",
    "空巢老人",
    "退役军人家庭",
    "多子女家庭",
    "脑瘫儿童",
    "大学新生",
    "环卫工人家庭",
];
const CONDITIONS: &[&str] = &[
    "尿毒症",
    "白血病",
    "脑瘫",
    "脊髓损伤",
    "糖尿病",
    "先天性心脏病",
    "肺癌",
    "乳腺癌",
    "精神障碍",
    "阿尔茨海默病",
    "慢阻肺",
    "骨折",
    "视力残疾",
    "听力残疾",
    "肢体残疾",
    "脑梗后遗症",
    "自闭症",
    "罕见病",
    "烧伤",
    "肾衰竭",
];
const WANTS: &[(&str, usize)] = &[
    ("医疗费用", 0),
    ("透析费用", 0),
    ("住院押金", 0),
    ("靶向药", 0),
    ("康复训练", 8),
    ("电动轮椅", 8),
    ("助听器", 8),
    ("假肢", 8),
    ("学费", 1),
    ("助学金", 1),
    ("课外辅导", 1),
    ("房屋修缮", 2),
    ("危房改造", 2),
    ("取暖煤", 4),
    ("冬季取暖", 4),
    ("生活物资", 4),
    ("助餐服务", 6),
    ("上门照护", 9),
    ("临时生活补助", 5),
    ("职业技能培训", 3),
    ("就业岗位", 3),
    ("心理疏导", 7),
    ("陪护服务", 9),
    ("营养品", 7),
];
const CIRCUMSTANCES: &[&str] = &[
    "家庭收入微薄，仅靠低保维持基本生活",
    "属于低保边缘家庭，未纳入政府救助",
    "已享受临时救助，但医疗费用仍然缺口较大",
    "父母外出务工，孩子由祖辈照看",
    "房屋老旧漏雨，冬季室内温度很低",
    "患病多年，长期服药，支出刚性",
    "行动不便，日常起居需要有人照料",
    "因病返贫，被列为防止返贫监测对象",
    "主要劳动力丧失劳动能力，家庭陷入困境",
    "医保报销后自付部分仍难以承担",
    "孩子成绩优异，但学费和生活费没有着落",
    "社区和村委会多次走访，情况属实",
];
const ITEMS: &[(&str, &str, i64)] = &[
    ("电动轮椅", "台", 380_000),
    ("助听器", "副", 260_000),
    ("制氧机", "台", 320_000),
    ("护理床", "张", 180_000),
    ("取暖煤", "吨", 120_000),
    ("书包文具", "套", 20_000),
    ("米面油", "份", 15_000),
    ("冬衣", "件", 30_000),
    ("康复器材", "套", 150_000),
    ("助行器", "台", 60_000),
];
const ENGLISH: &[&str] = &["ICU", "CT", "MRI", "PICC", "wheelchair", "HIV"];

/// The county codes of the region table (GB/T 2260).
pub fn counties() -> Vec<String> {
    migrations::regions::REGIONS_TSV
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            let code = f.next()?;
            let _name = f.next()?;
            (f.next()? == "county").then(|| code.to_owned())
        })
        .collect()
}

/// The `i`-th need of the corpus of `seed`. Each need depends only on `(seed, i)`, so any
/// slice of the corpus can be made alone (and in parallel).
pub fn need(seed: u64, i: u64, counties: &[String]) -> Need {
    let mut r = Rng::new(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let person = r.pick(PEOPLE);
    let condition = r.pick(CONDITIONS);
    let (want, kind) = *r.pick(WANTS);
    let (want2, _) = *r.pick(WANTS);
    let title = match r.below(4) {
        0 => format!("{person}急需{want}"),
        1 => format!("{condition}{person}的{want}"),
        2 => format!("帮{person}解决{want}"),
        _ => format!("{person}{condition}，需要{want}"),
    };
    let mut story = String::new();
    let sentences = 2 + r.below(5);
    for s in 0..sentences {
        let c = r.pick(CIRCUMSTANCES);
        match s {
            0 => story.push_str(&format!("{person}患有{condition}，{c}。")),
            1 => story.push_str(&format!("目前最需要的是{want}，其次是{want2}。")),
            _ => story.push_str(&format!("{c}。")),
        }
        if r.below(12) == 0 {
            story.push_str(&format!("曾在{}检查。", r.pick(ENGLISH)));
        }
    }
    let items = (0..r.below(3))
        .map(|_| {
            let (name, unit, value) = *r.pick(ITEMS);
            (
                name.to_owned(),
                unit.to_owned(),
                1 + r.below(3) as i32,
                value,
            )
        })
        .collect();
    let county = counties[r.below(counties.len())].clone();
    Need {
        id: i + 1,
        title,
        story,
        items,
        county,
        assistance_type: kind,
        household_category: r.below(6),
        coverage: r.below(2),
        urgency: r.below(4),
        status: [0, 0, 0, 0, 0, 0, 1, 1, 2, 3][r.below(10)],
        target_fen: [0, 50_000, 200_000, 500_000, 1_200_000, 3_000_000, 8_000_000][r.below(7)],
        published_day: r.below(330) as i64,
        deadline_day: (r.below(3) > 0).then(|| 330 + r.below(120) as i64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_needs() {
        let counties = counties();
        assert!(counties.len() > 2_800);
        let a = need(7, 12_345, &counties);
        let b = need(7, 12_345, &counties);
        assert_eq!(a.text(), b.text());
        assert_ne!(a.text(), need(8, 12_345, &counties).text());
    }

    #[test]
    fn generated_text_holds_no_personal_data() {
        let counties = counties();
        for i in 0..2_000 {
            let n = need(1, i, &counties);
            let findings = pii::scan(&n.text(), &[]);
            assert!(!pii::blocks(&findings), "{}: {findings:?}", n.text());
        }
    }
}
