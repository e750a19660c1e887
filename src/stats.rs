//! Confidence intervals (public-health conventions, 95 %).

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `num` of `den`. `None` when `den` is 0.
pub fn wilson(num: u64, den: u64) -> Option<(f64, f64)> {
    if den == 0 {
        return None;
    }
    let n = den as f64;
    let p = num as f64 / n;
    let z2 = Z95 * Z95;
    let centre = p + z2 / (2.0 * n);
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let denom = 1.0 + z2 / n;
    // (none or all of the group: the bound is 0 or 1 exactly, not a float's hair off it)
    Some((
        if num == 0 {
            0.0
        } else {
            ((centre - half) / denom).max(0.0)
        },
        if num == den {
            1.0
        } else {
            ((centre + half) / denom).min(1.0)
        },
    ))
}

/// The difference of two proportions, `a / n_a - b / n_b`, with its 95 % Newcombe
/// hybrid score interval (Newcombe 1998, method 10: from each side's Wilson interval).
/// `None` when either side has no one.
pub fn newcombe(a: u64, n_a: u64, b: u64, n_b: u64) -> Option<(f64, (f64, f64))> {
    let (l1, u1) = wilson(a, n_a)?;
    let (l2, u2) = wilson(b, n_b)?;
    let (p1, p2) = (a as f64 / n_a as f64, b as f64 / n_b as f64);
    let d = p1 - p2;
    let lower = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let upper = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    Some((d, (lower, upper)))
}

/// Ratio of two proportions, (a / n_a) / (b / n_b), with its 95 % interval on the log
/// scale (Katz). `None` when it is not computable: a group with no one in its
/// denominator, or no events in the reference group (an infinite ratio). With no events
/// in the first group the ratio is 0 and has no interval.
pub fn rate_ratio(a: u64, n_a: u64, b: u64, n_b: u64) -> Option<(f64, Option<(f64, f64)>)> {
    if n_a == 0 || n_b == 0 || b == 0 {
        return None;
    }
    let ratio = (a as f64 / n_a as f64) / (b as f64 / n_b as f64);
    if a == 0 {
        return Some((0.0, None));
    }
    let se = (1.0 / a as f64 - 1.0 / n_a as f64 + 1.0 / b as f64 - 1.0 / n_b as f64)
        .max(0.0)
        .sqrt();
    let l = ratio.ln();
    Some((ratio, Some(((l - Z95 * se).exp(), (l + Z95 * se).exp()))))
}

/// Byar's approximation to the 95 % Poisson interval for an observed count, as a rate
/// per `per` of `population` (public-health convention for rates). `None` when the
/// population is 0.
pub fn byar_rate(count: u64, population: u64, per: f64) -> Option<(f64, f64)> {
    if population == 0 {
        return None;
    }
    let o = count as f64;
    let lower = if count == 0 {
        0.0
    } else {
        o * (1.0 - 1.0 / (9.0 * o) - Z95 / (3.0 * o.sqrt())).powi(3)
    };
    let o1 = o + 1.0;
    let upper = o1 * (1.0 - 1.0 / (9.0 * o1) + Z95 / (3.0 * o1.sqrt())).powi(3);
    let scale = per / population as f64;
    Some((lower * scale, upper * scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_ratio_by_hand() {
        // White 30 of 100 appointed, BME 10 of 60: ratio 0.3 / 0.16667 = 1.8;
        // se = sqrt(1/30 - 1/100 + 1/10 - 1/60) = sqrt(0.106667) = 0.326599;
        // exp(0.587787 -/+ 0.640122) = 0.9490 .. 3.4141
        let (r, ci) = rate_ratio(30, 100, 10, 60).unwrap();
        assert!((r - 1.8).abs() < 1e-12);
        let (lo, hi) = ci.unwrap();
        assert!((lo - 0.9490).abs() < 1e-4, "{lo}");
        assert!((hi - 3.4141).abs() < 1e-4, "{hi}");
        assert_eq!(rate_ratio(5, 10, 3, 0), None, "empty reference group");
        assert_eq!(
            rate_ratio(5, 10, 0, 7),
            None,
            "no events in the reference group"
        );
        assert_eq!(rate_ratio(0, 10, 3, 7), Some((0.0, None)));
    }

    #[test]
    fn wilson_for_the_reports_example_counts() {
        // 41 / 93, worked by hand: p = 0.44086, z^2/n = 0.041306,
        // centre 0.46151 / 1.041306, half 0.09887 / 1.041306 -> 0.3443 to 0.5421.
        // (reports.md prints 0.3437 to 0.5428 for this example, which is not the
        // Wilson interval it names; the Wilson interval is what we compute.)
        let (lo, hi) = wilson(41, 93).unwrap();
        assert!((lo - 0.3443).abs() < 5e-5, "{lo}");
        assert!((hi - 0.5421).abs() < 5e-5, "{hi}");
    }

    #[test]
    fn byar_by_hand() {
        // 100 referrals from 20,000 registered, per 1,000: rate 5.0;
        // lower 100 (1 - 1/900 - 1.959964/30)^3 = 100 x 0.933557^3 = 81.36,
        // upper 101 (1 - 1/909 + 1.959964/(3 sqrt 101))^3 = 101 x 1.063907^3 = 121.63;
        // per 1,000 of 20,000: 4.068 to 6.081
        let (lo, hi) = byar_rate(100, 20_000, 1000.0).unwrap();
        assert!((lo - 4.068).abs() < 1e-3, "{lo}");
        assert!((hi - 6.081).abs() < 1e-3, "{hi}");
        let (lo, hi) = byar_rate(0, 1000, 1000.0).unwrap();
        assert_eq!(lo, 0.0);
        // upper for 0 observed: 1 x (1 - 1/9 + 1.959964/3)^3 = 1.542210^3 = 3.6680
        assert!((hi - 3.6680).abs() < 1e-3, "{hi}");
        assert_eq!(byar_rate(3, 0, 1000.0), None);
    }

    /// Newcombe (1998) table II, method 10, as tests/reference/stats_cases.json
    /// transcribes it; and by hand: 56/70 - 48/80 = 0.2.
    #[test]
    fn newcombe_on_the_reference_cases() {
        let cases: serde_json::Value =
            serde_json::from_str(include_str!("../tests/reference/stats_cases.json")).unwrap();
        let cases = cases["newcombe"].as_array().unwrap();
        assert_eq!(cases.len(), 2);
        for c in cases {
            let n: Vec<u64> = c["counts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect();
            let (d, (lo, hi)) = newcombe(n[0], n[1], n[2], n[3]).unwrap();
            assert!((d - (n[0] as f64 / n[1] as f64 - n[2] as f64 / n[3] as f64)).abs() < 1e-12);
            assert!((lo - c["lower"].as_f64().unwrap()).abs() < 5e-5, "{c} {lo}");
            assert!((hi - c["upper"].as_f64().unwrap()).abs() < 5e-5, "{c} {hi}");
        }
        assert_eq!(newcombe(1, 0, 2, 5), None);
    }

    #[test]
    fn wilson_edges() {
        assert_eq!(wilson(0, 0), None);
        let (lo, hi) = wilson(0, 10).unwrap();
        assert_eq!(lo, 0.0);
        assert!((hi - 0.2775).abs() < 1e-4, "{hi}");
        let (lo, hi) = wilson(10, 10).unwrap();
        assert!((lo - 0.7225).abs() < 1e-4 && (hi - 1.0).abs() < 1e-12);
    }
}
