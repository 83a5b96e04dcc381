//! The questions read model: each question with its answers and the accepted one, and who holds
//! the guest role in each space (the members who may answer).

pub mod queries;

use lyceum_domain::Aggregate;
use lyceum_domain::content::question::{Question, QuestionEvent};
use lyceum_domain::membership::member::{Member, MemberEvent};
use lyceum_store::{StoreError, StoredEvent};
use sqlx::AnyConnection;

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    if event.aggregate_type == Member::TYPE {
        return guests(conn, event).await;
    }
    if event.aggregate_type != Question::TYPE {
        return Ok(());
    }
    let id = event.aggregate_id.to_string();
    match event.decode::<QuestionEvent>()? {
        QuestionEvent::QuestionAsked {
            space_id,
            member_id,
            title,
            body,
            content_id,
        } => {
            sqlx::query(
                "INSERT INTO rm_questions (id, space_id, member_id, title, body, content_id, \
                 accepted_answer_id, answer_count, created_at, updated_at, position) \
                 VALUES ($1, $2, $3, $4, $5, $6, NULL, 0, $7, $7, $8)",
            )
            .bind(&id)
            .bind(space_id.to_string())
            .bind(member_id.to_string())
            .bind(title)
            .bind(body)
            .bind(content_id.map(|c| c.to_string()))
            .bind(&event.occurred_at)
            .bind(event.position)
            .execute(&mut *conn)
            .await?;
        }
        QuestionEvent::QuestionAnswered {
            answer_id,
            answerer_id,
            body,
        } => {
            sqlx::query(
                "INSERT INTO rm_answers (id, question_id, space_id, answerer_id, body, accepted, \
                 created_at, position) SELECT $1, id, space_id, $2, $3, 0, $4, $5 \
                 FROM rm_questions WHERE id = $6",
            )
            .bind(answer_id.to_string())
            .bind(answerer_id.map(|m| m.to_string()))
            .bind(body)
            .bind(&event.occurred_at)
            .bind(event.position)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "UPDATE rm_questions SET answer_count = answer_count + 1, updated_at = $1, \
                 position = $2 WHERE id = $3",
            )
            .bind(&event.occurred_at)
            .bind(event.position)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
        }
        QuestionEvent::AnswerAccepted { answer_id, .. } => {
            sqlx::query("UPDATE rm_answers SET accepted = 1 WHERE id = $1 AND question_id = $2")
                .bind(answer_id.to_string())
                .bind(&id)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "UPDATE rm_questions SET accepted_answer_id = $1, updated_at = $2, position = $3 \
                 WHERE id = $4",
            )
            .bind(answer_id.to_string())
            .bind(&event.occurred_at)
            .bind(event.position)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Guests are granted and revoked on the member; a removed member is a guest no more.
async fn guests(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    let member = event.aggregate_id.to_string();
    match event.decode::<MemberEvent>()? {
        MemberEvent::GuestRoleGranted {} => {
            sqlx::query(
                "INSERT INTO rm_guests (member_id, space_id, granted_at, position) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(&member)
            .bind(event.space_id.map(|s| s.to_string()).unwrap_or_default())
            .bind(&event.occurred_at)
            .bind(event.position)
            .execute(&mut *conn)
            .await?;
        }
        MemberEvent::GuestRoleRevoked {} | MemberEvent::MemberRemoved {} => {
            sqlx::query("DELETE FROM rm_guests WHERE member_id = $1")
                .bind(&member)
                .execute(&mut *conn)
                .await?;
        }
        _ => {}
    }
    Ok(())
}
