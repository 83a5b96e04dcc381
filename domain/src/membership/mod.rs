//! Membership: the tiers a space offers and the members who belong to it.

pub mod charging;
pub mod level;
pub mod member;
pub mod offer;
pub mod referral;
pub mod subscription;
pub mod terms;
pub mod tier;
