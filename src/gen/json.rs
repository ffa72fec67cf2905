//! How the generator writes JSON: always through serde_json, in one of two layouts.
//!
//! - [`line`]: one value on one line with `": "` and `", "` separators (JSON Lines
//!   records, truth lines), as exporters that write JSON Lines by default do;
//! - [`document`]: the layout of the exports people open in an editor — the top-level
//!   object one member per line, the objects and arrays directly inside it one member
//!   or element per line, and everything deeper on one line — so a transcript file
//!   shows one turn per line.

use serde::{Serialize, Serializer};
use serde_json::ser::Formatter;
use std::io::{self, Write};

/// `value` on one JSON line (no newline).
pub(crate) fn line<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> io::Result<()> {
    write(out, value, 0)
}

/// `value` as a JSON document, the top level and the level below it one member per
/// line, with a final newline.
pub(crate) fn document<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> io::Result<()> {
    write(out, value, 2)?;
    out.push(b'\n');
    Ok(())
}

fn write<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    line_levels: usize,
) -> io::Result<()> {
    let f = Layout {
        line_levels,
        stack: Vec::new(),
    };
    let mut ser = serde_json::Serializer::with_formatter(out, f);
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// A sequence serialised straight from an iterator, so a call's turns are not copied
/// into a `Vec` of borrowed views first.
pub(crate) struct SeqOf<F>(pub F);

impl<F, I> Serialize for SeqOf<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// A map serialised straight from an iterator of pairs, in the iterator's order.
pub(crate) struct MapOf<F>(pub F);

impl<F, I, K, V> Serialize for MapOf<F>
where
    F: Fn() -> I,
    I: IntoIterator<Item = (K, V)>,
    K: Serialize,
    V: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map((self.0)())
    }
}

/// One open object or array.
struct Frame {
    /// Members on their own lines.
    lines: bool,
    has_value: bool,
}

/// serde_json formatter: `": "` and `", "` separators; the containers of the first
/// `line_levels` levels put each element on its own line.
struct Layout {
    line_levels: usize,
    stack: Vec<Frame>,
}

impl Layout {
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, token: &[u8]) -> io::Result<()> {
        self.stack.push(Frame {
            lines: self.stack.len() < self.line_levels,
            has_value: false,
        });
        w.write_all(token)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, token: &[u8]) -> io::Result<()> {
        if let Some(f) = self.stack.pop()
            && f.lines
            && f.has_value
        {
            w.write_all(b"\n")?;
            indent(w, self.stack.len())?;
        }
        w.write_all(token)
    }

    fn separate<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        let depth = self.stack.len();
        let Some(f) = self.stack.last_mut() else {
            return Ok(());
        };
        f.has_value = true;
        if !first {
            w.write_all(b",")?;
        }
        if f.lines {
            w.write_all(b"\n")?;
            indent(w, depth)
        } else if !first {
            w.write_all(b" ")
        } else {
            Ok(())
        }
    }
}

fn indent<W: ?Sized + Write>(w: &mut W, depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        w.write_all(b"  ")?;
    }
    Ok(())
}

impl Formatter for Layout {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.separate(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.separate(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn document_layout_puts_one_element_per_line() {
        let v = json!({"id": "a\"b\n", "meta": {"x": 1, "y": [1, {"z": []}]}, "turns": [{"t": "hi", "s": 0.5}, {"t": "yo", "s": 1.0}], "empty": []});
        let mut out = Vec::new();
        document(&mut out, &v).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "{\n  \"empty\": [],\n  \"id\": \"a\\\"b\\n\",\n  \"meta\": {\n    \"x\": 1,\n    \"y\": [1, {\"z\": []}]\n  },\n  \"turns\": [\n    {\"s\": 0.5, \"t\": \"hi\"},\n    {\"s\": 1.0, \"t\": \"yo\"}\n  ]\n}\n"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn iterator_adapters_keep_order() {
        let keys = ["b", "a"];
        let mut out = Vec::new();
        line(
            &mut out,
            &(
                MapOf(|| keys.iter().map(|k| (*k, 1))),
                SeqOf(|| keys.iter().rev()),
            ),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"[{"b": 1, "a": 1}, ["a", "b"]]"#
        );
    }
}
