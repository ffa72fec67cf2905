//! Run-wide default metadata: `--meta KEY=VALUE` (repeatable) for what a whole batch
//! shares but its files do not say — the channel of a folder of chat exports, the queue
//! of a night's export, the site. Known keys (agent, team, queue, channel, started_at,
//! customer_id, csat, nps, human_qa_score, self_score, language and their aliases) fill
//! the typed fields; any other key goes to `extra`.
//!
//! Defaults are the last source of metadata: `prepare_call` applies them after the
//! call's own metadata and the side CSV, and they fill only what is still missing.

use super::common::meta::{self, Key};
use crate::transcript::Metadata;

/// Parse one `KEY=VALUE` argument, checking the value the way the key needs (a number
/// for csat, nps, human_qa_score, self_score). The error says what to write instead.
pub fn parse_pair(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("expected KEY=VALUE, e.g. channel=voice (got {s:?})"))?;
    let (k, v) = (k.trim(), v.trim());
    if k.is_empty() {
        return Err(format!(
            "expected KEY=VALUE with a key, e.g. queue=billing (got {s:?})"
        ));
    }
    let mut scratch = Metadata::default();
    apply(&mut scratch, k, v)?;
    Ok((k.to_string(), v.to_string()))
}

/// The default metadata of `pairs` (later pairs win over earlier ones).
pub fn from_pairs(pairs: &[(String, String)]) -> Result<Metadata, String> {
    let mut m = Metadata::default();
    for (k, v) in pairs {
        apply(&mut m, k, v)?;
    }
    Ok(m)
}

fn apply(m: &mut Metadata, k: &str, v: &str) -> Result<(), String> {
    match meta::key_of(k) {
        Some(Key::CallId) => Err(format!(
            "{k} cannot be a default: every call has its own id"
        )),
        Some(key) => meta::set(m, key, v).map_err(|e| format!("{k}: {e}")),
        None => {
            if !v.is_empty() {
                m.extra.insert(k.to_string(), v.to_string());
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_and_errors() {
        assert_eq!(
            parse_pair(" queue = billing ").unwrap(),
            ("queue".to_string(), "billing".to_string())
        );
        assert!(
            parse_pair("team")
                .unwrap_err()
                .contains("expected KEY=VALUE")
        );
        assert!(parse_pair("=x").unwrap_err().contains("with a key"));
        assert_eq!(
            parse_pair("csat=great").unwrap_err(),
            "csat: expected a number, got \"great\""
        );
        assert!(parse_pair("call_id=x").unwrap_err().contains("own id"));
        let m = from_pairs(&[
            ("Channel".into(), "Chat".into()),
            ("site".into(), "berlin".into()),
            ("nps".into(), "9".into()),
        ])
        .unwrap();
        assert_eq!(m.channel.as_deref(), Some("chat"));
        assert_eq!(m.nps, Some(9.0));
        assert_eq!(m.extra["site"], "berlin");
    }
}
