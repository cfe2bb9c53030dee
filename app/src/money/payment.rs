//! How a donor pays. Payment happens outside the system; a provider only says how to
//! pay the charity for one pledge. The pledge logic never calls a provider: pages and
//! the API ask [`instructions`] for what to show, so adding a provider (an online
//! gateway, the charity's own channel) adds a type here and touches nothing else.

use crate::domain::Fen;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// The charity's account for transfers, as it entered it in its portal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payee {
    pub charity: String,
    pub account_name: Option<String>,
    pub bank: Option<String>,
    pub account: Option<String>,
}

/// What a pledge page shows under "how to pay".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInstructions {
    /// The provider's stable code (`bank_transfer`).
    pub method: String,
    /// Label → value lines, in Chinese and English: (zh label, en label, value).
    pub lines: Vec<(String, String, String)>,
    /// What to write in the transfer's remark so the charity can match it.
    pub reference: Option<String>,
    /// Said when the charity has not given its details yet.
    pub unavailable: bool,
}

impl PaymentInstructions {
    pub fn label(line: &(String, String, String), lang: Lang) -> String {
        lang.pick(&line.0, &line.1).to_owned()
    }
}

/// A way to pay a charity.
pub trait PaymentProvider: Send + Sync {
    /// The stable code of the method.
    fn code(&self) -> &'static str;
    /// How to pay `amount` to `payee`, quoting `reference` (a pledge's receipt code), or
    /// general instructions when there is no pledge yet.
    fn instructions(
        &self,
        payee: &Payee,
        amount: Option<Fen>,
        reference: Option<&str>,
    ) -> PaymentInstructions;
}

/// Offline bank transfer to the charity's account, quoting the receipt code.
pub struct BankTransfer;

impl PaymentProvider for BankTransfer {
    fn code(&self) -> &'static str {
        "bank_transfer"
    }

    fn instructions(
        &self,
        payee: &Payee,
        amount: Option<Fen>,
        reference: Option<&str>,
    ) -> PaymentInstructions {
        let line = |zh: &str, en: &str, v: &str| (zh.to_owned(), en.to_owned(), v.to_owned());
        let (Some(name), Some(bank), Some(account)) =
            (&payee.account_name, &payee.bank, &payee.account)
        else {
            return PaymentInstructions {
                method: self.code().to_owned(),
                lines: vec![line("收款机构", "Charity", &payee.charity)],
                reference: reference.map(str::to_owned),
                unavailable: true,
            };
        };
        let mut lines = vec![
            line("收款户名", "Account name", name),
            line("开户银行", "Bank", bank),
            line("账号", "Account number", account),
        ];
        if let Some(amount) = amount {
            lines.push(line("金额", "Amount", &amount.to_string()));
        }
        if let Some(r) = reference {
            lines.push(line(
                "转账附言（请务必填写）",
                "Transfer remark (required)",
                r,
            ));
        }
        PaymentInstructions {
            method: self.code().to_owned(),
            lines,
            reference: reference.map(str::to_owned),
            unavailable: false,
        }
    }
}

/// The provider the site uses. One today; a charity-level choice would be read here.
pub fn provider() -> &'static dyn PaymentProvider {
    &BankTransfer
}

/// How to pay `payee` for a pledge (or in general).
pub fn instructions(
    payee: &Payee,
    amount: Option<Fen>,
    reference: Option<&str>,
) -> PaymentInstructions {
    provider().instructions(payee, amount, reference)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bank_transfer_quotes_the_receipt_code() {
        let payee = Payee {
            charity: "吉林省善桥慈善基金会".into(),
            account_name: Some("吉林省善桥慈善基金会".into()),
            bank: Some("中国银行长春分行".into()),
            account: Some("1234 5678 9012".into()),
        };
        let i = instructions(&payee, Some(Fen(20_000)), Some("SQ-ABCD"));
        assert!(!i.unavailable);
        assert!(i.lines.iter().any(|l| l.2 == "SQ-ABCD"));
        assert!(i.lines.iter().any(|l| l.2 == "¥200"));
        let none = instructions(
            &Payee {
                charity: "x".into(),
                ..Default::default()
            },
            None,
            None,
        );
        assert!(none.unavailable);
    }
}
