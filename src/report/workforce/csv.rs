//! The CSV tables a workforce report writes beside its PDF.

use crate::metrics::Metric;
use crate::output::CsvTable;

use super::{Builder, figure_cells};
use crate::standards::rag_of;

impl Builder<'_> {
    /// A CSV of figures: for each `keep` takes, its `lead` cells (its id, its groups),
    /// then its numerator, denominator, value and interval; `columns` names them all.
    fn figure_table(
        &self,
        name: &str,
        columns: &[&str],
        keep: impl Fn(&Metric) -> bool,
        lead: impl Fn(&Metric) -> Vec<String>,
    ) -> CsvTable {
        let mut out = CsvTable::new(name, columns);
        for m in self.metrics.0.iter().filter(|m| keep(m)) {
            let mut row = lead(m);
            row.extend(figure_cells(m));
            out.rows.push(row);
        }
        out
    }

    pub(super) fn tables(&self) -> Vec<CsvTable> {
        let mut out = Vec::new();
        let val =
            |x: Option<f64>| x.map_or(String::new(), |v| crate::metrics::round4(v).to_string());
        let mut summary = CsvTable::new(
            "summary",
            &[
                "metric",
                "label",
                "numerator",
                "denominator",
                "value",
                "ci_low",
                "ci_high",
                "previous_value",
                "baseline",
                "target",
                "rag",
            ],
        );
        for (id, label) in &self.headlines {
            let id = id.as_str();
            let Some(m) = self.metrics.get(id, &[]) else {
                continue;
            };
            let prev = self
                .previous
                .and_then(|p| p.metrics.get(id, &[]))
                .and_then(|p| p.value);
            let target = self.settings.targets.get(id);
            let mut row = vec![id.to_string(), label.to_string()];
            row.extend(figure_cells(m));
            row.extend([
                val(prev),
                val(self.settings.baseline.values.get(id).copied()),
                val(target.map(|t| t.value)),
                rag_of(&self.settings.targets, id, m.value)
                    .map_or(String::new(), |r| r.as_str().into()),
            ]);
            summary.rows.push(row);
        }
        out.push(summary);
        let by = |key: &'static str| move |m: &Metric| m.by.get(key).cloned().unwrap_or_default();
        out.push(self.figure_table(
            "by_partner",
            &[
                "metric",
                "partner_org",
                "numerator",
                "denominator",
                "value",
                "ci_low",
                "ci_high",
            ],
            |m| m.by.len() == 1 && m.by.contains_key("partner_org"),
            |m| vec![m.id.clone(), by("partner_org")(m)],
        ));
        out.push(self.figure_table(
            "band_share",
            &[
                "band_cluster",
                "wres_group",
                "staff",
                "cluster_total",
                "share",
                "ci_low",
                "ci_high",
            ],
            |m| m.id == "wres1.band_share" && m.by.len() == 2,
            |m| vec![by("band_cluster")(m), by("wres_group")(m)],
        ));
        // the national returns' band table, as the annual report prints it (the
        // partnership's; each partner's is in metrics.json)
        let partnership = |ids: &'static [&'static str]| {
            move |m: &Metric| ids.contains(&m.id.as_str()) && !m.by.contains_key("partner_org")
        };
        out.push(self.figure_table(
            "band_return",
            &[
                "metric",
                "afc_band",
                "clinical",
                "group",
                "staff",
                "band_staff",
                "share",
                "ci_low",
                "ci_high",
            ],
            partnership(&["wres1.band_count", "wdes1.band_share"]),
            |m| {
                let group = m.by.get("wres_group").or(m.by.get("disability"));
                vec![
                    m.id.clone(),
                    by("afc_band")(m),
                    by("clinical")(m),
                    group.cloned().unwrap_or_default(),
                ]
            },
        ));
        // the board by voting role (WRES 9, WDES 10); the whole board's role is empty
        out.push(self.figure_table(
            "board",
            &[
                "metric",
                "board_role",
                "numerator",
                "denominator",
                "value",
                "ci_low",
                "ci_high",
            ],
            partnership(&["wres9.board_bme_pct", "wdes10.board_disability_pct"]),
            |m| vec![m.id.clone(), by("board_role")(m)],
        ));
        out.push(self.figure_table(
            "pay_quartiles",
            &[
                "pay_group",
                "pay_quartile",
                "staff",
                "quartile_staff",
                "share",
                "ci_low",
                "ci_high",
            ],
            partnership(&["pay.quartile_share"]),
            |m| vec![by("pay_group")(m), by("pay_quartile")(m)],
        ));
        // the pay gaps: numerator the second group's staff with pay, denominator the
        // first's, and no interval
        let mut pay = CsvTable::new(
            "pay_gaps",
            &["metric", "group_staff", "reference_staff", "gap_pct"],
        );
        for m in self.metrics.0.iter().filter(|m| {
            m.id.starts_with("pay.")
                && m.id != "pay.quartile_share"
                && !m.by.contains_key("partner_org")
        }) {
            let [num, den, value, _, _] = figure_cells(m);
            pay.rows.push(vec![m.id.clone(), num, den, value]);
        }
        out.push(pay);
        out.extend(crate::report::quality_page::csv_tables(self.quality));
        out
    }
}
