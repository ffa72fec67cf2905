//! Plain-words description of a condition, for reasons ("required: agent did not say
//! any of \"thank you for calling\", … in the first 30 s").

use super::Pack;
use crate::rules::model::Window;
use crate::rules::pack::{Cond, LeafId, LeafKind};

/// Describe a condition in one line.
pub fn describe(pack: &Pack, c: &Cond) -> String {
    match c {
        Cond::Leaf(l) => leaf(pack, *l),
        Cond::Near { a, b, within } => format!(
            "{} within {within} words of {}",
            leaf(pack, *a),
            leaf(pack, *b)
        ),
        Cond::Before { first, then } => {
            format!("{} before {}", leaf(pack, *first), leaf(pack, *then))
        }
        Cond::And(s) => s
            .iter()
            .map(|c| describe(pack, c))
            .collect::<Vec<_>>()
            .join(" and "),
        Cond::Or(s) => s
            .iter()
            .map(|c| describe(pack, c))
            .collect::<Vec<_>>()
            .join(" or "),
        Cond::Not(s) => format!("not ({})", describe(pack, s)),
        Cond::Weighted { cond, .. } => describe(pack, cond),
        Cond::Meta(pairs) => pairs
            .iter()
            .map(|(k, v)| format!("{k} is {}", v.join("/")))
            .collect::<Vec<_>>()
            .join(" and "),
        Cond::Driver(ds) => format!(
            "driver {}",
            ds.iter()
                .map(|d| pack.drivers[*d as usize].id.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        Cond::ItemPassed(i) => format!("item {} passed", pack.items[*i as usize].id),
    }
}

/// What is missing when a required condition does not hold: "agent did not say any of
/// …" for a phrase or regex condition, "not found: …" for a combination.
pub fn missing(pack: &Pack, c: &Cond) -> String {
    match c {
        Cond::Leaf(l) => leaf_said(pack, *l, false),
        _ => format!("not found: {}", describe(pack, c)),
    }
}

fn leaf(pack: &Pack, id: LeafId) -> String {
    leaf_said(pack, id, true)
}

fn leaf_said(pack: &Pack, id: LeafId, said: bool) -> String {
    let l = &pack.leaves[id as usize];
    let who = match (l.speaker, said) {
        (Some(s), _) => s.as_str(),
        (None, true) => "anyone",
        (None, false) => "nobody",
    };
    let verb = match (l.speaker, said) {
        (_, true) | (None, false) => "said",
        (Some(_), false) => "did not say",
    };
    let shown: Vec<String> = l.terms.iter().take(3).map(|t| format!("\"{t}\"")).collect();
    let more = if l.terms.len() > 3 {
        format!(", … ({} in all)", l.terms.len())
    } else {
        String::new()
    };
    let what = match l.kind {
        LeafKind::Any => format!("any of {}{more}", shown.join(", ")),
        LeafKind::All => format!("all of {}{more}", shown.join(", ")),
        LeafKind::Regex => format!("a match of {}{more}", shown.join(", ")),
    };
    let times = if l.min_count > 1 {
        format!(" at least {} times", l.min_count)
    } else {
        String::new()
    };
    let window = match l.window {
        None => String::new(),
        Some(Window::FirstSeconds(s)) => format!(" in the first {s} s"),
        Some(Window::LastSeconds(s)) => format!(" in the last {s} s"),
        Some(Window::FirstTurns(1)) => " in the first turn".to_string(),
        Some(Window::LastTurns(1)) => " in the last turn".to_string(),
        Some(Window::FirstTurns(n)) => format!(" in the first {n} turns"),
        Some(Window::LastTurns(n)) => format!(" in the last {n} turns"),
        Some(Window::FirstPercent(p)) => format!(" in the first {p} % of the call"),
        Some(Window::LastPercent(p)) => format!(" in the last {p} % of the call"),
    };
    format!("{who} {verb} {what}{times}{window}")
}
