//! Topic graph queries: a space's topics and the relations between them.

use crate::decode::uuid;
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicRow {
    pub id: Uuid,
    pub space_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub created_at: String,
}

/// `from_id` relates to `to_id` as `relation` says (`prerequisite_of` or `related_to`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicRelationRow {
    pub from_id: Uuid,
    pub to_id: Uuid,
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
                id: uuid(row, "id")?,
                space_id: uuid(row, "space_id")?,
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
                from_id: uuid(row, "from_id")?,
                to_id: uuid(row, "to_id")?,
                relation: row.try_get("relation")?,
            })
        })
        .collect()
}

/// Whether `from` leads to `to` through prerequisites (or is `to`).
pub fn leads_to(relations: &[TopicRelationRow], from: Uuid, to: Uuid) -> bool {
    let mut seen = vec![from];
    let mut next = vec![from];
    while let Some(topic) = next.pop() {
        if topic == to {
            return true;
        }
        for relation in relations
            .iter()
            .filter(|r| r.from_id == topic && r.relation == "prerequisite_of")
        {
            if !seen.contains(&relation.to_id) {
                seen.push(relation.to_id);
                next.push(relation.to_id);
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(name: char) -> Uuid {
        Uuid::from_u128(name as u128)
    }

    fn prerequisite(from: char, to: char) -> TopicRelationRow {
        TopicRelationRow {
            from_id: topic(from),
            to_id: topic(to),
            relation: "prerequisite_of".into(),
        }
    }

    #[test]
    fn prerequisites_are_followed_transitively_and_related_topics_are_not() {
        let graph = vec![
            prerequisite('a', 'b'),
            prerequisite('b', 'c'),
            TopicRelationRow {
                from_id: topic('c'),
                to_id: topic('d'),
                relation: "related_to".into(),
            },
        ];
        assert!(leads_to(&graph, topic('a'), topic('c')));
        assert!(leads_to(&graph, topic('a'), topic('a')));
        assert!(!leads_to(&graph, topic('c'), topic('a')));
        assert!(!leads_to(&graph, topic('a'), topic('d')));
    }
}
