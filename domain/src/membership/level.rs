//! Member levels: a space's ladder of named levels, each reached at a points threshold
//! (for example Newcomer at 0, Regular at 100, Scholar at 1000). The rules are validated once,
//! when built, so looking up a member's level can never fail.

use crate::error::DomainError;
use crate::values::bounded_text;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The most levels a space may define.
pub const MAX_LEVELS: usize = 50;

/// The longest level name, in characters.
pub const MAX_LEVEL_NAME_CHARS: usize = 40;

/// One rung of the ladder: the level a member holds from `threshold` points on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    threshold: u64,
    name: String,
}

impl Level {
    /// The points at which a member reaches this level.
    pub fn threshold(&self) -> u64 {
        self.threshold
    }

    /// The level's display name, trimmed.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A space's levels, ordered by threshold. Valid by construction: non-empty, the first level
/// starts at 0 points, thresholds strictly increase, names are non-blank and unique (ignoring
/// case and surrounding spaces), and there are at most [`MAX_LEVELS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Level>", into = "Vec<Level>")]
pub struct LevelRules {
    levels: Vec<Level>,
}

impl LevelRules {
    /// Validates `(threshold, name)` pairs, given in ascending order of threshold.
    ///
    /// The order is not sorted for the caller: a creator who lists thresholds out of order has
    /// probably made a mistake, and saying so beats guessing.
    pub fn new(levels: Vec<(u64, String)>) -> Result<Self, DomainError> {
        if levels.is_empty() {
            return Err(DomainError::validation("levels must not be empty"));
        }
        if levels.len() > MAX_LEVELS {
            return Err(DomainError::validation(format!(
                "a space may define at most {MAX_LEVELS} levels"
            )));
        }
        let mut seen = HashSet::new();
        let mut parsed: Vec<Level> = Vec::with_capacity(levels.len());
        for (threshold, raw_name) in levels {
            match parsed.last() {
                None if threshold != 0 => {
                    return Err(DomainError::validation(
                        "the first level must start at 0 points",
                    ));
                }
                Some(previous) if threshold <= previous.threshold => {
                    return Err(DomainError::validation(
                        "level thresholds must strictly increase",
                    ));
                }
                _ => {}
            }
            let name = bounded_text("level name", &raw_name, MAX_LEVEL_NAME_CHARS)?;
            if !seen.insert(name.to_lowercase()) {
                return Err(DomainError::validation(format!(
                    "level name {name:?} is used twice"
                )));
            }
            parsed.push(Level { threshold, name });
        }
        Ok(Self { levels: parsed })
    }

    /// All levels, lowest first.
    pub fn levels(&self) -> &[Level] {
        &self.levels
    }

    /// The level a member with `points` holds: the highest whose threshold is at most `points`.
    pub fn level_for(&self, points: u64) -> &Level {
        // At least one level starts at 0, so `reached` is at least 1.
        let reached = self
            .levels
            .partition_point(|level| level.threshold <= points);
        &self.levels[reached.saturating_sub(1)]
    }

    /// The next level above the one `points` earns, and how many more points reach it; `None`
    /// at the top level.
    pub fn next_level(&self, points: u64) -> Option<(&Level, u64)> {
        let reached = self
            .levels
            .partition_point(|level| level.threshold <= points);
        self.levels
            .get(reached)
            .map(|next| (next, next.threshold - points))
    }
}

impl TryFrom<Vec<Level>> for LevelRules {
    type Error = DomainError;
    fn try_from(levels: Vec<Level>) -> Result<Self, Self::Error> {
        Self::new(levels.into_iter().map(|l| (l.threshold, l.name)).collect())
    }
}

impl From<LevelRules> for Vec<Level> {
    fn from(rules: LevelRules) -> Self {
        rules.levels
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

    fn rules(levels: &[(u64, &str)]) -> Result<LevelRules, DomainError> {
        LevelRules::new(levels.iter().map(|(t, n)| (*t, (*n).to_owned())).collect())
    }

    fn ladder() -> LevelRules {
        rules(&[(0, "Newcomer"), (100, "Regular"), (1000, "Scholar")])
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn refused(levels: &[(u64, &str)]) {
        assert_eq!(
            rules(levels).map_err(|e| e.code),
            Err(Code::ValidationFailed),
            "{levels:?} should be refused"
        );
    }

    #[test]
    fn a_ladder_is_accepted_and_names_are_trimmed() {
        let rules = rules(&[(0, " Newcomer "), (100, "Regular")]).unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<_> = rules.levels().iter().map(Level::name).collect();
        assert_eq!(names, ["Newcomer", "Regular"]);
    }

    #[test]
    fn a_single_level_at_zero_is_enough() {
        let rules = rules(&[(0, "Member")]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rules.level_for(u64::MAX).name(), "Member");
        assert_eq!(rules.next_level(0), None);
    }

    #[test]
    fn levels_must_not_be_empty() {
        refused(&[]);
    }

    #[test]
    fn the_first_level_starts_at_zero() {
        refused(&[(1, "Newcomer"), (100, "Regular")]);
    }

    #[test]
    fn thresholds_strictly_increase() {
        refused(&[(0, "Newcomer"), (100, "Regular"), (100, "Scholar")]);
        refused(&[(0, "Newcomer"), (1000, "Scholar"), (100, "Regular")]);
        refused(&[(0, "Newcomer"), (0, "Regular")]);
    }

    #[test]
    fn names_are_non_blank_bounded_and_unique() {
        refused(&[(0, "  ")]);
        refused(&[(0, "Newcomer"), (10, "")]);
        refused(&[(0, &"x".repeat(MAX_LEVEL_NAME_CHARS + 1))]);
        assert!(rules(&[(0, &"x".repeat(MAX_LEVEL_NAME_CHARS))]).is_ok());
        refused(&[(0, "Regular"), (10, "Regular")]);
        refused(&[(0, "Regular"), (10, " regular ")]);
    }

    #[test]
    fn at_most_fifty_levels() {
        let names: Vec<String> = (0..=MAX_LEVELS).map(|i| format!("L{i}")).collect();
        let make = |n: usize| {
            LevelRules::new(
                names
                    .iter()
                    .take(n)
                    .enumerate()
                    .map(|(i, name)| (i as u64 * 10, name.clone()))
                    .collect(),
            )
        };
        assert!(make(MAX_LEVELS).is_ok());
        assert_eq!(
            make(MAX_LEVELS + 1).map_err(|e| e.code),
            Err(Code::ValidationFailed)
        );
    }

    #[test]
    fn a_member_holds_the_highest_level_reached() {
        let rules = ladder();
        for (points, expected) in [
            (0, "Newcomer"),
            (99, "Newcomer"),
            (100, "Regular"),
            (101, "Regular"),
            (999, "Regular"),
            (1000, "Scholar"),
            (u64::MAX, "Scholar"),
        ] {
            assert_eq!(
                rules.level_for(points).name(),
                expected,
                "at {points} points"
            );
        }
    }

    #[test]
    fn the_next_level_and_the_points_needed() {
        let rules = ladder();
        let next = |points| {
            rules
                .next_level(points)
                .map(|(level, needed)| (level.name().to_owned(), needed))
        };
        assert_eq!(next(0), Some(("Regular".to_owned(), 100)));
        assert_eq!(next(99), Some(("Regular".to_owned(), 1)));
        assert_eq!(next(100), Some(("Scholar".to_owned(), 900)));
        assert_eq!(next(999), Some(("Scholar".to_owned(), 1)));
        assert_eq!(next(1000), None);
        assert_eq!(next(u64::MAX), None);
    }

    #[test]
    fn rules_round_trip_through_json_and_are_revalidated() {
        let json = serde_json::to_string(&ladder()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            serde_json::from_str::<LevelRules>(&json).map_err(|e| e.to_string()),
            Ok(ladder())
        );
        let unsorted = r#"[{"threshold":0,"name":"A"},{"threshold":0,"name":"B"}]"#;
        assert!(serde_json::from_str::<LevelRules>(unsorted).is_err());
    }
}
