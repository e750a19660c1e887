//! The DataFusion session: every dataset registered as a listing table (`raw_<name>`),
//! a view `<name>` over it that queries read (types unified, codes normalised once),
//! reference tables from the contract and the settings, and the shared views of
//! `queries/views/`.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use datafusion::datasource::MemTable;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::execution::memory_pool::{FairSpillPool, TrackConsumersPool};
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::config::Settings;
use crate::contract::{self, Column, Dataset, Norm};
use crate::data::files::{FoundDataset, Inventory};
use crate::queries;

/// Why the session could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("registering dataset {dataset} from {location}: {source}")]
    Register {
        dataset: String,
        location: String,
        source: datafusion::error::DataFusionError,
    },
    #[error("query {query}: {source}")]
    Query {
        query: String,
        source: datafusion::error::DataFusionError,
    },
}

/// The session with everything registered, and which optional datasets were absent.
pub struct DataSession {
    pub ctx: SessionContext,
    pub supplied: BTreeMap<&'static str, bool>,
    /// Whether the tables of `queries::SERVICE_KEYS` exist yet.
    keys_built: std::sync::atomic::AtomicBool,
}

impl DataSession {
    /// Build the service-user key tables (`queries/keys/`) unless this session has
    /// them: the checks and the per-referral facts both read them.
    pub async fn service_keys(&self) -> Result<(), crate::metrics::QueryError> {
        use std::sync::atomic::Ordering;
        if self.keys_built.load(Ordering::Acquire) {
            return Ok(());
        }
        for (name, sql) in queries::SERVICE_KEYS {
            crate::metrics::collect(&self.ctx, name, sql).await?;
        }
        self.keys_built.store(true, Ordering::Release);
        Ok(())
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
    let config = SessionConfig::new()
        .with_target_partitions(std::thread::available_parallelism().map_or(2, |n| n.get()))
        .with_information_schema(false)
        // Our filters mostly drop rows with a missing key or date: few. The default guess
        // (a filter keeps 20 %) made the join planner hold a whole filtered dataset in
        // memory as the "smaller" side of a join with a reference table.
        .set_u64("datafusion.optimizer.default_filter_selectivity", 100);
    let ctx = SessionContext::new_with_config_rt(
        config,
        runtime(&settings.engine).map_err(|source| SessionError::Register {
            dataset: "(query engine)".into(),
            location: "settings [engine]".into(),
            source,
        })?,
    );
    let mut supplied = BTreeMap::new();
    for ds in contract::DATASETS {
        match inv.found.get(ds.name) {
            Some(found) => {
                register_raw(&ctx, found).await?;
                let sql = normalise_view_sql(ds, found);
                run_ddl(&ctx, &format!("view {}", ds.name), &sql).await?;
                supplied.insert(ds.name, true);
            }
            None => {
                // An absent optional dataset is an empty table, so queries run and the
                // report can say "not supplied" rather than fail.
                let table = MemTable::try_new(ds.schema(), vec![vec![]]).map_err(|source| {
                    SessionError::Register {
                        dataset: ds.name.into(),
                        location: "(not supplied)".into(),
                        source,
                    }
                })?;
                ctx.register_table(ds.name, Arc::new(table))
                    .map_err(|source| SessionError::Register {
                        dataset: ds.name.into(),
                        location: "(not supplied)".into(),
                        source,
                    })?;
                supplied.insert(ds.name, false);
            }
        }
    }
    register_reference_tables(&ctx, settings).map_err(|source| SessionError::Register {
        dataset: "reference tables".into(),
        location: "settings".into(),
        source,
    })?;
    for (name, sql) in queries::VIEWS {
        run_ddl(&ctx, name, sql).await?;
    }
    Ok(DataSession {
        ctx,
        supplied,
        keys_built: Default::default(),
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

async fn run_ddl(ctx: &SessionContext, name: &str, sql: &str) -> Result<(), SessionError> {
    let err = |source| SessionError::Query {
        query: name.to_string(),
        source,
    };
    ctx.sql(sql)
        .await
        .map_err(err)?
        .collect()
        .await
        .map_err(err)?;
    Ok(())
}

async fn register_raw(ctx: &SessionContext, found: &FoundDataset) -> Result<(), SessionError> {
    let ds = found.dataset;
    let location = found.location.display().to_string();
    let err = |source| SessionError::Register {
        dataset: ds.name.into(),
        location: location.clone(),
        source,
    };
    let mut url_text = std::path::absolute(&found.location)
        .unwrap_or_else(|_| found.location.clone())
        .display()
        .to_string();
    if found.location.is_dir() && !url_text.ends_with('/') {
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
        .map(|c| Field::new(c.name, c.ty.arrow(), true))
        .collect();
    let options = ListingOptions::new(Arc::new(ParquetFormat::default()))
        .with_file_extension(".parquet")
        .with_table_partition_cols(partition_cols);
    let config = ListingTableConfig::new(url)
        .with_listing_options(options)
        .with_schema(Arc::new(Schema::new(fields)));
    let table = ListingTable::try_new(config).map_err(err)?;
    ctx.register_table(format!("raw_{}", ds.name), Arc::new(table))
        .map_err(err)?;
    Ok(())
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

/// How one present column is cleaned; codes are matched trimmed and without case.
fn normalise_expr(c: &Column) -> String {
    let n = format!("\"{}\"", c.name);
    let cast = format!("CAST({n} AS {})", c.ty.sql());
    match c.norm {
        Norm::Keep => cast,
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

fn string_col(v: Vec<String>) -> ArrayRef {
    Arc::new(StringArray::from(v))
}

fn mem_table(
    ctx: &SessionContext,
    name: &str,
    columns: Vec<(&str, ArrayRef)>,
) -> datafusion::error::Result<()> {
    let schema = Arc::new(Schema::new(
        columns
            .iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    ));
    let batch = RecordBatch::try_new(
        schema.clone(),
        columns.into_iter().map(|(_, a)| a).collect(),
    )?;
    ctx.register_table(
        name,
        Arc::new(MemTable::try_new(schema, vec![vec![batch]])?),
    )?;
    Ok(())
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

/// Code lists and settings as small tables that queries join to.
fn register_reference_tables(ctx: &SessionContext, s: &Settings) -> datafusion::error::Result<()> {
    let e = contract::ETHNIC_CODES;
    mem_table(
        ctx,
        "ref_ethnic_category",
        vec![
            (
                "code",
                string_col(e.iter().map(|c| c.code.into()).collect()),
            ),
            (
                "meaning",
                string_col(e.iter().map(|c| c.meaning.into()).collect()),
            ),
            (
                "ethnic_group",
                string_col(e.iter().map(|c| c.group.into()).collect()),
            ),
            (
                "wres_group",
                string_col(e.iter().map(|c| c.wres.into()).collect()),
            ),
        ],
    )?;
    let b = contract::AFC_BANDS;
    mem_table(
        ctx,
        "ref_afc_band",
        vec![
            (
                "afc_band",
                string_col(b.iter().map(|x| x.0.into()).collect()),
            ),
            (
                "band_cluster",
                string_col(b.iter().map(|x| x.1.into()).collect()),
            ),
            (
                "band7plus",
                Arc::new(BooleanArray::from(
                    b.iter().map(|x| x.2).collect::<Vec<_>>(),
                )),
            ),
        ],
    )?;
    mem_table(
        ctx,
        "ref_partner",
        vec![
            (
                "code",
                string_col(s.partners.iter().map(|p| p.code.to_uppercase()).collect()),
            ),
            (
                "name",
                string_col(s.partners.iter().map(|p| p.name.clone()).collect()),
            ),
        ],
    )?;
    let courses = s.training.course_rows();
    mem_table(
        ctx,
        "ref_course_target",
        vec![
            (
                "target",
                string_col(courses.iter().map(|c| c.0.clone()).collect()),
            ),
            (
                "course",
                string_col(courses.iter().map(|c| c.1.clone()).collect()),
            ),
        ],
    )?;
    mem_table(
        ctx,
        "ref_eastern_european",
        vec![("detail", string_col(s.eastern_european.detail_values()))],
    )?;
    let (kinds, codes): (Vec<String>, Vec<String>) = priority_rows(s).into_iter().unzip();
    // the older-age group's age as a number, so no query casts text
    let min_age: Vec<Option<i64>> = kinds
        .iter()
        .map(|k| (k == "age").then_some(i64::from(s.priority_groups.older_age)))
        .collect();
    let names = s.priority_groups.names();
    mem_table(
        ctx,
        "ref_priority",
        vec![
            ("name", string_col(names)),
            ("kind", string_col(kinds)),
            ("code", string_col(codes)),
            ("min_age", Arc::new(Int64Array::from(min_age))),
        ],
    )?;
    let breakdown = contract::breakdown_values(&s.priority_groups.names());
    mem_table(
        ctx,
        "ref_breakdown",
        vec![
            (
                "dimension",
                string_col(breakdown.iter().map(|b| b.0.to_string()).collect()),
            ),
            (
                "value",
                string_col(breakdown.iter().map(|b| b.1.clone()).collect()),
            ),
        ],
    )?;
    mem_table(
        ctx,
        "ref_setting",
        vec![
            ("name", string_col(vec!["mentoring_bme_programme".into()])),
            (
                "value",
                string_col(vec![s.mentoring.bme_programme.trim().to_lowercase()]),
            ),
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
