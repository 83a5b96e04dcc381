//! A log writer that keeps each event on one line. The formatter hands it one whole event per
//! write, ending in a newline; every other line break in it (and, without colours, every other
//! control character) came from a field value, and is written escaped instead. In JSON the
//! escapes are JSON escapes, so each line stays a valid JSON object.

use std::io;
use tracing_subscriber::fmt::MakeWriter;

/// Wraps a [`MakeWriter`] so that each event it writes stays on one line.
#[derive(Debug, Clone, Copy)]
pub struct Writer<M> {
    inner: M,
    json: bool,
    /// Whether the formatter's own colour escapes (ESC) are let through.
    ansi: bool,
}

impl<M> Writer<M> {
    pub fn new(inner: M, json: bool, ansi: bool) -> Self {
        Self { inner, json, ansi }
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Writer<M> {
    type Writer = Line<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        Line {
            inner: self.inner.make_writer(),
            json: self.json,
            ansi: self.ansi,
        }
    }
}

/// One event's writer.
pub struct Line<W> {
    inner: W,
    json: bool,
    ansi: bool,
}

impl<W: io::Write> io::Write for Line<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let escaped = escape(&text, self.json, self.ansi);
        self.inner.write_all(escaped.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// `event` with every line break but a final one escaped, and other control characters too
/// unless `ansi` lets ESC through.
pub fn escape(event: &str, json: bool, ansi: bool) -> String {
    let (body, end) = match event.strip_suffix('\n') {
        Some(body) => (body, "\n"),
        None => (event, ""),
    };
    let mut out = String::with_capacity(event.len() + 8);
    for c in body.chars() {
        let breaks = matches!(
            c,
            '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        );
        let control = c.is_control() && c != '\t' && !(ansi && c == '\u{1b}');
        if breaks || control {
            if json {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            } else {
                out.push_str(&c.escape_default().to_string());
            }
        } else {
            out.push(c);
        }
    }
    out.push_str(end);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::fmt::MakeWriter;

    /// A writer into a shared buffer.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().map_err(|_| io::ErrorKind::Other)?.extend(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    const FORGED: &str =
        "x\n2026-12-06T00:00:00.000000Z ERROR lyceum: forged\r\u{2028}\u{85}\u{1b}[31mred";

    /// Logs one event carrying `FORGED` in its message and in two fields, and returns the output.
    fn log(json: bool, ansi: bool) -> String {
        let buffer = Buffer::default();
        let builder = tracing_subscriber::fmt()
            .with_ansi(ansi)
            .with_writer(Writer::new(buffer.clone(), json, ansi));
        let emit = || tracing::warn!(key = FORGED, debug = ?FORGED, "signed up {FORGED}");
        if json {
            tracing::subscriber::with_default(builder.json().finish(), emit);
        } else {
            tracing::subscriber::with_default(builder.finish(), emit);
        }
        let bytes = buffer.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn client_text_never_starts_a_line_in_any_format() {
        for (json, ansi) in [(false, false), (false, true), (true, false)] {
            let out = log(json, ansi);
            assert!(out.ends_with('\n'), "{out:?}");
            let body = &out[..out.len() - 1];
            for breaker in [
                '\n', '\r', '\u{0b}', '\u{0c}', '\u{85}', '\u{2028}', '\u{2029}',
            ] {
                assert!(!body.contains(breaker), "json={json} ansi={ansi}: {out:?}");
            }
            assert!(out.contains("forged"), "{out:?}");
            if !ansi {
                assert!(!out.contains('\u{1b}'), "{out:?}");
            }
            if json {
                let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
                let message = value["fields"]["message"].as_str().unwrap_or_default();
                assert!(message.contains("forged"), "{out:?}");
            }
        }
    }

    #[test]
    fn the_final_newline_and_tabs_stay() {
        assert_eq!(escape("a\tb\n", false, false), "a\tb\n");
        assert_eq!(escape("a\nb\n", false, false), "a\\nb\n");
        assert_eq!(escape("a\nb\n", true, false), "a\\u000ab\n");
        assert_eq!(escape("\u{1b}[1m", false, true), "\u{1b}[1m");
        assert_eq!(escape("\u{1b}[1m", false, false), "\\u{1b}[1m");
    }
}
