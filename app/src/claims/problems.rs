//! What charities and staff are told when a claim, a report or a profile is refused.

use crate::accounts::Problem;

pub const NOT_A_CHARITY: Problem = Problem::new(
    "只有慈善组织的成员可以认领需求。",
    "Only members of a charity can claim needs.",
);
/// Not verified, or the verification is suspended (`organization::Model::is_verified`).
pub const NOT_VERIFIED: Problem = Problem::new(
    "本机构尚未通过平台认证，或认证已被平台暂停：目前不能认领需求。",
    "Your charity is not verified, or its verification is suspended: it cannot claim needs now.",
);
/// What the claim form says to a charity whose verification is suspended.
pub const SUSPENDED: Problem = Problem::new(
    "本机构的平台认证已被暂停，暂停期间不能认领需求。原因见机构工作台；问题解决后请联系平台管理员恢复认证。",
    "Your charity's verification is suspended: it cannot claim needs while it is. The reason is in your charity's portal; once resolved, ask a platform admin to restore it.",
);
pub const NO_FUNDRAISING_QUALIFICATION: Problem = Problem::new(
    "本机构没有公开募捐资格，只能以“自有资源直接帮扶”方式认领。",
    "Your charity is not qualified for public fundraising; claim in the “direct” mode instead.",
);
pub const AT_CAPACITY: Problem = Problem::new(
    "本机构进行中的认领已达到供给档案中的上限。请先完成或退回一项认领，或在供给档案中调整上限。",
    "Your charity already carries as many active claims as its supply profile allows. Fulfil or release one first, or raise the limit in the profile.",
);
pub const ALREADY_CLAIMED: Problem = Problem::new(
    "该需求已被其他慈善组织认领。",
    "This need is already claimed by another charity.",
);
pub const NOT_CLAIMABLE: Problem = Problem::new(
    "该需求目前不可认领（只有“待认领”的需求可以认领）。",
    "This need cannot be claimed now (only open needs can be).",
);
pub const CLAIM_WRONG_STATE: Problem = Problem::new(
    "该认领的状态已变化，不能再执行此操作。请刷新页面查看。",
    "This claim has moved on; the action no longer applies. Reload the page to see it.",
);
pub const NO_SUCH_CLAIM: Problem = Problem::new("没有找到该认领。", "No such claim.");
pub const MODE: Problem = Problem::new(
    "请选择认领方式：自有资源直接帮扶，或公开募集。",
    "Choose how you will meet the need: direct, or open to public pledges.",
);
pub const PLAN: Problem = Problem::new(
    "请简要写明帮扶计划（做什么、何时完成），不超过 500 字。",
    "Describe your plan briefly (what, by when), at most 500 characters.",
);
pub const PLAN_BY_PAST: Problem = Problem::new(
    "计划完成日期不能早于今天。",
    "The planned date cannot be in the past.",
);
pub const PLAN_BY_AFTER_DUE: Problem = Problem::new(
    "计划完成日期不能晚于认领到期日。",
    "The planned date cannot be after the claim's due date.",
);
pub const REASON: Problem = Problem::new(
    "请写明退回原因，不超过 500 字。",
    "Give the reason for releasing, at most 500 characters.",
);
pub const DELIVERED_ON: Problem = Problem::new(
    "请填写交付日期（年-月-日），不能晚于今天，也不能早于认领日期。",
    "Give the delivery date (year-month-day), not in the future and not before the claim.",
);
pub const COST: Problem = Problem::new(
    "请填写以元为单位的实际花费（最多两位小数）。",
    "Give the actual cost in yuan (at most two decimals).",
);
pub const QUANTITY: Problem = Problem::new(
    "请填写 0–100000 之间的整数。",
    "Give a whole number from 0 to 100000.",
);
pub const NOTHING_DELIVERED: Problem = Problem::new(
    "请至少填写一项交付的物品数量，或写明交付的服务与资金。",
    "Give at least one delivered quantity, or describe the service or money delivered.",
);
pub const EVIDENCE: Problem = Problem::new(
    "请写明交付情况与凭证说明（10–2000 字）。",
    "Describe the delivery and its evidence (10–2000 characters).",
);
pub const SUBSTITUTIONS: Problem = Problem::new(
    "替换说明不超过 500 字。",
    "Substitutions: at most 500 characters.",
);
pub const CLOSE_REASON: Problem =
    Problem::new("请选择办结原因。", "Choose why the need is closed.");
pub const RATING: Problem = Problem::new("评分应为 1–5。", "The rating is 1 to 5.");
pub const THANK_YOU: Problem = Problem::new(
    "感谢语不超过 300 字。",
    "The thank-you note has at most 300 characters.",
);
pub const QUESTION: Problem = Problem::new(
    "请写明需要机构补充或更正的内容，不超过 500 字。",
    "Say what the charity should add or correct, at most 500 characters.",
);
pub const CAPACITY: Problem = Problem::new(
    "可同时承接的认领数应为 1–100。",
    "Claims carried at once: 1 to 100.",
);
pub const BUDGET: Problem = Problem::new(
    "请填写以元为单位的典型预算（可不填）。",
    "Give a typical budget in yuan (optional).",
);
pub const GIVES: Problem = Problem::new(
    "可提供的物品与服务最多 30 项，每项不超过 20 字，用顿号或逗号分隔。",
    "At most 30 items and services, 20 characters each, separated by commas.",
);
pub const PROFILE_EMPTY: Problem = Problem::new(
    "请至少选择一种帮扶类型或家庭类别，或填写可提供的物品与服务。",
    "Choose at least one assistance type or household category, or list what you give.",
);
pub const REGION: Problem = Problem::new(
    "请选择列表中的省或市。",
    "Choose a province or city from the list.",
);
pub const ATTACHMENT_TOO_LARGE: Problem = Problem::new(
    "附件过大（每个不超过 5 MB）。",
    "The attachment is too large (5 MB at most each).",
);
pub const ATTACHMENT_TYPE: Problem = Problem::new(
    "附件只能是 JPEG、PNG 图片或 PDF 文件（按文件内容检查）。",
    "Attachments must be JPEG or PNG images or PDF files (checked by their content).",
);
pub const TOO_MANY_ATTACHMENTS: Problem = Problem::new(
    "每份报告最多 5 个附件。",
    "At most 5 attachments per report.",
);
