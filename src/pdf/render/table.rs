//! Tables: rows wrapped to their columns, a row never split across pages, the header
//! row read once and repeated on a new page as an artifact under "(continued)", and a
//! total row kept with the row before it.

use super::{BOTTOM, Layout, MARGIN_X, SMALL, TEXT_W, grey};
use crate::pdf::model::{Align, Table};

impl Layout<'_> {
    pub(super) fn table(&mut self, t: &Table) {
        let pad = 3.0;
        let widths = self.column_widths(t, pad);
        let lead = SMALL * 1.3;
        let wrap_row = |cells: &[String], bold: bool| -> Vec<Vec<String>> {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| self.faces.wrap(c, SMALL, bold, w - 2.0 * pad))
                .collect()
        };
        let headers: Vec<String> = t.columns.iter().map(|c| c.header.clone()).collect();
        let header_lines = wrap_row(&headers, true);
        let header_h =
            header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * lead + 2.0 * pad;
        // the header row is read once; repeated on a new page it is an artifact
        let draw_header = |me: &mut Self, first: bool| {
            let top = me.y;
            me.rect(MARGIN_X, top - header_h, TEXT_W, header_h, grey(0.85));
            if first {
                me.tagged("TR", |me| {
                    me.draw_cells(&header_lines, &widths, top, pad, lead, true, t, Row::Header)
                });
            } else {
                me.artifact(|me| {
                    me.draw_cells(&header_lines, &widths, top, pad, lead, true, t, Row::Header)
                });
            }
            me.y = top - header_h;
        };
        let first_row_h = t.rows.first().map_or(0.0, |r| {
            wrap_row(r, false).iter().map(Vec::len).max().unwrap_or(1) as f32 * lead + 2.0 * pad
        });
        self.need(header_h + first_row_h + 4.0);
        self.y += SMALL; // tables start at the top of the line box, not its baseline
        self.tags.open("Table");
        draw_header(self, true);
        let rows: Vec<(bool, Vec<Vec<String>>, f32)> = t
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let bold = t.bold_rows.contains(&i);
                let lines = wrap_row(row, bold);
                let h = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * lead + 2.0 * pad;
                (bold, lines, h)
            })
            .collect();
        let last = rows.len().saturating_sub(1);
        for (i, (bold, lines, h)) in rows.iter().enumerate() {
            let (bold, h) = (*bold, *h);
            // a total row is not left alone at the top of a page: the row before it
            // goes with it; nor is a group's heading left at the foot of one
            let keep = if i + 1 == last && rows[last].0 {
                rows[last].2
            } else {
                0.0
            };
            let group = t.groups.iter().find(|(at, _)| *at == i).map(|(_, g)| g);
            let group_lines = group.map(|g| self.faces.wrap(g, SMALL, true, TEXT_W - 2.0 * pad));
            let group_h = group_lines
                .as_ref()
                .map_or(0.0, |l| l.len() as f32 * lead + 2.0 * pad + 2.0);
            if self.y - group_h - h - keep < BOTTOM {
                self.new_page();
                self.y += SMALL;
                // said to the eye; to a screen reader the table is one
                self.artifact(|me| {
                    let y = me.y - SMALL;
                    me.text(MARGIN_X, y, "(continued)", SMALL, false, grey(0.35));
                });
                self.y -= SMALL + 4.0;
                draw_header(self, false);
            }
            if let Some(lines) = &group_lines {
                let top = self.y;
                self.tagged("TR", |me| {
                    me.tags.open_spanning_header(t.columns.len());
                    for (li, l) in lines.iter().enumerate() {
                        let y = top - pad - 2.0 - SMALL - li as f32 * lead + 1.5;
                        me.text(MARGIN_X + pad, y, l, SMALL, true, grey(0.0));
                    }
                    me.tags.close();
                });
                self.line(
                    &[
                        (MARGIN_X, top - group_h),
                        (MARGIN_X + TEXT_W, top - group_h),
                    ],
                    0.8,
                    grey(0.3),
                    false,
                );
                self.y = top - group_h;
            }
            let top = self.y;
            if i % 2 == 1 {
                self.rect(MARGIN_X, top - h, TEXT_W, h, grey(0.95));
            }
            self.tagged("TR", |me| {
                me.draw_cells(lines, &widths, top, pad, lead, bold, t, Row::Body)
            });
            self.line(
                &[(MARGIN_X, top - h), (MARGIN_X + TEXT_W, top - h)],
                0.3,
                grey(0.75),
                false,
            );
            self.y = top - h;
        }
        self.tags.close();
        self.y -= SMALL * 1.6;
        if let Some(note) = &t.note {
            self.tagged("P", |l| l.paragraph(note, SMALL, false, 0.0));
        }
        self.y -= 4.0;
    }

    /// Each column's width: its share of the text width, unless that wraps a figure
    /// or a reading onto a second line where the first column's words could wrap
    /// instead. Then every other column takes the width of its longest cell and the
    /// first (the groups' names) what is left, if that still holds its longest word.
    fn column_widths(&self, t: &Table, pad: f32) -> Vec<f32> {
        let shares: f32 = t.columns.iter().map(|c| c.width).sum();
        let by_share: Vec<f32> = t
            .columns
            .iter()
            .map(|c| c.width / shares * TEXT_W)
            .collect();
        let cells = |ci: usize| {
            t.rows
                .iter()
                .enumerate()
                .filter_map(move |(ri, r)| Some((r.get(ci)?, t.bold_rows.contains(&ri))))
        };
        let natural: Vec<f32> = (0..t.columns.len())
            .map(|ci| {
                cells(ci)
                    .map(|(c, bold)| self.faces.width(c, SMALL, bold))
                    .fold(0.0, f32::max)
                    + 2.0 * pad
            })
            .collect();
        let longest_word = |ci: usize| {
            let header = std::iter::once((&t.columns[ci].header, true));
            cells(ci)
                .chain(header)
                .flat_map(|(c, bold)| c.split(' ').map(move |w| (w, bold)))
                .map(|(w, bold)| self.faces.width(w, SMALL, bold))
                .fold(0.0, f32::max)
                + 2.0 * pad
        };
        if natural.iter().zip(&by_share).all(|(n, w)| n <= w) || natural.len() < 2 {
            return by_share;
        }
        let rest: Vec<f32> = (1..natural.len())
            .map(|ci| natural[ci].max(longest_word(ci)))
            .collect();
        let first = TEXT_W - rest.iter().sum::<f32>();
        if first < longest_word(0).max(TEXT_W / 8.0) {
            return by_share;
        }
        std::iter::once(first).chain(rest).collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_cells(
        &mut self,
        cells: &[Vec<String>],
        widths: &[f32],
        top: f32,
        pad: f32,
        lead: f32,
        bold: bool,
        t: &Table,
        row: Row,
    ) {
        let mut x = MARGIN_X;
        // a header repeated on a new page is an artifact: it makes no cells (an empty
        // TH under the table is a blank header to a screen reader)
        let tagged = !self.tags.in_artifact();
        for (ci, lines) in cells.iter().enumerate() {
            let w = widths[ci];
            // a column's header cell, a row's first cell (its group), or a data cell
            match (tagged, row, ci) {
                (false, _, _) => {}
                (true, Row::Header, _) => self.tags.open_cell("TH", Some("Column")),
                (true, Row::Body, 0) => self.tags.open_cell("TH", Some("Row")),
                (true, Row::Body, _) => self.tags.open_cell("TD", None),
            }
            for (li, l) in lines.iter().enumerate() {
                let y = top - pad - SMALL - li as f32 * lead + 1.5;
                match t.columns[ci].align {
                    Align::Left => self.text(x + pad, y, l, SMALL, bold, grey(0.0)),
                    Align::Right => self.text_right(x + w - pad, y, l, SMALL, bold, grey(0.0)),
                }
            }
            if tagged {
                self.tags.close();
            }
            x += w;
        }
    }
}

/// Which row of a table is being drawn.
#[derive(Clone, Copy)]
enum Row {
    Header,
    Body,
}
