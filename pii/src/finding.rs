//! The result types: what was found, how serious it is, and where.

use serde::{Deserialize, Serialize};

/// What kind of personal data a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Resident ID number: 18 digits with a valid check digit and birth date, or an old
    /// 15-digit one.
    IdNumber,
    /// Chinese mobile number, with or without the +86 prefix.
    Mobile,
    /// Landline number with its area code.
    Landline,
    /// Bank card number: 16 to 19 digits passing the Luhn check.
    BankCard,
    /// E-mail address.
    Email,
    /// A QQ number or WeChat id written next to its label ("QQ：123456789",
    /// "微信号 zhang_san88"), label included in the span.
    MessagingId,
    /// A motor-vehicle plate (GA 36, new-energy plates included).
    VehiclePlate,
    /// Exact address: road and house number, building / unit / room, village group.
    Address,
    /// A name of the need's own household.
    HouseholdName,
    /// The office's own case reference of the need (copied into the public text, it ties
    /// the need to the family's file).
    CaseReference,
    /// A combination of facts that identifies a family. Never produced by the scanner:
    /// reserved for the app, which computes it from stored data.
    QuasiIdentifier,
    /// A long digit run (9 digits or more) that matched no other rule: possibly an
    /// account, a QQ number or a document number worth a second look.
    LongNumber,
}

impl Kind {
    /// Every kind, in a stable order.
    pub const ALL: [Kind; 12] = [
        Kind::IdNumber,
        Kind::Mobile,
        Kind::Landline,
        Kind::BankCard,
        Kind::Email,
        Kind::MessagingId,
        Kind::VehiclePlate,
        Kind::Address,
        Kind::HouseholdName,
        Kind::CaseReference,
        Kind::QuasiIdentifier,
        Kind::LongNumber,
    ];

    /// The stable code, as serialized.
    pub fn code(&self) -> &'static str {
        match self {
            Kind::IdNumber => "id_number",
            Kind::Mobile => "mobile",
            Kind::Landline => "landline",
            Kind::BankCard => "bank_card",
            Kind::Email => "email",
            Kind::MessagingId => "messaging_id",
            Kind::VehiclePlate => "vehicle_plate",
            Kind::Address => "address",
            Kind::HouseholdName => "household_name",
            Kind::CaseReference => "case_reference",
            Kind::QuasiIdentifier => "quasi_identifier",
            Kind::LongNumber => "long_number",
        }
    }

    /// The label shown to Chinese-speaking users.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Kind::IdNumber => "身份证号",
            Kind::Mobile => "手机号",
            Kind::Landline => "固定电话",
            Kind::BankCard => "银行卡号",
            Kind::Email => "电子邮箱",
            Kind::MessagingId => "QQ号或微信号",
            Kind::VehiclePlate => "车牌号",
            Kind::Address => "详细地址",
            Kind::HouseholdName => "家庭成员姓名",
            Kind::CaseReference => "案件编号",
            Kind::QuasiIdentifier => "可识别身份的信息组合",
            Kind::LongNumber => "长数字串",
        }
    }

    /// The label shown to English-speaking users.
    pub fn label_en(&self) -> &'static str {
        match self {
            Kind::IdNumber => "Resident ID number",
            Kind::Mobile => "Mobile number",
            Kind::Landline => "Landline number",
            Kind::BankCard => "Bank card number",
            Kind::Email => "E-mail address",
            Kind::MessagingId => "QQ number or WeChat id",
            Kind::VehiclePlate => "Vehicle plate",
            Kind::Address => "Exact address",
            Kind::HouseholdName => "Household member's name",
            Kind::CaseReference => "Case reference",
            Kind::QuasiIdentifier => "Identifying combination of facts",
            Kind::LongNumber => "Long number",
        }
    }

    /// Tie-break between two findings with the same span: lower wins.
    pub(crate) fn rank(&self) -> u8 {
        match self {
            Kind::IdNumber => 0,
            Kind::BankCard => 1,
            Kind::Mobile => 2,
            Kind::Landline => 3,
            Kind::Email => 4,
            Kind::MessagingId => 5,
            Kind::VehiclePlate => 6,
            Kind::HouseholdName => 7,
            Kind::CaseReference => 8,
            Kind::Address => 9,
            Kind::QuasiIdentifier => 10,
            Kind::LongNumber => 11,
        }
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The text must not be published as it is.
    Blocking,
    /// Worth a second look; publishing is allowed.
    Warning,
}

impl Severity {
    /// The stable code, as serialized.
    pub fn code(&self) -> &'static str {
        match self {
            Severity::Blocking => "blocking",
            Severity::Warning => "warning",
        }
    }
}

/// One piece of personal data found in a text.
///
/// `start` and `end` are character offsets (Unicode scalar values, end exclusive) into
/// the scanned text, not byte offsets; `text` is the original substring.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Finding {
    pub kind: Kind,
    pub severity: Severity,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl Finding {
    /// Whether this finding blocks publication.
    pub fn is_blocking(&self) -> bool {
        self.severity == Severity::Blocking
    }
}

/// A finding before its text is cut out of the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Raw {
    pub kind: Kind,
    pub severity: Severity,
    pub start: usize,
    pub end: usize,
}

impl Raw {
    pub(crate) fn new(kind: Kind, severity: Severity, start: usize, end: usize) -> Self {
        Raw {
            kind,
            severity,
            start,
            end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_serde_names() {
        for kind in Kind::ALL {
            let json = serde_json::to_string(&kind).expect("serializable");
            assert_eq!(json, format!("\"{}\"", kind.code()));
            assert!(!kind.label_zh().is_empty());
            assert!(!kind.label_en().is_empty());
        }
        for severity in [Severity::Blocking, Severity::Warning] {
            let json = serde_json::to_string(&severity).expect("serializable");
            assert_eq!(json, format!("\"{}\"", severity.code()));
        }
    }

    #[test]
    fn finding_round_trips_through_json() {
        let finding = Finding {
            kind: Kind::Mobile,
            severity: Severity::Blocking,
            start: 3,
            end: 14,
            text: "13800138000".to_owned(),
        };
        let json = serde_json::to_string(&finding).expect("serializable");
        assert_eq!(
            json,
            r#"{"kind":"mobile","severity":"blocking","start":3,"end":14,"text":"13800138000"}"#
        );
        let back: Finding = serde_json::from_str(&json).expect("deserializable");
        assert_eq!(back, finding);
    }
}
