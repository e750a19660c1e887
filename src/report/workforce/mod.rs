//! The workforce reports: what `workforce-quarterly` and `workforce-annual` share, with
//! each report's own composition in its module. `figures` gathers a period's figures,
//! `sections` and `tables` compose the pages, `csv` writes the tables; this module
//! holds the builder they all work on.

pub mod annual;
mod csv;
mod figures;
mod messages;
pub mod quarterly;
mod sections;
mod series;
mod tables;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::config::Settings;
use crate::disclosure::plan::{self, Plan};
use crate::disclosure::record::Record;
use crate::metrics::{Metric, Metrics};
use crate::pdf::model::Bar;
use crate::period::Period;
use crate::report::compose::Composer;
use crate::report::{pct, source_of};
use crate::template::WorkforceWording;

use figures::{gather, snapshot_in, snapshot_metrics};

/// What the tables show beside the figures (the staff of each ethnic group of the
/// population benchmark), and what earlier runs at the same snapshot published.
pub struct Shown {
    pub mix: Vec<(String, u64)>,
    pub earlier: Vec<Record>,
}

/// The period a workforce count belongs to: its snapshot, so a quarter-end report and
/// the year's report at the same snapshot share their cells.
pub fn snapshot_key(snapshot: NaiveDate) -> String {
    format!("snapshot {snapshot}")
}

/// The run's one suppression decision: every staff count behind a figure, tied by the
/// sums a reader knows (partners, band clusters and WRES groups add up to the staff in
/// post), and the ethnic mix's groups to the staff of known ethnicity.
fn disclosure_plan(
    settings: &Settings,
    snapshot: NaiveDate,
    metrics: &Metrics,
    shown: &Shown,
) -> Plan {
    // the band return's table and the model employer are the partnership's: their
    // partners' cells are in metrics.json only, and would only hide what pages show
    let shown_metrics = Metrics(
        metrics
            .0
            .iter()
            .filter(|m| !(BAND_RETURN.contains(&m.id.as_str()) && m.by.contains_key("partner_org")))
            .cloned()
            .collect(),
    );
    let mut b = plan::Builder::new(&snapshot_key(snapshot))
        .metrics(&shown_metrics)
        .earlier(&shown.earlier, &[])
        // an average of two headcounts, rounded per partner: the partners' do not add up
        .partial(&["wf.turnover_pct:denominator"]);
    if !shown.mix.is_empty() {
        let known: u64 = shown.mix.iter().map(|m| m.1).sum();
        b.count("staff_known_ethnicity", &[], known);
    }
    for (group, n) in &shown.mix {
        b.count("staff_known_ethnicity", &[("ethnic_mix", group)], *n);
    }
    tie_bands(&mut b, &shown_metrics);
    board_others(&mut b, &shown_metrics);
    let groups: Vec<&str> = shown.mix.iter().map(|m| m.0.as_str()).collect();
    let bands: Vec<&str> = crate::contract::AFC_BANDS.iter().map(|b| b.0).collect();
    let plan = b
        .groups("band_cluster", crate::contract::BAND_CLUSTERS)
        .groups("afc_band", &bands)
        .groups("clinical", &["yes", "no"])
        .groups("wres_group", &["White", "BME", "Unknown"])
        .groups("disability", &["Y", "N", "Z"])
        .groups("board_role", &["executive", "non_executive", "other"])
        // BME and disabled staff are who the WRES and WDES are about: where suppression
        // has a choice, it hides another group's count rather than theirs
        .prefer_shown(|k| {
            k.by.iter()
                .any(|(d, v)| (d == "wres_group" && v == "BME") || (d == "disability" && v == "Y"))
        })
        .groups("partner_org", &[])
        .groups("ethnic_mix", &groups)
        .protect(settings.disclosure.min_count);
    for k in plan.exposed() {
        tracing::warn!(
            "{} {} {:?}: hidden here, but the report already published at this snapshot \
             gives it away",
            k.period,
            k.count,
            k.by
        );
    }
    plan
}

/// The board members in neither voting role (not voting, or no role given), as a
/// reader works them out: the board less its executive and non-executive members, all
/// of them, BME and disabled. Never shown, but a reader who subtracts has them, so the
/// plan holds them (one non-voting member's ethnicity is theirs alone).
fn board_others(b: &mut plan::Builder, metrics: &Metrics) {
    for (id, of) in [
        ("wres9.board_bme_pct", ("wres_group", "BME")),
        ("wdes10.board_disability_pct", ("disability", "Y")),
    ] {
        let at = |role: Option<&str>| {
            let by: Vec<(&str, &str)> = role.map(|r| ("board_role", r)).into_iter().collect();
            metrics.get(id, &by)
        };
        let Some(all) = at(None) else { continue };
        let (mut n, mut d) = (all.numerator.unwrap_or(0), all.denominator.unwrap_or(0));
        for role in ["executive", "non_executive"] {
            if let Some(m) = at(Some(role)) {
                n = n.saturating_sub(m.numerator.unwrap_or(0));
                d = d.saturating_sub(m.denominator.unwrap_or(0));
            }
        }
        let other = [("board", "yes"), ("board_role", "other")];
        b.count("staff", &[&other[..], &[of]].concat(), n);
        b.count("staff", &other, d);
    }
}

/// The figures of the national returns' band table, and the model employer's bands:
/// the partnership's only are shown.
const BAND_RETURN: [&str; 3] = ["wres1.band_count", "wdes1.band_share", "wf.model_employer"];

/// The sums a reader makes of the national return's band table (`wres1.band_count`,
/// `wdes1.band_share`), whose rows are bands of clinical or of non-clinical staff: a
/// band cluster's staff, all of them or of one WRES group, are its bands', clinical and
/// not; the staff in post, all or of one WRES group or disability code, are every
/// band's. Overall and for each partner the table is given for.
fn tie_bands(b: &mut plan::Builder, metrics: &Metrics) {
    let partners: std::collections::BTreeSet<Option<&str>> = metrics
        .0
        .iter()
        .filter(|m| m.id == BAND_RETURN[0])
        .map(|m| m.by.get("partner_org").map(String::as_str))
        .collect();
    // a band's rows: its clinical and its non-clinical staff
    let rows = |cluster: Option<&str>| -> Vec<[(&'static str, &'static str); 2]> {
        crate::contract::AFC_BANDS
            .iter()
            .filter(|(_, c, _)| cluster.is_none_or(|x| x == *c))
            .flat_map(|(band, _, _)| ["yes", "no"].map(|c| [("afc_band", *band), ("clinical", c)]))
            .collect()
    };
    let groups = [
        None,
        Some(("wres_group", "White")),
        Some(("wres_group", "BME")),
        Some(("wres_group", "Unknown")),
        Some(("disability", "Y")),
        Some(("disability", "N")),
        Some(("disability", "Z")),
    ];
    for partner in partners {
        let with = |pairs: &[(&'static str, &'static str)],
                    g: Option<(&'static str, &'static str)>| {
            let mut by: Vec<(&str, &str)> = pairs.to_vec();
            by.extend(g);
            by.extend(partner.map(|p| ("partner_org", p)));
            by
        };
        for g in groups {
            let parts: Vec<Vec<(&str, &str)>> = rows(None).iter().map(|r| with(r, g)).collect();
            b.tie("staff", &with(&[], g), &parts);
            if g.is_some_and(|(d, _)| d == "disability") {
                continue;
            }
            for cluster in crate::contract::BAND_CLUSTERS {
                let parts: Vec<Vec<(&str, &str)>> =
                    rows(Some(cluster)).iter().map(|r| with(r, g)).collect();
                b.tie("staff", &with(&[("band_cluster", cluster)], g), &parts);
            }
        }
    }
}

/// Datasets the workforce reports read (and whose data quality they show).
pub const DATASETS: &[&str] = &[
    "staff_snapshot",
    "leavers",
    "recruitment",
    "training",
    "disciplinary",
    "mentoring",
    "staff_survey",
];

/// The tables and charts a workforce section can show, by the names a template's `show`
/// list uses (the trend's charts are named by their metric ids).
pub fn shows(section: &str) -> Vec<String> {
    let names: Vec<&str> = match section {
        "summary" => vec!["headline_table"],
        "representation" => vec!["band_cluster_chart"],
        // a chart per share of the staff in post at each quarter end
        "trend" => {
            return crate::registry::FIGURES
                .iter()
                .filter(|f| {
                    f.source.query() == "workforce/snapshot.sql"
                        && f.kind == crate::registry::Kind::Proportion
                })
                .map(|f| f.id.to_string())
                .collect();
        }
        "wres1" => vec!["band_share_chart", "band_share_table"],
        "population" => vec!["population_table"],
        "indicators" => vec!["indicator_table"],
        "outside" => vec!["outside_table"],
        "band_return" => vec!["wres1_band_table", "wdes1_band_table"],
        "board" => vec!["board_table"],
        "pay_gaps" => vec!["pay_gap_table", "pay_quartile_table"],
        "model_employer" => vec!["model_employer_charts"],
        "survey" => vec!["wres_survey_table", "wdes_survey_table"],
        "training" => vec!["training_table"],
        "partners" => vec!["partner_table"],
        "partner_page" => vec!["figures_table"],
        "quality" => [
            crate::report::quality_page::SHOWS,
            &["ethnicity_unknown_table"],
        ]
        .concat(),
        _ => Vec::new(),
    };
    names.into_iter().map(String::from).collect()
}

/// The figures of one period at its snapshot, gathered the same way by both reports.
struct Gathered {
    snapshot: NaiveDate,
    metrics: Metrics,
    /// Each `spc.workforce_figures` figure quarter by quarter, read for change over time.
    series: Vec<crate::report::change::Series>,
    previous: Option<Previous>,
    not_supplied: Vec<String>,
}

/// The period before, for change figures: its snapshot figures only.
struct Previous {
    period: Period,
    snapshot: NaiveDate,
    metrics: Metrics,
}

use crate::template::Ph;
use crate::template::Vars;

/// What composes a workforce document: the shared composer (figures, settings,
/// disclosure, wording) and the workforce's own.
struct Builder<'a> {
    c: Composer<'a, WorkforceWording>,
    snapshot: NaiveDate,
    previous: Option<&'a Previous>,
    not_supplied: &'a [String],
    /// The summary's figures (the wording's `summary.figures`): (metric id, label).
    headlines: Vec<(String, String)>,
    /// The quarterly series read for change over time.
    series: &'a [crate::report::change::Series],
}

impl<'a> std::ops::Deref for Builder<'a> {
    type Target = Composer<'a, WorkforceWording>;
    fn deref(&self) -> &Self::Target {
        &self.c
    }
}

impl std::ops::DerefMut for Builder<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.c
    }
}

/// A workforce figure's bare value as its kind is shown (a chart's mean and limits).
fn plain_of(id: &str, x: f64) -> String {
    match crate::registry::figure(id).map(|f| f.kind) {
        Some(crate::registry::Kind::Proportion) => pct(x),
        Some(crate::registry::Kind::Count) => crate::disclosure::thousands(x.round() as u64),
        _ => format!("{x:.1}"),
    }
}

/// Proportions carry a denominator; value-only figures do not.
fn is_pct(m: &Metric) -> bool {
    m.denominator.is_some()
}

impl<'a> Builder<'a> {
    /// A figure as the PDF shows it, suppressed where disclosure control says.
    fn shown(&self, m: Option<&Metric>, with_ci: bool) -> String {
        let Some(m) = m else {
            return "not available".into();
        };
        if self.hidden(m) {
            return "*".into();
        }
        let m = &self.d().as_shown(m);
        match (m.numerator, m.denominator, m.value) {
            (Some(_), Some(_), None) => "none in group".into(),
            (Some(_), Some(_), Some(v)) => match (with_ci, m.ci_low, m.ci_high) {
                (true, Some(lo), Some(hi)) => format!("{} ({} to {})", pct(v), pct(lo), pct(hi)),
                _ => pct(v),
            },
            (_, _, Some(v)) if m.id == "wf.fte" => {
                // The whole-time equivalent of a handful of staff gives their number away.
                let by: Vec<(&str, &str)> =
                    m.by.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let staff = self.metrics.get("wf.headcount", &by).and_then(|h| h.value);
                if self.staff_hidden(&by)
                    || staff.is_some_and(|n| self.d().count_hidden(n.round() as u64))
                {
                    "*".into()
                } else {
                    format!("{v:.1}")
                }
            }
            (_, _, Some(v)) => {
                let n = v.round() as u64;
                self.d().show_count(n)
            }
            _ => "not available".into(),
        }
    }

    fn vars(&self) -> Vars {
        let m = self.metrics;
        let base = &self.settings.baseline;
        let target = |id: &str| self.settings.targets.get(id).map(|t| t.value);
        let mut v = BTreeMap::new();
        v.insert(
            Ph::SnapshotDate,
            self.snapshot.format("%-d %B %Y").to_string(),
        );
        v.insert(
            Ph::PeriodEnd,
            self.period.end.format("%-d %B %Y").to_string(),
        );
        v.insert(
            Ph::PeriodNoun,
            match self.period.kind {
                crate::period::PeriodKind::Quarter => "quarter",
                crate::period::PeriodKind::HalfYear => "half year",
                crate::period::PeriodKind::FinancialYear => "year",
            }
            .to_string(),
        );
        v.insert(Ph::PeriodLabel, self.period.short_label());
        v.insert(Ph::PreviousLabel, self.period.previous().short_label());
        v.insert(
            Ph::PreviousEnd,
            self.period.previous().end.format("%-d %B %Y").to_string(),
        );
        v.insert(Ph::Headcount, self.shown(m.get("wf.headcount", &[]), false));
        v.insert(Ph::Fte, self.shown(m.get("wf.fte", &[]), false));
        v.insert(Ph::BmePct, self.shown(m.get("wf.bme_pct", &[]), false));
        v.insert(
            Ph::BmeBand7Pct,
            self.shown(m.get("wf.bme_pct_band7plus", &[]), false),
        );
        v.insert(Ph::BaselineLabel, base.label.clone());
        let b = |k: &str| base.values.get(k).map_or("not set".into(), |x| pct(*x));
        v.insert(Ph::BaselineBmePct, b("wf.bme_pct"));
        v.insert(Ph::BaselineBmeBand7Pct, b("wf.bme_pct_band7plus"));
        v.insert(Ph::MinCount, self.d().min_count.to_string());
        v.insert(Ph::RoundTo, self.d().round_to.to_string());
        v.insert(
            Ph::CaseWindow,
            self.settings
                .workforce
                .disciplinary_window_months
                .to_string(),
        );
        v.insert(
            Ph::MinCountLessOne,
            self.d().min_count.saturating_sub(1).to_string(),
        );
        v.insert(
            Ph::InterpretersTarget,
            target("train.interpreters_clinical_pct").map_or("none set".into(), pct),
        );
        v.insert(
            Ph::CulturalTarget,
            target("train.cultural_competence_pct").map_or("none set".into(), pct),
        );
        v.insert(
            Ph::MentoringTarget,
            target("mentoring.bme_matched").map_or("none set".into(), |t| format!("{t:.0}")),
        );
        let lowest = self
            .bme_by_cluster()
            .into_iter()
            .filter(|(_, m)| m.value.is_some() && !self.hidden(m))
            .min_by(|a, b| a.1.value.partial_cmp(&b.1.value).unwrap())
            .map_or("no band cluster".to_string(), |(c, _)| c.to_string());
        v.insert(Ph::LowestCluster, lowest);
        v
    }

    /// Whether a figure is missing because its dataset was not supplied.
    fn is_unsupplied(&self, id: &str) -> bool {
        source_of(id).is_some_and(|ds| self.not_supplied.iter().any(|n| n == ds))
    }

    /// Whether the plan hides the staff count of this breakdown.
    fn staff_hidden(&self, by: &[(&str, &str)]) -> bool {
        self.plan.hides("staff", by)
    }

    fn bme_by_cluster(&self) -> Vec<(&'static str, &'a Metric)> {
        crate::contract::BAND_CLUSTERS
            .iter()
            .filter_map(|c| {
                self.metrics
                    .get(
                        "wres1.band_share",
                        &[("band_cluster", c), ("wres_group", "BME")],
                    )
                    .map(|m| (*c, m))
            })
            .collect()
    }
}

/// Numerator, denominator, value and interval of a figure as CSV cells.
fn figure_cells(m: &Metric) -> [String; 5] {
    let num = |x: Option<u64>| x.map_or(String::new(), |v| v.to_string());
    let val = |x: Option<f64>| x.map_or(String::new(), |v| crate::metrics::round4(v).to_string());
    [
        num(m.numerator),
        num(m.denominator),
        val(m.value),
        val(m.ci_low),
        val(m.ci_high),
    ]
}

/// How a likelihood's group code reads (disability `Y`, `N`, `Z`, else a WRES group):
/// its words in the shared wording of codes, else the code itself.
fn group_label(codes: &crate::template::wording::Codes, code: &str) -> String {
    let dim = if ["Y", "N", "Z"].contains(&code) {
        "disability"
    } else {
        "wres_group"
    };
    crate::template::wording::code_words(codes, dim, code).unwrap_or_else(|| code.to_string())
}

/// Axis end: the next multiple of 20 % at or above the largest interval end, so bars
/// are not squashed and the quarter ticks fall on round percentages.
fn chart_max(bars: &[Bar], reference: Option<&(f64, String)>) -> f64 {
    let top = bars
        .iter()
        .filter_map(|b| b.ci.map(|x| x.1).or(b.value))
        .chain(reference.map(|r| r.0))
        .fold(0.0f64, f64::max);
    ((top * 5.0).ceil() / 5.0).clamp(0.2, 1.0)
}
