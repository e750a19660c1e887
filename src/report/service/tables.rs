//! The tables of the service-user pages: a breakdown's figures by group with each
//! group compared with the service, and referral sources by ethnic group.

use crate::pdf::model::{Align, Table, col};
use crate::report::compose::table_with_total;
use crate::report::{ReportError, pct};

use super::{Builder, Column, Kind, Vars, display_kind, group_label};

/// Referral sources in report order.
pub(super) const SOURCES: &[(&str, &str)] = &[
    ("self", "Self-referral"),
    ("gp", "GP"),
    ("other_professional", "Other professional"),
    ("other", "Other"),
    ("not recorded", "Not recorded"),
];

impl Builder<'_> {
    /// One row per value of a dimension with the given figures, and a reading of the
    /// `compare` figure against the service. Counts of an additive dimension (every
    /// one but priority groups, where a person can be in several) get secondary
    /// suppression against the service total.
    /// A section's breakdown table for one dimension: the figures its template lists
    /// at `<section>.figures`, each group compared with the service on
    /// `<section>.compare`.
    pub(super) fn section_table(&self, section: &str, dim: &str) -> Result<Table, ReportError> {
        let t = &self.template;
        let cols = t
            .columns(section)
            .ok_or_else(|| crate::template::TemplateError::Invalid {
                file: t.own_file().into(),
                message: format!("missing table [{section}]"),
            })?;
        let mut columns = Vec::new();
        for id in cols.figures {
            let header = t.heading(id)?.fill(&Vars::new())?;
            columns.push(Column {
                kind: display_kind(id),
                id: id.clone(),
                header,
            });
        }
        self.breakdown_table(dim, &columns, Some(cols.compare))
    }

    pub(super) fn breakdown_table(
        &self,
        dim: &str,
        columns: &[Column],
        compare: Option<&str>,
    ) -> Result<Table, ReportError> {
        let values = self.values(dim);
        let get = |id: &str, value: &str| self.metrics.get(id, &[(dim, value)]);
        let overall = compare.and_then(|id| self.metrics.get(id, &[]).and_then(|m| m.value));
        let mut rows = Vec::new();
        for x in &values {
            let mut row = vec![group_label(&self.template.codes, dim, x)];
            for c in columns {
                row.push(self.shown(get(&c.id, x), c.kind, true));
            }
            if let Some(id) = compare {
                row.push(self.reading(get(id, x), overall)?);
            }
            rows.push(row);
        }
        let mut total = vec!["All referrals".to_string()];
        for c in columns {
            total.push(self.shown(self.metrics.get(&c.id, &[]), c.kind, true));
        }
        if compare.is_some() {
            total.push(String::new());
        }
        rows.push(total);
        let mut cols = vec![col("Group", 2.2, Align::Left)];
        let width = if columns.len() > 3 { 1.5 } else { 2.0 };
        cols.extend(columns.iter().map(|c| {
            col(
                &c.header,
                if c.kind == Kind::Count { 1.0 } else { width },
                Align::Right,
            )
        }));
        if compare.is_some() {
            cols.push(col("Compared with the service", 1.6, Align::Left));
        }
        Ok(table_with_total(cols, rows))
    }

    /// Referral sources by ethnic group: counts with each row's shares, hidden so no
    /// small count can be found from its row or column total.
    pub(super) fn sources_table(&self, rows_in: &[(String, String, u64)]) -> Table {
        let d = self.d();
        let groups = crate::contract::ETHNIC_GROUPS;
        let count = |g: Option<&str>, src: &str| -> u64 {
            rows_in
                .iter()
                .filter(|r| g.is_none_or(|g| r.0 == g) && r.1 == src)
                .map(|r| r.2)
                .sum()
        };
        let grid: Vec<Vec<u64>> = groups
            .iter()
            .map(|g| SOURCES.iter().map(|(s, _)| count(Some(g), s)).collect())
            .collect();
        let hides = |g: Option<&str>, src: Option<&str>| {
            let by: Vec<(&str, &str)> = [("ethnic_group", g), ("referral_source", src)]
                .into_iter()
                .filter_map(|(k, v)| Some((k, v?)))
                .collect();
            self.plan.hides("referrals", &by) || d.count_hidden(count(g, src.unwrap_or("")))
        };
        // a share pins its count and its row's total: shown only where neither is hidden
        let cell = |n: u64, total: u64, hidden: bool, total_hidden: bool| {
            if hidden {
                "*".to_string()
            } else if total == 0 || total_hidden {
                d.show_count(n)
            } else {
                // a rounded copy's share is of its rounded counts
                let share = d.rounded(n) as f64 / d.rounded(total) as f64;
                format!("{} ({})", d.show_count(n), pct(share))
            }
        };
        let mut rows: Vec<Vec<String>> =
            groups
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    let total: u64 = grid[i].iter().sum();
                    let total_hidden = self.plan.hides("referrals", &[("ethnic_group", g)])
                        || d.count_hidden(total);
                    let mut row = vec![
                        group_label(&self.template.codes, "ethnic_group", g),
                        if total_hidden {
                            "*".into()
                        } else {
                            d.show_count(total)
                        },
                    ];
                    row.extend(SOURCES.iter().zip(&grid[i]).map(|((src, _), n)| {
                        cell(*n, total, hides(Some(g), Some(src)), total_hidden)
                    }));
                    row
                })
                .collect();
        let all: Vec<u64> = SOURCES.iter().map(|(s, _)| count(None, s)).collect();
        let total: u64 = all.iter().sum();
        let mut last = vec!["All referrals".to_string(), d.show_count(total)];
        last.extend(
            SOURCES
                .iter()
                .zip(&all)
                .map(|((src, _), n)| cell(*n, total, hides(None, Some(src)), false)),
        );
        rows.push(last);
        let mut cols = vec![
            col("Ethnic group", 1.8, Align::Left),
            col("Referrals", 1.0, Align::Right),
        ];
        cols.extend(SOURCES.iter().map(|(_, h)| col(h, 1.3, Align::Right)));
        let note = "Counts with the share of the row's referrals in brackets.";
        Table {
            note: Some(note.into()),
            ..table_with_total(cols, rows)
        }
    }
}
