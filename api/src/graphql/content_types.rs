//! GraphQL types for content, topics and questions, converted from the REST DTOs so both
//! surfaces show the same data. A content item carries who views it, so that its nested
//! `parts` are locked exactly as the item itself is.

use super::engagement_types::{Comment, ItemEngagement};
use super::error::{OrGql, any_caller, gql};
use super::loaders::{LikeKey, LoadError, Loaders, StatsKey, ThreadKey};
use super::types::Access;
use crate::dto;
use crate::error::ApiError;
use crate::service::catalog::{self, Viewer};
use crate::state::AppState;
use async_graphql::dataloader::DataLoader;
use async_graphql::{ComplexObject, Context, Enum, ID, SimpleObject};
use lyceum_domain::ids::SpaceId;
use std::sync::Arc;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ContentKind {
    Post,
    Article,
    Course,
    Lesson,
    Column,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ContentStatus {
    Draft,
    Published,
    Unpublished,
    Archived,
}

impl ContentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentStatus::Draft => "draft",
            ContentStatus::Published => "published",
            ContentStatus::Unpublished => "unpublished",
            ContentStatus::Archived => "archived",
        }
    }
}

fn id(uuid: uuid::Uuid) -> ID {
    ID(uuid.to_string())
}

/// A post, article, course, lesson or column.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ContentItem {
    pub id: ID,
    pub space_id: ID,
    pub kind: ContentKind,
    pub title: String,
    /// The whole text; null when the reader may not read it (`locked`).
    pub body: Option<String>,
    pub excerpt: Option<String>,
    pub access: Access,
    pub status: ContentStatus,
    pub created_at: String,
    pub updated_at: String,
    pub published_at: Option<String>,
    /// True when a member reads an item their access does not cover: no body, the excerpt.
    pub locked: bool,
    /// When locked: the tiers any of which would unlock it.
    pub unlock_tier_ids: Vec<ID>,
    /// When locked and sold: the price that unlocks it (of the container, for a part of a sold
    /// course or column).
    pub unlock_price_minor: Option<i64>,
    /// 1 for the draft, one more for every edit.
    pub revision: i64,
    pub scheduled_for: Option<String>,
    pub featured: bool,
    /// The course or column this item belongs to.
    pub parent_id: Option<ID>,
    pub tags: Vec<String>,
    pub topic_ids: Vec<ID>,
    /// Who views the item: `None` for a key.
    #[graphql(skip)]
    pub viewer: Arc<Viewer>,
}

impl ContentItem {
    /// The item as `viewer` sees it (already locked by the catalog if need be).
    pub fn viewed(c: dto::ContentItem, viewer: Arc<Viewer>) -> Self {
        Self {
            id: id(c.id),
            space_id: id(c.space_id),
            kind: match c.kind {
                dto::ContentKindDto::Post => ContentKind::Post,
                dto::ContentKindDto::Article => ContentKind::Article,
                dto::ContentKindDto::Course => ContentKind::Course,
                dto::ContentKindDto::Lesson => ContentKind::Lesson,
                dto::ContentKindDto::Column => ContentKind::Column,
            },
            title: c.title,
            body: c.body,
            excerpt: c.excerpt,
            access: Access::from(c.access),
            status: match c.status.as_str() {
                "published" => ContentStatus::Published,
                "unpublished" => ContentStatus::Unpublished,
                "archived" => ContentStatus::Archived,
                _ => ContentStatus::Draft,
            },
            created_at: c.created_at,
            updated_at: c.updated_at,
            published_at: c.published_at,
            locked: c.locked,
            unlock_tier_ids: c.unlock_tier_ids.into_iter().map(id).collect(),
            unlock_price_minor: c.unlock_price_minor,
            revision: c.revision,
            scheduled_for: c.scheduled_for,
            featured: c.featured,
            parent_id: c.parent_id.map(id),
            tags: c.tags,
            topic_ids: c.topic_ids.into_iter().map(id).collect(),
            viewer,
        }
    }
}

impl From<dto::ContentItem> for ContentItem {
    /// The item as an API key sees it: whole.
    fn from(c: dto::ContentItem) -> Self {
        Self::viewed(c, Arc::new(None))
    }
}

#[ComplexObject]
impl ContentItem {
    /// The item's counters, and for a member session whether it likes the item. Batch-loaded:
    /// a page of items costs one read for all their counters.
    async fn engagement(&self, ctx: &Context<'_>) -> async_graphql::Result<ItemEngagement> {
        let loaders = loaders(ctx)?;
        let content_id = self.id.to_string();
        let stats = loaders
            .load_one(StatsKey(content_id.clone()))
            .await
            .map_err(load_failed)?
            .unwrap_or_default();
        let liked = match any_caller(ctx)?.member_id() {
            Some(member) => Some(
                loaders
                    .load_one(LikeKey {
                        member_id: member.to_string(),
                        content_id,
                    })
                    .await
                    .map_err(load_failed)?
                    .unwrap_or(false),
            ),
            None => None,
        };
        let id = uuid::Uuid::parse_str(&self.id).map_err(|e| e.to_string())?;
        Ok(dto::ItemEngagement::new(id, stats, liked).into())
    }

    /// The item's first top-level comments (`first`, 1 to 20), oldest first, as its thread
    /// shows them; continue with `comments(contentId, after)`. Empty when the item is locked
    /// for the caller. Batch-loaded: a page of items costs one read for all their comments.
    #[graphql(complexity = "first.max(0) as usize * child_complexity")]
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 3)] first: i32,
    ) -> async_graphql::Result<Vec<Comment>> {
        if !(1..=MAX_NESTED_COMMENTS).contains(&first) {
            return Err(gql(ApiError::bad_request(format!(
                "`first` must be between 1 and {MAX_NESTED_COMMENTS}"
            ))));
        }
        if self.locked {
            return Ok(Vec::new());
        }
        let viewer = any_caller(ctx)?.member_id();
        let rows = loaders(ctx)?
            .load_one(ThreadKey {
                space_id: self.space_id.to_string(),
                viewer: viewer.map(|m| m.to_string()).unwrap_or_default(),
                first: i64::from(first),
                content_id: self.id.to_string(),
            })
            .await
            .map_err(load_failed)?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|row| Comment::from(dto::Comment::from(row)))
            .collect())
    }

    /// A course's lessons or a column's articles, in order, as the caller may see them: locked
    /// just as the catalog locks them. Empty for other kinds.
    async fn parts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ContentItem>> {
        if !matches!(self.kind, ContentKind::Course | ContentKind::Column) {
            return Ok(Vec::new());
        }
        let state = ctx.data::<AppState>()?;
        let space = uuid::Uuid::parse_str(&self.space_id).map_err(|e| e.to_string())?;
        let parts = catalog::parts(state, &self.viewer, SpaceId(space), &self.id)
            .await
            .or_gql()?;
        Ok(parts
            .into_iter()
            .map(|p| ContentItem::viewed(p, self.viewer.clone()))
            .collect())
    }
}

/// Most comments a nested `comments` field returns per item.
const MAX_NESTED_COMMENTS: i32 = 20;

fn loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a DataLoader<Loaders>> {
    ctx.data::<DataLoader<Loaders>>()
}

fn load_failed(error: LoadError) -> async_graphql::Error {
    gql(ApiError::internal(anyhow::anyhow!("{error}")))
}

/// One revision of an item's text.
#[derive(SimpleObject, Clone)]
pub struct Revision {
    pub content_id: ID,
    pub revision: i64,
    pub title: String,
    pub body: String,
    pub excerpt: Option<String>,
    pub access: Access,
    /// `key:<id>` or `member:<id>`.
    pub actor: String,
    pub recorded_at: String,
}

impl From<dto::Revision> for Revision {
    fn from(r: dto::Revision) -> Self {
        Self {
            content_id: id(r.content_id),
            revision: r.revision,
            title: r.title,
            body: r.body,
            excerpt: r.excerpt,
            access: Access::from(r.access),
            actor: r.actor,
            recorded_at: r.recorded_at,
        }
    }
}

/// A course's lessons or a column's articles, in order.
#[derive(SimpleObject, Clone)]
pub struct ContentParts {
    pub content_id: ID,
    pub part_ids: Vec<ID>,
}

impl From<dto::ContentParts> for ContentParts {
    fn from(p: dto::ContentParts) -> Self {
        Self {
            content_id: id(p.content_id),
            part_ids: p.part_ids.into_iter().map(id).collect(),
        }
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum TopicRelationKind {
    /// Learn the first topic before the second.
    PrerequisiteOf,
    RelatedTo,
}

impl From<dto::RelationDto> for TopicRelationKind {
    fn from(r: dto::RelationDto) -> Self {
        match r {
            dto::RelationDto::PrerequisiteOf => TopicRelationKind::PrerequisiteOf,
            dto::RelationDto::RelatedTo => TopicRelationKind::RelatedTo,
        }
    }
}

impl From<TopicRelationKind> for dto::RelationDto {
    fn from(r: TopicRelationKind) -> Self {
        match r {
            TopicRelationKind::PrerequisiteOf => dto::RelationDto::PrerequisiteOf,
            TopicRelationKind::RelatedTo => dto::RelationDto::RelatedTo,
        }
    }
}

/// A topic of the space's knowledge graph.
#[derive(SimpleObject, Clone)]
pub struct Topic {
    pub id: ID,
    pub space_id: ID,
    pub name: String,
    pub description: Option<String>,
    pub created_at: String,
}

impl From<dto::TopicDto> for Topic {
    fn from(t: dto::TopicDto) -> Self {
        Self {
            id: id(t.id),
            space_id: id(t.space_id),
            name: t.name,
            description: t.description,
            created_at: t.created_at,
        }
    }
}

/// `fromTopicId` relates to `toTopicId` as `relation` says.
#[derive(SimpleObject, Clone)]
pub struct TopicRelation {
    pub from_topic_id: ID,
    pub to_topic_id: ID,
    pub relation: TopicRelationKind,
}

impl From<dto::TopicRelationDto> for TopicRelation {
    fn from(r: dto::TopicRelationDto) -> Self {
        Self {
            from_topic_id: id(r.from_topic_id),
            to_topic_id: id(r.to_topic_id),
            relation: r.relation.into(),
        }
    }
}

/// A space's topics and the relations between them.
#[derive(SimpleObject, Clone)]
pub struct TopicGraph {
    pub topics: Vec<Topic>,
    pub relations: Vec<TopicRelation>,
}

impl From<dto::TopicGraph> for TopicGraph {
    fn from(g: dto::TopicGraph) -> Self {
        Self {
            topics: g.topics.into_iter().map(Topic::from).collect(),
            relations: g.relations.into_iter().map(TopicRelation::from).collect(),
        }
    }
}

/// An answer to a question.
#[derive(SimpleObject, Clone)]
pub struct Answer {
    pub id: ID,
    pub question_id: ID,
    /// The guest who answered; null when the creator did.
    pub answerer_id: Option<ID>,
    pub body: String,
    pub accepted: bool,
    pub created_at: String,
}

impl From<dto::Answer> for Answer {
    fn from(a: dto::Answer) -> Self {
        Self {
            id: id(a.id),
            question_id: id(a.question_id),
            answerer_id: a.answerer_id.map(id),
            body: a.body,
            accepted: a.accepted,
            created_at: a.created_at,
        }
    }
}

/// A member's question, with its answers.
#[derive(SimpleObject, Clone)]
pub struct Question {
    pub id: ID,
    pub space_id: ID,
    /// The member who asked.
    pub member_id: ID,
    pub title: String,
    pub body: String,
    pub content_id: Option<ID>,
    pub accepted_answer_id: Option<ID>,
    pub answer_count: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Oldest first; empty in lists (read one question for its answers).
    pub answers: Vec<Answer>,
}

impl From<dto::QuestionDto> for Question {
    fn from(q: dto::QuestionDto) -> Self {
        Self {
            id: id(q.id),
            space_id: id(q.space_id),
            member_id: id(q.member_id),
            title: q.title,
            body: q.body,
            content_id: q.content_id.map(id),
            accepted_answer_id: q.accepted_answer_id.map(id),
            answer_count: q.answer_count,
            created_at: q.created_at,
            updated_at: q.updated_at,
            answers: q.answers.into_iter().map(Answer::from).collect(),
        }
    }
}

/// A member's guest role.
#[derive(SimpleObject, Clone)]
pub struct GuestRole {
    pub member_id: ID,
    /// Whether the member may answer questions.
    pub guest: bool,
}

impl From<dto::GuestRole> for GuestRole {
    fn from(g: dto::GuestRole) -> Self {
        Self {
            member_id: id(g.member_id),
            guest: g.guest,
        }
    }
}
