//! Gamification: daily check-in projects and their streaks, and the pure rules behind the
//! points ledger, badges and leaderboards (which are read models over events by type name).

pub mod award;
pub mod badges;
pub mod check_in;
pub mod credit;
pub mod points;
pub mod project;
pub mod streak;
pub mod week;
