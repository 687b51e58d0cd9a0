//! How a shopper pays, modelled on Paystack's charge channels: a card, mobile money (M-Pesa,
//! MTN MoMo, Airtel Money…: the shopper approves a prompt on their phone) or a bank transfer
//! (to an account the provider gives for this charge, or by USSD). Each charge is opened for
//! one method; choosing another abandons the open charge and opens a new one.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    #[default]
    Card,
    MobileMoney,
    BankTransfer,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 3] =
        [PaymentMethod::Card, PaymentMethod::MobileMoney, PaymentMethod::BankTransfer];

    /// As stored, and as Paystack names the channel.
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Card => "card",
            PaymentMethod::MobileMoney => "mobile_money",
            PaymentMethod::BankTransfer => "bank_transfer",
        }
    }

    pub fn parse(value: &str) -> Option<PaymentMethod> {
        PaymentMethod::ALL.into_iter().find(|method| method.as_str() == value.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_named_as_paystack_names_its_channels() {
        for method in PaymentMethod::ALL {
            assert_eq!(PaymentMethod::parse(method.as_str()), Some(method));
            assert_eq!(serde_json::to_value(method).unwrap(), method.as_str());
        }
        assert_eq!(PaymentMethod::parse("cheque"), None);
    }
}
