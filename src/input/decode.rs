//! Bytes → text. Contact-center exports come in UTF-8 (with or without BOM),
//! UTF-16 from Windows tools, and GBK/GB18030 from Chinese platforms; this module
//! picks the encoding and refuses binary data with a located, actionable error
//! instead of scoring garbage. A whole file, stdin read whole and each JSON Lines
//! record go through [`decode`], so `--encoding` means the same for all of them.
//!
//! Detection order (the first that applies wins):
//! 1. `ReadOptions::encoding`, if set (its own BOM is stripped);
//! 2. a byte-order mark: UTF-8 (`EF BB BF`), UTF-16LE (`FF FE`), UTF-16BE (`FE FF`);
//! 3. valid UTF-8 without NUL bytes;
//! 4. BOM-less UTF-16 when every other byte is NUL (ASCII-range text saved as UTF-16);
//! 5. GB18030 (a superset of GBK / GB2312) when the bytes decode without error;
//! 6. otherwise the input is "not text" and a [`ReadError`] says where it went wrong.

use super::common::{ReadError, ReadOptions};
use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

const HINT: &str =
    "convert the file to UTF-8, or pass --encoding LABEL (e.g. gbk, utf-16le, windows-1252)";

/// Decode a whole input to text (detection order in the module docs).
pub fn decode<'a>(
    bytes: &'a [u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<Cow<'a, str>, ReadError> {
    let not_text = |reason: String| ReadError::new(source, reason).with_hint(HINT);
    if bytes.is_empty() {
        return Err(empty(source));
    }
    if let Some(enc) = opts.encoding {
        let body = strip_own_bom(enc, bytes);
        let text = enc
            .decode_without_bom_handling_and_without_replacement(body)
            .ok_or_else(|| {
                ReadError::new(source, format!("not text: not valid {}", enc.name()))
                    .with_hint("check the --encoding label, or leave it out to detect the encoding")
            })?;
        return finish(text, source);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(s) => finish(Cow::Borrowed(s), source),
            Err(e) => Err(not_text(format!(
                "not text: invalid UTF-8 at byte {} after a UTF-8 byte-order mark",
                e.valid_up_to() + 3
            ))),
        };
    }
    for (bom, enc) in [(b"\xFF\xFE", UTF_16LE), (b"\xFE\xFF", UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return match enc.decode_without_bom_handling_and_without_replacement(rest) {
                Some(s) => finish(s, source),
                None => Err(not_text(format!(
                    "not text: invalid {} after its byte-order mark",
                    enc.name()
                ))),
            };
        }
    }
    let nul = memchr::memchr(0, bytes);
    if let Some(pos) = nul {
        if let Some(enc) = bomless_utf16(bytes)
            && let Some(s) = enc.decode_without_bom_handling_and_without_replacement(bytes)
        {
            return finish(s, source);
        }
        return Err(not_text(format!("not text: binary data at byte {pos}")));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => finish(Cow::Borrowed(s), source),
        Err(e) => match GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
            Some(s) if !looks_binary(&s) => finish(s, source),
            _ => Err(not_text(format!(
                "not text: invalid byte sequence at byte {} (not UTF-8, UTF-16 or GB18030)",
                e.valid_up_to()
            ))),
        },
    }
}

fn empty(source: &str) -> ReadError {
    ReadError::new(source, "empty file")
        .with_hint("the file has no content; remove it from the input or re-export it")
}

/// Final checks on decoded text: not empty, no NUL, not mostly control characters.
fn finish<'a>(text: Cow<'a, str>, source: &str) -> Result<Cow<'a, str>, ReadError> {
    if text.is_empty() {
        return Err(empty(source));
    }
    if let Some(pos) = text.find('\0') {
        return Err(
            ReadError::new(source, format!("not text: binary data at byte {pos}")).with_hint(HINT),
        );
    }
    if looks_binary(&text) {
        return Err(ReadError::new(source, "not text: mostly control characters").with_hint(HINT));
    }
    Ok(text)
}

/// More than 5% C0 control characters (other than tab, newlines, form feed) in the
/// first 64 KiB characters: that is not a transcript.
///
/// Counted on bytes, not `char`s, because every input passes here: a C0 control is one
/// byte in UTF-8, and a character is a byte that is not a continuation byte
/// (`10xxxxxx`). The loop has no branches the compiler cannot turn into vector code.
fn looks_binary(text: &str) -> bool {
    const CHARS: usize = 65_536;
    // Characters end where the 65 537th starts (or at the end of the text).
    let bytes = text.as_bytes();
    let mut total = 0usize;
    let mut ctrl = 0usize;
    for block in bytes.chunks(4096) {
        let starts = count_bytes(block, is_char_start);
        if total + starts > CHARS {
            // The last block: count character by character up to the limit.
            for &b in block {
                if is_char_start(b) {
                    if total == CHARS {
                        break;
                    }
                    total += 1;
                }
                ctrl += usize::from(is_binary_control(b));
            }
            break;
        }
        total += starts;
        ctrl += count_bytes(block, is_binary_control);
    }
    total > 0 && ctrl * 20 > total
}

/// How many bytes of `bytes` satisfy `test`, counted in byte-wide lanes (255 at most per
/// lane sum), which the compiler vectorises.
fn count_bytes(bytes: &[u8], test: impl Fn(u8) -> bool) -> usize {
    bytes
        .chunks(255)
        .map(|c| usize::from(c.iter().fold(0u8, |n, &b| n + u8::from(test(b)))))
        .sum()
}

/// The first byte of a UTF-8 character: not a continuation byte `10xxxxxx`.
fn is_char_start(b: u8) -> bool {
    (b as i8) >= -0x40
}

/// A C0 control byte other than tab, line feed, carriage return and form feed (NUL
/// included).
fn is_binary_control(b: u8) -> bool {
    // `&`, not `&&`: comparisons without branches, which the compiler turns into vector code.
    (b < b' ') & (b != b'\t') & (b != b'\n') & (b != b'\r') & (b != 0x0c)
}

/// BOM-less UTF-16 of mostly ASCII-range text: at least 90% of the odd (LE) or even
/// (BE) bytes are NUL while the others mostly are not.
fn bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(8192)];
    let pairs = sample.len() / 2;
    let (mut even0, mut odd0) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even0 += usize::from(pair[0] == 0);
        odd0 += usize::from(pair[1] == 0);
    }
    if odd0 * 10 >= pairs * 9 && even0 * 10 <= pairs {
        Some(UTF_16LE)
    } else if even0 * 10 >= pairs * 9 && odd0 * 10 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// `bytes` without `enc`'s own byte-order mark, if it starts with it.
fn strip_own_bom<'a>(enc: &'static Encoding, bytes: &'a [u8]) -> &'a [u8] {
    let bom: &[u8] = if enc == UTF_8 {
        b"\xEF\xBB\xBF"
    } else if enc == UTF_16LE {
        b"\xFF\xFE"
    } else if enc == UTF_16BE {
        b"\xFE\xFF"
    } else {
        return bytes;
    };
    bytes.strip_prefix(bom).unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The rule as first written, on characters: the byte count must agree with it.
    fn looks_binary_by_chars(text: &str) -> bool {
        let (mut total, mut ctrl) = (0usize, 0usize);
        for c in text.chars().take(65_536) {
            total += 1;
            if (c < ' ' && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) || c == '\0' {
                ctrl += 1;
            }
        }
        total > 0 && ctrl * 20 > total
    }

    proptest! {
        #[test]
        fn looks_binary_counts_characters_like_the_char_rule(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("a".to_string()), Just("\u{1}".to_string()), Just("\t".to_string()),
                    Just("é".to_string()), Just("退款".to_string()), Just("\u{7}\u{8}".to_string()),
                    Just("😀".to_string()), Just("\n".to_string()), Just("\u{c}".to_string()),
                ],
                0..200,
            ),
            pad in 0usize..3,
        ) {
            let text = parts.concat();
            prop_assert_eq!(looks_binary(&text), looks_binary_by_chars(&text));
            // Around the 64 Ki-character limit, where the byte loop stops.
            let long = format!("{}{}", "é".repeat(65_536 - 100 + pad * 50), text);
            prop_assert_eq!(looks_binary(&long), looks_binary_by_chars(&long));
            let ctrl_long = format!("{}{}", "\u{1}".repeat(3_300 + pad), "x".repeat(62_000 + pad * 40));
            prop_assert_eq!(looks_binary(&ctrl_long), looks_binary_by_chars(&ctrl_long));
        }
    }

    use super::*;

    fn dec(bytes: &[u8]) -> Result<String, ReadError> {
        decode(bytes, "f.txt", &ReadOptions::default()).map(|c| c.into_owned())
    }

    #[test]
    fn utf8_plain_is_borrowed() {
        let c = decode("Agent: hi".as_bytes(), "f", &ReadOptions::default()).unwrap();
        assert!(matches!(c, Cow::Borrowed("Agent: hi")));
    }

    #[test]
    fn utf8_bom_is_stripped() {
        assert_eq!(dec(b"\xEF\xBB\xBFAgent: hi").unwrap(), "Agent: hi");
    }

    #[test]
    fn utf16le_and_be_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in "坐席：您好".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(dec(&le).unwrap(), "坐席：您好");
        assert_eq!(dec(&be).unwrap(), "坐席：您好");
    }

    #[test]
    fn utf16le_without_bom_ascii() {
        let mut le = Vec::new();
        for u in "Agent: hello\nCustomer: hi\n".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(dec(&le).unwrap(), "Agent: hello\nCustomer: hi\n");
    }

    #[test]
    fn gbk_is_detected() {
        let (bytes, _, bad) = GB18030.encode("客户：我的订单还没到。");
        assert!(!bad);
        assert!(std::str::from_utf8(&bytes).is_err());
        assert_eq!(dec(&bytes).unwrap(), "客户：我的订单还没到。");
    }

    #[test]
    fn forced_encoding_wins() {
        let bytes = b"caf\xe9";
        assert!(dec(bytes).is_err());
        let opts = ReadOptions {
            encoding: Encoding::for_label(b"windows-1252"),
            ..Default::default()
        };
        assert_eq!(decode(bytes, "f", &opts).unwrap(), "café");
        let opts = ReadOptions {
            encoding: Some(UTF_8),
            ..Default::default()
        };
        let e = decode(b"\xff\xfe\xfd", "f", &opts).unwrap_err();
        assert_eq!(e.reason, "not text: not valid UTF-8");
    }

    #[test]
    fn empty_and_binary() {
        assert_eq!(dec(b"").unwrap_err().reason, "empty file");
        assert_eq!(dec(b"\xEF\xBB\xBF").unwrap_err().reason, "empty file");
        let mut junk = b"Agent: hello there ".to_vec();
        junk.extend_from_slice(&[0x00, 0x9f, 0x12, 0xff, 0x00, 0x01]);
        let e = dec(&junk).unwrap_err();
        assert_eq!(e.reason, "not text: binary data at byte 19");
        assert_eq!(e.source, "f.txt");
        assert!(e.hint.as_deref().unwrap().contains("--encoding LABEL"));
        let e = dec(b"ok \x80\xff\xfe").unwrap_err();
        assert!(
            e.reason
                .starts_with("not text: invalid byte sequence at byte 3"),
            "{}",
            e.reason
        );
        let e = dec(b"\x01\x02\x03\x04\x05\x06\x07\x08abc").unwrap_err();
        assert_eq!(e.reason, "not text: mostly control characters");
        // Not UTF-8 but valid GB18030 (丂 then controls): bytes that only decode as
        // GB18030 into mostly control characters are named as undecodable, not as text.
        let mut gb = b"\x81\x40".to_vec();
        gb.extend_from_slice(&[0x01; 40]);
        assert_eq!(
            dec(&gb).unwrap_err().reason,
            "not text: invalid byte sequence at byte 0 (not UTF-8, UTF-16 or GB18030)"
        );
    }
}
