//! Alerts' vocabulary: what an event is about, what a notification tells, how often a
//! subscription speaks and what it listens for.

use crate::i18n::Lang;

code_enum! {
    /// What an alert event is about (a row of the alert outbox).
    pub enum EventKind {
        NeedPublished = "need_published", "新需求发布", "New need published";
        ReviewWaiting = "review_waiting", "需求待审核", "A need waits for review";
        ClaimTaken = "claim_taken", "需求被认领", "A need was claimed";
        ClaimReleased = "claim_released", "认领被放弃", "A claim was released";
        ClaimLapsed = "claim_lapsed", "认领已逾期", "A claim lapsed";
        ReportSubmitted = "report_submitted", "提交了履约报告", "Fulfilment reported";
        ReportQuestioned = "report_questioned", "履约报告被退回", "Fulfilment report questioned";
        ReportVerified = "report_verified", "履约已核实", "Fulfilment verified";
        ClaimDue = "claim_due", "认领即将到期", "A claim is nearly due";
    }
}

code_enum! {
    /// What a notification tells; the direct kinds (all but the subscription ones) are
    /// those each person chooses to get by e-mail in `/account`.
    pub enum NoticeKind {
        NewMatch = "new_match", "符合订阅的新需求", "New needs for my subscriptions";
        NeedReturned = "need_returned", "重新开放的需求", "Needs back in the library";
        Digest = "digest", "每日汇总", "Daily digests";
        ReviewWaiting = "review_waiting", "本地区需求待审核", "A need of my region waits for review";
        ClaimTaken = "claim_taken", "本地区需求被认领", "A need of my region was claimed";
        ClaimReleased = "claim_released", "本地区认领被放弃", "A claim in my region was released";
        ClaimLapsed = "claim_lapsed", "认领逾期", "A claim lapsed";
        ReportSubmitted = "report_submitted", "本地区履约报告提交", "Fulfilment reported in my region";
        ReportQuestioned = "report_questioned", "本机构履约报告被退回", "Our fulfilment report was questioned";
        ReportVerified = "report_verified", "本机构履约已核实", "Our fulfilment was verified";
        ClaimDue = "claim_due", "本机构认领即将到期", "Our claim is nearly due";
        PayeeChange = "payee_change", "本机构收款账户变更", "A change of our bank account";
    }
}

impl NoticeKind {
    /// The kinds a person turns on or off for e-mail in `/account` (subscriptions say
    /// for themselves whether they e-mail).
    pub const DIRECT: [NoticeKind; 8] = [
        NoticeKind::ReviewWaiting,
        NoticeKind::ClaimTaken,
        NoticeKind::ClaimReleased,
        NoticeKind::ClaimLapsed,
        NoticeKind::ReportSubmitted,
        NoticeKind::ReportQuestioned,
        NoticeKind::ReportVerified,
        NoticeKind::ClaimDue,
    ];

    /// One line saying what happened: `subject` is the need's public title (a digest's
    /// count), `detail` a subscription's label, a charity's name or a date.
    pub fn headline(self, subject: &str, detail: &str, lang: Lang) -> String {
        match (self, lang) {
            (NoticeKind::PayeeChange, Lang::Zh) => format!("收款账户：{subject}（{detail}）"),
            (NoticeKind::PayeeChange, Lang::En) => format!("Bank account: {subject} ({detail})"),
            (NoticeKind::NewMatch, Lang::Zh) => format!("符合订阅「{detail}」的新需求：{subject}"),
            (NoticeKind::NewMatch, Lang::En) => format!("New need for “{detail}”: {subject}"),
            (NoticeKind::NeedReturned, Lang::Zh) => {
                format!("需求重新开放，符合订阅「{detail}」：{subject}")
            }
            (NoticeKind::NeedReturned, Lang::En) => {
                format!("Back in the library, for “{detail}”: {subject}")
            }
            (NoticeKind::Digest, Lang::Zh) => {
                format!("订阅「{detail}」的每日汇总：{subject} 条需求")
            }
            (NoticeKind::Digest, Lang::En) => {
                format!("Daily digest for “{detail}”: {subject} needs")
            }
            (NoticeKind::ReviewWaiting, Lang::Zh) => format!("待审核：{subject}"),
            (NoticeKind::ReviewWaiting, Lang::En) => format!("Waiting for review: {subject}"),
            (NoticeKind::ClaimTaken, Lang::Zh) => format!("{detail} 认领了需求：{subject}"),
            (NoticeKind::ClaimTaken, Lang::En) => format!("{detail} claimed: {subject}"),
            (NoticeKind::ClaimReleased, Lang::Zh) => format!("{detail} 放弃了认领：{subject}"),
            (NoticeKind::ClaimReleased, Lang::En) => {
                format!("{detail} released its claim: {subject}")
            }
            (NoticeKind::ClaimLapsed, Lang::Zh) => format!("{detail} 的认领已逾期：{subject}"),
            (NoticeKind::ClaimLapsed, Lang::En) => {
                format!("The claim of {detail} lapsed: {subject}")
            }
            (NoticeKind::ReportSubmitted, Lang::Zh) => {
                format!("{detail} 提交了履约报告：{subject}")
            }
            (NoticeKind::ReportSubmitted, Lang::En) => {
                format!("{detail} reported fulfilment: {subject}")
            }
            (NoticeKind::ReportQuestioned, Lang::Zh) => {
                format!("履约报告被退回，请补充：{subject}")
            }
            (NoticeKind::ReportQuestioned, Lang::En) => {
                format!("Your fulfilment report was questioned: {subject}")
            }
            (NoticeKind::ReportVerified, Lang::Zh) => format!("履约已核实：{subject}"),
            (NoticeKind::ReportVerified, Lang::En) => format!("Fulfilment verified: {subject}"),
            (NoticeKind::ClaimDue, Lang::Zh) => format!("认领将于 {detail} 到期：{subject}"),
            (NoticeKind::ClaimDue, Lang::En) => format!("Claim due on {detail}: {subject}"),
        }
    }
}

code_enum! {
    /// How often a subscription speaks.
    pub enum Frequency {
        Immediate = "immediate", "即时", "Immediately";
        Daily = "daily", "每日汇总", "Daily digest";
    }
}

code_enum! {
    /// What a subscription listens for.
    pub enum SubscriptionKind {
        Search = "search", "保存的搜索", "Saved search";
        Profile = "profile", "符合供给档案的需求", "Needs that fit our supply profile";
    }
}
