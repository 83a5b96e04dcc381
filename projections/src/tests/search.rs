//! Search: whichever way a page is found (through the full-text index, or along the catalog's
//! order), it gives the items that hold every word, newest first, page after page, and says
//! whether the title and excerpt alone matched; on SQLite a common word walks the catalog in
//! order and a rare one reads the index.

use super::{BACKENDS, assert_ordered_by_index, id, migrated, plan};
use crate::content::search::{SearchHit, Way, Words, hits, search};
use crate::page::Arg;
use lyceum_store::Db;
use lyceum_store::db::Backend;

const SPACE: u128 = 1 << 100;
const OTHER_SPACE: u128 = 2 << 100;
/// Enough items holding `common` that SQLite takes it for a common word.
const ITEMS: u128 = 2_100;

/// Item `n`'s title, body and status.
fn item(n: u128) -> (String, String, &'static str) {
    let mut title = format!("Item {n} common");
    if n.is_multiple_of(50) {
        title.push_str(" rare");
    }
    let body = if n.is_multiple_of(7) {
        "body secretword"
    } else {
        "body"
    };
    (
        title,
        body.into(),
        if n.is_multiple_of(5) {
            "draft"
        } else {
            "published"
        },
    )
}

async fn write(db: &Db) {
    let spaces = (0..ITEMS)
        .map(|n| (n, SPACE))
        .chain((0..30).map(|n| (n, OTHER_SPACE)));
    let rows: Vec<(String, String, String, String, &str)> = spaces
        .map(|(n, space)| {
            let (title, body, status) = item(n);
            (id(space + 1000 + n), id(space), title, body, status)
        })
        .collect();
    for chunk in rows.chunks(500) {
        let mut sql = String::from(
            "INSERT INTO rm_content (id, space_id, kind, title, body, excerpt, access, status, \
             created_at, updated_at, position) VALUES ",
        );
        let mut args = Vec::new();
        for (i, (id, space, title, body, status)) in chunk.iter().enumerate() {
            let at = i * 5;
            sql.push_str(&format!(
                "{}(${}, ${}, 'post', ${}, ${}, 'A taste.', '{{}}', ${}, 't', 't', 1)",
                if i == 0 { "" } else { ", " },
                at + 1,
                at + 2,
                at + 3,
                at + 4,
                at + 5
            ));
            args.extend([
                Arg::Text(id),
                Arg::Text(space),
                Arg::Text(title),
                Arg::Text(body),
                Arg::Text(status),
            ]);
        }
        super::exec(db, &sql, &args).await;
    }
    if db.backend == Backend::Postgres {
        sqlx::query("ANALYZE rm_content")
            .execute(db.writer())
            .await
            .unwrap();
    }
}

/// What a search of `words` should find in the space, newest first: `(id, open_match)`.
fn expected(words: &[&str], status: Option<&str>) -> Vec<(String, bool)> {
    let mut hits: Vec<(String, bool)> = (0..ITEMS)
        .filter_map(|n| {
            let (title, body, item_status) = item(n);
            let holds = |text: &str, w: &str| text.split(' ').any(|t| t == w);
            let open = words
                .iter()
                .all(|w| holds(&title, w) || holds("A taste.", w));
            let all = words.iter().all(|w| holds(&title, w) || holds(&body, w));
            (all && status.is_none_or(|s| s == item_status)).then(|| (id(SPACE + 1000 + n), open))
        })
        .collect();
    hits.sort_unstable_by(|a, b| b.0.cmp(&a.0));
    hits
}

/// Every hit of a search, a page of `limit` at a time, found `way` (or as `search` chooses).
async fn found(
    db: &Db,
    words: &[&str],
    status: Option<&str>,
    way: Option<Way>,
) -> Vec<(String, bool)> {
    let terms: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    let space = id(SPACE);
    let mut all = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let hits: Vec<SearchHit> = match way {
            None => search(db, &space, &terms, status, before.as_deref(), 40)
                .await
                .unwrap(),
            Some(way) => {
                let words = Words::new(db.backend, &terms);
                let (sql, args) = words.statement(way, &space, status, before.as_deref());
                hits(db, &sql, &args, 40).await.unwrap()
            }
        };
        let last = hits.last().map(|h| h.row.id.to_string());
        let full = hits.len() == 40;
        all.extend(
            hits.into_iter()
                .map(|h| (h.row.id.to_string(), h.open_match)),
        );
        match (full, last) {
            (true, Some(last)) => before = Some(last),
            _ => return all,
        }
    }
}

const SEARCHES: [(&[&str], Option<&str>); 6] = [
    (&["rare"], None),
    (&["common"], Some("published")),
    (&["common", "secretword"], None),
    (&["rare", "common"], Some("published")),
    (&["secretword"], Some("draft")),
    (&["nothing"], None),
];

#[tokio::test]
async fn both_ways_find_every_item_holding_every_word() {
    for backend in BACKENDS {
        let db = migrated(backend).await;
        write(&db).await;
        let ways: &[Option<Way>] = match backend {
            Backend::Sqlite => &[None, Some(Way::ThroughIndex), Some(Way::InOrder)],
            Backend::Postgres => &[None],
        };
        for (words, status) in SEARCHES {
            let expected = expected(words, status);
            for way in ways {
                let found = found(&db, words, status, *way).await;
                assert_eq!(found, expected, "{backend:?} {words:?} {status:?} {way:?}");
            }
        }
    }
}

#[tokio::test]
async fn sqlite_walks_the_catalog_for_a_common_word_and_reads_the_index_for_a_rare_one() {
    let db = migrated(Backend::Sqlite).await;
    write(&db).await;
    let terms = |words: &[&str]| words.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        Way::for_words(&db, &terms(&["common"])).await.unwrap(),
        Way::InOrder
    );
    assert_eq!(
        Way::for_words(&db, &terms(&["common", "rare"]))
            .await
            .unwrap(),
        Way::ThroughIndex
    );
    assert_eq!(
        Way::for_words(&db, &terms(&["nothing"])).await.unwrap(),
        Way::ThroughIndex
    );
    let space = id(SPACE);
    let words = Words::new(Backend::Sqlite, &terms(&["common"]));
    for status in [None, Some("published")] {
        let (sql, args) = words.statement(Way::InOrder, &space, status, None);
        assert_ordered_by_index(&plan(&db, &sql, &args).await, "a common word");
    }
    let (sql, args) = words.statement(Way::ThroughIndex, &space, None, None);
    let plan = plan(&db, &sql, &args).await;
    assert!(plan.contains("VIRTUAL TABLE"), "{plan}");
    assert!(
        plan.contains("rowid=?") || plan.contains("INTEGER PRIMARY KEY"),
        "{plan}"
    );
}
