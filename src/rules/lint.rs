//! Conditions that can never hold. Only checks that are sound — a condition flagged
//! here holds on no call at all — are errors; nothing is guessed.
//!
//! - `and` of two `meta` conditions on the same field with no value in common
//!   (`channel = "voice"` and `channel = "chat"`): a field has one value per call.
//! - `near` whose two sides only look at turns of two different speakers: both hits
//!   must be in the same turn, and a turn has one speaker.
//!
//! (A driver whose `when` names another driver is fine in any order: drivers are found
//! in dependency order; a circle of drivers is a `reference-cycle` error of the compiler.)

use super::model::*;
use crate::diagnostic::{DiagCode, Diagnostic, Loc, SourceMap};
use crate::transcript::Speaker;
use std::collections::HashMap;

/// Append an error for every condition of the pack that can never hold.
pub(crate) fn never_holds(raw: &RawPack, sources: &SourceMap, diags: &mut Vec<Diagnostic>) {
    let mut l = Lint { sources, diags };
    for d in &raw.drivers {
        l.cond(&d.when, None);
    }
    for it in &raw.items {
        l.cond(&it.cond, None);
        if let Some(a) = &it.applies_when {
            l.cond(a, None);
        }
    }
}

struct Lint<'a, 'd> {
    sources: &'a SourceMap,
    diags: &'d mut Vec<Diagnostic>,
}

impl Lint<'_, '_> {
    fn at(&self, loc: &Loc) -> String {
        let (line, col) = self.sources.line_col(loc.file, loc.span.start);
        format!("{}:{line}:{col}", self.sources.path(loc.file).display())
    }

    fn cond(&mut self, c: &RawCond, speaker: Option<Speaker>) {
        let speaker = match c.scope.speaker {
            Some(s) => s,
            None => speaker,
        };
        match &c.kind {
            RawKind::And(subs) => {
                self.contradicting_meta(subs);
                subs.iter().for_each(|s| self.cond(s, speaker));
            }
            RawKind::Or(subs) => subs.iter().for_each(|s| self.cond(s, speaker)),
            RawKind::Not(s) => self.cond(s, speaker),
            RawKind::Near { a, b, .. } => {
                let sa = a.scope.speaker.unwrap_or(speaker);
                let sb = b.scope.speaker.unwrap_or(speaker);
                if let (Some(x), Some(y)) = (sa, sb)
                    && x != y
                {
                    self.diags.push(
                        Diagnostic::new(
                            DiagCode::NeverHolds,
                            c.loc.clone(),
                            format!(
                                "this `near` can never hold: 'a' only looks at {} turns and 'b' only at {} turns, but both must be in the same turn",
                                x.as_str(),
                                y.as_str()
                            ),
                        )
                        .with_help("to find one after the other across turns use `before`; to find both anywhere use `and`"),
                    );
                }
            }
            _ => {}
        }
    }

    /// `and = [{ meta = { channel = "voice" } }, { meta = { channel = "chat" } }]`.
    fn contradicting_meta(&mut self, subs: &[RawCond]) {
        let mut metas: Vec<&RawCond> = Vec::new();
        flatten_and(subs, &mut metas);
        // field -> (values still possible, values first required, where)
        let mut seen: HashMap<&str, (Vec<String>, Vec<String>, &Loc)> = HashMap::new();
        for m in metas {
            let RawKind::Meta(pairs) = &m.kind else {
                continue;
            };
            for (key, values) in pairs {
                let values: Vec<String> = values.iter().map(|v| v.to_lowercase()).collect();
                let Some((possible, first_values, first)) = seen.get_mut(key.value.as_str()) else {
                    seen.insert(&key.value, (values.clone(), values, &key.loc));
                    continue;
                };
                if possible.is_empty() {
                    continue; // already reported
                }
                possible.retain(|v| values.contains(v));
                if possible.is_empty() {
                    let first_at = self.at(first);
                    self.diags.push(
                        Diagnostic::new(
                            DiagCode::NeverHolds,
                            key.loc.clone(),
                            format!(
                                "this `and` can never hold: metadata '{}' would have to be {} and {} at once",
                                key.value,
                                quoted(first_values),
                                quoted(&values)
                            ),
                        )
                        .with_help(format!(
                            "the first value is required at {first_at}; a call has one value per metadata field (did you mean `or`?)"
                        )),
                    );
                }
            }
        }
    }
}

/// The `meta` conditions that must all hold: direct children of an `and`, and
/// children of `and`s nested in it.
fn flatten_and<'a>(subs: &'a [RawCond], out: &mut Vec<&'a RawCond>) {
    for s in subs {
        match &s.kind {
            RawKind::And(inner) => flatten_and(inner, out),
            RawKind::Meta(_) => out.push(s),
            _ => {}
        }
    }
}

fn quoted(values: &[String]) -> String {
    let q: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    match q.len() {
        1 => q[0].clone(),
        _ => format!("one of {}", q.join(", ")),
    }
}
