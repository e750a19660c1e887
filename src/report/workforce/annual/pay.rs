//! The annual workforce report's page of pay gaps: the gender, ethnicity and
//! disability gaps in mean and median hourly pay, and who is in each pay quartile.

use crate::pdf::model::{Align, Block, Section, Table, col, item};
use crate::report::ReportError;
use crate::report::compose::{section, table};
use crate::report::workforce::Vars;
use crate::template::Ph;
use crate::template::wording::words_or_key;

use super::Annual;

/// The gaps in row order, each by its mean and its median figure.
const GAPS: [(&str, &str); 3] = [
    ("pay.gender_gap_mean_pct", "pay.gender_gap_median_pct"),
    ("pay.ethnicity_gap_mean_pct", "pay.ethnicity_gap_median_pct"),
    (
        "pay.disability_gap_mean_pct",
        "pay.disability_gap_median_pct",
    ),
];

/// The groups of the quartile table, in column order.
const QUARTILE_GROUPS: [&str; 3] = ["women", "bme", "disabled"];

impl Annual<'_> {
    pub(super) fn pay_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let b = &self.b;
        let t = &b.template;
        let w = t.need(&t.pay_gaps, "pay_gaps")?;
        let mut blocks = vec![Block::Paragraph(w.intro.fill(v)?)];
        let staff = |m: Option<&crate::metrics::Metric>| {
            m.map_or(0, |m| m.numerator.unwrap_or(0) + m.denominator.unwrap_or(0))
        };
        if GAPS
            .iter()
            .all(|(mean, _)| staff(b.metrics.get(mean, &[])) == 0)
        {
            blocks.push(Block::Paragraph(w.no_pay.fill(v)?));
            return section(t, "pay_gaps", v, true, blocks);
        }
        let mut rows = Vec::new();
        for (mean, median) in GAPS {
            let m = b.metrics.get(mean, &[]);
            let mut vv = v.clone();
            // the staff with pay on each side, as this copy shows counts, hidden where
            // the run's plan hides them
            let count = |side: &str, n: Option<u64>| {
                if b.plan.hides(&format!("{mean}:{side}"), &[]) {
                    "*".to_string()
                } else {
                    b.d().show_count(n.unwrap_or(0))
                }
            };
            vv.insert(
                Ph::First,
                count("denominator", m.and_then(|m| m.denominator)),
            );
            vv.insert(Ph::Second, count("numerator", m.and_then(|m| m.numerator)));
            rows.push(vec![
                t.of_figure(&w.gaps, "pay_gaps.gaps", mean)?.fill(v)?,
                self.gap(m),
                self.gap(b.metrics.get(median, &[])),
                t.of_figure(&w.sides, "pay_gaps.sides", mean)?.fill(&vv)?,
            ]);
        }
        let gaps = Table {
            note: Some(w.note.fill(v)?),
            ..table(
                vec![
                    col(&w.gap_header.fill(v)?, 2.6, Align::Left),
                    col(&w.mean_header.fill(v)?, 0.9, Align::Right),
                    col(&w.median_header.fill(v)?, 0.9, Align::Right),
                    col(&w.staff_header.fill(v)?, 2.0, Align::Left),
                ],
                rows,
            )
        };
        blocks.push(item("pay_gap_table", vec![Block::Table(gaps)]));
        blocks.push(item(
            "pay_quartile_table",
            vec![
                Block::Subheading(w.quartiles_title.fill(v)?),
                Block::Table(self.quartile_table(w, v)?),
            ],
        ));
        section(t, "pay_gaps", v, true, blocks)
    }

    /// A gap as a percentage to one decimal, `*` where a group is too small, `-`
    /// where a group has no one.
    fn gap(&self, m: Option<&crate::metrics::Metric>) -> String {
        let b = &self.b;
        match m {
            None => "-".into(),
            Some(m) if b.hidden(m) => "*".into(),
            Some(m) => m.value.map_or("-".into(), |x| format!("{x:.1}%")),
        }
    }

    /// Each quartile's share of women, BME and disabled staff, lower to upper.
    fn quartile_table(
        &self,
        w: &crate::template::wording::PayGaps,
        v: &Vars,
    ) -> Result<Table, ReportError> {
        let b = &self.b;
        let mut rows = Vec::new();
        for (q, name) in w.quartiles.iter().enumerate() {
            let q = (q + 1).to_string();
            let mut row = vec![name.fill(v)?];
            for g in QUARTILE_GROUPS {
                let m = b.metrics.get(
                    "pay.quartile_share",
                    &[("pay_group", g), ("pay_quartile", &q)],
                );
                row.push(b.shown(m, true));
            }
            rows.push(row);
        }
        let mut columns = vec![col(&w.quartile_header.fill(v)?, 1.6, Align::Left)];
        for g in QUARTILE_GROUPS {
            columns.push(col(&words_or_key(&w.groups, g, v)?, 1.6, Align::Right));
        }
        Ok(table(columns, rows))
    }
}
