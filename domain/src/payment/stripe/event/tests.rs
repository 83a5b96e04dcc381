//! Parsing tests against fixtures modeled on Stripe's documented event and object shapes.

use super::*;

const ORDER: &str = "0190f2a4-6c1e-7d3a-9b52-3f0c1d2e4a5b";
const SUBSCRIPTION: &str = "0190f2a4-7777-7d3a-9b52-3f0c1d2e4a5b";
const SPACE: &str = "0190f2a4-0000-7d3a-9b52-3f0c1d2e4a5b";

fn uuid(raw: &str) -> Uuid {
    Uuid::parse_str(raw).unwrap_or_else(|e| panic!("{e}"))
}

fn money(minor: i64, currency: &str) -> Money {
    Money::new(
        minor,
        Currency::parse(currency).unwrap_or_else(|e| panic!("{e}")),
    )
}

fn parse(json: &str) -> StripeEvent {
    parse_event(json.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

/// An event envelope as Stripe sends it, around `object`.
fn envelope(kind: &str, object: &str) -> String {
    format!(
        r#"{{
  "id": "evt_1NG8Du2eZvKYlo2CUI79vXWy",
  "object": "event",
  "api_version": "2024-06-20",
  "created": 1686089970,
  "livemode": false,
  "pending_webhooks": 1,
  "request": {{"id": null, "idempotency_key": null}},
  "type": "{kind}",
  "data": {{"object": {object}}}
}}"#
    )
}

fn invoice_json(amount_paid: i64, attempt_count: u32, next_attempt: &str) -> String {
    format!(
        r#"{{
  "id": "in_1MtHbELkdIwHu7ixl4OzzPMv",
  "object": "invoice",
  "amount_due": 980,
  "amount_paid": {amount_paid},
  "amount_remaining": 0,
  "attempt_count": {attempt_count},
  "attempted": true,
  "billing_reason": "subscription_cycle",
  "charge": "ch_3MtHbELkdIwHu7ix0snN0B15",
  "currency": "jpy",
  "customer": "cus_NeZwdNtLEOXuvB",
  "metadata": {{}},
  "next_payment_attempt": {next_attempt},
  "paid": true,
  "payment_intent": {{"id": "pi_3MtHbELkdIwHu7ix0e1OiHSu", "object": "payment_intent"}},
  "status": "paid",
  "subscription": "sub_1MowQVLkdIwHu7ixeRlqHVzs",
  "subscription_details": {{
    "metadata": {{"lyceum_subscription_id": "{SUBSCRIPTION}", "lyceum_space_id": "{SPACE}"}}
  }}
}}"#
    )
}

#[test]
fn invoice_paid_is_parsed_in_jpy_minor_units() {
    let event = parse(&envelope("invoice.paid", &invoice_json(980, 1, "null")));
    assert_eq!(event.id, "evt_1NG8Du2eZvKYlo2CUI79vXWy");
    assert_eq!(event.created, 1_686_089_970);
    assert!(!event.livemode);
    let StripeEventKind::InvoicePaid(invoice) = event.kind else {
        panic!("expected invoice.paid, got {:?}", event.kind);
    };
    assert_eq!(invoice.invoice_id, "in_1MtHbELkdIwHu7ixl4OzzPMv");
    assert_eq!(invoice.amount_paid, money(980, "JPY"));
    assert_eq!(
        invoice.subscription_id.as_deref(),
        Some("sub_1MowQVLkdIwHu7ixeRlqHVzs")
    );
    assert_eq!(
        invoice.payment_intent_id.as_deref(),
        Some("pi_3MtHbELkdIwHu7ix0e1OiHSu")
    );
    assert_eq!(
        invoice.charge_id.as_deref(),
        Some("ch_3MtHbELkdIwHu7ix0snN0B15")
    );
    assert_eq!(invoice.customer_id.as_deref(), Some("cus_NeZwdNtLEOXuvB"));
    assert_eq!(invoice.refs.subscription_id, Some(uuid(SUBSCRIPTION)));
    assert_eq!(invoice.refs.space_id, Some(SpaceId(uuid(SPACE))));
    assert_eq!(invoice.refs.order_id, None);
}

#[test]
fn invoice_paid_in_the_newer_api_shape_reads_the_parent() {
    let object = format!(
        r#"{{
  "id": "in_1", "object": "invoice", "amount_due": 1200, "amount_paid": 1200,
  "attempt_count": 1, "currency": "eur", "customer": "cus_1",
  "metadata": {{"lyceum_order_id": "{ORDER}"}},
  "parent": {{
    "type": "subscription_details",
    "subscription_details": {{
      "subscription": "sub_2",
      "metadata": {{"lyceum_subscription_id": "{SUBSCRIPTION}"}}
    }}
  }}
}}"#
    );
    let StripeEventKind::InvoicePaid(invoice) = parse(&envelope("invoice.paid", &object)).kind
    else {
        panic!("expected invoice.paid");
    };
    assert_eq!(invoice.amount_paid, money(1200, "EUR"));
    assert_eq!(invoice.subscription_id.as_deref(), Some("sub_2"));
    assert_eq!(invoice.payment_intent_id, None);
    assert_eq!(invoice.refs.order_id, Some(OrderId(uuid(ORDER))));
    assert_eq!(invoice.refs.subscription_id, Some(uuid(SUBSCRIPTION)));
}

#[test]
fn invoice_payment_failed_carries_the_retry_schedule() {
    let event = parse(&envelope(
        "invoice.payment_failed",
        &invoice_json(0, 2, "1686176370"),
    ));
    let StripeEventKind::InvoicePaymentFailed(invoice) = event.kind else {
        panic!("expected invoice.payment_failed");
    };
    assert_eq!(invoice.amount_paid, money(0, "JPY"));
    assert_eq!(invoice.amount_due, money(980, "JPY"));
    assert_eq!(invoice.attempt_count, 2);
    assert_eq!(invoice.next_payment_attempt, Some(1_686_176_370));
}

#[test]
fn customer_subscription_deleted_is_parsed() {
    let object = format!(
        r#"{{
  "id": "sub_1MowQVLkdIwHu7ixeRlqHVzs",
  "object": "subscription",
  "cancel_at_period_end": false,
  "canceled_at": 1686089960,
  "currency": "usd",
  "customer": {{"id": "cus_Na6dX7aXxi11N4", "object": "customer"}},
  "ended_at": 1686089960,
  "metadata": {{"lyceum_subscription_id": "{SUBSCRIPTION}"}},
  "status": "canceled"
}}"#
    );
    let event = parse(&envelope("customer.subscription.deleted", &object));
    assert_eq!(
        event.kind,
        StripeEventKind::SubscriptionDeleted(StripeSubscription {
            subscription_id: "sub_1MowQVLkdIwHu7ixeRlqHVzs".into(),
            customer_id: Some("cus_Na6dX7aXxi11N4".into()),
            status: "canceled".into(),
            canceled_at: Some(1_686_089_960),
            ended_at: Some(1_686_089_960),
            refs: LyceumRefs {
                subscription_id: Some(uuid(SUBSCRIPTION)),
                ..LyceumRefs::default()
            },
        })
    );
}

#[test]
fn charge_refunded_reports_the_cumulative_total() {
    let object = format!(
        r#"{{
  "id": "ch_3MmlLrLkdIwHu7ix0snN0B15",
  "object": "charge",
  "amount": 2000,
  "amount_captured": 2000,
  "amount_refunded": 500,
  "currency": "eur",
  "metadata": {{"lyceum_order_id": "{ORDER}"}},
  "paid": true,
  "payment_intent": "pi_3MmlLrLkdIwHu7ix0uke3Ezy",
  "refunded": false,
  "refunds": {{
    "object": "list",
    "data": [
      {{"id": "re_new", "object": "refund", "amount": 300, "currency": "eur", "status": "succeeded"}},
      {{"id": "re_old", "object": "refund", "amount": 200, "currency": "eur", "status": "succeeded"}}
    ],
    "has_more": false
  }},
  "status": "succeeded"
}}"#
    );
    let event = parse(&envelope("charge.refunded", &object));
    assert_eq!(
        event.kind,
        StripeEventKind::ChargeRefunded(StripeChargeRefund {
            charge_id: "ch_3MmlLrLkdIwHu7ix0snN0B15".into(),
            payment_intent_id: Some("pi_3MmlLrLkdIwHu7ix0uke3Ezy".into()),
            amount: money(2000, "EUR"),
            amount_refunded: money(500, "EUR"),
            fully_refunded: false,
            latest_refund_id: Some("re_new".into()),
            refs: LyceumRefs {
                order_id: Some(OrderId(uuid(ORDER))),
                ..LyceumRefs::default()
            },
        })
    );
}

#[test]
fn charge_refunded_without_a_refunds_list_still_parses() {
    let object = r#"{"id": "ch_1", "object": "charge", "amount": 980, "amount_refunded": 980,
        "currency": "jpy", "metadata": {}, "refunded": true}"#;
    let StripeEventKind::ChargeRefunded(charge) = parse(&envelope("charge.refunded", object)).kind
    else {
        panic!("expected charge.refunded");
    };
    assert!(charge.fully_refunded);
    assert_eq!(charge.amount_refunded, money(980, "JPY"));
    assert_eq!(charge.latest_refund_id, None);
    assert_eq!(charge.refs, LyceumRefs::default());
}

fn dispute_json(status: &str) -> String {
    format!(
        r#"{{
  "id": "dp_1MtJUT2eZvKYlo2CNaw2HvEv",
  "object": "dispute",
  "amount": 1000,
  "charge": "ch_1AZtxr2eZvKYlo2CJDX8whov",
  "created": 1680651737,
  "currency": "usd",
  "evidence_details": {{"due_by": 1682294399, "has_evidence": false, "past_due": false, "submission_count": 0}},
  "is_charge_refundable": true,
  "livemode": false,
  "metadata": {{}},
  "payment_intent": null,
  "reason": "fraudulent",
  "status": "{status}"
}}"#
    )
}

#[test]
fn charge_dispute_created_is_parsed() {
    let event = parse(&envelope(
        "charge.dispute.created",
        &dispute_json("needs_response"),
    ));
    assert_eq!(
        event.kind,
        StripeEventKind::DisputeCreated(StripeDispute {
            dispute_id: "dp_1MtJUT2eZvKYlo2CNaw2HvEv".into(),
            charge_id: "ch_1AZtxr2eZvKYlo2CJDX8whov".into(),
            payment_intent_id: None,
            amount: money(1000, "USD"),
            reason: Some("fraudulent".into()),
            status: "needs_response".into(),
            refs: LyceumRefs::default(),
        })
    );
}

#[test]
fn charge_dispute_closed_maps_won_lost_and_closed_inquiries() {
    for (status, expected) in [
        ("won", DisputeOutcome::Won),
        ("lost", DisputeOutcome::Lost),
        ("warning_closed", DisputeOutcome::Won),
    ] {
        let event = parse(&envelope("charge.dispute.closed", &dispute_json(status)));
        let StripeEventKind::DisputeClosed { dispute, outcome } = event.kind else {
            panic!("expected charge.dispute.closed");
        };
        assert_eq!(outcome, expected, "{status}");
        assert_eq!(dispute.amount, money(1000, "USD"));
    }
    let open =
        parse_event(envelope("charge.dispute.closed", &dispute_json("under_review")).as_bytes());
    assert!(
        matches!(open, Err(ParseError::InvalidField { field, .. }) if field == "data.object.status")
    );
}

#[test]
fn unknown_types_are_named() {
    let event = envelope(
        "customer.created",
        r#"{"id": "cus_1", "object": "customer"}"#,
    );
    assert_eq!(
        parse_event(event.as_bytes()),
        Err(ParseError::UnknownType("customer.created".into()))
    );
}

#[test]
fn broken_bodies_say_what_is_wrong() {
    assert!(matches!(parse_event(b"not json"), Err(ParseError::Json(_))));
    assert_eq!(
        parse_event(br#"{"type": "invoice.paid", "data": {"object": {}}}"#),
        Err(ParseError::MissingField("id".into()))
    );
    assert_eq!(
        parse_event(br#"{"id": "evt_1", "type": "invoice.paid", "data": {}}"#),
        Err(ParseError::MissingField("data.object".into()))
    );
    let no_amount = r#"{"id": "in_1", "currency": "jpy", "amount_due": 980}"#;
    assert_eq!(
        parse_event(envelope("invoice.paid", no_amount).as_bytes()),
        Err(ParseError::MissingField("data.object.amount_paid".into()))
    );
    let bad_currency = r#"{"id": "in_1", "currency": "euro", "amount_due": 1, "amount_paid": 1}"#;
    assert!(matches!(
        parse_event(envelope("invoice.paid", bad_currency).as_bytes()),
        Err(ParseError::InvalidField { field, .. }) if field == "data.object.currency"
    ));
    let bad_order = r#"{"id": "ch_1", "amount": 1, "amount_refunded": 1, "currency": "eur",
        "metadata": {"lyceum_order_id": "42"}}"#;
    assert!(matches!(
        parse_event(envelope("charge.refunded", bad_order).as_bytes()),
        Err(ParseError::InvalidField { field, .. }) if field == "data.object.metadata.lyceum_order_id"
    ));
    let negative = r#"{"id": "ch_1", "amount": -1, "amount_refunded": 0, "currency": "eur"}"#;
    assert!(matches!(
        parse_event(envelope("charge.refunded", negative).as_bytes()),
        Err(ParseError::InvalidField { .. })
    ));
}
