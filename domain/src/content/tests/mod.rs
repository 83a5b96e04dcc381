//! given/when/then tests of the Content aggregate, one file per group of rules.

mod lifecycle;
mod parts;
mod revisions;
mod schedule;

use super::*;
use crate::aggregate::Aggregate;
use crate::ids::{ContentId, SpaceId};
use uuid::Uuid;

const SPACE: SpaceId = SpaceId(Uuid::nil());

fn drafted_as(kind: ContentKind) -> ContentEvent {
    ContentEvent::ContentDrafted {
        space_id: SPACE,
        kind,
        title: "Hello".into(),
        body: "The whole post.".into(),
        excerpt: Some("The".into()),
        access: Access::Members,
        external_id: None,
    }
}

fn drafted() -> ContentEvent {
    drafted_as(ContentKind::Post)
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
        external_id: None,
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

fn id(n: u128) -> ContentId {
    ContentId(Uuid::from_u128(n))
}
