//! The PDF as a document: contents with the right page numbers, a bookmark per
//! section, the embedded font, document properties, and long names wrapped whole.

use std::path::Path;
use std::process::Command;

use crate::figures::write_fixture;
use crate::helpers::*;

/// The text of each page (pdftotext separates pages with a form feed).
fn pages(pdf: &Path) -> Vec<String> {
    pdf_text(pdf).split('\u{c}').map(str::to_string).collect()
}

/// The bookmark titles of a PDF, in order. printpdf writes each as UTF-16 hex.
fn bookmarks(pdf: &Path) -> Vec<String> {
    let bytes = std::fs::read(pdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    text.split("/Parent ")
        .skip(1)
        .filter_map(|obj| {
            let hex = obj.split("/Title<FEFF").nth(1)?.split('>').next()?;
            let units: Vec<u16> = (0..hex.len() / 4)
                .map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).unwrap())
                .collect();
            Some(String::from_utf16(&units).unwrap())
        })
        .collect()
}

/// The contents list of page 2: (heading, page number).
fn contents(pages: &[String]) -> Vec<(String, usize)> {
    assert!(pages[1].contains("Contents"), "{}", pages[1]);
    pages[1]
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let (head, num) = l.rsplit_once(' ')?;
            let n: usize = num.parse().ok()?;
            Some((head.trim_end_matches(['.', ' ']).trim().to_string(), n))
        })
        .filter(|(h, _)| !h.starts_with("Page "))
        .collect()
}

#[test]
fn contents_pages_and_bookmarks_match_where_each_section_starts() {
    let out = tempdir();
    let r = run_report(
        "equity-annual",
        "FY2025-26",
        &sample_data(),
        out.path(),
        &["--no-send"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = out.path().join("equity-annual/FY2025-26/report.pdf");
    let pages = pages(&pdf);
    let list = contents(&pages);
    assert!(list.len() >= 10, "{list:?}");
    for (heading, page) in &list {
        let text = &pages[page - 1];
        assert!(
            text.lines().any(|l| l.trim() == heading),
            "{heading:?} is not a heading on page {page}:\n{text}"
        );
    }
    // one bookmark per section, numbered, in order
    let marks = bookmarks(&pdf);
    let expected: Vec<String> = list
        .iter()
        .enumerate()
        .map(|(i, (h, _))| format!("{}. {h}", i + 1))
        .collect();
    assert_eq!(marks, expected);
}

#[test]
fn the_font_is_embedded_and_the_properties_are_set() {
    let data = tempdir();
    let out = tempdir();
    write_fixture(data.path());
    let r = run_quarterly(data.path(), out.path(), &["--no-send"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = out.path().join("workforce-quarterly/2026-Q3/report.pdf");
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    for face in ["+LiberationSans ", "+LiberationSans-Bold "] {
        let line = fonts
            .lines()
            .find(|l| l.contains(face))
            .unwrap_or_else(|| panic!("{face} not in\n{fonts}"));
        // embedded as a subset (named with its six-letter tag), with a Unicode map so
        // text can be selected and searched
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cols[0].find('+'), Some(6), "{line}");
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            ["yes", "yes", "yes"],
            "{line}"
        );
    }
    assert!(
        !fonts.contains("Helvetica"),
        "a non-embedded font is used:\n{fonts}"
    );
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    for field in [
        "Title:           Workforce equality: quarterly update, Q2 2026/27",
        "Author:          Leeds Mental Wellbeing Service",
        "Subject:         Workforce equality: quarterly update",
        "Keywords:        health equity,workforce,Workforce Race Equality Standard",
        "CreationDate:    Thu Oct 15 00:00:00 2026 UTC",
        "Page size:       595.276 x 841.89 pts (A4)",
    ] {
        assert!(info.contains(field), "{field:?} not in\n{info}");
    }
}

#[test]
fn a_sixty_character_partner_name_wraps_and_is_never_cut() {
    let data = tempdir();
    let out = tempdir();
    write_fixture(data.path());
    let long = "Leeds and District Community Wellbeing Partnership Trust NEW";
    assert_eq!(long.len(), 60);
    let partners = format!(
        "[{{ code = \"LCH\", name = \"{long}\" }}, {{ code = \"CL\", name = \"Community Links\" }}]"
    );
    let r = run_quarterly(
        data.path(),
        out.path(),
        &["--no-send"],
        &[("EQUITY_REPORTS__PARTNERS", &partners)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = out.path().join("workforce-quarterly/2026-Q3/report.pdf");
    // Without layout, pdftotext gives the words of each table cell in order.
    let raw = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let raw = String::from_utf8_lossy(&raw.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        raw.contains(&format!("{long} (LCH)")),
        "the long name is not whole in the partner table"
    );
}

/// A document of one two-column table (partner name, staff count) drawn as a PDF in
/// `dir`, and its pages' text with the spaces made single.
fn table_pages(
    dir: &Path,
    name: &str,
    rows: Vec<Vec<String>>,
    bold_rows: Vec<usize>,
) -> Vec<String> {
    use equity_reports::pdf::model::{Align, Block, Document, Section, Table, col};
    let doc = Document {
        title: "Long table".into(),
        period_label: "Q2 2026/27".into(),
        organisation: "Leeds Mental Wellbeing Service".into(),
        produced: date("2026-10-15"),
        classification: "OFFICIAL".into(),
        cover_lines: vec![],
        keywords: vec![],
        sections: vec![Section {
            key: "t".into(),
            heading: "A long table".into(),
            new_page: false,
            blocks: vec![Block::Table(Table {
                columns: vec![
                    col("Partner name", 1.2, Align::Left),
                    col("Staff count", 1.0, Align::Right),
                ],
                rows,
                bold_rows,
                groups: vec![],
                note: None,
            })],
        }],
    };
    let pdf = dir.join(format!("{name}.pdf"));
    std::fs::write(&pdf, equity_reports::pdf::render::render_pdf(&doc).unwrap()).unwrap();
    let raw = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&raw.stdout)
        .split('\u{c}')
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn a_table_longer_than_a_page_repeats_its_header_and_never_splits_a_row() {
    let long = "Leeds and District Community Wellbeing Partnership Trust NEW";
    let rows: Vec<Vec<String>> = (1..=150)
        .map(|i| {
            let name = if i % 25 == 0 {
                format!("Row {i:03} {long}")
            } else {
                format!("Row {i:03}")
            };
            vec![name, format!("{},{:03}", i, i)]
        })
        .collect();
    let dir = tempdir();
    let pages = table_pages(dir.path(), "t", rows, vec![]);
    let with_rows: Vec<&String> = pages.iter().filter(|p| p.contains("Row ")).collect();
    assert!(with_rows.len() >= 3, "150 rows fill several pages");
    for p in &with_rows {
        assert!(
            p.contains("Partner name") && p.contains("Staff count"),
            "a page of the table lacks its header: {p}"
        );
    }
    for i in 1..=150 {
        let label = format!("Row {i:03}");
        let value = format!("{},{:03}", i, i);
        let holding: Vec<&&String> = with_rows.iter().filter(|p| p.contains(&label)).collect();
        assert_eq!(holding.len(), 1, "{label} on {} pages", holding.len());
        assert!(
            holding[0].contains(&value),
            "{label} and {value} split across pages"
        );
        if i % 25 == 0 {
            assert!(
                holding[0].contains(&format!("{label} {long}")),
                "{label}'s long name is not whole"
            );
        }
    }
}

/// A table that runs onto another page says so there, above its repeated header, and
/// its total row never stands alone at the top of a page: tried at every length that
/// puts the break at each of the last rows of a page.
#[test]
fn a_continued_table_says_so_and_keeps_its_total_with_a_row() {
    let dir = tempdir();
    let mut continued = 0;
    for n in 40..=70 {
        let mut rows: Vec<Vec<String>> = (1..n)
            .map(|i| vec![format!("Row {i:03}"), i.to_string()])
            .collect();
        rows.push(vec!["All partners".into(), "999".into()]);
        let bold = vec![rows.len() - 1];
        let pages = table_pages(dir.path(), &format!("t{n}"), rows, bold);
        let with_rows: Vec<&String> = pages.iter().filter(|p| p.contains("Row ")).collect();
        for p in with_rows.iter().skip(1) {
            assert!(
                p.contains("(continued) Partner name"),
                "{n} rows: a continued page without the word: {p}"
            );
            continued += 1;
        }
        let total = pages.iter().find(|p| p.contains("All partners")).unwrap();
        assert!(
            total.contains("Row "),
            "{n} rows: the total alone on its page"
        );
    }
    assert!(continued >= 31, "{continued}");
}

#[test]
fn a_report_where_every_count_is_small_shows_only_stars() {
    let data = tempdir();
    let out = tempdir();
    let rows: Vec<Staff> = crate::figures::fixture_staff()
        .into_iter()
        .filter(|s| ["s2", "s3", "s4"].contains(&s.id) && s.date == "2026-09-30")
        .collect();
    assert_eq!(rows.len(), 3);
    write_parquet(
        &data.path().join("staff_snapshot.parquet"),
        staff_columns(&rows),
    );
    let r = run_quarterly(data.path(), out.path(), &["--no-send"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = pdf_text(&out.path().join("workforce-quarterly/2026-Q3/report.pdf"));
    let headcount = text
        .lines()
        .find(|l| l.trim_start().starts_with("Staff in post (headcount)"))
        .unwrap();
    assert!(headcount.contains('*'), "{headcount}");
    // their whole-time equivalent (2.8) would give their number away too
    let fte = text
        .lines()
        .find(|l| l.trim_start().starts_with("Whole-time equivalent"))
        .unwrap();
    assert!(fte.contains('*') && !fte.contains("2.8"), "{fte}");
    // 1 of 3, 2 of 3: no share of so few people is shown anywhere
    for leak in ["33.3%", "66.7%", "(headcount)                 3"] {
        assert!(!text.contains(leak), "{leak} is in the PDF");
    }
    // the figures are still there for analysts
    let json = read_json(&out.path().join("workforce-quarterly/2026-Q3/metrics.json"));
    assert_eq!(metric(&json["metrics"], "wf.headcount", &[])["value"], 3.0);
}
