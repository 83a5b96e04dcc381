//! How a read model's events are split into partitions: by space, so each space's events stay
//! in order within one partition and several workers can share a read model. The function is
//! part of the stored state (checkpoints are per partition), so it must never change.

use crate::Projection;
use lyceum_store::{Db, StoreError, StoredEvent, checkpoints};
use sqlx::Connection;

/// How many partitions each read model has unless configured otherwise.
pub const DEFAULT_PARTITIONS: u16 = 4;

/// The partition of `event` among `count`: a hash of its space (of its aggregate when it has
/// none), FNV-1a over the id's 16 bytes.
pub fn partition_of(event: &StoredEvent, count: u16) -> u16 {
    let key = event.space_id.unwrap_or(event.aggregate_id);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let count = u64::from(count.max(1));
    u16::try_from(hash % count).unwrap_or(0)
}

/// Gives every read model `count` partition checkpoints if it has none (a new store, or one
/// written before partitions), and checks that a store already split has `count` of them: a
/// different count would send events of one space to another partition's checkpoint.
pub async fn prepare(db: &Db, count: u16) -> Result<(), StoreError> {
    for projection in Projection::ALL {
        let mut conn = db.writer().acquire().await?;
        let mut tx = conn.begin().await?;
        let found =
            checkpoints::lock_partitions(&mut tx, db.backend, projection.name(), count).await?;
        tx.commit().await?;
        if found.len() != usize::from(count) {
            return Err(StoreError::Corrupt(format!(
                "the read models are split into {} partitions, not {count}: set LYCEUM_PARTITIONS to {}, \
                 or rebuild them with `lyceum replay --partitions {count}` to change it",
                found.len(),
                found.len()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn event(space: Option<Uuid>, aggregate: Uuid) -> StoredEvent {
        StoredEvent {
            position: 1,
            event_id: Uuid::nil(),
            aggregate_type: "member".into(),
            aggregate_id: aggregate,
            version: 1,
            event_type: "MemberAdded".into(),
            event_version: 1,
            payload: serde_json::Value::Null,
            space_id: space,
            actor: "system".into(),
            correlation_id: Uuid::nil(),
            causation_id: None,
            request_id: String::new(),
            recorded_at: String::new(),
            occurred_at: String::new(),
        }
    }

    #[test]
    fn a_space_keeps_one_partition_and_spaces_spread() {
        let space = Uuid::from_u128(42);
        let first = partition_of(&event(Some(space), Uuid::from_u128(1)), 4);
        for aggregate in 2..50 {
            assert_eq!(
                partition_of(&event(Some(space), Uuid::from_u128(aggregate)), 4),
                first
            );
        }
        let mut seen = [0usize; 4];
        for space in 0..400u128 {
            seen[usize::from(partition_of(
                &event(Some(Uuid::from_u128(space)), Uuid::nil()),
                4,
            ))] += 1;
        }
        assert!(seen.iter().all(|n| *n > 50), "{seen:?}");
    }

    #[test]
    fn the_function_is_stable() {
        // Stored checkpoints depend on it: these values must never change.
        let space = Uuid::parse_str("01890a5d-ac96-774b-bcce-b302099a8057").unwrap_or_default();
        assert_eq!(partition_of(&event(Some(space), Uuid::nil()), 4), STABLE);
        assert_eq!(partition_of(&event(None, space), 4), STABLE);
        assert_eq!(partition_of(&event(Some(space), Uuid::nil()), 1), 0);
    }

    const STABLE: u16 = 3;
}
