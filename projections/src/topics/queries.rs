//! Topic graph queries: a space's topics and the relations between them.

use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicRow {
    pub id: String,
    pub space_id: String,
    pub name: String,
    pub description: Option<String>,
    pub created_at: String,
}

/// `from_id` relates to `to_id` as `relation` says (`prerequisite_of` or `related_to`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicRelationRow {
    pub from_id: String,
    pub to_id: String,
    pub relation: String,
}

/// Every topic of a space, by name.
pub async fn topics(db: &Db, space_id: &str) -> Result<Vec<TopicRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, space_id, name, description, created_at FROM rm_topics WHERE space_id = $1 \
         ORDER BY name, id",
    )
    .bind(space_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(TopicRow {
                id: row.try_get("id")?,
                space_id: row.try_get("space_id")?,
                name: row.try_get("name")?,
                description: row.try_get("description")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// Every relation between a space's topics.
pub async fn topic_relations(db: &Db, space_id: &str) -> Result<Vec<TopicRelationRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT from_id, to_id, relation FROM rm_topic_relations WHERE space_id = $1 \
         ORDER BY from_id, to_id, relation",
    )
    .bind(space_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(TopicRelationRow {
                from_id: row.try_get("from_id")?,
                to_id: row.try_get("to_id")?,
                relation: row.try_get("relation")?,
            })
        })
        .collect()
}

/// Whether `from` leads to `to` through prerequisites (or is `to`).
pub fn leads_to(relations: &[TopicRelationRow], from: &str, to: &str) -> bool {
    let mut seen = vec![from.to_owned()];
    let mut next = vec![from.to_owned()];
    while let Some(topic) = next.pop() {
        if topic == to {
            return true;
        }
        for relation in relations
            .iter()
            .filter(|r| r.from_id == topic && r.relation == "prerequisite_of")
        {
            if !seen.contains(&relation.to_id) {
                seen.push(relation.to_id.clone());
                next.push(relation.to_id.clone());
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prerequisite(from: &str, to: &str) -> TopicRelationRow {
        TopicRelationRow {
            from_id: from.into(),
            to_id: to.into(),
            relation: "prerequisite_of".into(),
        }
    }

    #[test]
    fn prerequisites_are_followed_transitively_and_related_topics_are_not() {
        let graph = vec![
            prerequisite("a", "b"),
            prerequisite("b", "c"),
            TopicRelationRow {
                from_id: "c".into(),
                to_id: "d".into(),
                relation: "related_to".into(),
            },
        ];
        assert!(leads_to(&graph, "a", "c"));
        assert!(leads_to(&graph, "a", "a"));
        assert!(!leads_to(&graph, "c", "a"));
        assert!(!leads_to(&graph, "a", "d"));
    }
}
