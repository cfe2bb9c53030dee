//! What people are told when a subscription or a notification action is refused.

use crate::accounts::Problem;

pub const KIND: Problem = Problem::new(
    "请选择订阅什么：保存的搜索，或符合供给档案的需求。",
    "Choose what to subscribe to: a saved search, or needs that fit your supply profile.",
);
pub const EMPTY_FILTER: Problem = Problem::new(
    "这个搜索没有任何条件，会匹配所有需求。请至少填写关键词，或选择地区、帮扶类型、家庭类别或救助情况。",
    "This search has no filter and would match every need. Type some words, or choose a region, an assistance type, a household category or a coverage.",
);
pub const QUERY_TOO_LONG: Problem = Problem::new(
    "关键词不能超过 100 个字。",
    "The words can be at most 100 characters.",
);
pub const QUERY_NO_WORDS: Problem = Problem::new(
    "关键词里没有可搜索的字词（只有符号）。",
    "The words hold nothing searchable (only symbols).",
);
pub const UNKNOWN_REGION: Problem = Problem::new(
    "没有这个地区代码。请从列表中选择省、市或县（区）。",
    "There is no region with this code. Choose a province, city or county from the list.",
);
pub const UNKNOWN_TYPE: Problem =
    Problem::new("没有这种帮扶类型。", "There is no such assistance type.");
pub const UNKNOWN_CATEGORY: Problem =
    Problem::new("没有这种家庭类别。", "There is no such household category.");
pub const UNKNOWN_COVERAGE: Problem =
    Problem::new("没有这种救助情况。", "There is no such coverage.");
pub const FREQUENCY: Problem = Problem::new(
    "请选择即时提醒或每日汇总。",
    "Choose immediate alerts or a daily digest.",
);
pub const NO_CHANNEL: Problem = Problem::new(
    "请至少选择一种提醒方式：站内通知或电子邮件。",
    "Choose at least one way to be told: in-app or by e-mail.",
);
pub const EMAIL: Problem = Problem::new(
    "电子邮件地址格式不正确，例如 name@example.org。",
    "This e-mail address is not valid, e.g. name@example.org.",
);
pub const EMAIL_NEEDED: Problem = Problem::new(
    "您的账号没有电子邮件地址。要用邮件提醒，请填写接收地址。",
    "Your account has no e-mail address. To be told by e-mail, give an address to send to.",
);
pub const LABEL_TOO_LONG: Problem = Problem::new(
    "名称不能超过 60 个字。",
    "The name can be at most 60 characters.",
);
pub const TOO_MANY: Problem = Problem::new(
    "每人最多保存 50 个订阅。请先删除不再需要的订阅。",
    "You can keep at most 50 subscriptions. Delete one you no longer need first.",
);
pub const NO_PROFILE: Problem = Problem::new(
    "本机构还没有供给档案。请先填写供给档案，再订阅符合档案的需求。",
    "Your charity has no supply profile yet. Fill it in first, then subscribe to the needs that fit it.",
);
pub const NOT_A_CHARITY: Problem = Problem::new(
    "只有慈善组织的成员可以订阅需求提醒。",
    "Only members of a charity can subscribe to alerts about needs.",
);
pub const NO_SUCH_SUBSCRIPTION: Problem = Problem::new("没有找到该订阅。", "No such subscription.");
pub const NO_SUCH_NOTIFICATION: Problem = Problem::new("没有找到该通知。", "No such notification.");
pub const UNSUBSCRIBE_USED: Problem = Problem::new(
    "这个退订链接已经用过或已失效，订阅没有变化。可登录后在“提醒订阅”中管理。",
    "This unsubscribe link was already used or is not valid; nothing changed. Sign in to manage your alerts.",
);
