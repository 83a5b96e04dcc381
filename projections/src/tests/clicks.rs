//! A view's clicks add up in the member's row for the item, on both databases, whether the
//! views are applied one by one or as one batch.

use super::{BACKENDS, migrated};
use lyceum_domain::engagement::interaction::InteractionEvent;
use lyceum_domain::ids::{ContentId, MemberId};
use lyceum_store::StoredEvent;
use uuid::Uuid;

fn viewed(position: i64, day: u32, clicks: u32) -> StoredEvent {
    let event = InteractionEvent::ItemViewed {
        member_id: MemberId(Uuid::from_u128(1)),
        content_id: ContentId(Uuid::from_u128(2)),
        day: chrono::NaiveDate::from_ymd_opt(2013, 10, day).unwrap(),
        clicks,
    };
    let envelope = lyceum_domain::event::encode(&event).unwrap();
    let at = format!("2013-10-{day:02}T09:00:00.000000Z");
    StoredEvent {
        position,
        event_id: Uuid::now_v7(),
        aggregate_type: "interaction".into(),
        aggregate_id: Uuid::from_u128(3),
        version: position,
        event_type: envelope.event_type,
        event_version: envelope.event_version,
        payload: envelope.payload,
        space_id: Some(Uuid::from_u128(4)),
        actor: "system".into(),
        correlation_id: Uuid::nil(),
        causation_id: None,
        request_id: String::new(),
        recorded_at: "2026-12-06T00:00:00.000000Z".into(),
        occurred_at: at,
    }
}

#[tokio::test]
async fn the_clicks_of_views_add_up() {
    for backend in BACKENDS {
        let db = migrated(backend).await;
        let mut conn = db.writer().acquire().await.unwrap();
        crate::interactions::apply(&mut conn, &viewed(1, 1, 7))
            .await
            .unwrap();
        let (second, third) = (viewed(2, 2, 1), viewed(3, 3, 5));
        crate::interactions::apply_batch(&mut conn, &[&second, &third])
            .await
            .unwrap();
        let row: (i64, i64, String) =
            sqlx::query_as("SELECT views, clicks, last_at FROM rm_interactions")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        assert_eq!(
            row,
            (3, 13, "2013-10-03T09:00:00.000000Z".into()),
            "{backend:?}"
        );
        drop(conn);
        db.close().await;
    }
}
