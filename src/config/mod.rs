//! Settings: the embedded `config/default.toml`, a site file laid over it, then
//! `EQUITY_REPORTS__SECTION__KEY` environment variables. The only code that reads
//! configuration or the environment. A wrong key or value is refused with its path.

mod check;
mod load;
mod workforce;

pub use workforce::{MODEL_EMPLOYER_BANDS, ModelEmployer, Workforce};

pub use load::{load_settings, load_settings_from};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;

/// The defaults shipped with the program.
pub const DEFAULT_TOML: &str = include_str!("../../config/default.toml");

/// Prefix of environment variables that override settings.
const ENV_PREFIX: &str = "EQUITY_REPORTS__";

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {cause}")]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("config file {path} is not valid TOML: {message}")]
    Parse { path: String, message: String },
    #[error("config key `{key}` (from {origin}): {message}")]
    Key {
        key: String,
        origin: String,
        message: String,
    },
}

/// Every setting the program reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub paths: Paths,
    pub report: ReportSettings,
    pub partners: Vec<Partner>,
    pub recipients: Recipients,
    pub reports: BTreeMap<String, ReportRoute>,
    pub baseline: Baseline,
    pub targets: BTreeMap<String, Target>,
    #[serde(default)]
    pub comparators: Comparators,
    pub training: Training,
    pub mentoring: Mentoring,
    pub workforce: Workforce,
    pub quality: QualitySettings,
    pub clinical: Clinical,
    pub spc: SpcSettings,
    pub key_messages: KeyMessageSettings,
    pub benchmark: Benchmark,
    pub priority_groups: PriorityGroups,
    pub eastern_european: EasternEuropean,
    pub disclosure: Disclosure,
    pub smtp: Smtp,
    pub schedule: Schedule,
    pub engine: Engine,
    /// SHA-256 of the effective settings (defaults, site file and environment laid
    /// together), recorded in each manifest.
    #[serde(skip)]
    pub digest: String,
    /// Where the settings came from (defaults, site file, environment), for a setting
    /// found wrong after loading.
    #[serde(skip)]
    pub origin: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paths {
    pub data: PathBuf,
    pub out: PathBuf,
    pub outbox: PathBuf,
    /// The run ledger; empty means `ledger.sqlite` in the output root.
    pub ledger: PathBuf,
    /// Let the owner's group read what a run writes (folders 0750, files 0640); by
    /// default only the owner can (0700, 0600): the outputs hold exact small counts.
    pub group_readable: bool,
}

impl Settings {
    /// The settings as a run over `period` reads them: each target set as a trajectory
    /// takes the step of the financial year the period ends in.
    pub fn for_period(&self, period: &crate::period::Period) -> Settings {
        use chrono::Datelike;
        let end = period.end;
        let first = if end.month() >= 4 {
            end.year()
        } else {
            end.year() - 1
        };
        let mut s = self.clone();
        for t in s.targets.values_mut() {
            (t.value, t.year) = t.of_year(first);
        }
        s
    }

    /// A setting found wrong after loading (by the module that reads it), named with
    /// where the settings came from.
    pub fn key_error(&self, key: String, message: String) -> ConfigError {
        ConfigError::Key {
            key,
            origin: self.origin.clone(),
            message,
        }
    }

    /// These settings for a run writing under `out`: the outbox resolved.
    pub fn for_out(&self, out: &Path) -> Settings {
        let mut s = self.clone();
        s.paths.outbox = self.paths.outbox_for(out);
        s
    }
}

impl Paths {
    /// The outbox of an output root: `paths.outbox`, or `outbox` in the output root
    /// when that is empty, so that `--out` moves the e-mails with everything else.
    pub fn outbox_for(&self, out: &Path) -> PathBuf {
        if self.outbox.as_os_str().is_empty() {
            out.join("outbox")
        } else {
            self.outbox.clone()
        }
    }

    /// The ledger file for outputs under `out`.
    pub fn ledger_for(&self, out: &Path) -> PathBuf {
        if self.ledger.as_os_str().is_empty() {
            out.join("ledger.sqlite")
        } else {
            self.ledger.clone()
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSettings {
    pub organisation: String,
    pub classification: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipients {
    pub sdg: Vec<String>,
    pub partnership_board: Vec<String>,
    pub admins: Vec<String>,
}

impl Recipients {
    /// The addresses of a named list.
    pub fn list(&self, name: &str) -> Option<&[String]> {
        match name {
            "sdg" => Some(&self.sdg),
            "partnership_board" => Some(&self.partnership_board),
            "admins" => Some(&self.admins),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportRoute {
    pub recipients: Vec<String>,
}

// No deny_unknown_fields: the flattened map takes every metric id; they are checked below.
#[derive(Debug, Clone, Deserialize)]
pub struct Baseline {
    pub label: String,
    #[serde(flatten)]
    pub values: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub value: f64,
    pub amber_margin: f64,
    /// Where the target comes from (a national standard's publication, the action
    /// plan), named on the methodology page.
    #[serde(default)]
    pub source: Option<String>,
    /// A trajectory: the target of each financial year that has its own (`"2025-26" =
    /// 0.48`), held until the next year named; `value` is the target before the first.
    #[serde(default)]
    pub by_year: BTreeMap<String, f64>,
    /// The financial year (`2025/26`) whose step of the trajectory `value` holds, once
    /// the settings are read for a period ([`Settings::for_period`]).
    #[serde(skip)]
    pub year: Option<String>,
}

impl Target {
    /// The target of the financial year `first` (2025 for 2025/26): the step of the
    /// latest year named on or before it, with that year; else `value` and no year.
    pub fn of_year(&self, first: i32) -> (f64, Option<String>) {
        self.by_year
            .iter()
            .filter_map(|(k, v)| Some((financial_year_start(k)?, *v)))
            .filter(|(y, _)| *y <= first)
            .max_by_key(|(y, _)| *y)
            .map_or((self.value, None), |(y, v)| {
                (v, Some(format!("{y}/{:02}", (y + 1) % 100)))
            })
    }
}

/// The first calendar year of a financial year written `2025-26`; None when the form is
/// wrong or the second year does not follow the first.
pub fn financial_year_start(key: &str) -> Option<i32> {
    let (a, b) = key.split_once('-')?;
    let first: i32 = a.parse().ok().filter(|_| a.len() == 4)?;
    let second: i32 = b.parse().ok().filter(|_| b.len() == 2)?;
    (second == (first + 1) % 100).then_some(first)
}

/// Published figures to set beside the partnership's, by comparator.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comparators {
    /// England's figures, by metric id, as an analyst entered them from NHS England's
    /// published statistics.
    #[serde(default)]
    pub england: BTreeMap<String, Comparator>,
}

/// One published figure and where it comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comparator {
    pub value: f64,
    /// The publication it was taken from.
    #[serde(default)]
    pub source: String,
    /// The period it covers, as the publication names it.
    #[serde(default)]
    pub period: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Training {
    pub interpreters: Vec<String>,
    pub cultural_competence: Vec<String>,
    pub anti_racism: Vec<String>,
    pub disability_ltc: Vec<String>,
}

impl Training {
    /// (target, course code) pairs, course codes lower-cased as the data is.
    pub fn course_rows(&self) -> Vec<(String, String)> {
        let groups = [
            ("interpreters", &self.interpreters),
            ("cultural_competence", &self.cultural_competence),
            ("anti_racism", &self.anti_racism),
            ("disability_ltc", &self.disability_ltc),
        ];
        groups
            .iter()
            .flat_map(|(t, cs)| cs.iter().map(|c| (t.to_string(), c.trim().to_lowercase())))
            .collect()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mentoring {
    pub bme_programme: String,
}

/// The clinical thresholds and wait limits of the NHS Talking Therapies measures
/// (docs/reports.md), filled into the SQL.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clinical {
    /// At caseness: PHQ-9 at or above this, or GAD-7 at or above its own.
    pub caseness_phq9: u32,
    pub caseness_gad7: u32,
    /// A reliable change: a PHQ-9 change of at least this, or a GAD-7 change of its own.
    pub reliable_change_phq9: u32,
    pub reliable_change_gad7: u32,
    /// Waits from referral to first treatment, in days, for the 6- and 18-week figures.
    pub wait_6wk_days: u32,
    pub wait_18wk_days: u32,
}

/// How series are read for change over time (`[spc]`, docs/reports.md "Change over
/// time").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpcSettings {
    /// Months of each service series, to the period's end.
    pub months: u32,
    /// Months after the extracts' first referral before a series of a later event
    /// (first treatment, the end of treatment) starts: until then only short courses
    /// can have reached it.
    pub settle_months: u32,
    /// The service figures read month by month (registry ids).
    pub service_figures: Vec<String>,
    /// The workforce figures read at each quarter-end snapshot (registry ids).
    pub workforce_figures: Vec<String>,
    pub shift_run: usize,
    pub trend_run: usize,
    pub screen_moving_ranges: bool,
    pub min_points: usize,
    pub trial_below: usize,
    /// Limits from the first N points only; 0 for all.
    pub fix_after: usize,
    /// Months (YYYY-MM) from which limits are worked out afresh.
    pub rebase: Vec<String>,
}

impl SpcSettings {
    /// The engine's settings for a series whose points are `months` (YYYY-MM, in
    /// order): a rebase month becomes the point it falls on.
    pub fn engine(&self, months: &[String]) -> crate::spc::Settings {
        crate::spc::Settings {
            shift_run: self.shift_run,
            trend_run: self.trend_run,
            screen: self.screen_moving_ranges,
            min_points: self.min_points,
            trial_below: self.trial_below,
            fix_after: (self.fix_after > 0).then_some(self.fix_after),
            rebase: self
                .rebase
                .iter()
                .filter_map(|r| months.iter().position(|m| m >= r))
                .collect(),
        }
    }
}

/// How many key messages open a report, and when data-quality problems are large
/// enough to be one (`[key_messages]`, README "Key messages").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyMessageSettings {
    /// At most this many messages; the rest are counted ("and 3 more").
    pub max: usize,
    /// A dataset whose problem rows are at least this share of its rows read is a
    /// message (a fraction).
    pub quality_share: f64,
}

/// Row-level checks that are settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualitySettings {
    /// Dates before this (YYYY-MM-DD) are counted as data-quality problems.
    pub earliest_date: String,
}

impl QualitySettings {
    /// `earliest_date` as a date (checked when the settings were loaded).
    pub fn earliest(&self) -> chrono::NaiveDate {
        self.earliest_date
            .parse()
            .unwrap_or(chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date"))
    }
}

/// The population the workforce mix is compared with: groups of ethnic category codes
/// and how many residents each has.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Benchmark {
    pub label: String,
    pub source: String,
    pub groups: Vec<BenchmarkGroup>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkGroup {
    pub name: String,
    pub codes: Vec<String>,
    pub residents: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityGroups {
    pub older_age: u32,
    pub ethnic_codes: Vec<PriorityEthnicCode>,
}

impl PriorityGroups {
    /// Every priority group's name in report order: the configured ethnic groups, then
    /// Eastern European, Men and the older-age group.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.ethnic_codes.iter().map(|g| g.name.clone()).collect();
        v.push("Eastern European".into());
        v.push("Men".into());
        v.push(format!("Aged {}+", self.older_age));
        v
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityEthnicCode {
    pub name: String,
    pub code: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EasternEuropean {
    pub detail_codes: Vec<String>,
    pub names: Vec<String>,
}

impl EasternEuropean {
    /// Every detail value that maps to Eastern European, upper-cased as the data is.
    pub fn detail_values(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .detail_codes
            .iter()
            .chain(&self.names)
            .map(|s| s.trim().to_uppercase())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disclosure {
    pub min_count: u64,
    pub round_to: u64,
    /// Rounding for the PDF a recipient list gets, in place of `round_to` (e.g. counts
    /// rounded to 5 for a wider audience); a list not named here gets `round_to`.
    #[serde(default)]
    pub round_to_by_list: BTreeMap<String, u64>,
}

impl Disclosure {
    /// The rounding of the PDF a recipient list gets.
    pub fn round_to_for(&self, list: &str) -> u64 {
        self.round_to_by_list
            .get(list)
            .copied()
            .unwrap_or(self.round_to)
    }

    /// These rules with another rounding.
    pub fn with_round_to(&self, round_to: u64) -> Disclosure {
        Disclosure {
            round_to,
            ..self.clone()
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    None,
    Starttls,
    Tls,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    pub password_env: String,
    /// Log in with `security = "none"` (the password sent unencrypted): only for a
    /// relay on the same machine.
    pub allow_plaintext_auth: bool,
    pub from: String,
    pub timeout_seconds: u64,
    /// A PEM certificate authority trusted besides the system's (empty: none).
    pub ca_file: PathBuf,
    /// Waits before each further try of a transient failure, in seconds.
    pub retry_seconds: Vec<u64>,
    /// Larger PDFs are not attached; the e-mail says where they are archived.
    pub max_attachment_bytes: u64,
    /// Attach the report's HTML twin beside the PDF.
    pub attach_html: bool,
    /// Lists that differ from `attach_html`, e.g. `{ admins = false }`.
    #[serde(default)]
    pub attach_html_by_list: BTreeMap<String, bool>,
}

/// How the queries run.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Engine {
    /// Which engine runs the queries: `local` (in this process) or `ballista`.
    pub kind: EngineKind,
    /// The Ballista scheduler (`df://host:50050`), or `standalone` for a scheduler and
    /// executor started inside this process.
    pub scheduler: String,
    /// A folder every executor reads and writes at this same path, for a run's
    /// per-run tables (removed when the run ends); locally, for the tables past
    /// `table_memory_mib`. Empty: the temporary folder here.
    pub work_dir: PathBuf,
    /// On a cluster, the longest a query may take before the run stops with an
    /// error (a lost executor leaves a query waiting). 0: no limit.
    pub query_timeout_seconds: u64,
    /// Memory the query engine may hold at once, in MiB. Sorts and aggregations past it
    /// spill to disk; a join whose smaller side does not fit fails with a message that
    /// names this setting. 0: no limit.
    pub memory_limit_mib: u64,
    /// Where spilled data goes; empty: the system's temporary folder.
    pub spill_dir: PathBuf,
    /// Memory this process's per-run tables may hold together, in MiB, outside
    /// `memory_limit_mib`; a table past it is written to the run's folder under
    /// `work_dir` and read from there. 0: every per-run table on disk.
    pub table_memory_mib: u64,
    /// The bits of an id's hash the repeated-id checks group by (1 to 64): fewer force
    /// collisions, which the checks resolve by the ids' text (set low by tests).
    pub id_hash_bits: u32,
}

/// The query engines a run can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    Local,
    Ballista,
}

/// Automatic runs: cron patterns per report, read in `timezone`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub timezone: String,
    pub catch_up_days: u32,
    pub data_retry_minutes: Vec<u64>,
    pub heartbeat_seconds: u32,
    pub reports: BTreeMap<String, String>,
}

impl Smtp {
    /// The password from the environment, if the variable is set. Never logged.
    pub fn password(&self) -> Option<SecretString> {
        std::env::var(&self.password_env)
            .ok()
            .filter(|p| !p.is_empty())
            .map(SecretString::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn defaults_load_with_eleven_partners() {
        let s = load_settings_from(None, &[]).unwrap();
        assert_eq!(s.partners.len(), 11);
        assert_eq!(s.baseline.values["wf.bme_pct"], 0.198);
        assert_eq!(s.smtp.host, "");
        assert_eq!(s.reports["workforce-quarterly"].recipients, vec!["sdg"]);
    }

    #[test]
    fn environment_overrides_with_types() {
        let s = load_settings_from(
            None,
            &env(&[
                ("EQUITY_REPORTS__SMTP__HOST", "127.0.0.1"),
                ("EQUITY_REPORTS__SMTP__PORT", "2525"),
                ("EQUITY_REPORTS__SMTP__SECURITY", "none"),
            ]),
        )
        .unwrap();
        assert_eq!(s.smtp.host, "127.0.0.1");
        assert_eq!(s.smtp.port, 2525);
        assert_eq!(s.smtp.security, Security::None);
    }

    #[test]
    fn misspelt_key_is_named() {
        let e = load_settings_from(None, &env(&[("EQUITY_REPORTS__SMTP__HOTS", "x")])).unwrap_err();
        let m = e.to_string();
        assert!(m.contains("smtp") && m.contains("hots"), "{m}");
    }

    /// Targets and comparators that cannot be judged or shown are refused at start,
    /// each with its key: the message names what is wrong.
    #[test]
    fn bad_targets_and_comparators_are_refused_with_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("site.toml");
        let refused = |text: &str| {
            std::fs::write(&f, text).unwrap();
            load_settings_from(Some(&f), &[]).unwrap_err().to_string()
        };
        let cases = [
            (
                "[targets.\"tt.recovery\"]\nvalue = 0.5\namber_margin = 0.05\n",
                "targets.tt.recovery",
                "not a metric id",
            ),
            (
                "[targets.\"tt.recovery_pct\"]\nvalue = 50\namber_margin = 0.05\n",
                "targets.tt.recovery_pct.value",
                "not a fraction between 0 and 1",
            ),
            (
                "[targets.\"tt.dna_pct\"]\nvalue = 0.1\namber_margin = 5\n",
                "targets.tt.dna_pct.amber_margin",
                "not a fraction between 0 and 1",
            ),
            (
                "[targets.\"tt.referrals\"]\nvalue = 100\namber_margin = 5\n",
                "targets.tt.referrals",
                "takes no target",
            ),
            (
                "[comparators.england.\"tt.recovery_pct\"]\nvalue = 0.5\nperiod = \"2024-25\"\n",
                "comparators.england.tt.recovery_pct.source",
                "publication",
            ),
            (
                "[comparators.england.\"tt.recovery_pct\"]\nvalue = 0.5\nsource = \"x\"\n",
                "comparators.england.tt.recovery_pct.period",
                "period",
            ),
            (
                "[comparators.england.\"tt.recovery_pct\"]\nvalue = 48\nsource = \"x\"\nperiod = \"y\"\n",
                "comparators.england.tt.recovery_pct.value",
                "not a fraction between 0 and 1",
            ),
            (
                "[comparators.england.\"tt.recovery\"]\nvalue = 0.5\nsource = \"x\"\nperiod = \"y\"\n",
                "comparators.england.tt.recovery",
                "not a metric id",
            ),
            (
                "[targets.\"tt.recovery_pct\"]\nvalue = 0.5\namber_margin = 0.05\nby_year = { \"2025-27\" = 0.5 }\n",
                "targets.tt.recovery_pct.by_year.2025-27",
                "not a financial year",
            ),
            (
                "[targets.\"tt.recovery_pct\"]\nvalue = 0.5\namber_margin = 0.05\nby_year = { \"2025-26\" = 51 }\n",
                "targets.tt.recovery_pct.by_year.2025-26",
                "not a fraction between 0 and 1",
            ),
        ];
        for (text, key, why) in cases {
            let m = refused(text);
            assert!(m.contains(key) && m.contains(why), "{text}: {m}");
        }
        // a local target for a figure with a direction, and a comparator with its source
        std::fs::write(
            &f,
            "[targets.\"tt.uptake_pct\"]\nvalue = 0.8\namber_margin = 0.05\n\
             [comparators.england.\"tt.recovery_pct\"]\nvalue = 0.5\nsource = \"x\"\nperiod = \"y\"\n",
        )
        .unwrap();
        let s = load_settings_from(Some(&f), &[]).unwrap();
        assert_eq!(s.targets["tt.uptake_pct"].value, 0.8);
        assert_eq!(s.targets["tt.recovery_pct"].value, 0.5);
        assert_eq!(s.comparators.england["tt.recovery_pct"].source, "x");
    }

    /// A trajectory's step is the one of the financial year the period ends in, held
    /// until the next year named; before the first, the plain value.
    #[test]
    fn a_target_by_year_is_the_step_of_the_year_the_period_ends_in() {
        let s = load_settings_from(None, &[]).unwrap();
        let at = |period: &str| {
            let p = crate::period::Period::parse(period).unwrap();
            let t = &s.for_period(&p).targets["tt.reliable_recovery_pct"];
            (t.value, t.year.clone())
        };
        let year = |y: &str| Some(y.to_string());
        assert_eq!(at("FY2025-26"), (0.48, year("2025/26")));
        // a quarter ending in March belongs to the year before
        assert_eq!(at("2026-Q1"), (0.48, year("2025/26")));
        assert_eq!(at("2026-Q2"), (0.51, year("2026/27")));
        assert_eq!(at("FY2026-27-H2"), (0.51, year("2026/27")));
        // no step for 2027/28: 2026/27's holds; 2028/29 has its own
        assert_eq!(at("FY2027-28"), (0.51, year("2026/27")));
        assert_eq!(at("FY2028-29"), (0.53, year("2028/29")));
        assert_eq!(at("FY2024-25"), (0.48, None));
        let improvement = &s
            .for_period(&crate::period::Period::parse("FY2026-27").unwrap())
            .targets["tt.reliable_improvement_pct"];
        assert_eq!(
            (improvement.value, improvement.year.as_deref()),
            (0.69, Some("2026/27"))
        );
        // a target with no trajectory has no year
        assert_eq!(
            s.for_period(&crate::period::Period::parse("FY2026-27").unwrap())
                .targets["tt.recovery_pct"]
                .year,
            None
        );
        assert_eq!(financial_year_start("2099-00"), Some(2099));
        assert_eq!(financial_year_start("25-26"), None);
    }

    #[test]
    fn misspelt_metric_id_in_targets_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("site.toml");
        std::fs::write(
            &f,
            "[targets.\"wf.bme_pc\"]\nvalue = 0.2\namber_margin = 0.01\n",
        )
        .unwrap();
        let m = load_settings_from(Some(&f), &[]).unwrap_err().to_string();
        assert!(m.contains("targets.wf.bme_pc"), "{m}");
    }

    #[test]
    fn benchmark_codes_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("site.toml");
        for (codes, expected) in [
            (
                r#"["A", "Z"]"#,
                "\"Z\" is not an ethnic_category code A to S",
            ),
            (r#"["A", "B"]"#, "\"A\" is in more than one group"),
        ] {
            std::fs::write(
                &f,
                format!(
                    "[benchmark]\nlabel = \"x\"\nsource = \"y\"\ngroups = [\n\
                     {{ name = \"one\", codes = {codes}, residents = 10 }},\n\
                     {{ name = \"two\", codes = [\"A\"], residents = 5 }},\n]\n"
                ),
            )
            .unwrap();
            let m = load_settings_from(Some(&f), &[]).unwrap_err().to_string();
            assert!(
                m.contains("benchmark.groups") && m.contains(expected),
                "{m}"
            );
        }
    }

    #[test]
    fn wrong_value_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("site.toml");
        std::fs::write(&f, "[disclosure]\nmin_count = \"five\"\n").unwrap();
        let m = load_settings_from(Some(&f), &[]).unwrap_err().to_string();
        assert!(m.contains("disclosure.min_count"), "{m}");
        std::fs::write(
            &f,
            "[reports.workforce-quarterly]\nrecipients = [\"board\"]\n",
        )
        .unwrap();
        let m = load_settings_from(Some(&f), &[]).unwrap_err().to_string();
        assert!(
            m.contains("reports.workforce-quarterly.recipients") && m.contains("board"),
            "{m}"
        );
    }
}
