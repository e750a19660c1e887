//! The DataFusion session: every dataset registered as a listing table (`raw_<name>`),
//! a view `<name>` over it that queries read (types unified, codes normalised once),
//! reference tables from the contract and the settings (made with SQL, so the SQL log
//! can rebuild the session in another engine). Tables several queries share are built
//! on first need (`queries/tables/`).

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
use crate::contract::{self, Column, Dataset, Norm};
use crate::data::engine;
use crate::data::inventory::{FoundDataset, Inventory};
use crate::data::query::{self, QueryError};
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
    /// A run's dates: `quality.earliest_date` from the settings.
    pub fn new(settings: &Settings, as_of: NaiveDate, period: Option<&Period>) -> RunDates {
        RunDates {
            as_of,
            earliest: settings.quality.earliest(),
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
        let params = dates.params();
        for (name, sql) in queries::SERVICE_KEYS {
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
            None => query::create_local(&self.ctx, name, sql).await,
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
        if let Err(e) = self.ctx.deregister_table(name) {
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
        let files: Vec<String> = found
            .files
            .iter()
            .map(|f| {
                if remote {
                    f.path.display().to_string()
                } else {
                    std::path::absolute(&f.path)
                        .unwrap_or_else(|_| f.path.clone())
                        .display()
                        .to_string()
                }
            })
            .collect();
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

/// The type a column is read as. Text is read as string views: the Parquet reader
/// makes those straight from its pages, and the normalising view and every query after
/// it work on views, so reading plain strings would copy every value twice more.
fn scan_type(ty: crate::contract::ColType) -> DataType {
    match ty {
        crate::contract::ColType::Str => DataType::Utf8View,
        other => other.arrow(),
    }
}

/// The `SELECT` that turns the raw table into the view queries read.
fn normalise_view_sql(ds: &Dataset, found: &FoundDataset) -> String {
    let cols: Vec<String> = ds
        .columns
        .iter()
        .map(|c| {
            if found.has_column(c.name) {
                format!("{} AS {}", normalise_expr(c), c.name)
            } else {
                format!("CAST(NULL AS {}) AS {}", c.ty.sql(), c.name)
            }
        })
        .collect();
    format!(
        "CREATE VIEW {} AS SELECT\n  {}\nFROM raw_{}",
        ds.name,
        cols.join(",\n  "),
        ds.name
    )
}

/// How one present column is cleaned; codes are matched trimmed and without case. A
/// value that is already one of the column's codes (most of them) is taken as it is:
/// cleaning it would give it back unchanged, and trimming and changing the case of
/// every value of a national extract is a good part of reading it.
fn normalise_expr(c: &Column) -> String {
    let n = format!("\"{}\"", c.name);
    let cast = format!("CAST({n} AS {})", c.ty.sql());
    let cleaned = clean_expr(c, &cast);
    if c.codes.is_empty() {
        return cleaned;
    }
    let codes: Vec<String> = c.codes.iter().map(|v| format!("'{v}'")).collect();
    format!(
        "CASE WHEN {cast} IN ({}) THEN {cast} ELSE {cleaned} END",
        codes.join(", ")
    )
}

/// The cleaning of a column's value, `cast` being the value read as its contract type.
fn clean_expr(c: &Column, cast: &str) -> String {
    match c.norm {
        Norm::Keep => cast.to_string(),
        Norm::Trim => format!("NULLIF(trim({cast}), '')"),
        Norm::Upper => format!("NULLIF(upper(trim({cast})), '')"),
        Norm::Lower => format!("NULLIF(lower(trim({cast})), '')"),
        Norm::Sex => format!(
            "CASE upper(trim({cast})) WHEN 'M' THEN '1' WHEN 'MALE' THEN '1' \
             WHEN 'F' THEN '2' WHEN 'FEMALE' THEN '2' \
             ELSE NULLIF(upper(trim({cast})), '') END"
        ),
    }
}

/// `CREATE TABLE` of an empty table with the given (column, SQL type) pairs.
fn empty_table_sql(name: &str, columns: &[(&str, &str)]) -> String {
    let cols: Vec<String> = columns
        .iter()
        .map(|(n, t)| format!("CAST(NULL AS {t}) AS {n}"))
        .collect();
    format!(
        "CREATE TABLE {name} AS SELECT {} WHERE false",
        cols.join(", ")
    )
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

/// A reference table's column: name, SQL type and values.
type RefColumn<'a> = (&'a str, &'a str, Vec<Lit>);

/// Each code's place (1, 2, ...) in the order of the codes as SQL compares them.
fn code_places(codes: &[String]) -> Vec<Lit> {
    let mut order = codes.to_vec();
    order.sort();
    order.dedup();
    codes
        .iter()
        .map(|code| {
            let place = order.partition_point(|c| c < code) + 1;
            Lit::Int(Some(place as i64))
        })
        .collect()
}

/// A value in SQL.
#[derive(Clone)]
enum Lit {
    Text(String),
    Int(Option<i64>),
    Bool(bool),
}

impl Lit {
    fn sql(&self) -> String {
        match self {
            Lit::Text(t) => queries::text_literal(t),
            Lit::Int(Some(i)) => i.to_string(),
            Lit::Int(None) => "CAST(NULL AS BIGINT)".into(),
            Lit::Bool(b) => b.to_string(),
        }
    }
}

/// `CREATE TABLE ... AS VALUES` of a small table given by columns: (name, SQL type,
/// values). Plain SQL rather than an in-memory table, so the SQL log holds it too.
fn values_table_sql(name: &str, columns: &[(&str, &str, Vec<Lit>)]) -> String {
    let n = columns.first().map_or(0, |c| c.2.len());
    if n == 0 {
        let cols: Vec<(&str, &str)> = columns.iter().map(|c| (c.0, c.1)).collect();
        return empty_table_sql(name, &cols);
    }
    let rows: Vec<String> = (0..n)
        .map(|i| {
            let cells: Vec<String> = columns.iter().map(|c| c.2[i].sql()).collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
    format!(
        "CREATE TABLE {name} AS SELECT * FROM (VALUES {}) AS t({})",
        rows.join(", "),
        names.join(", ")
    )
}

fn texts<I: IntoIterator<Item = S>, S: Into<String>>(v: I) -> Vec<Lit> {
    v.into_iter().map(|s| Lit::Text(s.into())).collect()
}

/// How each priority group is recognised: (kind, code), in the order of
/// [`crate::config::PriorityGroups::names`]. Kinds: `ethnic` (an ethnic_category code),
/// `eastern_european` (the detail mapping), `sex`, `age` (age_years at least `min_age`).
fn priority_rows(s: &Settings) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = s
        .priority_groups
        .ethnic_codes
        .iter()
        .map(|g| ("ethnic".to_string(), g.code.to_uppercase()))
        .collect();
    rows.push(("eastern_european".into(), String::new()));
    rows.push(("sex".into(), "1".into()));
    rows.push(("age".into(), s.priority_groups.older_age.to_string()));
    rows
}

/// The partners' codes, in capitals as the normalising views give them.
fn partner_codes(s: &Settings) -> Vec<String> {
    s.partners.iter().map(|p| p.code.to_uppercase()).collect()
}

/// The code lists the queries over every referral (`service/referral_facts.sql`,
/// `quality/referrals.sql`) look up in place of joins with the reference tables below,
/// which would copy their wide rows once for each join.
pub fn code_lists(s: &Settings) -> Vec<(&'static str, Param)> {
    let priority = |kind: &str| {
        // two groups with one code are one group, the name that sorts first (as
        // min(name) by code over ref_priority)
        let mut by_code: BTreeMap<String, String> = BTreeMap::new();
        for (name, (k, code)) in s.priority_groups.names().into_iter().zip(priority_rows(s)) {
            if k == kind {
                by_code
                    .entry(code)
                    .and_modify(|n| {
                        if name < *n {
                            n.clone_from(&name);
                        }
                    })
                    .or_insert(name);
            }
        }
        Param::Lookup(by_code.into_iter().collect())
    };
    vec![
        ("partner_codes", Param::Texts(partner_codes(s))),
        (
            "ethnic_codes",
            Param::Texts(
                contract::ETHNIC_CODES
                    .iter()
                    .map(|c| c.code.to_string())
                    .collect(),
            ),
        ),
        (
            "eastern_european_details",
            Param::Texts(s.eastern_european.detail_values()),
        ),
        (
            "ethnic_groups",
            Param::Lookup(
                contract::ETHNIC_CODES
                    .iter()
                    .map(|c| (c.code.to_string(), c.group.to_string()))
                    .collect(),
            ),
        ),
        ("priority_ethnic", priority("ethnic")),
        ("priority_sex", priority("sex")),
    ]
}

/// Code lists and settings as small tables that queries join to: (name, SQL).
fn reference_tables(s: &Settings) -> Vec<(String, String)> {
    let e = contract::ETHNIC_CODES;
    let b = contract::AFC_BANDS;
    let courses = s.training.course_rows();
    let (kinds, codes): (Vec<String>, Vec<String>) = priority_rows(s).into_iter().unzip();
    // the older-age group's age as a number, so no query casts text
    let min_age: Vec<Lit> = kinds
        .iter()
        .map(|k| Lit::Int((k == "age").then_some(i64::from(s.priority_groups.older_age))))
        .collect();
    let breakdown = contract::breakdown_values(&s.priority_groups.names());
    let tables: Vec<(&str, Vec<RefColumn>)> = vec![
        (
            "ref_ethnic_category",
            vec![
                ("code", "VARCHAR", texts(e.iter().map(|c| c.code))),
                ("meaning", "VARCHAR", texts(e.iter().map(|c| c.meaning))),
                ("ethnic_group", "VARCHAR", texts(e.iter().map(|c| c.group))),
                ("wres_group", "VARCHAR", texts(e.iter().map(|c| c.wres))),
            ],
        ),
        (
            "ref_afc_band",
            vec![
                ("afc_band", "VARCHAR", texts(b.iter().map(|x| x.0))),
                ("band_cluster", "VARCHAR", texts(b.iter().map(|x| x.1))),
                (
                    "band7plus",
                    "BOOLEAN",
                    b.iter().map(|x| Lit::Bool(x.2)).collect(),
                ),
            ],
        ),
        (
            "ref_partner",
            vec![
                ("code", "VARCHAR", texts(partner_codes(s))),
                (
                    "name",
                    "VARCHAR",
                    texts(s.partners.iter().map(|p| p.name.clone())),
                ),
                // the code's place in code order, so that a query can take the least
                // of several codes as the least of numbers (tables/referral_keys.sql)
                ("place", "BIGINT", code_places(&partner_codes(s))),
            ],
        ),
        (
            "ref_course_target",
            vec![
                (
                    "target",
                    "VARCHAR",
                    texts(courses.iter().map(|c| c.0.clone())),
                ),
                (
                    "course",
                    "VARCHAR",
                    texts(courses.iter().map(|c| c.1.clone())),
                ),
            ],
        ),
        (
            "ref_eastern_european",
            vec![(
                "detail",
                "VARCHAR",
                texts(s.eastern_european.detail_values()),
            )],
        ),
        (
            "ref_priority",
            vec![
                ("name", "VARCHAR", texts(s.priority_groups.names())),
                ("kind", "VARCHAR", texts(kinds)),
                ("code", "VARCHAR", texts(codes)),
                ("min_age", "BIGINT", min_age),
            ],
        ),
        (
            "ref_breakdown",
            vec![
                (
                    "dimension",
                    "VARCHAR",
                    texts(breakdown.iter().map(|b| b.0.to_string())),
                ),
                (
                    "value",
                    "VARCHAR",
                    texts(breakdown.iter().map(|b| b.1.clone())),
                ),
            ],
        ),
        (
            "ref_setting",
            vec![
                ("name", "VARCHAR", texts(["mentoring_bme_programme"])),
                (
                    "value",
                    "VARCHAR",
                    texts([s.mentoring.bme_programme.trim().to_lowercase()]),
                ),
            ],
        ),
    ];
    tables
        .into_iter()
        .map(|(name, columns)| {
            (
                format!("reference table {name}"),
                values_table_sql(name, &columns),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // 12 columns with codes; appointment_type and attendance also in the condition
        assert_eq!(checked, 14);
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
            s.service_tables(&RunDates::new(&settings, as_of, p.as_ref()))
                .await
                .unwrap();
            let b = query::collect(&s.ctx, "t", "SELECT sum(attended) FROM referral_care")
                .await
                .unwrap();
            query::i64_column(&b[0], 0, "t").unwrap()[0].unwrap_or(0)
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
             || CAST(id_rows AS VARCHAR) FROM referral_keys ORDER BY referral_id",
        )
        .await
        .unwrap();
        let got: Vec<String> = b
            .iter()
            .flat_map(|b| query::string_column(b, 0, "t").unwrap())
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
