//! Question queries: a space's questions, one question's answers, and its guests.

use crate::decode::{opt_uuid, uuid};
use crate::page::{Arg, Keyset, Page, Start};
use lyceum_store::{Db, StoreError};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionRow {
    pub id: Uuid,
    pub space_id: Uuid,
    pub member_id: Uuid,
    pub title: String,
    pub body: String,
    pub content_id: Option<Uuid>,
    pub accepted_answer_id: Option<Uuid>,
    pub answer_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerRow {
    pub id: Uuid,
    pub question_id: Uuid,
    /// The guest who answered; `None` for the creator.
    pub answerer_id: Option<Uuid>,
    pub body: String,
    pub accepted: bool,
    pub created_at: String,
}

const QUESTION_COLUMNS: &str = "id, space_id, member_id, title, body, content_id, \
     accepted_answer_id, answer_count, created_at, updated_at";

fn question_row(row: &AnyRow) -> Result<QuestionRow, StoreError> {
    Ok(QuestionRow {
        id: uuid(row, "id")?,
        space_id: uuid(row, "space_id")?,
        member_id: uuid(row, "member_id")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        content_id: opt_uuid(row, "content_id")?,
        accepted_answer_id: opt_uuid(row, "accepted_answer_id")?,
        answer_count: row.try_get("answer_count")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// A space's questions, newest first.
pub async fn questions(
    db: &Db,
    space_id: &str,
    before: Option<&str>,
    limit: i64,
) -> Result<Page<QuestionRow>, StoreError> {
    Keyset {
        select: &format!("{QUESTION_COLUMNS} FROM rm_questions"),
        filter: "space_id = $1",
        args: &[Arg::Text(space_id)],
        key: "id",
    }
    .page(db, Start::Before(before), limit, question_row, |q| {
        q.id.to_string()
    })
    .await
}

/// One question of a space.
pub async fn question(
    db: &Db,
    space_id: &str,
    id: &str,
) -> Result<Option<QuestionRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {QUESTION_COLUMNS} FROM rm_questions WHERE space_id = $1 AND id = $2"
    ))
    .bind(space_id)
    .bind(id)
    .fetch_optional(db.reader())
    .await?;
    row.as_ref().map(question_row).transpose()
}

/// A question's answers, oldest first.
pub async fn answers(db: &Db, question_id: &str) -> Result<Vec<AnswerRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, question_id, answerer_id, body, accepted, created_at FROM rm_answers \
         WHERE question_id = $1 ORDER BY id",
    )
    .bind(question_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AnswerRow {
                id: uuid(row, "id")?,
                question_id: uuid(row, "question_id")?,
                answerer_id: opt_uuid(row, "answerer_id")?,
                body: row.try_get("body")?,
                accepted: row.try_get::<i64, _>("accepted")? != 0,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// The members of a space who hold the guest role, by id.
pub async fn guests(db: &Db, space_id: &str) -> Result<Vec<Uuid>, StoreError> {
    let rows =
        sqlx::query("SELECT member_id FROM rm_guests WHERE space_id = $1 ORDER BY member_id")
            .bind(space_id)
            .fetch_all(db.reader())
            .await?;
    Ok(rows
        .iter()
        .map(|row| uuid(row, "member_id"))
        .collect::<Result<_, _>>()?)
}
