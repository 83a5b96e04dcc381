//! The Content aggregate's rules: which events a command causes, and how events fold into state.

use super::event::PartChange;
use super::{
    Content, ContentCommand, ContentEvent, ContentKind, ContentState, ContentStatus, MAX_EXCERPT,
    MAX_PARTS, MAX_TAG, MAX_TAGS, MAX_TITLE, PartRef,
};
use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::ids::{ContentId, TopicId};
use crate::values::bounded_text;

fn check_excerpt(excerpt: &str) -> Result<String, DomainError> {
    let excerpt = excerpt.trim();
    if excerpt.chars().count() > MAX_EXCERPT {
        return Err(DomainError::validation(format!(
            "excerpt must be at most {MAX_EXCERPT} characters"
        )));
    }
    Ok(excerpt.to_owned())
}

/// Tags are trimmed, lower case, unique and sorted, so that the same set always reads the same.
fn check_tags(tags: Vec<String>) -> Result<Vec<String>, DomainError> {
    let mut checked = Vec::with_capacity(tags.len());
    for tag in tags {
        checked.push(bounded_text("tags[]", &tag, MAX_TAG)?.to_lowercase());
    }
    checked.sort();
    checked.dedup();
    if checked.len() > MAX_TAGS {
        return Err(DomainError::validation(format!(
            "an item carries at most {MAX_TAGS} tags"
        )));
    }
    Ok(checked)
}

fn check_topics(mut topic_ids: Vec<TopicId>) -> Result<Vec<TopicId>, DomainError> {
    topic_ids.sort();
    topic_ids.dedup();
    if topic_ids.len() > MAX_TAGS {
        return Err(DomainError::validation(format!(
            "an item belongs to at most {MAX_TAGS} topics"
        )));
    }
    Ok(topic_ids)
}

fn archived() -> DomainError {
    DomainError::transition("the item is archived and takes no more changes")
}

fn part_noun(kind: ContentKind) -> &'static str {
    match kind {
        ContentKind::Column => "article",
        _ => "lesson",
    }
}

/// The event for a change to this container's parts, named for its kind.
fn part_event(kind: ContentKind, change: PartChange<'_>) -> ContentEvent {
    match (kind, change) {
        (ContentKind::Column, PartChange::Added(id)) => {
            ContentEvent::ArticleAddedToColumn { article_id: id }
        }
        (ContentKind::Column, PartChange::Removed(id)) => {
            ContentEvent::ArticleRemovedFromColumn { article_id: id }
        }
        (ContentKind::Column, PartChange::Reordered(ids)) => {
            ContentEvent::ColumnArticlesReordered {
                article_ids: ids.to_vec(),
            }
        }
        (_, PartChange::Added(id)) => ContentEvent::LessonAdded { lesson_id: id },
        (_, PartChange::Removed(id)) => ContentEvent::LessonRemoved { lesson_id: id },
        (_, PartChange::Reordered(ids)) => ContentEvent::LessonsReordered {
            lesson_ids: ids.to_vec(),
        },
    }
}

fn add_part(state: &ContentState, part: PartRef) -> Result<Vec<ContentEvent>, DomainError> {
    let Some(part_kind) = state.kind.part_kind() else {
        return Err(DomainError::validation(
            "only a course holds lessons, and only a column holds articles",
        ));
    };
    let noun = part_noun(state.kind);
    if part.space_id != state.space_id {
        return Err(DomainError::not_found(noun));
    }
    if part.kind != part_kind {
        return Err(DomainError::validation(format!(
            "a {} holds items of kind {noun} only",
            if state.kind == ContentKind::Column {
                "column"
            } else {
                "course"
            }
        )));
    }
    if state.parts.contains(&part.id) {
        return Err(DomainError::new(
            Code::Conflict,
            format!("the {noun} is already in this item"),
        ));
    }
    if part.elsewhere {
        return Err(DomainError::new(
            Code::Conflict,
            format!("the {noun} already belongs to another course or column"),
        ));
    }
    if state.parts.len() >= MAX_PARTS {
        return Err(DomainError::validation(format!(
            "an item holds at most {MAX_PARTS} parts"
        )));
    }
    Ok(vec![part_event(state.kind, PartChange::Added(part.id))])
}

fn reorder_parts(
    state: &ContentState,
    part_ids: Vec<ContentId>,
) -> Result<Vec<ContentEvent>, DomainError> {
    let noun = part_noun(state.kind);
    let mut given = part_ids.clone();
    given.sort();
    given.dedup();
    let mut current = state.parts.clone();
    current.sort();
    if given.len() != part_ids.len() || given != current {
        return Err(DomainError::validation(format!(
            "give every {noun} of this item exactly once, in the new order"
        )));
    }
    if part_ids == state.parts {
        return Ok(vec![]);
    }
    Ok(vec![part_event(
        state.kind,
        PartChange::Reordered(&part_ids),
    )])
}

fn edit(
    state: &ContentState,
    title: Option<String>,
    body: Option<String>,
    excerpt: Option<String>,
    access: Option<super::Access>,
) -> Result<Vec<ContentEvent>, DomainError> {
    if let Some(access) = &access {
        access.check()?;
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
        revision: state.revision + 1,
    }])
}

fn decide_existing(
    state: &ContentState,
    command: ContentCommand,
) -> Result<Vec<ContentEvent>, DomainError> {
    use ContentStatus::{Archived, Published};
    if state.status == Archived {
        return Err(match command {
            ContentCommand::Archive => DomainError::transition("the item is already archived"),
            _ => archived(),
        });
    }
    match command {
        ContentCommand::Create { .. } => {
            Err(DomainError::new(Code::Conflict, "content already exists"))
        }
        ContentCommand::Edit {
            title,
            body,
            excerpt,
            access,
        } => edit(state, title, body, excerpt, access),
        ContentCommand::Publish if state.status == Published => {
            Err(DomainError::transition("the item is already published"))
        }
        ContentCommand::Publish => Ok(vec![ContentEvent::ContentPublished {}]),
        ContentCommand::Unpublish if state.status != Published => Err(DomainError::transition(
            "only a published item can be unpublished",
        )),
        ContentCommand::Unpublish => Ok(vec![ContentEvent::ContentUnpublished {}]),
        ContentCommand::Schedule { .. } if state.status == Published => Err(
            DomainError::transition("the item is already published: unpublish it first"),
        ),
        ContentCommand::Schedule { publish_at, now } => {
            if publish_at <= now {
                return Err(DomainError::validation("publish_at must be in the future"));
            }
            if state.scheduled_for == Some(publish_at) {
                return Ok(vec![]);
            }
            Ok(vec![ContentEvent::ContentScheduled { publish_at }])
        }
        ContentCommand::Unschedule if state.scheduled_for.is_none() => Err(
            DomainError::transition("the item is not scheduled for publication"),
        ),
        ContentCommand::Unschedule => Ok(vec![ContentEvent::ContentUnscheduled {}]),
        ContentCommand::PublishDue { now } => match state.scheduled_for {
            Some(at) if at <= now && state.status != Published => {
                Ok(vec![ContentEvent::ContentPublished {}])
            }
            _ => Err(DomainError::transition("no publication is due")),
        },
        ContentCommand::Archive => Ok(vec![ContentEvent::ContentArchived {}]),
        ContentCommand::Feature if state.featured => Ok(vec![]),
        ContentCommand::Feature => Ok(vec![ContentEvent::ContentFeatured {}]),
        ContentCommand::Unfeature if !state.featured => Ok(vec![]),
        ContentCommand::Unfeature => Ok(vec![ContentEvent::ContentUnfeatured {}]),
        ContentCommand::AddPart { part } => add_part(state, part),
        ContentCommand::RemovePart { part_id } => {
            if !state.parts.contains(&part_id) {
                return Err(DomainError::not_found(part_noun(state.kind)));
            }
            Ok(vec![part_event(state.kind, PartChange::Removed(part_id))])
        }
        ContentCommand::ReorderParts { part_ids } => reorder_parts(state, part_ids),
        ContentCommand::Tag { tags, topic_ids } => {
            let tags = check_tags(tags)?;
            let topic_ids = check_topics(topic_ids)?;
            if tags == state.tags && topic_ids == state.topic_ids {
                return Ok(vec![]);
            }
            Ok(vec![ContentEvent::ContentTagged { tags, topic_ids }])
        }
    }
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
                    external_id,
                } => {
                    draft.access.check()?;
                    Ok(vec![ContentEvent::ContentDrafted {
                        space_id,
                        kind,
                        title: bounded_text("title", &draft.title, MAX_TITLE)?,
                        body: draft.body,
                        excerpt: draft.excerpt.as_deref().map(check_excerpt).transpose()?,
                        access: draft.access,
                        external_id,
                    }])
                }
                _ => Err(DomainError::not_found("content")),
            };
        };
        decide_existing(state, command)
    }

    fn apply(&mut self, event: &ContentEvent) {
        if let ContentEvent::ContentDrafted {
            space_id,
            kind,
            title,
            body,
            excerpt,
            access,
            ..
        } = event
        {
            self.state = Some(ContentState {
                space_id: *space_id,
                kind: *kind,
                status: ContentStatus::Draft,
                title: title.clone(),
                body: body.clone(),
                excerpt: excerpt.clone(),
                access: access.clone(),
                revision: 1,
                scheduled_for: None,
                featured: false,
                parts: Vec::new(),
                tags: Vec::new(),
                topic_ids: Vec::new(),
            });
            return;
        }
        let Some(state) = &mut self.state else {
            return;
        };
        if let Some(change) = event.parts() {
            match change {
                PartChange::Added(id) => state.parts.push(id),
                PartChange::Removed(id) => state.parts.retain(|p| *p != id),
                PartChange::Reordered(ids) => state.parts = ids.to_vec(),
            }
            return;
        }
        match event {
            ContentEvent::ContentEdited {
                title,
                body,
                excerpt,
                access,
                ..
            } => {
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
                state.revision += 1;
            }
            ContentEvent::ContentPublished {} => {
                state.status = ContentStatus::Published;
                state.scheduled_for = None;
            }
            ContentEvent::ContentUnpublished {} => state.status = ContentStatus::Unpublished,
            ContentEvent::ContentScheduled { publish_at } => {
                state.scheduled_for = Some(*publish_at)
            }
            ContentEvent::ContentUnscheduled {} => state.scheduled_for = None,
            ContentEvent::ContentArchived {} => {
                state.status = ContentStatus::Archived;
                state.scheduled_for = None;
                state.featured = false;
            }
            ContentEvent::ContentFeatured {} => state.featured = true,
            ContentEvent::ContentUnfeatured {} => state.featured = false,
            ContentEvent::ContentTagged { tags, topic_ids } => {
                state.tags = tags.clone();
                state.topic_ids = topic_ids.clone();
            }
            // Drafts and part changes are folded above.
            _ => {}
        }
    }
}
