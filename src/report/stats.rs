//! The statistics behind the dashboard, each a small pure function with its formula in
//! the doc comment (and in docs/dashboard.md).

use crate::aggregate::PairSums;

/// Round to `digits` decimals; `-0` becomes `0`.
pub fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    let r = (x * f).round() / f;
    if r == 0.0 { 0.0 } else { r }
}

/// `a / b`, `None` when `b` is 0.
pub fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Median of the values (mean of the two middle ones for an even count); `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Pearson correlation of pairs; `None` with fewer than 3 pairs or when either side does
/// not vary.
pub fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    let n = pairs.len();
    if n < 3 {
        return None;
    }
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Pearson correlation from exact integer sums:
/// r = (nΣah − ΣaΣh) / √((nΣa² − (Σa)²)(nΣh² − (Σh)²)); `None` as for [`pearson`].
pub fn pearson_sums(s: &PairSums) -> Option<f64> {
    let n = i128::from(s.0);
    if n < 3 {
        return None;
    }
    let (sa, sh) = (i128::from(s.1), i128::from(s.2));
    let num = n * s.5 - sa * sh;
    let da = n * s.3 - sa * sa;
    let dh = n * s.4 - sh * sh;
    (da > 0 && dh > 0).then(|| num as f64 / ((da as f64) * (dh as f64)).sqrt())
}

/// Agreement of auto and human results on one item, "fail" as the positive class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Agreement {
    /// Pairs.
    pub pairs: u64,
    /// Pairs with the same result.
    pub agree: u64,
    /// Cohen's kappa: (p_o − p_e) / (1 − p_e); `None` when p_e = 1 (both sides gave one
    /// and the same result to every call: chance explains everything).
    pub kappa: Option<f64>,
    /// Of the calls auto QA failed, the share the human also failed.
    pub precision: Option<f64>,
    /// Of the calls the human failed, the share auto QA also failed.
    pub recall: Option<f64>,
}

/// Agreement from `[both fail, auto fail & human pass, auto pass & human fail, both pass]`.
///
/// p_o = (a + d) / n; p_e = ((a + b)(a + c) + (c + d)(b + d)) / n².
pub fn agreement(t: [u64; 4]) -> Agreement {
    let [a, b, c, d] = t.map(|x| x as f64);
    let n = a + b + c + d;
    let pairs = t.iter().sum();
    if pairs == 0 {
        return Agreement {
            pairs,
            agree: 0,
            kappa: None,
            precision: None,
            recall: None,
        };
    }
    let po = (a + d) / n;
    let pe = ((a + b) * (a + c) + (c + d) * (b + d)) / (n * n);
    Agreement {
        pairs,
        agree: t[0] + t[3],
        kappa: (pe < 1.0).then(|| (po - pe) / (1.0 - pe)),
        precision: ratio(t[0], t[0] + t[1]),
        recall: ratio(t[0], t[0] + t[2]),
    }
}

/// Minimum number of days with data among the 14 before a day for its spike test.
pub const SPIKE_MIN_BASELINE_DAYS: usize = 7;
/// Days of baseline.
pub const SPIKE_BASELINE_DAYS: i32 = 14;
/// Robust z at which a day is a spike.
pub const SPIKE_Z: f64 = 3.5;
/// Calls a spike day needs at least.
pub const SPIKE_MIN_CALLS: u64 = 5;

/// Robust z-score of `x` against a baseline: (x − median) / scale, where scale is
/// 1.4826 × MAD (median absolute deviation); when MAD is 0, 1.2533 × the mean absolute
/// deviation; and never below 1 (a daily count cannot vary by less than one call, so a
/// flat baseline does not turn one extra call into an infinite z). Returns
/// (median, z); `None` for an empty baseline.
pub fn robust_z(x: f64, baseline: &[f64]) -> Option<(f64, f64)> {
    let med = median(baseline)?;
    let dev: Vec<f64> = baseline.iter().map(|v| (v - med).abs()).collect();
    let mad = median(&dev)?;
    let scale = if mad > 0.0 {
        1.4826 * mad
    } else {
        1.2533 * dev.iter().sum::<f64>() / dev.len() as f64
    };
    Some((med, (x - med) / scale.max(1.0)))
}

/// Whether `calls` on a day is a spike against `baseline` (needs
/// [`SPIKE_MIN_BASELINE_DAYS`] values): `Some((median, z))` when it is.
pub fn spike(calls: u64, baseline: &[f64]) -> Option<(f64, f64)> {
    if baseline.len() < SPIKE_MIN_BASELINE_DAYS || calls < SPIKE_MIN_CALLS {
        return None;
    }
    robust_z(calls as f64, baseline).filter(|(_, z)| *z >= SPIKE_Z)
}

/// Which quadrant an agent is in: QA and CSAT each compared with the median over agents
/// (at or above the median counts as high).
pub fn quadrant(qa: f64, csat: f64, median_qa: f64, median_csat: f64) -> &'static str {
    match (qa >= median_qa, csat >= median_csat) {
        (true, true) => "high_qa_high_csat",
        (true, false) => "high_qa_low_csat",
        (false, true) => "low_qa_high_csat",
        (false, false) => "low_qa_low_csat",
    }
}

/// The four quadrants in display order.
pub const QUADRANTS: [&str; 4] = [
    "high_qa_high_csat",
    "high_qa_low_csat",
    "low_qa_high_csat",
    "low_qa_low_csat",
];

/// Competition ranks ("1224") of scores, best (highest) first; `None` scores get no rank.
pub fn ranks(scores: &[Option<f64>]) -> Vec<Option<u64>> {
    scores
        .iter()
        .map(|s| s.map(|x| 1 + scores.iter().filter(|o| o.is_some_and(|y| y > x)).count() as u64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kappa_on_a_hand_computed_table() {
        // auto×human: both fail 20, auto fail/human pass 5, auto pass/human fail 10,
        // both pass 15; n = 50.
        // p_o = 35/50 = 0.7
        // p_e = (25·30 + 25·20) / 2500 = (750 + 500) / 2500 = 0.5
        // kappa = (0.7 − 0.5) / 0.5 = 0.4; precision = 20/25 = 0.8; recall = 20/30.
        let a = agreement([20, 5, 10, 15]);
        assert_eq!(a.pairs, 50);
        assert_eq!(a.agree, 35);
        assert!((a.kappa.unwrap() - 0.4).abs() < 1e-12);
        assert!((a.precision.unwrap() - 0.8).abs() < 1e-12);
        assert!((a.recall.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        // Perfect agreement with both results present: kappa 1.
        assert_eq!(agreement([3, 0, 0, 7]).kappa, Some(1.0));
        // Everyone passes on both sides: p_e = 1, kappa undefined; no fails: no precision.
        let flat = agreement([0, 0, 0, 9]);
        assert_eq!(
            (flat.kappa, flat.precision, flat.recall),
            (None, None, None)
        );
        assert_eq!(agreement([0; 4]).pairs, 0);
    }

    #[test]
    fn robust_z_and_spikes() {
        // baseline 14 days: 10 ×7, 12 ×7 → median 11, |dev| all 1 → MAD 1, scale 1.4826.
        let mut base = vec![10.0; 7];
        base.extend(vec![12.0; 7]);
        let (m, z) = robust_z(20.0, &base).unwrap();
        assert_eq!(m, 11.0);
        assert!((z - 9.0 / 1.4826).abs() < 1e-12);
        assert!(spike(20, &base).is_some());
        // 16 calls: z = 5/1.4826 = 3.37 < 3.5 → no spike
        assert!(spike(16, &base).is_none());
        // flat baseline of zeros: MAD 0 and mean deviation 0 → scale floored at 1
        let zeros = vec![0.0; 10];
        assert_eq!(robust_z(5.0, &zeros), Some((0.0, 5.0)));
        assert!(
            spike(5, &zeros).is_some(),
            "5 calls of a new driver is a spike"
        );
        assert!(spike(4, &zeros).is_none(), "fewer than 5 calls never is");
        // MAD 0 but some deviation: mean absolute deviation. 9 × 2 and one 12:
        // median 2, |dev| = 0 ×9 and 10 → MAD 0, mean dev 1.0 → scale 1.2533
        let mut skew = vec![2.0; 9];
        skew.push(12.0);
        let (_, z) = robust_z(8.0, &skew).unwrap();
        assert!((z - 6.0 / 1.2533).abs() < 1e-12);
        // too little history: no test at all
        assert!(spike(100, &[0.0; 6]).is_none());
    }

    #[test]
    fn quadrants_split_at_the_medians() {
        assert_eq!(quadrant(90.0, 4.5, 80.0, 4.0), "high_qa_high_csat");
        assert_eq!(quadrant(80.0, 3.0, 80.0, 4.0), "high_qa_low_csat");
        assert_eq!(quadrant(70.0, 4.0, 80.0, 4.0), "low_qa_high_csat");
        assert_eq!(quadrant(70.0, 3.9, 80.0, 4.0), "low_qa_low_csat");
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn pearson_both_ways_agree() {
        let pairs = [(1.0, 2.0), (2.0, 4.1), (3.0, 5.9), (4.0, 8.2)];
        let mut s = PairSums::default();
        for (a, h) in pairs {
            s.add((a * 1000.0) as i64, (h * 1000.0) as i64);
        }
        let r1 = pearson(&pairs).unwrap();
        let r2 = pearson_sums(&s).unwrap();
        assert!((r1 - r2).abs() < 1e-9);
        assert!(r1 > 0.99);
        assert_eq!(pearson(&[(1.0, 1.0), (2.0, 1.0), (3.0, 1.0)]), None);
        assert_eq!(pearson(&[(1.0, 1.0), (2.0, 2.0)]), None);
        assert_eq!(
            ranks(&[Some(80.0), None, Some(90.0), Some(80.0)]),
            vec![Some(2), None, Some(1), Some(2)]
        );
        assert_eq!(round(-0.00001, 2).to_string(), "0");
    }
}
