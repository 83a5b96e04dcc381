//! Ledger accounts: what kind of money an account holds, and which side it grows on.

use crate::ids::SpaceId;
use serde::{Deserialize, Serialize};

/// Which column of a journal line an amount is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Debit,
    Credit,
}

impl Side {
    /// The other side, used to reverse an entry.
    pub fn opposite(self) -> Side {
        match self {
            Side::Debit => Side::Credit,
            Side::Credit => Side::Debit,
        }
    }
}

/// The kinds of account every space has. See the module docs of [`crate::ledger`] for what
/// each fact debits and credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// Gross cash received from members (an asset; debit-normal).
    MemberPayments,
    /// What the space's creator has earned and is owed (credit-normal).
    CreatorEarnings,
    /// The platform's fee income (credit-normal).
    PlatformFees,
    /// Commission owed to referring members (credit-normal).
    ReferralCommissions,
    /// Cash given back to members, by refund or lost dispute (contra to MemberPayments;
    /// credit-normal).
    Refunds,
    /// Cash the provider holds on open disputes (contra to MemberPayments; credit-normal).
    Disputes,
}

impl AccountKind {
    /// Every kind, for reports and exhaustive tests.
    pub const ALL: [AccountKind; 6] = [
        AccountKind::MemberPayments,
        AccountKind::CreatorEarnings,
        AccountKind::PlatformFees,
        AccountKind::ReferralCommissions,
        AccountKind::Refunds,
        AccountKind::Disputes,
    ];

    /// The side on which the account's balance grows.
    pub fn normal_side(self) -> Side {
        match self {
            AccountKind::MemberPayments => Side::Debit,
            _ => Side::Credit,
        }
    }

    /// A stable snake_case name, for storage and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::MemberPayments => "member_payments",
            AccountKind::CreatorEarnings => "creator_earnings",
            AccountKind::PlatformFees => "platform_fees",
            AccountKind::ReferralCommissions => "referral_commissions",
            AccountKind::Refunds => "refunds",
            AccountKind::Disputes => "disputes",
        }
    }
}

/// One account of one space. Nothing crosses spaces: an entry's lines all name one space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Account {
    pub space_id: SpaceId,
    pub kind: AccountKind,
}

impl Account {
    /// The account of `kind` in `space_id`.
    pub fn new(space_id: SpaceId, kind: AccountKind) -> Self {
        Self { space_id, kind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_member_payments_is_debit_normal() {
        let debit_normal: Vec<_> = AccountKind::ALL
            .into_iter()
            .filter(|k| k.normal_side() == Side::Debit)
            .collect();
        assert_eq!(debit_normal, [AccountKind::MemberPayments]);
    }

    #[test]
    fn names_match_serde() {
        for kind in AccountKind::ALL {
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::Value::String(kind.as_str().to_owned()))
            );
        }
    }
}
