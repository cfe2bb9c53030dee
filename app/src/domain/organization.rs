//! Organizations and the roles people hold in them.

code_enum! {
    pub enum OrganizationKind {
        CivilAffairs = "civil_affairs", "民政部门", "Civil-affairs office";
        Charity = "charity", "慈善组织", "Charity";
    }
}

code_enum! {
    /// A charity's verification by a platform admin.
    pub enum Verification {
        Pending = "pending", "待审核", "Pending";
        Verified = "verified", "已认证", "Verified";
        Rejected = "rejected", "未通过", "Rejected";
    }
}

code_enum! {
    /// A member's role in an organization.
    pub enum Role {
        Caseworker = "caseworker", "经办人", "Caseworker";
        Reviewer = "reviewer", "审核人", "Reviewer";
        OfficeAdmin = "office_admin", "部门管理员", "Office admin";
        CharityMember = "charity_member", "机构成员", "Charity member";
        CharityAdmin = "charity_admin", "机构管理员", "Charity admin";
    }
}

impl Role {
    /// Whether this role belongs to organizations of `kind`.
    pub fn fits(self, kind: OrganizationKind) -> bool {
        match self {
            Role::Caseworker | Role::Reviewer | Role::OfficeAdmin => {
                kind == OrganizationKind::CivilAffairs
            }
            Role::CharityMember | Role::CharityAdmin => kind == OrganizationKind::Charity,
        }
    }
}
