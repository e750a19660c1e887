//! The service-user reports: what `access-biannual` and `equity-annual` share, with
//! each report's composition in its own module. `figures` gathers a period's `tt.*`
//! figures, `sections` and `tables` compose the pages, `csv` writes the tables; this
//! module holds the builder they all work on.

pub mod access;
mod csv;
pub mod equity;
mod ethnicity_gap;
mod figures;
mod funnel;
mod gaps;
mod gradient;
mod messages;
mod sections;
pub mod series;
mod standardised;
mod tables;

use std::cmp::Ordering;

use chrono::NaiveDate;
use std::collections::BTreeMap;

use crate::config::Settings;
use crate::data::quality::QualityReport;
use crate::data::session::DataSession;
use crate::disclosure::plan::{self, Plan};
use crate::disclosure::record::Record;
use crate::metrics::{Metric, Metrics};
use crate::period::Period;
use crate::registry;
use crate::report::compose::Composer;
use crate::report::{ReportError, pct};
use crate::template::ServiceWording;

use figures::{covers, ethnicity_unknown_by_partner, extra, gather, referral_sources};

/// Datasets the service-user reports read (and whose data quality they show).
pub const DATASETS: &[&str] = &["referrals", "appointments", "measures", "population"];

/// The service's figures of one period, with the period before for change.
pub struct Gathered {
    pub metrics: Metrics,
    /// Each `spc.service_figures` figure month by month, read for change over time.
    pub series: Vec<crate::report::change::Series>,
    /// The gaps quarter by quarter ("Are the gaps closing?").
    pub gaps: gaps::Gaps,
    pub previous: Option<(Period, Metrics)>,
    /// The first and last referral dates in the period.
    pub span: (NaiveDate, NaiveDate),
    /// Why the previous period is not compared, if it is not.
    pub previous_missing: Option<String>,
}

use crate::template::Ph;
use crate::template::Vars;

/// The clinical settings as the service queries name them: caseness, reliable change
/// and the wait limits.
fn clinical_params(c: &crate::config::Clinical) -> [(&'static str, crate::queries::Param); 6] {
    let int = |n: u32| crate::queries::Param::Int(i64::from(n));
    [
        ("caseness_phq9", int(c.caseness_phq9)),
        ("caseness_gad7", int(c.caseness_gad7)),
        ("reliable_change_phq9", int(c.reliable_change_phq9)),
        ("reliable_change_gad7", int(c.reliable_change_gad7)),
        ("wait_6wk_days", int(c.wait_6wk_days)),
        ("wait_18wk_days", int(c.wait_18wk_days)),
    ]
}

/// How a figure is shown in a table column.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// A count (value-only figure, or a proportion's numerator).
    Count,
    Pct,
    Rate,
    Ratio,
    Days,
    /// A difference in percentage points, signed.
    Points,
}

/// A column of a breakdown table: the figure, its heading and how it is shown.
struct Column {
    id: String,
    header: String,
    kind: Kind,
}

/// How a service figure of the registry is shown: a value is a number of days (the
/// median wait).
fn display_kind(id: &str) -> Kind {
    match registry::figure(id).map(|f| f.kind) {
        Some(registry::Kind::Proportion | registry::Kind::Published) => Kind::Pct,
        Some(registry::Kind::RatePer1000) => Kind::Rate,
        Some(registry::Kind::Ratio | registry::Kind::RelativeLikelihood) => Kind::Ratio,
        Some(registry::Kind::Value) => Kind::Days,
        // (a pay gap is a workforce figure; its percentage shown to a tenth, as points)
        Some(registry::Kind::Difference | registry::Kind::Slope | registry::Kind::PayGap) => {
            Kind::Points
        }
        Some(registry::Kind::RelativeIndex) => Kind::Ratio,
        Some(registry::Kind::Count) | None => Kind::Count,
    }
}

/// A service figure's bare value as its kind is shown (a chart's mean and limits).
fn plain_of(id: &str, x: f64) -> String {
    sections::plain(x, display_kind(id))
}

/// The breakdowns in report order (their headings are `breakdowns.<name>` in the
/// template).
pub(crate) const DIMENSIONS: &[&str] = ALL_DIMENSIONS.split_at(7).0;

/// The protected characteristics given on a page of their own (equity-annual's
/// "Sexual orientation and religion") rather than in every section.
pub(crate) const CHARACTERISTICS: &[&str] = ALL_DIMENSIONS.split_at(7).1;

/// Every breakdown a table is made for, each worded under `breakdowns.<name>`: those of
/// every section, then the characteristics.
pub(crate) const ALL_DIMENSIONS: &[&str] = &[
    "priority_group",
    "ethnic_group",
    "ethnic_category",
    "age_band",
    "sex",
    "disability",
    "imd_quintile",
    "sexual_orientation",
    "religion",
];

/// The name a `show` list gives the table of one breakdown: `ethnic_group_table`.
fn dimension_table(dim: &str) -> String {
    format!("{dim}_table")
}

/// The tables and charts a service-user section can show, by the names a template's
/// `show` list uses.
pub fn shows(section: &str) -> Vec<String> {
    let dims = || DIMENSIONS.iter().map(|d| dimension_table(d));
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect();
    match section {
        "summary" => names(&["headline_table"]),
        "access" => std::iter::once("representation_chart".to_string())
            .chain(dims())
            .chain(std::iter::once("standardised_table".to_string()))
            .collect(),
        "engagement" | "outcomes" | "waits" | "hidden_waits" => dims().collect(),
        "characteristics" => CHARACTERISTICS.iter().map(|d| dimension_table(d)).collect(),
        "priority" => names(&[
            "priority_table",
            "priority_standards_table",
            "ethnicity_gap_table",
        ]),
        "gaps" => names(&[
            "white_british_table",
            "priority_recovery_table",
            "priority_wait_table",
        ]),
        "deprivation" => names(&["access_chart", "recovery_chart"]),
        "funnels" => funnel::FIGURES
            .iter()
            .map(|id| funnel::chart_name(id))
            .chain(std::iter::once("funnel_table".to_string()))
            .collect(),
        "ethnic_sex" => names(&["ethnic_sex_table"]),
        "sources" => names(&["sources_table"]),
        "interpreter" => names(&["interpreter_table"]),
        "quality" => names(
            &[
                crate::report::quality_page::SHOWS,
                &["ethnicity_unknown_table"],
            ]
            .concat(),
        ),
        _ => Vec::new(),
    }
}

/// What composes a service-user document: the shared composer (figures, settings,
/// disclosure, wording) and the service's own.
struct Builder<'a> {
    c: Composer<'a, ServiceWording>,
    previous: Option<&'a (Period, Metrics)>,
    previous_missing: Option<&'a String>,
    span: (NaiveDate, NaiveDate),
    not_supplied: Vec<String>,
    /// The monthly series read for change over time.
    series: &'a [crate::report::change::Series],
    gaps: &'a gaps::Gaps,
}

impl<'a> std::ops::Deref for Builder<'a> {
    type Target = Composer<'a, ServiceWording>;
    fn deref(&self) -> &Self::Target {
        &self.c
    }
}

impl std::ops::DerefMut for Builder<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.c
    }
}

impl<'a> Builder<'a> {
    fn new(
        s: &DataSession,
        g: &'a Gathered,
        settings: &'a Settings,
        period: &'a Period,
        quality: &'a QualityReport,
        report: crate::catalog::ReportId,
        shown: &Shown,
    ) -> Result<Builder<'a>, ReportError> {
        Ok(Builder {
            c: Composer {
                plan: disclosure_plan(settings, period, &g.metrics, shown),
                settings,
                period,
                metrics: &g.metrics,
                quality,
                disclosure: settings.disclosure.clone(),
                template: crate::report::template::<ServiceWording>(report)?,
            },
            previous: g.previous.as_ref(),
            previous_missing: g.previous_missing.as_ref(),
            span: g.span,
            series: &g.series,
            gaps: &g.gaps,
            not_supplied: DATASETS
                .iter()
                .filter(|d| !s.is_supplied(d))
                .map(|d| d.to_string())
                .collect(),
        })
    }

    /// A figure as the PDF shows it, suppressed where disclosure control says.
    fn shown(&self, m: Option<&Metric>, kind: Kind, with_ci: bool) -> String {
        let Some(m) = m else {
            return "-".into();
        };
        if self.hidden(m) {
            return "*".into();
        }
        let m = &self.d().as_shown(m);
        let ci = |f: &dyn Fn(f64) -> String| match (with_ci, m.ci_low, m.ci_high) {
            (true, Some(lo), Some(hi)) => format!(" ({} to {})", f(lo), f(hi)),
            _ => String::new(),
        };
        match (kind, m.value) {
            (Kind::Count, Some(v)) => self.d().show_count(v.round() as u64),
            (Kind::Count, None) => "-".into(),
            (_, None) => "-".into(),
            (Kind::Pct, Some(v)) => format!("{}{}", pct(v), ci(&|x| pct(x))),
            (Kind::Rate, Some(v)) => format!("{v:.1}{}", ci(&|x| format!("{x:.1}"))),
            (Kind::Ratio, Some(v)) => format!("{v:.2}{}", ci(&|x| format!("{x:.2}"))),
            (Kind::Days, Some(v)) => format!("{v:.0}"),
            (Kind::Points, Some(v)) => {
                let p = |x: f64| crate::report::change(x);
                format!("{}{}", p(v), ci(&p))
            }
        }
    }

    /// Whether a group's interval lies wholly above or below the service's value.
    fn compared(&self, m: &Metric, overall: Option<f64>) -> Option<Ordering> {
        let shown = self.d().as_shown(m);
        // (judged on four decimals, as metrics.json gives the figures)
        let (lo, hi) = crate::metrics::interval4(&shown)?;
        let o = crate::metrics::round4(overall?);
        if self.hidden(m) {
            None
        } else if hi < o {
            Some(Ordering::Less)
        } else if lo > o {
            Some(Ordering::Greater)
        } else {
            Some(Ordering::Equal)
        }
    }

    /// The reading of a group against the service, in words.
    fn reading(&self, m: Option<&Metric>, overall: Option<f64>) -> Result<String, ReportError> {
        let t = &self.template;
        let v = Vars::new();
        Ok(match m.and_then(|m| self.compared(m, overall)) {
            Some(Ordering::Less) => t.words.lower.fill(&v)?,
            Some(Ordering::Greater) => t.words.higher.fill(&v)?,
            Some(Ordering::Equal) => t.words.similar.fill(&v)?,
            None => String::new(),
        })
    }

    /// The values a dimension is reported for, in order: the expected ones, then any
    /// other the data holds (such as an age under 17).
    fn values(&self, dim: &str) -> Vec<String> {
        let mut v: Vec<String> =
            crate::contract::breakdown_values(&self.settings.priority_groups.names())
                .into_iter()
                .filter(|(d, _)| *d == dim)
                .map(|(_, v)| v)
                .collect();
        for m in &self.metrics.0 {
            if m.id == "tt.referrals"
                && m.by.len() == 1
                && let Some(x) = m.by.get(dim)
                && !v.contains(x)
            {
                v.push(x.clone());
            }
        }
        v
    }

    fn vars(&self) -> Vars {
        let m = self.metrics;
        let mut v = Vars::new();
        v.insert(Ph::PeriodLabel, self.period.short_label());
        v.insert(
            Ph::PeriodStart,
            self.period.start.format("%-d %B %Y").to_string(),
        );
        v.insert(
            Ph::PeriodEnd,
            self.period.end.format("%-d %B %Y").to_string(),
        );
        v.insert(Ph::PreviousLabel, self.period.previous().short_label());
        v.insert(
            Ph::FirstReferral,
            self.span.0.format("%-d %B %Y").to_string(),
        );
        v.insert(
            Ph::LastReferral,
            self.span.1.format("%-d %B %Y").to_string(),
        );
        v.insert(
            Ph::Referrals,
            self.shown(m.get("tt.referrals", &[]), Kind::Count, false),
        );
        v.insert(
            Ph::AccessRate,
            self.shown(m.get("tt.access_rate_per_1000", &[]), Kind::Rate, true),
        );
        v.insert(
            Ph::Recovery,
            self.shown(m.get("tt.recovery_pct", &[]), Kind::Pct, true),
        );
        v.insert(Ph::MinCount, self.d().min_count.to_string());
        v.insert(Ph::RoundTo, self.d().round_to.to_string());
        v.insert(
            Ph::MinCountLessOne,
            self.d().min_count.saturating_sub(1).to_string(),
        );
        v.insert(
            Ph::OlderAge,
            self.settings.priority_groups.older_age.to_string(),
        );
        v
    }
}

/// The counts the service tables show beside the figures (referrals by ethnic group and
/// source, and by partner with how many have ethnicity unknown), and what earlier runs
/// over overlapping periods published.
pub struct Shown {
    pub sources: Vec<(String, String, u64)>,
    pub unknown: Vec<(String, u64, u64)>,
    pub earlier: Vec<Record>,
}

/// The counts that add up over time (two half-years to their year): every count of
/// events in the period, that is every registry count but referrals treated by the
/// period's end.
fn over_time() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = registry::FIGURES
        .iter()
        .flat_map(|f| match f.source {
            registry::Source::Columns {
                numerator,
                denominator,
                ..
            } if f.kind != registry::Kind::Value => vec![Some(numerator), denominator],
            _ => Vec::new(),
        })
        .flatten()
        .filter(|c| *c != "taken_up")
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The run's one suppression decision: every count behind a figure or a table, tied by
/// the sums a reader knows (each breakdown adds up to the service, ethnic categories
/// to their group, a priority group that is one category or sex or set of age bands
/// equals it, referral sources and partners add up to the service).
fn disclosure_plan(settings: &Settings, period: &Period, metrics: &Metrics, shown: &Shown) -> Plan {
    let mut b = plan::Builder::new(&period.to_string())
        .metrics(metrics)
        .earlier(&shown.earlier, &over_time())
        // given only for groups with a registered population
        .partial(&[
            "tt.access_rate_per_1000:numerator",
            "tt.representation_ratio:numerator",
        ]);
    let mut per_source: BTreeMap<&str, u64> = BTreeMap::new();
    for (g, src, n) in &shown.sources {
        b.count(
            "referrals",
            &[("ethnic_group", g), ("referral_source", src)],
            *n,
        );
        *per_source.entry(src).or_default() += n;
    }
    for (src, n) in per_source {
        b.count("referrals", &[("referral_source", src)], n);
    }
    // ethnicity unknown by partner: a partner's column of one category, tied to the
    // service's count of that category
    for (partner, unknown, total) in &shown.unknown {
        b.count("referrals", &[("partner_org", partner)], *total);
        b.count(
            "referrals",
            &[("partner_org", partner), ("ethnicity", "unknown")],
            *unknown,
        );
    }
    let unknown: u64 = shown.unknown.iter().map(|u| u.1).sum();
    b.count("referrals", &[("ethnicity", "unknown")], unknown);
    b = b.equal(("ethnicity", "unknown"), &[("ethnic_category", "Unknown")]);
    // every group of every breakdown, as the tables show them (0 where none)
    let mut dims: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (d, v) in crate::contract::breakdown_values(&settings.priority_groups.names()) {
        dims.entry(d).or_default().push(v);
    }
    dims.insert(
        "referral_source",
        tables::SOURCES.iter().map(|s| s.0.to_string()).collect(),
    );
    dims.remove("priority_group");
    dims.insert("partner_org", Vec::new());
    // religions as the period's data gives them (the rare ones folded into Other)
    dims.insert("religion", Vec::new());
    // the sides of the ethnicity recovery gap, and ethnicity not known
    dims.insert(
        "white_british",
        figures::GAP_SIDES.iter().map(|s| s.to_string()).collect(),
    );
    for (d, values) in &dims {
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        b = b.complete(d, &values);
    }
    for g in crate::contract::ETHNIC_GROUPS {
        let codes: Vec<(&str, &str)> = crate::contract::ETHNIC_CODES
            .iter()
            .filter(|c| c.group == *g)
            .map(|c| ("ethnic_category", c.code))
            .chain((*g == "Unknown").then_some(("ethnic_category", "Unknown")))
            .collect();
        b = b.equal(("ethnic_group", g), &codes);
    }
    // White British is category A; the other known codes are B to S
    let others: Vec<(&str, &str)> = crate::contract::ETHNIC_CODES
        .iter()
        .filter(|c| c.code != "A" && c.group != "Unknown")
        .map(|c| ("ethnic_category", c.code))
        .collect();
    b = b
        .equal(("white_british", "A"), &[("ethnic_category", "A")])
        .equal(("white_british", "B-S"), &others)
        .equal(
            ("white_british", "Unknown"),
            &[("ethnic_category", "Unknown")],
        );
    // a quintile is two deciles
    for q in 1..=5 {
        let (q, d1, d2) = (q.to_string(), (2 * q - 1).to_string(), (2 * q).to_string());
        b = b.equal(
            ("imd_quintile", &q),
            &[("imd_decile", &d1), ("imd_decile", &d2)],
        );
    }
    b = b.equal(("imd_quintile", "Unknown"), &[("imd_decile", "Unknown")]);
    let pg = &settings.priority_groups;
    for c in &pg.ethnic_codes {
        b = b.equal(("priority_group", &c.name), &[("ethnic_category", &c.code)]);
    }
    b = b.equal(("priority_group", "Men"), &[("sex", "1")]);
    let older = format!("Aged {}+", pg.older_age);
    let bands: Vec<&str> = crate::contract::AGE_BANDS
        .iter()
        .copied()
        .skip_while(|band| band_from(band) != Some(pg.older_age))
        .collect();
    if !bands.is_empty() {
        let parts: Vec<(&str, &str)> = bands.iter().map(|b| ("age_band", *b)).collect();
        b = b.equal(("priority_group", &older), &parts);
    }
    let plan = b.protect(settings.disclosure.min_count);
    for k in plan.exposed() {
        tracing::warn!(
            "{} {} {:?}: hidden here, but the reports already published for overlapping \
             periods give it away",
            k.period,
            k.count,
            k.by
        );
    }
    plan
}

/// Whether an interval shown to one decimal (points, or per 1,000) lies wholly on one
/// side of 0: a gap or gradient beyond chance, judged as the reader sees it.
fn clear_of_zero(low: f64, high: f64) -> bool {
    (low * 10.0).round() > 0.0 || (high * 10.0).round() < 0.0
}

/// The first age of a band ("65-74" and "75+" give 65 and 75).
fn band_from(band: &str) -> Option<u32> {
    band.split(['-', '+']).next()?.parse().ok()
}

/// How a group value reads in a table: its words in the shared wording of codes, an
/// ethnic category as its code and the contract's meaning, else the value itself.
fn group_label(codes: &crate::template::wording::Codes, dim: &str, value: &str) -> String {
    if let Some(words) = crate::template::wording::code_words(codes, dim, value) {
        return words;
    }
    match (dim, value) {
        ("ethnic_category", code) => crate::contract::ETHNIC_CODES
            .iter()
            .find(|c| c.code == code)
            .map_or(code.to_string(), |c| format!("{code}: {}", c.meaning)),
        (_, x) => x.to_string(),
    }
}
