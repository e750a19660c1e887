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
    for face in ["LiberationSans ", "LiberationSans-Bold "] {
        let line = fonts
            .lines()
            .find(|l| l.starts_with(face))
            .unwrap_or_else(|| panic!("{face} not in\n{fonts}"));
        // embedded, with a Unicode map so text can be selected and searched
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            ["yes", "no", "yes"],
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
        "Title:           Workforce equality: quarterly update - Q2 2026/27",
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
