//! [`Slab`]: one allocation for the values of many columns, and
//! [`Column`], a frame column that owns its values or shares a slab.
//!
//! A reader that knows its frame's size up front (a T4 file of 200 MB is
//! 531 columns of 70 000 rows) writes every value into one slab instead of
//! one allocation per column. On Linux the slab is an anonymous mapping
//! advised for transparent huge pages (`MADV_HUGEPAGE`, as NumPy does for
//! its arrays of 4 MiB and more): the kernel then maps 2 MiB at a time, and
//! a 285 MiB frame costs 143 page faults instead of 73 000. On this
//! project's test machine those faults were a third of a T4 parse.

use std::sync::Arc;

/// Below this many bytes a slab is a plain `Vec` (a huge page is 2 MiB).
const MAP_FROM: usize = 4 << 20;

/// Zero-initialised `f64` values in one allocation (see the module).
pub struct Slab {
    mem: Mem,
}

enum Mem {
    /// A mapping whose bytes were checked, when it was made, to be a whole
    /// number of aligned `f64`.
    Map(memmap2::MmapMut),
    Heap(Vec<f64>),
}

impl Slab {
    /// `len` values, all `0.0`. Memory is only committed as it is written.
    /// Falls back to an ordinary allocation when the mapping fails, or is
    /// not worth it (under 4 MiB).
    pub fn zeroed(len: usize) -> Slab {
        let mem = len
            .checked_mul(8)
            .filter(|&bytes| bytes >= MAP_FROM)
            .and_then(|bytes| memmap2::MmapMut::map_anon(bytes).ok())
            .filter(|map| bytemuck::try_cast_slice::<u8, f64>(map).is_ok())
            .map(|map| {
                // Only a hint: without it the kernel maps 4 KiB pages.
                #[cfg(target_os = "linux")]
                let _ = map.advise(memmap2::Advice::HugePage);
                Mem::Map(map)
            })
            .unwrap_or_else(|| Mem::Heap(vec![0.0; len]));
        Slab { mem }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// True when the slab holds no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values.
    pub fn as_slice(&self) -> &[f64] {
        match &self.mem {
            // Checked in `zeroed`: the cast cannot fail.
            Mem::Map(map) => bytemuck::try_cast_slice(map).unwrap_or_default(),
            Mem::Heap(v) => v,
        }
    }

    /// The values, to write them.
    pub fn as_mut_slice(&mut self) -> &mut [f64] {
        match &mut self.mem {
            Mem::Map(map) => bytemuck::try_cast_slice_mut(map).unwrap_or_default(),
            Mem::Heap(v) => v,
        }
    }

    /// True when the values live in a mapping of their own (advised for
    /// huge pages on Linux) rather than on the heap.
    pub fn is_mapped(&self) -> bool {
        matches!(self.mem, Mem::Map(_))
    }
}

impl std::fmt::Debug for Slab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slab")
            .field("len", &self.len())
            .field("mapped", &self.is_mapped())
            .finish()
    }
}

/// The values of one frame column: its own `Vec`, or a range of a slab
/// shared with the frame's other columns. Reading borrows either way;
/// changing a shared column first copies it out (copy on write).
#[derive(Clone, Default)]
pub(crate) struct Column {
    /// The values when not shared (empty while `shared` is set).
    owned: Vec<f64>,
    shared: Option<Shared>,
}

#[derive(Clone)]
struct Shared {
    slab: Arc<Slab>,
    start: usize,
    len: usize,
}

impl Column {
    /// A column over `len` values of `slab` from `start` (clipped to the
    /// slab).
    pub(crate) fn shared(slab: Arc<Slab>, start: usize, len: usize) -> Column {
        let start = start.min(slab.len());
        let len = len.min(slab.len() - start);
        Column {
            owned: Vec::new(),
            shared: Some(Shared { slab, start, len }),
        }
    }

    pub(crate) fn as_slice(&self) -> &[f64] {
        match &self.shared {
            None => &self.owned,
            Some(s) => &s.slab.as_slice()[s.start..s.start + s.len],
        }
    }

    /// The values as a `Vec` of their own, copied out of the slab if shared.
    pub(crate) fn make_mut(&mut self) -> &mut Vec<f64> {
        if let Some(s) = self.shared.take() {
            self.owned = s.slab.as_slice()[s.start..s.start + s.len].to_vec();
        }
        &mut self.owned
    }

    pub(crate) fn into_vec(mut self) -> Vec<f64> {
        std::mem::take(self.make_mut())
    }

    pub(crate) fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    pub(crate) fn len(&self) -> usize {
        self.shared.as_ref().map_or(self.owned.len(), |s| s.len)
    }
}

impl From<Vec<f64>> for Column {
    fn from(owned: Vec<f64>) -> Self {
        Column {
            owned,
            shared: None,
        }
    }
}
