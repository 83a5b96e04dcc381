//! What of an event may leave the server outside the API's access checks (outgoing webhooks):
//! never a content body. An item's access can change after its events were written and a
//! webhook endpoint is outside every access check, so bodies are left out of every event that
//! carries one, whatever the item's policy; integrators read the item through the API, which
//! applies the paywall.

use serde_json::Value;

/// The payload fields that hold a body: an item's text, an answer's or a comment's.
const BODY_FIELDS: [&str; 3] = ["body", "answer", "text"];

/// `payload` (an event as stored: `{"type": …, "data": {…}}`, or its bare data) without any
/// body field, and with `"body_redacted": true` where one was removed.
pub fn redact(mut payload: Value) -> Value {
    let data = match payload.get_mut("data") {
        Some(data) => data,
        None => &mut payload,
    };
    if let Some(fields) = data.as_object_mut() {
        let mut removed = false;
        for field in BODY_FIELDS {
            removed |= fields.remove(field).is_some();
        }
        if removed {
            fields.insert("body_redacted".into(), Value::Bool(true));
        }
    }
    payload
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_are_removed_and_marked() {
        let drafted = json!({"type": "ContentDrafted", "data": {"title": "T", "body": "secret",
            "excerpt": "taste"}});
        assert_eq!(
            redact(drafted),
            json!({"type": "ContentDrafted", "data": {"title": "T", "excerpt": "taste",
                "body_redacted": true}})
        );
    }

    #[test]
    fn events_without_a_body_are_unchanged() {
        let joined = json!({"type": "MemberJoinedTier", "data": {"tier_id": "t"}});
        assert_eq!(redact(joined.clone()), joined);
        assert_eq!(redact(json!({"body": 1})), json!({"body_redacted": true}));
    }
}
