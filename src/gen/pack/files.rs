//! The pack's TOML files, built as `toml_edit` documents from the phrase lists of
//! [`super`] (so what the generator plants and what the pack looks for cannot drift),
//! laid out for a QA lead to read: one `[[item]]` per block with its `[item.require]` /
//! `[item.forbid]` table, one example per line, a comment at the top of each file.
//! The lexicons and `pack.toml` are fixed files.

use super::*;
use std::io;
use std::path::Path;
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

/// Write the pack into `dir`: `pack.toml`, `scorecard/*.toml`, `drivers.toml`,
/// `sentiment/*.toml`, and `scorecard/scale.toml` when `phrases` asks for more phrases
/// than the core pack has or `regexes > 0`.
pub fn write_pack(dir: &Path, phrases: usize, regexes: usize) -> io::Result<()> {
    std::fs::create_dir_all(dir.join("scorecard"))?;
    std::fs::create_dir_all(dir.join("sentiment"))?;
    std::fs::write(dir.join("pack.toml"), PACK_TOML)?;
    std::fs::write(dir.join("scorecard/opening.toml"), opening())?;
    std::fs::write(dir.join("scorecard/compliance.toml"), compliance())?;
    std::fs::write(dir.join("scorecard/resolution.toml"), resolution())?;
    std::fs::write(dir.join("scorecard/closing.toml"), closing())?;
    std::fs::write(dir.join("drivers.toml"), drivers())?;
    std::fs::write(dir.join("sentiment/en.toml"), LEX_EN)?;
    std::fs::write(dir.join("sentiment/zh.toml"), LEX_ZH)?;
    std::fs::write(dir.join("sentiment/fa.toml"), LEX_FA)?;
    let extra = phrases.saturating_sub(core_phrase_count());
    let scale = dir.join("scorecard/scale.toml");
    if extra > 0 || regexes > 0 {
        std::fs::write(&scale, scale_items(extra, regexes))?;
    } else if scale.exists() {
        std::fs::remove_file(&scale)?;
    }
    Ok(())
}

const PACK_TOML: &str = r#"# Rule pack written by `callscore gen --rules-out`: the scorecard and driver taxonomy the
# generated corpus was planted against (see the truth file written beside the corpus).

[pack]
name = "callscore-gen"
version = "1.0.0"
description = "Synthetic-corpus pack: 11 core items in 4 sections, 10 drivers in 6 departments, en/zh/fa lexicons. Items in section `scale` are load only and not part of the truth."

[scoring]
auto_fail_score = 0
"#;

/// All languages' phrases as one array (on one line: the scaling lists run to
/// thousands of phrases).
fn list(p: &PerLang) -> Array {
    p.iter().flat_map(|l| l.iter().copied()).collect()
}

/// An inline table `{ k = v, … }` in the given key order.
fn inline<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::InlineTable(pairs.into_iter().collect::<InlineTable>())
}

/// A `[item.require]`-style table with the given keys, in order.
fn table<const N: usize>(pairs: [(&str, Value); N]) -> Table {
    let mut t = Table::new();
    for (k, v) in pairs {
        t.insert(k, Item::Value(v));
    }
    t
}

/// One-turn examples of an item: `(text, speaker, at seconds, hit?)`.
type Example = (&'static str, &'static str, f64, bool);

/// The `examples` array, one inline table per line.
fn examples(list: &[Example]) -> Array {
    let mut a = Array::new();
    for &(text, speaker, at, hit) in list {
        a.push(inline([
            ("text", text.into()),
            ("speaker", speaker.into()),
            ("at", at.into()),
            ("expect", if hit { "hit" } else { "no-hit" }.into()),
        ]));
    }
    for v in a.iter_mut() {
        v.decor_mut().set_prefix("\n  ");
    }
    a.set_trailing_comma(true);
    a.set_trailing("\n");
    a
}

/// What an item says besides its condition.
struct Head {
    id: &'static str,
    name: &'static str,
    section: &'static str,
    weight: i64,
    critical: bool,
    description: &'static str,
    examples: &'static [Example],
}

/// `require` or `forbid`.
enum Rule {
    Require(Table),
    Forbid(Table),
}

/// One `[[item]]` table: the head, `applies_when` if any, then `[item.require]` or
/// `[item.forbid]`.
fn item(h: Head, applies_when: Option<Value>, rule: Rule) -> Table {
    let mut t = table([
        ("id", h.id.into()),
        ("name", h.name.into()),
        ("description", h.description.into()),
        ("section", h.section.into()),
        ("weight", h.weight.into()),
        ("critical", h.critical.into()),
    ]);
    if !h.examples.is_empty() {
        t.insert("examples", Item::Value(Value::Array(examples(h.examples))));
    }
    if let Some(a) = applies_when {
        t.insert("applies_when", Item::Value(a));
    }
    let (key, mut cond) = match rule {
        Rule::Require(c) => ("require", c),
        Rule::Forbid(c) => ("forbid", c),
    };
    cond.decor_mut().set_prefix("\n");
    t.insert(key, Item::Table(cond));
    t
}

/// A file of `[[key]]` tables under a top comment, a blank line between tables.
fn file(comment: &str, key: &str, tables: Vec<Table>) -> String {
    let mut doc = DocumentMut::new();
    append(&mut doc, key, tables);
    with_comment(comment, doc)
}

fn append(doc: &mut DocumentMut, key: &str, tables: Vec<Table>) {
    let mut aot = ArrayOfTables::new();
    for mut t in tables {
        t.decor_mut().set_prefix("\n");
        aot.push(t);
    }
    doc.insert(key, Item::ArrayOfTables(aot));
}

fn with_comment(comment: &str, doc: DocumentMut) -> String {
    let mut out = String::new();
    for line in comment.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&doc.to_string());
    out
}

/// An agent-scoped condition: `speaker = "agent"`, the `window` (if any), then the
/// kind key and any further keys.
fn agent_cond(window: Option<Value>, keys: Vec<(&str, Value)>) -> Table {
    let mut t = table([("speaker", "agent".into())]);
    if let Some(w) = window {
        t.insert("window", Item::Value(w));
    }
    for (k, v) in keys {
        t.insert(k, Item::Value(v));
    }
    t
}

fn any(p: &PerLang) -> Vec<(&'static str, Value)> {
    vec![("any", Value::Array(list(p)))]
}

fn window(key: &str, n: i64) -> Option<Value> {
    Some(inline([(key, n.into())]))
}

fn opening() -> String {
    let items = vec![
        item(
            Head {
                id: "greeting",
                name: "Greets with the company name",
                section: "opening",
                weight: 10,
                critical: false,
                description: "The agent names Acme in a turn that starts in the first 30 seconds.",
                examples: &[
                    ("Thank you for calling Acme.", "agent", 1.0, true),
                    ("您好，感谢致电艾克美。", "agent", 1.0, true),
                    ("سلام، به اکمه خوش آمدید.", "agent", 1.0, true),
                    ("Thank you for calling Acme.", "agent", 45.0, false),
                    ("Welcome to Acme.", "customer", 1.0, false),
                ],
            },
            None,
            Rule::Require(agent_cond(window("first_seconds", 30), any(&GREETING))),
        ),
        item(
            Head {
                id: "introduction",
                name: "Agent introduces themself",
                section: "opening",
                weight: 6,
                critical: false,
                description: "The agent gives their name within the first three turns of the conversation.",
                examples: &[
                    ("My name is Sarah.", "agent", 1.0, true),
                    ("我是客服小李。", "agent", 1.0, true),
                    ("اسم من رضا است.", "agent", 1.0, true),
                    ("Hi, my name is John.", "customer", 5.0, false),
                ],
            },
            None,
            Rule::Require(agent_cond(window("first_turns", 3), any(&INTRODUCTION))),
        ),
    ];
    file("Section: opening.", "item", items)
}

fn compliance() -> String {
    let items = vec![
        item(
            Head {
                id: "recording_disclosure",
                name: "Discloses call recording (voice)",
                section: "compliance",
                weight: 12,
                critical: false,
                description: "On voice calls the agent says the call is recorded in a turn starting in the first minute.",
                examples: &[
                    (
                        "This call may be recorded for quality purposes.",
                        "agent",
                        5.0,
                        true,
                    ),
                    ("本次通话将被录音。", "agent", 5.0, true),
                    ("این تماس ضبط می‌شود.", "agent", 5.0, true),
                    ("This call may be recorded.", "agent", 90.0, false),
                    ("Wait, this call is recorded?", "customer", 10.0, false),
                ],
            },
            Some(inline([("meta", inline([("channel", "voice".into())]))])),
            Rule::Require(agent_cond(window("first_seconds", 60), any(&RECORDING))),
        ),
        item(
            Head {
                id: "verification",
                name: "Verifies identity before confirming it",
                section: "compliance",
                weight: 10,
                critical: false,
                description: "The agent asks to verify the customer's identity and later confirms it, in that order.",
                examples: &[
                    (
                        "I need to verify your identity first. Thank you, you are verified.",
                        "agent",
                        20.0,
                        true,
                    ),
                    (
                        "Thank you, you are verified. I need to verify your identity.",
                        "agent",
                        20.0,
                        false,
                    ),
                    (
                        "为了核实您的身份，请提供姓名。好的，身份已核实。",
                        "agent",
                        20.0,
                        true,
                    ),
                ],
            },
            None,
            Rule::Require(agent_cond(
                None,
                vec![(
                    "before",
                    inline([
                        ("first", Value::Array(list(&VERIFY_ASK))),
                        ("then", Value::Array(list(&VERIFY_DONE))),
                    ]),
                )],
            )),
        ),
        item(
            Head {
                id: "no_guarantee",
                name: "No guarantees",
                section: "compliance",
                weight: 15,
                critical: true,
                description: "The agent never guarantees an outcome; saying so auto-fails the call.",
                examples: &[
                    ("I guarantee it will be fixed tonight.", "agent", 30.0, true),
                    ("我保证明天就能解决。", "agent", 30.0, true),
                    ("I guarantee you I paid that bill.", "customer", 30.0, false),
                ],
            },
            None,
            Rule::Forbid(agent_cond(None, any(&GUARANTEE))),
        ),
    ];
    file("Section: compliance.", "item", items)
}

fn resolution() -> String {
    let items = vec![
        item(
            Head {
                id: "empathy",
                name: "Apologises at least twice",
                section: "resolution",
                weight: 8,
                critical: false,
                description: "The agent apologises for the trouble at least twice in the conversation.",
                examples: &[
                    (
                        "I'm sorry about that. I apologize for the trouble.",
                        "agent",
                        20.0,
                        true,
                    ),
                    ("I'm sorry about that.", "agent", 20.0, false),
                    ("非常抱歉。真是抱歉。", "agent", 20.0, true),
                ],
            },
            None,
            Rule::Require(agent_cond(
                None,
                [("min_count", Value::from(2))]
                    .into_iter()
                    .chain(any(&APOLOGY))
                    .collect(),
            )),
        ),
        item(
            Head {
                id: "hold_thanks",
                name: "Thanks the customer for holding",
                section: "resolution",
                weight: 5,
                critical: false,
                description: "When the agent puts the customer on hold, they thank them for holding afterwards.",
                examples: &[("Thank you for holding.", "agent", 90.0, true)],
            },
            Some(inline([
                ("any", Value::Array(list(&HOLD))),
                ("speaker", "agent".into()),
            ])),
            Rule::Require(agent_cond(None, any(&HOLD_THANKS))),
        ),
        item(
            Head {
                id: "refund_timeline",
                name: "Gives the refund timeline",
                section: "resolution",
                weight: 8,
                critical: false,
                description: "On refund calls the agent says how many business days the refund takes.",
                examples: &[
                    (
                        "The refund takes 5 to 7 business days.",
                        "agent",
                        60.0,
                        true,
                    ),
                    ("退款将在3到5个工作日内到账。", "agent", 60.0, true),
                    (
                        "The refund is approved on our side, and the bank usually needs some extra time, so count on about ten business days.",
                        "agent",
                        60.0,
                        false,
                    ),
                ],
            },
            Some(inline([("driver", "billing/refund".into())])),
            Rule::Require(agent_cond(
                None,
                vec![(
                    "near",
                    inline([
                        ("a", Value::Array(list(&REFUND_WORD))),
                        ("b", Value::Array(list(&BUSINESS_DAYS))),
                        ("within", 8.into()),
                    ]),
                )],
            )),
        ),
        item(
            Head {
                id: "no_rudeness",
                name: "No dismissive language",
                section: "resolution",
                weight: 6,
                critical: false,
                description: "The agent does not tell the customer to calm down.",
                examples: &[
                    ("Sir, you need to calm down.", "agent", 30.0, true),
                    ("Okay, I will calm down.", "customer", 30.0, false),
                ],
            },
            None,
            Rule::Forbid(agent_cond(None, any(&RUDE))),
        ),
    ];
    file("Section: resolution.", "item", items)
}

fn closing() -> String {
    let items = vec![
        item(
            Head {
                id: "anything_else",
                name: "Offers further help at the end",
                section: "closing",
                weight: 6,
                critical: false,
                description: "In the last four turns the agent asks whether there is anything else.",
                examples: &[
                    (
                        "Is there anything else I can help you with?",
                        "agent",
                        100.0,
                        true,
                    ),
                    ("请问还有什么可以帮您的吗？", "agent", 100.0, true),
                ],
            },
            None,
            Rule::Require(agent_cond(window("last_turns", 4), any(&ANYTHING_ELSE))),
        ),
        item(
            Head {
                id: "farewell",
                name: "Closes with the company name",
                section: "closing",
                weight: 6,
                critical: false,
                description: "In the last two turns the agent thanks the customer for choosing Acme.",
                examples: &[
                    (
                        "Thank you for choosing Acme, have a nice day.",
                        "agent",
                        100.0,
                        true,
                    ),
                    ("感谢您选择艾克美，再见。", "agent", 100.0, true),
                ],
            },
            None,
            Rule::Require(agent_cond(window("last_turns", 2), any(&FAREWELL))),
        ),
    ];
    file("Section: closing.", "item", items)
}

fn drivers() -> String {
    let mut doc = DocumentMut::new();
    let departments = DEPARTMENTS
        .iter()
        .map(|&(id, name, cost)| {
            table([
                ("id", id.into()),
                ("name", name.into()),
                ("cost_per_hour", cost.into()),
            ])
        })
        .collect();
    append(&mut doc, "department", departments);
    let drivers = DRIVERS
        .iter()
        .map(|d| {
            let mut example = Array::new();
            example.push(inline([
                ("text", d.phrases[0][0].into()),
                ("expect", "hit".into()),
            ]));
            table([
                ("id", d.id.into()),
                ("name", d.name.into()),
                ("department", d.department.into()),
                ("examples", Value::Array(example)),
                (
                    "when",
                    inline([
                        ("any", Value::Array(list(&d.phrases))),
                        ("speaker", "customer".into()),
                    ]),
                ),
            ])
        })
        .collect();
    append(&mut doc, "driver", drivers);
    with_comment(
        "Contact drivers: customer phrases only; no phrase is shared by two drivers.",
        doc,
    )
}

fn scale_items(extra_phrases: usize, regexes: usize) -> String {
    let mut tables = Vec::new();
    let per_item = extra_phrases.div_ceil(SCALE_ITEMS).max(1);
    let items = extra_phrases.div_ceil(per_item);
    let mut next = [0usize; 3];
    let mut left = extra_phrases;
    for i in 0..items {
        let n = left.min(per_item);
        left -= n;
        let mut phrases = Array::new();
        for k in 0..n {
            let lang = (i + k) % 3;
            let cap = scale_capacity(lang);
            // Past the capacity, phrases get a distinguishing numeric suffix.
            let p = if next[lang] < cap {
                scale_phrase(lang, next[lang])
            } else {
                format!(
                    "{} {}",
                    scale_phrase(lang, next[lang]),
                    next[lang] / cap + 1
                )
            };
            next[lang] += 1;
            phrases.push(p);
        }
        tables.push(scale_item(
            format!("scale/p{i:05}"),
            format!("Mentions product group {i}"),
            ("any", phrases),
        ));
    }
    let per_item = regexes.div_ceil(SCALE_ITEMS).max(1);
    for (i, start) in (0..regexes).step_by(per_item).enumerate() {
        let list: Array = (start..(start + per_item).min(regexes))
            .map(scale_regex)
            .collect();
        tables.push(scale_item(
            format!("scale/r{i:05}"),
            format!("Quotes a reference of range {i}"),
            ("regex", list),
        ));
    }
    file(
        "Section: scale — load-testing items written by `callscore gen --phrases/--regexes`.\nRequire-only, referenced by nothing; not part of the truth file.",
        "item",
        tables,
    )
}

fn scale_item(id: String, name: String, (kind, list): (&str, Array)) -> Table {
    let mut t = table([
        ("id", id.into()),
        ("name", name.into()),
        ("section", "scale".into()),
        ("weight", 1.into()),
    ]);
    let mut cond = table([(kind, Value::Array(list))]);
    cond.decor_mut().set_prefix("\n");
    t.insert("require", Item::Table(cond));
    t
}

const LEX_EN: &str = r#"# English sentiment lexicon (small).
[lexicon]
language = "en"
negators = ["not", "never", "no"]
negation_window = 3
intensifiers = { very = 1.5, really = 1.3, "a bit" = 0.7 }
contrast = ["but", "however"]

[lexicon.terms]
"happy" = 2.0
"satisfied" = 2.0
"great" = 2.5
"thanks" = 1.5
"perfect" = 2.5
"frustrated" = -2.0
"annoyed" = -2.0
"angry" = -3.0
"terrible" = -3.0
"unacceptable" = -3.0
"disappointed" = -2.5
"#;

const LEX_ZH: &str = r#"# Chinese sentiment lexicon (small). 不满意 is listed whole.
[lexicon]
language = "zh"
negators = ["不", "没有"]
negation_window = 3
intensifiers = { "非常" = 1.6, "太" = 1.5, "有点" = 0.7 }
contrast = ["但是", "不过"]

[lexicon.terms]
"满意" = 2.0
"不满意" = -2.5
"开心" = 2.0
"谢谢" = 2.0
"太好了" = 3.0
"生气" = -3.0
"失望" = -2.5
"糟糕" = -3.0
"#;

const LEX_FA: &str = r#"# Persian sentiment lexicon (small). Negation follows the verb in Persian, so the
# negated forms are listed whole.
[lexicon]
language = "fa"
negators = ["هرگز"]
negation_window = 3
intensifiers = { "خیلی" = 1.5, "واقعا" = 1.4 }
contrast = ["اما", "ولی"]

[lexicon.terms]
"راضی" = 2.0
"راضی نیستم" = -2.5
"خوشحالم" = 2.0
"ممنون" = 1.5
"عالی" = 2.5
"عصبانی" = -3.0
"ناامید" = -2.5
"افتضاح" = -3.0
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// Phrases and regexes reach the file as written, whatever characters they hold.
    #[test]
    fn strings_round_trip_through_the_written_toml() {
        const ODD: PerLang = [&["say \"hi\"", r"back\slash"], &["引号「」"], &["تست\tتب"]];
        let regex = scale_regex(3);
        let text = file(
            "a comment\nover two lines",
            "item",
            vec![item(
                Head {
                    id: "odd",
                    name: "Odd \"name\"",
                    section: "s",
                    weight: 1,
                    critical: true,
                    description: "it's",
                    examples: &[("a \"quoted\" turn", "agent", 2.5, false)],
                },
                Some(inline([("regex", regex.as_str().into())])),
                Rule::Forbid(agent_cond(None, any(&ODD))),
            )],
        );
        assert!(
            text.starts_with("# a comment\n# over two lines\n"),
            "{text}"
        );
        let v: toml::Table = toml::from_str(&text).expect("valid TOML");
        let item = &v["item"][0];
        assert_eq!(item["name"].as_str(), Some("Odd \"name\""));
        assert_eq!(item["applies_when"]["regex"].as_str(), Some(regex.as_str()));
        assert_eq!(item["examples"][0]["at"].as_float(), Some(2.5));
        let any: Vec<&str> = item["forbid"]["any"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_eq!(any, ["say \"hi\"", r"back\slash", "引号「」", "تست\tتب"]);
    }

    #[test]
    fn fixed_files_are_valid_toml() {
        for text in [PACK_TOML, LEX_EN, LEX_ZH, LEX_FA] {
            toml::from_str::<toml::Table>(text).expect("valid TOML");
        }
    }
}
