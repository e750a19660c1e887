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

/// Every report on the sample into `out`, with the Partnership Board's copy rounded to
/// 5 beside the exact one; the folders in REPORTS order.
pub(crate) fn sample_reports(out: &Path) -> Vec<PathBuf> {
    let two_audiences = [(
        "EQUITY_REPORTS__DISCLOSURE__ROUND_TO_BY_LIST",
        "{ partnership_board = 5 }",
    )];
    REPORTS
        .iter()
        .map(|(report, period)| {
            let r = run_report(
                report,
                period,
                &sample_data(),
                out,
                &["--no-send"],
                &two_audiences,
            );
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
    let mut pages = 0;
    for html in sample_reports(out.path())
        .iter()
        .flat_map(|f| [f.join("report.html"), f.join("report-rounded-to-5.html")])
        .filter(|h| h.exists())
    {
        pages += 1;
        let verdict = axe(&html);
        assert_eq!(
            verdict["violations"],
            serde_json::json!([]),
            "{}",
            html.display()
        );
        // the second checker, HTML_CodeSniffer's WCAG2AA errors (pa11y's)
        assert_eq!(
            verdict["htmlcs"],
            serde_json::json!([]),
            "{}",
            html.display()
        );
        // a chart's words on a phone no smaller than 12 CSS px
        let smallest = verdict["chartText320"].as_f64().unwrap();
        assert!(
            smallest >= 12.0,
            "{}: chart text at {smallest:.1} px at 320 px",
            html.display()
        );
        // self-contained: nothing fetched
        assert_eq!(
            verdict["requests"],
            serde_json::json!([]),
            "{}",
            html.display()
        );
        // readable at 320 CSS px without scrolling sideways: not the page, and not a
        // table in its box (each row reads as a card there)
        assert!(
            verdict["overflow320"].as_i64().unwrap() <= 0,
            "{}: {}",
            html.display(),
            verdict["overflow320"]
        );
        assert!(
            verdict["boxOverflow320"].as_i64().unwrap() <= 0,
            "{}: a table scrolls sideways at 320 px by {}",
            html.display(),
            verdict["boxOverflow320"]
        );
        // and on a laptop no table is cut mid-number
        assert!(
            verdict["boxOverflow1280"].as_i64().unwrap() <= 0,
            "{}: a table scrolls sideways at 1280 px by {}",
            html.display(),
            verdict["boxOverflow1280"]
        );
        let text = std::fs::read_to_string(&html).unwrap();
        assert!(text.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
        // every id once: a contents link lands on its own section
        let mut ids: Vec<&str> = text
            .split(" id=\"")
            .skip(1)
            .map(|r| r.split('"').next().unwrap())
            .collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "{}: an id is used twice", html.display());
        for link in text.split("<a href=\"#").skip(1) {
            let target = link.split('"').next().unwrap();
            assert!(ids.contains(&target), "{}: #{target}", html.display());
        }
        assert_eq!(text.matches("<h1>").count(), 1);
        // every chart's words read once, from its caption (the drawing is for the eye),
        // and every figure it draws in its data table
        // (each chart drawn twice: for a page and for a phone)
        let charts = text.matches("<svg aria-hidden=\"true\"").count() / 2;
        assert!(charts > 0);
        assert_eq!(2 * charts, text.matches("<svg").count());
        assert_eq!(charts, text.matches("class=\"chart-narrow\"").count());
        assert_eq!(charts, text.matches("<figcaption>").count());
        assert_eq!(charts, text.matches("Chart description: ").count());
        assert_eq!(
            charts,
            text.matches("<summary>Show the data</summary>").count()
        );
        assert!(!text.contains("<title id=\"chart"), "{}", html.display());
    }
    // the reports the Partnership Board gets have their rounded copy checked too
    assert_eq!(pages, 7, "pages checked");
}

/// The browser check can fail: a report with a section id used twice and the phone
/// drawing of its charts left off (the 720-unit drawing shrunk to a phone's width) is
/// caught by axe, HTML_CodeSniffer and the text-size measurement.
#[test]
fn the_browser_check_sees_a_duplicate_id_and_a_shrunken_chart() {
    let out = tempdir();
    let (report, period) = REPORTS[0];
    let r = run_report(
        report,
        period,
        &sample_data(),
        out.path(),
        &["--no-send"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let good = out.path().join(report).join(period).join("report.html");
    let text = std::fs::read_to_string(&good).unwrap();
    let broken = text
        .replace("id=\"section-training\"", "id=\"section-summary\"")
        .replace("svg.chart-wide { display: none; }", "")
        .replace("svg.chart-narrow { display: block; }", "");
    assert_ne!(broken, text);
    let bad = out.path().join("broken.html");
    std::fs::write(&bad, broken).unwrap();
    let verdict = axe(&bad);
    let ids: Vec<&str> = verdict["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert!(ids.iter().any(|i| i.starts_with("duplicate-id")), "{ids:?}");
    assert!(
        verdict["htmlcs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["code"].as_str().unwrap().contains("F77")),
        "{}",
        verdict["htmlcs"]
    );
    let smallest = verdict["chartText320"].as_f64().unwrap();
    assert!(smallest < 6.0, "{smallest}");
    // and the report as written passes
    let verdict = axe(&good);
    assert_eq!(verdict["violations"], serde_json::json!([]));
    assert!(verdict["chartText320"].as_f64().unwrap() >= 12.0);
}

/// How far down its body each page of a PDF is filled, from 0 (empty) to 1 (to the
/// footer): the lowest word above the footer, from `pdftotext -bbox`.
fn page_fill(pdf: &Path) -> Vec<f64> {
    let out = Command::new("pdftotext")
        .args(["-bbox", pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let number = |tag: &str, name: &str| -> f64 {
        let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
    };
    text.split("<page ")
        .skip(1)
        .map(|page| {
            let height = number(page, "height");
            // the body runs from under the running header (70 pt) to above the footer
            let (top, bottom) = (70.0, height - 50.0);
            let lowest = page
                .split("<word ")
                .skip(1)
                .map(|w| number(w, "yMax"))
                .filter(|y| *y > top && *y < bottom)
                .fold(top, f64::max);
            (lowest - top) / (bottom - top)
        })
        .collect()
}

/// No page between the contents and the last holds less than a quarter of a page, and
/// equity-annual, the longest, keeps its content without the SPC charts to 29 pages
/// with every figure still in it (the bound grew with the equity statistics: see
/// below).
#[test]
fn no_sample_report_has_a_page_of_a_few_lines() {
    let out = tempdir();
    let before_spc = tempdir();
    let r = run_report(
        "equity-annual",
        "FY2025-26",
        &sample_data(),
        before_spc.path(),
        &["--no-send"],
        &[("EQUITY_REPORTS__SPC__SERVICE_FIGURES", "[]")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pages = page_fill(&before_spc.path().join("equity-annual/FY2025-26/report.pdf")).len();
    // (19 before the hidden waits' page, the ethnicity gap by partner, the pages of
    // sexual orientation and religion and of the partners' funnel readings, and
    // standardised access; 25 before the four funnel plots, two to a page, and their
    // data in the annex)
    assert!(pages <= 29, "{pages} pages");
    for folder in sample_reports(out.path()) {
        let pdf = folder.join("report.pdf");
        let fill = page_fill(&pdf);
        // cover and contents first; the last page may be short
        for (i, f) in fill.iter().enumerate().take(fill.len() - 1).skip(2) {
            assert!(
                *f >= 0.25,
                "{}: page {} holds {:.0} % of a page ({fill:?})",
                pdf.display(),
                i + 1,
                f * 100.0
            );
        }
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
    // (a chart's data table stands behind "Show the data"; the PDF's in its annex)
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
        // each figure points to the description printed under it, so that it is read
        // once (its title is the paragraph above it), and to its figures in the annex
        let alts = figure_alts(&pdf);
        assert_eq!(alts.len(), figures);
        for alt in &alts {
            assert_eq!(
                alt,
                "Chart, described in the paragraph below it; its figures are tabled in the \
                 annex Chart data.",
                "{}",
                pdf.display()
            );
        }
        // the annex, the last section, holds one table per chart
        let annex = doc.kids.iter().rfind(|n| n.role == "Sect").unwrap();
        assert_eq!(annex.kids[0].all_text(), "Chart data");
        assert_eq!(
            annex.kids.iter().filter(|n| n.role == "Table").count(),
            figures,
            "{}",
            pdf.display()
        );
        // the HTML twin: the same tables, cell for cell, hidden cells included (its
        // chart data stand under each chart, the PDF's in the annex)
        let html = std::fs::read_to_string(folder.join("report.html")).unwrap();
        let (mut from_pdf, mut from_html) = (pdf_tables(&root), html_tables(&html));
        assert_eq!(from_pdf.len(), from_html.len(), "{}", pdf.display());
        from_pdf.sort();
        from_html.sort();
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

/// A PDF's structure as lopdf reads it: each element's role, its parent's role, how
/// many kids it has, and its marked-content references (page index, MCID).
struct Elem {
    id: lopdf::ObjectId,
    role: String,
    parent_role: String,
    kids: usize,
    mcids: Vec<(usize, i64)>,
}

fn elements(doc: &lopdf::Document) -> Vec<Elem> {
    use lopdf::Object;
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().values().copied().collect();
    let catalog = doc.catalog().unwrap();
    let root = doc
        .get_dictionary(
            catalog
                .get(b"StructTreeRoot")
                .unwrap()
                .as_reference()
                .unwrap(),
        )
        .unwrap();
    let mut out = Vec::new();
    // (element, its parent's role)
    let mut todo: Vec<(lopdf::ObjectId, String)> = vec![(
        root.get(b"K").unwrap().as_reference().unwrap(),
        "StructTreeRoot".into(),
    )];
    while let Some((id, parent_role)) = todo.pop() {
        let d = doc.get_dictionary(id).unwrap();
        let role = String::from_utf8_lossy(d.get(b"S").unwrap().as_name().unwrap()).to_string();
        let kids = match d.get(b"K") {
            Ok(Object::Array(a)) => a.clone(),
            Ok(other) => vec![other.clone()],
            Err(_) => vec![],
        };
        let mut mcids = Vec::new();
        for k in &kids {
            match k {
                Object::Reference(r) => todo.push((*r, role.clone())),
                Object::Dictionary(mcr) => {
                    let page = mcr.get(b"Pg").unwrap().as_reference().unwrap();
                    let at = pages.iter().position(|p| *p == page).unwrap();
                    mcids.push((at, mcr.get(b"MCID").unwrap().as_i64().unwrap()));
                }
                Object::Integer(n) => mcids.push((usize::MAX, *n)),
                _ => {}
            }
        }
        out.push(Elem {
            id,
            role,
            parent_role,
            kids: kids.len(),
            mcids,
        });
    }
    out
}

/// The machine-checkable part of PDF/UA-1, on all four sample reports (a rounded copy
/// is drawn by the same code, and checked where the sample's settings make one): the
/// `pdfua` checker (PyPI, pinned in `.ci/run`) finds nothing; the file is
/// PDF 1.7 with no PDF/X claim, its fonts subset (the quarterly report under 200 KB, where whole fonts made it over 500 KB),
/// opens on its bookmarks and carries XMP metadata that claims PDF/UA-1 with its title; and a walk of the structure tree finds every table
/// cell in a row, every row in a table, no empty header cell (a table's header repeated
/// on a new page is an artifact, not a second row of blank headers), and every marked
/// content in the parent tree under the element that owns it.
#[test]
fn every_sample_pdf_meets_the_machine_checkable_rules_of_pdf_ua() {
    use lopdf::Object;
    let out = tempdir();
    let mut checked = 0;
    for folder in sample_reports(out.path()) {
        for name in ["report.pdf", "report-rounded-to-5.pdf"] {
            let pdf = folder.join(name);
            if !pdf.exists() {
                continue;
            }
            let said = Command::new("python3")
                .args(["-m", "pdfua", "check", pdf.to_str().unwrap()])
                .output()
                .expect("python3 with pdfua: .ci/run installs it");
            assert!(
                said.status.success(),
                "{}: {}{}",
                pdf.display(),
                String::from_utf8_lossy(&said.stdout),
                String::from_utf8_lossy(&said.stderr)
            );
            let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
            let info = String::from_utf8_lossy(&info.stdout);
            assert!(info.contains("PDF version:     1.7"), "{info}");
            assert!(info.contains("Metadata Stream: yes"), "{info}");
            assert!(!info.contains("PDF/X"), "{info}");
            // the fonts cut down to the glyphs drawn: a quarterly report mails small
            let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
            let fonts = String::from_utf8_lossy(&fonts.stdout);
            for line in fonts.lines().skip(2) {
                let cols: Vec<&str> = line.split_whitespace().collect();
                assert!(cols[0].contains('+'), "{}: {line}", pdf.display());
                assert_eq!(
                    &cols[cols.len() - 5..cols.len() - 2],
                    ["yes", "yes", "yes"],
                    "{line}"
                );
            }
            if folder.ends_with("workforce-quarterly/2026-Q3") {
                let size = std::fs::metadata(&pdf).unwrap().len();
                assert!(size < 200_000, "{}: {size} bytes", pdf.display());
            }
            let doc = lopdf::Document::load(&pdf).unwrap();
            let catalog = doc.catalog().unwrap();
            assert_eq!(
                catalog.get(b"PageMode").unwrap().as_name().unwrap(),
                b"UseOutlines"
            );
            let xmp = doc
                .get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap())
                .unwrap()
                .as_stream()
                .unwrap()
                .content
                .clone();
            let xmp = String::from_utf8(xmp).unwrap();
            let title = pdfinfo_title(&info);
            assert!(xmp.contains("<pdfuaid:part>1</pdfuaid:part>"), "{xmp}");
            assert!(
                xmp.contains(&format!("<rdf:li xml:lang=\"x-default\">{title}</rdf:li>")),
                "{title}: {xmp}"
            );
            let elems = elements(&doc);
            for e in &elems {
                match e.role.as_str() {
                    "TH" | "TD" => assert_eq!(e.parent_role, "TR", "{}", pdf.display()),
                    "TR" => assert!(
                        ["Table", "THead", "TBody", "TFoot"].contains(&e.parent_role.as_str()),
                        "{}: TR under {}",
                        pdf.display(),
                        e.parent_role
                    ),
                    _ => {}
                }
                if e.role == "TH" {
                    assert!(e.kids > 0, "{}: an empty header cell", pdf.display());
                }
            }
            // every marked content is its element's in the parent tree
            let tree = doc
                .get_dictionary(
                    doc.get_dictionary(
                        catalog
                            .get(b"StructTreeRoot")
                            .unwrap()
                            .as_reference()
                            .unwrap(),
                    )
                    .unwrap()
                    .get(b"ParentTree")
                    .unwrap()
                    .as_reference()
                    .unwrap(),
                )
                .unwrap();
            let nums = tree.get(b"Nums").unwrap().as_array().unwrap();
            let owners: std::collections::BTreeMap<i64, &Vec<Object>> = nums
                .chunks(2)
                .map(|p| (p[0].as_i64().unwrap(), p[1].as_array().unwrap()))
                .collect();
            let pages: Vec<lopdf::ObjectId> = doc.get_pages().values().copied().collect();
            let mut marked = 0;
            for e in &elems {
                for &(page, mcid) in &e.mcids {
                    let key = doc
                        .get_dictionary(pages[page])
                        .unwrap()
                        .get(b"StructParents")
                        .unwrap()
                        .as_i64()
                        .unwrap();
                    let owner = &owners[&key][usize::try_from(mcid).unwrap()];
                    assert_eq!(owner.as_reference().unwrap(), e.id, "{}", pdf.display());
                    marked += 1;
                }
            }
            assert!(marked > 50, "{}: {marked}", pdf.display());
            checked += 1;
        }
    }
    // the four reports and the three rounded copies the Partnership Board gets
    assert_eq!(checked, 7, "{checked}");
}

/// The Title line of `pdfinfo`.
fn pdfinfo_title(info: &str) -> String {
    info.lines()
        .find_map(|l| l.strip_prefix("Title:"))
        .unwrap()
        .trim()
        .to_string()
}
