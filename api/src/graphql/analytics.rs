//! Revenue analytics in GraphQL.

use super::call::in_space;
use super::error::OrGql;
use crate::dto::analytics::AnalyticsSummary;
use crate::space::Intent;
use async_graphql::{Context, Object};

#[derive(Default)]
pub struct AnalyticsQuery;

#[Object(name = "AnalyticsQuery")]
impl AnalyticsQuery {
    /// The space's revenue analytics: MRR per currency and per tier, subscriptions by status
    /// and monthly cohorts. For creator, auditor and admin keys.
    async fn analytics(
        &self,
        ctx: &Context<'_>,
        space: String,
    ) -> async_graphql::Result<AnalyticsSummary> {
        let (state, _, space) = in_space(ctx, Some(&space), Intent::Read).await?;
        crate::service::analytics::summary(state, &space)
            .await
            .or_gql()
    }
}
