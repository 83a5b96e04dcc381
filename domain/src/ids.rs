//! Typed identifiers. Each wraps a UUID so that a tier id can never be passed where a member id
//! is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A space: one creator's tenant.
    SpaceId
);
id_type!(
    /// A membership tier within a space.
    TierId
);
id_type!(
    /// A member of a space.
    MemberId
);
id_type!(
    /// A content item.
    ContentId
);
id_type!(
    /// An API key.
    KeyId
);
id_type!(
    /// A checkout order: one subscription period or one content purchase.
    OrderId
);
id_type!(
    /// A refund of (part of) an order's payment.
    RefundId
);
id_type!(
    /// A check-in project: a daily habit members check in to.
    CheckInProjectId
);
id_type!(
    /// A topic of a space's knowledge graph.
    TopicId
);
id_type!(
    /// A member's question in a space.
    QuestionId
);
id_type!(
    /// An answer to a question.
    AnswerId
);
id_type!(
    /// A comment on a content item, or a reply to one.
    CommentId
);
id_type!(
    /// A member's report of an item or a comment to the space's moderators.
    ReportId
);
