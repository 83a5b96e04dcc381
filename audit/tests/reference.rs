//! The tree and proofs of the RFC 6962 reference test data (the Certificate Transparency
//! implementations' eight entries), through every way this crate computes them.

#![allow(clippy::unwrap_used)]

use lyceum_audit::merkle::{
    self, MemoryTree, consistency_proof_from, inclusion_proof_from, root_from, verify_consistency,
    verify_inclusion,
};
use lyceum_audit::{CompactTree, Hash};

const ENTRIES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// The roots of the first 0 to 8 entries.
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// `(index, tree size, proof)`.
const INCLUSION: [(u64, u64, &[&str]); 5] = [
    (0, 1, &[]),
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// `(old size, tree size, proof)`.
const CONSISTENCY: [(u64, u64, &[&str]); 4] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// The reference entries are raw bytes of any length, not event hashes, so their leaf hashes
/// are computed here with the same 0x00 prefix as [`merkle::leaf_hash`].
fn leaves() -> Vec<Hash> {
    ENTRIES
        .iter()
        .map(|entry| Hash::sha256(&[&[0x00], &hex::decode(entry).unwrap()]))
        .collect()
}

fn hashes(hex: &[&str]) -> Vec<Hash> {
    hex.iter()
        .map(|hash| Hash::from_hex(hash).unwrap())
        .collect()
}

fn root(size: u64) -> Hash {
    Hash::from_hex(ROOTS[size as usize]).unwrap()
}

#[test]
fn roots() {
    let leaves = leaves();
    let stored = MemoryTree::new(leaves.clone());
    let mut compact = CompactTree::new();
    assert_eq!(compact.root(), root(0));
    for size in 0..=8 {
        assert_eq!(
            merkle::root(&leaves[..size as usize]),
            root(size),
            "size {size}"
        );
        assert_eq!(root_from(&stored, size), Ok(root(size)), "size {size}");
        if size > 0 {
            compact.append(leaves[size as usize - 1]);
            assert_eq!(compact.root(), root(size), "size {size}");
        }
    }
}

#[test]
fn inclusion_proofs() {
    let leaves = leaves();
    let stored = MemoryTree::new(leaves.clone());
    for (index, size, proof) in INCLUSION {
        let proof = hashes(proof);
        let prefix = &leaves[..size as usize];
        assert_eq!(merkle::inclusion_proof(index, prefix), Ok(proof.clone()));
        assert_eq!(
            inclusion_proof_from(&stored, index, size),
            Ok(proof.clone())
        );
        let leaf = &leaves[index as usize];
        assert_eq!(
            verify_inclusion(index, size, leaf, &proof, &root(size)),
            Ok(())
        );
    }
}

#[test]
fn consistency_proofs() {
    let leaves = leaves();
    let stored = MemoryTree::new(leaves.clone());
    for (old_size, size, proof) in CONSISTENCY {
        let proof = hashes(proof);
        let prefix = &leaves[..size as usize];
        assert_eq!(
            merkle::consistency_proof(old_size, prefix),
            Ok(proof.clone())
        );
        assert_eq!(
            consistency_proof_from(&stored, old_size, size),
            Ok(proof.clone())
        );
        let verified = verify_consistency(old_size, size, &root(old_size), &root(size), &proof);
        assert_eq!(verified, Ok(()), "{old_size} to {size}");
    }
}
