//! The service-user reports: what `access-biannual` and `equity-annual` share
//! (computing every `tt.*` figure of a period), with each report's composition in its
//! module.

pub mod access;
pub mod equity;

use std::cmp::Ordering;

use chrono::NaiveDate;
use std::collections::BTreeMap;

use crate::config::Clinical;
use crate::config::{Disclosure, Settings};
use crate::data::quality::QualityReport;
use crate::data::query::{QueryError, collect, i64_column, string_column};
use crate::data::session::DataSession;
use crate::disclosure::Cell;
use crate::metrics::{GroupRate, Metric, Metrics, parse_by_key, run_columns_query};
use crate::pdf::model::{Align, Bar, BarChart, Block, Document, Section, Table, col, item};
use crate::period::Period;
use crate::queries::{self, Param};
use crate::registry;
use crate::report::compose::{self, section, table, table_with_total};
use crate::report::{CsvTable, ReportError, pct, pp};
use crate::template::Template;

/// Datasets the service-user reports read (and whose data quality they show).
pub const DATASETS: &[&str] = &["referrals", "appointments", "measures", "population"];

/// Every `tt.*` figure of a period, overall and by every breakdown (the ethnic group by
/// sex cross included).
pub async fn service_metrics(
    s: &DataSession,
    clinical: &Clinical,
    period: &Period,
) -> Result<Metrics, QueryError> {
    let int = |n: u32| Param::Int(i64::from(n));
    let params = |name: &str, sql: &str| {
        queries::fill(
            name,
            sql,
            &[
                ("period_start", Param::Date(period.start)),
                ("period_end", Param::Date(period.end)),
                ("caseness_phq9", int(clinical.caseness_phq9)),
                ("caseness_gad7", int(clinical.caseness_gad7)),
                ("reliable_change_phq9", int(clinical.reliable_change_phq9)),
                ("reliable_change_gad7", int(clinical.reliable_change_gad7)),
                ("wait_6wk_days", int(clinical.wait_6wk_days)),
                ("wait_18wk_days", int(clinical.wait_18wk_days)),
            ],
        )
    };
    let name = "service/referral_metrics.sql";
    let mut m = run_columns_query(&s.ctx, name, &params(name, queries::SERVICE_METRICS)?).await?;
    let name = "service/access.sql";
    m.0.extend(access_metrics(s, name, &params(name, queries::SERVICE_ACCESS)?).await?);
    m.sort();
    Ok(m)
}

/// Access rate per 1,000 and representation ratio from one row per group of referrals
/// aged 17+ and registered population.
async fn access_metrics(s: &DataSession, name: &str, sql: &str) -> Result<Vec<Metric>, QueryError> {
    let mut out = Vec::new();
    for b in collect(&s.ctx, name, sql).await? {
        let by_key = string_column(&b, 1, name)?;
        let nums = [i64_column(&b, 3, name)?, i64_column(&b, 6, name)?];
        let dens = [i64_column(&b, 4, name)?, i64_column(&b, 7, name)?];
        let count = |v: Option<i64>| v.unwrap_or(0).max(0) as u64;
        for i in 0..b.num_rows() {
            let by = parse_by_key(by_key[i].as_deref().unwrap_or(""));
            let referrals = GroupRate {
                group: "referrals".into(),
                numerator: count(nums[0][i]),
                denominator: count(dens[0][i]),
            };
            let registered = GroupRate {
                group: "registered".into(),
                numerator: count(nums[1][i]),
                denominator: count(dens[1][i]),
            };
            out.push(Metric::rate_per_1000(
                "tt.access_rate_per_1000",
                by.clone(),
                referrals.numerator,
                registered.numerator,
            ));
            out.push(Metric::likelihood(
                "tt.representation_ratio",
                by,
                referrals,
                registered,
            ));
        }
    }
    Ok(out)
}

/// The service's figures of one period, with the period before for change.
pub struct Gathered {
    pub metrics: Metrics,
    pub previous: Option<(Period, Metrics)>,
    /// The first and last referral dates in the period.
    pub span: (NaiveDate, NaiveDate),
    /// Why the previous period is not compared, if it is not.
    pub previous_missing: Option<String>,
}

/// The first and last referral dates inside a period, if it has any.
async fn referral_span(
    s: &DataSession,
    period: &Period,
) -> Result<Option<(NaiveDate, NaiveDate)>, QueryError> {
    let name = "service/referral_span";
    let sql = format!(
        "SELECT CAST(min(referral_date) AS VARCHAR), CAST(max(referral_date) AS VARCHAR) \
         FROM referral_facts WHERE referral_date BETWEEN DATE '{}' AND DATE '{}'",
        period.start, period.end
    );
    let batches = collect(&s.ctx, name, &sql).await?;
    let Some(b) = batches.first() else {
        return Ok(None);
    };
    let first = string_column(b, 0, name)?;
    let last = string_column(b, 1, name)?;
    let parse = |v: &[Option<String>]| v.first().cloned().flatten().and_then(|d| d.parse().ok());
    Ok(parse(&first).zip(parse(&last)))
}

/// Whether referrals cover a period from its first month to its last, so its figures
/// describe the whole period rather than the part an extract happens to hold.
fn covers(span: (NaiveDate, NaiveDate), period: &Period) -> bool {
    let month = chrono::Days::new(31);
    span.0 < period.start + month && span.1 + month > period.end
}

/// The period's figures, and the previous period's when the extracts cover all of it.
pub async fn gather(
    s: &DataSession,
    clinical: &Clinical,
    period: &Period,
) -> Result<Gathered, crate::report::ReportError> {
    s.service_tables().await?;
    for (name, sql) in queries::SERVICE_TABLES {
        let sql = queries::fill(name, sql, &[]).map_err(QueryError::from)?;
        s.create(name, &sql).await?;
    }
    let Some(span) = referral_span(s, period).await? else {
        return Err(crate::report::ReportError::NoData(format!(
            "dataset referrals has no referral dated in {} ({} to {})",
            period.id, period.start, period.end
        )));
    };
    let metrics = service_metrics(s, clinical, period).await?;
    let prev = period.previous();
    let (previous, previous_missing) = match referral_span(s, &prev).await? {
        Some(p) if covers(p, &prev) => (
            Some((prev.clone(), service_metrics(s, clinical, &prev).await?)),
            None,
        ),
        Some(p) => (
            None,
            Some(format!(
                "The extracts hold referrals for only part of {} ({} to {}), so change since then is not shown.",
                prev.short_label(),
                p.0.format("%-d %B %Y"),
                p.1.format("%-d %B %Y")
            )),
        ),
        None => (
            None,
            Some(format!(
                "The extracts hold no referrals for {}, so change since then is not shown.",
                prev.short_label()
            )),
        ),
    };
    Ok(Gathered {
        metrics,
        previous,
        span,
        previous_missing,
    })
}

/// Template values by placeholder name.
type Vars = BTreeMap<&'static str, String>;

/// How a figure is shown in a table column.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// A count (value-only figure, or a proportion's numerator).
    Count,
    Pct,
    Rate,
    Ratio,
    Days,
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
        Some(registry::Kind::Proportion) => Kind::Pct,
        Some(registry::Kind::RatePer1000) => Kind::Rate,
        Some(registry::Kind::Ratio | registry::Kind::RelativeLikelihood) => Kind::Ratio,
        Some(registry::Kind::Value) => Kind::Days,
        Some(registry::Kind::Count) | None => Kind::Count,
    }
}

/// The breakdowns in report order (their headings are `breakdowns.<name>` in the
/// template).
const DIMENSIONS: &[&str] = &[
    "priority_group",
    "ethnic_group",
    "ethnic_category",
    "age_band",
    "sex",
    "disability",
    "imd_quintile",
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
            .collect(),
        "engagement" | "outcomes" | "waits" => dims().collect(),
        "priority" => names(&["priority_table"]),
        "deprivation" => names(&["access_chart", "recovery_chart"]),
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

/// What composes a service-user document: the figures, settings and wording.
struct Builder<'a> {
    settings: &'a Settings,
    period: &'a Period,
    metrics: &'a Metrics,
    previous: Option<&'a (Period, Metrics)>,
    previous_missing: Option<&'a String>,
    span: (NaiveDate, NaiveDate),
    quality: &'a QualityReport,
    not_supplied: Vec<String>,
    /// The disclosure rules this copy of the document follows (its audience's rounding).
    disclosure: Disclosure,
    template: Template,
}

impl<'a> Builder<'a> {
    fn new(
        s: &DataSession,
        g: &'a Gathered,
        settings: &'a Settings,
        period: &'a Period,
        quality: &'a QualityReport,
        report: crate::catalog::ReportId,
    ) -> Result<Builder<'a>, ReportError> {
        Ok(Builder {
            settings,
            period,
            metrics: &g.metrics,
            previous: g.previous.as_ref(),
            previous_missing: g.previous_missing.as_ref(),
            span: g.span,
            quality,
            not_supplied: DATASETS
                .iter()
                .filter(|d| !s.is_supplied(d))
                .map(|d| d.to_string())
                .collect(),
            disclosure: settings.disclosure.clone(),
            template: Template::load(report)?,
        })
    }

    fn d(&self) -> &Disclosure {
        &self.disclosure
    }

    fn hidden(&self, m: &Metric) -> bool {
        match (m.numerator, m.denominator) {
            (Some(n), Some(d)) if m.id.ends_with("_per_1000") => {
                // a rate's denominator is a population: only its numerator can be small
                self.d().count_hidden(n) || d == 0
            }
            (Some(n), Some(d)) => self.d().proportion_hidden(n, d),
            _ if !m.groups.is_empty() => {
                // a ratio: hidden when either count it rests on is small
                self.d().count_hidden(m.groups[0].numerator)
            }
            _ => false,
        }
    }

    /// A figure as the PDF shows it, suppressed where disclosure control says.
    fn shown(&self, m: Option<&Metric>, kind: Kind, with_ci: bool) -> String {
        let Some(m) = m else {
            return "-".into();
        };
        if self.hidden(m) {
            return "*".into();
        }
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
        }
    }

    /// Whether a group's interval lies wholly above or below the service's value.
    fn compared(&self, m: &Metric, overall: Option<f64>) -> Option<Ordering> {
        let (lo, hi) = (m.ci_low?, m.ci_high?);
        let o = overall?;
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
            Some(Ordering::Less) => t.text("words.lower", &v)?,
            Some(Ordering::Greater) => t.text("words.higher", &v)?,
            Some(Ordering::Equal) => t.text("words.similar", &v)?,
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

    /// One row per value of a dimension with the given figures, and a reading of the
    /// `compare` figure against the service. Counts of an additive dimension (every
    /// one but priority groups, where a person can be in several) get secondary
    /// suppression against the service total.
    /// A section's breakdown table for one dimension: the figures its template lists
    /// at `<section>.figures`, each group compared with the service on
    /// `<section>.compare`.
    fn section_table(&self, section: &str, dim: &str) -> Result<Table, ReportError> {
        let t = &self.template;
        let known: Vec<&str> = registry::ids().collect();
        let figures = t.figures(&format!("{section}.figures"), &known)?;
        let compare = t.figure(&format!("{section}.compare"), &known)?;
        let mut columns = Vec::new();
        for id in figures {
            let header = t.heading(&id, &Vars::new())?;
            columns.push(Column {
                kind: display_kind(&id),
                id,
                header,
            });
        }
        self.breakdown_table(dim, &columns, Some(&compare))
    }

    fn breakdown_table(
        &self,
        dim: &str,
        columns: &[Column],
        compare: Option<&str>,
    ) -> Result<Table, ReportError> {
        let values = self.values(dim);
        let get = |id: &str, value: &str| self.metrics.get(id, &[(dim, value)]);
        // secondary suppression on the referral counts
        let counts: Vec<(u64, bool)> = values
            .iter()
            .map(|x| {
                let n = get("tt.referrals", x).and_then(|m| m.value).unwrap_or(0.0) as u64;
                (n, self.d().count_hidden(n))
            })
            .collect();
        let marks = if dim == "priority_group" {
            counts
                .iter()
                .map(|c| if c.1 { Cell::Suppressed } else { Cell::Shown })
                .collect()
        } else {
            self.d().secondary(&counts)
        };
        let overall = compare.and_then(|id| self.metrics.get(id, &[]).and_then(|m| m.value));
        let mut rows = Vec::new();
        for (i, x) in values.iter().enumerate() {
            let mut row = vec![group_label(dim, x)];
            for c in columns {
                let m = get(&c.id, x);
                let secondary = marks[i] == Cell::Suppressed;
                row.push(
                    if secondary && (c.id == "tt.referrals" || c.kind != Kind::Count) {
                        "*".into()
                    } else {
                        self.shown(m, c.kind, true)
                    },
                );
            }
            if let Some(id) = compare {
                let reading = if marks[i] == Cell::Suppressed {
                    String::new()
                } else {
                    self.reading(get(id, x), overall)?
                };
                row.push(reading);
            }
            rows.push(row);
        }
        let mut total = vec!["All referrals".to_string()];
        for c in columns {
            total.push(self.shown(self.metrics.get(&c.id, &[]), c.kind, true));
        }
        if compare.is_some() {
            total.push(String::new());
        }
        rows.push(total);
        let mut cols = vec![col("Group", 2.2, Align::Left)];
        let width = if columns.len() > 3 { 1.5 } else { 2.0 };
        cols.extend(columns.iter().map(|c| {
            col(
                &c.header,
                if c.kind == Kind::Count { 1.0 } else { width },
                Align::Right,
            )
        }));
        if compare.is_some() {
            cols.push(col("Compared with the service", 1.6, Align::Left));
        }
        Ok(table_with_total(cols, rows))
    }

    /// Bars of the representation ratio with intervals against 1.0, priority groups
    /// first, then ethnic groups.
    fn representation_chart(&self, v: &Vars) -> Result<BarChart, ReportError> {
        let t = &self.template;
        let mut bars = Vec::new();
        for (dim, tone) in [("priority_group", 0u8), ("ethnic_group", 1u8)] {
            for x in self.values(dim) {
                let Some(m) = self.metrics.get("tt.representation_ratio", &[(dim, &x)]) else {
                    continue;
                };
                let hidden = self.hidden(m);
                let reading = self.compared(m, Some(1.0));
                let note = match reading {
                    Some(Ordering::Less) => " (lower)",
                    Some(Ordering::Greater) => " (higher)",
                    _ => "",
                };
                bars.push(Bar {
                    label: group_label(dim, &x),
                    value: if hidden { None } else { m.value },
                    ci: if hidden {
                        None
                    } else {
                        m.ci_low.zip(m.ci_high)
                    },
                    annotation: match (hidden, m.value) {
                        (true, _) => "* (small numbers)".into(),
                        (false, Some(r)) => format!("{r:.2}{note}"),
                        (false, None) => "not computable".into(),
                    },
                    tone,
                });
            }
        }
        let top = bars
            .iter()
            .filter_map(|b| b.ci.map(|c| c.1).or(b.value))
            .fold(0.0f64, f64::max);
        Ok(BarChart {
            title: t.text("access.chart_title", v)?,
            axis_label: t.text("access.chart_axis", v)?,
            // whole numbers, so the quarter ticks fall on 0.5 steps and 1.0 is on one
            axis_max: top.ceil().max(2.0),
            bars,
            reference: Some((1.0, t.text("access.chart_reference", v)?)),
            percent: false,
            alt_text: t.text("access.chart_alt", v)?,
        })
    }

    fn vars(&self) -> Vars {
        let m = self.metrics;
        let mut v = Vars::new();
        v.insert("period_label", self.period.short_label());
        v.insert(
            "period_start",
            self.period.start.format("%-d %B %Y").to_string(),
        );
        v.insert(
            "period_end",
            self.period.end.format("%-d %B %Y").to_string(),
        );
        v.insert("previous_label", self.period.previous().short_label());
        v.insert(
            "first_referral",
            self.span.0.format("%-d %B %Y").to_string(),
        );
        v.insert("last_referral", self.span.1.format("%-d %B %Y").to_string());
        v.insert(
            "referrals",
            self.shown(m.get("tt.referrals", &[]), Kind::Count, false),
        );
        v.insert(
            "access_rate",
            self.shown(m.get("tt.access_rate_per_1000", &[]), Kind::Rate, true),
        );
        v.insert(
            "recovery",
            self.shown(m.get("tt.recovery_pct", &[]), Kind::Pct, true),
        );
        v.insert("min_count", self.d().min_count.to_string());
        v.insert(
            "min_count_less_one",
            self.d().min_count.saturating_sub(1).to_string(),
        );
        v.insert(
            "older_age",
            self.settings.priority_groups.older_age.to_string(),
        );
        v
    }

    /// Headline figures against the previous period: (metric id, kind).
    /// The headline table: the figures the template's `summary.figures` lists.
    fn summary_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        let known: Vec<&str> = registry::ids().collect();
        let mut rows = Vec::new();
        for id in t.figures("summary.figures", &known)? {
            let id = id.as_str();
            let kind = &display_kind(id);
            let m = self.metrics.get(id, &[]);
            let prev = self.previous.and_then(|(_, pm)| pm.get(id, &[]));
            let change = match (m, prev) {
                (Some(a), Some(b)) if !self.hidden(a) && !self.hidden(b) => {
                    match (a.value, b.value, kind) {
                        (Some(x), Some(y), Kind::Pct) => pp(x - y),
                        (Some(x), Some(y), Kind::Count) => format!("{:+.0}", x - y),
                        (Some(x), Some(y), Kind::Days) => format!("{:+.0} days", x - y),
                        (Some(x), Some(y), _) => crate::report::change(x - y),
                        _ => "-".into(),
                    }
                }
                _ => "-".into(),
            };
            rows.push(vec![t.label(id, v)?, self.shown(m, *kind, true), change]);
        }
        let mut blocks = vec![Block::Paragraph(t.text("summary.intro", v)?)];
        if !covers(self.span, self.period) {
            blocks.push(Block::Paragraph(t.text("summary.partial", v)?));
        }
        if let Some(why) = &self.previous_missing {
            blocks.push(Block::Paragraph(why.to_string()));
        }
        let table = Table {
            note: Some(t.text("summary.note", v)?),
            ..table(
                vec![
                    col("Figure", 3.4, Align::Left),
                    col("Value (95 % CI)", 2.6, Align::Right),
                    col(&t.text("summary.change_header", v)?, 1.6, Align::Right),
                ],
                rows,
            )
        };
        blocks.push(item("headline_table", vec![Block::Table(table)]));
        section(t, "summary", v, true, blocks)
    }

    fn methodology_section(&self, v: &Vars) -> Result<Section, ReportError> {
        compose::paragraphs_section(&self.template, "methodology", v)
    }

    /// Rows read, problems, and ethnicity not stated or not known by partner.
    fn quality_section(
        &self,
        v: &Vars,
        unknown: &[(String, u64, u64)],
    ) -> Result<Section, ReportError> {
        let t = &self.template;
        let d = self.d();
        let mut blocks = vec![Block::Paragraph(t.text("quality.intro", v)?)];
        blocks.extend(crate::report::quality_page::rows_and_problems(
            self.quality,
            DATASETS,
            &self.not_supplied,
            d,
            t,
            v,
        )?);
        let mut ethnicity = vec![
            Block::Subheading(t.text("quality.ethnicity_heading", v)?),
            Block::Paragraph(t.text("quality.ethnicity_intro", v)?),
        ];
        let names: BTreeMap<String, String> = self
            .settings
            .partners
            .iter()
            .map(|p| (p.code.to_uppercase(), p.name.clone()))
            .collect();
        let cells: Vec<(u64, bool)> = unknown.iter().map(|u| (u.1, d.count_hidden(u.1))).collect();
        let marks = d.secondary(&cells);
        let mut rows: Vec<Vec<String>> = unknown
            .iter()
            .zip(marks)
            .map(|((code, n, total), mark)| {
                let name = names
                    .get(code)
                    .map_or(code.clone(), |n| format!("{n} ({code})"));
                let shown = if mark == Cell::Suppressed || d.proportion_hidden(*n, *total) {
                    "*".to_string()
                } else {
                    let m = Metric::proportion("x", BTreeMap::new(), *n, *total);
                    self.shown(Some(&m), Kind::Pct, true)
                };
                vec![name, d.show_count(*total), shown]
            })
            .collect();
        let (n, total) = unknown.iter().fold((0, 0), |a, u| (a.0 + u.1, a.1 + u.2));
        let all = Metric::proportion("x", BTreeMap::new(), n, total);
        rows.push(vec![
            "All partners".into(),
            d.show_count(total),
            self.shown(Some(&all), Kind::Pct, true),
        ]);
        ethnicity.push(Block::Table(table_with_total(
            vec![
                col("Partner", 3.0, Align::Left),
                col("Referrals in the period", 1.4, Align::Right),
                col(
                    "Ethnicity not stated or not known (95 % CI)",
                    2.4,
                    Align::Right,
                ),
            ],
            rows,
        )));
        blocks.push(item("ethnicity_unknown_table", ethnicity));
        section(t, "quality", v, true, blocks)
    }

    fn document(
        &self,
        v: &Vars,
        sections: Vec<Section>,
        as_of: chrono::NaiveDate,
    ) -> Result<Document, ReportError> {
        compose::document(
            &self.template,
            v,
            self.settings,
            self.period,
            sections,
            as_of,
        )
    }
}

/// Referrals in the period with ethnicity not stated or not known, by partner:
/// (partner code, unknown, all).
async fn ethnicity_unknown_by_partner(
    s: &DataSession,
    period: &Period,
) -> Result<Vec<(String, u64, u64)>, QueryError> {
    let name = "service/ethnicity_by_partner.sql";
    let sql = queries::fill(
        name,
        queries::SERVICE_ETHNICITY_BY_PARTNER,
        &[
            ("period_start", Param::Date(period.start)),
            ("period_end", Param::Date(period.end)),
        ],
    )?;
    let mut out = Vec::new();
    for b in collect(&s.ctx, name, &sql).await? {
        let p = string_column(&b, 0, name)?;
        let n = i64_column(&b, 1, name)?;
        let t = i64_column(&b, 2, name)?;
        for i in 0..b.num_rows() {
            out.push((
                p[i].clone().unwrap_or_default(),
                n[i].unwrap_or(0).max(0) as u64,
                t[i].unwrap_or(0).max(0) as u64,
            ));
        }
    }
    Ok(out)
}

/// How a group value reads in a table.
fn group_label(dim: &str, value: &str) -> String {
    match (dim, value) {
        ("ethnic_category", "Unknown") => "Not stated or not known".into(),
        ("ethnic_category", code) => crate::contract::ETHNIC_CODES
            .iter()
            .find(|c| c.code == code)
            .map_or(code.to_string(), |c| format!("{code}: {}", c.meaning)),
        ("ethnic_group", "Unknown") => "Not stated or not known".into(),
        ("sex", "1") => "Male".into(),
        ("sex", "2") => "Female".into(),
        ("sex", "9") => "Indeterminate".into(),
        ("sex", "X") => "Not known".into(),
        ("disability", "Y") => "Disability declared".into(),
        ("disability", "N") => "No disability".into(),
        ("disability", "Z") => "Not stated".into(),
        ("imd_quintile", "1") => "1 (most deprived)".into(),
        ("imd_quintile", "5") => "5 (least deprived)".into(),
        ("imd_quintile", "Unknown") => "Not known".into(),
        ("age_band", "Unknown") => "Not known".into(),
        (_, x) => x.to_string(),
    }
}

/// Entries of `metrics.json` beside the figures.
fn extra(
    g: &Gathered,
    unknown: &[(String, u64, u64)],
) -> serde_json::Map<String, serde_json::Value> {
    let mut extra = serde_json::Map::new();
    match &g.previous {
        Some((p, m)) => {
            extra.insert(
                "previous_period".into(),
                serde_json::json!({"id": p.id, "metrics": m}),
            );
        }
        None => {
            extra.insert("previous_period".into(), serde_json::Value::Null);
        }
    }
    extra.insert(
        "ethnicity_unknown_by_partner".into(),
        serde_json::json!(
            unknown
                .iter()
                .map(
                    |(p, n, t)| serde_json::json!({"partner_org": p, "unknown": n, "referrals": t})
                )
                .collect::<Vec<_>>()
        ),
    );
    extra
}

/// Referrals in the period by ethnic group and referral source:
/// (ethnic group, source, referrals).
async fn referral_sources(
    s: &DataSession,
    period: &Period,
) -> Result<Vec<(String, String, u64)>, QueryError> {
    let name = "service/referral_sources.sql";
    let sql = queries::fill(
        name,
        queries::SERVICE_REFERRAL_SOURCES,
        &[
            ("period_start", Param::Date(period.start)),
            ("period_end", Param::Date(period.end)),
        ],
    )?;
    let mut out = Vec::new();
    for b in collect(&s.ctx, name, &sql).await? {
        let g = string_column(&b, 0, name)?;
        let src = string_column(&b, 1, name)?;
        let n = i64_column(&b, 2, name)?;
        for i in 0..b.num_rows() {
            out.push((
                g[i].clone().unwrap_or_default(),
                src[i].clone().unwrap_or_default(),
                n[i].unwrap_or(0).max(0) as u64,
            ));
        }
    }
    Ok(out)
}

/// Referral sources in report order.
const SOURCES: &[(&str, &str)] = &[
    ("self", "Self-referral"),
    ("gp", "GP"),
    ("other_professional", "Other professional"),
    ("other", "Other"),
    ("not recorded", "Not recorded"),
];

impl Builder<'_> {
    /// Referrals and access against the population for every group, with the
    /// representation ratio chart.
    fn access_section(&self, v: &Vars) -> Result<Section, ReportError> {
        let t = &self.template;
        let mut chart = vec![Block::BarChart(self.representation_chart(v)?)];
        if self.not_supplied.iter().any(|d| d == "population") {
            chart.push(Block::Paragraph(t.text("access.no_population", v)?));
        }
        let mut blocks = vec![
            Block::Paragraph(t.text("access.intro", v)?),
            item("representation_chart", chart),
        ];
        for dim in DIMENSIONS {
            let heading = t.text(&format!("breakdowns.{dim}"), v)?;
            let mut table = vec![Block::Subheading(heading)];
            if *dim == "disability" {
                table.push(Block::Paragraph(t.text("access.no_disability", v)?));
            }
            if *dim == "priority_group" {
                table.push(Block::Paragraph(t.text("access.priority_note", v)?));
            }
            table.push(Block::Table(self.section_table("access", dim)?));
            blocks.push(item(&dimension_table(dim), table));
        }
        section(t, "access", v, true, blocks)
    }

    /// Referral sources by ethnic group: counts with each row's shares, hidden so no
    /// small count can be found from its row or column total.
    fn sources_table(&self, rows_in: &[(String, String, u64)]) -> Table {
        let d = self.d();
        let groups = crate::contract::ETHNIC_GROUPS;
        let count = |g: Option<&str>, src: &str| -> u64 {
            rows_in
                .iter()
                .filter(|r| g.is_none_or(|g| r.0 == g) && r.1 == src)
                .map(|r| r.2)
                .sum()
        };
        let grid: Vec<Vec<u64>> = groups
            .iter()
            .map(|g| SOURCES.iter().map(|(s, _)| count(Some(g), s)).collect())
            .collect();
        let marks = d.secondary_grid(&grid);
        let cell = |n: u64, total: u64, hidden: bool| {
            if hidden || d.count_hidden(n) {
                "*".to_string()
            } else if total == 0 {
                d.show_count(n)
            } else {
                format!("{} ({})", d.show_count(n), pct(n as f64 / total as f64))
            }
        };
        let mut rows: Vec<Vec<String>> = groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let total: u64 = grid[i].iter().sum();
                let mut row = vec![group_label("ethnic_group", g), d.show_count(total)];
                row.extend(
                    grid[i]
                        .iter()
                        .zip(&marks[i])
                        .map(|(n, m)| cell(*n, total, *m == Cell::Suppressed)),
                );
                row
            })
            .collect();
        let all: Vec<u64> = SOURCES.iter().map(|(s, _)| count(None, s)).collect();
        let total: u64 = all.iter().sum();
        let mut last = vec!["All referrals".to_string(), d.show_count(total)];
        last.extend(all.iter().map(|n| cell(*n, total, false)));
        rows.push(last);
        let mut cols = vec![
            col("Ethnic group", 1.8, Align::Left),
            col("Referrals", 1.0, Align::Right),
        ];
        cols.extend(SOURCES.iter().map(|(_, h)| col(h, 1.3, Align::Right)));
        Table {
 note: Some(
                "Counts with the share of the row's referrals in brackets. * : hidden by disclosure control."
                    .into(),
            ),
 ..table_with_total(cols, rows)
}
    }

    /// The CSV tables: every figure, referral sources, ethnicity recording by partner,
    /// data quality and rows read.
    fn tables(
        &self,
        sources: &[(String, String, u64)],
        unknown: &[(String, u64, u64)],
    ) -> Vec<CsvTable> {
        let mut figures = CsvTable::new(
            "figures",
            &[
                "metric",
                "breakdown",
                "group",
                "numerator",
                "denominator",
                "value",
                "ci_low",
                "ci_high",
            ],
        );
        let opt = |x: Option<u64>| x.map_or(String::new(), |v| v.to_string());
        let val = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
        for m in &self.metrics.0 {
            let (num, den) = match m.groups.as_slice() {
                [a, _] => (Some(a.numerator), Some(a.denominator)),
                _ => (m.numerator, m.denominator),
            };
            figures.rows.push(vec![
                m.id.clone(),
                m.by.keys().cloned().collect::<Vec<_>>().join(" x "),
                m.by.values().cloned().collect::<Vec<_>>().join(" x "),
                opt(num),
                opt(den),
                val(m.value),
                val(m.ci_low),
                val(m.ci_high),
            ]);
        }
        let mut src = CsvTable::new(
            "referral_sources",
            &["ethnic_group", "referral_source", "referrals"],
        );
        for (g, s, n) in sources {
            src.rows.push(vec![g.clone(), s.clone(), n.to_string()]);
        }
        let mut eth = CsvTable::new(
            "ethnicity_by_partner",
            &["partner_org", "unknown", "referrals"],
        );
        for (p, n, t) in unknown {
            eth.rows.push(vec![p.clone(), n.to_string(), t.to_string()]);
        }
        let mut out = vec![figures, src, eth];
        out.extend(crate::report::quality_page::csv_tables(self.quality));
        out
    }
}
