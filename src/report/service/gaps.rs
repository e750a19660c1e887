//! "Are the gaps closing?": quarter by quarter over the `spc.months` to the period's end
//! (whole quarters from `spc.settle_months` after the extracts' first referral), the recovery and reliable
//! recovery of White British people against every other known ethnic group, and each
//! priority group's recovery and 6-week wait against the rest of the service, each gap
//! with its Newcombe interval, from one query (queries/service/quarterly_gaps.sql). A
//! cell whose counts on either side the PDF would hide is hidden; the counts themselves
//! are never shown, and every share is of unrounded counts, as in every copy.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::series::month_start;
use super::{Builder, Vars, group_label};
use crate::config::Settings;
use crate::data::query::{QueryError, collect, i64_column, string_column};
use crate::data::session::DataSession;
use crate::pdf::model::{Align, Block, Section, Table, col, item};
use crate::period::{Period, PeriodKind};
use crate::queries::{self, Param};
use crate::report::compose::{section, table};
use crate::report::{ReportError, pct};
use crate::template::Ph;

/// One side's counts in a quarter.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Counts {
    pub finished: u64,
    pub at_caseness: u64,
    pub recovered: u64,
    pub reliably_recovered: u64,
    pub wait_6wk: u64,
}

impl Counts {
    fn less(self, o: Counts) -> Counts {
        Counts {
            finished: self.finished.saturating_sub(o.finished),
            at_caseness: self.at_caseness.saturating_sub(o.at_caseness),
            recovered: self.recovered.saturating_sub(o.recovered),
            reliably_recovered: self.reliably_recovered.saturating_sub(o.reliably_recovered),
            wait_6wk: self.wait_6wk.saturating_sub(o.wait_6wk),
        }
    }
}

/// A figure a gap is of: its name in metrics.json and its (numerator, denominator).
#[derive(Debug, Clone, Copy)]
pub enum Figure {
    Recovery,
    ReliableRecovery,
    Wait6wk,
}

impl Figure {
    fn name(self) -> &'static str {
        match self {
            Figure::Recovery => "recovery",
            Figure::ReliableRecovery => "reliable_recovery",
            Figure::Wait6wk => "wait_6wk",
        }
    }

    fn of(self, c: Counts) -> (u64, u64) {
        match self {
            Figure::Recovery => (c.recovered, c.at_caseness),
            Figure::ReliableRecovery => (c.reliably_recovered, c.at_caseness),
            Figure::Wait6wk => (c.wait_6wk, c.finished),
        }
    }
}

/// One gap: the first side's share less the second's, with its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gap {
    pub first: Option<f64>,
    pub second: Option<f64>,
    /// (difference, (lower, upper)); None when a side has no one.
    pub gap: Option<(f64, (f64, f64))>,
    /// Whether the PDF hides it: a side's counts are small.
    pub hidden: bool,
}

/// The quarters and every side's counts in them.
#[derive(Debug, Clone, Default)]
pub struct Gaps {
    /// YYYY-Qn, in order, and as a document names them.
    pub quarters: Vec<String>,
    pub labels: Vec<String>,
    /// The priority groups, in the settings' order.
    pub groups: Vec<String>,
    counts: BTreeMap<(String, String, String), Counts>,
}

impl Gaps {
    fn side(&self, quarter: &str, kind: &str, group: &str) -> Counts {
        self.counts
            .get(&(quarter.into(), kind.into(), group.into()))
            .copied()
            .unwrap_or_default()
    }

    /// The gap of `figure` in a quarter between two sides, hidden by `d`'s rules.
    fn gap(&self, figure: Figure, a: Counts, b: Counts, d: &crate::config::Disclosure) -> Gap {
        let (an, ad) = figure.of(a);
        let (bn, bd) = figure.of(b);
        let share = |n: u64, d: u64| (d > 0).then(|| n as f64 / d as f64);
        Gap {
            first: share(an, ad),
            second: share(bn, bd),
            gap: crate::stats::newcombe(an, ad, bn, bd),
            hidden: d.proportion_hidden(an, ad) || d.proportion_hidden(bn, bd),
        }
    }

    /// White British against every other known code.
    pub fn white_british(&self, q: &str, figure: Figure, d: &crate::config::Disclosure) -> Gap {
        let a = self.side(q, "white_british", "A");
        let b = self.side(q, "white_british", "B-S");
        self.gap(figure, a, b, d)
    }

    /// A priority group against the rest of the service.
    pub fn priority(
        &self,
        q: &str,
        group: &str,
        figure: Figure,
        d: &crate::config::Disclosure,
    ) -> Gap {
        let g = self.side(q, "priority_group", group);
        let rest = self.side(q, "service", "").less(g);
        self.gap(figure, g, rest, d)
    }
}

/// The quarters of the series: whole quarters from the later of the `spc.months`
/// before the period's end and `spc.settle_months` after the extracts' first referral
/// (the figures are of those finishing treatment), to the period's last.
fn quarters(settings: &Settings, period: &Period, first_referral: NaiveDate) -> Vec<Period> {
    let settled = month_start(first_referral, 0) + chrono::Months::new(settings.spc.settle_months);
    let start = month_start(period.end, settings.spc.months - 1).max(settled);
    let mut q = Period::containing(PeriodKind::Quarter, period.end);
    let mut out = vec![];
    while q.start >= start {
        out.push(q.clone());
        q = q.previous();
    }
    out.reverse();
    out
}

/// The counts of every quarter, from one query.
pub(super) async fn quarterly(
    s: &DataSession,
    settings: &Settings,
    period: &Period,
    first_referral: NaiveDate,
) -> Result<Gaps, QueryError> {
    let list = quarters(settings, period, first_referral);
    let Some(first) = list.first() else {
        return Ok(Gaps::default());
    };
    let (name, sql) = queries::SERVICE_QUARTERLY_GAPS;
    let mut params = vec![
        ("series_start", Param::Date(first.start)),
        ("period_end", Param::Date(period.end)),
    ];
    params.extend(super::clinical_params(&settings.clinical));
    let sql = queries::fill(name, sql, &params)?;
    let mut counts = BTreeMap::new();
    for b in collect(&s.ctx, name, &sql).await? {
        let quarter = string_column(&b, "quarter", name)?;
        let kind = string_column(&b, "kind", name)?;
        let grp = string_column(&b, "grp", name)?;
        let col = |c: &str| i64_column(&b, c, name);
        let (f, a, r, rr, w) = (
            col("finished")?,
            col("at_caseness")?,
            col("recovered")?,
            col("reliably_recovered")?,
            col("wait_6wk")?,
        );
        let n = |v: &[Option<i64>], i: usize| v[i].unwrap_or(0).max(0) as u64;
        for i in 0..b.num_rows() {
            let key = (
                quarter[i].clone().unwrap_or_default(),
                kind[i].clone().unwrap_or_default(),
                grp[i].clone().unwrap_or_default(),
            );
            counts.insert(
                key,
                Counts {
                    finished: n(&f, i),
                    at_caseness: n(&a, i),
                    recovered: n(&r, i),
                    reliably_recovered: n(&rr, i),
                    wait_6wk: n(&w, i),
                },
            );
        }
    }
    Ok(Gaps {
        quarters: list.iter().map(|q| q.id.clone()).collect(),
        labels: list.iter().map(Period::short_label).collect(),
        groups: settings.priority_groups.names(),
        counts,
    })
}

/// The gaps as metrics.json gives them: every quarter's counts on each side, and each
/// gap exactly with its interval and whether the PDF hides it.
pub(super) fn to_json(g: &Gaps, d: &crate::config::Disclosure) -> Value {
    let four = crate::metrics::round4;
    let one = |quarter: &str, figure: Figure, comparison: &str, x: Gap| {
        json!({
            "quarter": quarter,
            "figure": figure.name(),
            "comparison": comparison,
            "first": x.first.map(four),
            "second": x.second.map(four),
            "gap": x.gap.map(|g| four(g.0)),
            "ci_low": x.gap.map(|g| four(g.1.0)),
            "ci_high": x.gap.map(|g| four(g.1.1)),
            "suppressed": x.hidden,
        })
    };
    let mut gaps = vec![];
    for q in &g.quarters {
        for f in [Figure::Recovery, Figure::ReliableRecovery] {
            gaps.push(one(
                q,
                f,
                "White British against other known",
                g.white_british(q, f, d),
            ));
        }
        for group in &g.groups {
            for f in [Figure::Recovery, Figure::Wait6wk] {
                gaps.push(one(
                    q,
                    f,
                    &format!("{group} against the rest"),
                    g.priority(q, group, f, d),
                ));
            }
        }
    }
    let counts: Vec<Value> = g
        .counts
        .iter()
        .map(|((q, kind, group), c)| {
            json!({
                "quarter": q, "kind": kind, "group": group,
                "finished": c.finished, "at_caseness": c.at_caseness, "recovered": c.recovered,
                "reliably_recovered": c.reliably_recovered, "wait_6wk": c.wait_6wk,
            })
        })
        .collect();
    json!({"quarters": g.quarters, "counts": counts, "gaps": gaps})
}

/// A gap in a cell: "+5.2 (1.0 to 9.4)" points, `*` hidden, `-` no figure.
fn cell(x: Gap, with_ci: bool) -> String {
    let points = |v: f64| crate::report::change(v * 100.0);
    match x.gap {
        _ if x.hidden => "*".into(),
        None => "-".into(),
        Some((v, (lo, hi))) if with_ci => {
            format!("{} ({} to {})", points(v), points(lo), points(hi))
        }
        Some((v, _)) => points(v),
    }
}

impl Builder<'_> {
    /// The section, or none where no quarter is whole in the extracts.
    pub(super) fn gaps_section(&self, v: &Vars) -> Result<Option<Section>, ReportError> {
        let g = self.gaps;
        if g.quarters.is_empty() {
            return Ok(None);
        }
        let t = &self.template;
        let w = &t.gaps;
        let d = self.d();
        let mut vv = v.clone();
        vv.insert(Ph::First, g.labels[0].clone());
        vv.insert(Ph::Last, g.labels.last().expect("a quarter").clone());
        vv.insert(Ph::Count, self.settings.spc.min_points.to_string());
        vv.insert(Ph::Value, g.quarters.len().to_string());
        let share = |x: Option<f64>, hidden: bool| match x {
            _ if hidden => "*".to_string(),
            Some(x) => pct(x),
            None => "-".into(),
        };
        // White British against the rest, a row a quarter
        let rows: Vec<Vec<String>> = g
            .quarters
            .iter()
            .zip(&g.labels)
            .map(|(q, label)| {
                let r = g.white_british(q, Figure::Recovery, d);
                let rr = g.white_british(q, Figure::ReliableRecovery, d);
                vec![
                    label.clone(),
                    share(r.first, r.hidden),
                    share(r.second, r.hidden),
                    cell(r, true),
                    cell(rr, true),
                ]
            })
            .collect();
        let white_british = Table {
            note: Some(w.white_british_note.fill(&vv)?),
            ..table(
                vec![
                    col("Quarter", 1.2, Align::Left),
                    col(&w.recovery_first.fill(&vv)?, 1.3, Align::Right),
                    col(&w.recovery_second.fill(&vv)?, 1.3, Align::Right),
                    col(&w.recovery_gap.fill(&vv)?, 2.0, Align::Right),
                    col(&w.reliable_recovery_gap.fill(&vv)?, 2.0, Align::Right),
                ],
                rows,
            )
        };
        // each priority group against the rest, a row a group, a column a quarter
        let by_group = |figure: Figure| -> Table {
            let mut columns = vec![col("Priority group", 1.6, Align::Left)];
            columns.extend(g.labels.iter().map(|l| col(l, 1.0, Align::Right)));
            let rows = g
                .groups
                .iter()
                .map(|group| {
                    let mut row = vec![group_label(&t.codes, "priority_group", group)];
                    row.extend(
                        g.quarters
                            .iter()
                            .map(|q| cell(g.priority(q, group, figure, d), false)),
                    );
                    row
                })
                .collect();
            table(columns, rows)
        };
        let mut recovery = by_group(Figure::Recovery);
        recovery.note = Some(w.priority_note.fill(&vv)?);
        let mut wait = by_group(Figure::Wait6wk);
        wait.note = Some(w.priority_note.fill(&vv)?);
        let blocks = vec![
            Block::Paragraph(w.intro.fill(&vv)?),
            Block::Paragraph(w.reading.fill(&vv)?),
            item(
                "white_british_table",
                vec![
                    Block::Subheading(w.white_british_heading.fill(&vv)?),
                    Block::Table(white_british),
                ],
            ),
            item(
                "priority_recovery_table",
                vec![
                    Block::Subheading(w.priority_recovery_heading.fill(&vv)?),
                    Block::Table(recovery),
                ],
            ),
            item(
                "priority_wait_table",
                vec![
                    Block::Subheading(w.priority_wait_heading.fill(&vv)?),
                    Block::Table(wait),
                ],
            ),
        ];
        Ok(Some(section(t, "gaps", v, true, blocks)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand, 5 of 10 against 2 of 10: a gap of +30.0 points; the rest of the service
    /// is the service less the group.
    #[test]
    fn a_group_is_set_against_the_service_less_itself() {
        let mut counts = BTreeMap::new();
        let c = |finished, recovered| Counts {
            finished,
            at_caseness: finished,
            recovered,
            reliably_recovered: 0,
            wait_6wk: finished,
        };
        counts.insert(("2025-Q2".into(), "service".into(), "".into()), c(20, 7));
        counts.insert(
            ("2025-Q2".into(), "priority_group".into(), "Men".into()),
            c(10, 5),
        );
        let g = Gaps {
            quarters: vec!["2025-Q2".into()],
            labels: vec!["Q1 2025/26".into()],
            groups: vec!["Men".into()],
            counts,
        };
        let disclosure = |min_count| crate::config::Disclosure {
            min_count,
            round_to: 0,
            round_to_by_list: Default::default(),
        };
        let d = disclosure(1);
        let x = g.priority("2025-Q2", "Men", Figure::Recovery, &d);
        assert_eq!((x.first, x.second), (Some(0.5), Some(0.2)));
        assert!((x.gap.unwrap().0 - 0.3).abs() < 1e-12);
        assert!(!x.hidden);
        assert_eq!(cell(x, false), "+30.0");
        // 2 recovered of the rest is a small count: hidden
        let d5 = disclosure(5);
        assert!(g.priority("2025-Q2", "Men", Figure::Recovery, &d5).hidden);
        // no one of the group in another quarter: no figure
        assert_eq!(g.priority("2025-Q3", "Men", Figure::Recovery, &d).gap, None);
    }
}
