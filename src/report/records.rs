//! The records of a CSV file, split by hand for the bulk import.
//!
//! The grammar is the `csv` crate's reader with its defaults (RFC 4180 and its lenient
//! reading): fields separated by `,`; records ended by `\n`, `\r` or `\r\n`; empty lines
//! skipped; a field that starts with `"` is quoted, may hold separators and line ends, and
//! writes a quote as `""`; a quote inside an unquoted field, or text after a closing quote,
//! is kept as it is; an unterminated quoted field ends at the end of the file; a UTF-8 byte
//! order mark at the start of the file is dropped. `tests::splits_as_the_csv_crate_does`
//! proves the split equal to the `csv` crate's on random files.
//!
//! A line without a quote or a carriage return (every line of a plain workload) is split at
//! its commas with no state machine; anything else goes through the full one. The file is
//! read in blocks of a mebibyte, and a record's fields are copied into one reused buffer:
//! nothing is allocated per record.

use std::io::{self, Read};

/// The size of one read.
const BLOCK: usize = 1 << 20;

/// One record: its fields and the line it starts on.
#[derive(Debug, Default)]
pub(super) struct Record {
    bytes: Vec<u8>,
    /// Where each field starts and ends in `bytes`.
    spans: Vec<(usize, usize)>,
    /// The line the record starts on (the first line is 1).
    line: u64,
}

impl Record {
    /// The number of fields.
    pub(super) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The field at `index`, or the empty field past the last one.
    pub(super) fn get(&self, index: usize) -> &[u8] {
        self.spans
            .get(index)
            .and_then(|&(start, end)| self.bytes.get(start..end))
            .unwrap_or_default()
    }

    /// Every field, in order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The line the record starts on (the header is line 1).
    pub(super) fn line(&self) -> u64 {
        self.line
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.spans.clear();
    }

    /// Ends the field being written (it started where the previous one ended).
    fn end_field(&mut self) {
        let start = self.spans.last().map_or(0, |&(_, end)| end);
        self.spans.push((start, self.bytes.len()));
    }
}

/// Where the state machine is within a record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field.
    StartField,
    /// In an unquoted field (or after a quoted one's closing quote).
    InField,
    /// In a quoted field.
    InQuoted,
    /// Just after a quote in a quoted field: a second quote, or the field's end.
    QuoteInQuoted,
}

/// The records of a CSV file, read from `reader` in blocks.
pub(super) struct Records<R> {
    reader: R,
    buf: Vec<u8>,
    /// The first unread byte in `buf`.
    pos: usize,
    /// `true` once the reader has nothing more.
    eof: bool,
    /// The line of `pos` (1 + the line feeds before it).
    line: u64,
    /// `true` once the byte order mark was looked for.
    started: bool,
}

impl<R: Read> Records<R> {
    pub(super) fn new(reader: R) -> Records<R> {
        Records {
            reader,
            buf: Vec::new(),
            pos: 0,
            eof: false,
            line: 1,
            started: false,
        }
    }

    /// Reads more of the file after what is unread, growing the buffer if the unread part
    /// fills it; `false` at the end of the file.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let unread = self.buf.len().saturating_sub(self.pos);
        self.buf.copy_within(self.pos.., 0);
        self.buf.truncate(unread);
        self.pos = 0;
        let want = unread.saturating_add(BLOCK.max(unread));
        self.buf.resize(want, 0);
        let mut filled = unread;
        // Fill the block (a reader may return less than asked).
        while filled < want {
            let Some(space) = self.buf.get_mut(filled..) else {
                break;
            };
            match self.reader.read(space) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => filled = filled.saturating_add(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(filled);
                    return Err(e);
                }
            }
        }
        self.buf.truncate(filled);
        Ok(filled > unread)
    }

    /// Reads the next record into `record`; `false` at the end of the file.
    ///
    /// # Errors
    ///
    /// The reader's error.
    pub(super) fn next_record(&mut self, record: &mut Record) -> io::Result<bool> {
        record.clear();
        if !self.started {
            while self.buf.len() < 3 && self.fill()? {}
            if self.buf.starts_with(b"\xef\xbb\xbf") {
                self.pos = 3;
            }
            self.started = true;
        }
        // Empty lines are skipped.
        loop {
            match self.buf.get(self.pos) {
                Some(b'\n') => {
                    self.line = self.line.saturating_add(1);
                    self.pos = self.pos.saturating_add(1);
                }
                Some(b'\r') => self.pos = self.pos.saturating_add(1),
                Some(_) => break,
                None => {
                    if !self.fill()? {
                        return Ok(false);
                    }
                }
            }
        }
        record.line = self.line;
        loop {
            let rest = self.buf.get(self.pos..).unwrap_or_default();
            let newline = memchr::memchr(b'\n', rest);
            if newline.is_none() && !self.eof {
                self.fill()?;
                continue;
            }
            let line = match newline {
                Some(n) => rest.get(..n).unwrap_or_default(),
                None => rest,
            };
            if memchr::memchr2(b'"', b'\r', line).is_none() {
                // A plain line, copied whole: its commas separate the fields.
                record.bytes.extend_from_slice(line);
                let mut start = 0;
                for (i, &b) in line.iter().enumerate() {
                    if b == b',' {
                        record.spans.push((start, i));
                        start = i.saturating_add(1);
                    }
                }
                record.spans.push((start, line.len()));
                let used = newline.map_or(line.len(), |n| n.saturating_add(1));
                self.pos = self.pos.saturating_add(used);
                if newline.is_some() {
                    self.line = self.line.saturating_add(1);
                }
                return Ok(true);
            }
            if self.quoted(record) {
                return Ok(true);
            }
            // The record runs past what is read: read more and start it again.
            record.clear();
            self.fill()?;
        }
    }

    /// The state machine over one record from `pos`: `true` when the record ended (at a
    /// line end or the end of the file), `false` when more of the file is needed.
    fn quoted(&mut self, record: &mut Record) -> bool {
        let mut state = State::StartField;
        let mut feeds = 0u64;
        let rest = self.buf.get(self.pos..).unwrap_or_default();
        for (i, &b) in rest.iter().enumerate() {
            let ends_record = match (state, b) {
                (State::InQuoted, b'"') => {
                    state = State::QuoteInQuoted;
                    false
                }
                (State::InQuoted, _) => {
                    record.bytes.push(b);
                    false
                }
                (State::StartField, b'"') => {
                    state = State::InQuoted;
                    false
                }
                (State::QuoteInQuoted, b'"') => {
                    record.bytes.push(b'"');
                    state = State::InQuoted;
                    false
                }
                (_, b',') => {
                    record.end_field();
                    state = State::StartField;
                    false
                }
                (_, b'\n' | b'\r') => {
                    record.end_field();
                    true
                }
                (_, _) => {
                    record.bytes.push(b);
                    state = State::InField;
                    false
                }
            };
            if b == b'\n' {
                feeds = feeds.saturating_add(1);
            }
            if ends_record {
                self.pos = self.pos.saturating_add(i).saturating_add(1);
                self.line = self.line.saturating_add(feeds);
                return true;
            }
        }
        if !self.eof {
            return false;
        }
        record.end_field();
        self.pos = self.buf.len();
        self.line = self.line.saturating_add(feeds);
        true
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )]

    use super::*;
    use proptest::prelude::*;

    /// A reader that hands out at most `step` bytes a read, to cross block boundaries.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn ours(data: &[u8], step: usize) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut records = Records::new(Trickle { data, step });
        let mut record = Record::default();
        let mut out = Vec::new();
        while records.next_record(&mut record).unwrap() {
            out.push((record.line(), record.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    /// The `csv` crate's records, each with the line of its first byte (the crate's own
    /// position is where it started looking, before the empty lines it skipped).
    fn theirs(data: &[u8]) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(data);
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let mut at = usize::try_from(record.position().unwrap().byte()).unwrap();
            if at == 0 && data.starts_with(b"\xef\xbb\xbf") {
                at = 3;
            }
            while matches!(data.get(at), Some(b'\n' | b'\r')) {
                at += 1;
            }
            let line = 1 + data[..at].iter().filter(|&&b| b == b'\n').count() as u64;
            out.push((line, record.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    #[test]
    fn splits_plain_and_quoted_records() {
        let data = b"id,x\n1,\"a,\"\"b\"\"\nc\"\n\n2,plain\r\n3,a\"b,\"q\"z\n4";
        let got = ours(data, 5);
        let fields = |r: &[&str]| r.iter().map(|f| f.as_bytes().to_vec()).collect::<Vec<_>>();
        assert_eq!(
            got,
            vec![
                (1, fields(&["id", "x"])),
                (2, fields(&["1", "a,\"b\"\nc"])),
                (5, fields(&["2", "plain"])),
                (6, fields(&["3", "a\"b", "qz"])),
                (7, fields(&["4"])),
            ]
        );
        assert_eq!(got, theirs(data));
    }

    #[test]
    fn drops_a_byte_order_mark_and_reads_an_empty_file() {
        assert_eq!(ours(b"\xef\xbb\xbfa,b\n", 1), theirs(b"\xef\xbb\xbfa,b\n"));
        assert_eq!(ours(b"\xef\xbb\xbfa,b\n", 1)[0].1[0], b"a".to_vec());
        assert!(ours(b"", 7).is_empty());
        assert!(ours(b"\n\r\n", 7).is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        /// Random files of separators, quotes, line ends and text split into the same
        /// records as the `csv` crate's, read in pieces of any size.
        #[test]
        fn splits_as_the_csv_crate_does(
            data in prop::collection::vec(
                prop::sample::select(vec![b'a', b'1', b',', b'"', b'\n', b'\r', b' ', 0xef, 0xbb, 0xbf]),
                0..200,
            ),
            step in 1usize..64,
        ) {
            prop_assert_eq!(ours(&data, step), theirs(&data));
        }
    }
}
