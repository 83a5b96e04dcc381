//! Membership: the tiers a space offers and the members who belong to it.

pub mod member;
pub mod tier;
