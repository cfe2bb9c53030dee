//! The vocabulary of needs: what kind of help, for whom, how urgent, and where in its
//! lifecycle a need stands.

code_enum! {
    /// 帮扶类型: what kind of help a need asks for.
    pub enum AssistanceType {
        Medical = "medical", "医疗", "Medical";
        Education = "education", "教育", "Education";
        Housing = "housing", "住房", "Housing";
        Employment = "employment", "就业", "Employment";
        BasicLiving = "basic_living", "基本生活", "Basic living";
        TemporaryAid = "temporary_aid", "临时救助", "Temporary aid";
        ElderlyCare = "elderly_care", "养老服务", "Elderly care";
        Children = "children", "困境儿童", "Children in difficulty";
        Disability = "disability", "残疾人帮扶", "Disability support";
        CareServices = "care_services", "服务类", "Care services";
    }
}

code_enum! {
    /// 低收入人口类别: the household's category in the low-income population.
    pub enum HouseholdCategory {
        Dibao = "dibao", "最低生活保障对象", "Minimum-subsistence (dibao) recipient";
        Tekun = "tekun", "特困人员", "Person in extreme poverty";
        DibaoEdge = "dibao_edge", "低保边缘家庭", "Household at the dibao margin";
        RelapseWatch = "relapse_watch", "防止返贫监测对象", "Monitored against relapse into poverty";
        RigidExpense = "rigid_expense", "刚性支出困难家庭", "Hardship from unavoidable expenses";
        Other = "other", "其他困难人员", "Other person in hardship";
    }
}

code_enum! {
    /// Whether the family is outside government assistance or still in hardship within it.
    pub enum Coverage {
        Outside = "outside", "未纳入政府救助", "Outside government assistance";
        StillInHardship = "still_in_hardship", "已获救助仍有困难", "Still in hardship after assistance";
    }
}

code_enum! {
    /// Age band of the person helped. The last three are the wider bands the PII guard
    /// generalizes to when a need would otherwise single out a family.
    pub enum AgeBand {
        Infant = "0-5", "0–5 岁", "0–5";
        Child = "6-11", "6–11 岁", "6–11";
        Teen = "12-17", "12–17 岁", "12–17";
        YoungAdult = "18-29", "18–29 岁", "18–29";
        Adult = "30-44", "30–44 岁", "30–44";
        MiddleAged = "45-59", "45–59 岁", "45–59";
        Senior = "60-69", "60–69 岁", "60–69";
        Elderly = "70-79", "70–79 岁", "70–79";
        Oldest = "80+", "80 岁以上", "80+";
        Minor = "0-17", "未成年（0–17 岁）", "Minor (0–17)";
        WorkingAge = "18-59", "18–59 岁", "18–59";
        Older = "60+", "60 岁以上", "60+";
    }
}

code_enum! {
    /// Household size, exact or (after generalization) as a bucket.
    pub enum HouseholdSize {
        One = "1", "1 人", "1 person";
        Two = "2", "2 人", "2 people";
        Three = "3", "3 人", "3 people";
        Four = "4", "4 人", "4 people";
        Five = "5", "5 人", "5 people";
        SixPlus = "6+", "6 人及以上", "6 or more";
        OneToTwo = "1-2", "1–2 人", "1–2 people";
        ThreeToFour = "3-4", "3–4 人", "3–4 people";
        FivePlus = "5+", "5 人及以上", "5 or more";
    }
}

code_enum! {
    /// How soon help is needed; it sets a claim's due date.
    pub enum Urgency {
        Low = "low", "一般", "Low";
        Normal = "normal", "较急", "Normal";
        High = "high", "紧急", "High";
        Critical = "critical", "特急", "Critical";
    }
}

impl Urgency {
    /// Days a charity has to fulfil a claim on a need of this urgency.
    pub fn claim_lease_days(self) -> i64 {
        match self {
            Urgency::Critical => 7,
            Urgency::High => 14,
            Urgency::Normal => 30,
            Urgency::Low => 60,
        }
    }
}

code_enum! {
    /// Where a need stands in its lifecycle.
    pub enum NeedStatus {
        Draft = "draft", "草稿", "Draft";
        InReview = "in_review", "审核中", "In review";
        Published = "published", "待认领", "Open";
        Claimed = "claimed", "已认领", "Claimed";
        Fulfilled = "fulfilled", "已完成待核实", "Fulfilled, awaiting verification";
        Verified = "verified", "已核实办结", "Verified";
        Withdrawn = "withdrawn", "已撤回", "Withdrawn";
        Expired = "expired", "已过期", "Expired";
    }
}

impl NeedStatus {
    /// Statuses whose public copy may be shown on public pages. Everything else —
    /// drafts, needs in review, withdrawn needs — answers "not found".
    pub const PUBLIC: &'static [NeedStatus] = &[
        NeedStatus::Published,
        NeedStatus::Claimed,
        NeedStatus::Fulfilled,
        NeedStatus::Verified,
        NeedStatus::Expired,
    ];

    pub fn is_public(self) -> bool {
        Self::PUBLIC.contains(&self)
    }
}

code_enum! {
    /// Why staff closed a need.
    pub enum CloseReason {
        MetFully = "met_fully", "已完全满足", "Met fully";
        MetPartially = "met_partially", "部分满足", "Met partially";
        MetElsewhere = "met_elsewhere", "已通过其他渠道解决", "Met elsewhere";
        NoLongerNeeded = "no_longer_needed", "不再需要", "No longer needed";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_errors() {
        for t in AssistanceType::ALL {
            assert_eq!(AssistanceType::parse(t.code()), Ok(*t));
        }
        for b in AgeBand::ALL {
            assert_eq!(b.code().parse::<AgeBand>(), Ok(*b));
        }
        assert!(NeedStatus::parse("deleted").is_err());
        assert_eq!(HouseholdCategory::Tekun.label(Lang::Zh), "特困人员");
        assert_eq!(
            serde_json::to_string(&HouseholdSize::SixPlus).expect("serializes"),
            "\"6+\""
        );
    }

    #[test]
    fn only_published_and_later_states_are_public() {
        assert!(!NeedStatus::Draft.is_public());
        assert!(!NeedStatus::InReview.is_public());
        assert!(!NeedStatus::Withdrawn.is_public());
        assert!(NeedStatus::Published.is_public());
        assert!(NeedStatus::Verified.is_public());
    }
}
