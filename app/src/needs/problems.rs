//! What staff are told when a need cannot be saved, submitted or published.

use crate::accounts::Problem;

pub const TITLE_LENGTH: Problem =
    Problem::new("标题须为 4–60 个字。", "The title must be 4–60 characters.");
pub const STORY_LENGTH: Problem = Problem::new(
    "情况说明须为 20–5000 个字。",
    "The story must be 20–5000 characters.",
);
pub const TOO_LONG: Problem = Problem::new(
    "内容过长（最多 500 字）。",
    "Too long (500 characters at most).",
);
pub const CHOOSE: Problem = Problem::new("请从列表中选择。", "Please choose from the list.");
pub const COUNTY: Problem = Problem::new(
    "请选择需求所在的县（区）。",
    "Please choose the county the need is in.",
);
pub const OUT_OF_SCOPE: Problem = Problem::new(
    "该县（区）不在您所在部门的辖区内。",
    "That county is outside your office's region.",
);
pub const DATE: Problem = Problem::new(
    "请按 年-月-日 填写日期，例如 2026-12-31。",
    "Please give a date as year-month-day, e.g. 2026-12-31.",
);
pub const DEADLINE_PAST: Problem = Problem::new(
    "截止日期不能早于今天。",
    "The deadline cannot be in the past.",
);
pub const AMOUNT: Problem = Problem::new(
    "请填写以元为单位的金额（最多两位小数，不超过一千万元）。",
    "Please give an amount in yuan (at most two decimals, ten million at most).",
);
pub const AMOUNT_OR_ITEMS: Problem = Problem::new(
    "请填写资金需求，或至少填写一项物品或服务。",
    "Please give the money needed, or at least one item or service.",
);
pub const TOO_MANY_ITEMS: Problem = Problem::new("物品最多 20 项。", "At most 20 items.");
pub const ITEM_NAME: Problem = Problem::new(
    "请填写物品名称（最多 40 字）。",
    "Please name the item (40 characters at most).",
);
pub const ITEM_UNIT: Problem = Problem::new(
    "请填写单位，如“台”“次”（最多 10 字）。",
    "Please give a unit such as “piece” (10 characters at most).",
);
pub const QUANTITY: Problem = Problem::new(
    "数量须为 1–10000 的整数。",
    "The quantity must be a whole number from 1 to 10000.",
);
pub const CASE_REFERENCE: Problem = Problem::new(
    "请填写内部案件编号（最多 60 字）。",
    "Please give the internal case reference (60 characters at most).",
);
pub const NAMES: Problem = Problem::new(
    "请填写家庭成员姓名（1–20 个，用顿号或逗号分隔）。",
    "Please list the household members' names (1–20, separated by commas).",
);
pub const CONSENT_FUTURE: Problem = Problem::new(
    "授权日期不能晚于今天。",
    "The consent date cannot be in the future.",
);
pub const CONSENT_SCOPE: Problem = Problem::new(
    "请填写授权范围（最多 500 字）。",
    "Please describe the scope of the consent (500 characters at most).",
);
pub const PII_BLOCKING: Problem = Problem::new(
    "公开内容中含有可识别家庭的个人信息（已在下方标出），请删除后再提交。",
    "The public text contains personal data that could identify the family (marked below); remove it before submitting.",
);
pub const PII_IN_FIELD: Problem = Problem::new(
    "此处含有个人信息，见下方标记。",
    "This field contains personal data, marked below.",
);
pub const NOT_EDITABLE: Problem = Problem::new(
    "只有草稿可以修改；审核中的需求请先由审核人退回。",
    "Only drafts can be edited; a need in review must first be returned by the reviewer.",
);
pub const WRONG_STATE: Problem = Problem::new(
    "该需求当前的状态不允许此操作（可能已被他人处理），请刷新后再试。",
    "The need's current state does not allow this (someone may have acted on it already); reload and try again.",
);
pub const FOUR_EYES: Problem = Problem::new(
    "不能审核自己撰写的需求，请由另一位审核人处理。",
    "You cannot review a need you wrote; another reviewer must do it.",
);
pub const COMMENT_REQUIRED: Problem = Problem::new(
    "请写明退回的原因（最多 500 字）。",
    "Please say why it is returned (500 characters at most).",
);
pub const REASON_REQUIRED: Problem = Problem::new(
    "请写明原因（最多 500 字）。",
    "Please give a reason (500 characters at most).",
);
pub const CONSENT_WITHDRAWN: Problem = Problem::new(
    "该家庭已撤回授权，需求不能再提交或发布。",
    "The family has withdrawn consent; the need cannot be submitted or published.",
);
pub const NO_SUCH_FINDING: Problem = Problem::new(
    "没有找到这条提示，内容可能已经修改。",
    "That finding is no longer there; the text may have changed.",
);
pub const REVIEW_LIMIT: Problem = Problem::new(
    "审核时限须为 1–90 天。",
    "The review time limit must be 1–90 days.",
);
pub const CONFIRM_CONSENT_WITHDRAWN: Problem = Problem::new(
    "请勾选确认家庭已撤回授权。",
    "Please tick to confirm the family withdrew consent.",
);
