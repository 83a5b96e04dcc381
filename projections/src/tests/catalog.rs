//! The catalog list: every combination of filters gives the rows a plain filter over every item
//! gives, newest first, page after page, and each reads an index in its order.

use super::{BACKENDS, assert_ordered_by_index, exec, id, migrated, plan};
use crate::content::queries::{CatalogList, ContentFilter, content};
use crate::page::{Arg, Start};
use lyceum_store::Db;

const SPACE: u128 = 1 << 100;
const OTHER_SPACE: u128 = 2 << 100;
const STATUSES: [&str; 3] = ["published", "draft", "archived"];
const KINDS: [&str; 3] = ["post", "article", "lesson"];

/// One item as the test wrote it.
#[derive(Debug, Clone)]
struct Item {
    id: String,
    space: String,
    status: &'static str,
    kind: &'static str,
    featured: bool,
    tags: Vec<String>,
    topics: Vec<String>,
}

fn items() -> Vec<Item> {
    (0..90u128)
        .map(|n| {
            let i = n as usize;
            Item {
                id: id(1000 + n * 7 % 90),
                space: id(if i % 9 == 8 { OTHER_SPACE } else { SPACE }),
                status: STATUSES[i % 3],
                kind: KINDS[(i / 3) % 3],
                featured: i.is_multiple_of(4),
                tags: (0..i % 3).map(|t| format!("tag{}", (i + t) % 4)).collect(),
                topics: (0..i % 2 + 1).map(|t| id(((i + t) % 3) as u128)).collect(),
            }
        })
        .collect()
}

async fn write(db: &Db, item: &Item) {
    let tags = serde_json::to_string(&item.tags).unwrap();
    let topics = serde_json::to_string(&item.topics).unwrap();
    exec(
        db,
        "INSERT INTO rm_content (id, space_id, kind, title, body, access, status, created_at, \
         updated_at, position, featured, tags, topic_ids) \
         VALUES ($1, $2, $3, 'Title', 'Body', '{\"policy\":\"members\"}', $4, 't', 't', 1, $5, $6, $7)",
        &[
            Arg::Text(&item.id),
            Arg::Text(&item.space),
            Arg::Text(item.kind),
            Arg::Text(item.status),
            Arg::Int(i64::from(item.featured)),
            Arg::Text(&tags),
            Arg::Text(&topics),
        ],
    )
    .await;
    for tag in &item.tags {
        exec(
            db,
            "INSERT INTO rm_content_tags (content_id, tag, space_id) VALUES ($1, $2, $3)",
            &[Arg::Text(&item.id), Arg::Text(tag), Arg::Text(&item.space)],
        )
        .await;
    }
    for topic in &item.topics {
        exec(
            db,
            "INSERT INTO rm_content_topics (content_id, topic_id, space_id) VALUES ($1, $2, $3)",
            &[
                Arg::Text(&item.id),
                Arg::Text(topic),
                Arg::Text(&item.space),
            ],
        )
        .await;
    }
}

/// Every combination of the filters, with an empty tag standing for none as it always has.
fn filters() -> Vec<ContentFilter> {
    let mut all = Vec::new();
    for status in [None, Some("published"), Some("draft")] {
        for kind in [None, Some("article")] {
            for tag in [None, Some("tag1"), Some("")] {
                for topic in [None, Some(id(1))] {
                    for featured in [false, true] {
                        all.push(ContentFilter {
                            status: status.map(Into::into),
                            kind: kind.map(Into::into),
                            topic_id: topic.clone(),
                            tag: tag.map(Into::into),
                            featured,
                            external_id: None,
                        });
                    }
                }
            }
        }
    }
    all
}

fn admits(filter: &ContentFilter, item: &Item) -> bool {
    let given = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    item.space == id(SPACE)
        && given(&filter.status).is_none_or(|s| s == item.status)
        && given(&filter.kind).is_none_or(|k| k == item.kind)
        && given(&filter.tag).is_none_or(|t| item.tags.contains(&t))
        && given(&filter.topic_id).is_none_or(|t| item.topics.contains(&t))
        && (!filter.featured || item.featured)
}

#[tokio::test]
async fn every_filter_gives_its_rows_newest_first_page_after_page() {
    for backend in BACKENDS {
        let db = migrated(backend).await;
        let items = items();
        for item in &items {
            write(&db, item).await;
        }
        for filter in filters() {
            let mut expected: Vec<String> = items
                .iter()
                .filter(|i| admits(&filter, i))
                .map(|i| i.id.clone())
                .collect();
            expected.sort_unstable_by(|a, b| b.cmp(a));
            let mut listed = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let page = content(&db, &id(SPACE), &filter, cursor.as_deref(), 4)
                    .await
                    .unwrap();
                assert!(page.items.len() <= 4);
                listed.extend(page.items.iter().map(|c| c.id.to_string()));
                match page.next {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            assert_eq!(listed, expected, "{backend:?} {filter:?}");
        }
    }
}

#[tokio::test]
async fn every_filter_reads_an_index_in_its_order() {
    for backend in BACKENDS {
        let db = migrated(backend).await;
        let space = id(SPACE);
        let cursor = id(1050);
        for filter in filters() {
            let list = CatalogList::new(&space, &filter);
            for start in [Start::Before(None), Start::Before(Some(&cursor))] {
                let (sql, args) = list.keyset().statement(start);
                let plan = plan(&db, &sql, &args).await;
                assert_ordered_by_index(&plan, &format!("{backend:?} {filter:?} {start:?}"));
            }
        }
    }
}

#[tokio::test]
async fn a_list_that_sorts_is_caught() {
    for backend in BACKENDS {
        let db = migrated(backend).await;
        let space = id(SPACE);
        // By title: no index gives that order, so every row would be read and sorted.
        let plan = plan(
            &db,
            "SELECT id FROM rm_content c WHERE c.space_id = $1 ORDER BY c.title LIMIT $2",
            &[Arg::Text(&space)],
        )
        .await;
        let caught = std::panic::catch_unwind(|| assert_ordered_by_index(&plan, "by title"));
        assert!(caught.is_err(), "{backend:?}: {plan}");
    }
}
