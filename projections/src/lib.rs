//! Read models built from the log, the one step that applies events to them (rows and
//! checkpoint in one transaction, idempotent by global position), rebuilds, checksums, and the
//! queries the API serves from them.

pub mod analytics;
pub mod apply;
pub mod checksum;
mod content;
pub mod ledger;
mod members;
pub mod orders;
pub mod queries;
pub mod rebuild;
mod schema;
mod spaces;
pub mod subscriptions;
mod tiers;

pub use apply::{Delivery, apply_deliveries, catch_up};

use lyceum_store::migrate::Migration;
use lyceum_store::{Db, StoreError, StoredEvent};
use sqlx::AnyConnection;

/// Every read model Lyceum keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Projection {
    Spaces,
    Tiers,
    Members,
    Content,
    Subscriptions,
    Analytics,
    Orders,
    Ledger,
}

impl Projection {
    pub const ALL: [Projection; 8] = [
        Projection::Spaces,
        Projection::Tiers,
        Projection::Members,
        Projection::Content,
        Projection::Subscriptions,
        Projection::Analytics,
        Projection::Orders,
        Projection::Ledger,
    ];

    /// The stable name: checkpoint key, queue suffix and `--projection` value.
    pub fn name(self) -> &'static str {
        match self {
            Projection::Spaces => "spaces",
            Projection::Tiers => "tiers",
            Projection::Members => "members",
            Projection::Content => "content",
            Projection::Subscriptions => "subscriptions",
            Projection::Analytics => "analytics",
            Projection::Orders => "orders",
            Projection::Ledger => "ledger",
        }
    }

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
            Projection::Content => &[("rm_content", "id")],
            Projection::Subscriptions => &[("rm_subscriptions", "id")],
            Projection::Analytics => &[("rm_mrr_changes", "position")],
            Projection::Orders => &[("rm_orders", "id")],
            Projection::Ledger => &[
                ("rm_ledger_entries", "reference"),
                ("rm_ledger_lines", "reference, line_no"),
                ("rm_ledger_positions", "payment_key"),
            ],
        }
    }

    /// Applies one event to this projection's rows. Events it does not use are ignored.
    async fn apply(self, conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
        match self {
            Projection::Spaces => spaces::apply(conn, event).await,
            Projection::Tiers => tiers::apply(conn, event).await,
            Projection::Members => members::apply(conn, event).await,
            Projection::Content => content::apply(conn, event).await,
            Projection::Subscriptions => subscriptions::apply(conn, event).await,
            Projection::Analytics => analytics::apply(conn, event).await,
            Projection::Orders => orders::apply(conn, event).await,
            Projection::Ledger => ledger::apply(conn, event).await,
        }
    }
}

/// The read models' migrations.
pub fn migrations() -> &'static [Migration] {
    schema::MIGRATIONS
}

/// The lowest checkpoint over all projections: every read model has applied the log up to it.
pub async fn min_checkpoint(db: &Db) -> Result<i64, StoreError> {
    let mut lowest = i64::MAX;
    for projection in Projection::ALL {
        lowest = lowest.min(lyceum_store::read::checkpoint(db, projection.name()).await?);
    }
    Ok(lowest)
}
