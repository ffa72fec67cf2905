//! Items: `item_rates`, `item_team`, `item_daily`, `item_movers`.

use super::{Ctx, ids, int, name, rate, table, text};
use crate::aggregate::{DayAgg, EXAMPLES, Smallest};
use crate::report::model::Table;
use crate::report::stats::{ratio, round};

/// `[applicable, fails]` per item over `days`.
fn item_counts<'d>(n: usize, days: impl Iterator<Item = &'d DayAgg>) -> Vec<[u64; 2]> {
    let mut v = vec![[0u64; 2]; n];
    for d in days {
        for a in d.agents.values() {
            for (x, y) in v.iter_mut().zip(&a.items) {
                x[0] += y[0];
                x[1] += y[1];
            }
        }
    }
    v
}

/// Failed-call examples per item over `days`.
fn item_examples<'d>(n: usize, days: impl Iterator<Item = &'d DayAgg>) -> Vec<Smallest<String>> {
    let mut v = vec![Smallest::default(); n];
    for d in days {
        for (x, y) in v.iter_mut().zip(&d.items) {
            x.merge(&y.failed, EXAMPLES);
        }
    }
    v
}

/// The tables of this group.
pub(super) fn tables(c: &Ctx) -> Vec<Table> {
    let items = &c.p.meta.items;
    let n = items.len();
    let cur = item_counts(n, c.days());
    let calls: u64 = c.days().map(DayAgg::calls).sum();
    let rates: Vec<_> = if calls == 0 {
        Vec::new()
    } else {
        items
            .iter()
            .zip(&cur)
            .map(|(it, x)| {
                vec![
                    text(&it.id),
                    text(&it.name),
                    text(&it.section),
                    text(it.critical.to_string()),
                    int(x[0]),
                    int(x[1]),
                    rate(ratio(x[1], x[0])),
                ]
            })
            .collect()
    };

    let mut by_team = Vec::new();
    for (team, a) in c.per_team(c.days()) {
        for (it, x) in items.iter().zip(&a.items) {
            if x[0] > 0 {
                by_team.push(vec![
                    text(name(&team)),
                    text(&it.id),
                    int(x[0]),
                    int(x[1]),
                    rate(ratio(x[1], x[0])),
                ]);
            }
        }
    }

    let mut daily = Vec::new();
    for (day, d) in c.dated() {
        for (it, x) in items.iter().zip(item_counts(n, std::iter::once(d))) {
            if x[0] > 0 {
                daily.push(vec![
                    text(day.to_string()),
                    text(&it.id),
                    int(x[0]),
                    int(x[1]),
                    rate(ratio(x[1], x[0])),
                ]);
            }
        }
    }

    let prev = item_counts(n, c.prev_days());
    let examples = item_examples(n, c.days());
    let mut movers: Vec<(f64, usize, Vec<_>)> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let (Some(now), Some(before)) =
            (ratio(cur[i][1], cur[i][0]), ratio(prev[i][1], prev[i][0]))
        else {
            continue;
        };
        let change = round(now, 4) - round(before, 4);
        movers.push((
            change,
            i,
            vec![
                text(&it.id),
                text(&it.name),
                rate(Some(before)),
                rate(Some(now)),
                rate(Some(change)),
                ids(&examples[i].0),
                int(prev[i][0]),
                int(cur[i][0]),
            ],
        ));
    }
    movers.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()).then(a.1.cmp(&b.1)));
    let no_prev = format!(
        "no item applied in the previous period ({}) or in this one, so nothing to compare; give --from/--to with runs before --from",
        c.prev_label()
    );
    vec![
        table(
            "item_rates",
            &[
                "item",
                "name",
                "section",
                "critical",
                "applicable",
                "fails",
                "fail_rate",
            ],
            rates,
            "no calls in the period",
        ),
        table(
            "item_team",
            &["team", "item", "applicable", "fails", "fail_rate"],
            by_team,
            "no item applied to any call in the period",
        ),
        table(
            "item_daily",
            &["day", "item", "applicable", "fails", "fail_rate"],
            daily,
            "no item applied to any dated call in the period",
        ),
        table(
            "item_movers",
            &[
                "item",
                "name",
                "prev_fail_rate",
                "fail_rate",
                "change",
                "example_calls",
                "prev_applicable",
                "applicable",
            ],
            movers.into_iter().map(|m| m.2).collect(),
            &no_prev,
        ),
    ]
}
