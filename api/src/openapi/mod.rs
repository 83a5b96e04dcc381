//! The OpenAPI 3.1 contract. Paths come from the handlers registered with utoipa-actix-web;
//! every operation then gets its error responses, with examples, from the one error table, so
//! the documented errors cannot drift from what the code returns; and requests get the rules
//! the server enforces on them ([`constraints`], [`params`]), from the code that enforces them.

mod constraints;
mod params;
mod shared;

use crate::error::codes::{self, TABLE};
use crate::error::{ApiError, Problem};
use crate::rest;
use actix_web::App;
use lyceum_domain::Code;
use utoipa::openapi::example::ExampleBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lyceum",
        description = "Headless, event-sourced API for creators who sell knowledge: spaces, tiers, \
members and content over REST, with every change recorded as an event. Authenticate with \
`Authorization: Bearer <key>`. Every write answers with `Lyceum-Position`; pass it to reads as \
`min_position` to read your own writes. Send `Idempotency-Key` on any POST, PATCH or DELETE to \
retry safely. Errors are RFC 9457 problem documents with a stable `code`. Every request but \
the health checks and the docs (GraphQL too) counts against a rate limit shared by all API \
nodes: per API key or member session (600 a minute by default), or per client address without \
one (120 a minute). Every counted answer carries the `RateLimit-Policy` and `RateLimit` headers \
(draft-ietf-httpapi-ratelimit-headers); past the quota the answer is 429 `rate_limited` with \
`Retry-After`, the seconds until the window ends. A member's engagement is limited per kind of \
action besides (30 comments, 120 views, 60 likes, 30 shares, 10 reports, 60 lesson completions a \
minute).\n\n\
Request bodies are read strictly. A body must be a JSON object (anything else is 422 \
`validation_failed`). A field the schema does not name is refused (400 \
`bad_request`), in every variant of a `oneOf` too. An integer field takes a JSON integer; a number \
with a zero fraction (`5.0`, `5e2`) is one, as JSON Schema counts them, while `5.5` or `\"5\"` \
is refused (400 `bad_request`). The schemas give every limit the server checks (`pattern`, `minimum`, `maximum`, \
`minLength`, `maxLength`, `minItems`, `maxItems`); a value outside one is refused with 400 (it \
does not fit the type) or 422 `validation_failed`. Text limits count characters after \
surrounding whitespace is trimmed, which is what the patterns of text fields express; rules \
that join two fields (a daily cap at least the points it caps, a free tier without prices) are \
said in the fields' descriptions.",
        license(name = "AGPL-3.0-only")
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
    tags(
        (name = "spaces", description = "A creator's tenant"),
        (name = "keys", description = "API keys of a space"),
        (name = "tiers", description = "Membership tiers"),
        (name = "subscriptions", description = "Subscriptions to paid tiers"),
        (name = "orders", description = "One-off purchases and refunds"),
        (name = "ledger", description = "The double-entry ledger"),
        (name = "offers", description = "Offers and coupons"),
        (name = "billing", description = "A space's billing terms: platform fee, referral commission, dunning, grace and refund rule"),
        (name = "levels", description = "Member levels from points thresholds, and members' points"),
        (name = "analytics", description = "Revenue analytics for creators: MRR, subscriptions by status, cohorts"),
        (name = "members", description = "Members and their personal data"),
        (name = "identity", description = "Member sign-up, sign-in and sessions for headless frontends"),
        (name = "content", description = "Posts, articles, courses with lessons, columns of articles, revisions, schedules, the topic graph, search, and questions with their answers"),
        (name = "webhooks", description = "Outgoing webhooks: endpoints, deliveries and replays"),
        (name = "stripe", description = "Inbound Stripe webhooks: signing secrets, and signed events that refund or dispute orders"),
        (name = "events", description = "The event history, for auditors"),
        (name = "audit", description = "Tamper evidence, for auditors: the signing key, signed checkpoints and Merkle proofs"),
        (name = "engagement", description = "Members' views, likes, shares, comments and course progress; counters and training features"),
        (name = "moderation", description = "Hiding and removing comments, muting and banning members, and the report queue"),
                (name = "check-ins", description = "Daily check-in projects, members' check-ins and streaks"),
        (name = "points", description = "Points rules, members' points ledgers and badges, and leaderboards"),
        (name = "operations", description = "Health and readiness")
    )
)]
struct BaseDocument;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut Document) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(
                            "lyc_admin_… (operator), lyc_sk_… (a space's creator), lyc_ak_… (a space's auditor) or lyc_ms_… (a signed-in member's session)",
                        ))
                        .build(),
                ),
            );
        }
    }
}

/// Which error statuses an operation can answer; `waits` when it takes `min_position`.
fn error_statuses(path: &str, method: &str, waits: bool) -> Vec<u16> {
    let write = method != "get";
    // Any operation may find the database out of reach (503 `unavailable`), and every caller
    // is rate limited (429), members' engagement again per kind of action.
    let mut statuses = vec![400, 401, 429, 500, 503];
    // The signed-in member is read from the read models, which may not have caught up.
    if path.contains('{') || path == "/v1/auth/me" {
        statuses.push(404);
    }
    // Sign-up and sign-in need no key, so no key can be refused.
    // Nor can Stripe's deliveries, which are authenticated by their signature (401).
    // A member session, or a key of another space, is refused a space's other routes.
    if (write && !shared::anonymous(path))
        || path.starts_with("/v1/spaces/")
        || path.starts_with("/v1/events")
        || path.starts_with("/v1/streams")
        || path.starts_with("/v1/auth/")
        || (path.starts_with("/v1/audit/") && path != "/v1/audit/public-key")
    {
        statuses.push(403);
    }
    // A proof names an event or tree sizes: unknown, unsealed or out of range; an export
    // needs the signing key, and a range that is one.
    if path.starts_with("/v1/audit/proofs/") || path == "/v1/audit/export" {
        statuses.extend([404, 422]);
    }
    // There is no key to show until the first sealer has started.
    if path == "/v1/audit/public-key" {
        statuses.push(404);
    }
    // A tier change charges the prorated amount at once and is refused when that is declined;
    // every other charge answers with its outcome in the resource.
    if path.ends_with("/change-tier") {
        statuses.push(402);
    }
    // A key reading a member's progress must name the member; a leaderboard of all time takes
    // no week; a history is cut at a position or at a time, not both.
    if !write
        && (path.ends_with("/progress")
            || path.ends_with("/leaderboard")
            || path.starts_with("/v1/streams/"))
    {
        statuses.push(422);
    }
    if write {
        statuses.extend([409, 413, 415, 422]);
    } else if waits {
        // `min_position` beyond the log's last position.
        statuses.push(409);
    }
    statuses.sort_unstable();
    statuses.dedup();
    statuses
}

/// Whether a read may wait for `min_position` and answer 503 `not_ready`.
fn waits_for_read_models(path: &str, method: &str) -> bool {
    method == "get" && (path.starts_with("/v1/spaces/") || path == "/v1/auth/me")
}

fn add_errors(path: &str, method: &str, operation: &mut Operation) {
    for status in error_statuses(path, method, params::takes_min_position(operation)) {
        let codes: Vec<Code> = TABLE
            .iter()
            .filter(|(_, s, _)| *s == status)
            .map(|(code, _, _)| *code)
            .filter(|code| {
                method != "get"
                    || !matches!(code, Code::IdempotencyKeyReused | Code::TierRequiresPayment)
            })
            .filter(|code| {
                !matches!(code, Code::NotReady | Code::PositionNotReached)
                    || waits_for_read_models(path, method)
            })
            // Only GraphQL refuses a document as too complex.
            .filter(|code| *code != Code::QueryTooComplex)
            .collect();
        let names: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
        let examples = codes.iter().map(|code| {
            let mut problem = ApiError::new(*code, example_detail(*code)).problem();
            problem.request_id = "6f1f9a52-2a47-4d2e-9b7e-0b0f3c2a6f0e".into();
            let value = serde_json::to_value(problem).unwrap_or_default();
            (
                code.as_str().to_owned(),
                ExampleBuilder::new().value(Some(value)).build(),
            )
        });
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .examples_from_iter(examples)
            .build();
        let mut response = ResponseBuilder::new()
            .description(format!(
                "{}. Codes: {}.",
                codes::title(codes.first().copied().unwrap_or(Code::Internal)),
                names.join(", ")
            ))
            .content("application/problem+json", content);
        if status == 429 {
            response = shared::rate_limited(response);
        }
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert(response.build().into());
    }
}

fn example_detail(code: Code) -> &'static str {
    match code {
        Code::BadRequest => {
            "unknown field `colour`; expected `name` or `description` (line 1, column 9)"
        }
        Code::Unauthorized => "send an API key as `Authorization: Bearer <key>`",
        Code::Forbidden => "auditor keys are read-only",
        Code::NotFound => "space not found",
        Code::MethodNotAllowed => "this path does not accept that method",
        Code::Conflict => "the resource was changed by another request; retry",
        Code::SlugTaken => "another space has this slug",
        Code::EmailTaken => "a member of this space already signed up with this email",
        Code::AlreadyMember => "the member already belongs to this tier",
        Code::InvalidTransition => "the item is already published",
        Code::IdempotencyKeyReused => "this Idempotency-Key was used with a different request",
        Code::IdempotencyRequestInProgress => {
            "a request with this Idempotency-Key is still in progress"
        }
        Code::PayloadTooLarge => "the body is larger than 1 MiB",
        Code::UnsupportedMediaType => "send the body as application/json",
        Code::ValidationFailed => "email is not a valid address",
        Code::TierRequiresPayment => "this tier is paid: members join it through checkout",
        Code::PaymentDeclined => {
            "the prorated charge was declined (card_declined); nothing was changed"
        }
        Code::NotReady => "the read models have not reached position 42 yet",
        Code::Internal => "an unexpected error occurred; it has been logged",
        Code::RateLimited => {
            "at most 600 requests a minute with this key or session; retry in 12 s"
        }
        Code::MemberMuted => "you are muted until 2026-11-21T09:00:00Z and cannot post",
        Code::Unavailable => "the database cannot be reached; retry shortly",
        Code::PositionNotReached => "min_position 9000 is beyond the log's last position, 8812",
        Code::QueryTooComplex => "the query selects more than 1000 fields",
    }
}

/// The complete contract.
pub fn document() -> Document {
    let (doc, unplaced) = build();
    for rule in unplaced {
        tracing::warn!(rule, "a request rule names no field of the contract");
    }
    doc
}

/// The contract, and the request rules it found no field or parameter for.
fn build() -> (Document, Vec<String>) {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(BaseDocument::openapi())
        .configure(rest::configure)
        .split_for_parts();
    let mut unplaced = constraints::constrain(&mut doc);
    unplaced.extend(params::constrain(&mut doc));
    for (path, item) in doc.paths.paths.iter_mut() {
        if path.starts_with("/healthz") || path.starts_with("/readyz") {
            continue;
        }
        for (method, operation) in [
            ("get", &mut item.get),
            ("post", &mut item.post),
            ("patch", &mut item.patch),
            ("delete", &mut item.delete),
            ("put", &mut item.put),
        ] {
            if let Some(operation) = operation {
                shared::add_shared(path, method, operation);
                add_errors(path, method, operation);
            }
        }
    }
    (doc, unplaced)
}

/// The contract as checked in: pretty JSON with a final newline.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

#[cfg(test)]
mod tests;
