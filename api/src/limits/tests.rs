//! The counter on a real SQLite database: quotas, windows, and what a failing database does.

use super::*;
use chrono::{Duration, TimeZone};
use lyceum_domain::Code;
use uuid::Uuid;

async fn sqlite(migrated: bool) -> (Db, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("lyceum-limits-{}", Uuid::new_v4().simple()));
    let db = Db::sqlite(&dir).await.unwrap();
    if migrated {
        lyceum_store::migrate::run(&db, &[lyceum_store::migrate::migrations()])
            .await
            .unwrap();
    }
    (db, dir)
}

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

#[test]
fn a_window_is_fixed_and_its_reset_counts_whole_seconds() {
    let quota = Quota::new(5, 60);
    let start = noon().timestamp();
    assert_eq!(quota.window_at(noon()), (start, 60));
    assert_eq!(
        quota.window_at(noon() + Duration::milliseconds(59_999)),
        (start, 1)
    );
    assert_eq!(
        quota.window_at(noon() + Duration::seconds(60)),
        (start + 60, 60)
    );
    assert_eq!(Quota::new(5, 0).window(), 1);
    let tally = |hits| Tally {
        quota,
        hits,
        reset: 1,
    };
    assert!(tally(5).admitted() && !tally(6).admitted());
    assert_eq!((tally(1).remaining(), tally(9).remaining()), (4, 0));
}

#[tokio::test]
async fn each_bucket_gets_one_quota_per_window() {
    let (db, dir) = sqlite(true).await;
    let limiter = RateLimiter::new(db.clone(), Policies::default());
    let quota = Quota::new(3, 60);
    let at = noon() + Duration::seconds(20);
    for n in 1..=4 {
        let tally = limiter.count("key:a", quota, at).await.unwrap().unwrap();
        assert_eq!((tally.hits, tally.reset, tally.admitted()), (n, 40, n <= 3));
    }
    let other = limiter.count("key:b", quota, at).await.unwrap().unwrap();
    assert_eq!(other.hits, 1);
    let next = limiter
        .count("key:a", quota, noon() + Duration::seconds(60))
        .await
        .unwrap()
        .unwrap();
    assert!(next.admitted() && next.hits == 1);
    db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn engagement_is_refused_with_its_message_until_the_window_ends() {
    let (db, dir) = sqlite(true).await;
    let limiter = RateLimiter::new(db.clone(), Policies::default());
    let member = Uuid::new_v4();
    let at = noon() + Duration::seconds(30);
    for _ in 0..10 {
        limiter.check(member, Limit::Report, at).await.unwrap();
    }
    let refused = limiter.check(member, Limit::Report, at).await.unwrap_err();
    assert_eq!(refused.code, Code::RateLimited);
    assert_eq!(refused.retry_after, Some(30));
    assert_eq!(refused.detail, "at most 10 reports a minute; retry in 30 s");
    limiter
        .check(Uuid::new_v4(), Limit::Report, at)
        .await
        .unwrap();
    limiter.check(member, Limit::Comment, at).await.unwrap();
    let later = noon() + Duration::seconds(60);
    limiter.check(member, Limit::Report, later).await.unwrap();
    db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_database_out_of_reach_is_503_and_a_failed_count_lets_the_request_through() {
    let (unmigrated, dir) = sqlite(false).await;
    let limiter = RateLimiter::new(unmigrated.clone(), Policies::default());
    let quota = Quota::new(1, 60);
    assert_eq!(limiter.count("key:a", quota, noon()).await.unwrap(), None);
    unmigrated.close().await;
    let error = limiter.count("key:a", quota, noon()).await.unwrap_err();
    assert_eq!(error.code, Code::Unavailable);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn ended_windows_are_pruned_and_current_ones_kept() {
    let (db, dir) = sqlite(true).await;
    let limiter = RateLimiter::new(db.clone(), Policies::default());
    let quota = Quota::new(5, 60);
    limiter.count("key:old", quota, noon()).await.unwrap();
    let later = noon() + Duration::hours(1);
    // A minute or more after the last prune, counting prunes what ended long enough ago.
    limiter.count("key:new", quota, later).await.unwrap();
    let hit = |bucket, at: DateTime<Utc>| {
        let db = db.clone();
        async move {
            let (start, _) = quota.window_at(at);
            lyceum_store::rate_limits::hit(&db, bucket, start)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        hit("key:old", noon()).await,
        1,
        "the ended window was deleted"
    );
    assert_eq!(
        hit("key:new", later).await,
        2,
        "the current window was kept"
    );
    db.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
