//! The vocabulary of support: claims, funds, pledges and the ledger.

code_enum! {
    /// How a charity meets a claimed need.
    pub enum ClaimMode {
        Direct = "direct", "自有资源直接帮扶", "Direct, from own resources";
        Fundraise = "fundraise", "公开募集", "Open to public pledges";
    }
}

code_enum! {
    pub enum ClaimStatus {
        Active = "active", "进行中", "Active";
        Fulfilled = "fulfilled", "已完成待核实", "Fulfilled";
        Verified = "verified", "已核实", "Verified";
        Released = "released", "已退回", "Released";
        Lapsed = "lapsed", "已逾期失效", "Lapsed";
    }
}

code_enum! {
    /// 冠名基金 / 专项基金 / 帮扶项目.
    pub enum FundKind {
        Named = "named", "冠名基金", "Named fund";
        Special = "special", "专项基金", "Special fund";
        Project = "project", "帮扶项目", "Assistance project";
    }
}

code_enum! {
    /// What happens to money left when a need is met elsewhere or withdrawn.
    pub enum LeftoverPolicy {
        BackToFund = "back_to_fund", "退回基金", "Back to the fund";
        MostUrgentMatchingNeed = "most_urgent_matching_need", "转给最紧急的匹配需求", "To the most urgent matching need";
    }
}

code_enum! {
    pub enum FundStatus {
        Open = "open", "募集中", "Open";
        Closed = "closed", "已结束", "Closed";
    }
}

code_enum! {
    pub enum PledgeStatus {
        Pledged = "pledged", "已认捐待到账", "Pledged";
        Received = "received", "已到账", "Received";
        Allocated = "allocated", "已拨付", "Allocated";
        Cancelled = "cancelled", "已取消", "Cancelled";
        Lapsed = "lapsed", "逾期未到账", "Lapsed";
    }
}

code_enum! {
    /// The kind of a ledger transaction.
    pub enum LedgerKind {
        PledgeReceived = "pledge_received", "认捐到账", "Pledge received";
        Match = "match", "配捐", "Matching gift";
        Allocation = "allocation", "拨付", "Allocation";
        Disbursement = "disbursement", "支出", "Disbursement";
        Refund = "refund", "退款", "Refund";
        ReturnToFund = "return_to_fund", "退回基金", "Returned to fund";
    }
}

code_enum! {
    /// The accounts of the double-entry ledger; most are per fund, need or charity.
    pub enum LedgerAccount {
        Donors = "donors", "捐赠人", "Donors";
        MatchSponsor = "match_sponsor", "配捐方", "Matching sponsor";
        CharityUnrestricted = "charity_unrestricted", "机构非限定资金", "Charity, unrestricted";
        Fund = "fund", "基金", "Fund";
        Need = "need", "需求", "Need";
        Disbursed = "disbursed", "已支出", "Disbursed";
        Refunded = "refunded", "已退款", "Refunded";
    }
}
