//! One file parsed by several threads: the header is read once, the data
//! rows are cut into parts at line ends, and each part is parsed by its
//! own [`Parser`]. Two ways to one frame:
//! - [`direct`]: every part's rows are counted first, the final columns
//!   made at full length, and each part writes straight into its rows of
//!   them (no copy after, each page written once);
//! - [`join`], when a count turns out wrong: each part keeps its rows and
//!   the parts are appended in order.
//!
//! The result is the one a single parser gives, or nothing (and the
//! caller reads the file on one thread): every part but the last must end
//! as plain rows of the one header — no `Column Average`, no new header
//! block, no failed row whose line a following header could claim as its
//! metadata. Issues keep their physical line numbers.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use memchr::memchr;

use netmon_core::Slab;

use super::{
    AVERAGE_MARK, BLOCK_ROWS, Parser, Reader, SlabColumns, State, Store, T4File, nth_field, rstrip,
};
use crate::stamp::StampParser;

/// The header must end within this many bytes for a file to be split.
const HEAD_MAX: u64 = 8 << 20;

/// Bytes searched from a cut point for the next line end.
const WINDOW: usize = 1 << 20;

/// A file's header and the byte ranges of its parts.
#[derive(Debug, Clone)]
pub(super) struct Cut {
    name: String,
    /// Every line up to the first data row.
    header: Vec<u8>,
    /// Part `k` is `bounds[k]..bounds[k + 1]` (the first from 0).
    bounds: Vec<u64>,
    tcol: usize,
    /// The header's column names.
    pub(super) names: Vec<String>,
}

/// Reads `path` in `parts` parts on as many threads; `None` when the file
/// does not lend itself (the caller then reads it on one thread, which
/// also reports any error).
pub(super) fn read(
    reader: &Reader,
    path: &Path,
    size: u64,
    parts: usize,
    group_bytes: u64,
    way: Way,
) -> Option<T4File> {
    let cut = cut(reader, path, size, parts)?;
    // Each part straight into its rows of the final columns, when every
    // part's rows can be counted first; else each part on its own, joined.
    if way != Way::Joined {
        let t4 = count(path, &cut).and_then(|counts| {
            let width = cut.names.len();
            let total = counts.iter().sum::<usize>();
            let finals = if reader.opts.slab {
                Finals::Slab(Slab::zeroed(width.checked_mul(total)?))
            } else {
                Finals::Vecs((0..width).map(|_| vec![0.0; total]).collect())
            };
            direct(reader, path, &cut, &counts, finals)
        });
        if t4.is_some() || way == Way::Direct {
            return t4;
        }
    }

    let Cut {
        name,
        header,
        bounds,
        ..
    } = cut;
    let last = parts - 1;
    let results = each_on_a_thread((0..parts).collect(), |k| {
        let range = Range {
            from: bounds[k],
            to: bounds[k + 1],
            first: k == 0,
            last: k == last,
            size,
            group_bytes,
        };
        parse_part(reader, path, &name, &header, range)
    });
    join(results.into_iter().collect::<Option<Vec<Part>>>()?, reader)
}

/// Finds the header of `path` and cuts its data into `parts` parts at
/// line starts; `None` when it cannot (no data row in the first 8 MiB,
/// a part without a line end).
pub(super) fn cut(reader: &Reader, path: &Path, size: u64, parts: usize) -> Option<Cut> {
    let name = path.display().to_string();
    let mut file = File::open(path).ok()?;
    let head_len = usize::try_from(size.min(HEAD_MAX)).ok()?;
    let mut head = vec![0u8; head_len];
    file.read_exact(&mut head).ok()?;

    // The header: every line up to the first data row.
    let mut probe = Parser::new(&name, reader.opts, None);
    let mut start = 0;
    let mut data_start = None;
    while let Some(nl) = memchr(b'\n', &head[start..]) {
        probe.line(&head[start..start + nl], true).ok()?;
        start += nl + 1;
        if matches!(probe.state, State::Data) {
            data_start = Some(start);
            break;
        }
    }
    let data_start = data_start?;
    head.truncate(data_start);
    let header = head;

    // Cut points: the line start after each even share of the data.
    let mut bounds = vec![0u64];
    let data = size - data_start as u64;
    let mut window = vec![0u8; WINDOW];
    for k in 1..parts {
        let guess = data_start as u64 + data * k as u64 / parts as u64;
        file.seek(SeekFrom::Start(guess)).ok()?;
        let n = read_up_to(&mut file, &mut window)?;
        let nl = memchr(b'\n', &window[..n])?;
        let at = guess + nl as u64 + 1;
        if at <= *bounds.last()? || at >= size {
            return None;
        }
        bounds.push(at);
    }
    bounds.push(size);
    Some(Cut {
        name,
        header,
        bounds,
        tcol: probe.block.as_ref()?.tcol,
        names: probe.names,
    })
}

/// The rows of each part, counted on the parts' threads.
pub(super) fn count(path: &Path, cut: &Cut) -> Option<Vec<usize>> {
    let parts = cut.bounds.len() - 1;
    let counts = each_on_a_thread((0..parts).collect(), |k| {
        let (from, to) = cut.range(k);
        count_rows(path, from, to, cut.tcol)
    });
    counts.into_iter().collect()
}

impl Cut {
    /// Part `k`'s data bytes (the first part's start after the header).
    fn range(&self, k: usize) -> (u64, u64) {
        let data_start = self.header.len() as u64;
        (self.bounds[k].max(data_start), self.bounds[k + 1])
    }
}

/// How the parts become one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Way {
    /// Each part writes its rows into the final columns ([`direct`]).
    Direct,
    /// Each part keeps its rows; they are appended after ([`join`]).
    Joined,
    /// Direct if it can, else joined.
    Either,
}

/// `f` on each of `inputs`, one thread each; the results in order (a
/// thread's panic goes on in the caller).
fn each_on_a_thread<I: Send, T: Send>(inputs: Vec<I>, f: impl Fn(I) -> T + Sync) -> Vec<T> {
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = inputs
            .into_iter()
            .map(|input| s.spawn(move || f(input)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Threads that join a part (one per group of its store): the cores, two
/// at least so that a test on one core still joins several groups.
fn joiners() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().max(2))
}

/// Text per store group in [`Reader::read_path`]'s split.
pub(super) const GROUP_BYTES: u64 = 48 << 20;

/// Fills `buf` as far as the input goes; `None` on a read error.
fn read_up_to(file: &mut impl Read, buf: &mut [u8]) -> Option<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(n)
}

/// A part parsed: its parser, the line number its own lines start after
/// (the header's, for a later part) and how many lines it read.
struct Part {
    parser: Parser,
    base: u64,
    lines: u64,
}

/// Which bytes a part reads, and where it sits.
#[derive(Debug, Clone, Copy)]
struct Range {
    from: u64,
    to: u64,
    first: bool,
    last: bool,
    /// The whole file's size.
    size: u64,
    /// Text per group of a later part's store.
    group_bytes: u64,
}

fn parse_part(
    reader: &Reader,
    path: &Path,
    name: &str,
    header: &[u8],
    range: Range,
) -> Option<Part> {
    let Range {
        from,
        to,
        first,
        last,
        size,
        group_bytes,
    } = range;
    let mut file = File::open(path).ok()?;
    file.seek(SeekFrom::Start(from)).ok()?;
    // The first part sizes its columns for the whole file: the others are
    // appended to them in place.
    let hint = if first { size } else { to };
    let mut p = Parser::new(name, reader.opts, Some(hint));
    let mut base = 0;
    if !first {
        reader.feed(&mut p, header).ok()?;
        if !matches!(p.state, State::Data) {
            return None;
        }
        base = p.line_no;
        p.consumed = from;
        // Groups of at least `group_bytes` of text (more in values):
        // large allocations, which the system takes back as they shrink.
        let groups = usize::try_from((to - from) / group_bytes.max(1)).unwrap_or(usize::MAX);
        p.store = Some(Store::new(p.columns.len(), groups.clamp(1, joiners())));
    }
    reader.feed(&mut p, file.take(to - from)).ok()?;
    let plain = matches!(p.state, State::Data) && p.blocks == 1 && p.previous.is_none();
    if (!last && !plain) || p.declined {
        return None;
    }
    p.flush();
    let lines = p.line_no - base;
    Some(Part {
        parser: p,
        base,
        lines,
    })
}

/// The parts joined in order into the first part's columns (sized for
/// the whole file), each later part's store given back column by column
/// from its end as it is copied, so that the values are held about once;
/// `None` if the parts do not line up.
fn join(parts: Vec<Part>, reader: &Reader) -> Option<T4File> {
    let mut parts = parts.into_iter();
    let first = parts.next()?;
    let mut offset = first.lines;
    let mut all = first.parser;
    all.flush();
    for mut part in parts {
        let mut store = part.parser.store.take()?;
        if part.parser.names != all.names || store.width != all.columns.len() {
            return None;
        }
        absorb(&mut all, &mut part, offset, reader.opts.max_issues);
        // Each group of columns on its own thread, from its last column
        // back, the group's allocation shrunk behind each copy.
        let (cap, len) = (store.cap, store.len);
        let groups = std::mem::take(&mut store.groups);
        std::thread::scope(|s| {
            for (columns, mut group) in all.columns.chunks_mut(store.per).zip(groups) {
                s.spawn(move || {
                    for (i, column) in columns.iter_mut().enumerate().rev() {
                        let at = i * cap;
                        column.extend_from_slice(&group[at..at + len]);
                        group.truncate(at);
                        group.shrink_to_fit();
                    }
                });
            }
        });
        all.blocks += part.parser.blocks - 1;
        offset += part.lines;
    }
    all.finish_with(true).ok()
}

/// Takes a later part's times, value kinds and issues into `all`, the
/// issues' line numbers moved from after the part's `base` lines (its
/// header) to after the `offset` lines of the file before it.
fn absorb(all: &mut Parser, part: &mut Part, offset: u64, max_issues: usize) {
    let (p, base) = (&mut part.parser, part.base);
    all.index.extend_from_slice(&p.index);
    for (mine, theirs) in all.all_int.iter_mut().zip(&p.all_int) {
        *mine &= *theirs;
    }
    for mut issue in p.issues.drain(..) {
        issue.line = issue.line.saturating_sub(base) + offset;
        if all.issues.len() < max_issues {
            all.issues.push(issue);
        }
    }
    all.issue_count += p.issue_count;
}

/// The rows a part's lines give, counted without parsing their values:
/// the non-blank lines whose time cell is a time, up to `Column Average`.
/// A row the parse then drops (extra fields) or a later block makes the
/// count wrong, which [`direct`] notices and declines. `None` on a read
/// error or an overlong line.
fn count_rows(path: &Path, from: u64, to: u64, tcol: usize) -> Option<usize> {
    let mut file = File::open(path).ok()?;
    file.seek(SeekFrom::Start(from)).ok()?;
    let mut input = file.take(to - from);
    let mut stamps = StampParser::default();
    let mut is_row = |raw: &[u8]| -> Option<bool> {
        let line = rstrip(raw);
        if line.starts_with(AVERAGE_MARK.as_bytes()) {
            return None;
        }
        let (a, b) = nth_field(line, tcol);
        Some(!line.is_empty() && stamps.parse(&line[a..b]).is_some())
    };
    let mut buf = vec![0u8; WINDOW];
    let (mut filled, mut rows) = (0, 0);
    loop {
        if filled == buf.len() {
            return None; // a line longer than the window
        }
        let n = read_up_to(&mut input, &mut buf[filled..])?;
        if n == 0 {
            if filled > 0 && is_row(&buf[..filled]) == Some(true) {
                rows += 1;
            }
            return Some(rows);
        }
        let end = filled + n;
        let mut start = 0;
        while let Some(nl) = memchr(b'\n', &buf[start..end]) {
            match is_row(&buf[start..start + nl]) {
                Some(row) => rows += usize::from(row),
                None => return Some(rows),
            }
            start += nl + 1;
        }
        buf.copy_within(start..end, 0);
        filled = end - start;
    }
}

/// A part's share of the final columns, and how many rows it has written.
struct Sink<'s> {
    columns: Vec<&'s mut [f64]>,
    len: usize,
}

impl Sink<'_> {
    /// Moves the parser's staged rows into the part's share; a part that
    /// outgrows its count or meets a new column is declined.
    fn drain(&mut self, p: &mut Parser) {
        let rows = p.staged_rows;
        if rows == 0 {
            return;
        }
        p.staged_rows = 0;
        let room = self.columns.first().map_or(0, |c| c.len());
        if self.len + rows > room || p.columns.len() != self.columns.len() {
            p.declined = true;
            return;
        }
        for (c, column) in self.columns.iter_mut().enumerate() {
            let from = c * BLOCK_ROWS;
            column[self.len..self.len + rows].copy_from_slice(&p.staged[from..from + rows]);
        }
        self.len += rows;
    }
}

/// The split without a join: the rows of every part counted first (on
/// the parts' threads), the final columns made at their full length
/// (zeroed lazily by the system, so no page is touched before its part
/// writes it), and each part parsed straight into its rows of them. Each
/// page of values is then written once, by the thread that parses it.
/// `None` when a count turns out wrong or a part is not plain rows of the
/// header (the caller then joins the parts).
pub(super) fn direct(
    reader: &Reader,
    path: &Path,
    cut: &Cut,
    counts: &[usize],
    mut finals: Finals<'_>,
) -> Option<T4File> {
    let parts = cut.bounds.len() - 1;
    let width = cut.names.len();
    let total: usize = counts.iter().sum();
    let results = {
        let mut sinks: Vec<Sink<'_>> = (0..parts)
            .map(|_| Sink {
                columns: Vec::with_capacity(width),
                len: 0,
            })
            .collect();
        for column in finals.columns(width, total)? {
            let mut rest = column;
            for (sink, &n) in sinks.iter_mut().zip(counts) {
                let (mine, more) = rest.split_at_mut(n);
                sink.columns.push(mine);
                rest = more;
            }
        }
        let jobs: Vec<_> = sinks.into_iter().enumerate().collect();
        each_on_a_thread(jobs, |(k, sink)| {
            let (from, to) = cut.range(k);
            let share = Share {
                from,
                to,
                rows: counts[k],
                reserve: if k == 0 { total } else { counts[k] },
                last: k + 1 == parts,
            };
            parse_into(reader, path, &cut.name, &cut.header, width, share, sink)
        })
    };
    let mut parts = results
        .into_iter()
        .collect::<Option<Vec<Part>>>()?
        .into_iter();
    let mut all = parts.next()?.parser;
    // The first part's lines follow the header's: its line numbers are
    // the file's; a later part's are moved past the parts before it.
    let mut offset = all.line_no;
    for mut part in parts {
        absorb(&mut all, &mut part, offset, reader.opts.max_issues);
        offset += part.lines;
    }
    if all.index.len() != total {
        return None;
    }
    all.drained_outside = false;
    match finals {
        Finals::Slab(slab) => {
            all.slab = Some(SlabColumns {
                slab,
                cap: total,
                len: total,
            })
        }
        Finals::Vecs(columns) => all.columns = columns,
        // The values are the caller's: a frame of the index alone.
        Finals::Outside(_) => {
            all.columns.clear();
            all.names.clear();
        }
    }
    all.finish_with(true).ok()
}

/// The final columns of the direct way: one slab, or one vector each
/// ([`crate::ReaderBuilder::slab`]), or the caller's values
/// ([`Reader::read_plan`]).
pub(super) enum Finals<'v> {
    Slab(Slab),
    Vecs(Vec<Vec<f64>>),
    Outside(&'v mut [f64]),
}

impl Finals<'_> {
    /// The `width` columns of `rows` values each, to fill; `None` when the
    /// caller's values are not `width × rows`.
    fn columns(&mut self, width: usize, rows: usize) -> Option<Vec<&mut [f64]>> {
        let whole = match self {
            Finals::Vecs(columns) => {
                return Some(columns.iter_mut().map(Vec::as_mut_slice).collect());
            }
            Finals::Slab(slab) => slab.as_mut_slice(),
            Finals::Outside(values) => &mut **values,
        };
        if Some(whole.len()) != width.checked_mul(rows) {
            return None;
        }
        let mut columns = Vec::with_capacity(width);
        let mut rest = whole;
        for _ in 0..width {
            let (column, more) = rest.split_at_mut(rows);
            columns.push(column);
            rest = more;
        }
        Some(columns)
    }
}

/// A part's bytes and rows in the direct way.
#[derive(Debug, Clone, Copy)]
struct Share {
    from: u64,
    to: u64,
    /// The rows counted in it: its slices' length.
    rows: usize,
    /// Times to make room for (the first part's index takes all).
    reserve: usize,
    last: bool,
}

/// Parses one part, fed the header first, into its share of the final
/// columns; `None` if it does not give exactly its counted rows as plain
/// rows of the header.
fn parse_into(
    reader: &Reader,
    path: &Path,
    name: &str,
    header: &[u8],
    width: usize,
    share: Share,
    mut sink: Sink<'_>,
) -> Option<Part> {
    let mut file = File::open(path).ok()?;
    file.seek(SeekFrom::Start(share.from)).ok()?;
    let mut p = Parser::new(name, reader.opts, None);
    reader.feed(&mut p, header).ok()?;
    if !matches!(p.state, State::Data) || p.columns.len() != width {
        return None;
    }
    let base = p.line_no;
    p.consumed = share.from;
    p.drained_outside = true;
    p.index.reserve_exact(share.reserve);
    reader
        .feed_with(&mut p, file.take(share.to - share.from), |p| {
            if p.staged_rows == BLOCK_ROWS {
                sink.drain(p);
            }
        })
        .ok()?;
    sink.drain(&mut p);
    let plain = matches!(p.state, State::Data) && p.previous.is_none();
    if (!share.last && !plain) || p.declined || p.blocks != 1 || sink.len != share.rows {
        return None;
    }
    let lines = p.line_no - base;
    Some(Part {
        parser: p,
        base,
        lines,
    })
}
