//! Rows written straight into a space's read models, and filler events into the log, many to a
//! statement. The lists benchmark measures reads only: the commands and projections that would
//! write these rows one event at a time are not what it times, and would take hours at its
//! sizes.

use lyceum_store::Db;
use serde_json::json;
use uuid::Uuid;

/// A value of a row.
pub enum V {
    Text(String),
    Int(i64),
}

fn text(s: impl Into<String>) -> V {
    V::Text(s.into())
}

/// Inserts `count` rows of `columns` into `table`, row `i` given by `row(i)`, many rows to a
/// statement (a few thousand values each, below both backends' bind limits).
pub async fn insert(
    db: &Db,
    table: &str,
    columns: &[&str],
    count: usize,
    row: impl Fn(usize) -> Vec<V>,
) {
    let per_statement = (20_000 / columns.len()).clamp(1, 1_000);
    // One transaction per table: one commit (and on SQLite one sync) rather than hundreds.
    let mut tx = db.writer().begin().await.unwrap();
    let mut from = 0;
    while from < count {
        let to = (from + per_statement).min(count);
        let rows: Vec<Vec<V>> = (from..to).map(&row).collect();
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (r, values) in rows.iter().enumerate() {
            assert_eq!(values.len(), columns.len(), "{table}");
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..values.len() {
                n += 1;
                sql.push_str(&format!("{}${n}", if c == 0 { "" } else { ", " }));
            }
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for value in rows.iter().flatten() {
            query = match value {
                V::Text(s) => query.bind(s.as_str()),
                V::Int(i) => query.bind(*i),
            };
        }
        query.execute(&mut *tx).await.unwrap();
        from = to;
    }
    tx.commit().await.unwrap();
}

/// How many rows of each kind a space gets.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub items: usize,
    pub members: usize,
    /// Per member.
    pub interactions: usize,
}

/// What exists in the space before it is filled: a paid tier, which locks a third of the
/// items; an item (made by a command, since reading its thread loads it from the log), whose
/// thread gets the comments; and the member (signed up) whose orders and activity grow with the
/// space.
pub struct Given {
    pub tier_id: String,
    pub hot_item: String,
    pub target_member: String,
}

/// A word that one item in ten holds, and one that only ten items of each space hold.
pub const COMMON_WORD: &str = "lantern";
pub const RARE_WORD: &str = "quasar";
const WORDS: [&str; 12] = [
    "river", "harbor", "cedar", "falcon", "meadow", "copper", "violet", "summit", "orchard",
    "beacon", "willow", "granite",
];

/// Fills space `space_id` around what is `given`; returns one of its topics. `offset` keeps
/// synthetic positions of spaces apart.
pub async fn space(db: &Db, space_id: &str, given: &Given, sizes: Sizes, offset: i64) -> String {
    let tier_id = given.tier_id.as_str();
    let now = lyceum_store::time::format(chrono::Utc::now());
    let items: Vec<String> = (0..sizes.items)
        .map(|_| Uuid::now_v7().to_string())
        .collect();
    let members: Vec<String> = (0..sizes.members)
        .map(|_| Uuid::now_v7().to_string())
        .collect();
    let topics: Vec<String> = (0..10).map(|_| Uuid::new_v4().to_string()).collect();
    let space = || text(space_id);
    let position = |i: usize| V::Int(offset + i as i64);
    let tag = |i: usize| format!("tag{}", i % 20);
    insert(
        db,
        "rm_content",
        &[
            "id",
            "space_id",
            "kind",
            "title",
            "body",
            "excerpt",
            "access",
            "status",
            "created_at",
            "updated_at",
            "published_at",
            "position",
            "featured",
            "tags",
            "topic_ids",
        ],
        sizes.items,
        |i| {
            let mut title = format!("Item {i} {}", WORDS[i % WORDS.len()]);
            if i.is_multiple_of(10) {
                title.push_str(&format!(" {COMMON_WORD}"));
            }
            if i < 10 {
                title.push_str(&format!(" {RARE_WORD}"));
            }
            let access = if i.is_multiple_of(3) {
                json!({"policy": "tiers", "tier_ids": [tier_id]})
            } else {
                json!({"policy": "members"})
            };
            vec![
                text(&items[i]),
                space(),
                text(["post", "post", "article", "lesson"][i % 4]),
                text(title),
                text(
                    format!(
                        "A paragraph about the {} and the {}. ",
                        WORDS[(i / 3) % WORDS.len()],
                        WORDS[(i / 7) % WORDS.len()]
                    )
                    .repeat(8),
                ),
                text("A taste."),
                text(access.to_string()),
                text(if i % 20 == 19 { "draft" } else { "published" }),
                text(&now),
                text(&now),
                text(&now),
                position(i),
                V::Int(i64::from(i.is_multiple_of(50))),
                text(json!([tag(i)]).to_string()),
                text(json!([topics[i % topics.len()]]).to_string()),
            ]
        },
    )
    .await;
    insert(
        db,
        "rm_content_tags",
        &["content_id", "tag", "space_id"],
        sizes.items,
        |i| vec![text(&items[i]), text(tag(i)), space()],
    )
    .await;
    insert(
        db,
        "rm_content_topics",
        &["content_id", "topic_id", "space_id"],
        sizes.items,
        |i| vec![text(&items[i]), text(&topics[i % topics.len()]), space()],
    )
    .await;
    insert(
        db,
        "rm_members",
        &[
            "id",
            "space_id",
            "email",
            "display_name",
            "status",
            "erased",
            "created_at",
            "updated_at",
            "position",
        ],
        sizes.members,
        |i| {
            vec![
                text(&members[i]),
                space(),
                text(format!("member{i}@example.org")),
                text(format!("Member {i}")),
                text("active"),
                V::Int(0),
                text(&now),
                text(&now),
                position(i),
            ]
        },
    )
    .await;
    insert(
        db,
        "rm_points_balances",
        &[
            "member_id",
            "space_id",
            "manual",
            "earned",
            "points",
            "position",
        ],
        sizes.members,
        |i| {
            let points = ((i * 7919) % 1000) as i64;
            vec![
                text(&members[i]),
                space(),
                V::Int(0),
                V::Int(points),
                V::Int(points),
                position(i),
            ]
        },
    )
    .await;
    let per = sizes.interactions;
    let stride = (sizes.items / per.max(1)).max(1);
    let item_of = |i: usize| &items[(i / per + (i % per) * stride) % sizes.items];
    insert(
        db,
        "rm_interactions",
        &[
            "member_id",
            "content_id",
            "space_id",
            "views",
            "liked",
            "shares",
            "comments",
            "first_at",
            "last_at",
        ],
        sizes.members * per,
        |i| {
            vec![
                text(&members[i / per]),
                text(item_of(i)),
                space(),
                V::Int(1),
                V::Int(i64::from(i.is_multiple_of(4))),
                V::Int(0),
                V::Int(0),
                text(&now),
                text(&now),
            ]
        },
    )
    .await;
    // Every interaction is an entry of its member's activity; the target member has as many
    // more as the space has items over ten.
    let extra = sizes.items / 10;
    insert(
        db,
        "rm_member_activity",
        &[
            "position",
            "space_id",
            "member_id",
            "action",
            "content_id",
            "occurred_at",
        ],
        sizes.members * per + extra,
        |i| {
            let (member, item) = if i < extra {
                (&given.target_member, &items[i % sizes.items])
            } else {
                (&members[(i - extra) / per], item_of(i - extra))
            };
            vec![
                position(i),
                space(),
                text(member),
                text("viewed"),
                text(item),
                text(&now),
            ]
        },
    )
    .await;
    // The hot item's thread: a comment for every ten items.
    insert(
        db,
        "rm_comments",
        &[
            "id",
            "space_id",
            "content_id",
            "member_id",
            "body",
            "erased",
            "status",
            "replies",
            "created_at",
            "updated_at",
            "position",
        ],
        sizes.items / 10,
        |i| {
            vec![
                text(Uuid::now_v7().to_string()),
                space(),
                text(&given.hot_item),
                text(&members[i % sizes.members]),
                text("Worth reading twice."),
                V::Int(0),
                text(if i.is_multiple_of(25) {
                    "hidden"
                } else {
                    "visible"
                }),
                V::Int(0),
                text(&now),
                text(&now),
                position(i),
            ]
        },
    )
    .await;
    // An order per member, and as many more for the target member as the space has items
    // over a hundred.
    let extra_orders = sizes.items / 100;
    insert(
        db,
        "rm_orders",
        &[
            "id",
            "space_id",
            "member_id",
            "item_kind",
            "content_id",
            "amount_minor",
            "currency",
            "status",
            "refunded_minor",
            "created_at",
            "updated_at",
            "position",
        ],
        sizes.members + extra_orders,
        |i| {
            vec![
                text(Uuid::now_v7().to_string()),
                space(),
                text(match i.checked_sub(extra_orders) {
                    Some(member) => &members[member],
                    None => &given.target_member,
                }),
                text("content"),
                text(&items[i % sizes.items]),
                V::Int(900),
                text("EUR"),
                text("paid"),
                V::Int(0),
                text(&now),
                text(&now),
                position(i),
            ]
        },
    )
    .await;
    insert(
        db,
        "rm_reports",
        &[
            "id",
            "space_id",
            "reporter_id",
            "content_id",
            "reason",
            "status",
            "created_at",
            "position",
        ],
        sizes.items / 10,
        |i| {
            vec![
                text(Uuid::now_v7().to_string()),
                space(),
                text(&members[i % sizes.members]),
                text(&items[i % sizes.items]),
                text("spam"),
                text(if i.is_multiple_of(2) {
                    "open"
                } else {
                    "resolved"
                }),
                text(&now),
                position(i),
            ]
        },
    )
    .await;
    topics[3].clone()
}

/// Aggregate types of the filler events: no read model handles them, so the log grows and
/// nothing else does. One event in ten is of the second.
pub const FILLER_TYPES: [(&str, &str); 2] =
    [("bench_note", "BenchNoted"), ("bench_flag", "BenchFlagged")];

/// Appends `count` filler events of `space_id` to the log.
pub async fn log(db: &Db, space_id: &str, count: usize) {
    let now = lyceum_store::time::format(chrono::Utc::now());
    insert(
        db,
        "events",
        &[
            "event_id",
            "aggregate_type",
            "aggregate_id",
            "version",
            "event_type",
            "event_version",
            "payload",
            "space_id",
            "actor",
            "correlation_id",
            "request_id",
            "recorded_at",
        ],
        count,
        |i| {
            let (aggregate, event) = FILLER_TYPES[usize::from(i.is_multiple_of(10))];
            vec![
                text(Uuid::new_v4().to_string()),
                text(aggregate),
                text(Uuid::new_v4().to_string()),
                V::Int(1),
                text(event),
                V::Int(1),
                text("{}"),
                text(space_id),
                text("system"),
                text(Uuid::new_v4().to_string()),
                text("bench"),
                text(&now),
            ]
        },
    )
    .await;
}
