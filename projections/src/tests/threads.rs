//! Lists keyed by more than an id: a comment thread (top level or replies, hidden comments for
//! their author only), the interactions (member, then item) and the leaderboard (points down,
//! then member), each paged to the end gives what one plain pass over the rows gives.

use super::{BACKENDS, exec, id, migrated};
use crate::engagement::queries::{Thread, comments};
use crate::interactions::queries::interactions;
use crate::page::Arg;
use crate::points::queries::{Board, leaderboard, parse_leader_cursor};
use lyceum_store::Db;

const SPACE: u128 = 1 << 100;
const ITEM: u128 = 7;

/// Comment `n`: its parent (the first three comments are parents), author, and status.
fn comment(n: u128) -> (Option<u128>, u128, &'static str) {
    let parent = (n >= 3).then_some(n % 3);
    let status = if n % 4 == 1 { "hidden" } else { "visible" };
    (parent, 100 + n % 5, status)
}

async fn write_comments(db: &Db) {
    for n in 0..40u128 {
        let (parent, author, status) = comment(n);
        let parent = parent.map(id);
        let (comment_id, space, item, author) = (id(n), id(SPACE), id(ITEM), id(author));
        let mut args = vec![
            Arg::Text(&comment_id),
            Arg::Text(&space),
            Arg::Text(&item),
            Arg::Text(&author),
            Arg::Text(status),
        ];
        args.extend(parent.as_deref().map(Arg::Text));
        let parent_value = if parent.is_some() { "$6" } else { "NULL" };
        let sql = format!(
            "INSERT INTO rm_comments (id, space_id, content_id, member_id, status, parent_id, \
             body, erased, replies, created_at, updated_at, position) \
             VALUES ($1, $2, $3, $4, $5, {parent_value}, 'text', 0, 0, 't', 't', 1)"
        );
        exec(db, &sql, &args).await;
    }
}

#[tokio::test]
async fn a_thread_lists_its_level_and_hides_hidden_comments_but_from_their_author() {
    for backend in BACKENDS {
        let db = migrated(backend).await;
        write_comments(&db).await;
        let (space, item) = (id(SPACE), id(ITEM));
        for parent in [None, Some(0), Some(2)] {
            for viewer in [None, Some(101), Some(103)] {
                let expected: Vec<String> = (0..40u128)
                    .filter(|n| {
                        let (p, author, status) = comment(*n);
                        p == parent && viewer.is_none_or(|v| status != "hidden" || author == v)
                    })
                    .map(id)
                    .collect();
                let (parent_id, viewer_id) = (parent.map(id), viewer.map(id));
                let thread = Thread {
                    space_id: &space,
                    content_id: &item,
                    parent_id: parent_id.as_deref(),
                    viewer: viewer_id.as_deref(),
                };
                let mut listed = Vec::new();
                let mut after: Option<String> = None;
                loop {
                    let page = comments(&db, thread, after.as_deref(), 3).await.unwrap();
                    listed.extend(page.items.iter().map(|c| c.id.to_string()));
                    match page.next {
                        Some(next) => after = Some(next),
                        None => break,
                    }
                }
                assert_eq!(listed, expected, "{backend:?} {parent:?} {viewer:?}");
            }
        }
    }
}

#[tokio::test]
async fn interactions_page_by_member_then_item_across_members() {
    for backend in BACKENDS {
        let db = migrated(backend).await;
        let space = id(SPACE);
        let mut expected = Vec::new();
        for member in 0..5u128 {
            for item in 0..(member % 3 + 2) {
                let (m, i) = (id(10 + member), id(50 + item * 3));
                exec(
                    &db,
                    "INSERT INTO rm_interactions (member_id, content_id, space_id, views, liked, \
                     shares, comments, first_at, last_at) VALUES ($1, $2, $3, 1, 0, 0, 0, 't', 't')",
                    &[Arg::Text(&m), Arg::Text(&i), Arg::Text(&space)],
                )
                .await;
                expected.push((m, i));
            }
        }
        for member in [None, Some(id(12))] {
            let want: Vec<_> = expected
                .iter()
                .filter(|(m, _)| member.as_ref().is_none_or(|x| x == m))
                .cloned()
                .collect();
            let mut listed = Vec::new();
            let mut after: Option<String> = None;
            loop {
                let page = interactions(&db, &space, member.as_deref(), after.as_deref(), 3)
                    .await
                    .unwrap();
                listed.extend(
                    page.items
                        .iter()
                        .map(|r| (r.member_id.to_string(), r.content_id.to_string())),
                );
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            assert_eq!(listed, want, "{backend:?} {member:?}");
        }
    }
}

#[tokio::test]
async fn the_leaderboard_pages_through_ties_in_member_order_with_shared_ranks() {
    for backend in BACKENDS {
        let db = migrated(backend).await;
        let space = id(SPACE);
        let points = |n: u128| [30, 20, 20, 20, 10, 0, 20, 5][n as usize % 8];
        for n in 0..16u128 {
            let member = id(200 + n);
            let status = if n == 3 { "banned" } else { "active" };
            exec(
                &db,
                "INSERT INTO rm_members (id, space_id, status, erased, created_at, updated_at, \
                 position) VALUES ($1, $2, $3, 0, 't', 't', 1)",
                &[Arg::Text(&member), Arg::Text(&space), Arg::Text(status)],
            )
            .await;
            exec(
                &db,
                "INSERT INTO rm_points_balances (member_id, space_id, manual, earned, points, \
                 position) VALUES ($1, $2, 0, $3, $3, 1)",
                &[Arg::Text(&member), Arg::Text(&space), Arg::Int(points(n))],
            )
            .await;
        }
        let mut board: Vec<(i64, String)> = (0..16u128)
            .filter(|n| *n != 3 && points(*n) > 0)
            .map(|n| (points(n), id(200 + n)))
            .collect();
        board.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let expected: Vec<(i64, i64, String)> = board
            .iter()
            .map(|(p, m)| {
                (
                    1 + board.iter().filter(|(q, _)| q > p).count() as i64,
                    *p,
                    m.clone(),
                )
            })
            .collect();
        let mut listed = Vec::new();
        let mut after = None;
        loop {
            let page = leaderboard(&db, &space, Board::AllTime, after, 4)
                .await
                .unwrap();
            listed.extend(
                page.items
                    .iter()
                    .map(|r| (r.rank, r.points, r.member_id.to_string())),
            );
            match page.next {
                Some(next) => after = parse_leader_cursor(&next),
                None => break,
            }
        }
        assert_eq!(listed, expected, "{backend:?}");
    }
}
