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
    Some((
        ((centre - half) / denom).max(0.0),
        ((centre + half) / denom).min(1.0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn wilson_edges() {
        assert_eq!(wilson(0, 0), None);
        let (lo, hi) = wilson(0, 10).unwrap();
        assert_eq!(lo, 0.0);
        assert!((hi - 0.2775).abs() < 1e-4, "{hi}");
        let (lo, hi) = wilson(10, 10).unwrap();
        assert!((lo - 0.7225).abs() < 1e-4 && (hi - 1.0).abs() < 1e-12);
    }
}
