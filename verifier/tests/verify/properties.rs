//! Partial exports of random logs, checkpoint intervals and selections (a space, from a
//! position: what an exporter filters by) verify, and an altered proof element of any sealed
//! event is caught at that event.

use lyceum_audit::Hash;
use lyceum_verify::{Breach, EventLine, Failure};
use proptest::prelude::*;

use crate::support::{SPACE_A, SPACE_B, events_of, log, partial, rust_verdict};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn proofs_of_random_selections_verify(
        size in 1..90_u64,
        every in 1..12_u64,
        space in prop::option::of(prop::sample::select(vec![SPACE_A, SPACE_B])),
        from in any::<prop::sample::Index>(),
        victim in any::<prop::sample::Index>(),
    ) {
        let events = log(size);
        let from = from.index(size as usize) as u64;
        let keep = |event: &EventLine| {
            event.leaf_index >= from && space.is_none_or(|space| event.space_id.as_deref() == Some(space))
        };
        let mut lines = partial(&events, every, keep);
        prop_assert!(rust_verdict(&lines).is_ok());

        let mut proved: Vec<_> = events_of(&mut lines).filter(|e| e.proof.as_ref().is_some_and(|p| !p.is_empty())).collect();
        prop_assume!(!proved.is_empty());
        let event = victim.get_mut(&mut proved);
        let proof = event.proof.as_mut().unwrap();
        let element = victim.index(proof.len());
        let mut hash = Hash::from_hex(&proof[element]).unwrap();
        hash.0[31] ^= 0x80;
        proof[element] = hash.to_hex();
        let position = event.position;
        prop_assert_eq!(
            rust_verdict(&lines),
            Err(Failure { position: Some(position), breach: Breach::NotIncluded })
        );
    }
}
