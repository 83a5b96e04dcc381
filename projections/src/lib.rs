//! Read models built from the log, the one pass that applies events to them (rows and
//! checkpoints in one transaction, idempotent by global position), rebuilds, checksums, and
//! the queries the API serves from them.

pub mod analytics;
pub mod apply;
mod bulk;
pub mod check_ins;
pub mod checksum;
pub mod content;
pub mod decode;
pub mod engagement;
pub mod interactions;
pub mod interest;
pub mod ledger;
pub mod members;
pub mod metrics;
pub mod orders;
pub mod page;
pub mod partition;
pub mod pass;
pub mod points;
pub mod questions;
pub mod rebuild;
mod schema;
pub mod spaces;
pub mod subscriptions;
pub mod tiers;
pub mod topics;

#[cfg(test)]
mod tests;

pub use apply::{Delivery, Part, apply_deliveries, catch_up};
pub use interest::Interest;

use lyceum_store::migrate::Migration;
use lyceum_store::{Db, StoreError, StoredEvent};
use sqlx::AnyConnection;

/// Calls `$callback!` with every read model as `Variant => "name"`, in declaration order: the
/// one list that [`Projection`] and the API's read-model types (`Fresh<…>`) are built from.
#[macro_export]
macro_rules! with_read_models {
    ($callback:ident) => {
        $callback!(
            Spaces => "spaces",
            Tiers => "tiers",
            Members => "members",
            Content => "content",
            Subscriptions => "subscriptions",
            Analytics => "analytics",
            Orders => "orders",
            Ledger => "ledger",
            CheckIns => "check_ins",
            Points => "points",
            Questions => "questions",
            Engagement => "engagement",
            Interactions => "interactions",
        );
    };
}

macro_rules! projections {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// Every read model Lyceum keeps.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Projection {
            $($variant),*
        }

        impl Projection {
            pub const ALL: [Projection; [$(Projection::$variant),*].len()] =
                [$(Projection::$variant),*];

            /// The stable name: checkpoint key, queue suffix and `--projection` value.
            pub fn name(self) -> &'static str {
                match self {
                    $(Projection::$variant => $name),*
                }
            }
        }
    };
}

with_read_models!(projections);

impl Projection {
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The tables this projection owns, each with the columns that order it.
    pub fn tables(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Projection::Spaces => &[("rm_spaces", "id")],
            Projection::Tiers => &[("rm_tiers", "id")],
            Projection::Members => &[
                ("rm_members", "id"),
                ("rm_member_tiers", "member_id, tier_id"),
            ],
            Projection::Content => &[
                ("rm_content", "id"),
                ("rm_content_revisions", "content_id, revision"),
                ("rm_content_tags", "content_id, tag"),
                ("rm_content_topics", "content_id, topic_id"),
                ("rm_topics", "id"),
                ("rm_topic_relations", "from_id, to_id, relation"),
            ],
            Projection::Subscriptions => &[("rm_subscriptions", "id")],
            Projection::Analytics => &[("rm_mrr_changes", "position")],
            Projection::Orders => &[("rm_orders", "id")],
            Projection::Ledger => &[
                ("rm_ledger_entries", "reference"),
                ("rm_ledger_lines", "reference, line_no"),
                ("rm_ledger_positions", "payment_key"),
                ("rm_ledger_terms", "space_id"),
                ("rm_referrals", "subscription_id"),
            ],
            Projection::CheckIns => &[
                ("rm_check_in_projects", "id"),
                ("rm_check_ins", "project_id, member_id, day"),
                ("rm_check_in_streaks", "project_id, member_id"),
            ],
            Projection::Points => &[
                ("rm_points_rules", "space_id"),
                ("rm_points_ledger", "position"),
                ("rm_points_balances", "member_id"),
                ("rm_points_weekly", "space_id, week, member_id"),
                ("rm_points_daily", "member_id, action, day"),
                ("rm_action_counts", "member_id, action"),
                ("rm_action_subjects", "member_id, action, subject"),
                ("rm_badges", "member_id, badge"),
            ],
            Projection::Questions => &[
                ("rm_questions", "id"),
                ("rm_answers", "id"),
                ("rm_guests", "member_id"),
            ],
            Projection::Engagement => &[
                ("rm_item_stats", "content_id"),
                ("rm_comments", "id"),
                ("rm_reports", "id"),
                ("rm_lesson_completions", "member_id, course_id, lesson_id"),
                ("rm_course_completions", "member_id, course_id"),
            ],
            Projection::Interactions => &[
                ("rm_interactions", "member_id, content_id"),
                ("rm_member_activity", "position"),
                ("rm_interaction_orders", "order_id"),
            ],
        }
    }

    /// Applies one event to this projection's rows. Events it does not use are ignored.
    async fn apply(self, conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
        if !self.wants(event) {
            return Ok(());
        }
        match self {
            Projection::Spaces => spaces::apply(conn, event).await,
            Projection::Tiers => tiers::apply(conn, event).await,
            Projection::Members => members::apply(conn, event).await,
            Projection::Content => content::apply(conn, event).await,
            Projection::Subscriptions => subscriptions::apply(conn, event).await,
            Projection::Analytics => analytics::apply(conn, event).await,
            Projection::Orders => orders::apply(conn, event).await,
            Projection::Ledger => ledger::apply(conn, event).await,
            Projection::CheckIns => check_ins::apply(conn, event).await,
            Projection::Points => points::apply(conn, event).await,
            Projection::Questions => questions::apply(conn, event).await,
            Projection::Engagement => engagement::apply(conn, event).await,
            Projection::Interactions => interactions::apply(conn, event).await,
        }
    }

    /// Applies a share of a batch (events this projection handles, in position order) to its
    /// rows. Read models with hot event types write them with fewer, larger statements; the
    /// rows are the same as applying the events one by one.
    async fn apply_batch(
        self,
        conn: &mut AnyConnection,
        events: &[&StoredEvent],
    ) -> Result<(), StoreError> {
        match self {
            Projection::Engagement => engagement::apply_batch(conn, events).await,
            Projection::Interactions => interactions::apply_batch(conn, events).await,
            Projection::Points => points::apply_batch(conn, events).await,
            Projection::Members => members::apply_batch(conn, events).await,
            Projection::CheckIns => check_ins::apply_batch(conn, events).await,
            _ => {
                for event in events {
                    self.apply(conn, event).await?;
                }
                Ok(())
            }
        }
    }
}

/// The read models' migrations.
pub fn migrations() -> &'static [Migration] {
    schema::MIGRATIONS
}

/// How far `projection` has applied the log: every event at or below it is in its rows.
pub async fn checkpoint_of(db: &Db, projection: Projection) -> Result<i64, StoreError> {
    lyceum_store::read::lowest_partition_checkpoint(db, projection.name()).await
}

/// The lowest checkpoint over all projections: every read model has applied the log up to it.
pub async fn min_checkpoint(db: &Db) -> Result<i64, StoreError> {
    let mut lowest = i64::MAX;
    for projection in Projection::ALL {
        lowest = lowest.min(checkpoint_of(db, projection).await?);
    }
    Ok(lowest)
}
