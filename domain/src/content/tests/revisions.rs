//! Edits: only changes are recorded, each as the next numbered revision.

use super::*;
use crate::Code;
use crate::aggregate::testing::given;
use crate::event::{decode, encode};

#[test]
fn an_edit_records_only_changes_as_the_next_revision() {
    given::<Content>(vec![drafted()])
        .when(edit_title("Hello again"))
        .then_expect_events(vec![ContentEvent::ContentEdited {
            title: Some("Hello again".into()),
            body: None,
            excerpt: None,
            access: None,
            revision: 2,
        }]);
    given::<Content>(vec![drafted()])
        .when(edit_title("Hello"))
        .then_expect_events(vec![]);
}

#[test]
fn revisions_count_every_edit_even_those_written_before_numbering() {
    let old_edit: ContentEvent = decode(
        "ContentEdited",
        1,
        serde_json::json!({"body": "Second text."}),
    )
    .unwrap();
    assert!(matches!(
        old_edit,
        ContentEvent::ContentEdited { revision: 0, .. }
    ));
    given::<Content>(vec![drafted(), old_edit])
        .when(ContentCommand::Edit {
            title: None,
            body: Some("Third text.".into()),
            excerpt: None,
            access: None,
        })
        .then_expect_events(vec![ContentEvent::ContentEdited {
            title: None,
            body: Some("Third text.".into()),
            excerpt: None,
            access: None,
            revision: 3,
        }]);
    let stored = encode(&ContentEvent::ContentEdited {
        title: None,
        body: None,
        excerpt: None,
        access: Some(Access::Public),
        revision: 4,
    })
    .unwrap();
    assert_eq!(stored.event_version, 2);
    assert_eq!(stored.payload["revision"], 4);
}

#[test]
fn an_edit_checks_what_it_changes() {
    given::<Content>(vec![drafted()])
        .when(ContentCommand::Edit {
            title: None,
            body: None,
            excerpt: Some("x".repeat(MAX_EXCERPT + 1)),
            access: None,
        })
        .then_expect_error(Code::ValidationFailed);
    given::<Content>(vec![drafted()])
        .when(ContentCommand::Edit {
            title: None,
            body: None,
            excerpt: None,
            access: Some(Access::Purchase { price_minor: -1 }),
        })
        .then_expect_error(Code::ValidationFailed);
}
