//! Read-model tables. The same DDL serves both backends.

use lyceum_store::migrate::Migration;

const READ_MODELS: &str = r#"
CREATE TABLE rm_spaces (
    id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL, currency TEXT NOT NULL,
    description TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    position BIGINT NOT NULL
);
CREATE TABLE rm_tiers (
    id TEXT PRIMARY KEY, space_id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
    currency TEXT NOT NULL, monthly_price_minor BIGINT, yearly_price_minor BIGINT,
    trial_days BIGINT NOT NULL, created_at TEXT NOT NULL, position BIGINT NOT NULL
);
CREATE INDEX rm_tiers_space ON rm_tiers (space_id, id);
CREATE TABLE rm_members (
    id TEXT PRIMARY KEY, space_id TEXT NOT NULL, email TEXT, display_name TEXT,
    status TEXT NOT NULL, erased BIGINT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, position BIGINT NOT NULL
);
CREATE INDEX rm_members_space ON rm_members (space_id, id);
CREATE TABLE rm_member_tiers (
    member_id TEXT NOT NULL, tier_id TEXT NOT NULL, space_id TEXT NOT NULL,
    joined_at TEXT NOT NULL, PRIMARY KEY (member_id, tier_id)
);
CREATE TABLE rm_content (
    id TEXT PRIMARY KEY, space_id TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL,
    body TEXT NOT NULL, excerpt TEXT, access TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, published_at TEXT,
    position BIGINT NOT NULL
);
CREATE INDEX rm_content_space ON rm_content (space_id, status, id);
"#;

const TIER_LIFECYCLE: &str = r#"
ALTER TABLE rm_tiers ADD COLUMN archived BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rm_tiers ADD COLUMN archived_at TEXT;
ALTER TABLE rm_tiers ADD COLUMN updated_at TEXT;
UPDATE rm_tiers SET updated_at = created_at;
"#;

const SUBSCRIPTIONS: &str = r#"
CREATE TABLE rm_subscriptions (
    id TEXT PRIMARY KEY, space_id TEXT NOT NULL, member_id TEXT NOT NULL, tier_id TEXT NOT NULL,
    status TEXT NOT NULL, billing_interval TEXT, price_minor BIGINT, currency TEXT,
    trial_end TEXT, period_start TEXT, period_end TEXT, cancel_at_period_end BIGINT NOT NULL,
    comp_until TEXT, started_at TEXT NOT NULL, ended_at TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, position BIGINT NOT NULL
);
CREATE INDEX rm_subscriptions_member ON rm_subscriptions (space_id, member_id, id);
"#;

const SUBSCRIPTION_DUE: &str = r#"
ALTER TABLE rm_subscriptions ADD COLUMN next_due_at TEXT;
ALTER TABLE rm_subscriptions ADD COLUMN next_due_action TEXT;
CREATE INDEX rm_subscriptions_due ON rm_subscriptions (next_due_at);
"#;

const ANALYTICS: &str = r#"
CREATE TABLE rm_mrr_changes (
    position BIGINT PRIMARY KEY, space_id TEXT NOT NULL, subscription_id TEXT NOT NULL,
    tier_id TEXT NOT NULL, currency TEXT, recorded_at TEXT NOT NULL,
    mrr_before_minor BIGINT NOT NULL, mrr_after_minor BIGINT NOT NULL,
    delta_minor BIGINT NOT NULL, status_after TEXT NOT NULL
);
CREATE INDEX rm_mrr_changes_space ON rm_mrr_changes (space_id, subscription_id, position);
"#;

const ORDERS: &str = r#"
CREATE TABLE rm_orders (
    id TEXT PRIMARY KEY, space_id TEXT NOT NULL, member_id TEXT NOT NULL, item_kind TEXT NOT NULL,
    content_id TEXT, tier_id TEXT, amount_minor BIGINT NOT NULL, currency TEXT NOT NULL,
    status TEXT NOT NULL, refunded_minor BIGINT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, position BIGINT NOT NULL
);
CREATE INDEX rm_orders_member ON rm_orders (space_id, member_id, id);
"#;

const LEDGER: &str = r#"
CREATE TABLE rm_ledger_entries (
    reference TEXT PRIMARY KEY, space_id TEXT NOT NULL, memo TEXT NOT NULL, currency TEXT NOT NULL,
    total_minor BIGINT NOT NULL, recorded_at TEXT NOT NULL, position BIGINT NOT NULL
);
CREATE TABLE rm_ledger_lines (
    reference TEXT NOT NULL, line_no BIGINT NOT NULL, space_id TEXT NOT NULL,
    account TEXT NOT NULL, side TEXT NOT NULL, amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL, PRIMARY KEY (reference, line_no)
);
CREATE INDEX rm_ledger_lines_space ON rm_ledger_lines (space_id, account, currency);
CREATE TABLE rm_ledger_positions (
    payment_key TEXT PRIMARY KEY, space_id TEXT NOT NULL, position TEXT NOT NULL
);
"#;

pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        id: "projections-0001-read-models",
        postgres: READ_MODELS,
        sqlite: READ_MODELS,
    },
    Migration {
        id: "projections-0002-tier-lifecycle",
        postgres: TIER_LIFECYCLE,
        sqlite: TIER_LIFECYCLE,
    },
    Migration {
        id: "projections-0003-subscriptions",
        postgres: SUBSCRIPTIONS,
        sqlite: SUBSCRIPTIONS,
    },
    Migration {
        id: "projections-0004-subscription-due",
        postgres: SUBSCRIPTION_DUE,
        sqlite: SUBSCRIPTION_DUE,
    },
    Migration {
        id: "projections-0005-analytics",
        postgres: ANALYTICS,
        sqlite: ANALYTICS,
    },
    Migration {
        id: "projections-0006-orders",
        postgres: ORDERS,
        sqlite: ORDERS,
    },
    Migration {
        id: "projections-0007-ledger",
        postgres: LEDGER,
        sqlite: LEDGER,
    },
];
