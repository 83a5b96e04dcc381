//! What a checkout made, as GraphQL shows it: a subscription or an order, the other null.

use crate::dto;
use crate::service::checkout;
use async_graphql::SimpleObject;

/// What a checkout made: a subscription or an order (the other is null).
#[derive(SimpleObject, Clone)]
pub struct Checkout {
    pub subscription: Option<dto::Subscription>,
    pub order: Option<dto::Order>,
}

impl From<checkout::Checkout> for Checkout {
    fn from(c: checkout::Checkout) -> Self {
        match c {
            checkout::Checkout::Subscription(s) => Self {
                subscription: Some(s),
                order: None,
            },
            checkout::Checkout::Order(o) => Self {
                subscription: None,
                order: Some(o),
            },
        }
    }
}
