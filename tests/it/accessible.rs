//! The documents every board member can read: each sample report's HTML twin opened in
//! headless Chromium with axe-core's WCAG 2.2 A and AA rules (`tests/axe/check.mjs`,
//! installed by `.ci/run` with `npm ci`), and the tagged PDF read with poppler.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::*;

/// The four reports on the bundled sample, as the README runs them.
const REPORTS: &[(&str, &str)] = &[
    ("workforce-quarterly", "2026-Q3"),
    ("workforce-annual", "FY2025-26"),
    ("access-biannual", "FY2026-27-H1"),
    ("equity-annual", "FY2025-26"),
];

/// Every report on the sample into `out`; the folders in REPORTS order.
pub(crate) fn sample_reports(out: &Path) -> Vec<PathBuf> {
    REPORTS
        .iter()
        .map(|(report, period)| {
            let r = run_report(report, period, &sample_data(), out, &["--no-send"], &[]);
            assert_eq!(r.code, 0, "{report}: {}\n{}", r.stdout, r.stderr);
            out.join(report).join(period)
        })
        .collect()
}

/// axe-core's verdict on one page, from the check script.
fn axe(html: &Path) -> serde_json::Value {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/axe");
    assert!(
        dir.join("node_modules/axe-core").exists(),
        "tests/axe/node_modules is missing: `.ci/run` installs it with `npm ci --prefix tests/axe`"
    );
    let out = Command::new("node")
        .arg(dir.join("check.mjs"))
        .arg(html)
        .output()
        .expect("node must be installed");
    assert!(
        out.status.success(),
        "check.mjs failed on {}: {}",
        html.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_sample_report_html_has_no_wcag_22_aa_violation_in_chromium() {
    let out = tempdir();
    for folder in sample_reports(out.path()) {
        let html = folder.join("report.html");
        let verdict = axe(&html);
        assert_eq!(
            verdict["violations"],
            serde_json::json!([]),
            "{}",
            html.display()
        );
        // self-contained: nothing fetched
        assert_eq!(
            verdict["requests"],
            serde_json::json!([]),
            "{}",
            html.display()
        );
        // readable at 320 CSS px without scrolling sideways
        assert!(
            verdict["overflow320"].as_i64().unwrap() <= 0,
            "{}: {}",
            html.display(),
            verdict["overflow320"]
        );
        let text = std::fs::read_to_string(&html).unwrap();
        assert!(text.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
        assert_eq!(text.matches("<h1>").count(), 1);
        // every chart an image with a title and the description the PDF prints
        let charts = text.matches("<svg role=\"img\"").count();
        assert_eq!(charts, text.matches("<title id=\"chart-title-").count());
        assert_eq!(charts, text.matches("Chart description: ").count());
    }
}

/// One node of `pdfinfo -struct-text`: its role, attributes and text lines, and kids.
#[derive(Debug, Default)]
struct Node {
    role: String,
    attrs: Vec<String>,
    text: Vec<String>,
    kids: Vec<Node>,
}

impl Node {
    /// The text of the node and everything under it, lines joined by spaces.
    fn all_text(&self) -> String {
        let mut parts: Vec<String> = self.text.clone();
        parts.extend(
            self.kids
                .iter()
                .map(Node::all_text)
                .filter(|t| !t.is_empty()),
        );
        parts.join(" ")
    }

    fn walk<'a>(&'a self, out: &mut Vec<&'a Node>) {
        out.push(self);
        for k in &self.kids {
            k.walk(out);
        }
    }
}

/// The structure tree as poppler reads it: indentation gives the nesting; a quoted
/// line is text, a `/Key` line an attribute.
fn structure(pdf: &Path) -> Node {
    let out = Command::new("pdfinfo")
        .args(["-struct-text", pdf.to_str().unwrap()])
        .output()
        .expect("pdfinfo (poppler-utils) must be installed");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut root = Node::default();
    // the path of open nodes, with their indentation
    let mut stack: Vec<(usize, Vec<usize>)> = vec![];
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let indent = line.len() - line.trim_start().len();
        let body = line.trim();
        while stack.last().is_some_and(|(i, _)| *i >= indent)
            && !(body.starts_with('"') || body.starts_with('/'))
        {
            stack.pop();
        }
        let path: Vec<usize> = stack.last().map(|(_, p)| p.clone()).unwrap_or_default();
        let mut node = &mut root;
        for &k in &path {
            node = &mut node.kids[k];
        }
        if let Some(t) = body.strip_prefix('"').and_then(|b| b.strip_suffix('"')) {
            node.text.push(t.to_string());
        } else if body.starts_with('/') {
            node.attrs.push(body.to_string());
        } else {
            let role = body.split([' ', ':']).next().unwrap().to_string();
            node.kids.push(Node {
                role,
                ..Node::default()
            });
            let mut p = path.clone();
            p.push(node.kids.len() - 1);
            stack.push((indent, p));
        }
    }
    root
}

/// Every table's rows of cell texts, from the PDF's structure.
fn pdf_tables(root: &Node) -> Vec<Vec<Vec<String>>> {
    let mut all = vec![];
    root.walk(&mut all);
    all.iter()
        .filter(|n| n.role == "Table")
        .map(|t| {
            t.kids
                .iter()
                .filter(|r| r.role == "TR")
                .map(|r| r.kids.iter().map(Node::all_text).collect())
                .collect()
        })
        .collect()
}

/// Every table's rows of cell texts, from the HTML.
fn html_tables(html: &str) -> Vec<Vec<Vec<String>>> {
    let unescape = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    };
    html.split("<table>")
        .skip(1)
        .map(|t| {
            let t = &t[..t.find("</table>").unwrap()];
            t.split("<tr")
                .skip(1)
                .map(|row| {
                    let mut cells = vec![];
                    let mut rest = row;
                    while let Some(open) = rest.find(['<']) {
                        let tag = &rest[open..];
                        if tag.starts_with("<th") || tag.starts_with("<td") {
                            let start = open + tag.find('>').unwrap() + 1;
                            let end = start + rest[start..].find("</t").unwrap();
                            cells.push(unescape(&rest[start..end]));
                            rest = &rest[end + 4..];
                        } else {
                            rest = &rest[open + 1..];
                        }
                    }
                    cells
                })
                .collect()
        })
        .collect()
}

/// The tagged PDF read with poppler: headings in order (the title, then each section's
/// heading as the contents list them), every table headed by column header cells,
/// every chart a figure with its alternative text; and the HTML twin's tables hold
/// exactly the PDF's cells, so both hide the same ones.
#[test]
fn every_sample_pdf_is_tagged_and_its_html_twin_hides_the_same_cells() {
    let out = tempdir();
    let mut hidden_cells = 0;
    for folder in sample_reports(out.path()) {
        let pdf = folder.join("report.pdf");
        let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
        assert!(
            String::from_utf8_lossy(&info.stdout).contains("Tagged:          yes"),
            "{}",
            pdf.display()
        );
        let root = structure(&pdf);
        let doc = &root.kids[0];
        assert_eq!(doc.role, "Document");
        let mut all = vec![];
        doc.walk(&mut all);
        // one H1, the title; then the contents; then each section under its H2
        let h1: Vec<&&Node> = all.iter().filter(|n| n.role == "H1").collect();
        assert_eq!(h1.len(), 1);
        let toc: Vec<String> = all
            .iter()
            .filter(|n| n.role == "TOCI")
            .map(|n| n.text[..n.text.len() - 1].join(" "))
            .collect();
        let sections: Vec<String> = doc
            .kids
            .iter()
            .filter(|n| n.role == "Sect")
            .map(|s| {
                assert_eq!(s.kids[0].role, "H2", "a section starts with its heading");
                s.kids[0].all_text()
            })
            .collect();
        assert!(!sections.is_empty());
        assert_eq!(toc, sections, "{}", pdf.display());
        // headings never skip a level: H3 only inside a section
        for s in doc.kids.iter().filter(|n| n.role != "Sect") {
            let mut inner = vec![];
            s.walk(&mut inner);
            assert!(inner.iter().all(|n| n.role != "H3"));
        }
        // every table's first row is column headers
        let tables: Vec<&&Node> = all.iter().filter(|n| n.role == "Table").collect();
        assert!(!tables.is_empty());
        for t in &tables {
            let first = &t.kids[0];
            assert!(
                first.kids.iter().all(|c| c.role == "TH"
                    && c.attrs.iter().any(|a| a.contains("/Scope /Column"))),
                "{}: {first:?}",
                pdf.display()
            );
        }
        // every chart a figure whose alternative text is the description printed under it
        let figures = all.iter().filter(|n| n.role == "Figure").count();
        let printed: Vec<String> = all
            .iter()
            .filter(|n| n.role == "P")
            .filter_map(|n| {
                n.all_text()
                    .strip_prefix("Chart description: ")
                    .map(str::to_string)
            })
            .collect();
        assert_eq!(figures, printed.len(), "{}", pdf.display());
        let alts = figure_alts(&pdf);
        assert_eq!(alts.len(), figures);
        for (alt, said) in alts.iter().zip(&printed) {
            let alt = alt.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(&alt, said, "{}", pdf.display());
        }
        // the HTML twin: the same tables, cell for cell, hidden cells included
        let html = std::fs::read_to_string(folder.join("report.html")).unwrap();
        let (from_pdf, from_html) = (pdf_tables(&root), html_tables(&html));
        assert_eq!(from_pdf.len(), from_html.len(), "{}", pdf.display());
        for (i, (p, h)) in from_pdf.iter().zip(&from_html).enumerate() {
            assert_eq!(p, h, "table {i} of {}", pdf.display());
        }
        let hidden = |ts: &Vec<Vec<Vec<String>>>| {
            ts.iter()
                .flatten()
                .flatten()
                .filter(|c| c.as_str() == "*")
                .count()
        };
        assert_eq!(hidden(&from_pdf), hidden(&from_html));
        hidden_cells += hidden(&from_pdf);
    }
    // the sample has small numbers: the comparison covers hidden cells
    assert!(hidden_cells > 100, "{hidden_cells}");
}

/// The alternative text of every `Figure` structure element, in document order (read
/// with the PDF library the program writes the tree with; pdfinfo does not print it).
fn figure_alts(pdf: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let mut ids: Vec<(lopdf::ObjectId, String)> = doc
        .objects
        .iter()
        .filter_map(|(id, o)| {
            let d = o.as_dict().ok()?;
            (d.get(b"S").ok()?.as_name().ok()? == b"Figure").then_some(())?;
            let alt = d.get(b"Alt").ok()?.as_str().ok()?;
            Some((*id, String::from_utf8_lossy(alt).into_owned()))
        })
        .collect();
    // figures are written in document order, so their object numbers ascend with it
    ids.sort_by_key(|(id, _)| *id);
    ids.into_iter().map(|(_, a)| a).collect()
}
