//! The billing scheduler: finds subscriptions whose trial end, renewal, dunning retry or expiry
//! is due on the clock, charges what is owed through the payment provider, and issues the
//! command. It never misses one (the read model lists everything due, and a lagging row is
//! picked up on a later pass) and never issues one twice: the aggregate refuses a boundary that
//! is not due, a concurrent scheduler loses on the aggregate's version, and each charge's
//! idempotency key names the subscription and the moment it fell due, so a retry after a crash
//! gets the same payment back instead of a second one.
//!
//! A banned member is never charged again: at their subscription's next trial end, renewal or
//! retry the scheduler ends it (`member_banned`) instead. The period they paid for is theirs to
//! keep or the creator's to refund; their access ended with the ban.
//!
//! A subscription whose payment method Stripe collects with (see
//! `lyceum_domain::payment::method`) is never charged here: at a trial end, renewal or retry it
//! waits for Stripe's invoice webhook, which settles the boundary instead. Its expiries still
//! run here. Such waiting subscriptions are left out of the due list, so they never crowd out
//! the ones this scheduler must handle.

use crate::error::WorkerError;
use crate::feed::Nudge;
use crate::timed::{append_once, every_second, system_metadata};
use lyceum_domain::Aggregate;
use lyceum_domain::ids::MemberId;
use lyceum_domain::membership::charging::charge;
use lyceum_domain::membership::member::Member;
use lyceum_domain::membership::subscription::{DueAction, Subscription, SubscriptionCommand};
use lyceum_domain::payment::method::{Collector, collector_of};
use lyceum_domain::payment::providers::Payments;
use lyceum_store::clock::Clock;
use lyceum_store::command::{append_for, load};
use lyceum_store::occurring;
use lyceum_store::{Db, time};
use std::future::Future;
use std::sync::Arc;
use uuid::Uuid;

/// How many due subscriptions one pass handles.
const BATCH: i64 = 100;

/// Issues due subscription commands.
#[derive(Debug, Clone)]
pub struct Scheduler {
    db: Db,
    clock: Arc<dyn Clock>,
    payments: Payments,
}

/// What one subscription's turn came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Issued,
    NotDue,
    Lost,
}

impl Scheduler {
    /// A scheduler that charges renewals and retries through `payments`.
    pub fn new(db: Db, clock: Arc<dyn Clock>, payments: Payments) -> Self {
        Self {
            db,
            clock,
            payments,
        }
    }

    /// One pass: issues every command due now. Returns how many were issued.
    #[tracing::instrument(skip(self))]
    pub async fn run_due(&self) -> Result<usize, WorkerError> {
        let now = self.clock.now();
        let due = lyceum_projections::subscriptions::queries::due_subscriptions(
            &self.db,
            &time::format(now),
            BATCH,
        )
        .await?;
        let mut issued = 0;
        for id in due {
            let Ok(id) = Uuid::parse_str(&id) else {
                continue;
            };
            match self.handle(id, now).await {
                Ok(Outcome::Issued) => issued += 1,
                Ok(Outcome::NotDue | Outcome::Lost) => {}
                Err(error) => {
                    tracing::warn!(%error, subscription = %id, "could not run what is due")
                }
            }
        }
        Ok(issued)
    }

    /// Whether the member is banned, as their own stream says.
    async fn banned(&self, member: MemberId) -> Result<bool, WorkerError> {
        let loaded = load::<Member>(&self.db, member.0).await?;
        Ok(loaded.state.state.is_some_and(|m| m.banned))
    }

    async fn handle(
        &self,
        id: Uuid,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Outcome, WorkerError> {
        let loaded = load::<Subscription>(&self.db, id).await?;
        let Some((due_at, action)) = loaded.state.next_due() else {
            return Ok(Outcome::NotDue);
        };
        let Some(state) = loaded.state.state.as_ref() else {
            return Ok(Outcome::NotDue);
        };
        if due_at > now {
            return Ok(Outcome::NotDue);
        }
        let command = match action {
            DueAction::Expire => SubscriptionCommand::Expire { now },
            // A banned member is never charged again: the boundary ends the subscription.
            _ if self.banned(state.member_id).await? => SubscriptionCommand::CancelForBan { now },
            action => {
                let Some(amount) = loaded
                    .state
                    .amount_due()
                    .map_err(|e| WorkerError::Malformed(e.to_string()))?
                else {
                    return Ok(Outcome::NotDue);
                };
                let method = lyceum_store::billing::payment_method(&self.db, id)
                    .await?
                    .unwrap_or_default();
                if collector_of(&method) == Collector::Stripe {
                    return Ok(Outcome::NotDue);
                }
                let key = format!("{id}:{}", time::format(due_at));
                let provider = self.payments.for_space(state.space_id);
                let (charge, _) = charge(provider, amount, &method, key);
                match action.settle(now, charge) {
                    Some(command) => command,
                    None => return Ok(Outcome::NotDue),
                }
            }
        };
        let events = match loaded.state.decide(command) {
            Ok(events) => events,
            Err(error) => {
                tracing::warn!(%error, subscription = %id, "the due command was refused");
                return Ok(Outcome::NotDue);
            }
        };
        let metadata = system_metadata(
            state.space_id.0,
            "system:scheduler",
            format!("scheduler:{action:?}"),
        );
        let append = append_for::<Subscription>(id, loaded.version, &events, metadata, vec![])?;
        // `false`: another scheduler got there first.
        Ok(match append_once(&self.db, &append).await? {
            true => Outcome::Issued,
            false => Outcome::Lost,
        })
    }

    /// Runs a pass every second until `shutdown`, nudging the relay after issuing commands.
    pub async fn run(self, nudge: Nudge, shutdown: impl Future) -> Result<(), WorkerError> {
        every_second(
            "scheduler",
            || occurring::at(self.clock.business_time(), self.run_due()),
            nudge,
            shutdown,
        )
        .await
    }
}
