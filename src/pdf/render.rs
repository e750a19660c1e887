//! Lays a [`Document`] out on A4 pages with printpdf: cover, contents with page numbers,
//! running header, footer with "page N of M" and the classification, flowing
//! paragraphs, tables that break across pages with their header repeated, and charts
//! drawn as vector graphics; a bookmark per section. Text is set in Liberation Sans
//! (SIL Open Font License, `report_templates/fonts/`), embedded as a subset, so every
//! reader sees the same letters and can select and search them (`subset` cuts printpdf's
//! whole fonts down after it writes); `tags` adds the structure tree and the PDF/UA-1
//! metadata. The only module that knows the PDF crates.

mod charts;
mod fonts;
mod funnel;
mod subset;
mod table;
mod tags;

use sha2::Digest;

use printpdf::{
    Color, Greyscale, Line, LineDashPattern, LinePoint, Mm, OffsetDateTime, Op, PaintMode,
    PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb,
    TextItem, WindingOrder,
};

use super::model::{Block, Document};
use fonts::Faces;
use tags::{Mark, Tags};

/// Why a document could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the embedded font {0} cannot be read")]
    Font(&'static str),
    #[error("the structure tree could not be added to the PDF: {0}")]
    Tags(String),
}

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
    /// The structure tree being built, and how what is drawn now is marked.
    tags: Tags,
}

impl<'a> Layout<'a> {
    /// Lay out blocks in order; an item is its own blocks.
    fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            match b {
                Block::Paragraph(p) => self.tagged("P", |l| l.paragraph(p, BODY, false, 0.0)),
                Block::List(items) => self.tagged("L", |l| {
                    for item in items {
                        l.tagged("LI", |l| {
                            // the bullet with the item's first line, the rest indented
                            l.need(BODY * 1.35);
                            let y = l.y;
                            l.tagged("Lbl", |l| {
                                l.text(MARGIN_X + 4.0, y, "\u{2022}", BODY, false, grey(0.0))
                            });
                            l.tagged("LBody", |l| l.paragraph(item, BODY, false, 16.0));
                        });
                    }
                }),
                Block::Subheading(h) => {
                    // kept with what follows: a table's header and first rows at least
                    self.need(100.0);
                    self.y -= 4.0;
                    self.tagged("H3", |l| l.paragraph(h, 11.5, true, 0.0));
                }
                Block::Table(t) => self.table(t),
                Block::BarChart(c) => self.bar_chart(c),
                Block::LineChart(c) => self.line_chart(c),
                Block::FunnelChart(c) => self.funnel_chart(c),
                Block::Item(i) => self.blocks(&i.blocks),
            }
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page exists")
    }

    /// Draw what `f` draws as the content of a new structure element `role`, a child
    /// of the element open now.
    fn tagged<R>(&mut self, role: &'static str, f: impl FnOnce(&mut Self) -> R) -> R {
        self.tags.open(role);
        let r = f(self);
        self.tags.close();
        r
    }

    /// Draw what `f` draws as an artifact (running header, repeated table header):
    /// not read out.
    fn artifact<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let was = self.tags.set_artifact(true);
        let r = f(self);
        self.tags.set_artifact(was);
        r
    }

    /// Wrap `ops` in the marked content the current element asks for: its next MCID on
    /// this page, or `/Artifact` for decoration outside any figure.
    fn marked(&mut self, ops: Vec<Op>, decoration: bool) {
        let page = self.pages.len() - 1;
        let mark = self.tags.mark(page, decoration);
        let out = self.ops();
        match mark {
            Mark::Artifact => out.push(Op::BeginMarkedContent {
                tag: "Artifact".into(),
            }),
            Mark::Content { mcid, role } => out.push(Op::BeginMarkedContentWithProperties {
                tag: role.into(),
                properties: tags::mcid_properties(mcid),
            }),
        }
        out.extend(ops);
        out.push(Op::EndMarkedContent);
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Make room for `height` points, starting a page when there is not enough.
    /// Where a section starts: on a fresh page if it asks for one, unless the page
    /// before is mostly empty (the end of a section): then it follows there, so no
    /// page holds a few lines alone. The contents always end their own pages.
    fn start_section(&mut self, fresh_page: bool) {
        let little_used = self.y > BOTTOM + (TOP - BOTTOM) / 2.0;
        let after_contents = self.starts.is_empty();
        if fresh_page && (after_contents || !little_used) {
            self.new_page();
        } else if fresh_page {
            self.y -= 2.0 * BODY;
        }
    }

    fn need(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, y: f32, s: &str, size: f32, bold: bool, colour: Color) {
        let ops = vec![
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
        ];
        self.marked(ops, false);
    }

    fn text_right(&mut self, right: f32, y: f32, s: &str, size: f32, bold: bool, colour: Color) {
        let w = self.faces.width(s, size, bold);
        self.text(right - w, y, s, size, bold, colour);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Color) {
        self.shape(&[(x, y), (x + w, y), (x + w, y + h), (x, y + h)], fill);
    }

    /// A filled polygon through `corners`.
    fn shape(&mut self, corners: &[(f32, f32)], fill: Color) {
        let ops = vec![
            Op::SetFillColor { col: fill },
            Op::DrawPolygon {
                polygon: Polygon {
                    rings: vec![PolygonRing {
                        points: corners.iter().map(|&(x, y)| pt(x, y)).collect(),
                    }],
                    mode: PaintMode::Fill,
                    winding_order: WindingOrder::NonZero,
                },
            },
        ];
        self.marked(ops, true);
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
        let ops = vec![
            Op::SetOutlineColor { col: colour },
            Op::SetOutlineThickness { pt: Pt(width) },
            Op::SetLineDashPattern { dash },
            Op::DrawLine {
                line: Line {
                    points: points.iter().map(|&(x, y)| pt(x, y)).collect(),
                    is_closed: false,
                },
            },
        ];
        self.marked(ops, true);
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
        self.tagged("H2", |l| l.paragraph(s, 15.0, true, 0.0));
        let y = self.y + 9.0;
        self.line(
            &[(MARGIN_X, y), (MARGIN_X + TEXT_W, y)],
            0.6,
            grey(0.55),
            false,
        );
        self.y -= 4.0;
    }
}

/// Lines of the contents list that fit on one page.
const CONTENTS_PER_PAGE: usize = 34;

const ANNEX_HEADING: &str = "Chart data";

/// The annex that gives every chart's figures as a table (each point or bar, its
/// interval and the reference lines), so a reader who cannot see a chart, or wants its
/// numbers, has them all: under the chart only its description stands.
fn chart_annex(doc: &Document) -> Vec<Block> {
    fn charts<'a>(blocks: &'a [Block], out: &mut Vec<&'a Block>) {
        for b in blocks {
            match b {
                Block::BarChart(_) | Block::LineChart(_) | Block::FunnelChart(_) => out.push(b),
                Block::Item(i) => charts(&i.blocks, out),
                _ => {}
            }
        }
    }
    let mut found = Vec::new();
    for s in &doc.sections {
        charts(&s.blocks, &mut found);
    }
    if found.is_empty() {
        return vec![];
    }
    let mut out = vec![Block::Paragraph(
        "The figures each chart of this report draws, chart by chart in the order they \
         appear, with their 95 % intervals and the chart's reference lines."
            .into(),
    )];
    for b in found {
        let (title, table) = match b {
            Block::BarChart(c) => (&c.title, super::geometry::bar_data(c)),
            Block::LineChart(c) => (&c.title, super::geometry::line_data(c)),
            Block::FunnelChart(c) => (&c.title, super::geometry::funnel_data(c)),
            _ => unreachable!("only charts were collected"),
        };
        out.push(Block::Subheading(title.clone()));
        out.push(Block::Table(table));
    }
    out
}

/// Draw the document and return the PDF bytes.
pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let faces = Faces::load()?;
    let mut l = Layout {
        faces: &faces,
        pages: vec![Vec::new()],
        y: TOP,
        starts: Vec::new(),
        tags: Tags::new(),
    };
    cover(&mut l, doc);
    // the contents are drawn last but read second
    let contents_slot = l.tags.slot();
    // Pages for the contents, filled in once the sections' pages are known.
    let annex = chart_annex(doc);
    let entries = doc.sections.len() + usize::from(!annex.is_empty());
    let contents_pages = entries.div_ceil(CONTENTS_PER_PAGE).max(1);
    for _ in 0..contents_pages {
        l.new_page();
    }
    for s in &doc.sections {
        l.start_section(s.new_page || l.starts.is_empty());
        l.tags.open("Sect");
        l.heading(&s.heading);
        // the heading may have moved to a new page to keep with its text
        let page = l.pages.len() - 1;
        l.starts.push((s.heading.clone(), page));
        l.blocks(&s.blocks);
        l.tags.close();
    }
    if !annex.is_empty() {
        l.start_section(true);
        l.tags.open("Sect");
        l.heading(ANNEX_HEADING);
        l.starts.push((ANNEX_HEADING.into(), l.pages.len() - 1));
        l.blocks(&annex);
        l.tags.close();
    }
    l.tags.open_at("TOC", contents_slot);
    contents(&mut l, contents_pages);
    l.tags.close();
    let total = l.pages.len();
    let header = format!("{}, {}", doc.title, doc.period_label);
    let mut pages = Vec::with_capacity(total);
    let page_ops = std::mem::take(&mut l.pages);
    l.tags.set_artifact(true);
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
    let mut pdf = PdfDocument::new(&format!("{}, {}", doc.title, doc.period_label));
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
    // the ID first, where printpdf wrote it; lopdf keeps it as it is
    let bytes = fix_document_id(bytes);
    let meta = tags::Xmp {
        title: format!("{}, {}", doc.title, doc.period_label),
        author: doc.organisation.clone(),
        subject: doc.title.clone(),
        keywords: doc.keywords.join(", "),
        tool: format!("equity-reports {}", env!("CARGO_PKG_VERSION")),
        date: format!("{}T00:00:00Z", doc.produced.format("%Y-%m-%d")),
    };
    l.tags.write_into(&bytes, &meta).map_err(RenderError::Tags)
}

/// printpdf writes a random document ID into the trailer (`/ID[(..)(..)]`); replace it
/// with one derived from the content, of the same length so no offset moves.
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
            l.tags.open("TOCI");
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
            l.tags.close();
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
    l.tagged("P", |l| {
        l.text(
            MARGIN_X,
            PAGE_H - 120.0,
            &doc.organisation,
            14.0,
            false,
            grey(1.0),
        )
    });
    let title_lines = l.faces.wrap(&doc.title, 26.0, true, TEXT_W);
    let mut y = PAGE_H - 160.0;
    l.tagged("H1", |l| {
        for t in &title_lines {
            l.text(MARGIN_X, y, t, 26.0, true, grey(1.0));
            y -= 32.0;
        }
    });
    l.tagged("P", |l| {
        l.text(MARGIN_X, y - 4.0, &doc.period_label, 14.0, false, grey(1.0))
    });
    l.y = PAGE_H - 300.0;
    for line in &doc.cover_lines {
        l.tagged("P", |l| l.paragraph(line, 11.0, false, 0.0));
    }
    l.y -= 10.0;
    let produced = format!("Produced {}", doc.produced.format("%-d %B %Y"));
    l.tagged("P", |l| l.paragraph(&produced, 11.0, false, 0.0));
    let classification = format!("Classification: {}", doc.classification);
    l.tagged("P", |l| l.paragraph(&classification, 11.0, true, 0.0));
}

#[cfg(test)]
mod tests {
    use super::*;

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
