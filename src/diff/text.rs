//! The diff report as text for people: headline, items, drivers, teams, examples.

use super::report::{ALL_TEAMS, Example, Report, TeamDiff};
use std::fmt::Write as _;

/// Widest item or driver name shown beside its id; longer ones are cut with `…`.
const NAME_WIDTH: usize = 40;

/// A name for the name column: empty when it only repeats the id, cut to [`NAME_WIDTH`].
fn shown_name(id: &str, name: &str) -> String {
    if name == id {
        String::new()
    } else if name.chars().count() > NAME_WIDTH {
        let mut s: String = name.chars().take(NAME_WIDTH - 1).collect();
        s.push('…');
        s
    } else {
        name.to_string()
    }
}

/// `+1.5`, `−19.4` (a real minus), `0.0`.
fn signed1(x: f64) -> String {
    if x < -0.05 {
        format!("−{:.1}", -x)
    } else if x > 0.05 {
        format!("+{x:.1}")
    } else {
        "0.0".to_string()
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Report {
    /// The report as text for people.
    pub fn render_text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "callscore diff: {} → {}", self.old_rules, self.new_rules);
        let _ = writeln!(
            o,
            "{} calls compared, {} changed{}",
            self.calls,
            self.calls_changed,
            if self.input_errors > 0 {
                format!(
                    "; {} inputs could not be read (not compared)",
                    self.input_errors
                )
            } else {
                String::new()
            }
        );
        self.render_scores(&mut o);
        self.render_items(&mut o);
        self.render_drivers(&mut o);
        self.render_teams(&mut o);
        self.render_examples(&mut o);
        o
    }

    fn render_scores(&self, o: &mut String) {
        let s = &self.scores;
        let mean = s
            .mean_change
            .map(|m| format!(": mean {}", signed1(m)))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "QA score changed on {}{mean} ({} up, {} down); auto-fail: {} gained, {} cleared",
            plural(s.calls, "call", "calls"),
            s.up,
            s.down,
            s.auto_fail_gained,
            s.auto_fail_cleared
        );
    }

    fn id_width(&self) -> usize {
        self.items
            .iter()
            .map(|i| i.id.chars().count())
            .chain(self.drivers.iter().map(|d| d.id.chars().count()))
            .max()
            .unwrap_or(0)
            .max(6)
    }

    fn render_items(&self, o: &mut String) {
        let id_w = self.id_width();
        let names: Vec<String> = self
            .items
            .iter()
            .map(|i| shown_name(&i.id, &i.name))
            .collect();
        let name_w = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        // The name column only when some item has a name of its own.
        let name_col = |n: &str| {
            if name_w == 0 {
                String::new()
            } else {
                format!("  {n:<name_w$}")
            }
        };
        let added_removed = if self.items_added + self.items_removed > 0 {
            format!(
                " ({} added, {} removed)",
                self.items_added, self.items_removed
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "\nItems{added_removed}\n  {:<id_w$}{}  {:>9}  {:>9}  {:>6}  {:>6}  {:>9}",
            "item",
            name_col("name"),
            "pass→fail",
            "fail→pass",
            "→n/a",
            "n/a→",
            "unchanged"
        );
        for (it, name) in self.items.iter().zip(&names) {
            let row = match (it.status, it.results) {
                ("added", Some(r)) => {
                    format!("added: pass {}, fail {}, n/a {}", r.pass, r.fail, r.na)
                }
                ("removed", Some(r)) => {
                    format!(
                        "removed: was pass {}, fail {}, n/a {}",
                        r.pass, r.fail, r.na
                    )
                }
                _ => format!(
                    "{:>9}  {:>9}  {:>6}  {:>6}  {:>9}",
                    it.count("pass→fail"),
                    it.count("fail→pass"),
                    it.count("pass→n/a") + it.count("fail→n/a"),
                    it.count("n/a→pass") + it.count("n/a→fail"),
                    it.unchanged
                ),
            };
            let _ = writeln!(o, "  {:<id_w$}{}  {row}", it.id, name_col(name));
        }
    }

    fn render_drivers(&self, o: &mut String) {
        let id_w = self.id_width();
        let _ = writeln!(
            o,
            "\nDrivers\n  {:<id_w$}  {:>6}  {:>6}  {:>6}  {:>6}",
            "driver", "before", "after", "gained", "lost"
        );
        for d in &self.drivers {
            let name = shown_name(&d.id, &d.name);
            let _ = writeln!(
                o,
                "  {:<id_w$}  {:>6}  {:>6}  {:>6}  {:>6}{}{}",
                d.id,
                d.before,
                d.after,
                d.gained,
                d.lost,
                match d.status {
                    "added" => "  (added)",
                    "removed" => "  (removed)",
                    _ => "",
                },
                if name.is_empty() {
                    String::new()
                } else {
                    format!("  {name}")
                }
            );
        }
        let _ = writeln!(
            o,
            "  primary driver changed on {} call{}",
            self.primary_changed,
            if self.primary_changed == 1 { "" } else { "s" }
        );
        let mut moves: Vec<(&String, &u64)> = self.primary_moves.iter().collect();
        moves.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (m, n) in moves.iter().take(10) {
            let _ = writeln!(o, "    {m}: {n}");
        }
    }

    fn render_teams(&self, o: &mut String) {
        let _ = writeln!(
            o,
            "\nQA score by team\n  {:<12}  {:>6}  {:>11}  {:>10}  {:>10}  {:>11}",
            "team", "calls", "mean before", "mean after", "auto-fail+", "auto-fail−"
        );
        let mean = |m: Option<f64>| m.map_or_else(|| "n/a".to_string(), |v| format!("{v:.1}"));
        let teams: Vec<(&String, &TeamDiff)> = self
            .teams
            .iter()
            .filter(|(k, _)| k.as_str() != ALL_TEAMS)
            .chain(self.teams.get_key_value(ALL_TEAMS))
            .collect();
        let label = |name: &str| {
            if name == ALL_TEAMS {
                "all".to_string()
            } else {
                name.to_string()
            }
        };
        for (name, t) in &teams {
            let _ = writeln!(
                o,
                "  {:<12}  {:>6}  {:>11}  {:>10}  {:>10}  {:>11}",
                label(name),
                t.calls,
                mean(t.mean_before),
                mean(t.mean_after),
                t.auto_fail_gained,
                t.auto_fail_cleared
            );
        }
        let _ = writeln!(o, "  histogram (calls per 10 points: 0–9 10–19 … 90–100)");
        let row = |h: &[u64; 10]| h.iter().map(|c| format!("{c:>5}")).collect::<String>();
        for (name, t) in &teams {
            let _ = writeln!(
                o,
                "  {:<12} before {}",
                label(name),
                row(&t.histogram_before)
            );
            let _ = writeln!(o, "  {:<12} after  {}", "", row(&t.histogram_after));
        }
    }

    fn render_examples(&self, o: &mut String) {
        let mut any = false;
        let mut ex_out = String::new();
        let mut push_examples = |title: String, list: &[Example]| {
            if list.is_empty() {
                return;
            }
            any = true;
            let _ = writeln!(ex_out, "  {title}");
            for e in list {
                let _ = writeln!(ex_out, "    {}  ({})", e.call_id, e.source);
                let _ = writeln!(ex_out, "      before: {}", e.before);
                let _ = writeln!(ex_out, "      after:  {}", e.after);
            }
        };
        push_examples("QA score changed".to_string(), &self.scores.examples);
        for it in &self.items {
            for (k, list) in &it.examples {
                let title = match it.status {
                    "added" => format!("{} (added) {k}", it.id),
                    "removed" => format!("{} (removed) {k}", it.id),
                    _ => format!("{} {k}", it.id),
                };
                push_examples(title, list);
            }
        }
        for d in &self.drivers {
            push_examples(format!("driver {} gained", d.id), &d.gained_examples);
            push_examples(format!("driver {} lost", d.id), &d.lost_examples);
        }
        push_examples("primary driver changed".to_string(), &self.primary_examples);
        if any {
            let _ = writeln!(
                o,
                "\nExamples (first {} per change)",
                self.examples_per_change
            );
            o.push_str(&ex_out);
        } else {
            let _ = writeln!(o, "\nNo item or driver changed on any call.");
        }
    }
}
