//! The fixed shape of the demo world: which offices exist, where needs are, and
//! generated (fictional) household names for the private case data.

use super::rng::Rng;

/// A civil-affairs office of the demo world: (region code, name).
pub const OFFICES: &[(&str, &str)] = &[
    ("220000", "吉林省民政厅"),
    ("220100", "长春市民政局"),
    ("220122", "农安县民政局"),
    ("220183", "德惠市民政局"),
    ("220200", "吉林市民政局"),
    ("220221", "永吉县民政局"),
    ("222400", "延边朝鲜族自治州民政局"),
    ("222424", "汪清县民政局"),
    ("220800", "白城市民政局"),
    ("220822", "通榆县民政局"),
    ("620000", "甘肃省民政厅"),
    ("621100", "定西市民政局"),
    ("621121", "通渭县民政局"),
    ("621122", "陇西县民政局"),
    ("622900", "临夏回族自治州民政局"),
    ("622921", "临夏县民政局"),
    ("630000", "青海省民政厅"),
    ("630100", "西宁市民政局"),
    ("630121", "大通回族土族自治县民政局"),
    ("632500", "海南藏族自治州民政局"),
    ("632521", "共和县民政局"),
    ("110000", "北京市民政局"),
    ("110105", "朝阳区民政局"),
    ("110111", "房山区民政局"),
];

/// Counties where demo needs are, with a weight (Jilin, the seed's main example, has
/// the most). Some have their own office; the others are served by the city's.
pub const COUNTIES: &[(&str, u32)] = &[
    ("220122", 8),
    ("220183", 4),
    ("220182", 3),
    ("220221", 4),
    ("220281", 2),
    ("222424", 4),
    ("222426", 2),
    ("220822", 4),
    ("220821", 2),
    ("621121", 4),
    ("621122", 3),
    ("621124", 2),
    ("622921", 3),
    ("622927", 2),
    ("630121", 3),
    ("632521", 3),
    ("630123", 1),
    ("110105", 2),
    ("110111", 2),
    ("110116", 1),
];

/// The office responsible for a county: its own if it has one, else the closest one
/// above it (city, then province).
pub fn office_for(county: &str) -> &'static str {
    let candidates = [
        county.to_owned(),
        format!("{}00", &county[..4]),
        format!("{}0000", &county[..2]),
    ];
    candidates
        .iter()
        .find_map(|code| OFFICES.iter().find(|(c, _)| c == code).map(|(c, _)| *c))
        .unwrap_or(OFFICES[0].0)
}

pub fn pick_county(rng: &mut Rng) -> &'static str {
    let total: u32 = COUNTIES.iter().map(|(_, w)| w).sum();
    let mut roll = (rng.next_u64() % u64::from(total)) as u32;
    for (code, weight) in COUNTIES {
        if roll < *weight {
            return code;
        }
        roll -= weight;
    }
    COUNTIES[0].0
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高",
];
const GIVEN: &[&str] = &[
    "桂", "秀", "玉", "凤", "春", "明", "建", "国", "海", "丽", "芳", "军", "平", "霞", "红", "伟",
    "强", "兰", "金", "德", "福", "英", "华", "云",
];

/// A fictional full name: a common surname and one or two common given-name characters.
pub fn person_name(rng: &mut Rng) -> String {
    let mut name = (*rng.pick(SURNAMES)).to_owned();
    let given = rng.pick::<&str>(GIVEN);
    name.push_str(given);
    if rng.chance(60) {
        let given = rng.pick::<&str>(GIVEN);
        name.push_str(given);
    }
    name
}

/// Staff member names for office accounts (also fictional).
pub fn staff_name(rng: &mut Rng) -> String {
    person_name(rng)
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrations::regions;
    use std::collections::HashMap;

    #[test]
    fn every_demo_region_exists_with_the_expected_level() {
        let levels: HashMap<_, _> = regions::rows().map(|r| (r.code, r.level)).collect();
        for (code, name) in OFFICES {
            assert!(
                levels.contains_key(code),
                "office {name} at unknown region {code}"
            );
        }
        for (code, _) in COUNTIES {
            assert_eq!(levels.get(code), Some(&"county"), "{code}");
        }
    }

    #[test]
    fn counties_without_an_office_fall_back_to_the_city_or_province() {
        assert_eq!(office_for("220122"), "220122");
        assert_eq!(office_for("220182"), "220100");
        assert_eq!(office_for("630123"), "630100");
        assert_eq!(office_for("110116"), "110000");
    }
}
