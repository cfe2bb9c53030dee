//! Demo data: a deterministic, realistic world drawn from the seed's provinces (Jilin,
//! Gansu, Qinghai, Beijing), for trying every portal. No family in it is a real person:
//! stories come from `corpus.json`, names are generated from common characters.

mod corpus;
pub mod rng;
mod seed;
mod world;

pub use seed::{seed, SeedError, SeedOutcome, SeedReport};

/// The shared password of the demo accounts (they exist only in demo databases, and
/// `serve` refuses to run with them behind https).
pub const DEMO_PASSWORD: &str = "shanqiao-demo";

/// One demo account per role: (role, e-mail).
pub const DEMO_ACCOUNTS: &[(&str, &str)] = &[
    ("platform admin / 平台管理员", "admin@shanqiao.test"),
    (
        "office caseworker / 民政经办人 (农安县民政局)",
        "caseworker@shanqiao.test",
    ),
    (
        "office reviewer / 民政审核人 (农安县民政局)",
        "reviewer@shanqiao.test",
    ),
    (
        "office admin / 民政部门管理员 (长春市民政局)",
        "office-admin@shanqiao.test",
    ),
    (
        "charity admin / 慈善组织管理员",
        "charity-admin@shanqiao.test",
    ),
    (
        "charity member / 慈善组织成员",
        "charity-member@shanqiao.test",
    ),
    ("donor / 捐赠人", "donor@shanqiao.test"),
];
