//! Throughput of `pii::scan` on a deterministic corpus of need-like texts.
//!
//! Run with `cargo bench -p shanqiao-pii`. Prints the median of several rounds in texts
//! per second and MB (UTF-8) per second.

use std::hint::black_box;
use std::time::{Duration, Instant};

const TEXTS: usize = 2_000;
const ROUNDS: usize = 7;

/// A small xorshift64* generator: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "母亲",
    "父亲",
    "孩子",
    "奶奶",
    "爷爷",
    "患病",
    "住院",
    "治疗",
    "手术",
    "化疗",
    "低保",
    "困难",
    "学费",
    "生活费",
    "医疗费",
    "报销",
    "救助",
    "申请",
    "村委会",
    "民政局",
    "家庭",
    "收入",
    "打工",
    "失业",
    "残疾",
    "上学",
    "成绩",
    "希望",
    "帮助",
    "感谢",
    "社会",
    "爱心",
    "的",
    "了",
    "在",
    "和",
    "是",
    "一直",
    "目前",
    "已经",
    "需要",
    "没有",
    "因为",
    "所以",
];
const PUNCT: &[&str] = &["，", "。", "、", "；", "！", "：", " "];
const CLEAN: &[&str] = &[
    "2026年需资金12000元",
    "已花费86,300元",
    "吉民发〔2026〕15号",
    "户籍人口3人",
    "面积45.5平方米",
    "自付比例35%",
    "2024-05-01至2025-04-30",
    "每月580元",
    "第三单元测试",
    "两室一厅",
];
const DIRTY: &[&str] = &[
    "身份证号220102199001011239",
    "电话138 0013 8000",
    "手机+86-139-1234-5678",
    "座机0431-88886666",
    "卡号6222 0202 0011 2233 446",
    "邮箱zhang.san@qq.com",
    "家住人民大街1234号",
    "3栋2单元501室",
    "红旗村三组",
    "张 三",
];

pub(crate) fn corpus() -> Vec<String> {
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    (0..TEXTS)
        .map(|i| {
            let target = 200 + rng.below(1_801);
            let dirty = i % 3 == 0;
            let mut text = String::new();
            let mut chars = 0;
            while chars < target {
                let piece = match rng.below(20) {
                    0 => rng.pick(CLEAN),
                    1 if dirty => rng.pick(DIRTY),
                    2..=4 => rng.pick(PUNCT),
                    _ => rng.pick(WORDS),
                };
                text.push_str(piece);
                chars += piece.chars().count();
            }
            text
        })
        .collect()
}

/// Median seconds of `ROUNDS` runs of `f`, the rounds of the variants interleaved by the
/// caller so that machine noise hits them alike.
fn median(times: &mut [Duration]) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64()
}

fn main() {
    let texts = corpus();
    let names3: Vec<String> = ["张三", "李小红", "王秀英"].map(str::to_owned).to_vec();
    let names20: Vec<String> = (0..20)
        .map(|i| {
            format!(
                "{}{}",
                ["赵", "钱", "孙", "李", "周"][i % 5],
                ["一", "二", "三", "四"][i / 5]
            )
        })
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    let guard3 = pii::Guard::new(&names3);
    let guard20 = pii::Guard::new(&names20);

    // Variants, run in turn within each round: the guard with 3 names (a typical
    // household), with 20 names (the most a need holds), and a baseline that only walks
    // the characters and counts digits (the least any scanner must do).
    let mut guard_times = Vec::with_capacity(ROUNDS);
    let mut many_times = Vec::with_capacity(ROUNDS);
    let mut walk_times = Vec::with_capacity(ROUNDS);
    let mut findings = 0;
    let mut blocking = 0;
    let mut digits = 0usize;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        findings = 0;
        blocking = 0;
        for text in &texts {
            let found = guard3.scan(black_box(text));
            findings += found.len();
            blocking += usize::from(pii::blocks(&found));
        }
        guard_times.push(start.elapsed());

        let start = Instant::now();
        for text in &texts {
            black_box(guard20.scan(black_box(text)));
        }
        many_times.push(start.elapsed());

        let start = Instant::now();
        digits = 0;
        for text in &texts {
            digits += black_box(text).chars().filter(char::is_ascii_digit).count();
        }
        walk_times.push(start.elapsed());
    }
    let guard = median(&mut guard_times);
    let many = median(&mut many_times);
    let walk = median(&mut walk_times);

    println!(
        "corpus: {TEXTS} texts, {chars} chars, {:.2} MB; {findings} findings, {blocking} texts blocked ({digits} digits)",
        bytes as f64 / 1e6
    );
    let line = |label: &str, secs: f64| {
        println!(
            "{label:<28} median of {ROUNDS}: {:>8.1} ms  {:>9.0} texts/s  {:>7.1} MB/s",
            secs * 1e3,
            TEXTS as f64 / secs,
            bytes as f64 / 1e6 / secs,
        );
    };
    line("guard, 3 household names", guard);
    line("guard, 20 household names", many);
    line("baseline: walk the chars", walk);
    println!(
        "ratios: 20 names / 3 names = {:.2}; guard / baseline = {:.1}",
        many / guard,
        guard / walk
    );
}
