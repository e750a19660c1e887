//! The CSV tables a workforce report writes beside its PDF.

use crate::output::CsvTable;

use super::{Builder, figure_cells};
use crate::standards::rag_of;

impl Builder<'_> {
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
        let mut partners = CsvTable::new(
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
        );
        for m in self
            .metrics
            .0
            .iter()
            .filter(|m| m.by.len() == 1 && m.by.contains_key("partner_org"))
        {
            let mut row = vec![m.id.clone(), m.by["partner_org"].clone()];
            row.extend(figure_cells(m));
            partners.rows.push(row);
        }
        out.push(partners);
        let mut bands = CsvTable::new(
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
        );
        for m in self
            .metrics
            .0
            .iter()
            .filter(|m| m.id == "wres1.band_share" && m.by.len() == 2)
        {
            let mut row = vec![m.by["band_cluster"].clone(), m.by["wres_group"].clone()];
            row.extend(figure_cells(m));
            bands.rows.push(row);
        }
        out.push(bands);
        out.extend(crate::report::quality_page::csv_tables(self.quality));
        out
    }
}
