//! The checks the settings must pass before any work: each refusal names the key.

use super::{Benchmark, Comparator, Settings, Target};
use crate::registry::Kind;

/// Every known ethnic code at most once, and residents in every group: the shares are
/// residents over the groups' total.
pub(super) fn check_benchmark(b: &Benchmark) -> Result<(), (String, String)> {
    let mut seen: Vec<&str> = Vec::new();
    for (i, g) in b.groups.iter().enumerate() {
        if g.residents == 0 {
            return Err((
                format!("benchmark.groups[{i}].residents"),
                "must be more than 0".into(),
            ));
        }
        for c in &g.codes {
            let known = crate::contract::ETHNIC_CODES
                .iter()
                .any(|e| e.code == c && e.wres != "Unknown");
            if !known {
                return Err((
                    format!("benchmark.groups[{i}].codes"),
                    format!("{c:?} is not an ethnic_category code A to S"),
                ));
            }
            if seen.contains(&c.as_str()) {
                return Err((
                    format!("benchmark.groups[{i}].codes"),
                    format!("{c:?} is in more than one group"),
                ));
            }
            seen.push(c);
        }
    }
    Ok(())
}

/// Checks serde cannot express; returns (key, message).
pub(super) fn check_settings(s: &Settings) -> Result<(), (String, String)> {
    let err = |k: &str, m: String| Err((k.to_string(), m));
    let c = &s.clinical;
    for (key, v, most) in [
        ("clinical.caseness_phq9", c.caseness_phq9, 27),
        ("clinical.reliable_change_phq9", c.reliable_change_phq9, 27),
        ("clinical.caseness_gad7", c.caseness_gad7, 21),
        ("clinical.reliable_change_gad7", c.reliable_change_gad7, 21),
    ] {
        if v == 0 || v > most {
            return err(key, format!("{v} is not a score from 1 to {most}"));
        }
    }
    if c.wait_6wk_days == 0 || c.wait_6wk_days > c.wait_18wk_days {
        return err(
            "clinical.wait_6wk_days",
            format!(
                "{} days is not from 1 to clinical.wait_18wk_days ({})",
                c.wait_6wk_days, c.wait_18wk_days
            ),
        );
    }
    if !(1..=64).contains(&s.engine.id_hash_bits) {
        return err(
            "engine.id_hash_bits",
            format!(
                "{} is not a number of bits from 1 to 64",
                s.engine.id_hash_bits
            ),
        );
    }
    if s.quality
        .earliest_date
        .parse::<chrono::NaiveDate>()
        .is_err()
    {
        return err(
            "quality.earliest_date",
            format!(
                "{:?} is not a date in the form 2000-01-01",
                s.quality.earliest_date
            ),
        );
    }
    if s.partners.is_empty() {
        return err("partners", "at least one partner is needed".into());
    }
    let mut codes: Vec<String> = s.partners.iter().map(|p| p.code.to_uppercase()).collect();
    codes.sort();
    if let Some(w) = codes.windows(2).find(|w| w[0] == w[1]) {
        return err("partners", format!("partner code {} is listed twice", w[0]));
    }
    for (i, p) in s.partners.iter().enumerate() {
        if p.code.trim().is_empty()
            || p.code.trim() != p.code
            || p.code.eq_ignore_ascii_case("Unlisted")
        {
            return err(
                &format!("partners[{i}].code"),
                format!("invalid partner code {:?}", p.code),
            );
        }
    }
    for (report, route) in &s.reports {
        if let Err(unknown) = report.parse::<crate::catalog::ReportId>() {
            return err(&format!("reports.{report}"), unknown.to_string());
        }
        for list in &route.recipients {
            if s.recipients.list(list).is_none() {
                return err(
                    &format!("reports.{report}.recipients"),
                    format!("unknown list {list:?}; lists are sdg, partnership_board, admins"),
                );
            }
        }
    }
    let lists = [
        ("recipients.sdg", &s.recipients.sdg),
        (
            "recipients.partnership_board",
            &s.recipients.partnership_board,
        ),
        ("recipients.admins", &s.recipients.admins),
    ];
    for (key, addrs) in lists {
        for a in addrs {
            if a.parse::<lettre::message::Mailbox>().is_err() {
                return err(key, format!("not an e-mail address: {a:?}"));
            }
        }
    }
    // a password over a connection without TLS crosses the network readable
    if s.smtp.security == super::Security::None
        && !s.smtp.username.is_empty()
        && !s.smtp.allow_plaintext_auth
    {
        return err(
            "smtp.security",
            "is none while smtp.username is set: the password would cross the network \
             unencrypted; use starttls or tls, or set smtp.allow_plaintext_auth = true for a \
             relay on this machine"
                .into(),
        );
    }
    if s.smtp.from.parse::<lettre::message::Mailbox>().is_err() {
        return err(
            "smtp.from",
            format!("not an e-mail address: {:?}", s.smtp.from),
        );
    }
    for k in s.baseline.values.keys() {
        if crate::registry::figure(k).is_none() {
            return err(
                &format!("baseline.{k}"),
                "not a metric id of docs/reports.md".into(),
            );
        }
    }
    for (k, v) in &s.baseline.values {
        if !(0.0..=1.0).contains(v) {
            return err(
                &format!("baseline.{k}"),
                format!("{v} is not a fraction between 0 and 1"),
            );
        }
    }
    for (k, t) in &s.targets {
        check_target(k, t)?;
    }
    for (k, c) in &s.comparators.england {
        check_comparator(k, c)?;
    }
    if s.disclosure.min_count == 0 {
        return err("disclosure.min_count", "must be at least 1".into());
    }
    if ![0, 5, 10].contains(&s.disclosure.round_to) {
        return err(
            "disclosure.round_to",
            format!("{} is not 0, 5 or 10", s.disclosure.round_to),
        );
    }
    for list in s.smtp.attach_html_by_list.keys() {
        if s.recipients.list(list).is_none() {
            return err(
                &format!("smtp.attach_html_by_list.{list}"),
                "unknown list; lists are sdg, partnership_board, admins".into(),
            );
        }
    }
    for (list, r) in &s.disclosure.round_to_by_list {
        let key = format!("disclosure.round_to_by_list.{list}");
        if s.recipients.list(list).is_none() {
            return err(
                &key,
                "not a recipient list (sdg, partnership_board, admins)".into(),
            );
        }
        if ![0, 5, 10].contains(r) {
            return err(&key, format!("{r} is not 0, 5 or 10"));
        }
    }
    if !matches!(s.workforce.disciplinary_window_months, 12 | 24) {
        return err(
            "workforce.disciplinary_window_months",
            format!("{} is not 12 or 24", s.workforce.disciplinary_window_months),
        );
    }
    let me = &s.workforce.model_employer;
    for (band, share) in &me.baseline {
        let key = format!("workforce.model_employer.baseline.\"{band}\"");
        if !super::MODEL_EMPLOYER_BANDS.contains(&band.as_str()) {
            return err(&key, format!("{band} is not one of 8A, 8B, 8C, 8D, 9, VSM"));
        }
        if !(0.0..=1.0).contains(share) {
            return err(&key, format!("{share} is not a share from 0 to 1"));
        }
    }
    if me.goal.is_some_and(|g| !(0.0..=1.0).contains(&g)) {
        return err(
            "workforce.model_employer.goal",
            "must be a share from 0 to 1".into(),
        );
    }
    if me.goal_date <= me.baseline_date {
        return err(
            "workforce.model_employer.goal_date",
            format!(
                "{} is not after baseline_date {}",
                me.goal_date, me.baseline_date
            ),
        );
    }
    check_benchmark(&s.benchmark)?;
    if s.priority_groups.older_age > 120 {
        return err(
            "priority_groups.older_age",
            "must be an age in years".into(),
        );
    }
    check_spc(&s.spc)?;
    if s.key_messages.max == 0 {
        return Err((
            "key_messages.max".into(),
            "0 would leave out every message; give at least 1".into(),
        ));
    }
    if !(s.key_messages.quality_share > 0.0 && s.key_messages.quality_share <= 1.0) {
        return Err((
            "key_messages.quality_share".into(),
            format!(
                "{} is not a fraction above 0 and at most 1",
                s.key_messages.quality_share
            ),
        ));
    }
    for (i, g) in s.priority_groups.ethnic_codes.iter().enumerate() {
        if !crate::contract::ETHNIC_CODES
            .iter()
            .any(|c| c.code == g.code)
        {
            return err(
                &format!("priority_groups.ethnic_codes[{i}].code"),
                format!("{:?} is not an ethnic_category code", g.code),
            );
        }
    }
    Ok(())
}

/// The SPC settings: a series long enough to read, runs of at least two points, rebase
/// months as YYYY-MM, and figures that have a point a month. A figure over a rolling
/// window (the 12-month relative likelihoods) is refused: its months overlap, so its
/// points are not independent and the rules would see causes that are not there.
fn check_spc(p: &crate::config::SpcSettings) -> Result<(), (String, String)> {
    let err = |k: &str, m: String| Err((k.to_string(), m));
    if !(2..=120).contains(&p.months) {
        return err(
            "spc.months",
            format!("{} is not from 2 to 120 months", p.months),
        );
    }
    if p.settle_months >= p.months {
        return err(
            "spc.settle_months",
            format!(
                "{} leaves nothing of a series of spc.months = {} months",
                p.settle_months, p.months
            ),
        );
    }
    for (key, v) in [
        ("spc.shift_run", p.shift_run),
        ("spc.trend_run", p.trend_run),
    ] {
        if !(2..=20).contains(&v) {
            return err(key, format!("{v} is not from 2 to 20 points"));
        }
    }
    if p.min_points < 2 || p.trial_below < p.min_points {
        return err(
            "spc.trial_below",
            format!(
                "{} must be at least spc.min_points ({}), which must be at least 2",
                p.trial_below, p.min_points
            ),
        );
    }
    for (i, m) in p.rebase.iter().enumerate() {
        if chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").is_err() {
            return err(
                &format!("spc.rebase[{i}]"),
                format!("{m:?} is not a month like 2025-04"),
            );
        }
    }
    let lists = [
        ("service_figures", &p.service_figures, true),
        ("workforce_figures", &p.workforce_figures, false),
    ];
    for (list, ids, monthly) in lists {
        for (i, id) in ids.iter().enumerate() {
            let key = format!("spc.{list}[{i}]");
            let Some(f) = crate::registry::figure(id) else {
                return err(&key, format!("{id:?} is not a figure of docs/reports.md"));
            };
            if f.kind == crate::registry::Kind::RelativeLikelihood {
                return err(
                    &key,
                    format!(
                        "{id} is worked out over a rolling 12-month window, so its points \
                         overlap and are not independent: it is never put on an SPC chart"
                    ),
                );
            }
            if monthly && !crate::registry::monthly(id) {
                return err(
                    &key,
                    format!(
                        "{id} has no point a month (the monthly counts are those of \
                         queries/service/monthly.sql: the referral figures other than \
                         uptake by the period's end and the appointment counts)"
                    ),
                );
            }
            if !monthly && !crate::registry::quarterly(id) {
                return err(
                    &key,
                    format!(
                        "{id} has no point at each quarter-end snapshot (those are the \
                         staff-in-post figures wf.* of queries/workforce/quarterly.sql \
                         and turnover)"
                    ),
                );
            }
        }
    }
    Ok(())
}

/// A target names a figure that has a better direction; a percentage's target and
/// margin are fractions.
fn check_target(id: &str, t: &Target) -> Result<(), (String, String)> {
    let key = format!("targets.{id}");
    let Some(f) = crate::registry::figure(id) else {
        return Err((key, "not a metric id of docs/reports.md".into()));
    };
    if f.target_key().is_none() {
        return Err((
            key,
            "this figure is better neither higher nor lower, so it takes no target".into(),
        ));
    }
    if t.amber_margin < 0.0 {
        return Err((format!("{key}.amber_margin"), "must not be negative".into()));
    }
    for year in t.by_year.keys() {
        if super::financial_year_start(year).is_none() {
            return Err((
                format!("{key}.by_year.{year}"),
                "is not a financial year written 2025-26".into(),
            ));
        }
    }
    if f.kind == Kind::Proportion {
        let steps = t.by_year.iter().map(|(y, v)| (format!("by_year.{y}"), *v));
        let values = [
            ("value".to_string(), t.value),
            ("amber_margin".into(), t.amber_margin),
        ];
        for (name, v) in values.into_iter().chain(steps) {
            if !(0.0..=1.0).contains(&v) {
                return Err((
                    format!("{key}.{name}"),
                    format!("{v} is not a fraction between 0 and 1 (0.75 is 75 %)"),
                ));
            }
        }
    }
    if t.source.as_deref().is_some_and(|s| s.trim().is_empty()) {
        return Err((format!("{key}.source"), "is empty".into()));
    }
    Ok(())
}

/// A comparator names a figure, says where it comes from, and a percentage is a
/// fraction.
fn check_comparator(id: &str, c: &Comparator) -> Result<(), (String, String)> {
    let key = format!("comparators.england.{id}");
    let Some(f) = crate::registry::figure(id) else {
        return Err((key, "not a metric id of docs/reports.md".into()));
    };
    if f.kind == Kind::Proportion && !(0.0..=1.0).contains(&c.value) {
        return Err((
            format!("{key}.value"),
            format!(
                "{} is not a fraction between 0 and 1 (0.75 is 75 %)",
                c.value
            ),
        ));
    }
    if !c.value.is_finite() || c.value < 0.0 {
        return Err((
            format!("{key}.value"),
            format!("{} is not a figure", c.value),
        ));
    }
    for (name, v) in [("source", &c.source), ("period", &c.period)] {
        if v.trim().is_empty() {
            return Err((
                format!("{key}.{name}"),
                format!(
                    "missing: a published figure is shown only with the {} it comes from",
                    if name == "source" {
                        "publication"
                    } else {
                        "period"
                    }
                ),
            ));
        }
    }
    Ok(())
}
