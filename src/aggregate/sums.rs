//! The mergeable building blocks: integer counts and sums, and bounded example lists.
//!
//! Every field is an integer (measured values in thousandths or millionths, see
//! [`super::facts`]), so adding calls in any order, or merging runs in any order, gives
//! the same bits. Example call ids keep the K smallest ids, which is also order-free.

use serde::{Deserialize, Serialize};

/// Call ids kept per bucket (an agent-day, an item-day, a driver-day).
pub const EXAMPLES: usize = 3;

/// True for a value equal to its default: such fields are left out of the file.
pub fn is_default<T: Default + PartialEq>(t: &T) -> bool {
    *t == T::default()
}

/// A count and a sum: `[n, sum]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat(pub u64, pub i64);

impl Stat {
    /// Count one value.
    pub fn add(&mut self, v: i64) {
        self.0 += 1;
        self.1 += v;
    }

    /// Count `v` when there is one.
    pub fn add_opt(&mut self, v: Option<i64>) {
        if let Some(v) = v {
            self.add(v);
        }
    }

    /// Add another's counts.
    pub fn merge(&mut self, o: &Stat) {
        self.0 += o.0;
        self.1 += o.1;
    }

    /// The mean in `unit`s (`None` without values).
    pub fn mean(&self, unit: f64) -> Option<f64> {
        (self.0 > 0).then(|| self.1 as f64 / self.0 as f64 / unit)
    }

    /// The sum in `unit`s.
    pub fn total(&self, unit: f64) -> f64 {
        self.1 as f64 / unit
    }
}

/// Sums for comparing two scores of the same calls (auto vs human QA):
/// `[n, Σa, Σh, Σa², Σh², Σa·h, Σ|a−h|]`, in thousandths (squares in millionths).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairSums(
    pub u64,
    pub i64,
    pub i64,
    pub i128,
    pub i128,
    pub i128,
    pub i64,
);

impl PairSums {
    /// Count one pair (auto `a`, human `h`).
    pub fn add(&mut self, a: i64, h: i64) {
        let (a2, h2) = (i128::from(a), i128::from(h));
        self.0 += 1;
        self.1 += a;
        self.2 += h;
        self.3 += a2 * a2;
        self.4 += h2 * h2;
        self.5 += a2 * h2;
        self.6 += (a - h).abs();
    }

    /// Add another's sums.
    pub fn merge(&mut self, o: &PairSums) {
        self.0 += o.0;
        self.1 += o.1;
        self.2 += o.2;
        self.3 += o.3;
        self.4 += o.4;
        self.5 += o.5;
        self.6 += o.6;
    }
}

/// Agent self-score vs auto score of the same calls: `[n, Σself, Σauto]` (thousandths).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfSums(pub u64, pub i64, pub i64);

impl SelfSums {
    /// Add another's sums.
    pub fn merge(&mut self, o: &SelfSums) {
        self.0 += o.0;
        self.1 += o.1;
        self.2 += o.2;
    }
}

/// Customer sentiment of calls: `[n, Σstart, Σend, ended worse]` (millionths).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentimentSums(pub u64, pub i64, pub i64, pub u64);

impl SentimentSums {
    /// Count one call's (start, end).
    pub fn add(&mut self, start: i64, end: i64) {
        self.0 += 1;
        self.1 += start;
        self.2 += end;
        self.3 += u64::from(end < start);
    }

    /// Add another's sums.
    pub fn merge(&mut self, o: &SentimentSums) {
        self.0 += o.0;
        self.1 += o.1;
        self.2 += o.2;
        self.3 += o.3;
    }
}

/// NPS answers: `[n, promoters (9–10), detractors (0–6)]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NpsCounts(pub u64, pub u64, pub u64);

impl NpsCounts {
    /// Count one answer (thousandths of a point).
    pub fn add(&mut self, v: i64) {
        self.0 += 1;
        self.1 += u64::from(v >= 9_000);
        self.2 += u64::from(v <= 6_000);
    }

    /// Add another's counts.
    pub fn merge(&mut self, o: &NpsCounts) {
        self.0 += o.0;
        self.1 += o.1;
        self.2 += o.2;
    }
}

/// The `K` smallest distinct values seen, ascending: a bounded, order-free sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Smallest<T>(pub Vec<T>);

impl<T> Default for Smallest<T> {
    fn default() -> Self {
        Smallest(Vec::new())
    }
}

impl<T: Ord + Clone> Smallest<T> {
    /// Offer one value; kept if it is among the `k` smallest.
    pub fn offer(&mut self, v: &T, k: usize) {
        if self.0.len() >= k && self.0.last().is_some_and(|last| v >= last) {
            return;
        }
        if let Err(at) = self.0.binary_search(v) {
            self.0.insert(at, v.clone());
            self.0.truncate(k);
        }
    }

    /// Offer every value of another.
    pub fn merge(&mut self, o: &Smallest<T>, k: usize) {
        for v in &o.0 {
            self.offer(v, k);
        }
    }

    /// The values are ascending, distinct and at most `k` (a file check).
    pub fn is_valid(&self, k: usize) -> bool {
        self.0.len() <= k && self.0.windows(2).all(|w| w[0] < w[1])
    }
}

impl Smallest<String> {
    /// Offer a call id without allocating unless it is kept.
    pub fn offer_str(&mut self, v: &str, k: usize) {
        if self.0.len() >= k && self.0.last().is_some_and(|last| v >= last.as_str()) {
            return;
        }
        if let Err(at) = self.0.binary_search_by(|x| x.as_str().cmp(v)) {
            self.0.insert(at, v.to_string());
            self.0.truncate(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_keeps_k_smallest_distinct_in_any_order() {
        let ids = ["d", "b", "a", "c", "b", "e"];
        let mut x = Smallest::default();
        for id in ids {
            x.offer_str(id, 3);
        }
        assert_eq!(x.0, ["a", "b", "c"]);
        let mut y: Smallest<String> = Smallest::default();
        for id in ids.iter().rev() {
            y.offer(&id.to_string(), 3);
        }
        assert_eq!(x, y);
        let mut z = Smallest(vec!["0".to_string()]);
        z.merge(&x, 3);
        assert_eq!(z.0, ["0", "a", "b"]);
    }

    #[test]
    fn pair_sums_are_exact() {
        let mut p = PairSums::default();
        p.add(80_000, 70_000);
        p.add(90_500, 95_000);
        assert_eq!(p.0, 2);
        assert_eq!(p.6, 10_000 + 4_500);
        assert_eq!(p.5, 80_000i128 * 70_000 + 90_500i128 * 95_000);
    }
}
