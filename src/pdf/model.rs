//! What a document says, independent of how it is drawn: sections of paragraphs,
//! tables and charts. Reports build this; `render` lays it out.

/// A whole report document.
#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    pub period_label: String,
    pub organisation: String,
    /// The production date (the run's as-of date): shown on the cover and recorded as
    /// the PDF's creation date, so reruns give the same bytes.
    pub produced: chrono::NaiveDate,
    pub classification: String,
    /// Lines under the title on the cover.
    pub cover_lines: Vec<String>,
    /// The PDF's keywords (its document properties).
    pub keywords: Vec<String>,
    pub sections: Vec<Section>,
}

/// A titled part of the document.
#[derive(Debug, Clone)]
pub struct Section {
    /// The template key of the section (`summary`, `methodology`, ...): the report
    /// template's `sections` list orders the document by it.
    pub key: String,
    pub heading: String,
    /// Start on a fresh page.
    pub new_page: bool,
    pub blocks: Vec<Block>,
}

/// One piece of content.
#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(String),
    /// A list of sentences, each its own item (the key messages).
    List(Vec<String>),
    /// A smaller heading inside a section.
    Subheading(String),
    Table(Table),
    BarChart(BarChart),
    LineChart(LineChart),
    FunnelChart(FunnelChart),
    /// A table or chart by the name a template's `show` list uses, with the subheading
    /// and sentences that belong to it: the list picks which of these a section prints
    /// and in what order.
    Item(Item),
}

#[derive(Debug, Clone)]
pub struct Item {
    pub name: String,
    pub blocks: Vec<Block>,
}

/// A named table or chart with the blocks that go with it.
pub fn item(name: &str, blocks: Vec<Block>) -> Block {
    Block::Item(Item {
        name: name.into(),
        blocks,
    })
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone)]
pub struct TableColumn {
    pub header: String,
    /// Share of the text width, relative to the other columns.
    pub width: f32,
    pub align: Align,
}

/// A column of a table: header, share of the width, alignment.
pub fn col(header: &str, width: f32, align: Align) -> TableColumn {
    TableColumn {
        header: header.into(),
        width,
        align,
    }
}

/// A table; it breaks across pages with its header repeated.
#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<TableColumn>,
    pub rows: Vec<Vec<String>>,
    /// Rows drawn in bold (totals).
    pub bold_rows: Vec<usize>,
    /// Tables of one shape combined into one: (row, heading) where a group of rows
    /// begins under a heading that spans the table (a breakdown's name).
    pub groups: Vec<(usize, String)>,
    pub note: Option<String>,
}

/// A horizontal bar chart with interval whiskers and an optional reference line.
#[derive(Debug, Clone)]
pub struct BarChart {
    pub title: String,
    pub axis_label: String,
    pub bars: Vec<Bar>,
    /// A vertical reference line (value, label), e.g. the overall share.
    pub reference: Option<(f64, String)>,
    /// Upper end of the axis (1.0 for shares).
    pub axis_max: f64,
    /// Values are fractions shown as percentages.
    pub percent: bool,
    /// What each fill tone stands for, where the bars' tones tell groups apart: (tone,
    /// words), drawn as a key under the plot (empty: one tone, no key).
    pub legend: Vec<(u8, String)>,
    /// One sentence for readers who cannot see the chart, printed beneath it.
    pub alt_text: String,
}

#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    /// None: suppressed or not computable; `annotation` says which.
    pub value: Option<f64>,
    pub ci: Option<(f64, f64)>,
    /// Text printed at the end of the bar (the value, or why there is none).
    pub annotation: String,
    /// Fill tone, 0 (darkest) to 2 (lightest), so groups differ in grey-scale print too;
    /// the label always names the group as well.
    pub tone: u8,
}

/// A trend over time: one or more series of points with intervals, and horizontal
/// reference lines such as a target and a baseline.
#[derive(Debug, Clone)]
pub struct LineChart {
    pub title: String,
    pub axis_label: String,
    /// Labels of the points along the horizontal axis, e.g. quarters.
    pub x_labels: Vec<String>,
    pub series: Vec<Series>,
    /// Horizontal lines (value, label), drawn dashed with their label at the right.
    pub references: Vec<(f64, String)>,
    /// Values are fractions shown as percentages.
    pub percent: bool,
    pub alt_text: String,
    /// A Making Data Count chart: what each point is and each stretch's limits.
    pub spc: Option<Box<Spc>>,
}

/// What an SPC chart adds to its line: each point's reading (marked by shape and
/// colour), the mean and process limits of each stretch of points, and the key.
#[derive(Debug, Clone)]
pub struct Spc {
    /// One per x label (a missing point's is never drawn).
    pub kinds: Vec<crate::spc::Variation>,
    pub stretches: Vec<Stretch>,
    /// The limits rest on too few points to be settled: drawn dotted, keyed "trial".
    pub trial: bool,
    /// The words of the key and of the data table: what each mark means.
    pub words: SpcWords,
}

/// A run of points (x labels `from..to`) with one mean and one pair of limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stretch {
    pub from: usize,
    pub to: usize,
    pub limits: crate::spc::Limits,
}

/// The key's words, from the report's wording.
#[derive(Debug, Clone)]
pub struct SpcWords {
    /// The data table's heading over each point's reading.
    pub reading: String,
    pub mean: String,
    /// "Process limits", or the trial limits' words where `trial`.
    pub limits: String,
    pub common: String,
    pub improvement: String,
    pub concern: String,
    pub neither: String,
}

impl SpcWords {
    pub fn of(&self, kind: crate::spc::Variation) -> &str {
        use crate::spc::Variation::*;
        match kind {
            CommonCause => &self.common,
            Improvement => &self.improvement,
            Concern => &self.concern,
            Neither => &self.neither,
        }
    }
}

impl Spc {
    /// The marks of a reading of `values` (the points drawn, in order: a missing point
    /// is left out of the reading and keeps its place on the axis).
    pub fn of(
        values: &[Option<f64>],
        r: &crate::spc::Reading,
        better: crate::registry::Better,
        words: SpcWords,
    ) -> Spc {
        let drawn: Vec<usize> = (0..values.len()).filter(|i| values[*i].is_some()).collect();
        let mut kinds = vec![crate::spc::Variation::CommonCause; values.len()];
        for (k, &i) in drawn.iter().enumerate() {
            kinds[i] = crate::spc::point_kind(&r.flags[k], better);
        }
        let mut stretches: Vec<Stretch> = vec![];
        for (k, &i) in drawn.iter().enumerate() {
            let Some(limits) = r.limits[k] else { continue };
            match stretches.last_mut() {
                Some(s) if s.limits == limits => s.to = i + 1,
                _ => stretches.push(Stretch {
                    from: i,
                    to: i + 1,
                    limits,
                }),
            }
        }
        Spc {
            kinds,
            stretches,
            trial: r.chart == (crate::spc::Chart::Xmr { trial: true }),
            words,
        }
    }
}

impl LineChart {
    /// The lowest and highest value the chart must show (every point, interval end and
    /// reference line), or 0 to 1 when it has none.
    pub fn extent(&self) -> (f64, f64) {
        let values = self
            .series
            .iter()
            .flat_map(|s| {
                s.points
                    .iter()
                    .flatten()
                    .copied()
                    .chain(s.ci.iter().flatten().flat_map(|(l, h)| [*l, *h]))
            })
            .chain(self.references.iter().map(|r| r.0))
            .chain(self.spc.iter().flat_map(|s| {
                // (a share's limits are drawn inside 0 to 100 %)
                s.stretches.iter().flat_map(|t| {
                    [t.limits.lower, t.limits.upper]
                        .map(|v| if self.percent { v.clamp(0.0, 1.0) } else { v })
                })
            }));
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
    }
}

#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    /// One per x label; None: no figure (hidden or no data), the line breaks there.
    pub points: Vec<Option<f64>>,
    pub ci: Vec<Option<(f64, f64)>>,
    /// What the chart's data table says where a point is missing: `*` where disclosure
    /// control hid it, `-` where there is no figure.
    pub missing: Vec<&'static str>,
}

/// A funnel plot (OHID Fingertips's): each unit's proportion against the number it
/// rests on, around the average, between the limits within which chance would keep a
/// unit of that size 95 and 99.8 times in 100 (`stats::funnel_limits`).
#[derive(Debug, Clone)]
pub struct FunnelChart {
    pub title: String,
    /// What the number across counts (people finishing treatment, appointments).
    pub count_label: String,
    /// The figure the limits are drawn around (the service's), a fraction.
    pub average: f64,
    pub points: Vec<FunnelPoint>,
    pub words: FunnelWords,
    pub alt_text: String,
}

/// A unit of a funnel plot (a partner).
#[derive(Debug, Clone)]
pub struct FunnelPoint {
    /// The short name printed beside its mark (a partner's code).
    pub label: String,
    /// The number it rests on and its proportion, as this copy shows them; none where
    /// disclosure control hides it or there is nothing to count: it is not drawn.
    pub at: Option<(f64, f64)>,
    /// What its data-table row says where it is not drawn: `*` hidden, `-` none.
    pub missing: &'static str,
    /// Where it lies against the limits, in the report's words (its data-table cell).
    pub reading: String,
    /// Beyond the 99.8 % limits: a mark of its own.
    pub beyond: bool,
}

/// The words of a funnel plot's key and data table.
#[derive(Debug, Clone)]
pub struct FunnelWords {
    /// The data table's column headings: the unit, the number, the figure, the reading.
    pub unit: String,
    pub number: String,
    pub value: String,
    pub reading: String,
    /// The line across at the average ("Service 42.7%").
    pub average: String,
    pub limits_95: String,
    pub limits_99_8: String,
    /// The key of a mark beyond the 99.8 % limits.
    pub beyond: String,
}
