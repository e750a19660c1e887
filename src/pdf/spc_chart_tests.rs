//! An SPC chart drawn from a reading: the same marks in the PDF and in both of the
//! HTML's drawings, and each point's reading in its data table.

use super::model::*;
use crate::registry::Better;
use crate::spc::{self, Variation};

/// Two years of months: 43 % and 49 % in turn, one month at 30 %, one hidden, then
/// eight at 51-52 %. Worked by hand over the 23 drawn points: mean 46.96 %, mean moving
/// range 4.59 points, lower limit 34.74 %, so the 30 % month is beyond it (concern); the
/// last nine (the 49 % month before the eight) are above the mean, a shift upwards
/// (improvement).
pub(crate) fn chart() -> LineChart {
    let values: Vec<Option<f64>> = (0..24)
        .map(|i| match i {
            5 => Some(0.30),
            9 => None, // hidden by disclosure control
            16.. => Some(if i % 2 == 0 { 0.51 } else { 0.52 }),
            _ => Some(if i % 2 == 0 { 0.43 } else { 0.49 }),
        })
        .collect();
    let drawn: Vec<f64> = values.iter().flatten().copied().collect();
    let reading = spc::read(&drawn, Better::Higher, Some(0.5), &spc::Settings::default());
    let words = SpcWords {
        reading: "Reading".into(),
        mean: "Mean".into(),
        limits: "Process limits".into(),
        common: "Common cause".into(),
        improvement: "Special cause: improvement".into(),
        concern: "Special cause: concern".into(),
        neither: "Special cause: neither".into(),
    };
    LineChart {
        title: "Recovery by month".into(),
        axis_label: "Recovery".into(),
        x_labels: (0..24).map(|i| format!("M{:02}", i + 1)).collect(),
        series: vec![Series {
            label: "Recovery".into(),
            ci: vec![None; 24],
            missing: (0..24).map(|i| if i == 9 { "*" } else { "-" }).collect(),
            points: values.clone(),
        }],
        references: vec![(0.5, "Target 50.0%".into())],
        percent: true,
        alt_text: "d".into(),
        spc: Some(Box::new(Spc::of(&values, &reading, Better::Higher, words))),
    }
}

#[test]
fn a_reading_marks_each_point_and_each_stretch() {
    let c = chart();
    let spc = c.spc.as_ref().unwrap();
    let count = |k: Variation| spc.kinds.iter().filter(|x| **x == k).count();
    // the low month a concern, the last nine an improvement (shift), one stretch
    assert_eq!(spc.kinds[5], Variation::Concern);
    assert!(spc.kinds[15..].iter().all(|k| *k == Variation::Improvement));
    assert_eq!(count(Variation::Concern), 1);
    assert_eq!(count(Variation::Improvement), 9);
    let l = spc.stretches[0].limits;
    assert!((l.mean - 0.469_565).abs() < 1e-6 && (l.lower - 0.347_447).abs() < 1e-6);
    assert_eq!(spc.stretches.len(), 1);
    assert_eq!((spc.stretches[0].from, spc.stretches[0].to), (0, 24));
    assert!(!spc.trial);
    // the data table: each point's reading, "-" where hidden, the mean and limits
    let t = super::geometry::line_data(&c);
    let headers: Vec<&str> = t.columns.iter().map(|c| c.header.as_str()).collect();
    assert_eq!(
        headers,
        ["Point", "Recovery", "Reading", "Mean", "Process limits"]
    );
    assert_eq!(t.rows[5][2], "Special cause: concern");
    assert_eq!(t.rows[9][1..3], ["*".to_string(), "-".to_string()]);
    assert_eq!(t.rows[23][2], "Special cause: improvement");
}

#[test]
fn the_html_draws_the_same_marks_in_both_drawings() {
    let c = chart();
    let doc = Document {
        title: "t".into(),
        period_label: "p".into(),
        organisation: "o".into(),
        produced: chrono::NaiveDate::from_ymd_opt(2026, 10, 15).unwrap(),
        classification: "OFFICIAL".into(),
        cover_lines: vec![],
        keywords: vec![],
        sections: vec![Section {
            key: "s".into(),
            heading: "S".into(),
            new_page: true,
            blocks: vec![Block::LineChart(c)],
        }],
    };
    let html = super::html::render_html(&doc);
    let svgs: Vec<&str> = html.split("<svg").skip(1).collect();
    assert_eq!(svgs.len(), 2);
    for svg in svgs {
        let svg = &svg[..svg.find("</svg>").unwrap()];
        // one stretch: its mean and two limits, and the key's samples of each
        assert_eq!(svg.matches("class=\"mean\"").count(), 2, "{svg}");
        assert_eq!(svg.matches("class=\"limit\"").count(), 3);
        // 10 improvement squares (9 points and the key), 2 concern diamonds
        assert_eq!(svg.matches("width=\"11\"").count(), 10);
        assert_eq!(svg.matches("Z\" fill=\"#e69e00\"").count(), 2);
        assert!(svg.contains(">Special cause: improvement</text>"));
    }
    // the PDF draws it too
    assert!(super::render::render_pdf(&doc).is_ok());
}
