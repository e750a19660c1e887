//! The annual workforce report's pages of the national returns: the staff by pay band
//! as the WRES and WDES returns lay them out (`wres1.band_count`, `wdes1.band_share`),
//! and the board by voting role (WRES 9) with its disabled share against the
//! workforce's (WDES 10).

use crate::contract::AFC_BANDS;
use crate::metrics::Metric;
use crate::pdf::model::{Align, Block, Section, Table, col, item};
use crate::report::compose::{section, table};
use crate::report::workforce::Vars;
use crate::report::{ReportError, change, pct};
use crate::template::Ph;
use crate::template::wording::{BandReturn, band_words, words_or_key};

use super::Annual;

/// The two tables of the band return: the figure, the group it breaks each band's
/// staff down by, the groups in column order, and the `show` name.
const BAND_TABLES: [(&str, &str, [&str; 3], &str); 2] = [
    (
        "wres1.band_count",
        "wres_group",
        ["White", "BME", "Unknown"],
        "wres1_band_table",
    ),
    (
        "wdes1.band_share",
        "disability",
        ["Y", "N", "Z"],
        "wdes1_band_table",
    ),
];

impl Annual<'_> {
    pub(super) fn band_return_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.b.template;
        let w = t.need(&t.band_return, "band_return")?;
        let mut blocks = vec![Block::Paragraph(w.intro.fill(v)?)];
        for ((id, dim, groups, name), title) in
            BAND_TABLES.iter().zip([&w.wres_title, &w.wdes_title])
        {
            let table = self.band_table(id, dim, groups, w, v)?;
            blocks.push(item(
                name,
                vec![Block::Subheading(title.fill(v)?), Block::Table(table)],
            ));
        }
        section(t, "band_return", v, true, blocks)
    }

    /// One band table: a row per band with staff, clinical staff first, each group's
    /// staff with its share of the band, and the band's staff; hidden where the run's
    /// plan hides the count.
    fn band_table(
        &self,
        id: &str,
        dim: &str,
        groups: &[&str; 3],
        w: &BandReturn,
        v: &Vars,
    ) -> Result<Table, ReportError> {
        let b = &self.b;
        let d = b.d();
        let mut rows = Vec::new();
        let mut headed = Vec::new();
        for (clinical, heading) in [("yes", &w.clinical), ("no", &w.non_clinical)] {
            let start = rows.len();
            for (band, _, _) in AFC_BANDS {
                let at = |g: &str| {
                    b.metrics
                        .get(id, &[("afc_band", band), ("clinical", clinical), (dim, g)])
                };
                let Some(total) = at(groups[0]).and_then(|m| m.denominator) else {
                    continue;
                };
                let mut row = vec![band_words(&b.template.codes, band)];
                for g in groups {
                    row.push(at(g).map_or("-".into(), |m| self.count_and_share(m)));
                }
                row.push(
                    if b.plan
                        .hides("staff", &[("afc_band", band), ("clinical", clinical)])
                    {
                        "*".into()
                    } else {
                        d.show_count(total)
                    },
                );
                rows.push(row);
            }
            if rows.len() > start {
                headed.push((start, heading.fill(v)?));
            }
        }
        let mut columns = vec![col(&w.band_header.fill(v)?, 2.2, Align::Left)];
        for g in groups {
            columns.push(col(&words_or_key(&w.groups, g, v)?, 1.5, Align::Right));
        }
        columns.push(col(&w.total_header.fill(v)?, 1.0, Align::Right));
        Ok(Table {
            groups: headed,
            note: Some(w.note.fill(v)?),
            ..table(columns, rows)
        })
    }

    /// A group's staff with its share of the row, "12 (30.0%)", as this copy rounds
    /// them; `*` where the run's plan hides the count.
    fn count_and_share(&self, m: &Metric) -> String {
        let b = &self.b;
        if b.hidden(m) {
            return "*".into();
        }
        let m = b.d().as_shown(m);
        match (m.numerator, m.value) {
            (Some(n), Some(p)) => format!("{} ({})", b.d().show_count(n), pct(p)),
            (Some(n), None) => b.d().show_count(n),
            _ => "-".into(),
        }
    }

    /// The board: its members, their BME and disabled shares, for all members and for
    /// each voting role, against the workforce; then WDES 10 in a sentence.
    pub(super) fn board_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let b = &self.b;
        let t = &b.template;
        let w = t.need(&t.board, "board")?;
        let mut blocks = vec![Block::Paragraph(w.intro.fill(v)?)];
        let bme = |by: &[(&str, &str)]| b.metrics.get("wres9.board_bme_pct", by);
        let disabled = |by: &[(&str, &str)]| b.metrics.get("wdes10.board_disability_pct", by);
        if bme(&[]).is_none_or(|m| m.denominator == Some(0)) {
            blocks.push(Block::Paragraph(w.no_board.fill(v)?));
            return section(t, "board", v, true, blocks);
        }
        let mut rows = Vec::new();
        let roles = [
            (None, &w.all_members),
            (Some("executive"), &w.executive),
            (Some("non_executive"), &w.non_executive),
        ];
        for (role, words) in roles {
            let by: Vec<(&str, &str)> = role.map(|r| ("board_role", r)).into_iter().collect();
            let Some(m) = bme(&by) else { continue };
            let members = if b.staff_hidden(&[&[("board", "yes")], &by[..]].concat()) {
                "*".into()
            } else {
                b.d().show_count(m.denominator.unwrap_or(0))
            };
            rows.push(vec![
                words.fill(v)?,
                members,
                b.shown(Some(m), true),
                b.shown(disabled(&by), true),
            ]);
        }
        if rows.len() == 1 {
            blocks.push(Block::Paragraph(w.no_roles.fill(v)?));
        }
        rows.push(vec![
            w.workforce.fill(v)?,
            b.shown(b.metrics.get("wf.headcount", &[]), false),
            b.shown(b.metrics.get("wf.bme_pct", &[]), true),
            b.shown(b.metrics.get("wf.disability_pct", &[]), true),
        ]);
        let columns = vec![
            col(&w.role_header.fill(v)?, 2.2, Align::Left),
            col(&w.members_header.fill(v)?, 0.9, Align::Right),
            col(&w.bme_header.fill(v)?, 1.8, Align::Right),
            col(&w.disabled_header.fill(v)?, 1.8, Align::Right),
        ];
        let tb = Table {
            bold_rows: vec![rows.len() - 1],
            note: Some(w.note.fill(v)?),
            ..table(columns, rows)
        };
        blocks.push(item("board_table", vec![Block::Table(tb)]));
        // WDES 10: the two shares as this copy shows them, the difference of those
        let board = disabled(&[]).filter(|m| !b.hidden(m));
        let staff = b
            .metrics
            .get("wf.disability_pct", &[])
            .filter(|m| !b.hidden(m));
        let sentence = match (
            board.and_then(|m| b.d().as_shown(m).value),
            staff.and_then(|m| b.d().as_shown(m).value),
        ) {
            (Some(x), Some(y)) => {
                let mut vv = v.clone();
                vv.insert(Ph::Gap, change((x - y) * 100.0));
                vv.insert(Ph::Value, pct(x));
                vv.insert(Ph::Share, pct(y));
                w.wdes10.fill(&vv)?
            }
            _ => w.wdes10_hidden.fill(v)?,
        };
        blocks.push(Block::Paragraph(sentence));
        section(t, "board", v, true, blocks)
    }
}
