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

fn corpus() -> Vec<String> {
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

fn main() {
    let texts = corpus();
    let names = vec!["张三".to_owned(), "李小红".to_owned(), "王秀英".to_owned()];
    let bytes: usize = texts.iter().map(String::len).sum();
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    let guard = pii::Guard::new(&names);

    let mut times: Vec<Duration> = Vec::with_capacity(ROUNDS);
    let mut findings = 0;
    let mut blocking = 0;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        findings = 0;
        blocking = 0;
        for text in &texts {
            let found = guard.scan(black_box(text));
            findings += found.len();
            blocking += usize::from(pii::blocks(&found));
        }
        times.push(start.elapsed());
    }
    times.sort();
    let median = times[ROUNDS / 2].as_secs_f64();

    println!(
        "corpus: {TEXTS} texts, {chars} chars, {:.2} MB; {findings} findings, {blocking} texts blocked",
        bytes as f64 / 1e6
    );
    println!(
        "median of {ROUNDS} rounds: {:.1} ms, {:.0} texts/s, {:.1} MB/s (min {:.1} ms, max {:.1} ms)",
        median * 1e3,
        TEXTS as f64 / median,
        bytes as f64 / 1e6 / median,
        times[0].as_secs_f64() * 1e3,
        times[ROUNDS - 1].as_secs_f64() * 1e3,
    );
}
