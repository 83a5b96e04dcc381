//! The Content aggregate: a post, article, course or lesson, from draft through publication.

use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::event::DomainEvent;
use crate::ids::{SpaceId, TierId};
use crate::values::bounded_text;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    Post,
    Article,
    Course,
    Lesson,
}

/// Who may read an item's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case")]
pub enum Access {
    Public,
    Members,
    Tiers {
        tier_ids: Vec<TierId>,
    },
    /// Sold on its own: a member who bought it may read it. The price is in minor units of the
    /// space's currency.
    Purchase {
        price_minor: i64,
    },
}

/// What a reader holds, for deciding whether an access policy lets them read a body.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    /// An active member of the item's space.
    pub is_member: bool,
    /// The tiers the reader holds right now.
    pub tier_ids: &'a [TierId],
    /// Whether the reader bought this item (and was not refunded in full).
    pub owns_item: bool,
}

impl Access {
    /// Whether `reader` may read the body.
    pub fn admits(&self, reader: Reader<'_>) -> bool {
        match self {
            Access::Public => true,
            Access::Members => reader.is_member,
            Access::Tiers { tier_ids } => {
                reader.is_member && tier_ids.iter().any(|t| reader.tier_ids.contains(t))
            }
            Access::Purchase { .. } => reader.is_member && reader.owns_item,
        }
    }

    /// The price that would unlock the body, for the purchase policy.
    pub fn price_minor(&self) -> Option<i64> {
        match self {
            Access::Purchase { price_minor } => Some(*price_minor),
            _ => None,
        }
    }

    /// The tiers any of which would unlock the body (empty for the other policies).
    pub fn unlocking_tiers(&self) -> &[TierId] {
        match self {
            Access::Tiers { tier_ids } => tier_ids,
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentStatus {
    Draft,
    Published,
    Unpublished,
}

impl ContentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentStatus::Draft => "draft",
            ContentStatus::Published => "published",
            ContentStatus::Unpublished => "unpublished",
        }
    }
}

/// The most characters a title may have.
pub const MAX_TITLE: usize = 200;
/// The most characters an excerpt may have.
pub const MAX_EXCERPT: usize = 1000;

/// A draft's text, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub title: String,
    pub body: String,
    pub excerpt: Option<String>,
    pub access: Access,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ContentCommand {
    Create {
        space_id: SpaceId,
        kind: ContentKind,
        draft: Draft,
    },
    Edit {
        title: Option<String>,
        body: Option<String>,
        excerpt: Option<String>,
        /// Tier ids the caller has checked exist in this space.
        access: Option<Access>,
    },
    Publish,
    Unpublish,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum ContentEvent {
    ContentDrafted {
        space_id: SpaceId,
        kind: ContentKind,
        title: String,
        body: String,
        excerpt: Option<String>,
        access: Access,
    },
    ContentEdited {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        excerpt: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        access: Option<Access>,
    },
    ContentPublished {},
    ContentUnpublished {},
}

impl DomainEvent for ContentEvent {
    fn event_type(&self) -> &'static str {
        match self {
            ContentEvent::ContentDrafted { .. } => "ContentDrafted",
            ContentEvent::ContentEdited { .. } => "ContentEdited",
            ContentEvent::ContentPublished {} => "ContentPublished",
            ContentEvent::ContentUnpublished {} => "ContentUnpublished",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Content {
    pub state: Option<ContentState>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContentState {
    pub space_id: SpaceId,
    pub kind: ContentKind,
    pub status: ContentStatus,
    pub title: String,
    pub body: String,
    pub excerpt: Option<String>,
    pub access: Access,
}

fn check_access(access: &Access) -> Result<(), DomainError> {
    match access {
        Access::Tiers { tier_ids } if tier_ids.is_empty() => Err(DomainError::validation(
            "the tiers policy needs at least one tier id",
        )),
        Access::Purchase { price_minor } if *price_minor <= 0 => Err(DomainError::validation(
            "the purchase policy needs a positive price_minor",
        )),
        _ => Ok(()),
    }
}

fn check_excerpt(excerpt: &str) -> Result<String, DomainError> {
    let excerpt = excerpt.trim();
    if excerpt.chars().count() > MAX_EXCERPT {
        return Err(DomainError::validation(format!(
            "excerpt must be at most {MAX_EXCERPT} characters"
        )));
    }
    Ok(excerpt.to_owned())
}

impl Aggregate for Content {
    const TYPE: &'static str = "content";
    type Command = ContentCommand;
    type Event = ContentEvent;

    fn decide(&self, command: ContentCommand) -> Result<Vec<ContentEvent>, DomainError> {
        let Some(state) = &self.state else {
            return match command {
                ContentCommand::Create {
                    space_id,
                    kind,
                    draft,
                } => {
                    check_access(&draft.access)?;
                    Ok(vec![ContentEvent::ContentDrafted {
                        space_id,
                        kind,
                        title: bounded_text("title", &draft.title, MAX_TITLE)?,
                        body: draft.body,
                        excerpt: draft.excerpt.as_deref().map(check_excerpt).transpose()?,
                        access: draft.access,
                    }])
                }
                _ => Err(DomainError::not_found("content")),
            };
        };
        match command {
            ContentCommand::Create { .. } => {
                Err(DomainError::new(Code::Conflict, "content already exists"))
            }
            ContentCommand::Edit {
                title,
                body,
                excerpt,
                access,
            } => {
                if let Some(access) = &access {
                    check_access(access)?;
                }
                let title = title
                    .map(|t| bounded_text("title", &t, MAX_TITLE))
                    .transpose()?
                    .filter(|t| *t != state.title);
                let excerpt = excerpt
                    .as_deref()
                    .map(check_excerpt)
                    .transpose()?
                    .filter(|e| Some(e) != state.excerpt.as_ref());
                let body = body.filter(|b| *b != state.body);
                let access = access.filter(|a| *a != state.access);
                if title.is_none() && body.is_none() && excerpt.is_none() && access.is_none() {
                    return Ok(vec![]);
                }
                Ok(vec![ContentEvent::ContentEdited {
                    title,
                    body,
                    excerpt,
                    access,
                }])
            }
            ContentCommand::Publish if state.status == ContentStatus::Published => {
                Err(DomainError::transition("the item is already published"))
            }
            ContentCommand::Publish => Ok(vec![ContentEvent::ContentPublished {}]),
            ContentCommand::Unpublish if state.status != ContentStatus::Published => Err(
                DomainError::transition("only a published item can be unpublished"),
            ),
            ContentCommand::Unpublish => Ok(vec![ContentEvent::ContentUnpublished {}]),
        }
    }

    fn apply(&mut self, event: &ContentEvent) {
        match event {
            ContentEvent::ContentDrafted {
                space_id,
                kind,
                title,
                body,
                excerpt,
                access,
            } => {
                self.state = Some(ContentState {
                    space_id: *space_id,
                    kind: *kind,
                    status: ContentStatus::Draft,
                    title: title.clone(),
                    body: body.clone(),
                    excerpt: excerpt.clone(),
                    access: access.clone(),
                })
            }
            ContentEvent::ContentEdited {
                title,
                body,
                excerpt,
                access,
            } => {
                if let Some(state) = &mut self.state {
                    if let Some(title) = title {
                        state.title = title.clone();
                    }
                    if let Some(body) = body {
                        state.body = body.clone();
                    }
                    if let Some(excerpt) = excerpt {
                        state.excerpt = Some(excerpt.clone());
                    }
                    if let Some(access) = access {
                        state.access = access.clone();
                    }
                }
            }
            ContentEvent::ContentPublished {} => {
                if let Some(state) = &mut self.state {
                    state.status = ContentStatus::Published;
                }
            }
            ContentEvent::ContentUnpublished {} => {
                if let Some(state) = &mut self.state {
                    state.status = ContentStatus::Unpublished;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::{given, given_no_history};
    use uuid::Uuid;

    const SPACE: SpaceId = SpaceId(Uuid::nil());

    fn drafted() -> ContentEvent {
        ContentEvent::ContentDrafted {
            space_id: SPACE,
            kind: ContentKind::Post,
            title: "Hello".into(),
            body: "The whole post.".into(),
            excerpt: Some("The".into()),
            access: Access::Members,
        }
    }

    fn create(title: &str, access: Access) -> ContentCommand {
        ContentCommand::Create {
            space_id: SPACE,
            kind: ContentKind::Post,
            draft: Draft {
                title: title.into(),
                body: "The whole post.".into(),
                excerpt: Some(" The ".into()),
                access,
            },
        }
    }

    fn edit_title(title: &str) -> ContentCommand {
        ContentCommand::Edit {
            title: Some(title.into()),
            body: None,
            excerpt: None,
            access: None,
        }
    }

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
    fn an_edit_records_only_changes() {
        given::<Content>(vec![drafted()])
            .when(edit_title("Hello again"))
            .then_expect_events(vec![ContentEvent::ContentEdited {
                title: Some("Hello again".into()),
                body: None,
                excerpt: None,
                access: None,
            }]);
        given::<Content>(vec![drafted()])
            .when(edit_title("Hello"))
            .then_expect_events(vec![]);
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
    fn access_policies_admit_the_right_readers() {
        let gold = TierId(Uuid::from_u128(1));
        let silver = TierId(Uuid::from_u128(2));
        let tiers = Access::Tiers {
            tier_ids: vec![gold],
        };
        let outsider = Reader {
            is_member: false,
            tier_ids: &[],
            owns_item: false,
        };
        let member = Reader {
            is_member: true,
            tier_ids: &[silver],
            owns_item: false,
        };
        let subscriber = Reader {
            is_member: true,
            tier_ids: &[silver, gold],
            owns_item: false,
        };
        assert!(Access::Public.admits(outsider));
        assert!(!Access::Members.admits(outsider));
        assert!(Access::Members.admits(member));
        assert!(!tiers.admits(member));
        assert!(tiers.admits(subscriber));
        assert!(
            !tiers.admits(Reader {
                is_member: false,
                tier_ids: &[gold],
                owns_item: false,
            }),
            "a removed member keeps no access through old tiers"
        );
        assert_eq!(tiers.unlocking_tiers(), &[gold]);
        assert!(Access::Members.unlocking_tiers().is_empty());
        let sold = Access::Purchase { price_minor: 1500 };
        assert!(
            !sold.admits(subscriber),
            "a tier does not buy a single item"
        );
        assert!(sold.admits(Reader {
            owns_item: true,
            ..member
        }));
        assert_eq!(sold.price_minor(), Some(1500));
    }

    #[test]
    fn a_sold_item_needs_a_positive_price() {
        given_no_history::<Content>()
            .when(create("Sold", Access::Purchase { price_minor: 0 }))
            .then_expect_error(Code::ValidationFailed);
    }
}
