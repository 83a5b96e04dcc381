//! Each stream's hash chain, as far as the file shows it. One entry per stream: the last
//! version seen and its hash, which the stream's next event must name as its `previous`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use lyceum_audit::Hash;

use crate::Breach;

/// Where a stream stands in the file.
#[derive(Debug)]
struct Head {
    version: i64,
    hash: Hash,
}

/// The streams met so far, by aggregate type and id.
#[derive(Debug, Default)]
pub(crate) struct Chains {
    heads: HashMap<(String, String), Head>,
}

impl Chains {
    /// Checks that the event (`version`, linked to `previous`, hashed to `hash`) follows its
    /// stream's last event in the file, and makes it the stream's last event.
    ///
    /// A stream's first event in the file must be its version 1 in a complete export; in a
    /// partial one it may start later, and its `previous` is then vouched for by the tree.
    pub(crate) fn follow(
        &mut self,
        stream: (&str, &str),
        version: i64,
        previous: Hash,
        hash: Hash,
        complete: bool,
    ) -> Result<(), Breach> {
        let key = (stream.0.to_owned(), stream.1.to_owned());
        match self.heads.entry(key) {
            Entry::Vacant(slot) => {
                let starts = version == 1 && previous == Hash::ZERO;
                let may_start_later = !complete && version > 1;
                if !starts && !may_start_later {
                    return Err(Breach::Missing);
                }
                slot.insert(Head { version, hash });
            }
            Entry::Occupied(mut slot) => {
                let head = slot.get_mut();
                if version <= head.version {
                    return Err(Breach::Reordered);
                }
                if version - 1 > head.version {
                    return Err(Breach::Missing);
                }
                if previous != head.hash {
                    return Err(Breach::Edited);
                }
                *head = Head { version, hash };
            }
        }
        Ok(())
    }

    /// How many streams the file holds events of.
    pub(crate) fn len(&self) -> usize {
        self.heads.len()
    }
}
