//! The DataFusion session: every dataset registered as a listing table (`raw_<name>`),
//! a view `<name>` over it that queries read ([`super::views`]: types unified, codes
//! normalised once), reference tables from the contract and the settings
//! ([`super::reference`]). Tables several queries share are built on first need
//! (`queries/tables/`).

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema};
use chrono::NaiveDate;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::execution::memory_pool::{FairSpillPool, TrackConsumersPool};
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::config::Settings;
use crate::contract;
use crate::data::engine;
use crate::data::inventory::{FoundDataset, Inventory};
use crate::data::query::{self, QueryError};
use crate::data::reference::{code_lists, reference_tables};
use crate::data::views::{empty_table_sql, normalise_view_sql, scan_type};
use crate::period::Period;
use crate::queries::{self, Param};

/// Why the session could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("registering dataset {dataset} from {location}: {cause}")]
    Register {
        dataset: String,
        location: String,
        cause: datafusion::error::DataFusionError,
    },
    #[error("the query engine (settings [engine]): {0}")]
    Engine(String),
    #[error("query {query}: {cause}")]
    Query {
        query: String,
        cause: datafusion::error::DataFusionError,
    },
}

/// The session with everything registered, and which optional datasets were absent.
pub struct DataSession {
    pub ctx: SessionContext,
    pub supplied: BTreeMap<&'static str, bool>,
    /// The cluster that runs the queries, if not this process (see [`DataSession::create`]).
    pub cluster: Option<Arc<engine::Cluster>>,
    /// The dates the tables of `queries::SERVICE_KEYS` were built for, if they exist.
    service_built: std::sync::Mutex<Option<RunDates>>,
    /// Whether the tables of `queries::STAFF_TABLES` exist.
    staff_built: std::sync::atomic::AtomicBool,
    /// The settings' code lists as placeholders (see [`code_lists`]).
    code_lists: Vec<(&'static str, Param)>,
    /// This process's per-run tables, in memory or on disk (none on a cluster).
    tables: crate::data::tables::Tables,
}

/// What a run's checks and per-run tables are made for: its as-of date (a later date is
/// "in the future"), the earliest date accepted, and its period, whose appointments (and
/// the previous period's) `tables/referral_care.sql` counts. `validate` has no period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunDates {
    pub as_of: NaiveDate,
    pub earliest: NaiveDate,
    pub period: Option<Period>,
}

impl RunDates {
    /// A run's dates, with `quality.earliest_date` from the settings.
    pub fn new(
        quality: &crate::config::QualitySettings,
        as_of: NaiveDate,
        period: Option<&Period>,
    ) -> RunDates {
        RunDates {
            as_of,
            earliest: quality.earliest(),
            period: period.cloned(),
        }
    }

    /// The placeholders of the checks and the service tables.
    pub fn params(&self) -> Vec<(&'static str, Param)> {
        let span = |p: Option<&Period>| match p {
            Some(p) => [Param::Date(p.start), Param::Date(p.end)],
            None => [Param::NoDate, Param::NoDate],
        };
        let previous = self.period.as_ref().map(Period::previous);
        let [period_start, period_end] = span(self.period.as_ref());
        let [previous_start, previous_end] = span(previous.as_ref());
        vec![
            ("as_of", Param::Date(self.as_of)),
            ("earliest_date", Param::Date(self.earliest)),
            ("period_start", period_start),
            ("period_end", period_end),
            ("previous_start", previous_start),
            ("previous_end", previous_end),
        ]
    }
}

impl DataSession {
    /// The placeholders of the checks and of the per-referral facts: the run's dates
    /// and the settings' code lists.
    pub fn params(&self, dates: &RunDates) -> Vec<(&'static str, Param)> {
        let mut params = dates.params();
        params.extend(self.code_lists.iter().cloned());
        // the second-earliest appointment date: this process's own aggregate, or the
        // built-in a cluster's executors know (the same answer, slower)
        params.push((
            "second_appointment_date",
            Param::Sql(if self.cluster.is_some() {
                "nth_value(appointment_date, 2 ORDER BY appointment_date)"
            } else {
                "second_smallest(appointment_date)"
            }),
        ));
        // the number the repeated-id checks group ids by before their text: a hash
        // here, the text itself on a cluster (src/data/id_hash.rs)
        params.push((
            "id_hash",
            Param::Sql(if self.cluster.is_some() {
                ""
            } else {
                crate::data::id_hash::NAME
            }),
        ));
        params
    }

    /// The partners' codes, in capitals as the data holds them.
    pub fn partner_codes(&self) -> Vec<String> {
        self.code_lists
            .iter()
            .find_map(|(name, p)| match (name, p) {
                (&"partner_codes", Param::Texts(v)) => Some(v.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// Build the service-user tables (`queries/tables/`) for these dates unless this
    /// session has them: the checks and the per-referral facts both read them.
    pub async fn service_tables(&self, dates: &RunDates) -> Result<(), QueryError> {
        if self.service_built.lock().unwrap().as_ref() == Some(dates) {
            return Ok(());
        }
        let params = self.params(dates);
        for &(name, local) in queries::SERVICE_KEYS {
            let cluster = queries::CLUSTER_KEYS.iter().find(|(n, _)| *n == name);
            let sql = match (&self.cluster, cluster) {
                (Some(_), Some(&(_, sql))) => sql,
                _ => local,
            };
            let sql = queries::fill(name, sql, &params)?;
            // made for other dates before: made again
            if let Some((table, _)) = engine::split_create_table(&sql) {
                self.drop_table(table);
            }
            self.create(name, &sql).await?;
        }
        *self.service_built.lock().unwrap() = Some(dates.clone());
        Ok(())
    }

    /// Give back the memory of one of the service tables once nothing further in the
    /// run reads it (the next call of [`DataSession::service_tables`] builds them again).
    pub fn release(&self, table: &str) {
        *self.service_built.lock().unwrap() = None;
        self.drop_table(table);
    }

    /// Build the staff tables (`queries/tables/`) unless this session has them: the
    /// checks and every workforce figure read them.
    pub async fn staff_tables(&self) -> Result<(), QueryError> {
        use std::sync::atomic::Ordering;
        if self.staff_built.load(Ordering::Acquire) {
            return Ok(());
        }
        for (name, sql) in queries::STAFF_TABLES {
            self.create(name, sql).await?;
        }
        self.staff_built.store(true, Ordering::Release);
        Ok(())
    }

    /// Run a statement that makes a per-run table (`CREATE TABLE x AS ...`): held in
    /// memory here, or written by a cluster's executors where they can read it.
    pub async fn create(&self, name: &str, sql: &str) -> Result<(), QueryError> {
        match &self.cluster {
            None => query::create_local(&self.ctx, &self.tables, name, sql).await,
            Some(cluster) => engine::materialise(&self.ctx, cluster, name, sql)
                .await
                .map_err(|message| QueryError {
                    query: name.into(),
                    message,
                }),
        }
    }

    /// Forget a per-run table that nothing reads any more, giving back its memory.
    fn drop_table(&self, name: &str) {
        if let Err(e) = self.tables.release(&self.ctx, name) {
            tracing::warn!(table = name, "could not drop a per-run table: {e}");
        }
    }

    pub fn is_supplied(&self, dataset: &str) -> bool {
        self.supplied.get(dataset).copied().unwrap_or(false)
    }
}

/// Build the session over the datasets of an inventory that has no structural errors.
pub async fn open_session(
    inv: &Inventory,
    settings: &Settings,
) -> Result<DataSession, SessionError> {
    // DataFusion's own settings may be tried from the environment
    // (`DATAFUSION_EXECUTION_BATCH_SIZE=32768`, ...) for the benchmark: `from_env` reads
    // them, and ours go on top only where no such variable is set.
    let mut config = SessionConfig::from_env().map_err(|source| SessionError::Register {
        dataset: "(query engine)".into(),
        location: "DATAFUSION_* environment variables".into(),
        cause: source,
    })?;
    let unset = |var: &str| std::env::var_os(var).is_none();
    if unset("DATAFUSION_EXECUTION_TARGET_PARTITIONS") {
        config = config
            .with_target_partitions(std::thread::available_parallelism().map_or(2, |n| n.get()));
    }
    if unset("DATAFUSION_EXECUTION_BATCH_SIZE") {
        // Batches of 16,384 rows rather than 8,192: fewer, larger batches through every
        // operator measured 2 % faster at national size (32,768: no faster than 16,384).
        config = config.with_batch_size(16_384);
    }
    let config = config
        .with_information_schema(false)
        // Our filters mostly drop rows with a missing key or date: few. The default guess
        // (a filter keeps 20 %) made the join planner hold a whole filtered dataset in
        // memory as the "smaller" side of a join with a reference table.
        .set_u64("datafusion.optimizer.default_filter_selectivity", 100);
    let engine_err = |source| SessionError::Register {
        dataset: "(query engine)".into(),
        location: "settings [engine]".into(),
        cause: source,
    };
    let runtime = runtime(&settings.engine).map_err(engine_err)?;
    let (ctx, cluster) = engine::context(&settings.engine, config, runtime)
        .await
        .map_err(SessionError::Engine)?;
    let distributed = cluster.is_some();
    let mut supplied = BTreeMap::new();
    for ds in contract::DATASETS {
        match inv.found.get(ds.name) {
            Some(found) => {
                register_raw(&ctx, found).await?;
                let sql = normalise_view_sql(ds, found);
                run_ddl(&ctx, &format!("view {}", ds.name), &sql, distributed).await?;
                supplied.insert(ds.name, true);
            }
            None => {
                // An absent optional dataset is an empty table, so queries run and the
                // report can say "not supplied" rather than fail.
                let columns: Vec<(&str, &str)> =
                    ds.columns.iter().map(|c| (c.name, c.ty.sql())).collect();
                let name = format!("empty {}", ds.name);
                let sql = empty_table_sql(ds.name, &columns);
                match &cluster {
                    None => run_ddl(&ctx, &name, &sql, false).await?,
                    // an empty folder of Parquet, which the executors split into
                    // tasks like any table (a constant plan they cannot)
                    Some(c) => engine::materialise(&ctx, c, &name, &sql)
                        .await
                        .map_err(|e| SessionError::Engine(format!("query {name}: {e}")))?,
                }
                supplied.insert(ds.name, false);
            }
        }
    }
    for (name, sql) in reference_tables(settings) {
        run_ddl(&ctx, &name, &sql, distributed).await?;
    }
    Ok(DataSession {
        ctx,
        supplied,
        cluster,
        service_built: Default::default(),
        staff_built: Default::default(),
        code_lists: code_lists(settings),
        tables: crate::data::tables::Tables::new(&settings.engine),
    })
}

/// The engine's memory pool and spill folder from the settings. Spilling operators
/// share the pool fairly; the pool names its largest users when it runs out.
fn runtime(engine: &crate::config::Engine) -> datafusion::error::Result<Arc<RuntimeEnv>> {
    let mut builder = RuntimeEnvBuilder::new();
    if engine.memory_limit_mib > 0 {
        let bytes = usize::try_from(engine.memory_limit_mib.saturating_mul(1024 * 1024))
            .unwrap_or(usize::MAX);
        builder = builder.with_memory_pool(Arc::new(TrackConsumersPool::new(
            FairSpillPool::new(bytes),
            std::num::NonZeroUsize::new(3).expect("3 is not zero"),
        )));
    }
    if !engine.spill_dir.as_os_str().is_empty() {
        builder = builder.with_temp_file_path(&engine.spill_dir);
    }
    builder.build_arc()
}

/// Run a statement that defines a table or view (written to the SQL log, as every
/// statement is, so another engine can rebuild the same session).
async fn run_ddl(
    ctx: &SessionContext,
    name: &str,
    sql: &str,
    distributed: bool,
) -> Result<(), SessionError> {
    let err = |source| SessionError::Query {
        query: name.to_string(),
        cause: source,
    };
    let sql = &per_run_sql(sql, distributed);
    let started = std::time::Instant::now();
    ctx.sql(sql)
        .await
        .map_err(err)?
        .collect()
        .await
        .map_err(err)?;
    crate::sql_log::statement(name, sql, started.elapsed().as_millis() as u64, &[]);
    Ok(())
}

async fn register_raw(ctx: &SessionContext, found: &FoundDataset) -> Result<(), SessionError> {
    let ds = found.dataset;
    let location = found.location.display().to_string();
    let err = |source| SessionError::Register {
        dataset: ds.name.into(),
        location: location.clone(),
        cause: source,
    };
    let remote = crate::data::remote::is_remote(&found.location);
    let mut url_text = if remote {
        // the object store serves the bucket; the table reads its files from there
        let (bucket, store) = crate::data::remote::store_for(&location)
            .map_err(|e| err(datafusion::error::DataFusionError::External(Box::new(e))))?;
        let bucket = url::Url::parse(&bucket)
            .map_err(|e| err(datafusion::error::DataFusionError::External(Box::new(e))))?;
        ctx.register_object_store(&bucket, store);
        location.clone()
    } else {
        std::path::absolute(&found.location)
            .unwrap_or_else(|_| found.location.clone())
            .display()
            .to_string()
    };
    let is_folder = if remote {
        !url_text.ends_with(".parquet")
    } else {
        found.location.is_dir()
    };
    if is_folder && !url_text.ends_with('/') {
        url_text.push('/');
    }
    let url = ListingTableUrl::parse(&url_text).map_err(err)?;
    // Folder names carry the partition columns; everything else comes from the files,
    // read with the contract's types (the scan casts Int32 to Int64, dictionaries to
    // strings and so on).
    let partition_cols: Vec<(String, DataType)> = found
        .partition_keys
        .iter()
        .map(|k| (k.clone(), DataType::Utf8))
        .collect();
    let fields: Vec<Field> = ds
        .columns
        .iter()
        .filter(|c| found.file_columns.iter().any(|f| f == c.name))
        .filter(|c| !found.partition_keys.iter().any(|k| k == c.name))
        .map(|c| Field::new(c.name, scan_type(c.ty), true))
        .collect();
    let options = ListingOptions::new(Arc::new(ParquetFormat::default()))
        .with_file_extension(".parquet")
        .with_table_partition_cols(partition_cols);
    let config = ListingTableConfig::new(url)
        .with_listing_options(options)
        .with_schema(Arc::new(Schema::new(fields)));
    let table = ListingTable::try_new(config).map_err(err)?;
    if crate::sql_log::enabled() {
        let files = crate::data::remote::file_addresses(found);
        let columns: Vec<(&str, &str)> = ds
            .columns
            .iter()
            .filter(|c| found.has_column(c.name))
            .map(|c| (c.name, c.ty.sql()))
            .collect();
        crate::sql_log::parquet(
            &format!("raw_{}", ds.name),
            &files,
            &found.partition_keys,
            &columns,
        );
    }
    ctx.register_table(format!("raw_{}", ds.name), Arc::new(table))
        .map_err(err)?;
    Ok(())
}

/// A session table's statement for the engine: unchanged in this process; on a
/// cluster, `CREATE TABLE x AS` becomes `CREATE VIEW x AS`, since the executors cannot
/// read a table held in this process's memory (these are small: reference tables and
/// empty stand-ins for absent datasets).
fn per_run_sql(sql: &str, distributed: bool) -> std::borrow::Cow<'_, str> {
    if distributed {
        sql.replacen("CREATE TABLE ", "CREATE VIEW ", 1).into()
    } else {
        sql.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::views::*;

    /// The lists referral_facts.sql looks codes up in hold what the reference tables
    /// hold: partner codes in capitals, and for two priority groups with one code the
    /// name that sorts first (as `min(name)` by code over ref_priority).
    #[test]
    fn the_code_lists_are_the_reference_tables_rows() {
        let mut s = crate::config::load_settings_from(None, &[]).unwrap();
        s.partners[0].code = "o'k".into();
        s.priority_groups
            .ethnic_codes
            .push(crate::config::PriorityEthnicCode {
                name: "Asian Pakistani".into(),
                code: "j".into(),
            });
        let lists = code_lists(&s);
        let get = |n: &str| &lists.iter().find(|l| l.0 == n).unwrap().1;
        let Param::Texts(partners) = get("partner_codes") else {
            panic!("partner_codes")
        };
        assert_eq!(partners[0], "O'K");
        assert_eq!(partners.len(), s.partners.len());
        let Param::Lookup(ethnic) = get("priority_ethnic") else {
            panic!("priority_ethnic")
        };
        let ethnic: Vec<(&str, &str)> = ethnic
            .iter()
            .map(|(c, n)| (c.as_str(), n.as_str()))
            .collect();
        assert_eq!(
            ethnic,
            [
                ("J", "Asian Pakistani"),
                ("M", "Black Caribbean"),
                ("N", "Black African"),
                ("R", "Chinese")
            ]
        );
        let Param::Lookup(sex) = get("priority_sex") else {
            panic!("priority_sex")
        };
        assert_eq!(sex, &[("1".to_string(), "Men".to_string())]);
        let Param::Lookup(groups) = get("ethnic_groups") else {
            panic!("ethnic_groups")
        };
        assert_eq!(groups.len(), contract::ETHNIC_CODES.len());
        assert!(groups.contains(&("J".to_string(), "Asian".to_string())));
        // filled in, quoted
        let sql = queries::fill(
            "q.sql",
            "x IN ({{partner_codes}}) AND CASE y {{priority_sex}} ELSE '' END",
            &lists,
        )
        .unwrap();
        assert!(sql.starts_with("x IN ('O''K', "), "{sql}");
        assert!(
            sql.ends_with("CASE y WHEN '1' THEN 'Men' ELSE '' END"),
            "{sql}"
        );
    }

    /// The codes a view takes as they are must be the codes its data-quality check
    /// accepts, or a value would be cleaned in one place and not the other; and the
    /// condition that marks an appointment row as failing a check
    /// (`queries/service/appointment_problem.sql`) must accept the same codes, or a row
    /// with a code the check refuses would be counted as passing.
    #[test]
    fn a_columns_codes_are_the_ones_its_quality_check_accepts() {
        let problem = [(
            "appointments",
            "queries/service/appointment_problem.sql",
            include_str!("../../queries/service/appointment_problem.sql"),
        )];
        let mut checked = 0;
        for ds in contract::DATASETS {
            let quality = crate::queries::QUALITY
                .iter()
                .find(|(name, _)| *name == ds.name)
                .map(|(_, sql)| *sql)
                .unwrap_or_default();
            let file = format!("queries/quality/{}.sql", ds.name);
            let mut texts = vec![(file.as_str(), quality)];
            texts.extend(
                problem
                    .iter()
                    .filter(|(name, _, _)| *name == ds.name)
                    .map(|(_, file, sql)| (*file, *sql)),
            );
            for c in ds.columns.iter().filter(|c| !c.codes.is_empty()) {
                let list: Vec<String> = c.codes.iter().map(|v| format!("'{v}'")).collect();
                let wanted = format!("{} NOT IN ({})", c.name, list.join(", "));
                for (file, sql) in &texts {
                    assert!(
                        sql.contains(&wanted),
                        "{}.{}: {file} has no `{wanted}`",
                        ds.name,
                        c.name
                    );
                    checked += 1;
                }
            }
        }
        // 14 columns with codes (board_role and the survey's indicator among them);
        // appointment_type and attendance also in the condition
        assert_eq!(checked, 16);
    }

    /// The care counts the appointments of the period it was built for; asked for
    /// another period, the service tables are made again rather than kept or refused.
    #[tokio::test]
    async fn service_tables_are_made_again_for_other_dates() {
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample");
        let names = ["referrals", "appointments", "measures"];
        let inv = crate::data::files::find_datasets(&sample, &names).await;
        let settings = crate::config::load_settings_from(None, &[]).unwrap();
        let s = open_session(&inv, &settings).await.unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 10, 15).unwrap();
        let attended = async |period: Option<&str>| {
            let p = period.map(|id| Period::parse(id).unwrap());
            s.service_tables(&RunDates::new(&settings.quality, as_of, p.as_ref()))
                .await
                .unwrap();
            let b = query::collect(&s.ctx, "t", "SELECT sum(attended) AS t FROM referral_care")
                .await
                .unwrap();
            query::i64_column(&b[0], "t", "t").unwrap()[0].unwrap_or(0)
        };
        let year = attended(Some("FY2025-26")).await;
        let half = attended(Some("FY2025-26-H1")).await;
        assert!(year > half && half > 0, "{year} {half}");
        assert_eq!(attended(Some("FY2025-26")).await, year);
        // validate's tables have no period, and count none
        assert_eq!(attended(None).await, 0);
    }

    /// An id's partner is the least of its rows' codes, a code not in the settings
    /// counting as 'Unlisted' (which sorts between the settings' codes).
    #[tokio::test]
    async fn a_referrals_partner_is_the_least_code_of_its_rows() {
        let settings = crate::config::load_settings_from(None, &[]).unwrap();
        let ctx = SessionContext::new();
        for (name, sql) in reference_tables(&settings) {
            run_ddl(&ctx, &name, &sql, false).await.unwrap();
        }
        let rows = "('R1', 'LCH'), ('R1', 'CL'), ('R2', 'ZZZ'), ('R2', 'WCTS'), \
                    ('R3', 'ZZZ'), ('R3', 'CL'), ('R4', NULL), ('R5', 'TS'), ('R5', 'TS'), \
                    ('R5', 'TS'), (NULL, 'CL')";
        let sql = format!(
            "CREATE TABLE referrals AS SELECT column1 AS referral_id, column2 AS partner_org \
             FROM (VALUES {rows})"
        );
        run_ddl(&ctx, "referrals", &sql, false).await.unwrap();
        let keys = include_str!("../../queries/tables/referral_keys.sql");
        run_ddl(&ctx, "referral_keys", keys, false).await.unwrap();
        let b = query::collect(
            &ctx,
            "t",
            "SELECT referral_id || ' ' || CAST(partner_org AS VARCHAR) || ' ' \
             || CAST(id_rows AS VARCHAR) AS t FROM referral_keys ORDER BY referral_id",
        )
        .await
        .unwrap();
        let got: Vec<String> = b
            .iter()
            .flat_map(|b| query::string_column(b, "t", "t").unwrap())
            .map(Option::unwrap)
            .collect();
        assert_eq!(
            got,
            [
                "R1 CL 2",
                "R2 Unlisted 2",
                "R3 CL 2",
                "R4 Unlisted 1",
                "R5 TS 3"
            ]
        );
    }

    #[test]
    fn a_value_already_a_code_is_taken_as_it_is() {
        let c = contract::dataset("appointments")
            .unwrap()
            .column("attendance")
            .unwrap();
        let e = normalise_expr(c);
        assert!(e.starts_with("CASE WHEN CAST(\"attendance\" AS VARCHAR) IN ('attended', "));
        assert!(e.ends_with("ELSE NULLIF(lower(trim(CAST(\"attendance\" AS VARCHAR))), '') END"));
    }

    #[test]
    fn sex_codes_are_normalised_in_sql() {
        let c = contract::dataset("staff_snapshot")
            .unwrap()
            .column("sex")
            .unwrap();
        let e = normalise_expr(c);
        assert!(e.contains("WHEN 'M' THEN '1'") && e.contains("WHEN 'F' THEN '2'"));
    }
}
