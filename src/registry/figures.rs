//! The registry's table: one row per figure of docs/reports.md, and the builders that
//! keep each row short.

use super::{Better, Counts, Figure, Kind, Source};

pub(super) const SNAPSHOT: &str = "workforce/snapshot.sql";
const BANDS: &str = "workforce/band_share.sql";
const LIKELIHOODS: &str = "workforce/relative_likelihoods.sql";
const TURNOVER_BOARD: &str = "workforce/turnover_board.sql";
const BAND_RETURN: &str = "workforce/band_return.sql";
const PAY: &str = "workforce/pay_gaps.sql";
const SURVEY: &str = "workforce/survey.sql";

/// A staff-survey indicator as the partners publish it (dataset `staff_survey`).
const fn survey(id: &'static str) -> Figure {
    Figure {
        counts: Counts::Own,
        needs: Some("staff_survey"),
        ..rows(id, Published, SURVEY, Neither)
    }
}
pub(super) const REFERRALS: &str = "service/referral_metrics.sql";
/// The query whose columns the service referral figures are read from.
pub const REFERRAL_QUERY: &str = REFERRALS;
const ACCESS: &str = "service/access.sql";
const RECOVERY_GAP: &str = "service/recovery_gap.sql";
pub(super) const STANDARDISED: &str = "service/standardised_access.sql";

/// A deprivation gradient (src/report/service/gradient.rs) fitted to the quantiles of the
/// figure whose query and counts it names.
const fn gradient(
    id: &'static str,
    kind: Kind,
    query: &'static str,
    numerator: &'static str,
    denominator: Option<&'static str>,
) -> Figure {
    Figure {
        id,
        kind,
        source: Source::Rows { query },
        better: Better::Neither,
        counts: Counts::Quantiles {
            numerator,
            denominator,
        },
        needs: None,
    }
}

/// A gap between White British (`A`) and every other known code (`B-S`) in a share of
/// `service/referral_metrics.sql`'s columns, in points.
const fn ethnicity_gap(
    id: &'static str,
    numerator: &'static str,
    denominator: &'static str,
) -> Figure {
    Figure {
        id,
        kind: Kind::Difference,
        source: Source::Rows {
            query: RECOVERY_GAP,
        },
        better: Better::Neither,
        counts: Counts::Sides {
            dimension: "white_british",
            numerator,
            denominator,
        },
        needs: None,
    }
}

const fn rows(id: &'static str, kind: Kind, query: &'static str, better: Better) -> Figure {
    Figure {
        id,
        kind,
        source: Source::Rows { query },
        better,
        counts: Counts::Source,
        needs: None,
    }
}

/// A figure of the staff in post from count columns of `workforce/snapshot.sql`: a
/// share when it has a denominator, else a count or value.
const fn staff(
    id: &'static str,
    kind: Kind,
    (numerator, denominator): (&'static str, Option<&'static str>),
    better: Better,
    counts: Counts,
) -> Figure {
    Figure {
        id,
        kind,
        source: Source::Columns {
            query: SNAPSHOT,
            numerator,
            denominator,
        },
        better,
        counts,
        needs: None,
    }
}

/// Staff of the `of` groups among all the staff in post.
const fn of_staff(of: &'static [(&'static str, &'static str)]) -> Counts {
    Counts::Staff {
        of,
        within: Some(&[]),
    }
}

/// A proportion of two count columns of `service/referral_metrics.sql`.
const fn referral_share(
    id: &'static str,
    numerator: &'static str,
    denominator: &'static str,
    better: Better,
) -> Figure {
    Figure {
        id,
        kind: Kind::Proportion,
        source: Source::Columns {
            query: REFERRALS,
            numerator,
            denominator: Some(denominator),
        },
        better,
        counts: Counts::Source,
        needs: None,
    }
}

/// A count or value column of `service/referral_metrics.sql`.
const fn referral_value(
    id: &'static str,
    kind: Kind,
    column: &'static str,
    better: Better,
) -> Figure {
    Figure {
        id,
        kind,
        source: Source::Columns {
            query: REFERRALS,
            numerator: column,
            denominator: None,
        },
        better,
        counts: Counts::Source,
        needs: None,
    }
}

use Better::{Higher, Lower, Neither};
use Kind::*;

/// Every figure, in the order of docs/reports.md.
pub const FIGURES: &[Figure] = &[
    staff(
        "wf.headcount",
        Count,
        ("headcount", None),
        Neither,
        Counts::Staff {
            of: &[],
            within: None,
        },
    ),
    staff("wf.fte", Value, ("fte", None), Neither, Counts::Source),
    staff(
        "wf.bme_pct",
        Proportion,
        ("bme", Some("headcount")),
        Higher,
        of_staff(&[("wres_group", "BME")]),
    ),
    staff(
        "wf.ethnicity_unknown_pct",
        Proportion,
        ("ethnicity_unknown", Some("headcount")),
        Lower,
        of_staff(&[("wres_group", "Unknown")]),
    ),
    staff(
        "wf.bme_pct_band7plus",
        Proportion,
        ("bme_band7plus", Some("band7plus")),
        Higher,
        Counts::Staff {
            of: &[("band7plus", "yes"), ("wres_group", "BME")],
            within: Some(&[("band7plus", "yes")]),
        },
    ),
    staff(
        "wf.disability_pct",
        Proportion,
        ("disabled", Some("headcount")),
        Neither,
        of_staff(&[("disability", "Y")]),
    ),
    staff(
        "wf.male_pct",
        Proportion,
        ("male", Some("headcount")),
        Neither,
        of_staff(&[("sex", "1")]),
    ),
    rows("wf.turnover_pct", Proportion, TURNOVER_BOARD, Lower).needs("leavers"),
    Figure {
        id: "wres1.band_share",
        kind: Proportion,
        source: Source::Columns {
            query: BANDS,
            numerator: "staff",
            denominator: Some("band_staff"),
        },
        better: Neither,
        counts: Counts::RowShare {
            group: "wres_group",
        },
        needs: None,
    },
    Figure {
        counts: Counts::RowShare {
            group: "wres_group",
        },
        ..rows("wres1.band_count", Proportion, BAND_RETURN, Neither)
    },
    Figure {
        counts: Counts::RowShare {
            group: "disability",
        },
        ..rows("wdes1.band_share", Proportion, BAND_RETURN, Neither)
    },
    rows(
        "wres2.relative_likelihood",
        RelativeLikelihood,
        LIKELIHOODS,
        Neither,
    )
    .needs("recruitment"),
    rows(
        "wres3.relative_likelihood",
        RelativeLikelihood,
        LIKELIHOODS,
        Neither,
    )
    .needs("disciplinary"),
    rows(
        "wres4.relative_likelihood",
        RelativeLikelihood,
        LIKELIHOODS,
        Neither,
    )
    .needs("training"),
    Figure {
        counts: Counts::Staff {
            of: &[("wres_group", "BME")],
            within: Some(&[]),
        },
        // (judged against each band's own step, not one target)
        ..rows("wf.model_employer", Proportion, BAND_RETURN, Neither)
    },
    rows("pay.gender_gap_mean_pct", PayGap, PAY, Neither),
    rows("pay.gender_gap_median_pct", PayGap, PAY, Neither),
    rows("pay.ethnicity_gap_mean_pct", PayGap, PAY, Neither),
    rows("pay.ethnicity_gap_median_pct", PayGap, PAY, Neither),
    rows("pay.disability_gap_mean_pct", PayGap, PAY, Neither),
    rows("pay.disability_gap_median_pct", PayGap, PAY, Neither),
    Figure {
        counts: Counts::RowShare { group: "pay_group" },
        ..rows("pay.quartile_share", Proportion, PAY, Neither)
    },
    Figure {
        counts: Counts::Staff {
            of: &[("board", "yes"), ("wres_group", "BME")],
            within: Some(&[("board", "yes")]),
        },
        ..rows("wres9.board_bme_pct", Proportion, TURNOVER_BOARD, Higher)
    },
    Figure {
        counts: Counts::Staff {
            of: &[("board", "yes"), ("disability", "Y")],
            within: Some(&[("board", "yes")]),
        },
        ..rows(
            "wdes10.board_disability_pct",
            Proportion,
            TURNOVER_BOARD,
            Neither,
        )
    },
    rows(
        "wdes2.relative_likelihood",
        RelativeLikelihood,
        LIKELIHOODS,
        Neither,
    )
    .needs("recruitment"),
    staff(
        "train.interpreters_clinical_pct",
        Proportion,
        ("clinical_interpreters", Some("clinical")),
        Higher,
        Counts::Own,
    )
    .needs("training"),
    staff(
        "train.cultural_competence_pct",
        Proportion,
        ("cultural_competence", Some("headcount")),
        Higher,
        Counts::Own,
    )
    .needs("training"),
    staff(
        "mentoring.bme_matched",
        Count,
        ("bme_mentees_matched", None),
        Higher,
        Counts::Own,
    )
    .needs("mentoring"),
    referral_value("tt.referrals", Count, "referrals", Neither),
    rows("tt.access_rate_per_1000", RatePer1000, ACCESS, Neither),
    rows("tt.representation_ratio", Ratio, ACCESS, Neither),
    referral_value("tt.entered_treatment", Count, "entered", Neither),
    referral_share("tt.uptake_pct", "taken_up", "referrals", Higher),
    referral_share("tt.dna_pct", "dna", "dna_or_attended", Lower),
    referral_share(
        "tt.ended_without_treatment_pct",
        "ended_untreated",
        "ended",
        Lower,
    ),
    referral_value("tt.finished_treatment", Count, "finished", Neither),
    referral_share("tt.recovery_pct", "recovered", "at_caseness", Higher),
    referral_share("tt.reliable_improvement_pct", "improved", "paired", Higher),
    referral_share(
        "tt.reliable_recovery_pct",
        "reliably_recovered",
        "at_caseness",
        Higher,
    ),
    referral_share(
        "tt.reliable_deterioration_pct",
        "deteriorated",
        "paired",
        Lower,
    ),
    referral_share("tt.wait_6wk_pct", "wait_6wk", "finished", Higher),
    referral_share("tt.wait_18wk_pct", "wait_18wk", "finished", Higher),
    referral_value("tt.wait_median_days", Value, "wait_median", Lower),
    referral_share("tt.interpreter_pct", "interpreter", "referrals", Neither),
    referral_value("tt.culturally_adapted_sessions", Count, "adapted", Higher),
    referral_share("tt.paired_scores_pct", "paired", "finished", Higher),
    referral_share(
        "tt.second_wait_over_90d_pct",
        "second_wait_long",
        "finished",
        Lower,
    ),
    referral_share(
        "tt.second_wait_over_28d_pct",
        "second_wait_short",
        "finished",
        Lower,
    ),
    ethnicity_gap("tt.recovery_gap_pp", "recovered", "at_caseness"),
    ethnicity_gap(
        "tt.reliable_recovery_gap_pp",
        "reliably_recovered",
        "at_caseness",
    ),
    gradient(
        "tt.recovery_sii_pp",
        Slope,
        REFERRALS,
        "recovered",
        Some("at_caseness"),
    ),
    gradient(
        "tt.recovery_rii",
        RelativeIndex,
        REFERRALS,
        "recovered",
        Some("at_caseness"),
    ),
    gradient(
        "tt.access_sii_per_1000",
        Slope,
        ACCESS,
        "tt.access_rate_per_1000:numerator",
        None,
    ),
    gradient(
        "tt.access_rii",
        RelativeIndex,
        ACCESS,
        "tt.access_rate_per_1000:numerator",
        None,
    ),
    Figure {
        id: "tt.access_rate_std_per_1000",
        kind: RatePer1000,
        source: Source::Rows {
            query: STANDARDISED,
        },
        better: Neither,
        counts: Counts::Numerator("tt.access_rate_per_1000:numerator"),
        needs: None,
    },
    survey("survey.wres5"),
    survey("survey.wres6"),
    survey("survey.wres7"),
    survey("survey.wres8"),
    survey("survey.wdes4a"),
    survey("survey.wdes4b"),
    survey("survey.wdes4c"),
    survey("survey.wdes4d"),
    survey("survey.wdes5"),
    survey("survey.wdes6"),
    survey("survey.wdes7"),
    survey("survey.wdes8"),
    survey("survey.wdes9a"),
];
