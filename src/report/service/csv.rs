//! The CSV tables a service-user report writes beside its PDF.

use crate::output::CsvTable;

use super::Builder;

impl Builder<'_> {
    /// The CSV tables: every figure, referral sources, ethnicity recording by partner,
    /// data quality and rows read.
    pub(super) fn tables(
        &self,
        sources: &[(String, String, u64)],
        unknown: &[(String, u64, u64)],
    ) -> Vec<CsvTable> {
        let mut figures = CsvTable::new(
            "figures",
            &[
                "metric",
                "breakdown",
                "group",
                "numerator",
                "denominator",
                "value",
                "ci_low",
                "ci_high",
            ],
        );
        let opt = |x: Option<u64>| x.map_or(String::new(), |v| v.to_string());
        let val =
            |x: Option<f64>| x.map_or(String::new(), |v| crate::metrics::round4(v).to_string());
        for m in &self.metrics.0 {
            let (num, den) = match m.groups.as_slice() {
                [a, _] => (Some(a.numerator), Some(a.denominator)),
                _ => (m.numerator, m.denominator),
            };
            figures.rows.push(vec![
                m.id.clone(),
                m.by.keys().cloned().collect::<Vec<_>>().join(" x "),
                m.by.values().cloned().collect::<Vec<_>>().join(" x "),
                opt(num),
                opt(den),
                val(m.value),
                val(m.ci_low),
                val(m.ci_high),
            ]);
        }
        let mut src = CsvTable::new(
            "referral_sources",
            &["ethnic_group", "referral_source", "referrals"],
        );
        for (g, s, n) in sources {
            src.rows.push(vec![g.clone(), s.clone(), n.to_string()]);
        }
        let mut eth = CsvTable::new(
            "ethnicity_by_partner",
            &["partner_org", "unknown", "referrals"],
        );
        for (p, n, t) in unknown {
            eth.rows.push(vec![p.clone(), n.to_string(), t.to_string()]);
        }
        // the counts of each side of the ethnicity recovery gaps, which the figures
        // table cannot hold in one numerator and denominator
        let mut sides = CsvTable::new(
            "ethnicity_gap_sides",
            &["metric", "partner_org", "side", "numerator", "denominator"],
        );
        for m in self.metrics.0.iter().filter(|m| {
            crate::registry::figure(&m.id)
                .is_some_and(|f| f.kind == crate::registry::Kind::Difference)
        }) {
            for g in &m.groups {
                sides.rows.push(vec![
                    m.id.clone(),
                    m.by.get("partner_org").cloned().unwrap_or_default(),
                    g.group.clone(),
                    g.numerator.to_string(),
                    g.denominator.to_string(),
                ]);
            }
        }
        let mut out = vec![figures, src, eth, sides];
        out.extend(crate::report::quality_page::csv_tables(self.quality));
        out
    }
}
