//! The order in which scorecard items and drivers are evaluated: one that refers to
//! another comes after it; a circle of references is an error.

use super::*;

impl Compiler<'_> {
    /// Evaluation order for drivers: a driver referred to by another driver's `when`
    /// comes first. A driver that refers to itself, or a circle of drivers, is an error.
    pub(super) fn driver_order(&mut self, raw: &RawPack, drivers: &[Driver]) -> Vec<u32> {
        fn refs(c: &Cond, out: &mut Vec<u32>) {
            match c {
                Cond::Driver(ds) => out.extend(ds.iter().copied()),
                Cond::And(s) | Cond::Or(s) => s.iter().for_each(|c| refs(c, out)),
                Cond::Not(s) | Cond::Weighted { cond: s, .. } => refs(s, out),
                _ => {}
            }
        }
        let n = drivers.len();
        let mut state = vec![0u8; n]; // 0 new, 1 on the path, 2 done
        let mut order = Vec::with_capacity(n);
        for start in 0..n {
            // Iterative DFS: (driver, next dependency to visit).
            let mut stack: Vec<(usize, usize, Vec<u32>)> = Vec::new();
            if state[start] != 0 {
                continue;
            }
            let mut deps = Vec::new();
            refs(&drivers[start].when, &mut deps);
            state[start] = 1;
            stack.push((start, 0, deps));
            while let Some((d, next, deps)) = stack.last_mut() {
                if *next < deps.len() {
                    let dep = deps[*next] as usize;
                    *next += 1;
                    match state[dep] {
                        0 => {
                            let mut dd = Vec::new();
                            refs(&drivers[dep].when, &mut dd);
                            state[dep] = 1;
                            stack.push((dep, 0, dd));
                        }
                        1 => {
                            let pos = stack.iter().position(|(x, _, _)| *x == dep).unwrap_or(0);
                            let mut names: Vec<&str> = stack[pos..]
                                .iter()
                                .map(|(x, _, _)| drivers[*x].id.as_str())
                                .collect();
                            names.push(drivers[dep].id.as_str());
                            let first = stack[pos].0;
                            self.diags.push(
                                Diagnostic::new(
                                    DiagCode::ReferenceCycle,
                                    raw.drivers[first].id.loc.clone(),
                                    format!(
                                        "drivers refer to each other in a circle: {}",
                                        names.join(" → ")
                                    ),
                                )
                                .with_help(
                                    "a driver's `when` must not lead back to the driver itself",
                                ),
                            );
                            return (0..n as u32).collect();
                        }
                        _ => {}
                    }
                } else {
                    let d = *d;
                    state[d] = 2;
                    order.push(d as u32);
                    stack.pop();
                }
            }
        }
        order
    }

    /// Evaluation order for items: an item referred to by `item_passed` first. Cycles are errors.
    pub(super) fn item_order(&mut self, raw: &RawPack, items: &[Item]) -> Vec<u32> {
        let mut state = vec![0u8; items.len()]; // 0 new, 1 visiting, 2 done
        let mut order = Vec::with_capacity(items.len());
        fn refs(c: &Cond, out: &mut Vec<u32>) {
            match c {
                Cond::ItemPassed(i) => out.push(*i),
                Cond::And(s) | Cond::Or(s) => s.iter().for_each(|c| refs(c, out)),
                Cond::Not(s) | Cond::Weighted { cond: s, .. } => refs(s, out),
                _ => {}
            }
        }
        fn visit(
            i: usize,
            items: &[Item],
            state: &mut [u8],
            order: &mut Vec<u32>,
            path: &mut Vec<usize>,
        ) -> Option<Vec<usize>> {
            if state[i] == 2 {
                return None;
            }
            if state[i] == 1 {
                let start = path.iter().position(|&p| p == i).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(i);
                return Some(cycle);
            }
            state[i] = 1;
            path.push(i);
            let mut deps = Vec::new();
            refs(&items[i].cond, &mut deps);
            if let Some(a) = &items[i].applies_when {
                refs(a, &mut deps);
            }
            for d in deps {
                if let Some(c) = visit(d as usize, items, state, order, path) {
                    return Some(c);
                }
            }
            path.pop();
            state[i] = 2;
            order.push(i as u32);
            None
        }
        for i in 0..items.len() {
            let mut path = Vec::new();
            if let Some(cycle) = visit(i, items, &mut state, &mut order, &mut path) {
                let names: Vec<&str> = cycle.iter().map(|&c| items[c].id.as_str()).collect();
                self.diags.push(
                    Diagnostic::new(
                        DiagCode::ReferenceCycle,
                        raw.items[cycle[0]].id.loc.clone(),
                        format!(
                            "items refer to each other in a circle: {}",
                            names.join(" → ")
                        ),
                    )
                    .with_help("an item_passed reference must not lead back to the item"),
                );
                return (0..items.len() as u32).collect();
            }
        }
        order
    }
}
