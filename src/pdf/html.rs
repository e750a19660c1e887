//! The HTML twin of a [`Document`]: the same content, disclosure control and rounding as
//! the PDF, as one self-contained page (inline CSS and SVG, no script, no request) that
//! can be attached to an e-mail or published as it is. Semantic HTML for screen readers
//! and phones: one `h1`, headings in order, the contents as a `nav`, tables with a
//! caption and `th scope`, charts as `role="img"` SVG with a title and the text
//! alternative the PDF prints, and a print stylesheet.

use std::fmt::Write;

mod funnel;
mod marks;
mod narrow;

use super::geometry;
use super::model::{Align, BarChart, Block, Document, LineChart, Table};
use crate::spc::Variation;
use marks::{series_line, spc_key, spc_lines, spc_mark, value_ticks, whisker};

/// The stylesheet: text contrast well above 4.5:1, readable at 320 CSS px (a wide
/// table scrolls in its own box), and a print layout without the contents.
const CSS: &str = include_str!("../../report_templates/report.css");

/// Chart colours: a dark blue, an amber and a grey, as in the PDF.
const TONES: [&str; 3] = ["#1f477d", "#e69e00", "#dbdbdb"];

/// The whole page.
pub fn render_html(doc: &Document) -> String {
    let mut h = Html::default();
    let title = format!("{}, {}", doc.title, doc.period_label);
    h.raw("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.raw(&format!("<title>{}</title>\n", esc(&title)));
    h.raw(&format!(
        "<meta name=\"author\" content=\"{}\">\n",
        esc(&doc.organisation)
    ));
    h.raw(&format!(
        "<meta name=\"keywords\" content=\"{}\">\n",
        esc(&doc.keywords.join(", "))
    ));
    h.raw(&format!("<style>\n{CSS}</style>\n</head>\n<body>\n"));
    h.raw("<a class=\"skip\" href=\"#main\">Skip to the report</a>\n");
    h.raw(&format!(
        "<header class=\"masthead\"><p>{} · {}</p></header>\n",
        esc(&doc.organisation),
        esc(&doc.classification)
    ));
    h.raw("<main id=\"main\">\n");
    h.raw(&format!(
        "<h1>{}</h1>\n<p class=\"period\">{}</p>\n",
        esc(&doc.title),
        esc(&doc.period_label)
    ));
    for line in &doc.cover_lines {
        h.para(line);
    }
    h.raw(&format!(
        "<p>Produced {}. <strong>Classification: {}</strong></p>\n",
        doc.produced.format("%-d %B %Y"),
        esc(&doc.classification)
    ));
    h.raw("<nav aria-labelledby=\"contents\">\n<h2 id=\"contents\">Contents</h2>\n<ol>\n");
    let ids = anchors(&doc.sections);
    for (s, id) in doc.sections.iter().zip(&ids) {
        h.raw(&format!(
            "<li><a href=\"#{id}\">{}</a></li>\n",
            esc(&s.heading)
        ));
    }
    h.raw("</ol>\n</nav>\n");
    for (s, id) in doc.sections.iter().zip(&ids) {
        h.raw(&format!(
            "<section aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{}</h2>\n",
            esc(&s.heading)
        ));
        h.caption = s.heading.clone();
        h.caption_above = true;
        h.blocks(&s.blocks);
        h.raw("</section>\n");
    }
    h.raw("</main>\n");
    h.raw(&format!(
        "<footer><p>{} · {} · Produced {} · {}</p></footer>\n",
        esc(&doc.title),
        esc(&doc.period_label),
        doc.produced.format("%-d %B %Y"),
        esc(&doc.classification)
    ));
    h.raw("</body>\n</html>\n");
    h.out
}

/// The page being written, with a counter for element ids and the heading the next
/// table takes as its caption.
#[derive(Default)]
struct Html {
    out: String,
    next_id: usize,
    caption: String,
    /// Whether the caption's heading stands right above the table: then the caption is
    /// for screen readers only, not printed twice.
    caption_above: bool,
}

impl Html {
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-{}", self.next_id)
    }

    fn para(&mut self, text: &str) {
        let _ = writeln!(self.out, "<p>{}</p>", esc(text));
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            if !matches!(b, Block::Table(_) | Block::Item(_)) {
                self.caption_above = matches!(b, Block::Subheading(_));
            }
            match b {
                Block::Paragraph(p) => self.para(p),
                Block::List(items) => {
                    let _ = writeln!(self.out, "<ul>");
                    for item in items {
                        let _ = writeln!(self.out, "<li>{}</li>", esc(item));
                    }
                    let _ = writeln!(self.out, "</ul>");
                }
                Block::Subheading(s) => {
                    let _ = writeln!(self.out, "<h3>{}</h3>", esc(s));
                    self.caption = s.clone();
                }
                Block::Table(t) => self.table(t),
                Block::BarChart(c) => self.bar_chart(c),
                Block::LineChart(c) => self.line_chart(c),
                Block::FunnelChart(c) => self.funnel_chart(c),
                Block::Item(i) => self.blocks(&i.blocks),
            }
        }
    }

    /// A table in its own scrolling box, captioned by the heading above it; the first
    /// cell of each row heads its row. The box is a region named "Table: caption", not
    /// by the caption itself, which is often the section's heading (two landmarks of
    /// one name). A combined table's cells name their headers (column, group, row) by
    /// id, as a table with two levels of row headers needs.
    fn table(&mut self, t: &Table) {
        let cap = self.id("table");
        let hidden = if self.caption_above {
            " class=\"visually-hidden\""
        } else {
            ""
        };
        let _ = writeln!(
            self.out,
            "<div class=\"table-wrap\" role=\"region\" aria-label=\"Table: {0}\" tabindex=\"0\">\n\
             <table>\n<caption id=\"{cap}\"{hidden}>{0}</caption>\n<thead><tr>",
            esc(&self.caption)
        );
        self.caption_above = false;
        let grouped = !t.groups.is_empty();
        // ids of the header cells of a combined table
        let id_of = |kind: &str, n: usize| {
            if grouped {
                format!(" id=\"{cap}-{kind}{n}\"")
            } else {
                String::new()
            }
        };
        for (j, c) in t.columns.iter().enumerate() {
            let _ = write!(
                self.out,
                "<th scope=\"col\"{}{}>{}</th>",
                id_of("c", j),
                class_of(c.align),
                esc(&c.header)
            );
        }
        self.raw("</tr></thead>\n<tbody>\n");
        let mut group: Option<usize> = None;
        for (i, row) in t.rows.iter().enumerate() {
            let total = t.bold_rows.contains(&i);
            // a combined table: each group of rows is its own body under its heading,
            // and the total after them all is one more
            if let Some(k) = t.groups.iter().position(|(at, _)| *at == i) {
                if i > 0 {
                    self.raw("</tbody>\n<tbody>\n");
                }
                group = Some(k);
                let _ = writeln!(
                    self.out,
                    "<tr class=\"group\"><th scope=\"rowgroup\" colspan=\"{}\"{}>{}</th></tr>",
                    t.columns.len(),
                    id_of("g", k),
                    esc(&t.groups[k].1)
                );
            } else if total && grouped {
                self.raw("</tbody>\n<tbody>\n");
                group = None;
            }
            self.raw(if total {
                "<tr class=\"total\">"
            } else {
                "<tr>"
            });
            for (j, cell) in row.iter().enumerate() {
                let align = t.columns.get(j).map_or(Align::Left, |c| c.align);
                let in_group = group.map_or(String::new(), |k| format!(" {cap}-g{k}"));
                let (tag, close) = match (j, grouped) {
                    (0, false) => ("th scope=\"row\"".to_string(), "th"),
                    (0, true) => (
                        format!(
                            "th scope=\"row\" id=\"{cap}-r{i}\" headers=\"{cap}-c0{in_group}\""
                        ),
                        "th",
                    ),
                    (_, false) => ("td".to_string(), "td"),
                    (_, true) => (
                        format!("td headers=\"{cap}-c{j}{in_group} {cap}-r{i}\""),
                        "td",
                    ),
                };
                // on a phone each row reads as a card: a cell shows its column's name
                let label = t
                    .columns
                    .get(j)
                    .filter(|_| j > 0)
                    .map_or(String::new(), |c| {
                        format!(" data-label=\"{}\"", esc(&c.header))
                    });
                let _ = write!(
                    self.out,
                    "<{tag}{}{label}>{}</{close}>",
                    class_of(align),
                    esc(cell)
                );
            }
            self.raw("</tr>\n");
        }
        self.raw("</tbody>\n</table>\n</div>\n");
        if let Some(n) = &t.note {
            let _ = writeln!(self.out, "<p class=\"note\">{}</p>", esc(n));
        }
    }

    /// The start of a chart: a figure whose drawing is for the eye only (its words are
    /// read once, from the caption, and its figures from the data table under it).
    fn figure_open(&mut self, height: f64) {
        let _ = writeln!(
            self.out,
            "<figure>\n<svg aria-hidden=\"true\" focusable=\"false\" class=\"chart-wide\" \
             viewBox=\"0 0 {W} {height}\" \
             xmlns=\"http://www.w3.org/2000/svg\">"
        );
    }

    /// The end of a chart: its caption (the title and the description the PDF prints)
    /// and every figure it draws as a table behind "Show the data".
    fn figure_close(&mut self, title: &str, alt: &str, data: &Table, narrow: &str) {
        let _ = writeln!(
            self.out,
            "</svg>\n{narrow}<figcaption><strong>{}</strong> Chart description: {}</figcaption>\n\
             <details>\n<summary>Show the data</summary>",
            esc(title),
            esc(alt)
        );
        let (caption, above) = (
            std::mem::replace(&mut self.caption, format!("The data of the chart: {title}")),
            self.caption_above,
        );
        self.caption_above = false;
        self.table(data);
        (self.caption, self.caption_above) = (caption, above);
        self.raw("</details>\n</figure>\n");
    }

    fn bar_chart(&mut self, c: &BarChart) {
        let row = 26.0;
        let (plot_x, plot_w) = (190.0, W - 190.0 - 120.0);
        let key_h = if c.legend.is_empty() { 0.0 } else { 22.0 };
        let height = 40.0 + row * c.bars.len() as f64 + 40.0 + key_h;
        self.figure_open(height);
        let g = geometry::bars(c);
        let x = |at: f64| plot_x + at * plot_w;
        let bottom = 30.0 + row * c.bars.len() as f64;
        for tick in &g.axis.ticks {
            let _ = writeln!(
                self.out,
                "<line x1=\"{0:.1}\" y1=\"24\" x2=\"{0:.1}\" y2=\"{bottom:.1}\" class=\"grid\"/>\
                 <text x=\"{0:.1}\" y=\"{1:.1}\" text-anchor=\"middle\" class=\"tick\">{2}</text>",
                x(tick.at),
                bottom + 16.0,
                tick.label
            );
        }
        for (i, (b, m)) in c.bars.iter().zip(&g.bars).enumerate() {
            let y = 30.0 + row * i as f64;
            let _ = writeln!(
                self.out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                plot_x - 8.0,
                y + 15.0,
                esc(&b.label)
            );
            if let Some(at) = m.end {
                let _ = writeln!(
                    self.out,
                    "<rect x=\"{plot_x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"18\" fill=\"{}\"/>",
                    y + 2.0,
                    (x(at) - plot_x).max(0.0),
                    TONES[usize::from(b.tone).min(2)]
                );
            }
            if let Some((lo, hi)) = m.whisker {
                let _ = writeln!(
                    self.out,
                    "<path d=\"M{:.1} {:.1}H{:.1}M{:.1} {:.1}V{:.1}M{:.1} {:.1}V{:.1}\" class=\"whisker\"/>",
                    x(lo),
                    y + 11.0,
                    x(hi),
                    x(lo),
                    y + 6.0,
                    y + 16.0,
                    x(hi),
                    y + 6.0,
                    y + 16.0
                );
            }
            let _ = writeln!(
                self.out,
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"annotation\">{}</text>",
                x(m.text_at) + 6.0,
                y + 15.0,
                esc(&b.annotation)
            );
        }
        if let Some((at, label)) = &g.reference {
            let _ = writeln!(
                self.out,
                "<line x1=\"{0:.1}\" y1=\"24\" x2=\"{0:.1}\" y2=\"{bottom:.1}\" class=\"reference\"/>\
                 <text x=\"{0:.1}\" y=\"16\" text-anchor=\"middle\">{1}</text>",
                x(*at),
                esc(label)
            );
        }
        // a key under the ticks where the tones tell groups apart
        let mut x = plot_x;
        for (tone, label) in &c.legend {
            let _ = writeln!(
                self.out,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\" class=\"key\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                bottom + 24.0,
                TONES[usize::from(*tone).min(2)],
                x + 17.0,
                bottom + 34.0,
                esc(label)
            );
            // (a generous guess at the label's width in the SVG's font)
            x += 17.0 + 8.0 * label.chars().count() as f64 + 20.0;
        }
        let _ = writeln!(
            self.out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            plot_x + plot_w / 2.0,
            bottom + 34.0 + key_h,
            esc(&c.axis_label)
        );
        self.figure_close(
            &c.title,
            &c.alt_text,
            &geometry::bar_data(c),
            &narrow::bar_chart(c),
        );
    }

    fn line_chart(&mut self, c: &LineChart) {
        // an SPC chart's key takes up to two lines under the axis
        let key_h = if c.spc.is_some() { 44.0 } else { 0.0 };
        let height = 260.0 + key_h;
        let (plot_x, plot_w, top, plot_h) = (60.0, W - 60.0 - 140.0, 20.0, 180.0);
        self.figure_open(height);
        let g = geometry::lines(c);
        let x = |at: f64| plot_x + plot_w * at;
        let y = |at: f64| top + plot_h * (1.0 - at);
        value_ticks(&mut self.out, &g.axis, plot_x, plot_w, 6.0, y);
        let widths: Vec<f64> = c
            .x_labels
            .iter()
            .map(|l| 7.0 * l.chars().count() as f64)
            .collect();
        let step = geometry::label_step(&widths, plot_w);
        for (l, at) in c.x_labels.iter().zip(&g.xs).step_by(step) {
            let _ = writeln!(
                self.out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x(*at),
                top + plot_h + 18.0,
                esc(l)
            );
        }
        if let Some(spc) = &c.spc {
            spc_lines(&mut self.out, &g, spc.trial, x, y);
            let _ = spc_key(
                &mut self.out,
                spc,
                plot_x,
                top + plot_h + 44.0,
                W - plot_x,
                20.0,
            );
        }
        for (k, (at, label)) in g.references.iter().enumerate() {
            let _ = writeln!(
                self.out,
                "<line x1=\"{plot_x}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\" class=\"reference r{2}\"/>\
                 <text x=\"{3:.1}\" y=\"{4:.1}\">{5}</text>",
                y(*at),
                plot_x + plot_w,
                k % 3,
                plot_x + plot_w + 6.0,
                y(*at) + 4.0,
                esc(label)
            );
        }
        for (k, s) in g.series.iter().enumerate() {
            let colour = TONES[k % 2];
            series_line(&mut self.out, colour, s, x, y);
            for (i, p) in s.points.iter().enumerate() {
                whisker(&mut self.out, p, x, y);
                match (p.y, &c.spc) {
                    (Some(at), Some(spc)) => {
                        let kind = spc.kinds.get(i).copied().unwrap_or(Variation::CommonCause);
                        spc_mark(&mut self.out, x(p.x), y(at), kind);
                    }
                    (Some(at), None) => {
                        let _ = writeln!(
                            self.out,
                            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{colour}\"/>",
                            x(p.x),
                            y(at)
                        );
                    }
                    _ => {}
                }
                if p.label.is_empty() {
                    continue;
                }
                // the value where the geometry found it clear of every line
                let _ = writeln!(
                    self.out,
                    "<text x=\"{:.1}\" y=\"{:.1}\" class=\"value\">{}</text>",
                    x(p.label_at.0) + 1.0,
                    y(p.label_at.1) - 3.0,
                    p.label
                );
            }
        }
        let _ = writeln!(
            self.out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            plot_x + plot_w / 2.0,
            height - 14.0,
            esc(&c.axis_label)
        );
        self.figure_close(
            &c.title,
            &c.alt_text,
            &geometry::line_data(c),
            &narrow::line_chart(c),
        );
    }
}

/// The width of every chart's drawing, in SVG units; it scales to the page.
const W: f64 = 720.0;

fn class_of(a: Align) -> &'static str {
    match a {
        Align::Left => "",
        Align::Right => " class=\"num\"",
    }
}

/// A section key as an element id.
fn anchor(key: &str) -> String {
    format!(
        "section-{}",
        key.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    )
}

/// Each section's element id: its key's, numbered from the second section of one key
/// on (a page per partner shares its key), so that every contents link lands on its
/// own section and every region is named once.
fn anchors(sections: &[crate::pdf::model::Section]) -> Vec<String> {
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    sections
        .iter()
        .map(|s| {
            let id = anchor(&s.key);
            let n = seen.entry(id.clone()).or_default();
            *n += 1;
            if *n == 1 { id } else { format!("{id}-{n}") }
        })
        .collect()
}

/// Text safe inside an element or an attribute.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::model::{Section, col};

    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            title: "A <report> & more".into(),
            period_label: "2026-Q3".into(),
            organisation: "LMWS".into(),
            produced: chrono::NaiveDate::from_ymd_opt(2026, 10, 15).unwrap(),
            classification: "OFFICIAL".into(),
            cover_lines: vec![],
            keywords: vec![],
            sections: vec![Section {
                key: "summary".into(),
                heading: "Summary".into(),
                new_page: true,
                blocks,
            }],
        }
    }

    #[test]
    fn a_table_is_captioned_by_its_heading_with_scoped_headers_and_escaped_text() {
        let t = Table {
            columns: vec![
                col("Group", 1.0, Align::Left),
                col("Staff", 1.0, Align::Right),
            ],
            rows: vec![
                vec!["A & B".into(), "*".into()],
                vec!["All".into(), "12".into()],
            ],
            bold_rows: vec![1],
            groups: vec![],
            note: Some("* : hidden".into()),
        };
        let html = render_html(&doc(vec![
            Block::Subheading("By group".into()),
            Block::Table(t),
        ]));
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
        assert_eq!(html.matches("<h1>").count(), 1);
        assert!(html.contains("<h1>A &lt;report&gt; &amp; more</h1>"));
        // the heading right above captions it, for screen readers only
        assert!(
            html.contains("<caption id=\"table-1\" class=\"visually-hidden\">By group</caption>")
        );
        assert!(
            html.contains("<th scope=\"col\">Group</th><th scope=\"col\" class=\"num\">Staff</th>")
        );
        // each data cell names its column, which a phone shows beside it
        assert!(html.contains(
            "<tr><th scope=\"row\">A &amp; B</th><td class=\"num\" data-label=\"Staff\">*</td></tr>"
        ));
        assert!(html.contains(
            "<tr class=\"total\"><th scope=\"row\">All</th><td class=\"num\" data-label=\"Staff\">12</td></tr>"
        ));
        assert!(html.contains("<a href=\"#section-summary\">Summary</a>"));
        // nothing fetched, nothing run
        for banned in ["<script", "src=\"http", "href=\"http", "<link", "@import"] {
            assert!(!html.contains(banned), "{banned}");
        }
    }
}
