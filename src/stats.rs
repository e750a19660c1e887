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

/// The 95 % interval of an observed count of events as OHID's Fingertips gives it: the
/// exact Poisson interval below 10 events (Byar's approximation is poor there), Byar's
/// from 10.
pub fn poisson_count(count: u64) -> (f64, f64) {
    if count < 10 {
        exact_poisson(count, 0.95)
    } else {
        byar_count(count, Z95)
    }
}

/// The exact Poisson interval for an observed count at a confidence level: half the
/// chi-square quantiles of 2x and 2x + 2 degrees of freedom (Garwood 1936).
pub fn exact_poisson(count: u64, confidence: f64) -> (f64, f64) {
    use statrs::distribution::{ChiSquared, ContinuousCDF};
    let tail = (1.0 - confidence) / 2.0;
    let x = count as f64;
    let lower = if count == 0 {
        0.0
    } else {
        ChiSquared::new(2.0 * x)
            .expect("positive degrees of freedom")
            .inverse_cdf(tail)
            / 2.0
    };
    let upper = ChiSquared::new(2.0 * x + 2.0)
        .expect("positive degrees of freedom")
        .inverse_cdf(1.0 - tail)
        / 2.0;
    (lower, upper)
}

/// Byar's approximation to the Poisson interval of an observed count, for `z`.
fn byar_count(count: u64, z: f64) -> (f64, f64) {
    let o = count as f64;
    let lower = if count == 0 {
        0.0
    } else {
        o * (1.0 - 1.0 / (9.0 * o) - z / (3.0 * o.sqrt())).powi(3)
    };
    let o1 = o + 1.0;
    let upper = o1 * (1.0 - 1.0 / (9.0 * o1) + z / (3.0 * o1.sqrt())).powi(3);
    (lower, upper)
}

/// A rate per `per` of `population` with its 95 % interval ([`poisson_count`]); `None`
/// when the population is 0.
pub fn rate_interval(count: u64, population: u64, per: f64) -> Option<(f64, f64)> {
    if population == 0 {
        return None;
    }
    let (lo, hi) = poisson_count(count);
    let scale = per / population as f64;
    Some((lo * scale, hi * scale))
}

/// A funnel plot's limits for a proportion at denominator `n` around the average
/// `average` (a fraction): the proportions whose Wilson interval at `z` just reaches the
/// average, as Fingertips draws them (PHEindicatormethods's `sigma_adjustment`), held
/// within 0 to 1. z 1.959964 gives the 95 % limits, 3.090232 the 99.8 % ones.
pub fn funnel_limits(average: f64, n: f64, z: f64) -> (f64, f64) {
    let z2 = z * z;
    let first = average * (n / z2 + 1.0);
    let adj = ((-8.0 * average * (n / z2 + 1.0)).powi(2)
        - 64.0
            * (1.0 / z2 + 1.0 / n)
            * average
            * (n * (average * (n / z2 + 2.0) - 1.0) + z2 * (average - 1.0)))
        .max(0.0)
        .sqrt();
    let last = 1.0 / z2 + 1.0 / n;
    let lower = (first - adj / 8.0) / last / n;
    let upper = (first + adj / 8.0) / last / n;
    (lower.max(0.0), upper.min(1.0))
}

/// z for a two-sided 99.8 % interval (the outer funnel limits).
pub const Z998: f64 = 3.090_232_306_167_813;

/// A directly standardised rate per `per`: each stratum's rate (`counts[i]` of
/// `populations[i]`) weighted by the standard population `standard[i]`, with its 95 %
/// Dobson interval (Dobson et al. 1991: the interval of the total count, [`poisson_count`],
/// scaled by the rate's standard error over the count's). `None` with no standard
/// population, a stratum with people of the standard but none of its own, or no events.
pub fn dsr(
    counts: &[u64],
    populations: &[u64],
    standard: &[f64],
    per: f64,
) -> Option<(f64, (f64, f64))> {
    let total_standard: f64 = standard.iter().sum();
    let observed: u64 = counts.iter().sum();
    if total_standard <= 0.0 || observed == 0 {
        return None;
    }
    let mut value = 0.0;
    let mut variance = 0.0;
    for ((&c, &n), &w) in counts.iter().zip(populations).zip(standard) {
        if w == 0.0 {
            continue;
        }
        if n == 0 {
            return None;
        }
        let n = n as f64;
        value += w * c as f64 / n;
        variance += w * w * c as f64 / (n * n);
    }
    let value = value / total_standard * per;
    let variance = variance / (total_standard * total_standard) * per * per;
    let o = observed as f64;
    let (lo, hi) = poisson_count(observed);
    let scale = (variance / o).sqrt();
    Some((value, (value + scale * (lo - o), value + scale * (hi - o))))
}

/// Each quantile's place on the slope of inequality: the midpoint of its share of the
/// population, cumulated from the first (most deprived) quantile.
pub fn quantile_midpoints(populations: &[f64]) -> Vec<f64> {
    let total: f64 = populations.iter().sum();
    let mut before = 0.0;
    populations
        .iter()
        .map(|p| {
            let share = p / total;
            let mid = before + share / 2.0;
            before += share;
            mid
        })
        .collect()
}

/// The slope index of inequality and the relative index (Fingertips, PHEindicatormethods
/// `phe_sii`): the weighted least-squares line of the quantiles' values on their
/// midpoints ([`quantile_midpoints`]), weighted by population; the SII is its slope (the
/// least deprived end less the most deprived, in the values' units), the RII the line's
/// value at the least deprived end over its value at the most deprived. `None` when
/// the quantiles do not span more than one point or the line is 0 at the most deprived
/// end.
pub fn sii(populations: &[f64], values: &[f64]) -> Option<(f64, f64)> {
    let (intercept, slope) = weighted_line(populations, values)?;
    (intercept != 0.0).then(|| (slope, (intercept + slope) / intercept))
}

/// (intercept, slope) of the population-weighted least-squares line of `values` on the
/// quantiles' midpoints.
fn weighted_line(populations: &[f64], values: &[f64]) -> Option<(f64, f64)> {
    let total: f64 = populations.iter().sum();
    if total <= 0.0 || populations.len() < 2 {
        return None;
    }
    let x = quantile_midpoints(populations);
    let w: Vec<f64> = populations.iter().map(|p| p / total).collect();
    let mean = |v: &[f64]| v.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>();
    let (mx, my) = (mean(&x), mean(values));
    let sxx: f64 = x.iter().zip(&w).map(|(a, b)| b * (a - mx).powi(2)).sum();
    let sxy: f64 = x
        .iter()
        .zip(values)
        .zip(&w)
        .map(|((a, y), b)| b * (a - mx) * (y - my))
        .sum();
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    Some((my - slope * mx, slope))
}

/// The scale a quantile's value is drawn on in [`sii_interval`], as `phe_sii` draws it:
/// proportions on the logit scale, rates on the log scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Logit,
    Log,
}

impl Scale {
    fn to(self, x: f64) -> f64 {
        match self {
            Scale::Logit => (x / (1.0 - x)).ln(),
            Scale::Log => x.ln(),
        }
    }

    fn back(self, y: f64) -> f64 {
        match self {
            Scale::Logit => 1.0 / (1.0 + (-y).exp()),
            Scale::Log => y.exp(),
        }
    }
}

/// The 95 % intervals of the SII and RII by simulation, as `phe_sii` draws them: each
/// quantile's value drawn `repetitions` times from a normal distribution on `scale`,
/// centred on its value with the standard error its own 95 % interval (`lows`, `highs`)
/// gives there, the line fitted to each draw, and the 2.5th and 97.5th of the sorted
/// results. The draws come from a fixed seed, so a rerun gives the same bytes. `None`
/// where a value or a bound lies where the scale has none (a share of 0 or 1, a rate
/// of 0).
pub fn sii_interval(
    populations: &[f64],
    (values, lows, highs): (&[f64], &[f64], &[f64]),
    scale: Scale,
    repetitions: usize,
    seed: u64,
) -> Option<((f64, f64), (f64, f64))> {
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};
    let mut draws = Vec::new();
    for ((&v, &lo), &hi) in values.iter().zip(lows).zip(highs) {
        let (v, lo, hi) = (scale.to(v), scale.to(lo), scale.to(hi));
        let se = (hi - lo) / Z95 / 2.0;
        if !(v.is_finite() && se.is_finite()) || repetitions == 0 {
            return None;
        }
        draws.push(Normal::new(v, se).ok()?);
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut slopes = Vec::with_capacity(repetitions);
    let mut ratios = Vec::with_capacity(repetitions);
    let mut drawn = vec![0.0; draws.len()];
    for _ in 0..repetitions {
        for (v, d) in drawn.iter_mut().zip(&draws) {
            *v = scale.back(d.sample(&mut rng));
        }
        let (slope, ratio) = sii(populations, &drawn)?;
        slopes.push(slope);
        ratios.push(ratio);
    }
    // the positions phe_sii reads: round(n x 0.025) and round(n x 0.975), from 1
    let at = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let n = v.len() as f64;
        let pick = |q: f64| v[((n * q).round() as usize).clamp(1, v.len()) - 1];
        (pick(0.025), pick(0.975))
    };
    Some((at(&mut slopes), at(&mut ratios)))
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
    fn byar_from_ten_events_and_exact_below_by_hand() {
        // 100 referrals from 20,000 registered, per 1,000: rate 5.0;
        // lower 100 (1 - 1/900 - 1.959964/30)^3 = 100 x 0.933557^3 = 81.36,
        // upper 101 (1 - 1/909 + 1.959964/(3 sqrt 101))^3 = 101 x 1.063907^3 = 121.63;
        // per 1,000 of 20,000: 4.068 to 6.081
        let (lo, hi) = rate_interval(100, 20_000, 1000.0).unwrap();
        assert!((lo - 4.068).abs() < 1e-3, "{lo}");
        assert!((hi - 6.081).abs() < 1e-3, "{hi}");
        // 0 observed: exact, upper = chi-square(0.975, 2) / 2 = -ln(0.025) = 3.6889
        let (lo, hi) = rate_interval(0, 1000, 1000.0).unwrap();
        assert_eq!(lo, 0.0);
        assert!((hi - 0.025f64.ln().abs()).abs() < 1e-9, "{hi}");
        // 1 observed: exact lower = -ln(0.975) = 0.025318 (chi-square(0.025, 2) / 2)
        let (lo, _) = poisson_count(1);
        assert!((lo - 0.975f64.ln().abs()).abs() < 1e-9, "{lo}");
        // 9 is exact, 10 is Byar: 10 (1 - 1/90 - 1.959964/(3 sqrt 10))^3 = 10 x 0.782289^3
        // = 4.7874
        let (lo, _) = poisson_count(10);
        assert!((lo - 4.7874).abs() < 1e-4, "{lo}");
        assert_eq!(rate_interval(3, 0, 1000.0), None);
    }

    /// PHEindicatormethods's test data (tests/testthat/testdata_Byars_Wilson.xlsx and
    /// testdata_Rate.xlsx, commit 093fd28), as tests/reference/stats_cases.json
    /// transcribes them: exact below 10 events, Byar from 10.
    #[test]
    fn rates_on_the_reference_cases() {
        for c in reference("rate") {
            let (x, n) = (c["x"].as_u64().unwrap(), c["n"].as_u64().unwrap());
            let per = c["per"].as_f64().unwrap();
            assert_eq!(c["method"] == "Exact", x < 10, "{c}");
            let (lo, hi) = rate_interval(x, n, per).unwrap();
            assert!((lo - c["lower"].as_f64().unwrap()).abs() < 1e-6, "{c} {lo}");
            assert!((hi - c["upper"].as_f64().unwrap()).abs() < 1e-6, "{c} {hi}");
        }
    }

    /// The same file's Wilson cases.
    #[test]
    fn wilson_on_the_reference_cases() {
        for c in reference("wilson") {
            let (lo, hi) = wilson(c["x"].as_u64().unwrap(), c["n"].as_u64().unwrap()).unwrap();
            assert!((lo - c["lower"].as_f64().unwrap()).abs() < 1e-9, "{c} {lo}");
            assert!((hi - c["upper"].as_f64().unwrap()).abs() < 1e-9, "{c} {hi}");
        }
    }

    /// PHEindicatormethods's DSR test data (testdata_DSR_ISR.xlsx, commit 093fd28; the
    /// 2013 European standard population), as stats_cases.json transcribes it.
    #[test]
    fn dobson_on_the_reference_cases() {
        for c in reference("dsr") {
            let u = |k: &str| -> Vec<u64> {
                c[k].as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_u64().unwrap())
                    .collect()
            };
            let standard: Vec<f64> = u("stdpop").iter().map(|x| *x as f64).collect();
            let (v, (lo, hi)) = dsr(
                &u("count"),
                &u("pop"),
                &standard,
                c["per"].as_f64().unwrap(),
            )
            .unwrap();
            assert!(
                (v - c["value"].as_f64().unwrap()).abs() < 1e-6,
                "{} {v}",
                c["name"]
            );
            assert!(
                (lo - c["lower"].as_f64().unwrap()).abs() < 1e-6,
                "{} {lo}",
                c["name"]
            );
            assert!(
                (hi - c["upper"].as_f64().unwrap()).abs() < 1e-6,
                "{} {hi}",
                c["name"]
            );
        }
    }

    /// PHEindicatormethods's SII test data (testdata_SII.xlsx, commit 093fd28), as
    /// stats_cases.json transcribes it: the point SII and RII, without transform. A
    /// negative multiplier turns the slope round and the RII over, as phe_sii does.
    #[test]
    fn sii_on_the_reference_cases() {
        let cases = reference("sii");
        assert_eq!(cases.len(), 8);
        for c in cases {
            let f = |k: &str| -> Vec<f64> {
                c[k].as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_f64().unwrap())
                    .collect()
            };
            let multiplier = c["multiplier"].as_f64().unwrap();
            let (slope, rii) = sii(&f("population"), &f("value")).unwrap();
            let rii = if multiplier < 0.0 { 1.0 / rii } else { rii };
            let want = c["sii"].as_f64().unwrap();
            assert!(
                (slope * multiplier - want).abs() < 1e-6,
                "{} {slope}",
                c["name"]
            );
            assert!(
                (rii - c["rii"].as_f64().unwrap()).abs() < 1e-6,
                "{} {rii}",
                c["name"]
            );
        }
    }

    /// PHEindicatormethods's funnel test data for proportions
    /// (tests/testthat/testdata_funnel_prop_outputs.csv, commit 093fd28): the limits at
    /// denominators 1 to 110,000 around the inputs' average, 80.642448 %, per 100.
    #[test]
    fn funnel_limits_on_the_reference_cases() {
        let average = 0.806_424_48;
        // (denominator, lower 95 %, upper 95 %, lower 99.8 %, upper 99.8 %)
        let rows = [
            (1.0, 3.204264, 100.0, 0.0, 100.0),
            (3.0, 35.933491, 100.0, 10.150815, 100.0),
            (7.0, 51.373565, 100.0, 34.494842, 100.0),
            (9.0, 54.82972, 100.0, 39.944085, 100.0),
            (68.0, 71.251689, 90.033207, 65.836243, 95.448652),
            (1531.0, 78.663349, 82.621547, 77.522045, 83.76285),
            (110_000.0, 80.408963, 80.875933, 80.274317, 81.010578),
        ];
        for (n, l2, u2, l3, u3) in rows {
            let (a, b) = funnel_limits(average, n, Z95);
            let (c, d) = funnel_limits(average, n, Z998);
            for (got, want) in [(a, l2), (b, u2), (c, l3), (d, u3)] {
                assert!(
                    (got * 100.0 - want).abs() < 2e-5,
                    "{n}: {got} against {want}"
                );
            }
        }
    }

    /// By hand: four quintiles of 100 people at 0.2, 0.4, 0.6, 0.8 lie at midpoints
    /// 0.125, 0.375, 0.625, 0.875; the line is 0.1 + 0.8 x: SII 0.8, RII 0.9 / 0.1 = 9.
    /// The simulated interval holds the SII and is the same on a rerun.
    #[test]
    fn sii_by_hand_and_its_interval_from_a_fixed_seed() {
        let pops = [100.0; 4];
        assert_eq!(quantile_midpoints(&pops), vec![0.125, 0.375, 0.625, 0.875]);
        let (s, r) = sii(&pops, &[0.2, 0.4, 0.6, 0.8]).unwrap();
        assert!((s - 0.8).abs() < 1e-12 && (r - 9.0).abs() < 1e-9, "{s} {r}");
        let shares = [0.2, 0.4, 0.6, 0.8];
        let bounds: Vec<(f64, f64)> = [20, 40, 60, 80]
            .iter()
            .map(|x| wilson(*x, 100).unwrap())
            .collect();
        let lows: Vec<f64> = bounds.iter().map(|b| b.0).collect();
        let highs: Vec<f64> = bounds.iter().map(|b| b.1).collect();
        let run = |values: &[f64], seed| {
            sii_interval(&pops, (values, &lows, &highs), Scale::Logit, 10_000, seed)
        };
        let ((lo, hi), (rlo, rhi)) = run(&shares, 7).unwrap();
        assert!(lo < 0.8 && 0.8 < hi && lo > 0.5 && hi < 1.1, "{lo} {hi}");
        assert!(rlo < 9.0 && 9.0 < rhi, "{rlo} {rhi}");
        assert_eq!(run(&shares, 7).unwrap().0, (lo, hi));
        assert_ne!(run(&shares, 8).unwrap().0, (lo, hi));
        assert_eq!(run(&[0.0, 0.4, 0.6, 0.8], 7), None);
    }

    fn reference(key: &str) -> Vec<serde_json::Value> {
        let cases: serde_json::Value =
            serde_json::from_str(include_str!("../tests/reference/stats_cases.json")).unwrap();
        cases[key].as_array().unwrap().clone()
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
