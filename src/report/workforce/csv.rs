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
        // the national returns' band table, as the annual report prints it (the
        // partnership's; each partner's is in metrics.json)
        let mut band_return = CsvTable::new(
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
        );
        for m in self.metrics.0.iter().filter(|m| {
            ["wres1.band_count", "wdes1.band_share"].contains(&m.id.as_str())
                && !m.by.contains_key("partner_org")
        }) {
            let group = m.by.get("wres_group").or(m.by.get("disability"));
            let mut row = vec![
                m.id.clone(),
                m.by.get("afc_band").cloned().unwrap_or_default(),
                m.by.get("clinical").cloned().unwrap_or_default(),
                group.cloned().unwrap_or_default(),
            ];
            row.extend(figure_cells(m));
            band_return.rows.push(row);
        }
        out.push(band_return);
        // the board by voting role (WRES 9, WDES 10); the whole board's role is empty
        let mut board = CsvTable::new(
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
        );
        for m in self.metrics.0.iter().filter(|m| {
            ["wres9.board_bme_pct", "wdes10.board_disability_pct"].contains(&m.id.as_str())
                && !m.by.contains_key("partner_org")
        }) {
            let mut row = vec![
                m.id.clone(),
                m.by.get("board_role").cloned().unwrap_or_default(),
            ];
            row.extend(figure_cells(m));
            board.rows.push(row);
        }
        out.push(board);
        // the pay gaps (numerator the second group's staff with pay, denominator the
        // first's) and who is in each pay quartile
        let mut pay = CsvTable::new(
            "pay_gaps",
            &["metric", "group_staff", "reference_staff", "gap_pct"],
        );
        let mut quartiles = CsvTable::new(
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
        );
        for m in self
            .metrics
            .0
            .iter()
            .filter(|m| m.id.starts_with("pay.") && !m.by.contains_key("partner_org"))
        {
            if m.id == "pay.quartile_share" {
                let mut row = vec![
                    m.by.get("pay_group").cloned().unwrap_or_default(),
                    m.by.get("pay_quartile").cloned().unwrap_or_default(),
                ];
                row.extend(figure_cells(m));
                quartiles.rows.push(row);
            } else {
                let [num, den, value, _, _] = figure_cells(m);
                pay.rows.push(vec![m.id.clone(), num, den, value]);
            }
        }
        out.push(pay);
        out.push(quartiles);
        out.extend(crate::report::quality_page::csv_tables(self.quality));
        out
    }
}
