//! The WebhookEndpoint aggregate: a creator's subscription of a URL to event types. Its events
//! let auditors see who registered, rotated or disabled which endpoint; the signing secret is
//! never part of them (the store keeps it in a side table written in the same transaction).
//! Whether a URL's host is an acceptable target needs DNS, so the caller checks that first.

use crate::aggregate::Aggregate;
use crate::error::{Code, DomainError};
use crate::event::DomainEvent;
use crate::ids::SpaceId;
use serde::{Deserialize, Serialize};

/// Subscribes to every event type.
pub const ALL_EVENTS: &str = "*";
/// The longest URL an endpoint may have.
pub const MAX_URL_LEN: usize = 2048;
/// The longest overlap during which a rotated-out secret still signs deliveries: 7 days.
pub const MAX_OVERLAP_SECONDS: u32 = 7 * 24 * 3600;

/// Every event type an endpoint may subscribe to. A new event type must be added here to be
/// subscribable by name (`*` always covers it).
pub const EVENT_TYPES: &[&str] = &[
    "SpaceCreated",
    "SpaceSettingsChanged",
    "ApiKeyIssued",
    "BillingTermsChanged",
    "LevelRulesChanged",
    "TierDefined",
    "TierRenamed",
    "TierPricesChanged",
    "TierTrialChanged",
    "TierArchived",
    "MemberAdded",
    "MemberJoinedTier",
    "MemberRemoved",
    "MemberPersonalDataErased",
    "PointsAdjusted",
    "ContentDrafted",
    "ContentEdited",
    "ContentPublished",
    "ContentUnpublished",
    "OfferCreated",
    "OfferApplied",
    "OfferArchived",
    "OfferRedeemed",
    "OrderPlaced",
    "PaymentSucceeded",
    "PaymentFailed",
    "FirstPaymentFailed",
    "Refunded",
    "DisputeOpened",
    "DisputeClosed",
    "SubscriptionStarted",
    "SubscriptionActivated",
    "SubscriptionRenewed",
    "SubscriptionPastDue",
    "SubscriptionCanceled",
    "SubscriptionUpgraded",
    "RenewalFailed",
    "TrialEnded",
    "CancellationScheduled",
    "CancellationWithdrawn",
    "DowngradeScheduled",
    "DowngradeApplied",
    "CompGranted",
    "CompExpired",
    "WebhookEndpointRegistered",
    "WebhookSecretRotated",
    "WebhookEndpointDisabled",
    "PointsRulesSet",
    "CheckInProjectCreated",
    "CheckedIn",
    "ContentScheduled",
    "ContentUnscheduled",
    "ContentArchived",
    "ContentFeatured",
    "ContentUnfeatured",
    "LessonAdded",
    "LessonRemoved",
    "LessonsReordered",
    "ArticleAddedToColumn",
    "ArticleRemovedFromColumn",
    "ColumnArticlesReordered",
    "ContentTagged",
    "QuestionAsked",
    "QuestionAnswered",
    "AnswerAccepted",
    "GuestRoleGranted",
    "GuestRoleRevoked",
    "TopicDefined",
    "TopicsRelated",
    "ItemViewed",
    "ItemLiked",
    "ItemUnliked",
    "ItemShared",
    "CommentPosted",
    "CommentEdited",
    "CommentDeleted",
    "CommentHidden",
    "CommentRemoved",
    "LessonCompleted",
    "CourseCompleted",
    "MemberMuted",
    "MemberUnmuted",
    "MemberBanned",
    "ContentReported",
    "ReportResolved",
];

#[derive(Debug, Clone, PartialEq)]
pub enum WebhookCommand {
    Register {
        space_id: SpaceId,
        /// Already checked by the caller to be an acceptable http(s) target.
        url: String,
        event_types: Vec<String>,
    },
    RotateSecret {
        overlap_seconds: u32,
    },
    Disable,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum WebhookEvent {
    WebhookEndpointRegistered {
        space_id: SpaceId,
        url: String,
        event_types: Vec<String>,
    },
    WebhookSecretRotated {
        /// How long the previous secret keeps signing deliveries.
        overlap_seconds: u32,
    },
    WebhookEndpointDisabled {},
}

impl DomainEvent for WebhookEvent {
    fn event_type(&self) -> &'static str {
        match self {
            WebhookEvent::WebhookEndpointRegistered { .. } => "WebhookEndpointRegistered",
            WebhookEvent::WebhookSecretRotated { .. } => "WebhookSecretRotated",
            WebhookEvent::WebhookEndpointDisabled {} => "WebhookEndpointDisabled",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct WebhookEndpoint {
    pub state: Option<EndpointState>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EndpointState {
    pub space_id: SpaceId,
    pub active: bool,
}

/// Checks and normalizes a subscription: known types or `["*"]`, no duplicates, in order.
pub fn parse_event_types(raw: &[String]) -> Result<Vec<String>, DomainError> {
    if raw.is_empty() {
        return Err(DomainError::validation(
            "event_types must name at least one event type, or be [\"*\"]",
        ));
    }
    if raw.iter().any(|t| t == ALL_EVENTS) {
        if raw.len() > 1 {
            return Err(DomainError::validation(
                "\"*\" subscribes to everything and cannot be combined with other types",
            ));
        }
        return Ok(vec![ALL_EVENTS.to_owned()]);
    }
    let mut types: Vec<String> = Vec::with_capacity(raw.len());
    for kind in raw {
        if !EVENT_TYPES.contains(&kind.as_str()) {
            let shown: String = kind.chars().take(64).collect();
            return Err(DomainError::validation(format!(
                "unknown event type {shown:?}"
            )));
        }
        if !types.contains(kind) {
            types.push(kind.clone());
        }
    }
    Ok(types)
}

impl Aggregate for WebhookEndpoint {
    const TYPE: &'static str = "webhook_endpoint";
    type Command = WebhookCommand;
    type Event = WebhookEvent;

    fn decide(&self, command: WebhookCommand) -> Result<Vec<WebhookEvent>, DomainError> {
        match (command, &self.state) {
            (
                WebhookCommand::Register {
                    space_id,
                    url,
                    event_types,
                },
                None,
            ) => {
                let url = url.trim().to_owned();
                if url.is_empty() || url.len() > MAX_URL_LEN {
                    return Err(DomainError::validation(format!(
                        "url must be 1 to {MAX_URL_LEN} characters"
                    )));
                }
                Ok(vec![WebhookEvent::WebhookEndpointRegistered {
                    space_id,
                    url,
                    event_types: parse_event_types(&event_types)?,
                }])
            }
            (WebhookCommand::Register { .. }, Some(_)) => Err(DomainError::new(
                Code::Conflict,
                "webhook endpoint already exists",
            )),
            (_, None) => Err(DomainError::not_found("webhook endpoint")),
            (_, Some(state)) if !state.active => {
                Err(DomainError::transition("the webhook endpoint is disabled"))
            }
            (WebhookCommand::RotateSecret { overlap_seconds }, Some(_)) => {
                if overlap_seconds > MAX_OVERLAP_SECONDS {
                    return Err(DomainError::validation(format!(
                        "overlap_seconds must be at most {MAX_OVERLAP_SECONDS}"
                    )));
                }
                Ok(vec![WebhookEvent::WebhookSecretRotated { overlap_seconds }])
            }
            (WebhookCommand::Disable, Some(_)) => {
                Ok(vec![WebhookEvent::WebhookEndpointDisabled {}])
            }
        }
    }

    fn apply(&mut self, event: &WebhookEvent) {
        match event {
            WebhookEvent::WebhookEndpointRegistered { space_id, .. } => {
                self.state = Some(EndpointState {
                    space_id: *space_id,
                    active: true,
                });
            }
            WebhookEvent::WebhookSecretRotated { .. } => {}
            WebhookEvent::WebhookEndpointDisabled {} => {
                if let Some(state) = &mut self.state {
                    state.active = false;
                }
            }
        }
    }
}

/// Which space it belongs to, so it is only ever loaded from within that space.
impl crate::aggregate::InSpace for WebhookEndpoint {
    const NOUN: &'static str = "webhook endpoint";
    fn space_id(&self) -> Option<crate::ids::SpaceId> {
        self.state.as_ref().map(|s| s.space_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::{given, given_no_history};

    fn space() -> SpaceId {
        SpaceId(uuid::Uuid::nil())
    }

    fn register(types: &[&str]) -> WebhookCommand {
        WebhookCommand::Register {
            space_id: space(),
            url: " https://hooks.example.org/lyceum ".into(),
            event_types: types.iter().map(|t| (*t).to_owned()).collect(),
        }
    }

    fn registered(types: &[&str]) -> WebhookEvent {
        WebhookEvent::WebhookEndpointRegistered {
            space_id: space(),
            url: "https://hooks.example.org/lyceum".into(),
            event_types: types.iter().map(|t| (*t).to_owned()).collect(),
        }
    }

    #[test]
    fn an_endpoint_is_registered_for_chosen_types_without_duplicates() {
        given_no_history::<WebhookEndpoint>()
            .when(register(&["TierDefined", "MemberAdded", "TierDefined"]))
            .then_expect_events(vec![registered(&["TierDefined", "MemberAdded"])]);
    }

    #[test]
    fn an_endpoint_may_subscribe_to_everything() {
        given_no_history::<WebhookEndpoint>()
            .when(register(&["*"]))
            .then_expect_events(vec![registered(&["*"])]);
    }

    #[test]
    fn unknown_empty_or_mixed_subscriptions_are_refused() {
        for types in [&[][..], &["NoSuchEvent"][..], &["*", "TierDefined"][..]] {
            given_no_history::<WebhookEndpoint>()
                .when(register(types))
                .then_expect_error(Code::ValidationFailed);
        }
    }

    #[test]
    fn a_secret_rotates_with_a_bounded_overlap() {
        given::<WebhookEndpoint>(vec![registered(&["*"])])
            .when(WebhookCommand::RotateSecret {
                overlap_seconds: 86_400,
            })
            .then_expect_events(vec![WebhookEvent::WebhookSecretRotated {
                overlap_seconds: 86_400,
            }]);
        given::<WebhookEndpoint>(vec![registered(&["*"])])
            .when(WebhookCommand::RotateSecret {
                overlap_seconds: MAX_OVERLAP_SECONDS + 1,
            })
            .then_expect_error(Code::ValidationFailed);
    }

    #[test]
    fn a_disabled_endpoint_neither_rotates_nor_disables_again() {
        let history = vec![registered(&["*"]), WebhookEvent::WebhookEndpointDisabled {}];
        given::<WebhookEndpoint>(history.clone())
            .when(WebhookCommand::Disable)
            .then_expect_error(Code::InvalidTransition);
        given::<WebhookEndpoint>(history)
            .when(WebhookCommand::RotateSecret { overlap_seconds: 0 })
            .then_expect_error(Code::InvalidTransition);
    }

    #[test]
    fn an_unknown_endpoint_is_not_found() {
        given_no_history::<WebhookEndpoint>()
            .when(WebhookCommand::Disable)
            .then_expect_error(Code::NotFound);
    }

    #[test]
    fn events_survive_the_log() -> Result<(), serde_json::Error> {
        for event in [
            registered(&["*"]),
            WebhookEvent::WebhookSecretRotated {
                overlap_seconds: 60,
            },
            WebhookEvent::WebhookEndpointDisabled {},
        ] {
            let stored = crate::event::encode(&event)?;
            let decoded: WebhookEvent =
                crate::event::decode(&stored.event_type, stored.event_version, stored.payload)?;
            assert_eq!(decoded, event);
        }
        Ok(())
    }

    #[test]
    fn every_aggregate_event_of_this_file_is_subscribable() {
        for event in [
            registered(&["*"]),
            WebhookEvent::WebhookSecretRotated { overlap_seconds: 0 },
            WebhookEvent::WebhookEndpointDisabled {},
        ] {
            assert!(EVENT_TYPES.contains(&event.event_type()));
        }
    }
}
