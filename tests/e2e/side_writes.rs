//! The store's side writes on both backends, through the append path itself: each side table's
//! write changes its rows, and a refusal reads as the error the API maps to a stable code (a
//! taken slug, a taken email, a Stripe event handled twice, a purchase that lost its claim, …).
//! A refused side write rolls back the whole append, events included.

use crate::on_both_backends;
use crate::support::Backend;
use chrono::Utc;
use lyceum_domain::payment::method::PaymentMethod;
use lyceum_store::append::append;
use lyceum_store::identity::{self, IssuedSession};
use lyceum_store::keys::{self, IssuedKey, Role};
use lyceum_store::purchases::{Purchase, PurchaseClaim};
use lyceum_store::webhooks::WebhookWrite;
use lyceum_store::{
    Append, Db, Metadata, SideWrite, StoreError, billing, catalog, offers, referrals, slugs,
    stripe, time, vault,
};
use std::sync::Arc;
use uuid::Uuid;

on_both_backends!(
    slugs_are_unique,
    a_refused_side_write_rolls_back_its_append,
    api_keys,
    member_keys,
    credentials,
    sessions,
    payment_methods,
    offer_codes,
    referral_codes,
    stripe_rows,
    purchase_claims,
    catalog_rows,
    webhook_endpoints,
);

/// A fresh, migrated store on the backend's database.
async fn store(backend: Backend) -> Db {
    let backend = match backend {
        Backend::Embedded => lyceum_store::Backend::Sqlite,
        Backend::Production => lyceum_store::Backend::Postgres,
    };
    let db = lyceum_store::testing::fresh(backend).await.unwrap();
    lyceum_store::migrate::run(&db, &[lyceum_store::migrate::migrations()])
        .await
        .unwrap();
    db
}

/// Appends `write` alone: no event, like a sign-out or a new Stripe secret.
async fn write(db: &Db, write: impl SideWrite + 'static) -> Result<(), StoreError> {
    let alone = Append {
        aggregate_type: "Test",
        aggregate_id: Uuid::now_v7(),
        expected_version: 0,
        events: vec![],
        metadata: Metadata {
            space_id: None,
            actor: "test".into(),
            correlation_id: Uuid::now_v7(),
            causation_id: None,
            request_id: "test".into(),
        },
        side_writes: vec![Arc::new(write)],
        recorded_at: time::now(),
        occurred_at: None,
    };
    append(db, &alone, None).await.map(|_| ())
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(db.reader())
        .await
        .unwrap()
}

async fn slugs_are_unique(backend: Backend) {
    let db = store(backend).await;
    let (space, other) = (Uuid::now_v7(), Uuid::now_v7());
    let reserve = |slug: &str, space_id| slugs::Reserve {
        slug: slug.into(),
        space_id,
    };
    write(&db, reserve("alpha", space)).await.unwrap();
    assert_eq!(
        slugs::resolve(&db, "alpha").await.unwrap(),
        Some((space, "alpha".to_owned()))
    );
    let taken = write(&db, reserve("alpha", other)).await.unwrap_err();
    assert!(matches!(taken, StoreError::SlugTaken), "{taken:?}");
    assert_eq!(slugs::resolve(&db, &other.to_string()).await.unwrap(), None);
}

async fn a_refused_side_write_rolls_back_its_append(backend: Backend) {
    let db = store(backend).await;
    let mut first = lyceum_store::testing::space_created("beta").unwrap();
    first.side_writes.push(Arc::new(slugs::Reserve {
        slug: "beta".into(),
        space_id: first.aggregate_id,
    }));
    assert!(append(&db, &first, None).await.unwrap().is_some());
    // Another space with the same slug: its offer code is written first, then the slug is
    // refused, and neither the code nor the event stays.
    let mut second = lyceum_store::testing::space_created("beta").unwrap();
    let space = second.aggregate_id;
    second.side_writes = vec![
        Arc::new(offers::reserve_code(space, "EARLY", Uuid::now_v7())),
        Arc::new(slugs::Reserve {
            slug: "beta".into(),
            space_id: space,
        }),
    ];
    // An append stays cloneable and printable with its side writes.
    let again = second.clone();
    assert!(format!("{again:?}").contains("Reserve"), "{again:?}");
    let taken = append(&db, &again, None).await.unwrap_err();
    assert!(matches!(taken, StoreError::SlugTaken), "{taken:?}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM events").await, 1);
    assert_eq!(
        offers::offer_for_code(&db, space, "EARLY").await.unwrap(),
        None
    );
}

async fn api_keys(backend: Backend) {
    let db = store(backend).await;
    let space = Uuid::now_v7();
    let key = IssuedKey::generate(Role::Auditor, Some(space)).unwrap();
    write(&db, key.side_write()).await.unwrap();
    let principal = keys::lookup(&db, &key.secret).await.unwrap().unwrap();
    assert_eq!(
        (principal.key_id, principal.role, principal.space_id),
        (key.id, Role::Auditor, Some(space))
    );
    // The same key twice is no refusal the API knows: a database error.
    let twice = write(&db, key.side_write()).await.unwrap_err();
    assert!(matches!(twice, StoreError::Database(_)), "{twice:?}");
}

async fn member_keys(backend: Backend) {
    let db = store(backend).await;
    let (member, space) = (Uuid::now_v7(), Uuid::now_v7());
    let secret = vault::new_secret().unwrap();
    let insert = vault::InsertKey {
        member_id: member,
        space_id: space,
        secret: secret.clone(),
    };
    write(&db, insert.clone()).await.unwrap();
    let sealed = vault::seal(&secret, member, "ada@example.org").unwrap();
    assert_eq!(
        vault::open_for(&db, member, &sealed)
            .await
            .unwrap()
            .as_deref(),
        Some("ada@example.org")
    );
    let twice = write(&db, insert).await.unwrap_err();
    assert!(matches!(twice, StoreError::Database(_)), "{twice:?}");
    write(&db, vault::DeleteKey { member_id: member })
        .await
        .unwrap();
    assert_eq!(vault::open_for(&db, member, &sealed).await.unwrap(), None);
}

async fn credentials(backend: Backend) {
    let db = store(backend).await;
    let space = Uuid::now_v7();
    let (ada, eve) = (Uuid::now_v7(), Uuid::now_v7());
    write(
        &db,
        identity::credentials_write(ada, space, "ada@example.org", "hash-a".into()),
    )
    .await
    .unwrap();
    let found = identity::credentials_by_email(&db, space, "ada@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.member_id, found.password_hash.as_str()),
        (ada, "hash-a")
    );
    let taken = write(
        &db,
        identity::credentials_write(eve, space, "ada@example.org", "hash-e".into()),
    )
    .await
    .unwrap_err();
    assert!(matches!(taken, StoreError::EmailTaken), "{taken:?}");
    // The same email in another space is another sign-up.
    write(
        &db,
        identity::credentials_write(eve, Uuid::now_v7(), "ada@example.org", "hash-e".into()),
    )
    .await
    .unwrap();
    write(&db, identity::DeleteCredentials { member_id: ada })
        .await
        .unwrap();
    assert!(
        identity::credentials_by_email(&db, space, "ada@example.org")
            .await
            .unwrap()
            .is_none()
    );
}

async fn sessions(backend: Backend) {
    let db = store(backend).await;
    let (member, space) = (Uuid::now_v7(), Uuid::now_v7());
    let issue = || IssuedSession::generate(member, space, Utc::now()).unwrap();
    let (one, two, three) = (issue(), issue(), issue());
    for session in [&one, &two, &three] {
        write(&db, session.side_write()).await.unwrap();
    }
    let principal = identity::lookup_session(&db, &one.token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (principal.member_id, principal.space_id, principal.role),
        (Some(member), Some(space), Role::Member)
    );
    write(
        &db,
        identity::RevokeSession {
            token_hash: keys::hash(&one.token),
        },
    )
    .await
    .unwrap();
    assert!(
        identity::lookup_session(&db, &one.token)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        identity::lookup_session(&db, &two.token)
            .await
            .unwrap()
            .is_some()
    );
    write(&db, identity::RevokeSessions { member_id: member })
        .await
        .unwrap();
    for session in [&two, &three] {
        assert!(
            identity::lookup_session(&db, &session.token)
                .await
                .unwrap()
                .is_none()
        );
    }
}

async fn payment_methods(backend: Backend) {
    let db = store(backend).await;
    let (subscription, space) = (Uuid::now_v7(), Uuid::now_v7());
    let method = |raw: &str| {
        billing::set_payment_method(subscription, space, &PaymentMethod::parse(raw).unwrap())
    };
    write(&db, method("pm_card_visa")).await.unwrap();
    assert_eq!(
        billing::payment_method(&db, subscription)
            .await
            .unwrap()
            .as_deref(),
        Some("pm_card_visa")
    );
    // A new method replaces the old one.
    write(&db, method("stripe:sub_123")).await.unwrap();
    assert_eq!(
        billing::payment_method(&db, subscription)
            .await
            .unwrap()
            .as_deref(),
        Some("stripe:sub_123")
    );
}

async fn offer_codes(backend: Backend) {
    let db = store(backend).await;
    let (space, offer) = (Uuid::now_v7(), Uuid::now_v7());
    write(&db, offers::reserve_code(space, "LAUNCH", offer))
        .await
        .unwrap();
    assert_eq!(
        offers::offer_for_code(&db, space, "LAUNCH").await.unwrap(),
        Some(offer)
    );
    let taken = write(&db, offers::reserve_code(space, "LAUNCH", Uuid::now_v7()))
        .await
        .unwrap_err();
    assert!(matches!(taken, StoreError::OfferCodeTaken), "{taken:?}");
    write(
        &db,
        offers::reserve_code(Uuid::now_v7(), "LAUNCH", Uuid::now_v7()),
    )
    .await
    .unwrap();
}

async fn referral_codes(backend: Backend) {
    let db = store(backend).await;
    let (space, member) = (Uuid::now_v7(), Uuid::now_v7());
    write(&db, referrals::reserve_code(space, "REF-ADA", member))
        .await
        .unwrap();
    assert_eq!(
        referrals::member_for_code(&db, space, "REF-ADA")
            .await
            .unwrap(),
        Some(member)
    );
    // Two members whose ids hash to one code: a conflict the caller may retry.
    let clash = write(
        &db,
        referrals::reserve_code(space, "REF-ADA", Uuid::now_v7()),
    )
    .await
    .unwrap_err();
    assert!(matches!(clash, StoreError::Conflict), "{clash:?}");
}

async fn stripe_rows(backend: Backend) {
    let db = store(backend).await;
    let space = Uuid::now_v7();
    for n in 1..=4 {
        write(&db, stripe::add_secret(space, &format!("whsec_{n}")))
            .await
            .unwrap();
    }
    // The newest three are kept, newest first.
    assert_eq!(
        stripe::secrets(&db, space).await.unwrap(),
        ["whsec_4", "whsec_3", "whsec_2"]
    );
    assert!(!stripe::seen(&db, space, "evt_1").await.unwrap());
    write(&db, stripe::record_event(space, "evt_1"))
        .await
        .unwrap();
    assert!(stripe::seen(&db, space, "evt_1").await.unwrap());
    let twice = write(&db, stripe::record_event(space, "evt_1"))
        .await
        .unwrap_err();
    assert!(matches!(twice, StoreError::Conflict), "{twice:?}");
    assert!(!stripe::seen(&db, Uuid::now_v7(), "evt_1").await.unwrap());
}

async fn purchase_claims(backend: Backend) {
    use lyceum_store::purchases::{claim, paid, release};
    let db = store(backend).await;
    let purchase = Purchase {
        space_id: Uuid::now_v7(),
        member_id: Uuid::now_v7(),
        content_id: Uuid::now_v7(),
    };
    let (order, other) = (Uuid::now_v7(), Uuid::now_v7());
    assert_eq!(
        claim(&db, purchase, order).await.unwrap(),
        PurchaseClaim::Claimed { order_id: order }
    );
    // Marking paid a claim that names another order is refused.
    let lost = write(&db, paid(purchase, other)).await.unwrap_err();
    assert!(matches!(lost, StoreError::Conflict), "{lost:?}");
    write(&db, paid(purchase, order)).await.unwrap();
    assert_eq!(
        claim(&db, purchase, other).await.unwrap(),
        PurchaseClaim::Owned
    );
    // Releasing for another order changes nothing; for the order, it frees the item.
    write(&db, release(purchase, other)).await.unwrap();
    assert_eq!(
        claim(&db, purchase, other).await.unwrap(),
        PurchaseClaim::Owned
    );
    write(&db, release(purchase, order)).await.unwrap();
    assert_eq!(
        claim(&db, purchase, other).await.unwrap(),
        PurchaseClaim::Claimed { order_id: other }
    );
}

async fn catalog_rows(backend: Backend) {
    use lyceum_store::catalog::CatalogWrite;
    let db = store(backend).await;
    let space = Uuid::now_v7();
    write(
        &db,
        catalog::reserve_topic_name(space, "Rust", Uuid::now_v7()),
    )
    .await
    .unwrap();
    let taken = write(
        &db,
        catalog::reserve_topic_name(space, "  rust ", Uuid::now_v7()),
    )
    .await
    .unwrap_err();
    assert!(matches!(taken, StoreError::TopicNameTaken), "{taken:?}");

    let (part, course, column) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let claim = |parent_id| CatalogWrite::ClaimPart {
        part_id: part,
        parent_id,
    };
    write(&db, claim(course)).await.unwrap();
    assert_eq!(catalog::parent_of(&db, part).await.unwrap(), Some(course));
    let taken = write(&db, claim(column)).await.unwrap_err();
    assert!(matches!(taken, StoreError::PartTaken), "{taken:?}");
    // Released only by the parent it belongs to.
    let release = |parent_id| CatalogWrite::ReleasePart {
        part_id: part,
        parent_id,
    };
    write(&db, release(column)).await.unwrap();
    assert_eq!(catalog::parent_of(&db, part).await.unwrap(), Some(course));
    write(&db, release(course)).await.unwrap();
    assert_eq!(catalog::parent_of(&db, part).await.unwrap(), None);
    write(&db, claim(column)).await.unwrap();
}

async fn webhook_endpoints(backend: Backend) {
    let db = store(backend).await;
    let (id, space) = (Uuid::now_v7(), Uuid::now_v7());
    write(
        &db,
        WebhookWrite::Insert {
            id,
            space_id: space,
            url: "https://example.org/hook".into(),
            event_types: vec!["MemberAdded".into()],
            secret: "whsec_one".into(),
            created_at: time::now(),
        },
    )
    .await
    .unwrap();
    let endpoint = lyceum_store::webhooks::endpoint(&db, id)
        .await
        .unwrap()
        .unwrap();
    assert!(endpoint.active && endpoint.wants("MemberAdded") && !endpoint.wants("TierDefined"));
    let expires = time::now();
    write(
        &db,
        WebhookWrite::Rotate {
            id,
            secret: "whsec_two".into(),
            previous_expires_at: expires.clone(),
        },
    )
    .await
    .unwrap();
    let secrets: (String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT secret, previous_secret, previous_expires_at FROM webhook_endpoints \
         WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_one(db.reader())
    .await
    .unwrap();
    assert_eq!(
        secrets,
        ("whsec_two".into(), Some("whsec_one".into()), Some(expires))
    );
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, endpoint_id, space_id, event_id, event_type, \
         replay_id, status, attempts, next_attempt_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'MemberAdded', '', 'pending', 0, $5, $5, $5)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(id.to_string())
    .bind(space.to_string())
    .bind(Uuid::now_v7().to_string())
    .bind(time::now())
    .execute(db.writer())
    .await
    .unwrap();
    let at = time::now();
    write(&db, WebhookWrite::Disable { id, at: at.clone() })
        .await
        .unwrap();
    let endpoint = lyceum_store::webhooks::endpoint(&db, id)
        .await
        .unwrap()
        .unwrap();
    assert!(!endpoint.active);
    assert_eq!(endpoint.disabled_at, Some(at));
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'canceled'"
        )
        .await,
        1
    );
}
