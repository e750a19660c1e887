//! Standardised access (docs/reports.md, `tt.access_rate_std_per_1000`): each ethnic
//! group's access rate per 1,000 directly standardised for age band and sex to the
//! registered population of Leeds as a whole, with its Dobson interval
//! (`stats::dsr`), beside the crude rate, so a group's younger or older age profile does
//! not pass for better or worse access. Counted by queries/service/standardised_access.sql.

use std::collections::BTreeMap;

use crate::data::query::{QueryError, collect, i64_column, string_column};
use crate::data::session::DataSession;
use crate::metrics::Metric;

const ID: &str = "tt.access_rate_std_per_1000";

/// Each group's strata: (age band, sex) -> (referrals, registered).
type Strata = BTreeMap<(String, String), (u64, u64)>;

/// One standardised rate per ethnic group that has a registered population.
pub(super) async fn metrics(
    s: &DataSession,
    name: &str,
    sql: &str,
) -> Result<Vec<Metric>, QueryError> {
    // (group, stratum) -> (referrals, registered)
    let mut strata: BTreeMap<String, Strata> = BTreeMap::new();
    for b in collect(&s.ctx, name, sql).await? {
        let group = string_column(&b, "ethnic_group", name)?;
        let band = string_column(&b, "age_band", name)?;
        let sex = string_column(&b, "sex", name)?;
        let referrals = i64_column(&b, "referrals", name)?;
        let registered = i64_column(&b, "registered", name)?;
        for i in 0..b.num_rows() {
            let n = |v: &[Option<i64>]| v[i].unwrap_or(0).max(0) as u64;
            let key = (
                band[i].clone().unwrap_or_default(),
                sex[i].clone().unwrap_or_default(),
            );
            strata
                .entry(group[i].clone().unwrap_or_default())
                .or_default()
                .insert(key, (n(&referrals), n(&registered)));
        }
    }
    // the standard: every group's registered population, stratum by stratum
    let mut standard: BTreeMap<(String, String), u64> = BTreeMap::new();
    for cells in strata.values() {
        for (k, (_, pop)) in cells {
            *standard.entry(k.clone()).or_default() += pop;
        }
    }
    let mut out = Vec::new();
    for (group, cells) in &strata {
        let registered: u64 = cells.values().map(|c| c.1).sum();
        if registered == 0 {
            continue;
        }
        let (mut counts, mut pops, mut weights) = (Vec::new(), Vec::new(), Vec::new());
        for (k, w) in &standard {
            let (c, n) = cells.get(k).copied().unwrap_or((0, 0));
            counts.push(c);
            pops.push(n);
            weights.push(*w as f64);
        }
        let d = crate::stats::dsr(&counts, &pops, &weights, 1000.0);
        out.push(Metric {
            id: ID.to_string(),
            by: BTreeMap::from([("ethnic_group".to_string(), group.clone())]),
            numerator: Some(counts.iter().sum()),
            denominator: Some(registered),
            value: d.map(|x| x.0),
            ci_low: d.map(|x| x.1.0),
            ci_high: d.map(|x| x.1.1),
            groups: Vec::new(),
            left_out: None,
        });
    }
    Ok(out)
}

impl super::Builder<'_> {
    /// Each ethnic group's crude and standardised access rates, each with its reading
    /// against the service's rate, and a sentence for each group whose reading
    /// standardising changes (or one saying none does).
    pub(super) fn standardised_table(
        &self,
        v: &super::Vars,
    ) -> Result<crate::pdf::model::Block, crate::report::ReportError> {
        use crate::pdf::model::{Align, Block, Table, col, item};
        use crate::template::Ph;
        let t = &self.template;
        let a = &t.access;
        let crude_id = "tt.access_rate_per_1000";
        let overall = self
            .metrics
            .get(crude_id, &[])
            .filter(|m| !self.hidden(m))
            .and_then(|m| m.value);
        let mut rows = Vec::new();
        let mut changes = Vec::new();
        for g in crate::contract::ETHNIC_GROUPS {
            let by = [("ethnic_group", *g)];
            let (crude, std) = (self.metrics.get(crude_id, &by), self.metrics.get(ID, &by));
            if crude.is_none() && std.is_none() {
                continue;
            }
            let name = super::group_label(&t.codes, "ethnic_group", g);
            let (r1, r2) = (self.reading(crude, overall)?, self.reading(std, overall)?);
            if !r1.is_empty() && !r2.is_empty() && r1 != r2 {
                let mut vv = v.clone();
                vv.insert(Ph::Group, name.clone());
                vv.insert(Ph::First, crate::report::in_sentence(&r1));
                vv.insert(Ph::Second, crate::report::in_sentence(&r2));
                changes.push(Block::Paragraph(a.standardised_changes.fill(&vv)?));
            }
            rows.push(vec![
                name,
                self.shown(crude, super::Kind::Rate, true),
                r1,
                self.shown(std, super::Kind::Rate, true),
                r2,
            ]);
        }
        let mut vv = v.clone();
        vv.insert(
            Ph::Overall,
            overall.map_or("-".into(), |x| format!("{x:.1}")),
        );
        let columns = vec![
            col("Ethnic group", 1.6, Align::Left),
            col(&a.standardised_crude.fill(v)?, 1.6, Align::Right),
            col("Compared with the service", 1.2, Align::Left),
            col(&a.standardised_header.fill(v)?, 1.6, Align::Right),
            col("Compared with the service", 1.2, Align::Left),
        ];
        let table = Table {
            note: Some(a.standardised_note.fill(&vv)?),
            ..crate::report::compose::table(columns, rows)
        };
        if changes.is_empty() {
            changes.push(Block::Paragraph(a.standardised_same.fill(v)?));
        }
        let mut blocks = vec![Block::Subheading(a.standardised_heading.fill(v)?)];
        blocks.extend(changes);
        blocks.push(Block::Table(table));
        Ok(item("standardised_table", blocks))
    }
}
