//! The transport-agnostic collector traits: how a workflow gets its inputs.
//!
//! A workflow never opens a socket or a file itself. It is handed either
//!
//! * a [`FileSource`] — a folder of files it can list and read, whether the
//!   folder is local ([`LocalFolder`]), in memory ([`MemorySource`]), or on
//!   an SMSC behind an SSH gateway (the SFTP source of the SMSC workflow) —
//!   or
//! * a [`SampleSource`] — something that, polled at an instant, answers
//!   with samples: an SNMP poller, an in-process simulated agent
//!   ([`SimulatedSamples`]).
//!
//! Both traits are object safe (`Box<dyn FileSource>`), so the same
//! pipeline code runs unchanged over every source, and tests run whole
//! workflows on in-memory inputs.
//!
//! The traits depend on no async runtime. The local folder reads with
//! `std::fs` in 64 KiB chunks, which is brief enough to do inside a task;
//! network sources bring their own driver.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};

use crate::error::{Error, Result};
use crate::frame::{Frame, Tags};
use crate::time::Timestamp;

/// Chunk size of the local and in-memory readers.
pub const DEFAULT_CHUNK: usize = 64 * 1024;

/// The largest chunk size the readers accept (larger requests are capped).
pub const MAX_CHUNK: usize = 16 * 1024 * 1024;

/// A file a [`FileSource`] can deliver.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileEntry {
    /// The name within the source: a plain name, no directories.
    pub name: String,
    /// Size in bytes when listed.
    pub size: u64,
    /// Last modification, when the source knows it.
    pub modified: Option<Timestamp>,
}

/// Streams the bytes of one file, chunk by chunk.
#[async_trait]
pub trait ChunkReader: Send {
    /// The next chunk, or `None` at the end of the file. Chunks are never
    /// empty.
    async fn next_chunk(&mut self) -> Result<Option<Bytes>>;
}

/// A folder of files, wherever it is.
///
/// Implementations list plain file names (no subfolders) and read a file
/// from any offset, so that a caller can fetch only what a file grew by
/// since the last run.
#[async_trait]
pub trait FileSource: Send + Sync {
    /// Where the files come from, for messages (`local:/data/t4`,
    /// `sftp://smsc1/T4$DATA`, `memory:test`). Never includes secrets.
    fn describe(&self) -> String;

    /// The files, sorted by name.
    async fn list(&self) -> Result<Vec<FileEntry>>;

    /// A reader of a file from byte `offset` (past the end: an empty
    /// stream).
    async fn open(&self, name: &str, offset: u64) -> Result<Box<dyn ChunkReader>>;

    /// The whole file from byte `offset`.
    async fn read_from(&self, name: &str, offset: u64) -> Result<Bytes> {
        let mut reader = self.open(name, offset).await?;
        let mut out = BytesMut::new();
        while let Some(chunk) = reader.next_chunk().await? {
            out.extend_from_slice(&chunk);
        }
        Ok(out.freeze())
    }

    /// The whole file.
    async fn read(&self, name: &str) -> Result<Bytes> {
        self.read_from(name, 0).await
    }
}

/// The outcome for one file of [`fetch_all`]: its listing and its bytes or
/// the error that stopped it.
#[derive(Debug)]
pub struct Fetched {
    /// The file as listed.
    pub entry: FileEntry,
    /// The bytes, or why they could not be read.
    pub data: Result<Bytes>,
}

/// Lists a source and reads every file `wanted` accepts, in name order.
///
/// A file that fails to read is reported in its [`Fetched::data`] and the
/// others are still read; only a failed listing fails the call.
pub async fn fetch_all(
    source: &dyn FileSource,
    mut wanted: impl FnMut(&FileEntry) -> bool + Send,
) -> Result<Vec<Fetched>> {
    let mut out = Vec::new();
    for entry in source.list().await? {
        if wanted(&entry) {
            let data = source.read(&entry.name).await;
            out.push(Fetched { entry, data });
        }
    }
    Ok(out)
}

/// Rejects names that are not one plain file name: a name from a remote
/// listing must never walk out of the folder.
fn check_name(source: &dyn FileSource, name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        Some("empty")
    } else if name == "." || name == ".." {
        Some("a directory reference")
    } else if name.contains(['/', '\\']) {
        Some("contains a path separator")
    } else if name.contains('\0') {
        Some("contains a NUL byte")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::InvalidFileName {
            source_name: source.describe(),
            name: name.to_string(),
            reason,
        }),
        None => Ok(()),
    }
}

// ------------------------------------------------------------ local folder

/// The files of a local folder (not its subfolders). Names that are not
/// UTF-8 are not listed.
#[derive(Debug, Clone)]
pub struct LocalFolder {
    root: PathBuf,
    chunk: usize,
}

impl LocalFolder {
    /// A source over `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalFolder {
            root: root.into(),
            chunk: DEFAULT_CHUNK,
        }
    }

    /// Reads in chunks of this many bytes (1 to [`MAX_CHUNK`]; default 64 KiB).
    pub fn with_chunk_size(mut self, chunk: usize) -> Self {
        self.chunk = chunk.clamp(1, MAX_CHUNK);
        self
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn io(&self, path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    }
}

struct LocalReader {
    file: std::fs::File,
    path: PathBuf,
    chunk: usize,
}

#[async_trait]
impl ChunkReader for LocalReader {
    async fn next_chunk(&mut self) -> Result<Option<Bytes>> {
        let mut buf = vec![0u8; self.chunk];
        let n = loop {
            match self.file.read(&mut buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(source) => {
                    return Err(Error::Io {
                        path: self.path.clone(),
                        source,
                    });
                }
            }
        };
        if n == 0 {
            return Ok(None);
        }
        buf.truncate(n);
        Ok(Some(Bytes::from(buf)))
    }
}

#[async_trait]
impl FileSource for LocalFolder {
    fn describe(&self) -> String {
        format!("local:{}", self.root.display())
    }

    async fn list(&self) -> Result<Vec<FileEntry>> {
        let mut out = Vec::new();
        for item in std::fs::read_dir(&self.root).map_err(self.io(&self.root))? {
            let item = item.map_err(self.io(&self.root))?;
            let Ok(name) = item.file_name().into_string() else {
                continue;
            };
            // Follows symbolic links, as a user listing the folder expects.
            let meta = std::fs::metadata(item.path()).map_err(self.io(&item.path()))?;
            if !meta.is_file() {
                continue;
            }
            out.push(FileEntry {
                name,
                size: meta.len(),
                modified: meta.modified().ok().map(Timestamp::from),
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    async fn open(&self, name: &str, offset: u64) -> Result<Box<dyn ChunkReader>> {
        check_name(self, name)?;
        let path = self.root.join(name);
        let mut file = std::fs::File::open(&path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                Error::FileNotFound {
                    source_name: self.describe(),
                    name: name.to_string(),
                }
            } else {
                Error::Io {
                    path: path.clone(),
                    source,
                }
            }
        })?;
        file.seek(SeekFrom::Start(offset)).map_err(self.io(&path))?;
        Ok(Box::new(LocalReader {
            file,
            path,
            chunk: self.chunk,
        }))
    }
}

// --------------------------------------------------------------- in memory

#[derive(Debug, Clone)]
struct MemoryFile {
    data: Bytes,
    modified: Option<Timestamp>,
}

/// Files held in memory: for tests, simulators and data that arrived some
/// other way. Cloning shares the files; files can be added, grown and
/// removed while the source is in use.
#[derive(Clone, Default)]
pub struct MemorySource {
    name: String,
    files: Arc<Mutex<BTreeMap<String, MemoryFile>>>,
    chunk: usize,
}

impl fmt::Debug for MemorySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemorySource")
            .field("name", &self.name)
            .field("files", &self.lock().len())
            .finish()
    }
}

impl MemorySource {
    /// An empty source; `name` appears in its description.
    pub fn new(name: impl Into<String>) -> Self {
        MemorySource {
            name: name.into(),
            files: Arc::default(),
            chunk: DEFAULT_CHUNK,
        }
    }

    /// Serves reads in chunks of this many bytes (1 to [`MAX_CHUNK`]).
    pub fn with_chunk_size(mut self, chunk: usize) -> Self {
        self.chunk = chunk.clamp(1, MAX_CHUNK);
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, MemoryFile>> {
        // The map is never left half-changed, so a poisoned lock is usable.
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds or replaces a file.
    pub fn insert(
        &self,
        name: impl Into<String>,
        data: impl Into<Bytes>,
        modified: Option<Timestamp>,
    ) -> Result<()> {
        let name = name.into();
        check_name(self, &name)?;
        self.lock().insert(
            name,
            MemoryFile {
                data: data.into(),
                modified,
            },
        );
        Ok(())
    }

    /// Appends to a file (creating it), as a live T4 collector grows its
    /// daily file.
    pub fn append(&self, name: &str, more: &[u8], modified: Option<Timestamp>) -> Result<()> {
        check_name(self, name)?;
        let mut files = self.lock();
        let file = files.entry(name.to_string()).or_insert(MemoryFile {
            data: Bytes::new(),
            modified,
        });
        let mut grown = BytesMut::from(&file.data[..]);
        grown.extend_from_slice(more);
        file.data = grown.freeze();
        file.modified = modified;
        Ok(())
    }

    /// Removes a file; `true` if it was there.
    pub fn remove(&self, name: &str) -> bool {
        self.lock().remove(name).is_some()
    }
}

struct MemoryReader {
    data: Bytes,
    chunk: usize,
}

#[async_trait]
impl ChunkReader for MemoryReader {
    async fn next_chunk(&mut self) -> Result<Option<Bytes>> {
        if self.data.is_empty() {
            return Ok(None);
        }
        let n = self.chunk.min(self.data.len());
        Ok(Some(self.data.split_to(n)))
    }
}

#[async_trait]
impl FileSource for MemorySource {
    fn describe(&self) -> String {
        format!("memory:{}", self.name)
    }

    async fn list(&self) -> Result<Vec<FileEntry>> {
        Ok(self
            .lock()
            .iter()
            .map(|(name, f)| FileEntry {
                name: name.clone(),
                size: f.data.len() as u64,
                modified: f.modified,
            })
            .collect())
    }

    async fn open(&self, name: &str, offset: u64) -> Result<Box<dyn ChunkReader>> {
        check_name(self, name)?;
        let file = self.lock().get(name).cloned();
        let Some(file) = file else {
            return Err(Error::FileNotFound {
                source_name: self.describe(),
                name: name.to_string(),
            });
        };
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(file.data.len());
        Ok(Box::new(MemoryReader {
            data: file.data.slice(start..),
            chunk: self.chunk,
        }))
    }
}

// ----------------------------------------------------------------- samples

/// One measured value of one series at one instant.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sample {
    /// When it was measured (the device's time if it says, else the
    /// poller's).
    pub time: Timestamp,
    /// The series, e.g. `ifHCInOctets.3` or `[MON.SYST]Cpu Busy`.
    pub series: String,
    /// The value; NaN for "asked, but no value".
    pub value: f64,
}

/// What one poll of a [`SampleSource`] gave.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SampleBatch {
    /// Whose samples these are.
    pub tags: Tags,
    /// The samples, in any order.
    pub samples: Vec<Sample>,
}

impl SampleBatch {
    /// A frame with one row per distinct time (sorted) and one column per
    /// series (in order of first appearance). A series given twice at the
    /// same time keeps its first value.
    pub fn to_frame(&self) -> Frame {
        let mut order: Vec<&Sample> = self.samples.iter().collect();
        order.sort_by_key(|s| s.time);
        let mut frame = Frame::new().with_tags(self.tags.clone());
        for group in order.chunk_by(|a, b| a.time == b.time) {
            frame.push_record(
                group[0].time,
                group.iter().map(|s| (s.series.as_str(), s.value)),
            );
        }
        frame
    }
}

/// Something that answers a poll with samples: an SNMP poller, a
/// simulated device, a feed.
#[async_trait]
pub trait SampleSource: Send + Sync {
    /// What is polled, for messages. Never includes secrets.
    fn describe(&self) -> String;

    /// Polls once. `now` is the poller's clock, passed in so that the
    /// schedule can be simulated.
    async fn poll(&self, now: Timestamp) -> Result<SampleBatch>;
}

/// A [`SampleSource`] computed by a function of time: the in-process
/// simulator for tests and demos.
pub struct SimulatedSamples<F> {
    name: String,
    f: F,
}

impl<F> fmt::Debug for SimulatedSamples<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimulatedSamples")
            .field("name", &self.name)
            .finish()
    }
}

impl<F> SimulatedSamples<F>
where
    F: Fn(Timestamp) -> Result<SampleBatch> + Send + Sync,
{
    /// A source whose poll at `now` returns `f(now)`.
    pub fn new(name: impl Into<String>, f: F) -> Self {
        SimulatedSamples {
            name: name.into(),
            f,
        }
    }
}

#[async_trait]
impl<F> SampleSource for SimulatedSamples<F>
where
    F: Fn(Timestamp) -> Result<SampleBatch> + Send + Sync,
{
    fn describe(&self) -> String {
        format!("simulated:{}", self.name)
    }

    async fn poll(&self, now: Timestamp) -> Result<SampleBatch> {
        (self.f)(now)
    }
}

/// Polls a source at each instant of `times` and gathers the answers in one
/// frame; failed polls are returned beside it with their instant, and the
/// other polls still count.
pub async fn poll_series(
    source: &dyn SampleSource,
    times: impl IntoIterator<Item = Timestamp>,
) -> (Frame, Vec<(Timestamp, Error)>) {
    let mut frame = Frame::new();
    let mut errors = Vec::new();
    for now in times {
        match source.poll(now).await {
            Ok(batch) => {
                let part = batch.to_frame();
                frame.append(&part);
            }
            Err(e) => errors.push((now, e)),
        }
    }
    (frame, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same small pipeline, whatever the source: list, keep `.csv`
    /// files, read them, count lines per file.
    async fn pipeline(source: &dyn FileSource) -> Vec<(String, usize)> {
        fetch_all(source, |e| e.name.ends_with(".csv"))
            .await
            .unwrap()
            .into_iter()
            .map(|f| {
                let lines = f
                    .data
                    .map(|d| d.split(|b| *b == b'\n').count())
                    .unwrap_or(0);
                (f.entry.name, lines)
            })
            .collect()
    }

    fn files() -> Vec<(&'static str, Vec<u8>)> {
        vec![
            ("b_disk.csv", b"x\ny\nz".to_vec()),
            ("a_comp.csv", vec![b'\n'; 200_000]),
            ("notes.txt", b"ignored".to_vec()),
        ]
    }

    #[tokio::test]
    async fn same_pipeline_over_local_and_memory() {
        let dir = tempfile::tempdir().unwrap();
        let mem = MemorySource::new("t").with_chunk_size(7);
        for (name, data) in files() {
            std::fs::write(dir.path().join(name), &data).unwrap();
            mem.insert(name, data, None).unwrap();
        }
        std::fs::create_dir(dir.path().join("sub.csv")).unwrap();
        let local = LocalFolder::new(dir.path()).with_chunk_size(1000);
        let sources: [&dyn FileSource; 2] = [&local, &mem];
        let mut results = Vec::new();
        for s in sources {
            results.push(pipeline(s).await);
        }
        assert_eq!(
            results[0],
            vec![
                ("a_comp.csv".to_string(), 200_001),
                ("b_disk.csv".to_string(), 3)
            ]
        );
        assert_eq!(results[0], results[1]);

        let listed = local.list().await.unwrap();
        assert_eq!(listed.len(), 3, "subfolder not listed: {listed:?}");
        assert_eq!(listed[0].size, 200_000);
        assert!(listed[0].modified.is_some());
        assert_eq!(local.describe(), format!("local:{}", dir.path().display()));
    }

    #[tokio::test]
    async fn read_from_offset_for_grown_files() {
        let dir = tempfile::tempdir().unwrap();
        let local = LocalFolder::new(dir.path());
        let mem = MemorySource::new("t");
        std::fs::write(dir.path().join("t4.csv"), b"row1\nrow2\n").unwrap();
        // An absurd chunk size is capped, not allocated.
        let huge = LocalFolder::new(dir.path()).with_chunk_size(usize::MAX);
        assert_eq!(&huge.read("t4.csv").await.unwrap()[..], b"row1\nrow2\n");
        mem.append("t4.csv", b"row1\n", None).unwrap();
        mem.append("t4.csv", b"row2\n", Some(Timestamp::from_nanos(5)))
            .unwrap();
        for s in [&local as &dyn FileSource, &mem] {
            assert_eq!(&s.read_from("t4.csv", 5).await.unwrap()[..], b"row2\n");
            assert!(s.read_from("t4.csv", 99).await.unwrap().is_empty());
            assert_eq!(&s.read("t4.csv").await.unwrap()[..], b"row1\nrow2\n");
        }
        assert_eq!(
            mem.list().await.unwrap()[0].modified,
            Some(Timestamp::from_nanos(5))
        );
        assert!(mem.remove("t4.csv"));
        assert!(!mem.remove("t4.csv"));
    }

    #[tokio::test]
    async fn names_that_leave_the_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("secret"), b"x").unwrap();
        let inner = dir.path().join("inner");
        std::fs::create_dir(&inner).unwrap();
        let local = LocalFolder::new(&inner);
        let mem = MemorySource::new("t");
        for s in [&local as &dyn FileSource, &mem] {
            for bad in ["", ".", "..", "../secret", "a/b", "a\\b", "nul\0"] {
                let e = s.read(bad).await.unwrap_err();
                assert!(matches!(e, Error::InvalidFileName { .. }), "{bad:?}: {e}");
            }
            let e = s.read("missing").await.unwrap_err();
            assert!(e.is_not_found(), "{e}");
            assert!(e.to_string().contains("missing"), "{e}");
        }
        assert!(mem.insert("../x", Bytes::new(), None).is_err());
    }

    #[tokio::test]
    async fn one_bad_file_does_not_stop_the_others() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), b"1").unwrap();
        std::fs::write(dir.path().join("b.csv"), b"2").unwrap();
        let local = LocalFolder::new(dir.path());
        let fetched = fetch_all(&local, |e| {
            if e.name == "a.csv" {
                // The file disappears between listing and reading.
                std::fs::remove_file(dir.path().join("a.csv")).unwrap();
            }
            true
        })
        .await
        .unwrap();
        assert_eq!(fetched.len(), 2);
        assert!(fetched[0].data.as_ref().unwrap_err().is_not_found());
        assert_eq!(&fetched[1].data.as_ref().unwrap()[..], b"2");

        let gone = LocalFolder::new(dir.path().join("nope"));
        let e = gone.list().await.unwrap_err();
        assert!(matches!(e, Error::Io { .. }) && e.is_not_found(), "{e}");
    }

    #[tokio::test]
    async fn simulated_samples_make_a_frame() {
        let sim = SimulatedSamples::new("router1", |now: Timestamp| {
            if now.as_secs() == 120 {
                return Err(Error::Source {
                    source_name: "simulated:router1".into(),
                    message: "timeout".into(),
                });
            }
            let x = now.as_secs() as f64;
            Ok(SampleBatch {
                tags: Tags::system("router1"),
                samples: vec![
                    Sample {
                        time: now,
                        series: "ifInOctets.1".into(),
                        value: x * 10.0,
                    },
                    Sample {
                        time: now,
                        series: "sysUpTime".into(),
                        value: x,
                    },
                    Sample {
                        time: now,
                        series: "ifInOctets.1".into(),
                        value: -1.0,
                    },
                ],
            })
        });
        assert_eq!(sim.describe(), "simulated:router1");
        let times = (0..4).map(|i| Timestamp::from_secs(i * 60).unwrap());
        let (frame, errors) = poll_series(&sim, times).await;
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0.as_secs(), 120);
        assert_eq!(frame.len(), 3);
        assert_eq!(frame.names(), ["ifInOctets.1", "sysUpTime"]);
        assert_eq!(
            frame.column("ifInOctets.1"),
            Some(&[0.0, 600.0, 1800.0][..])
        );
        assert_eq!(frame.tags().system.as_deref(), Some("router1"));
    }

    #[test]
    fn batch_to_frame_sorts_and_groups() {
        let at = |s| Timestamp::from_secs(s).unwrap();
        let batch = SampleBatch {
            tags: Tags::default(),
            samples: vec![
                Sample {
                    time: at(60),
                    series: "b".into(),
                    value: 2.0,
                },
                Sample {
                    time: at(0),
                    series: "a".into(),
                    value: 1.0,
                },
                Sample {
                    time: at(60),
                    series: "a".into(),
                    value: 3.0,
                },
            ],
        };
        let f = batch.to_frame();
        assert_eq!(f.index_ns(), [0, 60_000_000_000]);
        assert_eq!(f.names(), ["a", "b"]);
        assert_eq!(f.column("a"), Some(&[1.0, 3.0][..]));
        assert!(f.column("b").unwrap()[0].is_nan());
        assert!(SampleBatch::default().to_frame().is_empty());
    }
}
