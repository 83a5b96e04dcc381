//! Charges a provider collected on its own schedule (a Stripe invoice, paid or failed): which
//! command the outcome becomes in the subscription's current state, or why it becomes none.
//! The aggregate's rules stay exactly the ones the built-in scheduler meets: a boundary is
//! settled only once it is due, and only for the amount that is due; the first payment of an
//! incomplete subscription is not tied to a time.

use super::{ChargeResult, DueAction, Subscription, SubscriptionCommand, SubscriptionStatus};
use crate::money::Money;
use chrono::{DateTime, Utc};

impl DueAction {
    /// The command that settles this action with the outcome of its charge; `None` for
    /// [`DueAction::Expire`], which charges nothing.
    pub fn settle(self, now: DateTime<Utc>, charge: ChargeResult) -> Option<SubscriptionCommand> {
        match self {
            DueAction::EndTrial => Some(SubscriptionCommand::EndTrial { now, charge }),
            DueAction::Renew => Some(SubscriptionCommand::Renew { now, charge }),
            DueAction::RetryPayment => Some(SubscriptionCommand::RetryPayment { now, charge }),
            DueAction::Expire => None,
        }
    }
}

/// Why a collected charge settles nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotSettled {
    /// No charge is expected in the subscription's state.
    #[error("no charge is expected: {0}")]
    NothingDue(&'static str),
    /// The charge is for a boundary (or a retry) that falls due at this time, not yet.
    #[error("the charge is not due before {}", .0.to_rfc3339())]
    NotYetDue(DateTime<Utc>),
    /// The provider collected (or tried to collect) another amount than the one due.
    #[error("{collected} was invoiced but {due} is due")]
    WrongAmount { due: Money, collected: Money },
}

impl Subscription {
    /// The command a charge of `invoiced` that a provider reports at `now` becomes: the first
    /// payment of an incomplete subscription, or the trial end, renewal or retry that is due.
    pub fn settle_collected(
        &self,
        invoiced: Money,
        charge: ChargeResult,
        now: DateTime<Utc>,
    ) -> Result<SubscriptionCommand, NotSettled> {
        let status = self
            .status()
            .ok_or(NotSettled::NothingDue("the subscription does not exist"))?;
        let due = match self.amount_due() {
            Ok(Some(due)) => due,
            Ok(None) if status == SubscriptionStatus::Canceled => {
                return Err(NotSettled::NothingDue("the subscription has ended"));
            }
            Ok(None) => {
                return Err(NotSettled::NothingDue(
                    "the subscription is comped or set to end at period end",
                ));
            }
            Err(_) => return Err(NotSettled::NothingDue("the amount due is out of range")),
        };
        if invoiced != due {
            return Err(NotSettled::WrongAmount {
                due,
                collected: invoiced,
            });
        }
        if status == SubscriptionStatus::Incomplete {
            return Ok(SubscriptionCommand::ConfirmFirstPayment { now, charge });
        }
        let (at, action) = self
            .next_due()
            .ok_or(NotSettled::NothingDue("nothing is scheduled"))?;
        let command = action
            .settle(now, charge)
            .ok_or(NotSettled::NothingDue("the subscription is set to end"))?;
        if now < at {
            return Err(NotSettled::NotYetDue(at));
        }
        Ok(command)
    }
}
