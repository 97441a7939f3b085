//! A file read on a thread of its own, a few chunks ahead of its reader:
//! the kernel's copy out of the page cache (about a fifth of a capture's
//! reading) then runs on another core beside the decoding.

use std::fs::File;
use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Octets per chunk: small enough to stay in the cache between the
/// thread's copy and the reader's.
const CHUNK: usize = 256 * 1024;
/// Chunks read ahead at most (the memory held: about this many chunks).
const AHEAD: usize = 4;

/// [`Read`] over chunks a thread reads from a file. The thread stops at
/// the end of the file, at an error (handed on to the reader in order)
/// or when this reader is dropped.
pub(crate) struct ReadAhead {
    chunks: Receiver<io::Result<Vec<u8>>>,
    /// Emptied chunks going back to the thread.
    spent: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    at: usize,
    done: bool,
}

impl ReadAhead {
    /// Starts reading `file` on a new thread.
    pub(crate) fn new(mut file: File) -> io::Result<Self> {
        let (tx, chunks) = sync_channel(AHEAD);
        let (spent, returned) = sync_channel::<Vec<u8>>(AHEAD + 2);
        std::thread::Builder::new()
            .name("netmon-read-ahead".into())
            .spawn(move || {
                loop {
                    let mut buf = returned.try_recv().unwrap_or_default();
                    buf.resize(CHUNK, 0);
                    let result = fill(&mut file, &mut buf).map(|n| {
                        buf.truncate(n);
                        buf
                    });
                    let end = matches!(&result, Ok(b) if b.is_empty()) || result.is_err();
                    // A send fails once the reader is gone: stop.
                    if tx.send(result).is_err() || end {
                        return;
                    }
                }
            })?;
        Ok(ReadAhead {
            chunks,
            spent,
            current: Vec::new(),
            at: 0,
            done: false,
        })
    }
}

/// Reads until `buf` is full or the file ends; the octets read.
fn fill(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

impl Read for ReadAhead {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            if self.done {
                return Ok(0);
            }
            let next = match self.chunks.recv() {
                Ok(Ok(chunk)) => chunk,
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => Vec::new(),
            };
            if next.is_empty() {
                self.done = true;
                return Ok(0);
            }
            let old = std::mem::replace(&mut self.current, next);
            // The thread may have a buffer already: then this one goes.
            let _ = self.spent.try_send(old);
            self.at = 0;
        }
        let n = out.len().min(self.current.len() - self.at);
        out[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of several chunks and an odd tail reads back whole, in reads
    /// of awkward sizes, and the end stays the end.
    #[test]
    fn reads_the_whole_file() {
        let path = std::env::temp_dir().join(format!("netmon_read_ahead_{}", std::process::id()));
        let data: Vec<u8> = (0..(3 * CHUNK + 12_345))
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        std::fs::write(&path, &data).unwrap();
        let mut r = ReadAhead::new(File::open(&path).unwrap()).unwrap();
        let mut back = Vec::new();
        let mut buf = vec![0u8; 100_003];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            back.extend_from_slice(&buf[..n]);
        }
        assert_eq!(r.read(&mut buf).unwrap(), 0);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(back.len(), data.len());
        assert!(back == data);
    }

    /// An empty file ends at once, and again on every later read.
    #[test]
    fn empty_file() {
        let path = std::env::temp_dir().join(format!("netmon_read_ahead_e_{}", std::process::id()));
        std::fs::write(&path, b"").unwrap();
        let mut r = ReadAhead::new(File::open(&path).unwrap()).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(r.read(&mut [0u8; 16]).unwrap(), 0);
        assert_eq!(r.read(&mut [0u8; 16]).unwrap(), 0);
    }
}
