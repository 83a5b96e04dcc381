//! Drafting, publishing, unpublishing, archiving and the featured flag.

use super::*;
use crate::Code;
use crate::aggregate::testing::{given, given_no_history};

#[test]
fn a_draft_is_created() {
    given_no_history::<Content>()
        .when(create(" Hello ", Access::Members))
        .then_expect_events(vec![drafted()]);
}

#[test]
fn a_tiers_policy_needs_tiers() {
    given_no_history::<Content>()
        .when(create("Hello", Access::Tiers { tier_ids: vec![] }))
        .then_expect_error(Code::ValidationFailed);
}

#[test]
fn a_blank_title_is_refused() {
    given_no_history::<Content>()
        .when(create("  ", Access::Public))
        .then_expect_error(Code::ValidationFailed);
}

#[test]
fn a_sold_item_needs_a_positive_price() {
    given_no_history::<Content>()
        .when(create("Sold", Access::Purchase { price_minor: 0 }))
        .then_expect_error(Code::ValidationFailed);
}

#[test]
fn a_draft_is_published_then_unpublished_then_published_again() {
    given::<Content>(vec![drafted()])
        .when(ContentCommand::Publish)
        .then_expect_events(vec![ContentEvent::ContentPublished {}]);
    given::<Content>(vec![drafted(), ContentEvent::ContentPublished {}])
        .when(ContentCommand::Unpublish)
        .then_expect_events(vec![ContentEvent::ContentUnpublished {}]);
    given::<Content>(vec![
        drafted(),
        ContentEvent::ContentPublished {},
        ContentEvent::ContentUnpublished {},
    ])
    .when(ContentCommand::Publish)
    .then_expect_events(vec![ContentEvent::ContentPublished {}]);
}

#[test]
fn publishing_twice_is_refused() {
    given::<Content>(vec![drafted(), ContentEvent::ContentPublished {}])
        .when(ContentCommand::Publish)
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn a_draft_cannot_be_unpublished() {
    given::<Content>(vec![drafted()])
        .when(ContentCommand::Unpublish)
        .then_expect_error(Code::InvalidTransition);
}

#[test]
fn editing_unknown_content_is_not_found() {
    given_no_history::<Content>()
        .when(edit_title("x"))
        .then_expect_error(Code::NotFound);
}

#[test]
fn an_item_in_any_status_is_archived_once_and_then_takes_no_changes() {
    for history in [
        vec![drafted()],
        vec![drafted(), ContentEvent::ContentPublished {}],
        vec![
            drafted(),
            ContentEvent::ContentPublished {},
            ContentEvent::ContentUnpublished {},
        ],
    ] {
        given::<Content>(history)
            .when(ContentCommand::Archive)
            .then_expect_events(vec![ContentEvent::ContentArchived {}]);
    }
    let archived = vec![drafted(), ContentEvent::ContentArchived {}];
    for command in [
        ContentCommand::Archive,
        ContentCommand::Publish,
        ContentCommand::Feature,
        edit_title("Hello again"),
        ContentCommand::Tag {
            tags: vec!["x".into()],
            topic_ids: vec![],
        },
    ] {
        given::<Content>(archived.clone())
            .when(command)
            .then_expect_error(Code::InvalidTransition);
    }
}

#[test]
fn archiving_drops_the_featured_flag() {
    let state = Content::from_history(&[
        drafted(),
        ContentEvent::ContentFeatured {},
        ContentEvent::ContentArchived {},
    ]);
    let state = state.state.unwrap();
    assert!(!state.featured);
    assert_eq!(state.status, ContentStatus::Archived);
}

#[test]
fn featuring_is_a_flag_that_changes_only_when_it_flips() {
    given::<Content>(vec![drafted()])
        .when(ContentCommand::Feature)
        .then_expect_events(vec![ContentEvent::ContentFeatured {}]);
    given::<Content>(vec![drafted(), ContentEvent::ContentFeatured {}])
        .when(ContentCommand::Feature)
        .then_expect_events(vec![]);
    given::<Content>(vec![drafted(), ContentEvent::ContentFeatured {}])
        .when(ContentCommand::Unfeature)
        .then_expect_events(vec![ContentEvent::ContentUnfeatured {}]);
    given::<Content>(vec![drafted()])
        .when(ContentCommand::Unfeature)
        .then_expect_events(vec![]);
}

#[test]
fn tags_are_normalised_and_an_unchanged_set_records_nothing() {
    let topic = crate::ids::TopicId(Uuid::from_u128(5));
    let tagged = ContentEvent::ContentTagged {
        tags: vec!["async".into(), "rust".into()],
        topic_ids: vec![topic],
    };
    given::<Content>(vec![drafted()])
        .when(ContentCommand::Tag {
            tags: vec![" Rust ".into(), "async".into(), "rust".into()],
            topic_ids: vec![topic, topic],
        })
        .then_expect_events(vec![tagged.clone()]);
    given::<Content>(vec![drafted(), tagged])
        .when(ContentCommand::Tag {
            tags: vec!["rust".into(), "ASYNC".into()],
            topic_ids: vec![topic],
        })
        .then_expect_events(vec![]);
    given::<Content>(vec![drafted()])
        .when(ContentCommand::Tag {
            tags: vec!["  ".into()],
            topic_ids: vec![],
        })
        .then_expect_error(Code::ValidationFailed);
    given::<Content>(vec![drafted()])
        .when(ContentCommand::Tag {
            tags: (0..=MAX_TAGS).map(|n| format!("t{n}")).collect(),
            topic_ids: vec![],
        })
        .then_expect_error(Code::ValidationFailed);
}
