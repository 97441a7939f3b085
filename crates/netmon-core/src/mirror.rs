//! [`Mirror`]: a local copy of a remote folder that transfers only what is
//! new — whole new files, and the appended part of files that grew (T4
//! collectors append to the day's file all day long).
//!
//! A grown file is fetched from a little before the end of the local copy
//! (the overlap, 4 KiB) and the overlap is compared with the copy: if it
//! differs, the file was rewritten rather than appended to, and it is
//! fetched whole. A file that shrank, or whose modification time changed at
//! the same size, is fetched whole too. The copy is written through a
//! temporary file and renamed, so an interrupted run leaves the previous
//! copy intact.

use std::path::{Path, PathBuf};

use bytes::{Bytes, BytesMut};

use crate::collector::{FileEntry, FileSource};
use crate::error::{Error, Result};
use crate::time::Timestamp;

/// Bytes re-read before the end of a local copy to check it still matches.
pub const OVERLAP: u64 = 4096;

/// What a [`Mirror::sync`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncKind {
    /// Not seen before: fetched whole.
    New,
    /// Grew by appending: only the new part (and the overlap) fetched.
    Grown,
    /// Same size and time: nothing fetched.
    Unchanged,
    /// Shrank, was rewritten or changed time: fetched whole.
    Replaced,
}

/// A file brought up to date.
#[derive(Debug, Clone)]
pub struct Synced {
    /// The whole file, as it is now.
    pub data: Bytes,
    /// Bytes transferred from the source for it.
    pub fetched: u64,
    /// What happened.
    pub kind: SyncKind,
}

/// A local folder mirroring one remote folder.
#[derive(Debug, Clone)]
pub struct Mirror {
    dir: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl Mirror {
    /// A mirror kept in `dir` (created when needed).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Mirror { dir: dir.into() }
    }

    /// The local copy of a file (its name is checked by the source).
    fn local(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn stamp_path(&self, name: &str) -> PathBuf {
        self.dir.join(format!(".{name}.mtime"))
    }

    fn write(&self, name: &str, data: &[u8], modified: Option<Timestamp>) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let path = self.local(name);
        let tmp = self.dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, data).map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        let stamp = self.stamp_path(name);
        let text = modified
            .map(|t| t.as_nanos().to_string())
            .unwrap_or_default();
        std::fs::write(&stamp, text).map_err(io(&stamp))?;
        Ok(())
    }

    fn recorded_time(&self, name: &str) -> Option<Timestamp> {
        std::fs::read_to_string(self.stamp_path(name))
            .ok()?
            .trim()
            .parse()
            .ok()
            .map(Timestamp::from_nanos)
    }

    /// Brings the local copy of `entry` up to date from `source` and
    /// returns the whole file.
    pub async fn sync(&self, source: &dyn FileSource, entry: &FileEntry) -> Result<Synced> {
        // Validates the name before it becomes a local path.
        let name = entry.name.as_str();
        if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\', '\0']) {
            return Err(Error::InvalidFileName {
                source_name: source.describe(),
                name: name.to_string(),
                reason: "not a plain file name (or hidden)",
            });
        }
        let local = std::fs::read(self.local(name)).ok();
        let whole = |kind| async move {
            let data = source.read(name).await?;
            self.write(name, &data, entry.modified)?;
            Ok(Synced {
                fetched: data.len() as u64,
                data,
                kind,
            })
        };
        let Some(local) = local else {
            return whole(SyncKind::New).await;
        };
        let have = local.len() as u64;
        let same_time = entry.modified.is_none() || self.recorded_time(name) == entry.modified;
        if entry.size == have && same_time {
            return Ok(Synced {
                data: Bytes::from(local),
                fetched: 0,
                kind: SyncKind::Unchanged,
            });
        }
        if entry.size < have || (entry.size == have && !same_time) {
            return whole(SyncKind::Replaced).await;
        }
        let from = have.saturating_sub(OVERLAP);
        let tail = source.read_from(name, from).await?;
        let overlap = (have - from) as usize;
        let fetched = tail.len() as u64;
        if tail.len() < overlap || tail[..overlap] != local[from as usize..] {
            return whole(SyncKind::Replaced).await.map(|mut s| {
                s.fetched += fetched;
                s
            });
        }
        let mut data = BytesMut::from(&local[..]);
        data.extend_from_slice(&tail[overlap..]);
        let data = data.freeze();
        self.write(name, &data, entry.modified)?;
        Ok(Synced {
            data,
            fetched,
            kind: SyncKind::Grown,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySource;

    fn at(s: i64) -> Option<Timestamp> {
        Timestamp::from_secs(s)
    }

    async fn entry(src: &MemorySource, name: &str) -> FileEntry {
        src.list()
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.name == name)
            .unwrap()
    }

    #[tokio::test]
    async fn new_grown_unchanged_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let mirror = Mirror::new(dir.path().join("m"));
        let src = MemorySource::new("remote");
        let day: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("row {i}\n").into_bytes())
            .collect();
        src.insert("t4.csv", day.clone(), at(100)).unwrap();

        let s = mirror
            .sync(&src, &entry(&src, "t4.csv").await)
            .await
            .unwrap();
        assert_eq!(
            (s.kind, s.fetched, s.data.len()),
            (SyncKind::New, day.len() as u64, day.len())
        );

        let s = mirror
            .sync(&src, &entry(&src, "t4.csv").await)
            .await
            .unwrap();
        assert_eq!((s.kind, s.fetched), (SyncKind::Unchanged, 0));
        assert!(s.data[..] == day[..]);

        // The collector appends: only the new rows and the overlap travel.
        src.append("t4.csv", b"row 20000\nrow 20001\n", at(160))
            .unwrap();
        let s = mirror
            .sync(&src, &entry(&src, "t4.csv").await)
            .await
            .unwrap();
        assert_eq!(s.kind, SyncKind::Grown);
        assert_eq!(s.fetched, OVERLAP + 20);
        assert!(s.data.ends_with(b"row 20001\n") && s.data.len() == day.len() + 20);
        assert_eq!(
            std::fs::read(dir.path().join("m/t4.csv")).unwrap(),
            &s.data[..]
        );

        // Rewritten and longer: the overlap does not match, fetched whole.
        let mut other = day.clone();
        other[day.len() - 10] = b'X';
        other.extend_from_slice(b"more\n");
        other.extend_from_slice(&[b'y'; 100]);
        src.insert("t4.csv", other.clone(), at(200)).unwrap();
        let s = mirror
            .sync(&src, &entry(&src, "t4.csv").await)
            .await
            .unwrap();
        assert_eq!(s.kind, SyncKind::Replaced);
        assert!(s.data[..] == other[..]);

        // Shrunk (a new day's file under the same name): whole.
        src.insert("t4.csv", b"fresh\n".to_vec(), at(300)).unwrap();
        let s = mirror
            .sync(&src, &entry(&src, "t4.csv").await)
            .await
            .unwrap();
        assert_eq!((s.kind, &s.data[..]), (SyncKind::Replaced, &b"fresh\n"[..]));
        // Same size, new time: whole.
        src.insert("t4.csv", b"FRESH\n".to_vec(), at(400)).unwrap();
        let s = mirror
            .sync(&src, &entry(&src, "t4.csv").await)
            .await
            .unwrap();
        assert_eq!((s.kind, &s.data[..]), (SyncKind::Replaced, &b"FRESH\n"[..]));

        for bad in [".hidden", "../x"] {
            let e = FileEntry {
                name: bad.into(),
                size: 1,
                modified: None,
            };
            assert!(matches!(
                mirror.sync(&src, &e).await,
                Err(Error::InvalidFileName { .. })
            ));
        }
    }
}
