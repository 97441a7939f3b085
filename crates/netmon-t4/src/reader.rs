//! The T4 reader: every layout t4Monitor reads, and the damaged files it
//! does not, streamed line by line into a [`Frame`].
//!
//! ```text
//! line 1            metadata: NODE_1,Hw Name:HP rx3600 …,Sample Interval: 60, …
//! Format 1          line 2 date, line 3 start time, line 4 column names
//! Format 2          $$$ START COLUMN HEADERS $$$ / names, wrapped over lines / $$$ END COLUMN HEADERS $$$
//! data              19-NOV-2015 00:02:00.01 ,0.00,  106.67, …
//! end               Column Average, 99999   (then NUL padding and stale rows: ignored)
//! ```
//!
//! Files glued together (T4 merge output, `cat`) hold several such blocks;
//! every block's rows are kept, columns matched by name.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use memchr::memchr;
use netmon_core::{Frame, Slab, Tags, Timestamp};

use crate::error::{Error, Issue, IssueKind, Result};
use crate::number::{Cell, Shape, scan_cell, trim};
use crate::stamp::StampParser;

/// The line that opens a Format-2 header block.
pub const START_TAG: &str = "$$$ START COLUMN HEADERS $$$";
/// The line that closes a Format-2 header block.
pub const END_TAG: &str = "$$$ END COLUMN HEADERS $$$";
/// Lines starting with this end the data (T4 appends averages and junk).
pub const AVERAGE_MARK: &str = "Column Average";

/// Rows staged column by column before they are appended to the frame's
/// columns: the cells of one row land in one small L2-resident buffer
/// instead of hundreds of far-apart column vectors.
const BLOCK_ROWS: usize = 32;

/// The longest line the streaming reader accepts (a header of thousands
/// of names fits easily).
const MAX_LINE: usize = 64 << 20;

/// The end of a file looked at before its columns are sized from its size.
const TAIL: usize = 64 << 10;

/// Whether the last bytes of a file hold a row or the `Column Average`
/// line: a line that starts with a digit (every time stamp style does) or
/// with the mark. A file padded with more than that after its rows (NULs,
/// junk) is not one whose size tells its rows.
fn ends_in_rows(tail: &[u8]) -> bool {
    tail.split(|b| *b == b'\n').skip(1).any(|line| {
        line.first().is_some_and(u8::is_ascii_digit) || line.starts_with(AVERAGE_MARK.as_bytes())
    })
}

/// Bytes per part below which a file is not split across threads.
const SPLIT_MIN: u64 = 8 << 20;

mod split;

/// Which header layout a block has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// T4EXTR: date and time lines, then the names on line 4.
    Format1,
    /// T4/TLViz: names between START and END tags, wrapped over lines.
    Format2,
}

/// How a column's cells were written, which decides how the plain-CSV
/// writer writes them back (pandas' int64 versus float64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// Every cell an integer literal, none missing.
    Integer,
    /// Anything else.
    Float,
}

/// What the first line of a T4 file says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// The line as it is.
    pub line: String,
    /// The node or system: the first token (`NODE_1`; `SYSTEM1` of
    /// `SYSTEM1/System1 Merged/…`).
    pub node: Option<String>,
    /// `Hw Name:` — the hardware.
    pub hardware: Option<String>,
    /// `Sample Interval:` in seconds.
    pub sample_interval: Option<f64>,
    /// `Cpus:`.
    pub cpus: Option<u32>,
    /// `Memory Size:` in MB.
    pub memory_mb: Option<u64>,
}

impl Metadata {
    /// Reads the fields of a first line; unknown fields are ignored.
    pub fn parse(line: &str) -> Self {
        let mut meta = Metadata {
            line: line.to_string(),
            ..Metadata::default()
        };
        let mut fields = line.split(',').map(str::trim);
        if let Some(first) = fields.next() {
            let node = first.split('/').next().unwrap_or(first).trim();
            if !node.is_empty() {
                meta.node = Some(node.to_string());
            }
        }
        let number = |v: &str| -> Option<f64> {
            let digits: String = v
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            digits.parse().ok()
        };
        for field in fields {
            let Some((key, value)) = field.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match key.trim().to_ascii_lowercase().as_str() {
                "hw name" if !value.is_empty() => meta.hardware = Some(value.to_string()),
                "sample interval" => meta.sample_interval = number(value),
                "cpus" => meta.cpus = number(value).map(|v| v as u32),
                "memory size" => meta.memory_mb = number(value).map(|v| v as u64),
                "analyzer node" if meta.node.is_none() && !value.is_empty() => {
                    meta.node = Some(value.to_string())
                }
                _ => {}
            }
        }
        meta
    }
}

/// One T4 file, read.
#[derive(Debug, Clone)]
pub struct T4File {
    /// The name it was read under (path, or archive member).
    pub name: String,
    /// The samples: one row per data line, one column per value column
    /// (the time column is the index; other "sample time" columns are
    /// dropped). Tagged with the node of the first line.
    pub frame: Frame,
    /// How each column of `frame` was written, in column order.
    pub kinds: Vec<ValueKind>,
    /// The first line.
    pub meta: Metadata,
    /// The first block's layout.
    pub layout: Layout,
    /// Header blocks found (more than one for glued files).
    pub blocks: usize,
    /// The full name of the time column (`[MON]Sample Time`).
    pub time_column: String,
    /// Damage worked around, in file order (at most
    /// [`ReaderBuilder::max_issues`] kept).
    pub issues: Vec<Issue>,
    /// All damage met, including issues not kept.
    pub issue_count: u64,
}

impl T4File {
    /// The sample interval: the header's, else the median step of the
    /// index, in seconds.
    pub fn sample_interval(&self) -> Option<f64> {
        if let Some(s) = self.meta.sample_interval {
            return Some(s);
        }
        let mut steps: Vec<i64> = self
            .frame
            .index_ns()
            .windows(2)
            .filter_map(|w| w[1].checked_sub(w[0]))
            .filter(|d| *d > 0)
            .collect();
        if steps.is_empty() {
            return None;
        }
        let mid = steps.len() / 2;
        let (_, median, _) = steps.select_nth_unstable(mid);
        Some(*median as f64 / 1e9)
    }
}

/// Options of a [`Reader`].
///
/// | option | default |
/// | --- | --- |
/// | `max_issues` (kept in [`T4File::issues`]; all are counted) | 1000 |
/// | `buffer` (bytes read at a time from a stream) | 1 MiB |
/// | `threads` (per file, [`Reader::read_path`]) | the available cores |
/// | `slab` (the columns in one allocation, see [`ReaderBuilder::slab`]) | yes |
#[derive(Debug, Clone, Copy)]
pub struct ReaderBuilder {
    max_issues: usize,
    buffer: usize,
    threads: usize,
    slab: bool,
}

impl Default for ReaderBuilder {
    fn default() -> Self {
        ReaderBuilder {
            max_issues: 1000,
            buffer: 1 << 20,
            threads: 0,
            slab: true,
        }
    }
}

impl ReaderBuilder {
    /// How many issues to keep per file.
    pub fn max_issues(mut self, n: usize) -> Self {
        self.max_issues = n;
        self
    }

    /// Bytes read at a time from a stream (4 KiB to 64 MiB).
    pub fn buffer(mut self, bytes: usize) -> Self {
        self.buffer = bytes.clamp(4096, 64 << 20);
        self
    }

    /// Threads [`Reader::read_path`] parses one file with: its data rows
    /// are cut into that many parts at line ends, each parsed on its own
    /// thread, and the parts joined in order (the same result as one
    /// thread gives, checked: a file whose parts are not plain rows of one
    /// header, such as glued files, is read again on one thread). 0 (the
    /// default) takes the available cores; 1 parses on the calling thread.
    /// Files under 16 MB are always parsed on one.
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = n;
        self
    }

    /// Whether a file whose size is known (a path, bytes, a stream with a
    /// size hint) is read into one [`Slab`] that all the frame's columns
    /// share (the default), or into one `Vec` per column. The slab is
    /// mapped for transparent huge pages on Linux, which saves most of the
    /// page faults of filling a large frame; but [`Frame::into_parts`]
    /// then copies the values out, so a consumer that moves the columns
    /// on (to NumPy, say) asks for `false`. The slab is sized from the
    /// file's size, so a path or bytes whose last 64 KiB hold no row
    /// (padding after `Column Average`) get vectors, and a slab left with
    /// more than an eighth of room to spare is copied to its size.
    pub fn slab(mut self, yes: bool) -> Self {
        self.slab = yes;
        self
    }

    /// The reader.
    pub fn build(self) -> Reader {
        Reader { opts: self }
    }
}

/// A large file measured by [`Reader::plan_path`]: where its parts start,
/// its column names and its rows.
#[derive(Debug, Clone)]
pub struct Plan {
    path: PathBuf,
    cut: split::Cut,
    counts: Vec<usize>,
    rows: usize,
}

impl Plan {
    /// The column names, in order (the time column left out).
    pub fn names(&self) -> &[String] {
        &self.cut.names
    }

    /// Number of columns.
    pub fn width(&self) -> usize {
        self.cut.names.len()
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }
}

/// Reads T4 files from bytes, streams, paths and zip archives.
///
/// ```
/// use netmon_t4::Reader;
/// let text = "NODE_1,Sample Interval: 60\r\n\
///             $$$ START COLUMN HEADERS $$$\r\n\
///             [MON]Sample Time,[MON.SYST]Cpu Busy\r\n\
///             $$$ END COLUMN HEADERS $$$\r\n\
///             19-NOV-2015 00:02:00.01,  12.5\r\n\
///             19-NOV-2015 00:03:00.02,  13.0\r\n\
///             Column Average, 99999\r\n";
/// let t4 = Reader::new().read_bytes("demo.csv", text.as_bytes())?;
/// assert_eq!(t4.frame.column("[MON.SYST]Cpu Busy"), Some(&[12.5, 13.0][..]));
/// assert_eq!(t4.meta.node.as_deref(), Some("NODE_1"));
/// assert_eq!(t4.sample_interval(), Some(60.0));
/// # Ok::<(), netmon_t4::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Reader {
    opts: ReaderBuilder,
}

impl Reader {
    /// A reader with the default options.
    pub fn new() -> Self {
        Reader::default()
    }

    /// Options.
    pub fn builder() -> ReaderBuilder {
        ReaderBuilder::default()
    }

    /// Reads a whole file held in memory (no copy of the data).
    pub fn read_bytes(&self, name: &str, data: &[u8]) -> Result<T4File> {
        let mut p = Parser::new(name, self.opts, Some(data.len() as u64));
        let tail = data.len().saturating_sub(TAIL);
        p.slab_wanted = self.opts.slab && ends_in_rows(&data[tail..]);
        let mut start = 0;
        while let Some(nl) = memchr(b'\n', &data[start..]) {
            p.line(&data[start..start + nl], true)?;
            start += nl + 1;
        }
        if start < data.len() {
            p.line(&data[start..], false)?;
        }
        p.finish()
    }

    /// Reads from a stream in constant memory besides the frame.
    /// `size_hint` (the byte length, when known) lets the columns be sized
    /// once instead of grown.
    pub fn read<R: Read>(&self, name: &str, input: R, size_hint: Option<u64>) -> Result<T4File> {
        self.read_hinted(name, input, size_hint, self.opts.slab)
    }

    /// [`Reader::read`], into a slab if `slab` and the size is known.
    fn read_hinted<R: Read>(
        &self,
        name: &str,
        input: R,
        size_hint: Option<u64>,
        slab: bool,
    ) -> Result<T4File> {
        let mut p = Parser::new(name, self.opts, size_hint);
        p.slab_wanted = slab && size_hint.is_some();
        self.feed(&mut p, input)?;
        p.finish()
    }

    /// Feeds every line of `input` to the parser (a last line without a
    /// line end as such).
    fn feed<R: Read>(&self, p: &mut Parser, input: R) -> Result<()> {
        self.feed_with(p, input, |_| {})
    }

    /// [`Reader::feed`], calling `after` after each line.
    fn feed_with<R: Read>(
        &self,
        p: &mut Parser,
        mut input: R,
        mut after: impl FnMut(&mut Parser),
    ) -> Result<()> {
        let path = PathBuf::from(&p.name);
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let mut buf = vec![0u8; self.opts.buffer];
        let mut filled = 0;
        loop {
            if filled == buf.len() {
                if buf.len() >= MAX_LINE {
                    return Err(Error::format(
                        &p.name,
                        p.line_no + 1,
                        1,
                        format!("a line longer than {MAX_LINE} bytes"),
                    ));
                }
                buf.resize(buf.len() * 2, 0);
            }
            let n = loop {
                match input.read(&mut buf[filled..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(io(e)),
                }
            };
            if n == 0 {
                if filled > 0 {
                    p.line(&buf[..filled], false)?;
                    after(p);
                }
                return Ok(());
            }
            let end = filled + n;
            let mut start = 0;
            let mut scan = filled;
            while let Some(nl) = memchr(b'\n', &buf[scan..end]) {
                p.line(&buf[start..scan + nl], true)?;
                after(p);
                start = scan + nl + 1;
                scan = start;
            }
            buf.copy_within(start..end, 0);
            filled = end - start;
        }
    }

    /// Reads a file.
    pub fn read_path(&self, path: impl AsRef<Path>) -> Result<T4File> {
        let path = path.as_ref();
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        let parts = self.parts(size);
        if parts > 1
            && let Some(t4) = split::read(
                self,
                path,
                size,
                parts,
                split::GROUP_BYTES,
                split::Way::Either,
            )
        {
            return Ok(t4);
        }
        // The slab is sized from the file's size: not when the file ends in
        // something other than rows (it would be mostly room to spare).
        let mut file = file;
        let slab = self.opts.slab && {
            let mut tail = Vec::new();
            file.seek(SeekFrom::Start(size.saturating_sub(TAIL as u64)))
                .and_then(|_| (&mut file).take(TAIL as u64).read_to_end(&mut tail))
                .and_then(|_| file.seek(SeekFrom::Start(0)))
                .map_err(io)?;
            ends_in_rows(&tail)
        };
        self.read_hinted(&path.display().to_string(), file, Some(size), slab)
    }

    /// The parts [`Reader::read_path`] cuts a file of `size` bytes into.
    fn parts(&self, size: u64) -> usize {
        let threads = match self.opts.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        threads.min(usize::try_from(size / SPLIT_MIN).unwrap_or(usize::MAX))
    }

    /// Measures a file that [`Reader::read_path`] would cut into parts
    /// (one large enough for [`ReaderBuilder::threads`] threads): its
    /// column names and its rows, counted without parsing a value, so
    /// that the caller can make room for the values
    /// ([`Reader::read_plan`]). `None` when the file would be read on one
    /// thread, or its rows cannot be counted that way: read it with
    /// `read_path`.
    pub fn plan_path(&self, path: impl AsRef<Path>) -> Option<Plan> {
        let size = std::fs::metadata(path.as_ref()).ok()?.len();
        self.plan_path_in_parts(path, self.parts(size))
    }

    /// [`Reader::plan_path`] in `parts` parts whatever the file's size
    /// (`None` under 2). For tests of the split; use `plan_path`.
    #[doc(hidden)]
    pub fn plan_path_in_parts(&self, path: impl AsRef<Path>, parts: usize) -> Option<Plan> {
        let path = path.as_ref();
        let size = std::fs::metadata(path).ok()?.len();
        if parts < 2 {
            return None;
        }
        let cut = split::cut(self, path, size, parts)?;
        let counts = split::count(path, &cut)?;
        Some(Plan {
            path: path.to_path_buf(),
            rows: counts.iter().sum(),
            cut,
            counts,
        })
    }

    /// Parses a planned file into `values`, which holds
    /// [`Plan::width`] × [`Plan::rows`] values: column `c` (of
    /// [`Plan::names`]) in `values[c * rows..(c + 1) * rows]`. The file
    /// returned has all but the values: its frame holds the index and the
    /// tags, and no column. `None` when `values` has another length, or
    /// when the file turns out other than counted (it changed; rows that
    /// the count took were dropped as damaged): read it with `read_path`.
    ///
    /// This is how a caller that owns the memory (NumPy, an Arrow buffer)
    /// gets a large file without a copy.
    pub fn read_plan(&self, plan: &Plan, values: &mut [f64]) -> Option<T4File> {
        split::direct(
            self,
            &plan.path,
            &plan.cut,
            &plan.counts,
            split::Finals::Outside(values),
        )
    }

    /// Reads a file in `parts` parts on as many threads, or `None` where
    /// [`Reader::read_path`] would fall back to one thread. `direct`: each
    /// part written straight into the final columns, or declined
    /// (`Some(true)`); the parts joined after, each later part's values in
    /// several groups whatever its size (`Some(false)`); either, as
    /// `read_path` does (`None`). For tests of the split; use `read_path`.
    #[doc(hidden)]
    pub fn read_path_in_parts(
        &self,
        path: impl AsRef<Path>,
        parts: usize,
        direct: Option<bool>,
    ) -> Option<T4File> {
        let path = path.as_ref();
        let size = std::fs::metadata(path).ok()?.len();
        let way = match direct {
            Some(true) => split::Way::Direct,
            Some(false) => split::Way::Joined,
            None => split::Way::Either,
        };
        split::read(self, path, size, parts.max(2), 1, way)
    }

    /// Reads several files, in parallel on the available cores; results in
    /// the order of `paths`. One file's failure does not stop the others.
    /// A single file is parsed with [`ReaderBuilder::threads`] threads;
    /// several files take one thread each.
    pub fn read_paths<P: AsRef<Path> + Sync>(&self, paths: &[P]) -> Vec<Result<T4File>> {
        if let [one] = paths {
            return vec![self.read_path(one)];
        }
        let one_each = Reader {
            opts: self.opts.threads(1),
        };
        parallel_map(paths.len(), |i| one_each.read_path(&paths[i]))
    }

    /// Reads every `.csv` member of a zip archive (any case), in parallel.
    /// The outer error is for the archive itself; each member has its own
    /// result, named `archive/member`.
    pub fn read_zip(&self, path: impl AsRef<Path>) -> Result<Vec<Result<T4File>>> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let open = || -> Result<zip::ZipArchive<std::fs::File>> {
            let file = std::fs::File::open(path).map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
            zip::ZipArchive::new(file).map_err(|e| Error::Zip {
                file: shown.clone(),
                message: e.to_string(),
            })
        };
        let archive = open()?;
        let members: Vec<(usize, String)> = (0..archive.len())
            .filter_map(|i| {
                let name = archive.name_for_index(i)?.ok()?.to_string();
                (!name.ends_with('/') && name.to_ascii_lowercase().ends_with(".csv"))
                    .then_some((i, name))
            })
            .collect();
        drop(archive);
        Ok(parallel_map(members.len(), |k| {
            let (i, member) = &members[k];
            let name = format!("{shown}/{member}");
            let mut archive = open()?;
            let entry = archive.by_index(*i).map_err(|e| Error::Zip {
                file: name.clone(),
                message: e.to_string(),
            })?;
            // The declared size is not trusted for sizing memory.
            self.read(&name, entry, None)
        }))
    }
}

/// Runs `f(0..n)` on up to the available cores, results in order.
fn parallel_map<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let workers = std::thread::available_parallelism()
        .map(|p| p.get())
        .unwrap_or(1)
        .min(n);
    if workers <= 1 {
        return (0..n).map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, T)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= n {
                            break out;
                        }
                        out.push((i, f(i)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

// ------------------------------------------------------------------ parser

/// Where a header field's cells go.
#[derive(Debug, Clone, Copy)]
enum Target {
    Time,
    Skip,
    Column(usize),
}

/// The header in force.
#[derive(Debug)]
struct Block {
    tcol: usize,
    targets: Vec<Target>,
    /// Output columns this block does not have (NaN in its rows).
    absent: Vec<usize>,
    /// The longest run of fields that go to consecutive columns (in a
    /// T4 file, every field after the time): read by [`read_run`].
    run: Run,
}

/// Fields `field..field + len` of a block go to columns
/// `column..column + len`.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    field: usize,
    column: usize,
    len: usize,
}

impl Run {
    /// The longest run of `targets`.
    fn longest(targets: &[Target]) -> Run {
        let mut best = Run::default();
        let mut current = Run::default();
        for (j, t) in targets.iter().enumerate() {
            current = match *t {
                Target::Column(c) if current.len > 0 && c == current.column + current.len => Run {
                    len: current.len + 1,
                    ..current
                },
                Target::Column(c) => Run {
                    field: j,
                    column: c,
                    len: 1,
                },
                _ => Run::default(),
            };
            if current.len > best.len {
                best = current;
            }
        }
        best
    }
}

#[derive(Debug)]
enum State {
    /// Expecting a block's first (metadata) line.
    Meta,
    /// Expecting line 2: the START tag or Format 1.
    Second,
    /// Format 1: `seen` lines after the metadata line, looking for names.
    Format1 { seen: u8 },
    /// Collecting Format-2 names until END.
    Format2 { start_line: u64, names: Vec<u8> },
    /// Rows.
    Data,
    /// After `Column Average`: junk until another block starts.
    AfterAverage,
}

fn is_tag(line: &[u8], tag: &str) -> bool {
    trim(line) == tag.as_bytes()
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

fn has_sample_time(line: &[u8]) -> bool {
    contains_ci(line, b"sample time")
}

/// A line that opens a T4 file (seen inside glued files).
fn looks_like_metadata(line: &[u8]) -> bool {
    const MARKS: [&[u8]; 6] = [
        b"T4EXTR Version",
        b"File Format Type",
        b"File Type Format",
        b"Hw Name:",
        b"Sample Interval:",
        b"t4Monitor Version",
    ];
    MARKS.iter().any(|m| contains_ci(line, m))
}

/// Python's `str.rstrip()` on ASCII whitespace.
fn rstrip(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., last] = s {
        if !matches!(last, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c) {
            break;
        }
        s = rest;
    }
    s
}

struct Parser {
    name: String,
    opts: ReaderBuilder,
    state: State,
    line_no: u64,
    size_hint: Option<u64>,
    consumed: u64,
    /// Bytes of the rows read so far, for sizing the columns.
    row_bytes: u64,
    /// Whether any line had more than blanks.
    any_content: bool,

    index: Vec<i64>,
    names: Vec<String>,
    lookup: HashMap<String, usize>,
    columns: Vec<Vec<f64>>,
    all_int: Vec<bool>,
    /// Staged rows, column-major: cell (row r, column c) at `c * BLOCK_ROWS + r`.
    staged: Vec<f64>,
    staged_rows: usize,

    meta: Option<Metadata>,
    block_meta: Option<String>,
    layout: Option<Layout>,
    blocks: usize,
    time_column: Option<String>,
    block: Option<Block>,
    stamps: StampParser,
    issues: Vec<Issue>,
    issue_count: u64,
    /// The last line that failed as a row, or the last junk line after
    /// `Column Average`: the metadata line if a START tag follows.
    previous: Option<Vec<u8>>,
    /// A later part of a split file keeps its values here instead of in
    /// `columns` (which stay empty): one allocation that the join gives
    /// back column by column (see [`split`]).
    store: Option<Store>,
    /// A part in store mode met a column its header did not have.
    declined: bool,
    /// Each output column's last cell layout ([`Shape`]).
    shapes: Vec<Shape>,
    /// A part of a split file whose driver takes each block of staged
    /// rows itself (into its share of the final columns, see [`split`]):
    /// the columns stay empty.
    drained_outside: bool,
    /// Whether the columns may go into one slab (a whole file of known
    /// size, [`ReaderBuilder::slab`]); decided at the first row.
    slab_wanted: bool,
    /// The values, when in one slab: `columns` then holds empty vectors,
    /// one per column, for the count.
    slab: Option<SlabColumns>,
}

/// A file's columns in one [`Slab`]: column `c` at `c * cap`, rows `..len`
/// (the layout [`Frame::from_slab`] takes).
struct SlabColumns {
    slab: Slab,
    cap: usize,
    len: usize,
}

impl SlabColumns {
    /// Room for `width` columns of `cap` rows.
    fn new(width: usize, cap: usize) -> Self {
        SlabColumns {
            slab: Slab::zeroed(width.saturating_mul(cap)),
            cap,
            len: 0,
        }
    }

    /// Column `c`'s rows so far.
    fn column(&self, c: usize) -> &[f64] {
        let at = c * self.cap;
        &self.slab.as_slice()[at..at + self.len]
    }

    /// The same values in a slab of `cap` (at least `len`) rows per
    /// column: to grow (rare: the file's size gives the first capacity)
    /// or to shrink ([`SlabColumns::compact`]).
    fn resize(&mut self, width: usize, cap: usize) {
        let mut other = SlabColumns::new(width, cap);
        for c in 0..width {
            let at = c * cap;
            other.slab.as_mut_slice()[at..at + self.len].copy_from_slice(self.column(c));
        }
        other.len = self.len;
        *self = other;
    }

    /// The values in a slab of their own size when this one has much more
    /// room than rows (the file's size overstated them: a long tail after
    /// `Column Average`). Each column's unused room may hold huge pages
    /// that its first rows touched; a small file with a long tail would
    /// otherwise keep memory on the order of its size, not its frame's.
    fn compact(mut self, width: usize) -> Self {
        if self.cap > self.len + self.len / 8 + 64 {
            self.resize(width, self.len);
        }
        self
    }
}

/// The values of a later part, in a few large allocations (one per
/// joining thread): column `c` lives in group `c / per` at
/// `(c % per) * cap`, its rows `..len`.
#[derive(Debug, Default)]
struct Store {
    groups: Vec<Vec<f64>>,
    per: usize,
    cap: usize,
    len: usize,
    width: usize,
}

impl Store {
    /// An empty store for `width` columns in `groups` groups.
    fn new(width: usize, groups: usize) -> Self {
        let per = width.div_ceil(groups.max(1)).max(1);
        Store {
            groups: vec![Vec::new(); width.div_ceil(per)],
            per,
            width,
            ..Store::default()
        }
    }

    /// Where column `c` starts: its group and offset.
    fn slot(&self, c: usize) -> (usize, usize) {
        (c / self.per, (c % self.per) * self.cap)
    }

    /// Room for `more` rows, growing by a quarter (rare: the part's size
    /// gives the first capacity).
    fn reserve(&mut self, more: usize) {
        if self.len + more <= self.cap {
            return;
        }
        let cap = (self.len + more).max(self.cap + self.cap / 4).max(1024);
        for (g, group) in self.groups.iter_mut().enumerate() {
            let columns = self.per.min(self.width - g * self.per);
            let mut values = Vec::with_capacity(cap * columns);
            for i in 0..columns {
                let at = i * self.cap;
                values.extend_from_slice(&group[at..at + self.len]);
                values.resize((i + 1) * cap, f64::NAN);
            }
            *group = values;
        }
        self.cap = cap;
    }
}

impl Parser {
    fn new(name: &str, opts: ReaderBuilder, size_hint: Option<u64>) -> Self {
        Parser {
            name: name.to_string(),
            opts,
            state: State::Meta,
            line_no: 0,
            size_hint,
            consumed: 0,
            row_bytes: 0,
            any_content: false,
            index: Vec::new(),
            names: Vec::new(),
            lookup: HashMap::new(),
            columns: Vec::new(),
            all_int: Vec::new(),
            staged: Vec::new(),
            staged_rows: 0,
            meta: None,
            block_meta: None,
            layout: None,
            blocks: 0,
            time_column: None,
            block: None,
            stamps: StampParser::default(),
            issues: Vec::new(),
            issue_count: 0,
            previous: None,
            store: None,
            declined: false,
            drained_outside: false,
            slab_wanted: false,
            slab: None,
            shapes: Vec::new(),
        }
    }

    fn issue(&mut self, kind: IssueKind, column: usize, text: &[u8]) {
        self.issue_count += 1;
        if self.issues.len() < self.opts.max_issues {
            self.issues
                .push(Issue::new(kind, self.line_no, column as u64 + 1, text));
        }
    }

    /// One physical line without its `\n`; `terminated` is false for a
    /// last line that has none.
    fn line(&mut self, raw: &[u8], terminated: bool) -> Result<()> {
        self.line_no += 1;
        self.consumed += raw.len() as u64 + 1;
        let mut line = rstrip(raw);
        if self.line_no == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if !self.any_content && !line.is_empty() {
            self.any_content = true;
        }
        match std::mem::replace(&mut self.state, State::Data) {
            State::Data => {
                self.state = State::Data;
                if line.is_empty() {
                    return Ok(());
                }
                if line.starts_with(AVERAGE_MARK.as_bytes()) {
                    self.state = State::AfterAverage;
                    self.previous = None;
                    return Ok(());
                }
                self.row(line, terminated);
            }
            State::Meta => {
                if is_tag(line, START_TAG) {
                    // No metadata line: the block starts with its header.
                    self.start_block_meta(None);
                    self.state = State::Format2 {
                        start_line: self.line_no,
                        names: Vec::new(),
                    };
                } else {
                    self.start_block_meta(Some(line));
                    self.state = State::Second;
                }
            }
            State::Second => {
                if contains_ci(line, START_TAG.as_bytes()) {
                    self.state = State::Format2 {
                        start_line: self.line_no,
                        names: Vec::new(),
                    };
                } else if has_sample_time(line) {
                    self.header(line, Layout::Format1)?;
                } else {
                    self.state = State::Format1 { seen: 1 };
                }
            }
            State::Format1 { seen } => {
                if has_sample_time(line) || seen >= 2 {
                    self.header(line, Layout::Format1)?;
                } else {
                    self.state = State::Format1 { seen: seen + 1 };
                }
            }
            State::Format2 {
                start_line,
                mut names,
            } => {
                if is_tag(line, END_TAG) {
                    self.header(&names, Layout::Format2)?;
                } else if is_tag(line, START_TAG) {
                    // A later START tag wins, as in t4Monitor.
                    self.state = State::Format2 {
                        start_line: self.line_no,
                        names: Vec::new(),
                    };
                } else {
                    if !names.is_empty() {
                        names.push(b',');
                    }
                    names.extend_from_slice(line);
                    self.state = State::Format2 { start_line, names };
                }
            }
            State::AfterAverage => {
                self.state = State::AfterAverage;
                self.maybe_new_block(line);
            }
        }
        Ok(())
    }

    /// A line that is not a row (after `Column Average`, or a failed row):
    /// does it start the next glued block?
    fn maybe_new_block(&mut self, line: &[u8]) -> bool {
        if is_tag(line, START_TAG) {
            let meta = self.previous.take();
            // The line before was this block's metadata, not a bad row.
            if let Some(last) = self.issues.last()
                && last.kind == IssueKind::BadTimestamp
                && last.line + 1 == self.line_no
            {
                self.issues.pop();
                self.issue_count -= 1;
            }
            self.start_block_meta(meta.as_deref());
            self.state = State::Format2 {
                start_line: self.line_no,
                names: Vec::new(),
            };
            return true;
        }
        if looks_like_metadata(line) {
            self.start_block_meta(Some(line));
            self.state = State::Second;
            return true;
        }
        let keep = &line[..line.len().min(4096)];
        self.previous = Some(keep.to_vec());
        false
    }

    fn start_block_meta(&mut self, line: Option<&[u8]>) {
        let text = line.map(|l| String::from_utf8_lossy(l).into_owned());
        if self.meta.is_none() {
            self.meta = Some(Metadata::parse(text.as_deref().unwrap_or("")));
        }
        self.block_meta = text;
    }

    /// A header line (Format 1) or the joined names (Format 2).
    fn header(&mut self, names: &[u8], layout: Layout) -> Result<()> {
        let fields: Vec<String> = names
            .split(|b| *b == b',')
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        let Some(tcol) = fields.iter().position(|f| has_sample_time(f.as_bytes())) else {
            return Err(Error::format(
                &self.name,
                self.line_no,
                1,
                "no column whose name contains \"Sample Time\" in the header",
            ));
        };
        self.flush();
        if self.time_column.is_none() {
            self.time_column = Some(fields[tcol].clone());
        }
        self.layout.get_or_insert(layout);
        self.blocks += 1;

        // Duplicate names within a block: A, A.1, A.2 (pandas' rule).
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut used: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut targets = Vec::with_capacity(fields.len());
        let rows = self.index.len();
        for (i, field) in fields.iter().enumerate() {
            if i == tcol {
                targets.push(Target::Time);
                continue;
            }
            if has_sample_time(field.as_bytes()) {
                targets.push(Target::Skip);
                continue;
            }
            let mut name = field.clone();
            if used.contains(&name) {
                let k = seen.entry(field.clone()).or_insert(0);
                loop {
                    *k += 1;
                    let candidate = format!("{field}.{k}");
                    if !used.contains(&candidate) && !fields.contains(&candidate) {
                        name = candidate;
                        break;
                    }
                }
            }
            used.insert(name.clone());
            let c = match self.lookup.get(&name) {
                Some(&c) => c,
                None => {
                    let c = self.columns.len();
                    if self.store.is_some() || self.drained_outside {
                        // Not in the header the part was fed: neither
                        // way of the split can line it up; the part
                        // declines.
                        self.declined = true;
                    }
                    self.leave_slab();
                    let mut col = Vec::with_capacity(self.index.capacity());
                    col.resize(rows, f64::NAN);
                    self.columns.push(col);
                    self.all_int.push(rows == 0);
                    self.lookup.insert(name.clone(), c);
                    self.names.push(name);
                    c
                }
            };
            targets.push(Target::Column(c));
        }
        let mut mine = vec![false; self.columns.len()];
        for t in &targets {
            if let Target::Column(c) = t {
                mine[*c] = true;
            }
        }
        let absent = (0..self.columns.len()).filter(|c| !mine[*c]).collect();
        self.staged
            .resize(self.columns.len() * BLOCK_ROWS, f64::NAN);
        self.shapes.resize(self.columns.len(), Shape::default());
        self.block = Some(Block {
            tcol,
            run: Run::longest(&targets),
            targets,
            absent,
        });
        self.state = State::Data;
        Ok(())
    }

    /// Moves the values out of the slab into one vector per column (a
    /// block with a new column: the slab has no room for it). The staged
    /// rows must have been flushed.
    fn leave_slab(&mut self) {
        let Some(slab) = self.slab.take() else {
            return;
        };
        for (c, col) in self.columns.iter_mut().enumerate() {
            let mut values = Vec::with_capacity(self.index.capacity());
            values.extend_from_slice(slab.column(c));
            *col = values;
        }
    }

    /// Appends the staged rows to the columns (a slab's rows are written
    /// in place, never staged).
    fn flush(&mut self) {
        let rows = self.staged_rows;
        if rows > 0 {
            if let Some(store) = &mut self.store {
                store.reserve(rows);
                for c in 0..store.width {
                    let from = c * BLOCK_ROWS;
                    let (g, at) = store.slot(c);
                    let to = at + store.len;
                    store.groups[g][to..to + rows].copy_from_slice(&self.staged[from..from + rows]);
                }
                store.len += rows;
            } else {
                for (c, col) in self.columns.iter_mut().enumerate() {
                    let start = c * BLOCK_ROWS;
                    col.extend_from_slice(&self.staged[start..start + rows]);
                }
            }
        }
        self.staged_rows = 0;
    }

    /// Makes room for one more row in every column, in steps that keep the
    /// spare capacity small (the size hint, else a quarter more).
    fn reserve_row(&mut self) {
        if self.index.len() < self.index.capacity() {
            return;
        }
        let rows = self.index.len() as u64;
        let remaining = self
            .size_hint
            .map(|h| h.saturating_sub(self.consumed))
            .unwrap_or(0);
        let average_row = (self.row_bytes / (rows + 1)).max(1);
        let estimate = usize::try_from(remaining / average_row).unwrap_or(usize::MAX / 2);
        let extra = if estimate > 0 {
            estimate + estimate / 20 + 64
        } else {
            (self.index.len() / 4).max(1024)
        };
        self.index.reserve_exact(extra);
        let cap = self.index.capacity();
        let width = self.columns.len();
        match &mut self.store {
            Some(store) => store.reserve(cap - store.len),
            None if self.drained_outside => {}
            None if self.slab_wanted && rows == 0 => {
                self.slab = Some(SlabColumns::new(width, cap));
            }
            None if self.slab.is_some() => {
                if let Some(slab) = &mut self.slab {
                    slab.resize(width, cap);
                }
            }
            None => {
                for c in &mut self.columns {
                    c.reserve_exact(self.index.capacity() - c.len());
                }
            }
        }
    }

    /// One data line (right-stripped, not empty).
    fn row(&mut self, line: &[u8], terminated: bool) {
        let Some(block) = self.block.take() else {
            return;
        };
        self.parse_row(&block, line, terminated);
        self.block = Some(block);
    }

    fn parse_row(&mut self, block: &Block, line: &[u8], terminated: bool) {
        // The time cell first: a row without a time is skipped whole.
        let (time_start, time_end) = nth_field(line, block.tcol);
        let Some(time) = self.stamps.parse(&line[time_start..time_end]) else {
            if !self.maybe_new_block(line) {
                self.issue(IssueKind::BadTimestamp, time_start, line);
            }
            return;
        };
        self.row_bytes += line.len() as u64 + 2;
        self.reserve_row();
        // The cells go straight into the slab where there is one (a huge
        // page holds many columns' rows, so a row's cells stay within a
        // few dozen cache lines), else into the staged rows.
        let mut staged = std::mem::take(&mut self.staged);
        let mut slab = self.slab.take();
        let kept = match &mut slab {
            Some(s) => {
                let kept = self.cells(block, line, terminated, s.slab.as_mut_slice(), s.cap, s.len);
                s.len += usize::from(kept);
                kept
            }
            None => {
                let r = self.staged_rows;
                let kept = self.cells(block, line, terminated, &mut staged, BLOCK_ROWS, r);
                self.staged_rows += usize::from(kept);
                kept
            }
        };
        self.staged = staged;
        self.slab = slab;
        if !kept {
            return;
        }
        self.index.push(time.as_nanos());
        if self.staged_rows == BLOCK_ROWS && !self.drained_outside {
            self.flush();
        }
    }

    /// Parses a row's cells into `out`, cell (row `r`, column `c`) at
    /// `c * stride + r`; false when the row is dropped (extra fields).
    fn cells(
        &mut self,
        block: &Block,
        line: &[u8],
        terminated: bool,
        out: &mut [f64],
        stride: usize,
        r: usize,
    ) -> bool {
        let issues_before = (self.issues.len(), self.issue_count);

        let mut start = 0;
        let mut j = 0;
        let mut extra_at = None;
        let mut last_cell: Option<usize> = None;
        loop {
            let Run { field, column, len } = block.run;
            if j >= field && j < field + len {
                // The run's cells while they keep their column's layout;
                // the first that does not goes the general way below.
                let (from, to) = (column + (j - field), column + len);
                let (read, next) = read_run(
                    line,
                    start,
                    self.shapes.get_mut(from..to).unwrap_or_default(),
                    self.all_int.get_mut(from..to).unwrap_or_default(),
                    out,
                    stride,
                    from * stride + r,
                );
                if read > 0 {
                    j += read;
                    start = next;
                    last_cell = Some(from + read - 1);
                }
            }
            let end;
            match block.targets.get(j) {
                Some(Target::Column(c)) => {
                    let c = *c;
                    // The column's last layout, else the cell's own
                    // (kept for the next row), else the byte loop.
                    let mut hit = None;
                    if let Some(shape) = self.shapes.get_mut(c) {
                        hit = shape.read(line, start);
                        if hit.is_none() {
                            hit = match shape.relearn(line, start) {
                                Some((value, end)) => Some((value, shape.integer(), end)),
                                None => {
                                    *shape = Shape::NONE;
                                    None
                                }
                            };
                        }
                    }
                    let (value, integer, cell_end) = match hit {
                        Some(hit) => hit,
                        None => {
                            let (cell, cell_end) = scan_cell(line, start);
                            match cell {
                                Cell::Number { value, integer } => (value, integer, cell_end),
                                Cell::Missing => (f64::NAN, false, cell_end),
                                Cell::Invalid => {
                                    let field = line.get(start..cell_end).unwrap_or_default();
                                    self.issue(IssueKind::InvalidValue, start, field);
                                    (f64::NAN, false, cell_end)
                                }
                            }
                        }
                    };
                    end = cell_end;
                    if !integer {
                        self.all_int[c] = false;
                    }
                    out[c * stride + r] = value;
                    last_cell = Some(c);
                }
                Some(Target::Time | Target::Skip) => {
                    end = memchr(b',', &line[start..]).map_or(line.len(), |p| start + p);
                }
                None => {
                    end = memchr(b',', &line[start..]).map_or(line.len(), |p| start + p);
                    if extra_at.is_none() && !trim(&line[start..end]).is_empty() {
                        extra_at = Some(start);
                    }
                }
            }
            j += 1;
            if end == line.len() {
                break;
            }
            start = end + 1;
        }

        if let Some(at) = extra_at {
            // Drop the row (its staged cells are overwritten by the next)
            // and the issues it raised.
            self.issues.truncate(issues_before.0);
            self.issue_count = issues_before.1;
            self.issue(IssueKind::ExtraFields, at, &line[at..]);
            return false;
        }
        let short = j < block.targets.len();
        if !terminated && (short || trim(&line[start..]).is_empty()) {
            // Cut by the end of the file. In a short row the last cell may
            // be cut too (`12` of `125.5`): it is not trusted.
            if short && let Some(c) = last_cell {
                out[c * stride + r] = f64::NAN;
                self.all_int[c] = false;
            }
            self.issue(IssueKind::CutShort, start, &line[start..]);
        }
        for t in block.targets.iter().skip(j) {
            if let Target::Column(c) = t {
                out[*c * stride + r] = f64::NAN;
                self.all_int[*c] = false;
            }
        }
        for &c in &block.absent {
            out[c * stride + r] = f64::NAN;
            self.all_int[c] = false;
        }
        true
    }

    fn finish(self) -> Result<T4File> {
        self.finish_with(true)
    }

    /// The file read; `shrink` gives the columns' spare capacity back
    /// (not for a first part that the others are appended to).
    fn finish_with(mut self, shrink: bool) -> Result<T4File> {
        match &self.state {
            State::Data | State::AfterAverage => {}
            _ if !self.any_content => {
                return Err(Error::format(&self.name, 1, 1, "empty file"));
            }
            State::Format2 { start_line, .. } if self.blocks == 0 => {
                return Err(Error::format(
                    &self.name,
                    *start_line,
                    1,
                    format!("no {END_TAG:?} after this {START_TAG:?} (header cut short?)"),
                ));
            }
            _ if self.blocks == 0 => {
                return Err(Error::format(
                    &self.name,
                    self.line_no,
                    1,
                    "the file ends before its column names (header cut short)",
                ));
            }
            // A glued part cut inside its header: the earlier blocks stand.
            _ => {}
        }
        self.flush();
        if shrink {
            for c in &mut self.columns {
                c.shrink_to_fit();
            }
            self.index.shrink_to_fit();
        }
        let kinds = self
            .all_int
            .iter()
            .map(|&i| {
                if i {
                    ValueKind::Integer
                } else {
                    ValueKind::Float
                }
            })
            .collect();
        let meta = self.meta.unwrap_or_default();
        let tags = Tags {
            node: meta.node.clone(),
            ..Tags::default()
        };
        let frame = match self.slab {
            Some(slab) => {
                let slab = slab.compact(self.names.len());
                Frame::from_slab(self.index, self.names, slab.slab, slab.cap)?
            }
            None => Frame::from_columns(self.index, self.names.into_iter().zip(self.columns))?,
        }
        .with_tags(tags);
        Ok(T4File {
            name: self.name,
            frame,
            kinds,
            meta,
            layout: self.layout.unwrap_or(Layout::Format2),
            blocks: self.blocks,
            time_column: self.time_column.unwrap_or_default(),
            issues: self.issues,
            issue_count: self.issue_count,
        })
    }
}

/// Reads cells from `start` of `line` into `out` (the first at `at`, each
/// next one `stride` further) while each is plain (see [`Shape`]): the hot
/// loop of the reader. A cell is first tried with its column's last
/// layout, which it has 95 times in 100; else its own layout is learnt, kept
/// for the next row, and the column's integer flag updated. (A cell read
/// with the column's last layout is an integer exactly when the cell that
/// layout was learnt from was.) Returns how many cells were read and
/// where the next one starts.
#[inline]
fn read_run(
    line: &[u8],
    mut start: usize,
    shapes: &mut [Shape],
    all_int: &mut [bool],
    out: &mut [f64],
    stride: usize,
    at: usize,
) -> (usize, usize) {
    let slots = out.get_mut(at..).unwrap_or_default();
    let mut read = 0;
    for ((shape, all_int), slot) in shapes
        .iter_mut()
        .zip(all_int)
        .zip(slots.iter_mut().step_by(stride.max(1)))
    {
        let Some((value, end)) = shape
            .read_value(line, start)
            .or_else(|| relearn(shape, all_int, line, start))
        else {
            break;
        };
        *slot = value;
        start = end + 1;
        read += 1;
    }
    (read, start)
}

/// [`read_run`]'s way for a cell without its column's last layout: its
/// own, kept for the next row.
#[cold]
#[inline(never)]
fn relearn(
    shape: &mut Shape,
    all_int: &mut bool,
    line: &[u8],
    start: usize,
) -> Option<(f64, usize)> {
    let hit = shape.relearn(line, start)?;
    *all_int &= shape.integer();
    Some(hit)
}

/// Byte range of field `n` of a line (the whole line's end if it has fewer).
fn nth_field(line: &[u8], n: usize) -> (usize, usize) {
    let mut start = 0;
    for _ in 0..n {
        match memchr(b',', &line[start..]) {
            Some(p) => start += p + 1,
            None => return (line.len(), line.len()),
        }
    }
    let end = memchr(b',', &line[start..]).map_or(line.len(), |p| start + p);
    (start, end)
}

/// The timestamp of a stamp cell, for callers outside the reader.
pub fn parse_stamp(cell: &str) -> Option<Timestamp> {
    StampParser::default().parse(cell.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `width` columns of `cap` rows, `len` of them written: column `c`,
    /// row `r` holds `c * 1000 + r`.
    fn filled(width: usize, cap: usize, len: usize) -> SlabColumns {
        let mut s = SlabColumns::new(width, cap);
        for c in 0..width {
            for r in 0..len {
                s.slab.as_mut_slice()[c * cap + r] = (c * 1000 + r) as f64;
            }
        }
        s.len = len;
        s
    }

    /// Rows whose cells keep, change and lose their column's layout, in
    /// every notation, read as the general parser reads each field alone:
    /// the run loop, its way back into the general loop and out again.
    #[test]
    fn every_cell_reads_as_the_general_parser_reads_it() {
        const ODD: [&str; 22] = [
            "",
            " ",
            "NA",
            "nan",
            "-3.5",
            "+7",
            "1e5",
            "12345678",
            "123456789.25",
            " 12 ",
            "  0.10",
            "abc",
            "1 2",
            "\t4",
            "5.",
            ".5",
            "  .",
            "007",
            "1.2.3",
            "-0",
            " 99999 ",
            "1234567",
        ];
        let width = 40;
        let mut next = crate::number::xorshift(0x2545_F491_4F6C_DD1D);
        let names: Vec<String> = (0..width).map(|c| format!("C{c}")).collect();
        let mut text = format!(
            "NODE,Sample Interval: 60\n$$$ START COLUMN HEADERS $$$\n[MON]Sample Time,{}\n$$$ END COLUMN HEADERS $$$\n",
            names.join(",")
        );
        let mut want: Vec<Vec<f64>> = vec![Vec::new(); width];
        let mut integer = vec![true; width];
        let mut invalid = 0;
        for r in 0..600 {
            text.push_str(&format!("19-NOV-2015 {:02}:{:02}:00.00", r / 60, r % 60));
            // A few rows are short, a few have an empty field too many.
            let fields = match next() % 20 {
                0 => 4 + (next() % (width as u64 - 4)) as usize,
                _ => width,
            };
            for c in 0..width {
                // Columns 0 and 3 have integers only, but for one cell of
                // column 0 with a point: the kind found by a cell that
                // takes a new layout.
                let clean = c == 0 || c == 3;
                let cell = if c >= fields {
                    None
                } else if c == 0 && r == 300 {
                    Some("2.5".to_string())
                } else if next().is_multiple_of(8) && !clean {
                    Some(ODD[(next() % ODD.len() as u64) as usize].to_string())
                } else {
                    // The column's usual layout: its width, blanks and
                    // decimals, with other digits.
                    let (w, d, pad) = (1 + c % 5, c % 3, c % 4 == 0);
                    let mut v = (next() % 10u64.pow(w as u32)).to_string();
                    if d > 0 {
                        v = format!("{v}.{:0d$}", next() % 10u64.pow(d as u32));
                    }
                    Some(if pad {
                        format!(" {v:>w$} ", w = w + d + 1)
                    } else {
                        v
                    })
                };
                match cell {
                    Some(cell) => {
                        text.push(',');
                        text.push_str(&cell);
                        let value = match crate::number::parse_cell(cell.as_bytes()) {
                            Cell::Number { value, integer: i } => {
                                integer[c] &= i;
                                value
                            }
                            Cell::Missing => {
                                integer[c] = false;
                                f64::NAN
                            }
                            Cell::Invalid => {
                                integer[c] = false;
                                invalid += 1;
                                f64::NAN
                            }
                        };
                        want[c].push(value);
                    }
                    None => {
                        integer[c] = false;
                        want[c].push(f64::NAN);
                    }
                }
            }
            if next().is_multiple_of(25) && fields == width {
                text.push(',');
            }
            text.push('\n');
        }
        for reader in [
            Reader::builder().max_issues(100_000).build(),
            Reader::builder().max_issues(100_000).slab(false).build(),
        ] {
            let t4 = reader.read_bytes("cells.csv", text.as_bytes()).unwrap();
            assert_eq!(t4.frame.len(), 600);
            for (c, (name, got)) in t4.frame.columns().enumerate() {
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(got), bits(&want[c]), "{name}");
                let kind = if integer[c] {
                    ValueKind::Integer
                } else {
                    ValueKind::Float
                };
                assert_eq!(t4.kinds[c], kind, "{name}");
            }
            let bad = t4
                .issues
                .iter()
                .filter(|i| i.kind == IssueKind::InvalidValue)
                .count();
            assert_eq!(bad, invalid);
            assert!(invalid > 100, "{invalid} invalid cells");
            assert_eq!(t4.kinds[0], ValueKind::Float);
            assert_eq!(t4.kinds[3], ValueKind::Integer);
        }
    }

    #[test]
    fn a_slab_with_much_more_room_than_rows_is_made_exact() {
        let sparse = filled(3, 400, 10).compact(3);
        assert_eq!((sparse.cap, sparse.len, sparse.slab.len()), (10, 10, 30));
        assert_eq!(sparse.column(2)[9], 2009.0);
        assert_eq!(
            sparse.column(1),
            (1000..1010).map(f64::from).collect::<Vec<_>>()
        );
        // A few percent of room left is kept as it is.
        let dense = filled(3, 1050, 1000).compact(3);
        assert_eq!((dense.cap, dense.len), (1050, 1000));
        assert_eq!(dense.column(2)[999], 2999.0);
    }

    #[test]
    fn a_slab_is_resized_with_its_values() {
        let mut s = filled(2, 5, 5);
        s.resize(2, 9);
        assert_eq!((s.cap, s.len), (9, 5));
        assert_eq!(s.column(1), [1000.0, 1001.0, 1002.0, 1003.0, 1004.0]);
    }
}
