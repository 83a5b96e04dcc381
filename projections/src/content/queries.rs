//! Catalog queries: content items (with the access policy of the course or column they belong
//! to, which unlocks them too), a container's parts in order, revisions, and what is due for
//! scheduled publication.

use crate::decode::{opt_uuid, uuid};
use crate::page::{Arg, Conditions, Keyset, Page, Start};
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContentRow {
    pub id: Uuid,
    pub space_id: Uuid,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub excerpt: Option<String>,
    pub access: serde_json::Value,
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
    pub published_at: Option<String>,
    pub revision: i64,
    pub scheduled_for: Option<String>,
    pub featured: bool,
    pub archived_at: Option<String>,
    /// The course or column the item belongs to.
    pub parent_id: Option<Uuid>,
    /// That container's access policy: whoever it admits may read this item too.
    pub parent_access: Option<serde_json::Value>,
    pub tags: Vec<String>,
    pub topic_ids: Vec<Uuid>,
    /// What the item is in the creator's other system.
    pub external_id: Option<String>,
}

pub(crate) fn content_row(row: &AnyRow) -> Result<ContentRow, StoreError> {
    let json = |column: &str| -> Result<serde_json::Value, StoreError> {
        Ok(serde_json::from_str(&row.try_get::<String, _>(column)?)?)
    };
    Ok(ContentRow {
        id: uuid(row, "id")?,
        space_id: uuid(row, "space_id")?,
        kind: row.try_get("kind")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        excerpt: row.try_get("excerpt")?,
        access: json("access")?,
        status: row.try_get("status")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        published_at: row.try_get("published_at")?,
        revision: row.try_get("revision")?,
        scheduled_for: row.try_get("scheduled_for")?,
        featured: row.try_get::<i64, _>("featured")? != 0,
        archived_at: row.try_get("archived_at")?,
        parent_id: opt_uuid(row, "parent_id")?,
        parent_access: row
            .try_get::<Option<String>, _>("parent_access")?
            .map(|a| serde_json::from_str(&a))
            .transpose()?,
        tags: serde_json::from_value(json("tags")?)?,
        topic_ids: serde_json::from_value(json("topic_ids")?)?,
        external_id: row.try_get("external_id")?,
    })
}

/// The columns of [`ContentRow`], for `FROM rm_content c LEFT JOIN rm_content p ON p.id =
/// c.parent_id` (see [`CONTENT_FROM`]).
pub(crate) const CONTENT_COLUMNS: &str = "c.id, c.space_id, c.kind, c.title, c.body, c.excerpt, \
     c.access, c.status, c.created_at, c.updated_at, c.published_at, c.revision, c.scheduled_for, \
     c.featured, c.archived_at, c.parent_id, p.access AS parent_access, c.tags, c.topic_ids, \
     c.external_id";

/// The item and its container.
pub(crate) const CONTENT_FROM: &str = "rm_content c LEFT JOIN rm_content p ON p.id = c.parent_id";

/// Which items a catalog list shows; every filter is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentFilter {
    pub status: Option<String>,
    pub kind: Option<String>,
    pub topic_id: Option<String>,
    pub tag: Option<String>,
    /// Only items the creator features.
    pub featured: bool,
    /// Only the item with this external id.
    pub external_id: Option<String>,
}

/// A space's content, newest first, as `filter` says. The list walks one index in id order:
/// the tag's or the topic's entries when it is filtered by one (each holds `space_id` and the
/// content id, so the page stops after `limit` entries that pass), otherwise `rm_content`'s own
/// (see the `projections-0040-list-orders` migration). The other filters are conditions on
/// the item row.
pub async fn content(
    db: &Db,
    space_id: &str,
    filter: &ContentFilter,
    before: Option<&str>,
    limit: i64,
) -> Result<Page<ContentRow>, StoreError> {
    CatalogList::new(space_id, filter)
        .keyset()
        .page(db, Start::Before(before), limit, content_row, |c| {
            c.id.to_string()
        })
        .await
}

/// The catalog list a filter asks for. A tag or topic filter drives the list from its table's
/// `(space_id, tag or topic_id, content_id)` index; `CROSS JOIN` keeps SQLite's planner from
/// reordering that (Postgres reorders it freely, and knows from `c.id = g.content_id` that
/// either column gives the order).
pub(crate) struct CatalogList<'a> {
    select: String,
    filter: String,
    args: Vec<Arg<'a>>,
    key: &'static str,
}

impl<'a> CatalogList<'a> {
    pub(crate) fn new(space_id: &'a str, filter: &'a ContentFilter) -> Self {
        // An empty value filters nothing, as it always has.
        let given = |value: &'a Option<String>| value.as_deref().filter(|v| !v.is_empty());
        let (tag, topic) = (given(&filter.tag), given(&filter.topic_id));
        let mut conditions = Conditions::default();
        let (from, key) = match (tag, topic) {
            (Some(tag), _) => {
                conditions = conditions
                    .and("g.space_id = ?", Arg::Text(space_id))
                    .and("g.tag = ?", Arg::Text(tag))
                    .and_sql("c.id = g.content_id");
                let from = format!("rm_content_tags g CROSS JOIN {CONTENT_FROM}");
                (from, "g.content_id")
            }
            (None, Some(topic)) => {
                conditions = conditions
                    .and("t.space_id = ?", Arg::Text(space_id))
                    .and("t.topic_id = ?", Arg::Text(topic))
                    .and_sql("c.id = t.content_id");
                let from = format!("rm_content_topics t CROSS JOIN {CONTENT_FROM}");
                (from, "t.content_id")
            }
            (None, None) => (CONTENT_FROM.to_owned(), "c.id"),
        };
        let mut conditions = conditions
            .and("c.space_id = ?", Arg::Text(space_id))
            .and_some("c.status = ?", given(&filter.status).map(Arg::Text))
            .and_some("c.kind = ?", given(&filter.kind).map(Arg::Text))
            .and_if(filter.featured, "c.featured = 1")
            .and_some(
                "c.external_id = ?",
                given(&filter.external_id).map(Arg::Text),
            );
        // With both a tag and a topic, the tag drives and the topic is looked up by its key.
        if let (Some(_), Some(topic)) = (tag, topic) {
            conditions = conditions.and(
                "EXISTS (SELECT 1 FROM rm_content_topics t WHERE t.content_id = c.id \
                 AND t.topic_id = ?)",
                Arg::Text(topic),
            );
        }
        Self {
            select: format!("{CONTENT_COLUMNS} FROM {from}"),
            filter: conditions.sql(),
            args: conditions.args().to_vec(),
            key,
        }
    }

    pub(crate) fn keyset(&self) -> Keyset<'_> {
        Keyset {
            select: &self.select,
            filter: &self.filter,
            args: &self.args,
            key: self.key,
        }
    }
}

/// One content item, of the given space if one is given.
pub async fn content_item(
    db: &Db,
    space_id: Option<&str>,
    id: &str,
) -> Result<Option<ContentRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {CONTENT_COLUMNS} FROM {CONTENT_FROM} \
         WHERE ($1 = '' OR c.space_id = $1) AND c.id = $2"
    ))
    .bind(space_id.unwrap_or(""))
    .bind(id)
    .fetch_optional(db.reader())
    .await?;
    row.as_ref().map(content_row).transpose()
}

/// A course's lessons or a column's articles, in order.
pub async fn parts(
    db: &Db,
    space_id: &str,
    container: &str,
) -> Result<Vec<ContentRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {CONTENT_COLUMNS} FROM {CONTENT_FROM} WHERE c.space_id = $1 AND c.parent_id = $2 \
         ORDER BY c.part_no, c.id"
    ))
    .bind(space_id)
    .bind(container)
    .fetch_all(db.reader())
    .await?;
    rows.iter().map(content_row).collect()
}

/// One revision of an item's text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevisionRow {
    pub content_id: Uuid,
    pub revision: i64,
    pub title: String,
    pub body: String,
    pub excerpt: Option<String>,
    pub access: serde_json::Value,
    /// Who made it: `key:<id>`, `member:<id>` or `system:…`.
    pub actor: String,
    pub recorded_at: String,
}

/// An item's revisions, newest first, before revision `before` if given.
pub async fn content_revisions(
    db: &Db,
    space_id: &str,
    content_id: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Page<RevisionRow>, StoreError> {
    Keyset {
        select: "content_id, revision, title, body, excerpt, access, actor, recorded_at \
                 FROM rm_content_revisions",
        filter: "space_id = $1 AND content_id = $2",
        args: &[Arg::Text(space_id), Arg::Text(content_id)],
        key: "revision",
    }
    .page(db, Start::BeforeNumber(before), limit, revision_row, |r| {
        r.revision.to_string()
    })
    .await
}

fn revision_row(row: &AnyRow) -> Result<RevisionRow, StoreError> {
    Ok(RevisionRow {
        content_id: uuid(row, "content_id")?,
        revision: row.try_get("revision")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        excerpt: row.try_get("excerpt")?,
        access: serde_json::from_str(&row.try_get::<String, _>("access")?)?,
        actor: row.try_get("actor")?,
        recorded_at: row.try_get("recorded_at")?,
    })
}

/// Items whose scheduled publication is due at `now` (stored time text), oldest due first.
pub async fn due_publications(db: &Db, now: &str, limit: i64) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM rm_content WHERE scheduled_for IS NOT NULL AND scheduled_for <= $1 \
         ORDER BY scheduled_for, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db.reader())
    .await?)
}
