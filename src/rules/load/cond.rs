//! Reading one condition table (kind key + scope keys) into a [`RawCond`].

use super::value::{Ctx, Table, Value, as_str, as_str_list, type_error};
use crate::diagnostic::{DiagCode, Diagnostic};
use crate::rules::model::{Located, RawCond, RawKind, Scope, Window};
use crate::transcript::Speaker;
use toml::de::DeValue;

/// Keys that say what a condition tests; exactly one per condition.
pub(crate) const KIND_KEYS: &[&str] = &[
    "any",
    "all",
    "regex",
    "near",
    "before",
    "and",
    "or",
    "not",
    "meta",
    "driver",
    "item_passed",
];
/// Keys a condition may carry beside its kind key: those that narrow where it looks
/// (`speaker`, `window`), how many hits it needs (`min_count`), and in a driver's `when`
/// what it adds to the driver's score (`weight`).
pub(crate) const SCOPE_KEYS: &[&str] = &["speaker", "window", "min_count", "weight"];
/// Keys of `near = { … }`.
pub(crate) const NEAR_KEYS: &[&str] = &["a", "b", "within"];
/// Keys of `before = { … }`.
pub(crate) const BEFORE_KEYS: &[&str] = &["first", "then"];
/// Values of `speaker`.
pub(crate) const SPEAKERS: &[&str] = &["agent", "customer", "other", "any"];
/// Keys of `window = { … }`; exactly one per window.
pub(crate) const WINDOW_KEYS: &[&str] = &[
    "first_seconds",
    "last_seconds",
    "first_turns",
    "last_turns",
    "first_percent",
    "last_percent",
];

/// Read a condition. `what` names it in messages (e.g. `'require' of item "greeting"`).
/// `operand` allows the shorthand of a plain phrase list (in `near` / `before`).
pub(crate) fn read_cond(ctx: &mut Ctx, v: Value, what: &str, operand: bool) -> Option<RawCond> {
    if operand && matches!(v.get_ref(), DeValue::Array(_) | DeValue::String(_)) {
        let phrases = as_str_list(ctx, v, what)?;
        return Some(RawCond {
            loc: ctx.loc(v.span()),
            kind: RawKind::Any(phrases),
            scope: Scope::default(),
            min_count: None,
            weight: None,
        });
    }
    let Some(t) = Table::new(v, what) else {
        let expected = if operand {
            "a list of phrases or a condition table"
        } else {
            "a condition table such as { any = [\"…\"] }"
        };
        type_error(ctx, v.span(), what, expected, v.get_ref());
        return None;
    };
    let allowed: Vec<&str> = KIND_KEYS.iter().chain(SCOPE_KEYS).copied().collect();
    t.check_keys(ctx, &allowed);

    let kinds: Vec<&str> = KIND_KEYS
        .iter()
        .copied()
        .filter(|k| t.get(k).is_some())
        .collect();
    let kind_key = match kinds.as_slice() {
        [k] => *k,
        // `anyy = […]` is already reported as "did you mean 'any'?".
        [] if ctx.misspelt(t.table, KIND_KEYS) => return None,
        [] => {
            ctx.push(
                Diagnostic::new(
                    DiagCode::NoConditionKind,
                    ctx.loc(t.header_span()),
                    format!("{what} says nothing to test"),
                )
                .with_help(format!("give it one of: {}", KIND_KEYS.join(", "))),
            );
            return None;
        }
        [_, second, ..] => {
            let span = t
                .table
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == *second)
                .map_or(t.header_span(), |(k, _)| k.span());
            ctx.push(
                Diagnostic::new(
                    DiagCode::SeveralConditionKinds,
                    ctx.loc(span),
                    format!("{what} has several kind keys ({})", kinds.join(", ")),
                )
                .with_help("combine them with `and = [ {…}, {…} ]` or `or = [ … ]`"),
            );
            return None;
        }
    };
    let kv = t.get(kind_key)?;
    let inner = format!("'{kind_key}' of {what}");
    let kind = match kind_key {
        "any" => RawKind::Any(as_str_list(ctx, kv, &inner)?),
        "all" => RawKind::All(as_str_list(ctx, kv, &inner)?),
        "regex" => RawKind::Regex(as_str_list(ctx, kv, &inner)?),
        "near" => {
            let nt = table_or_error(ctx, kv, &inner)?;
            nt.check_keys(ctx, NEAR_KEYS);
            let (av, bv) = (nt.required(ctx, "a"), nt.required(ctx, "b"));
            let a = read_cond(ctx, av?, &format!("'a' of {inner}"), true);
            let b = read_cond(ctx, bv?, &format!("'b' of {inner}"), true);
            let within = nt.u32(ctx, "within").map_or(3, |w| w.value);
            RawKind::Near {
                a: Box::new(a?),
                b: Box::new(b?),
                within,
            }
        }
        "before" => {
            let bt = table_or_error(ctx, kv, &inner)?;
            bt.check_keys(ctx, BEFORE_KEYS);
            let (fv, tv) = (bt.required(ctx, "first"), bt.required(ctx, "then"));
            let first = read_cond(ctx, fv?, &format!("'first' of {inner}"), true);
            let then = read_cond(ctx, tv?, &format!("'then' of {inner}"), true);
            RawKind::Before {
                first: Box::new(first?),
                then: Box::new(then?),
            }
        }
        "and" | "or" => {
            let DeValue::Array(items) = kv.get_ref() else {
                type_error(ctx, kv.span(), &inner, "a list of conditions", kv.get_ref());
                return None;
            };
            let subs: Vec<RawCond> = items
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    read_cond(ctx, c, &format!("condition {} of {inner}", i + 1), false)
                })
                .collect();
            if subs.len() != items.len() {
                return None;
            }
            if subs.is_empty() {
                ctx.emit(DiagCode::EmptyList, kv.span(), format!("{inner} is empty"));
                return None;
            }
            if kind_key == "and" {
                RawKind::And(subs)
            } else {
                RawKind::Or(subs)
            }
        }
        "not" => RawKind::Not(Box::new(read_cond(ctx, kv, &inner, false)?)),
        "meta" => {
            let mt = table_or_error(ctx, kv, &inner)?;
            let mut pairs = Vec::new();
            for (k, val) in mt.table.iter() {
                let key = Located {
                    value: k.get_ref().to_string(),
                    loc: ctx.loc(k.span()),
                };
                let values = match val.get_ref() {
                    DeValue::String(_) | DeValue::Array(_) => {
                        as_str_list(ctx, val, &format!("'{}' of {inner}", key.value))?
                    }
                    DeValue::Integer(i) => vec![Located {
                        value: i.as_str().to_string(),
                        loc: ctx.loc(val.span()),
                    }],
                    other => {
                        type_error(
                            ctx,
                            val.span(),
                            &format!("'{}' of {inner}", key.value),
                            "a string or a list of strings",
                            other,
                        );
                        return None;
                    }
                };
                pairs.push((key, values.into_iter().map(|v| v.value).collect()));
            }
            RawKind::Meta(pairs)
        }
        "driver" => RawKind::Driver(as_str_list(ctx, kv, &inner)?),
        "item_passed" => RawKind::ItemPassed(as_str(ctx, kv, &inner)?),
        _ => unreachable!("kind keys are listed in KIND_KEYS"),
    };
    let mut scope = Scope::default();
    if let Some(sv) = t.get("speaker")
        && let Some(s) = as_str(ctx, sv, &format!("'speaker' of {what}"))
    {
        scope.speaker = match s.value.as_str() {
            "agent" => Some(Some(Speaker::Agent)),
            "customer" => Some(Some(Speaker::Customer)),
            "other" => Some(Some(Speaker::Other)),
            "any" => Some(None),
            other => {
                ctx.push(
                    Diagnostic::new(
                        DiagCode::BadValue,
                        s.loc.clone(),
                        format!("unknown speaker '{other}'"),
                    )
                    .with_help(format!("use one of: {}", SPEAKERS.join(", "))),
                );
                None
            }
        };
    }
    if let Some(wv) = t.get("window") {
        scope.window = read_window(ctx, wv, &format!("'window' of {what}"));
    }
    let min_count = t.u32(ctx, "min_count");
    if let Some(m) = &min_count {
        if !matches!(kind, RawKind::Any(_) | RawKind::All(_) | RawKind::Regex(_)) {
            ctx.push(
                Diagnostic::new(
                    DiagCode::MisplacedKey,
                    m.loc.clone(),
                    format!(
                        "'min_count' only counts phrase or regex hits, but {what} is '{kind_key}'"
                    ),
                )
                .with_help("move min_count onto the `any`, `all` or `regex` condition inside"),
            );
        } else if m.value == 0 {
            ctx.push(
                Diagnostic::new(
                    DiagCode::NeverFails,
                    m.loc.clone(),
                    "min_count = 0 always holds",
                )
                .with_help("use 1 or more, or remove the condition"),
            );
        }
    }
    let weight = t.f64(ctx, "weight");
    if let Some(w) = &weight {
        if operand {
            ctx.push(
                Diagnostic::new(
                    DiagCode::MisplacedKey,
                    w.loc.clone(),
                    format!("'weight' on {what} is never counted: a side of `near` or `before` is not scored alone"),
                )
                .with_help("put the weight on the `near` or `before` condition itself"),
            );
        } else if !(w.value.is_finite() && w.value > 0.0) {
            ctx.push(
                Diagnostic::new(
                    DiagCode::BadValue,
                    w.loc.clone(),
                    format!("'weight' must be a number above 0, not {}", w.value),
                )
                .with_help("a weight is what the condition adds to its driver's score, e.g. 1.5"),
            );
        }
    }
    Some(RawCond {
        loc: ctx.loc(v.span()),
        kind,
        scope,
        min_count,
        weight,
    })
}

fn table_or_error<'a, 'i>(ctx: &mut Ctx, v: Value<'a, 'i>, what: &str) -> Option<Table<'a, 'i>> {
    let t = Table::new(v, what.to_string());
    if t.is_none() {
        type_error(ctx, v.span(), what, "a table { … }", v.get_ref());
    }
    t
}

fn read_window(ctx: &mut Ctx, v: Value, what: &str) -> Option<Window> {
    let t = table_or_error(ctx, v, what)?;
    t.check_keys(ctx, WINDOW_KEYS);
    let present: Vec<&str> = WINDOW_KEYS
        .iter()
        .copied()
        .filter(|k| t.get(k).is_some())
        .collect();
    let [key] = present.as_slice() else {
        if present.is_empty() && ctx.misspelt(t.table, WINDOW_KEYS) {
            return None;
        }
        ctx.push(
            Diagnostic::new(
                DiagCode::BadWindow,
                ctx.loc(v.span()),
                format!(
                    "{what} must have exactly one of: {}",
                    WINDOW_KEYS.join(", ")
                ),
            )
            .with_help("to combine windows, use `and = [ {…, window = …}, {…, window = …} ]`"),
        );
        return None;
    };
    let n = t.f64(ctx, key)?;
    let bad = |ctx: &mut Ctx, msg: String| {
        ctx.push(
            Diagnostic::new(DiagCode::ImpossibleWindow, n.loc.clone(), msg)
                .with_help("no turn can ever be inside this window"),
        );
        None
    };
    if n.value <= 0.0 {
        return bad(ctx, format!("{what}: {key} = {} is empty", n.value));
    }
    if key.ends_with("percent") && n.value > 100.0 {
        return bad(
            ctx,
            format!("{what}: {key} = {} is more than 100 %", n.value),
        );
    }
    if key.ends_with("turns") && n.value.fract() != 0.0 {
        return bad(
            ctx,
            format!("{what}: {key} must be a whole number of turns"),
        );
    }
    Some(match *key {
        "first_seconds" => Window::FirstSeconds(n.value),
        "last_seconds" => Window::LastSeconds(n.value),
        "first_turns" => Window::FirstTurns(n.value as u32),
        "last_turns" => Window::LastTurns(n.value as u32),
        "first_percent" => Window::FirstPercent(n.value),
        _ => Window::LastPercent(n.value),
    })
}
