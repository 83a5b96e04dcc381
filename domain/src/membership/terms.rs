//! A space's billing terms: the platform's fee, the referral commission, the dunning schedule,
//! how long a past-due member keeps access, and what a refund does to access. Valid by
//! construction, so every reader (the subscription start, the ledger, the entitlements) can use
//! them without checking again.

use crate::error::DomainError;
use crate::ledger::BPS_WHOLE;
use crate::membership::subscription::DunningSchedule;
use serde::{Deserialize, Serialize};

/// The longest grace a space may give a past-due member, in days.
pub const MAX_GRACE_DAYS: u32 = 60;

/// What a refund of a one-off purchase does to the member's access to the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundAccess {
    /// Access ends when the whole price has been refunded (or a dispute was lost).
    #[default]
    RevokeOnFullRefund,
    /// Access ends with the first refund, partial or full (or a lost dispute).
    RevokeOnAnyRefund,
    /// A refund never ends access; a lost dispute still does.
    Keep,
}

impl RefundAccess {
    /// Whether an item bought for `paid` keeps its access after `refunded` was given back.
    pub fn keeps_access(self, paid: i64, refunded: i64) -> bool {
        match self {
            RefundAccess::RevokeOnFullRefund => refunded < paid,
            RefundAccess::RevokeOnAnyRefund => refunded == 0,
            RefundAccess::Keep => true,
        }
    }
}

/// A space's billing terms. The default takes no platform fee, pays no commission, retries on
/// days 1, 3 and 5, keeps a past-due member's access for 7 days and revokes a purchase on a full
/// refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawTerms")]
pub struct BillingTerms {
    platform_fee_bps: u32,
    referral_commission_bps: u32,
    dunning_retry_days: DunningSchedule,
    past_due_grace_days: u32,
    refund_access: RefundAccess,
}

#[derive(Deserialize)]
struct RawTerms {
    platform_fee_bps: u32,
    referral_commission_bps: u32,
    dunning_retry_days: DunningSchedule,
    past_due_grace_days: u32,
    refund_access: RefundAccess,
}

impl TryFrom<RawTerms> for BillingTerms {
    type Error = DomainError;
    fn try_from(raw: RawTerms) -> Result<Self, Self::Error> {
        Self::new(
            raw.platform_fee_bps,
            raw.referral_commission_bps,
            raw.dunning_retry_days,
            raw.past_due_grace_days,
            raw.refund_access,
        )
    }
}

impl Default for BillingTerms {
    fn default() -> Self {
        Self {
            platform_fee_bps: 0,
            referral_commission_bps: 0,
            dunning_retry_days: DunningSchedule::default(),
            past_due_grace_days: 7,
            refund_access: RefundAccess::default(),
        }
    }
}

impl BillingTerms {
    /// Checks the terms: the fee and the commission are basis points that together leave the
    /// creator something (at most 100 % between them), and the grace is at most
    /// [`MAX_GRACE_DAYS`].
    pub fn new(
        platform_fee_bps: u32,
        referral_commission_bps: u32,
        dunning_retry_days: DunningSchedule,
        past_due_grace_days: u32,
        refund_access: RefundAccess,
    ) -> Result<Self, DomainError> {
        if platform_fee_bps > BPS_WHOLE || referral_commission_bps > BPS_WHOLE {
            return Err(DomainError::validation(format!(
                "platform_fee_bps and referral_commission_bps are basis points from 0 to {BPS_WHOLE}"
            )));
        }
        if platform_fee_bps + referral_commission_bps > BPS_WHOLE {
            return Err(DomainError::validation(
                "the platform fee and the referral commission together must not exceed 100%",
            ));
        }
        if past_due_grace_days > MAX_GRACE_DAYS {
            return Err(DomainError::validation(format!(
                "past_due_grace_days must be at most {MAX_GRACE_DAYS}"
            )));
        }
        Ok(Self {
            platform_fee_bps,
            referral_commission_bps,
            dunning_retry_days,
            past_due_grace_days,
            refund_access,
        })
    }

    /// The platform's share of every payment, in basis points.
    pub fn platform_fee_bps(&self) -> u32 {
        self.platform_fee_bps
    }

    /// A referrer's share of a referred member's first payment, in basis points.
    pub fn referral_commission_bps(&self) -> u32 {
        self.referral_commission_bps
    }

    /// The retry days new subscriptions keep.
    pub fn dunning_retry_days(&self) -> &DunningSchedule {
        &self.dunning_retry_days
    }

    /// How many days after its first failed charge a past-due subscription still grants access.
    pub fn past_due_grace_days(&self) -> u32 {
        self.past_due_grace_days
    }

    pub fn refund_access(&self) -> RefundAccess {
        self.refund_access
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(fee: u32, commission: u32, grace: u32) -> Result<BillingTerms, DomainError> {
        BillingTerms::new(
            fee,
            commission,
            DunningSchedule::default(),
            grace,
            RefundAccess::default(),
        )
    }

    #[test]
    fn fee_and_commission_may_share_the_whole_payment_but_not_more() {
        assert!(terms(2_000, 8_000, 7).is_ok());
        assert!(terms(2_001, 8_000, 7).is_err());
        assert!(terms(10_001, 0, 7).is_err());
    }

    #[test]
    fn grace_is_bounded() {
        assert!(terms(0, 0, MAX_GRACE_DAYS).is_ok());
        assert!(terms(0, 0, MAX_GRACE_DAYS + 1).is_err());
    }

    #[test]
    fn terms_that_break_the_rules_do_not_deserialize() {
        let json = r#"{"platform_fee_bps":9000,"referral_commission_bps":2000,
            "dunning_retry_days":[1,3,5],"past_due_grace_days":7,
            "refund_access":"revoke_on_full_refund"}"#;
        assert!(serde_json::from_str::<BillingTerms>(json).is_err());
        let ok = json.replace("9000", "1000");
        let parsed: BillingTerms = serde_json::from_str(&ok).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.platform_fee_bps(), 1_000);
    }

    #[test]
    fn refund_rules_decide_access_from_paid_and_refunded() {
        use RefundAccess::*;
        assert!(RevokeOnFullRefund.keeps_access(1_000, 999));
        assert!(!RevokeOnFullRefund.keeps_access(1_000, 1_000));
        assert!(RevokeOnAnyRefund.keeps_access(1_000, 0));
        assert!(!RevokeOnAnyRefund.keeps_access(1_000, 1));
        assert!(Keep.keeps_access(1_000, 1_000));
    }
}
