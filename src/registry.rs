//! The figure registry: one row per metric id of docs/reports.md, saying what kind of
//! figure it is, which query and columns give it, which way is better (so whether it
//! may have a target, `targets."<id>"` in the settings), how disclosure control names
//! the counts it rests on, and the optional dataset it needs. Everything that lists
//! figures reads it: the settings check, the unfolding of both families' figures from
//! one row per group, the template's check of its figure lists, the tests. Its label is
//! the template key `labels."<id>"` of the report's wording (dots kept).
//!
//! To add a figure: README, "Adding a figure".

mod figures;

pub use figures::{FIGURES, REFERRAL_QUERY};
use figures::{REFERRALS, SNAPSHOT, STANDARDISED};

/// What a figure is, which decides how it is computed and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// numerator / denominator, with a Wilson interval.
    Proportion,
    /// Events per 1,000 of a population, with a Byar interval.
    RatePer1000,
    /// A rate over the service's rate, with a log-scale interval.
    Ratio,
    /// One group's rate over a reference group's, with a log-scale interval.
    RelativeLikelihood,
    /// One group's share less another's, in percentage points, with a Newcombe
    /// interval.
    Difference,
    /// The slope index of inequality across deprivation quantiles, in the figure's own
    /// units (points, or per 1,000), with an interval by simulation.
    Slope,
    /// The relative index of inequality: the least deprived end of the slope over the
    /// most deprived.
    RelativeIndex,
    /// A pay gap: the reference group's mean or median hourly pay less the other
    /// group's, as a percentage of the reference group's; its numerator and denominator
    /// are the two groups' staff (the other's, the reference's).
    PayGap,
    /// A share as a partner published it (a staff-survey result), never recomputed:
    /// its value a fraction, its denominator the published base where given.
    Published,
    /// A number of people, referrals or sessions.
    Count,
    /// Any other value (a whole-time equivalent, a median in days).
    Value,
}

impl Kind {
    /// How its 95 % interval is computed, as metrics.json names it beside the figures.
    pub fn method(self) -> Option<&'static str> {
        match self {
            Kind::Proportion => Some("Wilson score interval"),
            Kind::RatePer1000 => Some(
                "exact Poisson interval below 10 events, Byar's approximation from 10 (OHID Fingertips)",
            ),
            Kind::Ratio | Kind::RelativeLikelihood => Some("interval on the log scale"),
            Kind::Difference => Some(
                "Newcombe hybrid score interval (Newcombe 1998, method 10), in percentage points",
            ),
            Kind::Slope | Kind::RelativeIndex => Some(
                "population-weighted least squares across IMD quantiles, interval by simulation from a fixed seed (PHEindicatormethods phe_sii)",
            ),
            Kind::Count | Kind::Value | Kind::PayGap | Kind::Published => None,
        }
    }
}

/// Which way a figure is better, for its target and its RAG status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    /// No direction is better (a count, or a ratio whose ideal is 1).
    Neither,
}

/// Where a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A query that returns the figure's rows in the long form (`metric, by_key,
    /// numerator, denominator, value`) or, for relative likelihoods, each group's
    /// counts.
    Rows { query: &'static str },
    /// A query that returns one row per group (`by_key` and a column per count): a
    /// proportion is `numerator / denominator`; a count or value is `numerator`.
    Columns {
        query: &'static str,
        numerator: &'static str,
        denominator: Option<&'static str>,
    },
}

impl Source {
    /// The query file (under `queries/`) that gives the figure.
    pub fn query(&self) -> &'static str {
        match self {
            Source::Rows { query } | Source::Columns { query, .. } => query,
        }
    }
}

/// The counts a figure rests on as disclosure control names them, so that one group of
/// people is one cell wherever it is shown (`disclosure::counts::counts_of`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    /// Named after its query's columns (two service figures over one denominator share
    /// its cell), or after the figure itself for a long-form query.
    Source,
    /// Staff in post: those of the `of` groups (dimension, value) among those of the
    /// `within` groups; a count when `within` is None.
    Staff {
        of: &'static [(&'static str, &'static str)],
        within: Option<&'static [(&'static str, &'static str)]>,
    },
    /// A row's staff of one `group` (a WRES group, a disability code), of the row's
    /// staff (a band cluster's, or a band's clinical or non-clinical staff).
    RowShare { group: &'static str },
    /// Each group a figure compares (a gap's sides, and those on neither side) gives its
    /// `numerator` and `denominator` counts, under `dimension` = the group's name: the
    /// same people as the other tables' cells of those counts.
    Sides {
        dimension: &'static str,
        numerator: &'static str,
        denominator: &'static str,
    },
    /// Each quantile a gradient is fitted to (a group named `dimension=value`) gives
    /// its `numerator` count, and its `denominator` where that is a count of people
    /// (a registered population is not one): the cells of that quantile's own figure.
    Quantiles {
        numerator: &'static str,
        denominator: Option<&'static str>,
    },
    /// One count, named as another figure names it (a standardised rate's referrals are
    /// the crude rate's).
    Numerator(&'static str),
    /// Named after the figure: `<id>` for a count, `<id>:numerator` and
    /// `<id>:denominator` for a share.
    Own,
}

/// One figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure {
    pub id: &'static str,
    pub kind: Kind,
    pub source: Source,
    pub better: Better,
    pub counts: Counts,
    /// The optional dataset it is computed from: when that is absent the figure is
    /// dropped and the report says "not supplied" (an absent dataset reads as an
    /// empty table, whose zeros must not pass for real figures).
    pub needs: Option<&'static str>,
}

impl Figure {
    /// The same figure, computed from an optional dataset.
    const fn needs(self, dataset: &'static str) -> Figure {
        Figure {
            needs: Some(dataset),
            ..self
        }
    }

    /// How its 95 % interval is computed, as metrics.json names it: its kind's, but a
    /// directly standardised rate's is Dobson's.
    pub fn method(&self) -> Option<&'static str> {
        if self.source.query() == STANDARDISED {
            return Some(
                "Dobson interval of a directly standardised rate (exact Poisson below 10 events, Byar's from 10, as OHID Fingertips)",
            );
        }
        self.kind.method()
    }

    /// The setting that may hold its target: `targets."<id>"`, for a figure with a
    /// better direction (one without cannot be judged against a target).
    pub fn target_key(&self) -> Option<String> {
        (self.better != Better::Neither).then(|| format!("targets.\"{}\"", self.id))
    }

    /// The step its value is shown in: a tenth of a percentage point, a tenth per
    /// 1,000, a hundredth of a ratio, a whole count or day. A target is judged on the
    /// value as shown, so a reader never sees 75.0 % called short of 75 %.
    pub fn shown_step(&self) -> f64 {
        match self.kind {
            Kind::Proportion | Kind::Published => 0.001,
            Kind::RatePer1000 | Kind::Difference | Kind::Slope | Kind::PayGap => 0.1,
            Kind::Ratio | Kind::RelativeLikelihood | Kind::RelativeIndex => 0.01,
            Kind::Count | Kind::Value => 1.0,
        }
    }
}

/// Whether a figure has a point a month for the SPC charts: the referral figures whose
/// counts queries/service/monthly.sql gives (not uptake, treated by the period's end,
/// which a month would cut short, nor the appointment counts: missed appointments and
/// culturally adapted sessions).
pub fn monthly(id: &str) -> bool {
    figure(id).is_some_and(|f| match f.source {
        Source::Columns {
            query,
            numerator,
            denominator,
        } => {
            query == REFERRALS
                && ![numerator, denominator.unwrap_or("")]
                    .iter()
                    .any(|c| ["taken_up", "dna", "dna_or_attended", "adapted"].contains(c))
        }
        _ => false,
    })
}

/// The query whose columns the staff-in-post figures are read from.
pub const SNAPSHOT_QUERY: &str = SNAPSHOT;

/// Whether a figure has a point at each quarter-end snapshot for the SPC charts: the
/// staff-in-post figures (`wf.*` of queries/workforce/snapshot.sql, whose counts
/// queries/workforce/quarterly.sql gives a quarter at a time) and turnover.
pub fn quarterly(id: &str) -> bool {
    id == "wf.turnover_pct"
        || (id.starts_with("wf.") && figure(id).is_some_and(|f| f.source.query() == SNAPSHOT))
}

/// Whether a referral figure counts referrals in the month they were received (the
/// referrals and their interpreter need), rather than at a later event of their care
/// (first treatment, the end): a later event's months just after the extracts begin
/// hold only the referrals whose care was short, so their figures are not yet the
/// service's.
pub fn at_referral(id: &str) -> bool {
    figure(id).is_some_and(|f| match f.source {
        Source::Columns {
            numerator,
            denominator,
            ..
        } => [Some(numerator), denominator]
            .into_iter()
            .flatten()
            .all(|c| ["referrals", "interpreter"].contains(&c)),
        _ => false,
    })
}

/// The figure with this id.
pub fn figure(id: &str) -> Option<&'static Figure> {
    FIGURES.iter().find(|f| f.id == id)
}

/// Every metric id.
pub fn ids() -> impl Iterator<Item = &'static str> {
    FIGURES.iter().map(|f| f.id)
}

/// The figures a query gives one row per group of (by `Source::Columns`).
pub fn from_columns(query: &str) -> impl Iterator<Item = &'static Figure> + '_ {
    FIGURES
        .iter()
        .filter(move |f| matches!(f.source, Source::Columns { .. }) && f.source.query() == query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_is_listed_once_and_only_a_figure_with_a_direction_takes_a_target() {
        let mut ids: Vec<&str> = ids().collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "an id is listed twice");
        let key = |id: &str| figure(id).unwrap().target_key();
        assert_eq!(
            key("tt.recovery_pct").unwrap(),
            "targets.\"tt.recovery_pct\""
        );
        assert_eq!(key("tt.dna_pct").unwrap(), "targets.\"tt.dna_pct\"");
        assert_eq!(key("tt.referrals"), None);
        assert_eq!(key("wres2.relative_likelihood"), None);
        for f in FIGURES {
            if let Source::Columns { denominator, .. } = f.source {
                assert_eq!(
                    denominator.is_some(),
                    f.kind == Kind::Proportion,
                    "{}",
                    f.id
                );
            }
        }
    }

    /// The ids are those of docs/reports.md's figure tables, no more and no fewer.
    #[test]
    fn the_ids_are_the_definitions_ids() {
        let doc = include_str!("../docs/reports.md");
        // every id in the first cell of a figure table's row (a row may define two:
        // a pay gap's mean and median)
        let mut documented: Vec<&str> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split('|').next())
            .flat_map(|cell| std::iter::once(cell).chain(cell.split('`').skip(2).step_by(2)))
            .filter_map(|id| id.split('`').next())
            .filter(|id| id.contains('.') && !id.contains(' '))
            .collect();
        // and the figures "Uncertainty and comparison" defines by id (the deprivation
        // gradient, standardised access)
        let uncertainty = &doc[doc.find("## Uncertainty and comparison").unwrap()..];
        let uncertainty = &uncertainty[..uncertainty.find("\n## ").unwrap()];
        documented.extend(
            uncertainty
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|id| id.starts_with("tt.")),
        );
        documented.sort_unstable();
        documented.dedup();
        // (`survey.*` stands for every staff-survey indicator)
        let mut ours: Vec<&str> = ids()
            .map(|id| {
                if id.starts_with("survey.") {
                    "survey.*"
                } else {
                    id
                }
            })
            .chain(NOT_YET_COMPUTED.iter().copied())
            .collect();
        ours.sort_unstable();
        ours.dedup();
        assert_eq!(ours, documented);
    }

    /// Figures docs/reports.md defines that no query computes yet (the equity
    /// statistics and the workforce returns are open work); each leaves this list when
    /// its registry row is written, and the test above keeps the two in step.
    const NOT_YET_COMPUTED: &[&str] = &[];

    #[test]
    fn no_figure_waiting_for_a_query_has_one() {
        for id in NOT_YET_COMPUTED {
            assert!(
                figure(id).is_none(),
                "{id} is computed: take it off the list"
            );
        }
    }
}
