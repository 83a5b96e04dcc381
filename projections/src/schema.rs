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

const TERMS_LEVELS_REFERRALS: &str = r#"
ALTER TABLE rm_spaces ADD COLUMN billing_terms TEXT;
ALTER TABLE rm_spaces ADD COLUMN level_rules TEXT;
ALTER TABLE rm_members ADD COLUMN points BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rm_subscriptions ADD COLUMN past_due_since TEXT;
ALTER TABLE rm_orders ADD COLUMN dispute_status TEXT;
CREATE TABLE rm_ledger_terms (
    space_id TEXT PRIMARY KEY, platform_fee_bps BIGINT NOT NULL,
    referral_commission_bps BIGINT NOT NULL
);
CREATE TABLE rm_referrals (
    subscription_id TEXT PRIMARY KEY, space_id TEXT NOT NULL, referrer_id TEXT NOT NULL,
    member_id TEXT NOT NULL, tier_id TEXT NOT NULL, started_at TEXT NOT NULL,
    converted_at TEXT, commission_minor BIGINT, currency TEXT, position BIGINT NOT NULL
);
CREATE INDEX rm_referrals_referrer ON rm_referrals (space_id, referrer_id, subscription_id);
"#;

const PENDING_DOWNGRADES: &str = r#"
ALTER TABLE rm_subscriptions ADD COLUMN pending_tier_id TEXT;
ALTER TABLE rm_subscriptions ADD COLUMN pending_price_minor BIGINT;
ALTER TABLE rm_subscriptions ADD COLUMN pending_effective_at TEXT;
"#;

const CHECK_INS: &str = r#"
CREATE TABLE rm_check_in_projects (
    id TEXT PRIMARY KEY, space_id TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,
    starts_on TEXT NOT NULL, ends_on TEXT, utc_offset_minutes BIGINT NOT NULL,
    min_text_chars BIGINT NOT NULL, created_at TEXT NOT NULL, position BIGINT NOT NULL
);
CREATE INDEX rm_check_in_projects_space ON rm_check_in_projects (space_id, id);
CREATE TABLE rm_check_ins (
    project_id TEXT NOT NULL, member_id TEXT NOT NULL, day TEXT NOT NULL, space_id TEXT NOT NULL,
    text TEXT, streak BIGINT NOT NULL, recorded_at TEXT NOT NULL, position BIGINT NOT NULL,
    PRIMARY KEY (project_id, member_id, day)
);
CREATE INDEX rm_check_ins_day ON rm_check_ins (project_id, day, member_id);
CREATE INDEX rm_check_ins_member ON rm_check_ins (member_id);
CREATE TABLE rm_check_in_streaks (
    project_id TEXT NOT NULL, member_id TEXT NOT NULL, space_id TEXT NOT NULL,
    last_day TEXT NOT NULL, run BIGINT NOT NULL, longest BIGINT NOT NULL, total BIGINT NOT NULL,
    position BIGINT NOT NULL, PRIMARY KEY (project_id, member_id)
);
CREATE INDEX rm_check_in_streaks_day ON rm_check_in_streaks (project_id, last_day);
"#;

/// Points move out of `rm_members` into the points read model, which sums the creator's manual
/// adjustments and the points actions earn: one balance for levels and leaderboards.
const POINTS: &str = r#"
CREATE TABLE rm_points_rules (
    space_id TEXT PRIMARY KEY, rules TEXT NOT NULL, position BIGINT NOT NULL
);
CREATE TABLE rm_points_ledger (
    position BIGINT PRIMARY KEY, space_id TEXT NOT NULL, member_id TEXT NOT NULL,
    action TEXT NOT NULL, points BIGINT NOT NULL, day TEXT NOT NULL, reason TEXT,
    event_id TEXT NOT NULL, recorded_at TEXT NOT NULL
);
CREATE INDEX rm_points_ledger_member ON rm_points_ledger (member_id, position);
CREATE TABLE rm_points_balances (
    member_id TEXT PRIMARY KEY, space_id TEXT NOT NULL, manual BIGINT NOT NULL,
    earned BIGINT NOT NULL, points BIGINT NOT NULL, position BIGINT NOT NULL
);
CREATE INDEX rm_points_balances_rank ON rm_points_balances (space_id, points, member_id);
CREATE TABLE rm_points_weekly (
    space_id TEXT NOT NULL, week TEXT NOT NULL, member_id TEXT NOT NULL, points BIGINT NOT NULL,
    PRIMARY KEY (space_id, week, member_id)
);
CREATE INDEX rm_points_weekly_rank ON rm_points_weekly (space_id, week, points, member_id);
CREATE TABLE rm_points_daily (
    member_id TEXT NOT NULL, action TEXT NOT NULL, day TEXT NOT NULL, points BIGINT NOT NULL,
    PRIMARY KEY (member_id, action, day)
);
CREATE TABLE rm_action_counts (
    member_id TEXT NOT NULL, action TEXT NOT NULL, count BIGINT NOT NULL,
    PRIMARY KEY (member_id, action)
);
CREATE TABLE rm_action_subjects (
    member_id TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL,
    PRIMARY KEY (member_id, action, subject)
);
CREATE TABLE rm_badges (
    member_id TEXT NOT NULL, badge TEXT NOT NULL, space_id TEXT NOT NULL, day TEXT NOT NULL,
    awarded_at TEXT NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (member_id, badge)
);
ALTER TABLE rm_members DROP COLUMN points;
"#;

const CONTENT: &str = r#"
ALTER TABLE rm_content ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE rm_content ADD COLUMN scheduled_for TEXT;
ALTER TABLE rm_content ADD COLUMN featured BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rm_content ADD COLUMN archived_at TEXT;
ALTER TABLE rm_content ADD COLUMN parent_id TEXT;
ALTER TABLE rm_content ADD COLUMN part_no BIGINT;
ALTER TABLE rm_content ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE rm_content ADD COLUMN topic_ids TEXT NOT NULL DEFAULT '[]';
CREATE INDEX rm_content_due ON rm_content (scheduled_for);
CREATE INDEX rm_content_parent ON rm_content (parent_id, part_no);
CREATE TABLE rm_content_revisions (
    content_id TEXT NOT NULL, revision BIGINT NOT NULL, space_id TEXT NOT NULL,
    title TEXT NOT NULL, body TEXT NOT NULL, excerpt TEXT, access TEXT NOT NULL,
    actor TEXT NOT NULL, recorded_at TEXT NOT NULL, position BIGINT NOT NULL,
    PRIMARY KEY (content_id, revision)
);
CREATE TABLE rm_content_tags (
    content_id TEXT NOT NULL, tag TEXT NOT NULL, space_id TEXT NOT NULL,
    PRIMARY KEY (content_id, tag)
);
CREATE INDEX rm_content_tags_tag ON rm_content_tags (space_id, tag, content_id);
CREATE TABLE rm_content_topics (
    content_id TEXT NOT NULL, topic_id TEXT NOT NULL, space_id TEXT NOT NULL,
    PRIMARY KEY (content_id, topic_id)
);
CREATE INDEX rm_content_topics_topic ON rm_content_topics (space_id, topic_id, content_id);
CREATE TABLE rm_topics (
    id TEXT PRIMARY KEY, space_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT,
    created_at TEXT NOT NULL, position BIGINT NOT NULL
);
CREATE INDEX rm_topics_space ON rm_topics (space_id, id);
CREATE TABLE rm_topic_relations (
    from_id TEXT NOT NULL, to_id TEXT NOT NULL, relation TEXT NOT NULL, space_id TEXT NOT NULL,
    created_at TEXT NOT NULL, PRIMARY KEY (from_id, to_id, relation)
);
CREATE INDEX rm_topic_relations_space ON rm_topic_relations (space_id, from_id);
CREATE TABLE rm_questions (
    id TEXT PRIMARY KEY, space_id TEXT NOT NULL, member_id TEXT NOT NULL, title TEXT NOT NULL,
    body TEXT NOT NULL, content_id TEXT, accepted_answer_id TEXT, answer_count BIGINT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, position BIGINT NOT NULL
);
CREATE INDEX rm_questions_space ON rm_questions (space_id, id);
CREATE TABLE rm_answers (
    id TEXT PRIMARY KEY, question_id TEXT NOT NULL, space_id TEXT NOT NULL, answerer_id TEXT,
    body TEXT NOT NULL, accepted BIGINT NOT NULL, created_at TEXT NOT NULL,
    position BIGINT NOT NULL
);
CREATE INDEX rm_answers_question ON rm_answers (question_id, id);
CREATE TABLE rm_guests (
    member_id TEXT PRIMARY KEY, space_id TEXT NOT NULL, granted_at TEXT NOT NULL,
    position BIGINT NOT NULL
);
CREATE INDEX rm_guests_space ON rm_guests (space_id, member_id);
"#;

/// Full-text search over the catalog, Postgres: expression indexes over the text a reader who
/// may not read the body searches (title and excerpt), and the text one who may searches.
/// Queries repeat these expressions exactly, so that the planner uses the indexes.
const CONTENT_SEARCH_POSTGRES: &str = r#"
CREATE INDEX rm_content_search_open ON rm_content
    USING GIN (to_tsvector('simple', title || ' ' || COALESCE(excerpt, '')));
CREATE INDEX rm_content_search_all ON rm_content
    USING GIN (to_tsvector('simple', title || ' ' || COALESCE(excerpt, '') || ' ' || body));
"#;

/// Full-text search over the catalog, SQLite: an FTS5 index (the bundled SQLite has FTS5) over
/// `rm_content`, kept in step by triggers, so a rebuild that deletes and refills `rm_content`
/// refills the index too.
const CONTENT_SEARCH_SQLITE: &str = r#"
CREATE VIRTUAL TABLE rm_content_fts USING fts5(
    title, excerpt, body, content='rm_content', content_rowid='rowid'
);
INSERT INTO rm_content_fts (rm_content_fts) VALUES ('rebuild');
CREATE TRIGGER rm_content_fts_insert AFTER INSERT ON rm_content BEGIN
    INSERT INTO rm_content_fts (rowid, title, excerpt, body)
    VALUES (new.rowid, new.title, new.excerpt, new.body);
END;
CREATE TRIGGER rm_content_fts_delete AFTER DELETE ON rm_content BEGIN
    INSERT INTO rm_content_fts (rm_content_fts, rowid, title, excerpt, body)
    VALUES ('delete', old.rowid, old.title, old.excerpt, old.body);
END;
CREATE TRIGGER rm_content_fts_update AFTER UPDATE OF title, excerpt, body ON rm_content BEGIN
    INSERT INTO rm_content_fts (rm_content_fts, rowid, title, excerpt, body)
    VALUES ('delete', old.rowid, old.title, old.excerpt, old.body);
    INSERT INTO rm_content_fts (rowid, title, excerpt, body)
    VALUES (new.rowid, new.title, new.excerpt, new.body);
END;
"#;

const ENGAGEMENT: &str = r#"
CREATE TABLE rm_item_stats (
    content_id TEXT PRIMARY KEY, space_id TEXT NOT NULL, views BIGINT NOT NULL,
    likes BIGINT NOT NULL, comments BIGINT NOT NULL, shares BIGINT NOT NULL,
    completions BIGINT NOT NULL, updated_at TEXT NOT NULL, position BIGINT NOT NULL
);
CREATE TABLE rm_comments (
    id TEXT PRIMARY KEY, space_id TEXT NOT NULL, content_id TEXT NOT NULL, parent_id TEXT,
    member_id TEXT NOT NULL, body TEXT, erased BIGINT NOT NULL, status TEXT NOT NULL,
    replies BIGINT NOT NULL, created_at TEXT NOT NULL, edited_at TEXT, updated_at TEXT NOT NULL,
    moderated_by TEXT, moderation_reason TEXT, position BIGINT NOT NULL
);
CREATE INDEX rm_comments_thread ON rm_comments (content_id, parent_id, id);
CREATE INDEX rm_comments_member ON rm_comments (member_id, id);
CREATE TABLE rm_reports (
    id TEXT PRIMARY KEY, space_id TEXT NOT NULL, reporter_id TEXT NOT NULL,
    content_id TEXT NOT NULL, comment_id TEXT, reason TEXT NOT NULL, details TEXT,
    status TEXT NOT NULL, outcome TEXT, note TEXT, resolved_by TEXT, created_at TEXT NOT NULL,
    resolved_at TEXT, position BIGINT NOT NULL
);
CREATE INDEX rm_reports_queue ON rm_reports (space_id, status, id);
CREATE TABLE rm_lesson_completions (
    member_id TEXT NOT NULL, course_id TEXT NOT NULL, lesson_id TEXT NOT NULL,
    space_id TEXT NOT NULL, completed_at TEXT NOT NULL,
    PRIMARY KEY (member_id, course_id, lesson_id)
);
CREATE TABLE rm_course_completions (
    member_id TEXT NOT NULL, course_id TEXT NOT NULL, space_id TEXT NOT NULL,
    completed_at TEXT NOT NULL, PRIMARY KEY (member_id, course_id)
);
"#;

const INTERACTIONS: &str = r#"
CREATE TABLE rm_interactions (
    member_id TEXT NOT NULL, content_id TEXT NOT NULL, space_id TEXT NOT NULL,
    views BIGINT NOT NULL, liked BIGINT NOT NULL, liked_at TEXT, shares BIGINT NOT NULL,
    comments BIGINT NOT NULL, completed_at TEXT, purchased_at TEXT, first_at TEXT NOT NULL,
    last_at TEXT NOT NULL, PRIMARY KEY (member_id, content_id)
);
CREATE INDEX rm_interactions_space ON rm_interactions (space_id, member_id, content_id);
CREATE TABLE rm_member_activity (
    position BIGINT PRIMARY KEY, space_id TEXT NOT NULL, member_id TEXT NOT NULL,
    action TEXT NOT NULL, content_id TEXT, comment_id TEXT, occurred_at TEXT NOT NULL
);
CREATE INDEX rm_member_activity_member ON rm_member_activity (member_id, position);
CREATE TABLE rm_interaction_orders (
    order_id TEXT PRIMARY KEY, member_id TEXT NOT NULL, content_id TEXT NOT NULL
);
"#;

/// An index for each list's order, so that a page reads its rows in order and stops: the
/// catalog of a key (every status), by kind (with and without a status), the creator's featured
/// items, the report queue of every status, and the leaderboards (most points first, then the
/// member id ascending, which an ascending index read backwards cannot give).
const LIST_ORDERS: &str = r#"
CREATE INDEX rm_content_space_id ON rm_content (space_id, id);
CREATE INDEX rm_content_space_kind ON rm_content (space_id, kind, id);
CREATE INDEX rm_content_space_status_kind ON rm_content (space_id, status, kind, id);
CREATE INDEX rm_content_featured ON rm_content (space_id, featured, id);
CREATE INDEX rm_reports_space ON rm_reports (space_id, id);
CREATE INDEX rm_points_balances_board ON rm_points_balances (space_id, points DESC, member_id);
CREATE INDEX rm_points_weekly_board ON rm_points_weekly (space_id, week, points DESC, member_id);
"#;

/// How many items hold each word of the SQLite full-text index, so that a search can tell a
/// rare word from a common one (see `content/search.rs`). Postgres keeps its own statistics.
const SEARCH_VOCABULARY_SQLITE: &str = r#"
CREATE VIRTUAL TABLE rm_content_fts_terms USING fts5vocab(rm_content_fts, 'row');
"#;

/// Who a member or an item is in the creator's other system, and the lookup by it that imports
/// and migrations make (`GET …/members?external_id=`, `GET …/content?external_id=`).
const EXTERNAL_IDS: &str = r#"
ALTER TABLE rm_members ADD COLUMN external_id TEXT;
CREATE INDEX rm_members_external_id ON rm_members (space_id, external_id);
ALTER TABLE rm_content ADD COLUMN external_id TEXT;
CREATE INDEX rm_content_external_id ON rm_content (space_id, external_id);
"#;

/// The clicks of each member's views of an item: one per view until views carried a day's
/// count, which is what the rows written before hold.
const INTERACTION_CLICKS: &str = r#"
ALTER TABLE rm_interactions ADD COLUMN clicks BIGINT NOT NULL DEFAULT 0;
UPDATE rm_interactions SET clicks = views;
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
    Migration {
        id: "projections-0008-terms-levels-referrals",
        postgres: TERMS_LEVELS_REFERRALS,
        sqlite: TERMS_LEVELS_REFERRALS,
    },
    Migration {
        id: "projections-0009-pending-downgrades",
        postgres: PENDING_DOWNGRADES,
        sqlite: PENDING_DOWNGRADES,
    },
    Migration {
        id: "projections-0030-check-ins",
        postgres: CHECK_INS,
        sqlite: CHECK_INS,
    },
    Migration {
        id: "projections-0031-points",
        postgres: POINTS,
        sqlite: POINTS,
    },
    Migration {
        id: "projections-0010-content",
        postgres: CONTENT,
        sqlite: CONTENT,
    },
    Migration {
        id: "projections-0011-content-search",
        postgres: CONTENT_SEARCH_POSTGRES,
        sqlite: CONTENT_SEARCH_SQLITE,
    },
    Migration {
        id: "projections-0020-engagement",
        postgres: ENGAGEMENT,
        sqlite: ENGAGEMENT,
    },
    Migration {
        id: "projections-0021-interactions",
        postgres: INTERACTIONS,
        sqlite: INTERACTIONS,
    },
    Migration {
        id: "projections-0040-list-orders",
        postgres: LIST_ORDERS,
        sqlite: LIST_ORDERS,
    },
    Migration {
        id: "projections-0041-search-vocabulary",
        postgres: "SELECT 1;",
        sqlite: SEARCH_VOCABULARY_SQLITE,
    },
    Migration {
        id: "projections-0042-external-ids",
        postgres: EXTERNAL_IDS,
        sqlite: EXTERNAL_IDS,
    },
    Migration {
        id: "projections-0043-interaction-clicks",
        postgres: INTERACTION_CLICKS,
        sqlite: INTERACTION_CLICKS,
    },
];
