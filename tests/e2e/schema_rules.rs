//! The contract's limits are the server's: a value just inside a limit the schema states is
//! taken (2xx), one just outside is refused (4xx), and every variant of a `oneOf` refuses a field
//! it does not name, like any request body (400 `bad_request`). Numeric limits are read from
//! the contract itself; text limits are the domain's constants, which the API crate's unit tests
//! show the schema's patterns express.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use lyceum_domain::membership::level::MAX_LEVEL_NAME_CHARS;
use lyceum_domain::membership::tier::MAX_TIER_NAME;
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    numbers_at_their_limits,
    text_at_its_limits,
    variants_are_closed
);

/// The contract, as the server serves it.
fn contract() -> Value {
    serde_json::from_str(&lyceum_api::openapi::document_json()).unwrap()
}

/// The `keyword` (`minimum`, `maximum`, …) of `field` of the schema `schema`, as an integer.
fn limit(doc: &Value, schema: &str, field: &str, keyword: &str) -> i64 {
    let value = &doc["components"]["schemas"][schema]["properties"][field][keyword];
    value
        .as_i64()
        .unwrap_or_else(|| panic!("{schema}.{field} has no {keyword}"))
}

/// The `keyword` of `field` of a variant of the `oneOf` schema `schema` that has it.
fn variant_limit(doc: &Value, schema: &str, field: &str, keyword: &str) -> i64 {
    let variants = doc["components"]["schemas"][schema]["oneOf"]
        .as_array()
        .unwrap();
    variants
        .iter()
        .find_map(|v| v["properties"][field][keyword].as_i64())
        .unwrap_or_else(|| panic!("no variant of {schema} has {field}.{keyword}"))
}

async fn put(app: &TestApp, key: &str, path: &str, body: Value) -> crate::support::Reply {
    app.call(Method::PUT, Some(key), path, Some(body)).await
}

async fn numbers_at_their_limits(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("limits").await;
    let doc = contract();

    let trial = limit(&doc, "CreateTier", "trial_days", "maximum");
    for (days, status) in [(trial, 201), (trial + 1, 422)] {
        let body =
            json!({"name": "Paid", "kind": "paid", "monthly_price_minor": 500, "trial_days": days});
        let tier = app.post(&key, "/v1/spaces/limits/tiers", body).await;
        assert_eq!(tier.status, status, "trial_days {days}: {tier:?}");
    }
    let price = limit(&doc, "CreateTier", "monthly_price_minor", "minimum");
    let below = json!({"name": "Paid", "kind": "paid", "monthly_price_minor": price - 1});
    app.post(&key, "/v1/spaces/limits/tiers", below)
        .await
        .assert_problem(422, "validation_failed");

    let terms = "/v1/spaces/limits/billing-terms";
    let grace = limit(&doc, "BillingTermsDto", "past_due_grace_days", "maximum");
    let with_grace = |days: Value| {
        json!({"platform_fee_bps": 500, "referral_commission_bps": 1000,
            "dunning_retry_days": [1, 3], "past_due_grace_days": days,
            "refund_access": "keep"})
    };
    assert_eq!(
        put(&app, &key, terms, with_grace(json!(grace)))
            .await
            .status,
        200
    );
    put(&app, &key, terms, with_grace(json!(grace + 1)))
        .await
        .assert_problem(422, "validation_failed");
    // A whole number sent as a float is an integer, as JSON Schema counts them; a fraction is not.
    assert_eq!(
        put(&app, &key, terms, with_grace(json!(5.0))).await.status,
        200
    );
    put(&app, &key, terms, with_grace(json!(5.5)))
        .await
        .assert_problem(400, "bad_request");

    let member = app
        .post(
            &key,
            "/v1/spaces/limits/members",
            json!({"email": "ada@example.org", "display_name": "Ada"}),
        )
        .await;
    let member = format!(
        "/v1/spaces/limits/members/{}",
        member.body["id"].as_str().unwrap()
    );
    let most = limit(&doc, "AdjustPoints", "delta", "maximum");
    for (delta, status) in [(most, 200), (most + 1, 422), (0, 422)] {
        let body = json!({"delta": delta, "reason": "Hosted the study group"});
        let adjusted = app.post(&key, &format!("{member}/points"), body).await;
        assert_eq!(adjusted.status, status, "delta {delta}: {adjusted:?}");
    }
    let mute = format!("{member}/mute");
    let (min, max) = (
        limit(&doc, "MuteMember", "minutes", "minimum"),
        limit(&doc, "MuteMember", "minutes", "maximum"),
    );
    for (minutes, status) in [(min, 200), (max, 200), (min - 1, 422), (max + 1, 422)] {
        let muted = app.post(&key, &mute, json!({"minutes": minutes})).await;
        assert_eq!(muted.status, status, "minutes {minutes}: {muted:?}");
    }

    let months = variant_limit(&doc, "DurationDto", "months", "maximum");
    for (i, (months, status)) in [(months, 201), (months + 1, 422)].into_iter().enumerate() {
        let offer = json!({"code": format!(" long-{i} "), "discount": {"kind": "percent", "basis_points": 2000},
            "duration": {"kind": "months", "months": months}, "purpose": "sign_up"});
        let created = app.post(&key, "/v1/spaces/limits/offers", offer).await;
        assert_eq!(created.status, status, "months {months}: {created:?}");
    }

    let levels = "/v1/spaces/limits/levels";
    put(&app, &key, levels, json!({"levels": []}))
        .await
        .assert_problem(422, "validation_failed");
    let one = json!({"levels": [{"threshold": 0, "name": "Newcomer"}]});
    assert_eq!(put(&app, &key, levels, one).await.status, 200);

    app.get(&key, "/v1/spaces/limits/tiers?min_position=-1")
        .await
        .assert_problem(400, "bad_request");
    assert_eq!(
        app.get(&key, "/v1/spaces/limits/tiers?min_position=0")
            .await
            .status,
        200
    );
    app.finish().await;
}

async fn text_at_its_limits(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("texts").await;

    // Counted once trimmed: padding is free, blank is refused.
    let tiers = "/v1/spaces/texts/tiers";
    let name = |n: usize| format!("  {}  ", "é".repeat(n));
    for (name, status) in [
        (name(MAX_TIER_NAME), 201),
        (name(MAX_TIER_NAME + 1), 422),
        (" \t ".to_owned(), 422),
    ] {
        let tier = app
            .post(&key, tiers, json!({"name": name, "kind": "free"}))
            .await;
        assert_eq!(tier.status, status, "{name:?}: {tier:?}");
    }
    let level = |n: usize| json!({"levels": [{"threshold": 0, "name": "L".repeat(n)}]});
    let levels = "/v1/spaces/texts/levels";
    assert_eq!(
        put(&app, &key, levels, level(MAX_LEVEL_NAME_CHARS))
            .await
            .status,
        200
    );
    put(&app, &key, levels, level(MAX_LEVEL_NAME_CHARS + 1))
        .await
        .assert_problem(422, "validation_failed");

    let spaces =
        |slug: &str, currency: &str| json!({"slug": slug, "name": "S", "currency": currency});
    let longest = "s".repeat(63);
    for (slug, currency, status) in [
        (longest.as_str(), "EUR", 201),
        (&format!("{longest}s"), "EUR", 422),
        ("0190a4d6-7c4b-7e1a-9a3c-2f1e4b5d6c7e", "EUR", 422),
        ("0190a4d67c4b7e1a9a3c2f1e4b5d6c7e", "EUR", 422),
        ("lower-currency", "eur", 422),
    ] {
        let space = app
            .post(&app.admin, "/v1/spaces", spaces(slug, currency))
            .await;
        assert_eq!(space.status, status, "{slug} {currency}: {space:?}");
    }

    let secrets = "/v1/spaces/texts/integrations/stripe/secrets";
    let added = app
        .post(&key, secrets, json!({"secret": " whsec_abcd "}))
        .await;
    assert_eq!(added.status, 201, "{added:?}");
    // The same secret again changes nothing, as the contract's 200 says.
    let again = app
        .post(&key, secrets, json!({"secret": "whsec_abcd"}))
        .await;
    assert_eq!(again.status, 200, "{again:?}");
    app.post(&key, secrets, json!({"secret": "whsec_abc"}))
        .await
        .assert_problem(422, "validation_failed");
    app.finish().await;
}

async fn variants_are_closed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = app.space("closed").await;
    let content = "/v1/spaces/closed/content";
    let item = |access: Value| json!({"kind": "post", "title": "T", "body": "B", "access": access});
    for access in [
        json!({"policy": "public"}),
        json!({"policy": "members"}),
        json!({"policy": "purchase", "price_minor": 100}),
    ] {
        assert_eq!(
            app.post(&key, content, item(access.clone())).await.status,
            201
        );
        let mut extra = access;
        extra["x"] = json!(1);
        app.post(&key, content, item(extra))
            .await
            .assert_problem(400, "bad_request");
    }
    let offers = "/v1/spaces/closed/offers";
    let offer = |code: &str, discount: Value, duration: Value| json!({"code": code, "discount": discount, "duration": duration, "purpose": "sign_up"});
    let percent = json!({"kind": "percent", "basis_points": 1000});
    for (i, duration) in [json!({"kind": "once"}), json!({"kind": "forever"})]
        .into_iter()
        .enumerate()
    {
        let ok = offer(&format!("OK-{i}"), percent.clone(), duration.clone());
        assert_eq!(app.post(&key, offers, ok).await.status, 201);
        let mut extra = duration;
        extra["x"] = json!(1);
        app.post(
            &key,
            offers,
            offer(&format!("NO-{i}"), percent.clone(), extra),
        )
        .await
        .assert_problem(400, "bad_request");
    }
    let fixed = json!({"kind": "fixed", "amount_minor": 100, "x": 1});
    app.post(
        &key,
        offers,
        offer("NO-FIXED", fixed, json!({"kind": "once"})),
    )
    .await
    .assert_problem(400, "bad_request");
    app.finish().await;
}
