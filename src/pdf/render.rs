//! Lays a [`Document`] out on A4 pages with printpdf: cover, contents with page numbers,
//! running header, footer with "page N of M" and the classification, flowing
//! paragraphs, tables that break across pages with their header repeated, and charts
//! drawn as vector graphics; a bookmark per section. Text is set in Liberation Sans
//! (SIL Open Font License, `report_templates/fonts/`), embedded as a subset, so every
//! reader sees the same letters and can select and search them. The only module that
//! knows the PDF crate.

use sha2::Digest;

use printpdf::{
    Color, FontId, Greyscale, Line, LineDashPattern, LinePoint, Mm, OffsetDateTime, Op, PaintMode,
    ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing,
    Pt, Rgb, TextItem, WindingOrder,
};

use super::model::{Align, BarChart, Block, Document, LineChart, Table};

/// Why a document could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the embedded font {0} cannot be read")]
    Font(&'static str),
}

/// The two faces, built into the program (the licence is beside them).
const REGULAR_TTF: &[u8] =
    include_bytes!("../../report_templates/fonts/LiberationSans-Regular.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../report_templates/fonts/LiberationSans-Bold.ttf");
/// Fixed resource names: printpdf would pick random ones, and the bytes must not vary.
const REGULAR_ID: &str = "LiberationSans";
const BOLD_ID: &str = "LiberationSans-Bold";

const PAGE_W: f32 = 595.28; // A4 in points
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 51.0; // 18 mm
const TOP: f32 = PAGE_H - 62.0; // first baseline below the running header
const BOTTOM: f32 = 60.0; // lowest point content may reach, above the footer
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

const BODY: f32 = 10.0;
const SMALL: f32 = 8.5;

/// Dark blue for bars: reads as dark grey in black-and-white print.
const BAR: (f32, f32, f32) = (0.12, 0.28, 0.49);
/// Bar fills from dark to light: blue, orange, pale grey (told apart by colour-blind
/// readers and in grey-scale print alike).
const TONES: [(f32, f32, f32); 3] = [BAR, (0.90, 0.62, 0.0), (0.86, 0.86, 0.86)];
/// Dash patterns of a line chart's reference lines, in order (target, baseline, ...).
const REFERENCE_DASHES: [&[f32]; 3] = [&[4.0, 2.0], &[1.0, 2.0], &[6.0, 2.0, 1.0, 2.0]];

/// The two faces used: their metrics for wrapping and right-aligning, and the names
/// the pages refer to them by.
struct Faces {
    regular: ParsedFont,
    bold: ParsedFont,
}

impl Faces {
    fn load() -> Result<Faces, RenderError> {
        let parse = |bytes: &[u8], name: &'static str| {
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or(RenderError::Font(name))
        };
        Ok(Faces {
            regular: parse(REGULAR_TTF, "LiberationSans-Regular.ttf")?,
            bold: parse(BOLD_TTF, "LiberationSans-Bold.ttf")?,
        })
    }

    fn id(bold: bool) -> FontId {
        FontId(if bold { BOLD_ID } else { REGULAR_ID }.to_string())
    }

    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.units(text, bold) / self.upem(bold) * size
    }

    fn upem(&self, bold: bool) -> f32 {
        let f = if bold { &self.bold } else { &self.regular };
        f32::from(f.units_per_em.max(1))
    }

    /// The advance of `text` in font units: whole numbers, so sums of parts are exact
    /// and equal the width of the whole.
    fn units(&self, text: &str, bold: bool) -> f32 {
        let f = if bold { &self.bold } else { &self.regular };
        let upem = self.upem(bold);
        text.chars()
            .map(|c| {
                f.lookup_glyph_index(c as u32)
                    .and_then(|g| f.get_glyph_width(g))
                    .map_or(0.5 * upem, f32::from)
            })
            .sum::<f32>()
    }

    /// Break `text` into lines no wider than `width`; a word longer than a line is
    /// split, never cut off. Each character is measured once, so the time is linear in
    /// the length of the text.
    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let upem = self.upem(bold);
        let fits = |units: f32| units / upem * size <= width;
        let space = self.units(" ", bold);
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut used = 0.0f32;
            for word in para.split_whitespace() {
                let w = self.units(word, bold);
                if line.is_empty() && fits(w) {
                    line.push_str(word);
                    used = w;
                    continue;
                }
                if !line.is_empty() && fits(used + space + w) {
                    line.push(' ');
                    line.push_str(word);
                    used += space + w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    used = 0.0;
                }
                if fits(w) {
                    line.push_str(word);
                    used = w;
                    continue;
                }
                for c in word.chars() {
                    let cw = self.units(c.encode_utf8(&mut [0; 4]), bold);
                    if !line.is_empty() && !fits(used + cw) {
                        lines.push(std::mem::take(&mut line));
                        used = 0.0;
                    }
                    line.push(c);
                    used += cw;
                }
            }
            lines.push(line);
        }
        lines
    }
}

fn grey(g: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: g,
        icc_profile: None,
    })
}

fn rgb((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

fn pt(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    }
}

/// Pages under construction and the cursor.
struct Layout<'a> {
    faces: &'a Faces,
    pages: Vec<Vec<Op>>,
    /// Baseline of the next line, in points from the bottom of the page.
    y: f32,
    /// Each section's heading and the page (from 0) it starts on.
    starts: Vec<(String, usize)>,
}

impl<'a> Layout<'a> {
    /// Lay out blocks in order; an item is its own blocks.
    fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            match b {
                Block::Paragraph(p) => self.paragraph(p, BODY, false, 0.0),
                Block::Subheading(h) => {
                    // kept with what follows: a table's header and first rows at least
                    self.need(100.0);
                    self.y -= 4.0;
                    self.paragraph(h, 11.5, true, 0.0);
                }
                Block::Table(t) => self.table(t),
                Block::BarChart(c) => self.bar_chart(c),
                Block::LineChart(c) => self.line_chart(c),
                Block::Item(i) => self.blocks(&i.blocks),
            }
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page exists")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Make room for `height` points, starting a page when there is not enough.
    fn need(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, y: f32, s: &str, size: f32, bold: bool, colour: Color) {
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFillColor { col: colour },
            Op::SetFont {
                font: PdfFontHandle::External(Faces::id(bold)),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point { x: Pt(x), y: Pt(y) },
            },
            Op::ShowText {
                items: vec![TextItem::Text(s.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn text_right(&mut self, right: f32, y: f32, s: &str, size: f32, bold: bool, colour: Color) {
        let w = self.faces.width(s, size, bold);
        self.text(right - w, y, s, size, bold, colour);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Color) {
        self.ops().extend([
            Op::SetFillColor { col: fill },
            Op::DrawPolygon {
                polygon: Polygon {
                    rings: vec![PolygonRing {
                        points: vec![pt(x, y), pt(x + w, y), pt(x + w, y + h), pt(x, y + h)],
                    }],
                    mode: PaintMode::Fill,
                    winding_order: WindingOrder::NonZero,
                },
            },
        ]);
    }

    fn line(&mut self, points: &[(f32, f32)], width: f32, colour: Color, dashed: bool) {
        let dash: &[f32] = if dashed { &[3.0, 2.0] } else { &[] };
        self.dash_line(points, width, colour, dash);
    }

    /// A line with a dash pattern (on, off lengths; empty for solid).
    fn dash_line(&mut self, points: &[(f32, f32)], width: f32, colour: Color, dash: &[f32]) {
        let dash = if dash.is_empty() {
            LineDashPattern::solid()
        } else {
            LineDashPattern::new(0.0, dash)
        };
        self.ops().extend([
            Op::SetOutlineColor { col: colour },
            Op::SetOutlineThickness { pt: Pt(width) },
            Op::SetLineDashPattern { dash },
            Op::DrawLine {
                line: Line {
                    points: points.iter().map(|&(x, y)| pt(x, y)).collect(),
                    is_closed: false,
                },
            },
        ]);
    }

    /// A wrapped paragraph at the cursor.
    fn paragraph(&mut self, s: &str, size: f32, bold: bool, indent: f32) {
        let lead = size * 1.35;
        for l in self.faces.wrap(s, size, bold, TEXT_W - indent) {
            self.need(lead);
            self.text(MARGIN_X + indent, self.y, &l, size, bold, grey(0.0));
            self.y -= lead;
        }
        self.y -= size * 0.5;
    }

    fn heading(&mut self, s: &str) {
        self.need(60.0);
        self.y -= 6.0;
        self.paragraph(s, 15.0, true, 0.0);
        let y = self.y + 9.0;
        self.line(
            &[(MARGIN_X, y), (MARGIN_X + TEXT_W, y)],
            0.6,
            grey(0.55),
            false,
        );
        self.y -= 4.0;
    }

    fn table(&mut self, t: &Table) {
        let total: f32 = t.columns.iter().map(|c| c.width).sum();
        let widths: Vec<f32> = t.columns.iter().map(|c| c.width / total * TEXT_W).collect();
        let pad = 3.0;
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
        let draw_header = |me: &mut Self| {
            let top = me.y;
            me.rect(MARGIN_X, top - header_h, TEXT_W, header_h, grey(0.85));
            me.draw_cells(&header_lines, &widths, top, pad, lead, true, t);
            me.y = top - header_h;
        };
        let first_row_h = t.rows.first().map_or(0.0, |r| {
            wrap_row(r, false).iter().map(Vec::len).max().unwrap_or(1) as f32 * lead + 2.0 * pad
        });
        self.need(header_h + first_row_h + 4.0);
        self.y += SMALL; // tables start at the top of the line box, not its baseline
        draw_header(self);
        for (i, row) in t.rows.iter().enumerate() {
            let bold = t.bold_rows.contains(&i);
            let lines = wrap_row(row, bold);
            let h = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * lead + 2.0 * pad;
            if self.y - h < BOTTOM {
                self.new_page();
                self.y += SMALL;
                draw_header(self);
            }
            let top = self.y;
            if i % 2 == 1 {
                self.rect(MARGIN_X, top - h, TEXT_W, h, grey(0.95));
            }
            self.draw_cells(&lines, &widths, top, pad, lead, bold, t);
            self.line(
                &[(MARGIN_X, top - h), (MARGIN_X + TEXT_W, top - h)],
                0.3,
                grey(0.75),
                false,
            );
            self.y = top - h;
        }
        self.y -= SMALL * 1.6;
        if let Some(note) = &t.note {
            self.paragraph(note, SMALL, false, 0.0);
        }
        self.y -= 4.0;
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
    ) {
        let mut x = MARGIN_X;
        for (ci, lines) in cells.iter().enumerate() {
            let w = widths[ci];
            for (li, l) in lines.iter().enumerate() {
                let y = top - pad - SMALL - li as f32 * lead + 1.5;
                match t.columns[ci].align {
                    Align::Left => self.text(x + pad, y, l, SMALL, bold, grey(0.0)),
                    Align::Right => self.text_right(x + w - pad, y, l, SMALL, bold, grey(0.0)),
                }
            }
            x += w;
        }
    }

    fn bar_chart(&mut self, c: &BarChart) {
        let label_w = 150.0;
        let bar_h: f32 = 13.0;
        let gap: f32 = 7.0;
        let line_h: f32 = 10.0;
        let plot_x = MARGIN_X + label_w;
        let plot_w = TEXT_W - label_w - 70.0;
        // A long group name wraps onto as many lines as it needs and its row grows.
        let labels: Vec<Vec<String>> = c
            .bars
            .iter()
            .map(|b| self.faces.wrap(&b.label, SMALL, false, label_w - 8.0))
            .collect();
        let rows: Vec<f32> = labels
            .iter()
            .map(|l| (bar_h + gap).max(l.len() as f32 * line_h + 4.0))
            .collect();
        let plot_h: f32 = rows.iter().sum();
        // room above the plot for the reference line's label
        let ref_room = if c.reference.is_some() { 14.0 } else { 0.0 };
        let height = 24.0 + ref_room + plot_h + 40.0;
        self.need(height + 30.0);
        self.paragraph(&c.title, 11.0, true, 0.0);
        let top = self.y - ref_room;
        let scale = |v: f64| plot_x + (v.clamp(0.0, c.axis_max) / c.axis_max) as f32 * plot_w;
        let plot_bottom = top - plot_h;
        // grid and axis ticks
        for i in 0..=4 {
            let v = c.axis_max * f64::from(i) / 4.0;
            let x = scale(v);
            self.line(&[(x, top + 4.0), (x, plot_bottom)], 0.3, grey(0.8), false);
            let label = if c.percent {
                format!("{:.0}%", v * 100.0)
            } else {
                format!("{v:.1}")
            };
            let w = self.faces.width(&label, SMALL, false);
            self.text(
                x - w / 2.0,
                plot_bottom - 11.0,
                &label,
                SMALL,
                false,
                grey(0.3),
            );
        }
        // The reference line goes under the bars' labels.
        if let Some((v, label)) = &c.reference {
            let x = scale(*v);
            self.line(&[(x, top + 8.0), (x, plot_bottom)], 1.2, grey(0.0), true);
            let w = self.faces.width(label, SMALL, true);
            self.text(
                (x - w / 2.0).max(MARGIN_X),
                top + 11.0,
                label,
                SMALL,
                true,
                grey(0.0),
            );
        }
        let mut row_top = top;
        for (i, b) in c.bars.iter().enumerate() {
            let row = rows[i];
            let mid = row_top - row / 2.0;
            let y0 = mid - bar_h / 2.0;
            row_top -= row;
            let label = &labels[i];
            for (li, l) in label.iter().enumerate() {
                let ly = mid - 3.0 + (label.len() as f32 - 1.0) * line_h / 2.0 - li as f32 * line_h;
                self.text(MARGIN_X, ly, l, SMALL, false, grey(0.0));
            }
            let mut end = plot_x;
            if let Some(v) = b.value {
                end = scale(v);
                let tone = TONES[usize::from(b.tone).min(TONES.len() - 1)];
                self.rect(plot_x, y0, (end - plot_x).max(0.5), bar_h, rgb(tone));
                if b.tone > 0 {
                    // an outline keeps light bars visible on white paper
                    let (x1, y1) = ((end).max(plot_x + 0.5), y0 + bar_h);
                    self.line(
                        &[(plot_x, y0), (x1, y0), (x1, y1), (plot_x, y1), (plot_x, y0)],
                        0.5,
                        grey(0.2),
                        false,
                    );
                }
            }
            if let Some((lo, hi)) = b.ci {
                let (xl, xh) = (scale(lo), scale(hi));
                self.line(&[(xl, mid), (xh, mid)], 1.0, grey(0.0), false);
                self.line(&[(xl, mid - 4.0), (xl, mid + 4.0)], 1.0, grey(0.0), false);
                self.line(&[(xh, mid - 4.0), (xh, mid + 4.0)], 1.0, grey(0.0), false);
                end = end.max(xh);
            }
            // A white backing keeps the value readable where the reference line crosses it.
            let w = self.faces.width(&b.annotation, SMALL, false);
            self.rect(end + 2.0, mid - 5.5, w + 4.0, 11.0, grey(1.0));
            self.text(
                end + 4.0,
                mid - 3.0,
                &b.annotation,
                SMALL,
                false,
                grey(0.15),
            );
        }
        self.y = plot_bottom - 26.0;
        self.chart_footer(plot_x, plot_w, &c.axis_label, &c.alt_text);
    }

    /// The axis label centred under the plot, then the chart's text alternative.
    fn chart_footer(&mut self, plot_x: f32, plot_w: f32, axis_label: &str, alt_text: &str) {
        let axis_w = self.faces.width(axis_label, SMALL, false);
        self.text(
            plot_x + (plot_w - axis_w) / 2.0,
            self.y + 2.0,
            axis_label,
            SMALL,
            false,
            grey(0.3),
        );
        self.y -= 14.0;
        self.paragraph(&format!("Chart description: {alt_text}"), SMALL, false, 0.0);
    }

    fn line_chart(&mut self, c: &LineChart) {
        let plot_h = 110.0;
        let plot_x = MARGIN_X + 42.0;
        let plot_w = TEXT_W - 42.0 - 120.0;
        self.need(plot_h + 110.0);
        self.paragraph(&c.title, 11.0, true, 0.0);
        let top = self.y - 8.0;
        let bottom = top - plot_h;
        let (lo, hi, step) = axis_range(c);
        let sy = |v: f64| bottom + ((v - lo) / (hi - lo)) as f32 * plot_h;
        let n = c.x_labels.len().max(1);
        let sx = |i: usize| plot_x + plot_w * (i as f32 + 0.5) / n as f32;
        let ticks = ((hi - lo) / step).round() as i32;
        for i in 0..=ticks {
            let v = lo + step * f64::from(i);
            let y = sy(v);
            self.line(&[(plot_x, y), (plot_x + plot_w, y)], 0.3, grey(0.8), false);
            let label = if c.percent {
                format!("{:.0}%", v * 100.0)
            } else {
                format!("{v:.1}")
            };
            self.text_right(plot_x - 4.0, y - 3.0, &label, SMALL, false, grey(0.3));
        }
        for (i, x_label) in c.x_labels.iter().enumerate() {
            let w = self.faces.width(x_label, SMALL, false);
            self.text(
                sx(i) - w / 2.0,
                bottom - 12.0,
                x_label,
                SMALL,
                false,
                grey(0.2),
            );
        }
        for (k, (v, label)) in c.references.iter().enumerate() {
            let y = sy(*v);
            let dash = REFERENCE_DASHES[k % REFERENCE_DASHES.len()];
            self.dash_line(
                &[(plot_x, y), (plot_x + plot_w + 4.0, y)],
                1.1,
                grey(0.1),
                dash,
            );
            let lines = self.faces.wrap(label, SMALL, false, 112.0);
            for (li, l) in lines.iter().take(2).enumerate() {
                let ly = y - 3.0 + (lines.len().min(2) as f32 - 1.0) * 4.5 - li as f32 * 9.0;
                self.text(plot_x + plot_w + 8.0, ly, l, SMALL, false, grey(0.1));
            }
        }
        for (k, series) in c.series.iter().enumerate() {
            let colour = rgb(TONES[k % 2]);
            // the line breaks where a point is missing, so a gap is not drawn as a trend
            let mut run: Vec<(f32, f32)> = Vec::new();
            for (i, p) in series.points.iter().enumerate() {
                match p {
                    Some(v) => run.push((sx(i), sy(*v))),
                    None => {
                        if run.len() > 1 {
                            self.line(&run, 1.8, colour.clone(), false);
                        }
                        run.clear();
                    }
                }
            }
            if run.len() > 1 {
                self.line(&run, 1.8, colour.clone(), false);
            }
            for (i, p) in series.points.iter().enumerate() {
                let x = sx(i);
                if let Some(Some((l, h))) = series.ci.get(i) {
                    let (yl, yh) = (sy(*l), sy(*h));
                    self.line(&[(x, yl), (x, yh)], 0.8, grey(0.0), false);
                    self.line(&[(x - 3.0, yl), (x + 3.0, yl)], 0.8, grey(0.0), false);
                    self.line(&[(x - 3.0, yh), (x + 3.0, yh)], 0.8, grey(0.0), false);
                }
                match p {
                    Some(v) => {
                        let y = sy(*v);
                        self.rect(x - 2.5, y - 2.5, 5.0, 5.0, colour.clone());
                        let label = if c.percent {
                            pct_label(*v)
                        } else {
                            // as the tables give rates: one decimal
                            format!("{v:.1}")
                        };
                        let w = self.faces.width(&label, SMALL, true);
                        self.rect(x + 5.0, y + 1.0, w + 3.0, 10.0, grey(1.0));
                        self.text(x + 6.5, y + 3.0, &label, SMALL, true, grey(0.0));
                    }
                    None => {
                        let w = self.faces.width("*", SMALL, false);
                        self.text(x - w / 2.0, bottom + 4.0, "*", SMALL, false, grey(0.2));
                    }
                }
            }
        }
        self.y = bottom - 28.0;
        self.chart_footer(plot_x, plot_w, &c.axis_label, &c.alt_text);
    }
}

/// Lines of the contents list that fit on one page.
const CONTENTS_PER_PAGE: usize = 34;

/// Draw the document and return the PDF bytes.
pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let faces = Faces::load()?;
    let mut l = Layout {
        faces: &faces,
        pages: vec![Vec::new()],
        y: TOP,
        starts: Vec::new(),
    };
    cover(&mut l, doc);
    // Pages for the contents, filled in once the sections' pages are known.
    let contents_pages = doc.sections.len().div_ceil(CONTENTS_PER_PAGE).max(1);
    for _ in 0..contents_pages {
        l.new_page();
    }
    let mut first = true;
    for s in &doc.sections {
        if s.new_page || first {
            l.new_page();
        }
        first = false;
        l.heading(&s.heading);
        // the heading may have moved to a new page to keep with its text
        let page = l.pages.len() - 1;
        l.starts.push((s.heading.clone(), page));
        l.blocks(&s.blocks);
    }
    contents(&mut l, contents_pages);
    let total = l.pages.len();
    let header = format!("{} - {}", doc.title, doc.period_label);
    let mut pages = Vec::with_capacity(total);
    let page_ops = std::mem::take(&mut l.pages);
    for (i, ops) in page_ops.into_iter().enumerate() {
        l.pages = vec![ops];
        if i > 0 {
            l.text(MARGIN_X, PAGE_H - 34.0, &header, SMALL, false, grey(0.35));
            l.line(
                &[
                    (MARGIN_X, PAGE_H - 40.0),
                    (PAGE_W - MARGIN_X, PAGE_H - 40.0),
                ],
                0.4,
                grey(0.7),
                false,
            );
        }
        let footer = format!("Page {} of {}", i + 1, total);
        l.text(MARGIN_X, 30.0, &footer, SMALL, false, grey(0.35));
        l.text_right(
            PAGE_W - MARGIN_X,
            30.0,
            &doc.classification,
            SMALL,
            true,
            grey(0.0),
        );
        let ops = l.pages.pop().unwrap();
        pages.push(PdfPage::new(Mm(210.0), Mm(297.0), ops));
    }
    let mut pdf = PdfDocument::new(&format!("{} - {}", doc.title, doc.period_label));
    for (bold, face) in [(false, &faces.regular), (true, &faces.bold)] {
        let random = pdf.add_font(face);
        let font = pdf.resources.fonts.map.remove(&random).expect("just added");
        pdf.resources.fonts.map.insert(Faces::id(bold), font);
    }
    for (n, (heading, page)) in l.starts.iter().enumerate() {
        // Numbered: printpdf orders bookmarks of one page by name.
        pdf.add_bookmark(&format!("{}. {heading}", n + 1), page + 1);
    }
    pdf.metadata.info.author = doc.organisation.clone();
    pdf.metadata.info.subject = doc.title.clone();
    pdf.metadata.info.creator = format!("equity-reports {}", env!("CARGO_PKG_VERSION"));
    pdf.metadata.info.producer = pdf.metadata.info.creator.clone();
    pdf.metadata.info.keywords = doc.keywords.clone();
    // Dates from --as-of, never the clock, so the same inputs give the same bytes.
    let produced = doc
        .produced
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    let stamp = OffsetDateTime::from_unix_timestamp(produced)
        .unwrap_or_else(|_| OffsetDateTime::from_unix_timestamp(0).unwrap());
    pdf.metadata.info.creation_date = stamp;
    pdf.metadata.info.modification_date = stamp;
    pdf.metadata.info.metadata_date = stamp;
    let mut warnings = Vec::new();
    let bytes = pdf
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings);
    Ok(fix_document_id(bytes))
}

/// printpdf writes a random document ID into the trailer (`/ID[(..)(..)]`); replace it
/// with one derived from the content, of the same length so no offset moves.
/// A share as the chart labels it: one decimal.
fn pct_label(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// The vertical range of a line chart: every point, interval and reference line inside,
/// on round steps, so a small change is visible without the axis hiding where it sits.
fn axis_range(c: &LineChart) -> (f64, f64, f64) {
    let values = c
        .series
        .iter()
        .flat_map(|s| {
            s.points
                .iter()
                .flatten()
                .copied()
                .chain(s.ci.iter().flatten().flat_map(|(l, h)| [*l, *h]))
        })
        .chain(c.references.iter().map(|r| r.0));
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let span = (hi - lo).max(1e-9);
    let steps: &[f64] = &[0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0];
    let step = steps
        .iter()
        .copied()
        .find(|s| span / s <= 5.0)
        .unwrap_or(10.0);
    let mut low = (lo / step).floor() * step;
    let mut high = (hi / step).ceil() * step;
    if high - low < step * 1.5 {
        high += step;
    }
    if c.percent || lo >= 0.0 {
        low = low.max(0.0);
    }
    (low, high, step)
}

fn fix_document_id(mut pdf: Vec<u8>) -> Vec<u8> {
    let Some(start) = find(&pdf, b"/ID[(") else {
        return pdf;
    };
    let Some(len) = find(&pdf[start..], b")]").map(|e| e + 2) else {
        return pdf;
    };
    let inner: Vec<usize> = (start + 5..start + len)
        .filter(|&i| pdf[i].is_ascii_alphanumeric())
        .collect();
    for &i in &inner {
        pdf[i] = b'0';
    }
    let digest = crate::data::inventory::hex(&sha2::Sha256::digest(&pdf)).to_ascii_uppercase();
    for (n, &i) in inner.iter().enumerate() {
        pdf[i] = digest.as_bytes()[n % 32];
    }
    pdf
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The contents list on the pages after the cover: each section with a dotted leader
/// to the page it starts on.
fn contents(l: &mut Layout, pages: usize) {
    let body = std::mem::take(&mut l.pages);
    let (head, rest) = body.split_at(1);
    let (_, after) = rest.split_at(pages);
    l.pages = head.to_vec();
    let starts = l.starts.clone();
    for (i, chunk) in starts.chunks(CONTENTS_PER_PAGE).enumerate() {
        l.new_page();
        l.heading(if i == 0 {
            "Contents"
        } else {
            "Contents (continued)"
        });
        for (heading, page) in chunk {
            let number = (page + 1).to_string();
            let num_w = l.faces.width(&number, BODY, false);
            let lines = l.faces.wrap(heading, BODY, false, TEXT_W - 60.0);
            for (k, line) in lines.iter().enumerate() {
                l.text(MARGIN_X, l.y, line, BODY, false, grey(0.0));
                if k + 1 == lines.len() {
                    let from = MARGIN_X + l.faces.width(line, BODY, false) + 6.0;
                    let to = PAGE_W - MARGIN_X - num_w - 6.0;
                    if to > from {
                        l.dash_line(
                            &[(from, l.y + 1.0), (to, l.y + 1.0)],
                            0.8,
                            grey(0.6),
                            &[0.8, 2.4],
                        );
                    }
                    l.text_right(PAGE_W - MARGIN_X, l.y, &number, BODY, false, grey(0.0));
                }
                l.y -= BODY * 1.35;
            }
            l.y -= 3.0;
        }
    }
    // an empty reserved page would only happen if the list were shorter than planned
    while l.pages.len() < 1 + pages {
        l.new_page();
    }
    l.pages.extend_from_slice(after);
}

fn cover(l: &mut Layout, doc: &Document) {
    l.rect(0.0, PAGE_H - 250.0, PAGE_W, 250.0, rgb(BAR));
    l.text(
        MARGIN_X,
        PAGE_H - 120.0,
        &doc.organisation,
        14.0,
        false,
        grey(1.0),
    );
    let title_lines = l.faces.wrap(&doc.title, 26.0, true, TEXT_W);
    let mut y = PAGE_H - 160.0;
    for t in &title_lines {
        l.text(MARGIN_X, y, t, 26.0, true, grey(1.0));
        y -= 32.0;
    }
    l.text(MARGIN_X, y - 4.0, &doc.period_label, 14.0, false, grey(1.0));
    l.y = PAGE_H - 300.0;
    for line in &doc.cover_lines {
        l.paragraph(line, 11.0, false, 0.0);
    }
    l.y -= 10.0;
    l.paragraph(
        &format!("Produced {}", doc.produced.format("%-d %B %Y")),
        11.0,
        false,
        0.0,
    );
    l.paragraph(
        &format!("Classification: {}", doc.classification),
        11.0,
        true,
        0.0,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trend_axis_holds_every_point_interval_and_reference_on_round_steps() {
        let chart = LineChart {
            title: String::new(),
            axis_label: String::new(),
            x_labels: vec!["Q1".into(), "Q2".into()],
            series: vec![super::super::model::Series {
                label: String::new(),
                points: vec![Some(0.2076), None],
                ci: vec![Some((0.1836, 0.2383)), None],
            }],
            references: vec![(0.198, "baseline".into())],
            percent: true,
            alt_text: String::new(),
        };
        let (lo, hi, step) = axis_range(&chart);
        assert_eq!(step, 0.02);
        assert!(
            (lo - 0.18).abs() < 1e-9 && (hi - 0.24).abs() < 1e-9,
            "{lo} {hi}"
        );
    }

    #[test]
    fn wrapping_never_exceeds_the_width_or_drops_text() {
        let f = Faces::load().unwrap();
        let name = "Women's Counselling and Therapy Service of the Leeds partnership";
        let lines = f.wrap(name, SMALL, false, 80.0);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(f.width(l, SMALL, false) <= 80.0, "{l}");
        }
        assert_eq!(lines.join(" "), name);
        let w = f.width("Total", 10.0, false);
        assert!(w > 15.0 && w < 35.0, "{w}");
    }

    /// A megabyte without a space is split into lines, each as full as it can be; the
    /// old wrap measured every prefix again and did not finish.
    #[test]
    fn a_megabyte_word_is_split_into_full_lines() {
        let f = Faces::load().unwrap();
        let text = "W".repeat(1 << 20);
        let lines = f.wrap(&text, SMALL, false, 80.0);
        assert_eq!(lines.concat(), text);
        let per_line = lines[0].len();
        assert!(per_line > 1, "{per_line}");
        assert!(lines[..lines.len() - 1].iter().all(|l| l.len() == per_line));
        assert!(f.width(&"W".repeat(per_line + 1), SMALL, false) > 80.0);
    }
}
