//! Access policies: who may read an item's body, and what would unlock it for who may not.

use crate::error::DomainError;
use crate::ids::TierId;
use serde::{Deserialize, Serialize};

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

    /// Refuses a policy that could never admit anyone or is given away for nothing.
    pub(super) fn check(&self) -> Result<(), DomainError> {
        match self {
            Access::Tiers { tier_ids } if tier_ids.is_empty() => Err(DomainError::validation(
                "the tiers policy needs at least one tier id",
            )),
            Access::Purchase { price_minor } if *price_minor <= 0 => Err(DomainError::validation(
                "the purchase policy needs a positive price_minor",
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

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
}
