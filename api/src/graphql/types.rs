//! GraphQL object types, converted from the REST DTOs so both surfaces show the same data.

use super::error::OrGql;
use super::subscriptions::Checkout;
use crate::dto;
pub use crate::dto::{
    AccessPolicy, Answer, ContentItem, ContentKindDto as ContentKind, ContentParts, ContentStatus,
    GuestRole, QuestionDto as Question, TopicDto as Topic, TopicRelationDto as TopicRelation,
};
use crate::dto::{
    BillingTermsDto, IssuedKey, LevelRulesDto, Member, Membership, Order, Subscription, Tier,
    TierChange,
};
use crate::pagination::{MAX_LIMIT, Slice, encode_cursor};
use async_graphql::SimpleObject;
use async_graphql::connection::{Connection, Edge};
use lyceum_projections::page::Page;

pub use crate::dto::Space;

/// One page, fetched by `fetch` with the decoded `after` and the checked `first`, as a Relay
/// connection whose cursors are `key` of each node.
pub async fn list<T, Fut>(
    first: Option<i32>,
    after: Option<String>,
    key: impl Fn(&T) -> String,
    fetch: impl FnOnce(Slice) -> Fut,
) -> async_graphql::Result<Connection<String, T>>
where
    T: async_graphql::OutputType,
    Fut: std::future::Future<Output = Result<Page<T>, crate::error::ApiError>>,
{
    let page = paging(first, after)?;
    let had_cursor = page.after.is_some();
    let page = fetch(page).await.or_gql()?;
    let mut connection = Connection::new(had_cursor, page.next.is_some());
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|node| Edge::new(encode_cursor(&key(&node)), node)),
    );
    Ok(connection)
}

/// The page `first` (1 to 100, default 20) and `after` ask for.
fn paging(first: Option<i32>, after: Option<String>) -> async_graphql::Result<Slice> {
    let limit = i64::from(first.unwrap_or(20));
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(super::gql(crate::error::ApiError::bad_request(format!(
            "first must be between 1 and {MAX_LIMIT}"
        ))));
    }
    let after = after
        .as_deref()
        .map(crate::pagination::decode_cursor)
        .transpose()
        .or_gql()?;
    Ok(Slice { after, limit })
}

/// What a mutation changed, and the global position to pass as `min_position` to reads.
#[derive(SimpleObject)]
#[graphql(concrete(name = "SpacePayload", params(Space)))]
#[graphql(concrete(name = "TierPayload", params(Tier)))]
#[graphql(concrete(name = "MemberPayload", params(Member)))]
#[graphql(concrete(name = "MembershipPayload", params(Membership)))]
#[graphql(concrete(name = "ContentPayload", params(ContentItem)))]
#[graphql(concrete(name = "IssuedKeyPayload", params(IssuedKey)))]
#[graphql(concrete(name = "MemberSubscriptionPayload", params(Subscription)))]
#[graphql(concrete(name = "MemberOrderPayload", params(Order)))]
#[graphql(concrete(name = "BillingTermsPayload", params(BillingTermsDto)))]
#[graphql(concrete(name = "LevelRulesPayload", params(LevelRulesDto)))]
#[graphql(concrete(name = "MemberPointsPayload", params(dto::MemberPoints)))]
#[graphql(concrete(name = "TierChangePayload", params(TierChange)))]
#[graphql(concrete(name = "CheckoutPayload", params(Checkout)))]
#[graphql(concrete(name = "ContentPartsPayload", params(ContentParts)))]
#[graphql(concrete(name = "TopicPayload", params(Topic)))]
#[graphql(concrete(name = "TopicRelationPayload", params(TopicRelation)))]
#[graphql(concrete(name = "QuestionPayload", params(Question)))]
#[graphql(concrete(name = "AnswerPayload", params(Answer)))]
#[graphql(concrete(name = "GuestRolePayload", params(GuestRole)))]
#[graphql(concrete(name = "CheckInProjectPayload", params(dto::CheckInProject)))]
#[graphql(concrete(name = "CheckInStreakPayload", params(dto::MemberStreak)))]
#[graphql(concrete(name = "PointsRulesPayload", params(dto::PointsRulesDto)))]
#[graphql(concrete(name = "InteractionPayload", params(dto::InteractionResult)))]
#[graphql(concrete(name = "CommentPayload", params(dto::Comment)))]
#[graphql(concrete(name = "MemberStandingPayload", params(dto::MemberStanding)))]
#[graphql(concrete(name = "ReportPayload", params(dto::Report)))]
#[graphql(concrete(name = "CourseProgressPayload", params(dto::CourseProgress)))]
pub struct Payload<T: async_graphql::OutputType> {
    pub node: T,
    pub position: Option<i64>,
}

/// The outcome of a mutation that returns no object.
#[derive(SimpleObject)]
pub struct Done {
    pub position: Option<i64>,
}
