//! What donors and charities are told when a pledge, a receipt, an allocation or a fund
//! is refused.

use crate::accounts::Problem;

pub const AMOUNT: Problem = Problem::new(
    "请填写认捐金额（元），如 200 或 200.50。",
    "Enter the amount in yuan, e.g. 200 or 200.50.",
);
pub const AMOUNT_TOO_PRECISE: Problem = Problem::new(
    "金额最小单位是分（小数点后最多两位）。",
    "Amounts go down to the fen (two decimal places at most).",
);
pub const AMOUNT_TOO_SMALL: Problem =
    Problem::new("认捐金额至少 1 元。", "A pledge is at least ¥1.");
pub const AMOUNT_TOO_LARGE: Problem = Problem::new(
    "单笔认捐不超过 100 万元；更大的捐赠请直接联系慈善组织。",
    "A pledge is at most ¥1,000,000; for larger gifts contact the charity directly.",
);
pub const AMOUNT_FEN: Problem = Problem::new(
    "amount_fen 须为正整数（单位：分）。",
    "amount_fen must be a whole, positive number of fen.",
);
pub const DISPLAY_NAME: Problem = Problem::new(
    "请填写公开显示的名字（不超过 30 字），或选择匿名。",
    "Give a name to show (30 characters at most), or choose to stay anonymous.",
);
pub const CONTACT: Problem = Problem::new(
    "请填写接收回执的电子邮箱或手机号码（不会公开）。",
    "Give an e-mail address or mobile number for the receipt (never shown).",
);
pub const CONSENT: Problem = Problem::new(
    "请阅读并同意认捐须知。",
    "Please read and accept the terms of pledging.",
);
pub const TARGET: Problem = Problem::new(
    "请指明认捐给哪个基金或哪条需求（只能选一个）。",
    "Say which fund or which need the pledge is for (one of them).",
);
pub const NO_SUCH_FUND: Problem =
    Problem::new("没有找到该基金或项目。", "No such fund or project.");
pub const NO_SUCH_NEED: Problem = Problem::new("没有找到该需求。", "No such need.");
pub const NO_SUCH_PLEDGE: Problem = Problem::new(
    "没有找到该认捐，请核对回执编号。",
    "No such pledge; check the receipt code.",
);
pub const FUND_CLOSED: Problem = Problem::new(
    "该基金已结束或不在募集期内，不再接受认捐。",
    "This fund is closed or outside its dates and takes no pledges.",
);
pub const NEED_NOT_RAISING: Problem = Problem::new(
    "该需求目前没有慈善组织公开募集，不能认捐。可以认捐给能帮助它的基金。",
    "No charity is raising money for this need now; pledge to a fund that can reach it instead.",
);
pub const NEED_FULLY_FUNDED: Problem = Problem::new(
    "该需求的目标金额已经筹满，感谢关注。",
    "This need is fully funded already. Thank you.",
);
pub const OVER_TARGET: Problem = Problem::new(
    "金额超过该需求尚缺的金额。",
    "The amount is more than this need still lacks.",
);
pub const OVER_BALANCE: Problem = Problem::new(
    "金额超过基金当前可拨付的余额。",
    "The amount is more than the fund holds now.",
);
pub const NOT_IN_CRITERIA: Problem = Problem::new(
    "该需求不符合本基金的资助范围（类型、人群或地区）。",
    "This need is outside the fund's criteria (type, household category or region).",
);
pub const NEED_NOT_OPEN: Problem = Problem::new(
    "只能拨付给待认领或已认领、尚未完成的需求。",
    "Money can go only to open or claimed needs not yet met.",
);
pub const PLEDGE_WRONG_STATE: Problem = Problem::new(
    "该认捐的状态已变化，不能再执行此操作。请刷新页面查看。",
    "This pledge has moved on; the action no longer applies. Reload the page to see it.",
);
pub const RECEIVED_AMOUNT: Problem = Problem::new(
    "请填写实际到账金额（元）。",
    "Enter the amount actually received, in yuan.",
);
pub const NOT_A_CHARITY: Problem = Problem::new(
    "只有慈善组织的成员可以管理基金和认捐。",
    "Only members of a charity manage funds and pledges.",
);
pub const NOT_VERIFIED: Problem = Problem::new(
    "本机构尚未通过平台认证。",
    "Your charity is not verified yet.",
);
pub const NO_FUNDRAISING_QUALIFICATION: Problem = Problem::new(
    "只有具有公开募捐资格的慈善组织可以设立基金和项目。",
    "Only charities qualified for public fundraising set up funds and projects.",
);
pub const THROTTLED: Problem = Problem::new(
    "认捐提交过于频繁，请稍后再试。",
    "Too many pledges from your address; try again later.",
);
pub const FUND_NAME: Problem = Problem::new(
    "请填写名称（不超过 60 字）。",
    "Give a name (60 characters at most).",
);
pub const FUND_KIND: Problem = Problem::new(
    "请选择类型：冠名基金、专项基金或帮扶项目。",
    "Choose the kind: named fund, special fund or assistance project.",
);
pub const SPONSOR: Problem = Problem::new(
    "冠名基金须写明冠名方（不超过 60 字）。",
    "A named fund says who it is named after (60 characters at most).",
);
pub const DESCRIPTION: Problem = Problem::new(
    "请写明用途说明（不超过 2000 字）。",
    "Describe what the fund is for (2,000 characters at most).",
);
pub const TARGET_AMOUNT: Problem = Problem::new(
    "目标金额须为正的元数，或留空。",
    "The target is a positive amount of yuan, or empty.",
);
pub const DATES: Problem = Problem::new(
    "请填写开始和结束日期（YYYY-MM-DD），结束不早于开始。",
    "Give start and end dates (YYYY-MM-DD), the end not before the start.",
);
pub const LEFTOVER: Problem = Problem::new(
    "请选择结余资金的去向。",
    "Choose what happens to money left over.",
);
pub const CRITERIA: Problem = Problem::new(
    "资助范围中有无法识别的类型、人群或地区代码。",
    "The criteria hold an unknown type, category or region code.",
);
pub const MATCH: Problem = Problem::new(
    "配捐须同时填写比例（1–500%）、上限（元）和起止时间，起早于止。",
    "A matching offer needs a ratio (1–500 %), a cap in yuan and a window whose start is before its end.",
);
pub const DISCLOSURE: Problem = Problem::new(
    "请填写季度（如 2026Q4）和披露内容（不超过 5000 字）。",
    "Give the quarter (e.g. 2026Q4) and the report (5,000 characters at most).",
);
pub const PAYEE: Problem = Problem::new(
    "请完整填写收款户名、开户行和账号（各不超过 60 字）。",
    "Fill in the account name, the bank and the account number (60 characters each at most).",
);
pub const IDEMPOTENCY_KEY: Problem = Problem::new(
    "请求编号（Idempotency-Key）须为 8 到 128 个可见 ASCII 字符。",
    "The request key (Idempotency-Key) must be 8 to 128 visible ASCII characters.",
);
pub const KEY_REUSED: Problem = Problem::new(
    "这个请求编号已用于另一个不同的请求；请为新请求使用新的编号。",
    "This request key was already used for a different request; use a new key for a new request.",
);
pub const NEED_NOT_HELD: Problem = Problem::new(
    "基金只能拨付给本机构正在认领（进行中）的需求；请先认领该需求。",
    "A fund allocates only to a need your charity holds by an active claim; claim it first.",
);
pub const ADMIN_ONLY: Problem = Problem::new(
    "只有本机构的管理员可以提出或确认收款账户的变更。",
    "Only an admin of the charity may propose or confirm a change of its bank account.",
);
pub const SECOND_PERSON: Problem = Problem::new(
    "需要另一位成员确认：提出变更的人不能自己确认。",
    "A second person must confirm: whoever proposed it cannot confirm it.",
);
pub const NOTHING_TO_CONFIRM: Problem = Problem::new(
    "没有等待确认的变更（可能已被他人确认或撤回）。",
    "Nothing is waiting for confirmation (someone may have confirmed or withdrawn it).",
);
pub const SUSPENDED: Problem = Problem::new(
    "该慈善组织的平台认证已被暂停，暂不接受认领、募款或新的认捐。",
    "This charity's verification is suspended: it cannot claim, raise money or take new pledges for now.",
);
pub const CONFIRM_REFUND: Problem = Problem::new(
    "请勾选确认：退款将把这笔认捐尚未拨付的款项退还捐赠人，且无法撤销。",
    "Tick to confirm: the refund returns what is left of this pledge to the donor and cannot be undone.",
);
pub const REFUND_REASON: Problem = Problem::new(
    "请填写退款原因（不超过 200 字）。",
    "Give the reason for the refund (200 characters at most).",
);
pub const PAYEE_FIELDS: Problem = Problem::new(
    "请完整填写户名、开户银行和账号。",
    "Give the account name, the bank and the account number.",
);
pub const PROPOSAL_CHANGED: Problem = Problem::new(
    "等待确认的内容在您打开页面后已被更改；请重新核对后再确认。",
    "What waits for confirmation changed after you opened the page; check it again before confirming.",
);
