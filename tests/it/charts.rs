//! The PDF and its HTML twin draw every chart on the same axis: for each chart of the
//! four sample reports, the tick labels are the same words in the same order, and each
//! point's value label (a bar's annotation) stands at the same place along the axis,
//! measured in each file from its own first and last tick; a funnel plot's numbers
//! across the same way.

use std::path::Path;
use std::process::Command;

use crate::accessible::sample_reports;
use crate::helpers::*;

/// A label as one rendering placed it: its text and its place along the value axis
/// (the SVG's or the page's own units).
#[derive(Debug)]
struct Placed {
    text: String,
    at: f64,
}

/// One chart of the HTML twin: its title, whether its value axis is upright (a line
/// chart) or across (bars), its ticks and its value labels.
#[derive(Debug)]
struct SvgChart {
    title: String,
    upright: bool,
    ticks: Vec<Placed>,
    values: Vec<Placed>,
    /// The fills of its bars, each once, and how many key entries it has.
    fills: Vec<String>,
    keys: usize,
    /// Its data table behind "Show the data": rows, and value columns (a value and an
    /// interval per series).
    data_rows: usize,
    data_series: usize,
    /// An SPC chart (mean and limits drawn).
    spc: bool,
    /// A funnel plot: its numbers across (their own axis) and its data table's rows'
    /// first cells (every unit, drawn or not).
    across: Vec<Placed>,
    funnel: bool,
    data_units: Vec<String>,
}

fn unescape(s: &str) -> String {
    s.replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of attribute `name` in a tag's text.
fn attr(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(tag[at..].split('"').next()?.to_string())
}

/// Every `<text ... class="{class}">label</text>` of a figure: (tag, label).
fn texts<'a>(figure: &'a str, class: &str) -> Vec<(&'a str, String)> {
    let marker = format!("class=\"{class}\">");
    figure
        .match_indices(&marker)
        .map(|(at, _)| {
            let start = figure[..at].rfind("<text").unwrap();
            let rest = &figure[at + marker.len()..];
            (
                &figure[start..at + marker.len()],
                unescape(&rest[..rest.find("</text>").unwrap()]),
            )
        })
        .collect()
}

fn svg_charts(html: &str) -> Vec<SvgChart> {
    html.split("<figure>")
        .skip(1)
        .map(|f| {
            let f = &f[..f.find("</figure>").unwrap()];
            let title = f.split("<figcaption><strong>").nth(1).unwrap();
            let title = unescape(&title[..title.find("</strong>").unwrap()]);
            // the drawing for a page (the phone's, after it, sets things down otherwise)
            let wide = &f[..f.find("</svg>").unwrap()];
            assert!(wide.contains("class=\"chart-wide\""));
            let ticks = texts(wide, "tick");
            let upright = ticks
                .iter()
                .all(|(tag, _)| tag.contains("text-anchor=\"end\""));
            let coordinate = if upright { "y" } else { "x" };
            let place = |(tag, text): (&str, String)| Placed {
                at: attr(tag, coordinate).unwrap().parse().unwrap(),
                text,
            };
            let value_class = if upright { "value" } else { "annotation" };
            let data = f.split("<details>").nth(1).unwrap_or_default();
            let mut fills: Vec<String> = wide
                .split("<rect ")
                .skip(1)
                .filter(|r| !r.contains("class=\"key\""))
                .filter_map(|r| attr(&format!(" {r}"), "fill"))
                .collect();
            fills.sort();
            fills.dedup();
            SvgChart {
                title,
                upright,
                ticks: ticks.into_iter().map(place).collect(),
                values: texts(wide, value_class).into_iter().map(place).collect(),
                fills,
                keys: wide.matches("class=\"key\"").count(),
                spc: wide.contains("class=\"mean\""),
                across: texts(wide, "xtick")
                    .into_iter()
                    .map(|(tag, text)| Placed {
                        at: attr(tag, "x").unwrap().parse().unwrap(),
                        text,
                    })
                    .collect(),
                funnel: wide.contains("class=\"limit95\""),
                data_units: data
                    .split("<tr><th scope=\"row\">")
                    .skip(1)
                    .map(|r| unescape(&r[..r.find("</th>").unwrap()]))
                    .collect(),
                data_rows: data.matches("<tr").count() - 1,
                // (a column per series, and its interval where it has them)
                data_series: data.matches("<th scope=\"col\"").count()
                    - 1
                    - data.matches(">95 % interval<").count(),
            }
        })
        .collect()
}

/// A word of the PDF as pdftotext sets it down in drawing order: its box (points, y
/// downwards) and text.
#[derive(Debug)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

fn pdf_words(pdf: &Path) -> Vec<Word> {
    let out = Command::new("pdftotext")
        .args(["-raw", "-bbox", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let n = |name: &str| attr(l, name).unwrap().parse::<f64>().unwrap();
            let inner = &l[l.find('>').unwrap() + 1..l.rfind("</word>").unwrap()];
            Word {
                x0: n("xMin"),
                y0: n("yMin"),
                x1: n("xMax"),
                y1: n("yMax"),
                text: unescape(inner),
            }
        })
        .collect()
}

/// Where `needle` (words) next stands in `words` from `from`: the index after it.
fn find_words(words: &[Word], from: usize, needle: &[&str]) -> Option<usize> {
    (from..words.len().saturating_sub(needle.len() - 1)).find_map(|i| {
        needle
            .iter()
            .enumerate()
            .all(|(k, n)| words[i + k].text == *n)
            .then_some(i + needle.len())
    })
}

/// Places along an axis as fractions of the span from the first tick to the last.
fn along(first: f64, last: f64, at: f64) -> f64 {
    (at - first) / (last - first)
}

#[test]
fn the_pdf_and_the_html_draw_every_chart_on_the_same_axis() {
    let out = tempdir();
    let (mut charts, mut funnels) = (0, 0);
    for folder in sample_reports(out.path()) {
        let html = std::fs::read_to_string(folder.join("report.html")).unwrap();
        let words = pdf_words(&folder.join("report.pdf"));
        let mut cursor = 0;
        for chart in svg_charts(&html) {
            let title: Vec<&str> = chart.title.split_whitespace().collect();
            let start = find_words(&words, cursor, &title).unwrap_or_else(|| {
                panic!("{}: {:?} is not in the PDF", folder.display(), chart.title)
            });
            let end = find_words(&words, start, &["Chart", "description:"]).unwrap();
            let seg = &words[start..end];
            // the ticks come first, in the same words
            let n = chart.ticks.len();
            assert!(n >= 2, "{}: {:?}", chart.title, chart.ticks);
            let pdf_ticks: Vec<&str> = seg[..n].iter().map(|w| w.text.as_str()).collect();
            let svg_ticks: Vec<&str> = chart.ticks.iter().map(|t| t.text.as_str()).collect();
            assert_eq!(pdf_ticks, svg_ticks, "{}", chart.title);
            // a word's place along the axis: its middle across a bar chart, its middle
            // up a line chart; a bar's annotation from where it starts
            let tick_at = |w: &Word| {
                if chart.upright {
                    (w.y0 + w.y1) / 2.0
                } else {
                    (w.x0 + w.x1) / 2.0
                }
            };
            let (pdf_first, pdf_last) = (tick_at(&seg[0]), tick_at(&seg[n - 1]));
            let (svg_first, svg_last) = (chart.ticks[0].at, chart.ticks[n - 1].at);
            for (w, t) in seg[..n].iter().zip(&chart.ticks) {
                let (p, s) = (
                    along(pdf_first, pdf_last, tick_at(w)),
                    along(svg_first, svg_last, t.at),
                );
                assert!(
                    (p - s).abs() < 0.01,
                    "{}: tick {}: {p} {s}",
                    chart.title,
                    t.text
                );
            }
            // a funnel's numbers across follow, in the same words at the same places
            let m = chart.across.len();
            if chart.funnel {
                assert!(m >= 2, "{}: {:?}", chart.title, chart.across);
                let words: Vec<&str> = seg[n..n + m].iter().map(|w| w.text.as_str()).collect();
                let svg: Vec<&str> = chart.across.iter().map(|t| t.text.as_str()).collect();
                assert_eq!(words, svg, "{}", chart.title);
                let mid = |w: &Word| (w.x0 + w.x1) / 2.0;
                let (pf, pl) = (mid(&seg[n]), mid(&seg[n + m - 1]));
                let (sf, sl) = (chart.across[0].at, chart.across[m - 1].at);
                for (w, t) in seg[n..n + m].iter().zip(&chart.across) {
                    let (p, s) = (along(pf, pl, mid(w)), along(sf, sl, t.at));
                    assert!((p - s).abs() < 0.01, "{}: {} {p} {s}", chart.title, t.text);
                }
            }
            let mut k = n + m;
            for v in &chart.values {
                let first = v.text.split_whitespace().next().unwrap();
                let i = (k..seg.len())
                    .find(|i| seg[*i].text == first)
                    .unwrap_or_else(|| {
                        panic!("{}: value {:?} not in the PDF", chart.title, v.text)
                    });
                k = i + 1;
                if v.text == "*" {
                    continue;
                }
                let w = &seg[i];
                let pdf = if chart.upright {
                    (w.y0 + w.y1) / 2.0
                } else {
                    w.x0
                };
                let (p, s) = (
                    along(pdf_first, pdf_last, pdf),
                    along(svg_first, svg_last, v.at),
                );
                assert!(
                    (p - s).abs() < 0.03,
                    "{}: {:?} stands at {p:.3} of the PDF's axis and {s:.3} of the HTML's",
                    chart.title,
                    v.text
                );
            }
            // a figure with a target shows it inside the axis: recovery by deprivation,
            // where every quintile is below the 50 % standard on the sample
            if chart.title.starts_with("Recovery by deprivation quintile") {
                let words: Vec<&str> = seg.iter().map(|w| w.text.as_str()).collect();
                assert!(
                    words.windows(2).any(|w| w == ["Target", "50.0%"]),
                    "{words:?}"
                );
                assert!(pdf_ticks.contains(&"50%"), "{pdf_ticks:?}");
            }
            // every value it draws is in its data table: a row per point or bar (an SPC
            // chart prints no values beside its many points: its table holds them)
            // (a funnel names each unit drawn, and its table holds every unit)
            if chart.funnel {
                for v in &chart.values {
                    assert!(
                        chart.data_units.contains(&v.text),
                        "{}: {}",
                        chart.title,
                        v.text
                    );
                }
            } else {
                assert!(
                    chart.spc || chart.data_rows * chart.data_series == chart.values.len(),
                    "{}: data table",
                    chart.title
                );
            }
            // bars told apart by colour come with a key
            if chart.fills.len() > 1 {
                assert!(chart.keys >= chart.fills.len(), "{}: no key", chart.title);
            }
            cursor = end;
            charts += 1;
            funnels += usize::from(chart.funnel);
        }
    }
    // every chart of the four reports: 1 + 7 + 3 + 3 on the sample, and equity-annual's
    // four funnels
    assert!(charts >= 14, "{charts}");
    assert_eq!(funnels, 4);
}
