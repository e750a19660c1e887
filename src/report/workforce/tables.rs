//! The tables of the workforce reports' pages: partners, training, the indicators and
//! the data-quality blocks.

use crate::metrics::Metric;
use crate::pdf::model::{Align, Block, Table, col, item};
use crate::report::compose::{table, table_with_total};
use crate::report::{ReportError, pct, source_of};

use super::{Builder, DATASETS, Vars, group_label};
use crate::template::Ph;

impl Builder<'_> {
    /// Partners in configured order, then Unlisted if any rows carry it, then the total.
    pub(super) fn partner_keys(&self) -> Vec<(String, String)> {
        let mut keys: Vec<(String, String)> = self
            .settings
            .partners
            .iter()
            .map(|p| (p.code.to_uppercase(), p.name.clone()))
            .collect();
        if self
            .metrics
            .get("wf.headcount", &[("partner_org", "Unlisted")])
            .is_some()
        {
            keys.push((
                "Unlisted".into(),
                "Unlisted partner code (see data quality)".into(),
            ));
        }
        keys
    }

    /// A column of partner proportions with primary and secondary suppression.
    pub(super) fn partner_pct_column(&self, id: &str, keys: &[(String, String)]) -> Vec<String> {
        self.partner_column(id, keys, false)
    }

    /// Partner proportions, with their intervals when `with_ci`, hidden where the
    /// run's plan hides a count they rest on, so every page hides the same cells.
    pub(super) fn partner_column(
        &self,
        id: &str,
        keys: &[(String, String)],
        with_ci: bool,
    ) -> Vec<String> {
        keys.iter()
            .map(|(k, _)| match self.metrics.get(id, &[("partner_org", k)]) {
                None => "-".into(),
                Some(m) if self.hidden(m) => "*".into(),
                Some(m) if m.value.is_none() => "-".into(),
                Some(m) => self.shown(Some(m), with_ci),
            })
            .collect()
    }

    /// Each partner's headcount as shown, hidden where the run's plan hides it.
    pub(super) fn partner_headcounts(&self, keys: &[(String, String)]) -> Vec<String> {
        keys.iter()
            .map(|(k, _)| {
                let by = [("partner_org", k.as_str())];
                match self.metrics.get("wf.headcount", &by).and_then(|m| m.value) {
                    None => "0".into(),
                    Some(_) if self.staff_hidden(&by) => "*".into(),
                    Some(h) => self.d().show_count(h as u64),
                }
            })
            .collect()
    }

    pub(super) fn partner_table(&self, v: &Vars) -> Result<Table, ReportError> {
        let t = &self.template;
        let keys = self.partner_keys();
        let staff = self.partner_headcounts(&keys);
        let ids = &t.partners.figures;
        let cols: Vec<Vec<String>> = ids
            .iter()
            .map(|id| self.partner_pct_column(id, &keys))
            .collect();
        let mut rows = Vec::new();
        for (i, (code, name)) in keys.iter().enumerate() {
            let mut row = vec![format!("{name} ({code})"), staff[i].clone()];
            row.extend(cols.iter().map(|c| c[i].clone()));
            rows.push(row);
        }
        let mut total = vec![
            "All partners".to_string(),
            self.shown(self.metrics.get("wf.headcount", &[]), false),
        ];
        total.extend(
            ids.iter()
                .map(|id| self.shown(self.metrics.get(id, &[]), false)),
        );
        rows.push(total);
        let mut columns = vec![
            col("Partner", 3.6, Align::Left),
            col("Staff", 1.0, Align::Right),
        ];
        for id in ids {
            let heading = t.heading(id)?.fill(v)?;
            // a word's column narrower than a phrase's
            let width = if heading.len() <= 6 { 1.0 } else { 1.2 };
            columns.push(col(&heading, width, Align::Right));
        }
        Ok(Table {
            ..table_with_total(columns, rows)
        })
    }

    pub(super) fn training_table(&self) -> Table {
        let keys = self.partner_keys();
        let interp = self.partner_pct_column("train.interpreters_clinical_pct", &keys);
        let cult = self.partner_pct_column("train.cultural_competence_pct", &keys);
        let mut rows: Vec<Vec<String>> = keys
            .iter()
            .enumerate()
            .map(|(i, (code, name))| {
                let mentees = match self
                    .metrics
                    .get("mentoring.bme_matched", &[("partner_org", code)])
                {
                    None => "-".into(),
                    m => self.shown(m, false),
                };
                vec![
                    format!("{name} ({code})"),
                    interp[i].clone(),
                    cult[i].clone(),
                    mentees,
                ]
            })
            .collect();
        rows.push(vec![
            "All partners".into(),
            self.shown(
                self.metrics.get("train.interpreters_clinical_pct", &[]),
                true,
            ),
            self.shown(self.metrics.get("train.cultural_competence_pct", &[]), true),
            self.shown(self.metrics.get("mentoring.bme_matched", &[]), false),
        ]);
        table_with_total(
            vec![
                col("Partner", 3.2, Align::Left),
                col("Clinical staff trained: interpreters", 2.0, Align::Right),
                col("Staff trained: cultural competence", 2.0, Align::Right),
                col("BME mentees matched", 1.4, Align::Right),
            ],
            rows,
        )
    }

    /// A relative likelihood as the PDF shows it: value with interval and a reading in
    /// words, or why it is not shown.
    pub(super) fn likelihood_cells(
        &self,
        m: &Metric,
        v: &Vars,
    ) -> Result<[String; 3], ReportError> {
        let t = &self.template;
        let d = self.d();
        let rates: Vec<String> = m
            .groups
            .iter()
            .map(|g| {
                let rate = if d.proportion_hidden(g.numerator, g.denominator) || g.denominator == 0
                {
                    "*".to_string()
                } else {
                    // a rounded copy's rate is of its rounded counts
                    pct(d.rounded(g.numerator) as f64 / d.rounded(g.denominator) as f64)
                };
                format!(
                    "{}: {} of {} ({rate})",
                    group_label(&t.codes, &g.group),
                    d.show_count(g.numerator),
                    d.show_count(g.denominator)
                )
            })
            .collect();
        let hidden = self.hidden(m);
        let m = &d.as_shown(m);
        let (shown, reading) = match m.value {
            // An empty group or no events is not a small number: say why there is no ratio.
            None => ("-".to_string(), t.indicators.not_computable.fill(v)?),
            _ if hidden => ("*".to_string(), "Hidden: small numbers".to_string()),
            Some(r) => {
                let ci = match (m.ci_low, m.ci_high) {
                    (Some(lo), Some(hi)) => format!(" ({lo:.2} to {hi:.2})"),
                    _ => String::new(),
                };
                let mut vv = v.clone();
                vv.insert(Ph::First, group_label(&t.codes, &m.groups[0].group));
                vv.insert(Ph::Second, group_label(&t.codes, &m.groups[1].group));
                vv.insert(Ph::Ratio, format!("{r:.2}"));
                let mut reading = if (0.8..=1.25).contains(&r) {
                    t.indicators.no_adverse.fill(&vv)?
                } else if r > 1.25 {
                    t.indicators.higher.fill(&vv)?
                } else {
                    t.indicators.lower.fill(&vv)?
                };
                let includes_one = matches!(crate::metrics::interval4(m), Some((lo, hi)) if lo <= 1.0 && hi >= 1.0);
                if includes_one && !(0.8..=1.25).contains(&r) {
                    vv.insert(Ph::Reading, reading);
                    reading = t.indicators.chance.fill(&vv)?;
                }
                (format!("{r:.2}{ci}"), reading)
            }
        };
        Ok([rates.join("; "), shown, reading])
    }

    pub(super) fn indicator_table(&self, v: &Vars) -> Result<Table, ReportError> {
        let t = &self.template;
        let mut rows = Vec::new();
        for (id, key) in [
            ("wres2.relative_likelihood", &t.indicators.wres2),
            ("wres3.relative_likelihood", &t.indicators.wres3),
            ("wres4.relative_likelihood", &t.indicators.wres4),
            ("wdes2.relative_likelihood", &t.indicators.wdes2),
        ] {
            let label = key.fill(v)?;
            match self.metrics.get(id, &[]) {
                Some(m) => {
                    let [rates, shown, reading] = self.likelihood_cells(m, v)?;
                    rows.push(vec![label, rates, shown, reading]);
                }
                None => rows.push(vec![
                    label,
                    format!("{} not supplied", source_of(id).unwrap_or("data")),
                    "-".into(),
                    String::new(),
                ]),
            }
        }
        let board = self.metrics.get("wres9.board_bme_pct", &[]);
        rows.push(vec![
            t.indicators.wres9.fill(v)?,
            board.map_or("no board members recorded".into(), |m| {
                format!(
                    "{} of {}",
                    self.d().show_count(m.numerator.unwrap_or(0)),
                    self.d().show_count(m.denominator.unwrap_or(0))
                )
            }),
            self.shown(board, true),
            String::new(),
        ]);
        let turnover =
            |by: &[(&str, &str)]| self.shown(self.metrics.get("wf.turnover_pct", by), false);
        rows.push(vec![
            t.indicators.turnover.fill(v)?,
            format!(
                "White: {}; BME: {}; disabled: {}; not disabled: {}",
                turnover(&[("wres_group", "White")]),
                turnover(&[("wres_group", "BME")]),
                turnover(&[("disability", "Y")]),
                turnover(&[("disability", "N")]),
            ),
            if self.metrics.get("wf.turnover_pct", &[]).is_some() {
                turnover(&[])
            } else {
                "leavers not supplied".into()
            },
            String::new(),
        ]);
        Ok(table(
            vec![
                col("Indicator", 3.0, Align::Left),
                col("Groups compared", 3.0, Align::Left),
                col("Relative likelihood or share (95 % CI)", 1.8, Align::Right),
                col("Reading", 2.2, Align::Left),
            ],
            rows,
        ))
    }

    pub(super) fn quality_blocks(&self, v: &Vars) -> Result<Vec<Block>, ReportError> {
        let t = &self.template;
        let mut blocks = crate::report::quality_page::rows_and_problems(
            self.quality,
            DATASETS,
            self.not_supplied,
            &t.quality,
            v,
        )?;
        let heading = Block::Subheading(t.quality.ethnicity_heading.fill(v)?);
        let keys = self.partner_keys();
        let col_unknown = self.partner_pct_column("wf.ethnicity_unknown_pct", &keys);
        let mut rows: Vec<Vec<String>> = keys
            .iter()
            .zip(col_unknown)
            .map(|((code, name), c)| vec![format!("{name} ({code})"), c])
            .collect();
        rows.push(vec![
            "All partners".into(),
            self.shown(self.metrics.get("wf.ethnicity_unknown_pct", &[]), true),
        ]);
        let table = Block::Table(table_with_total(
            vec![
                col("Partner", 3.0, Align::Left),
                col("Ethnicity not stated or not known", 2.0, Align::Right),
            ],
            rows,
        ));
        blocks.push(item("ethnicity_unknown_table", vec![heading, table]));
        Ok(blocks)
    }
}
