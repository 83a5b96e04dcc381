//! The read models a read is served from, named as types, so that a route says in its
//! signature what `min_position` waits for: `Fresh<(read_model::Members, read_model::Points)>`
//! waits for those two and no other. A tuple of them (nested tuples and the aliases here
//! included) names their union; plain `Fresh` is [`All`], the safe default.

use lyceum_projections::Projection;

/// A set of read models, one bit per [`Projection`] (by its declaration order).
pub trait ReadModels: 'static {
    const MASK: u16;

    /// The read models in the set, in [`Projection::ALL`]'s order.
    fn projections() -> Vec<Projection> {
        Projection::ALL
            .into_iter()
            .filter(|p| Self::MASK & bit(*p) != 0)
            .collect()
    }
}

// One bit per read model must fit the mask.
const _: () = assert!(Projection::ALL.len() <= u16::BITS as usize);

const fn bit(projection: Projection) -> u16 {
    1 << (projection as u16)
}

const fn mask(projections: &[Projection]) -> u16 {
    let mut mask = 0;
    let mut i = 0;
    while i < projections.len() {
        mask |= bit(projections[i]);
        i += 1;
    }
    mask
}

/// Every read model: what a read that declares nothing waits for.
#[derive(Debug)]
pub struct All;

impl ReadModels for All {
    const MASK: u16 = mask(&Projection::ALL);
}

macro_rules! read_models {
    ($($name:ident => $_key:literal),* $(,)?) => {$(
        #[doc = concat!("The `", $_key, "` read model.")]
        #[derive(Debug)]
        pub struct $name;

        impl ReadModels for $name {
            const MASK: u16 = mask(&[Projection::$name]);
        }
    )*};
}

lyceum_projections::with_read_models!(read_models);

macro_rules! unions {
    ($(($($part:ident),*)),* $(,)?) => {$(
        impl<$($part: ReadModels),*> ReadModels for ($($part,)*) {
            const MASK: u16 = 0 $(| $part::MASK)*;
        }
    )*};
}

unions!(
    (),
    (A),
    (A, B),
    (A, B, C),
    (A, B, C, D),
    (A, B, C, D, E),
    (A, B, C, D, E, F),
);

/// What a member's entitlements are read from (`lyceum_projections::members::access`): their
/// membership and free tiers, the space's billing terms, subscriptions and purchases.
pub type Entitlements = (Members, Spaces, Subscriptions, Orders);

/// A member as the API shows them: the member with their points balance, and their level on
/// the space's ladder (kept with the space).
pub type MemberRow = (Members, Points, Spaces);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_union_names_each_of_its_parts_once() {
        assert_eq!(
            <(Content, Entitlements, Members)>::projections(),
            [
                Projection::Spaces,
                Projection::Members,
                Projection::Content,
                Projection::Subscriptions,
                Projection::Orders,
            ]
        );
        assert_eq!(<()>::projections(), []);
        assert_eq!(<Ledger>::projections(), [Projection::Ledger]);
    }

    #[test]
    fn all_is_every_read_model() {
        assert_eq!(All::projections(), Projection::ALL);
    }
}
