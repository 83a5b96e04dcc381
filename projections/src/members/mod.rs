//! The members read model. Personal data is opened with the member's key while the event is
//! applied; once the key is erased, the same events yield an erased member, live or on replay.

pub mod access;
pub mod queries;

use lyceum_domain::Aggregate;
use lyceum_domain::membership::member::{Member, MemberEvent};
use lyceum_store::{StoreError, StoredEvent, vault};
use sqlx::AnyConnection;

pub(crate) async fn apply(conn: &mut AnyConnection, event: &StoredEvent) -> Result<(), StoreError> {
    if event.aggregate_type != Member::TYPE {
        return Ok(());
    }
    let id = event.aggregate_id.to_string();
    let touch = |sql: &'static str| {
        sqlx::query(sql)
            .bind(&event.recorded_at)
            .bind(event.position)
            .bind(id.clone())
    };
    match event.decode::<MemberEvent>()? {
        MemberEvent::MemberAdded {
            space_id,
            email,
            display_name,
        } => {
            let secret = vault::secret_for(conn, event.aggregate_id).await?;
            let open = |sealed| {
                secret
                    .as_deref()
                    .and_then(|s| vault::open(s, event.aggregate_id, sealed))
            };
            let (email, display_name) = (open(&email), open(&display_name));
            let erased = i64::from(email.is_none());
            sqlx::query(
                "INSERT INTO rm_members (id, space_id, email, display_name, status, erased, created_at, updated_at, position) \
                 VALUES ($1, $2, $3, $4, 'active', $5, $6, $6, $7)",
            )
            .bind(&id)
            .bind(space_id.to_string())
            .bind(email)
            .bind(display_name)
            .bind(erased)
            .bind(&event.recorded_at)
            .bind(event.position)
            .execute(&mut *conn)
            .await?;
        }
        MemberEvent::MemberJoinedTier { tier_id } => {
            sqlx::query(
                "INSERT INTO rm_member_tiers (member_id, tier_id, space_id, joined_at) \
                 SELECT id, $1, space_id, $2 FROM rm_members WHERE id = $3",
            )
            .bind(tier_id.to_string())
            .bind(&event.recorded_at)
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
                "UPDATE rm_members SET email = NULL, display_name = NULL, erased = 1, \
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
