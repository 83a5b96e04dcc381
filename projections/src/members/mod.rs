//! The members read model. Personal data is opened with the member's key while the event is
//! applied; once the key is erased, the same events yield an erased member, live or on replay.

pub mod access;
pub mod queries;

use crate::bulk;
use lyceum_domain::Aggregate;
use lyceum_domain::membership::member::{Member, MemberEvent};
use lyceum_store::{StoreError, StoredEvent, vault};
use sqlx::AnyConnection;
use uuid::Uuid;

/// Applies a batch's share: each run of members added is written by [`added`], anything else
/// on its own.
pub(crate) async fn apply_batch(
    conn: &mut AnyConnection,
    events: &[&StoredEvent],
) -> Result<(), StoreError> {
    let mut run: Vec<&StoredEvent> = Vec::new();
    for event in events {
        if event.aggregate_type == Member::TYPE && event.event_type == "MemberAdded" {
            run.push(event);
        } else {
            added(conn, &std::mem::take(&mut run)).await?;
            apply(conn, event).await?;
        }
    }
    added(conn, &run).await
}

/// Members added: their personal data opened with their keys (read together), and their rows
/// written in one insert.
async fn added(conn: &mut AnyConnection, events: &[&StoredEvent]) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = events.iter().map(|event| event.aggregate_id).collect();
    let secrets = vault::secrets_for(conn, &ids).await?;
    let mut rows = Vec::with_capacity(events.len());
    for event in events {
        let MemberEvent::MemberAdded {
            space_id,
            email,
            display_name,
            external_id,
        } = event.decode::<MemberEvent>()?
        else {
            return Err(StoreError::Corrupt(format!(
                "{} at {} is not a MemberAdded",
                event.event_type, event.position
            )));
        };
        let secret = secrets.get(&event.aggregate_id);
        let open = |sealed| secret.and_then(|s| vault::open(s, event.aggregate_id, sealed));
        let (email, display_name) = (open(&email), open(&display_name));
        let external_id = external_id.as_ref().and_then(open);
        let erased = i64::from(email.is_none());
        rows.push(vec![
            event.aggregate_id.to_string().into(),
            space_id.to_string().into(),
            email.into(),
            display_name.into(),
            "active".into(),
            erased.into(),
            event.occurred_at.as_str().into(),
            event.occurred_at.as_str().into(),
            event.position.into(),
            external_id.into(),
        ]);
    }
    bulk::insert(
        conn,
        "INSERT INTO rm_members (id, space_id, email, display_name, status, erased, created_at, \
         updated_at, position, external_id)",
        "",
        &rows,
    )
    .await
}

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    if event.aggregate_type != Member::TYPE {
        return Ok(());
    }
    let id = event.aggregate_id.to_string();
    let touch = |sql: &'static str| {
        sqlx::query(sql)
            .bind(&event.occurred_at)
            .bind(event.position)
            .bind(id.clone())
    };
    match event.decode::<MemberEvent>()? {
        MemberEvent::MemberAdded { .. } => added(conn, &[event]).await?,
        MemberEvent::MemberJoinedTier { tier_id } => {
            sqlx::query(
                "INSERT INTO rm_member_tiers (member_id, tier_id, space_id, joined_at) \
                 SELECT id, $1, space_id, $2 FROM rm_members WHERE id = $3",
            )
            .bind(tier_id.to_string())
            .bind(&event.occurred_at)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
            touch("UPDATE rm_members SET updated_at = $1, position = $2 WHERE id = $3")
                .execute(&mut *conn)
                .await?;
        }
        MemberEvent::MemberRemoved {} => {
            sqlx::query("DELETE FROM rm_member_tiers WHERE member_id = $1")
                .bind(&id)
                .execute(&mut *conn)
                .await?;
            touch("UPDATE rm_members SET status = 'removed', updated_at = $1, position = $2 WHERE id = $3")
                .execute(&mut *conn)
                .await?;
        }
        // Points are kept by the points read model, with those that actions earn.
        MemberEvent::PointsAdjusted { .. } => {
            touch("UPDATE rm_members SET updated_at = $1, position = $2 WHERE id = $3")
                .execute(&mut *conn)
                .await?;
        }
        MemberEvent::MemberBanned { .. } => {
            sqlx::query("DELETE FROM rm_member_tiers WHERE member_id = $1")
                .bind(&id)
                .execute(&mut *conn)
                .await?;
            touch("UPDATE rm_members SET status = 'banned', updated_at = $1, position = $2 WHERE id = $3")
                .execute(&mut *conn)
                .await?;
        }
        MemberEvent::MemberMuted { .. } | MemberEvent::MemberUnmuted {} => {
            touch("UPDATE rm_members SET updated_at = $1, position = $2 WHERE id = $3")
                .execute(&mut *conn)
                .await?;
        }
        MemberEvent::MemberPersonalDataErased {} => {
            touch(
                "UPDATE rm_members SET email = NULL, display_name = NULL, external_id = NULL, erased = 1, \
                 updated_at = $1, position = $2 WHERE id = $3",
            )
            .execute(&mut *conn)
            .await?;
        }
        // The questions projection keeps who holds the guest role.
        MemberEvent::GuestRoleGranted {} | MemberEvent::GuestRoleRevoked {} => {}
    }
    Ok(())
}
