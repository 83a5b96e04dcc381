//! The report queue: open reports, oldest first, until a moderator resolves them. A reporter's
//! details are opened with their key while the event is applied, like comment bodies.

use super::space_of;
use lyceum_domain::engagement::report::ReportEvent;
use lyceum_store::{StoreError, StoredEvent, vault};
use sqlx::AnyConnection;

fn name<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    Ok(serde_json::to_value(value)?
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

pub(super) async fn apply(
    conn: &mut AnyConnection,
    event: &StoredEvent,
    decoded: ReportEvent,
) -> Result<(), StoreError> {
    let id = event.aggregate_id.to_string();
    match decoded {
        ReportEvent::ContentReported {
            reporter_id,
            content_id,
            comment_id,
            reason,
            details,
            ..
        } => {
            let details = match details {
                Some(sealed) => vault::secret_for(conn, reporter_id.0)
                    .await?
                    .and_then(|s| vault::open(&s, reporter_id.0, &sealed)),
                None => None,
            };
            sqlx::query(
                "INSERT INTO rm_reports (id, space_id, reporter_id, content_id, comment_id, reason, \
                 details, status, outcome, note, resolved_by, created_at, resolved_at, position) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', NULL, NULL, NULL, $8, NULL, $9)",
            )
            .bind(&id)
            .bind(space_of(event))
            .bind(reporter_id.to_string())
            .bind(content_id.to_string())
            .bind(comment_id.map(|c| c.to_string()))
            .bind(name(&reason)?)
            .bind(details)
            .bind(&event.occurred_at)
            .bind(event.position)
            .execute(conn)
            .await?;
        }
        ReportEvent::ReportResolved { outcome, note, .. } => {
            sqlx::query(
                "UPDATE rm_reports SET status = 'resolved', outcome = $1, note = $2, \
                 resolved_by = $3, resolved_at = $4, position = $5 WHERE id = $6",
            )
            .bind(name(&outcome)?)
            .bind(note)
            .bind(&event.actor)
            .bind(&event.occurred_at)
            .bind(event.position)
            .bind(&id)
            .execute(conn)
            .await?;
        }
    }
    Ok(())
}

/// A member's personal data was erased: the details of their reports go.
pub(super) async fn erase(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    sqlx::query("UPDATE rm_reports SET details = NULL WHERE reporter_id = $1")
        .bind(event.aggregate_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}
