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

pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    id: "projections-0001-read-models",
    postgres: READ_MODELS,
    sqlite: READ_MODELS,
}];
