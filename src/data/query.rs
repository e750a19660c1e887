//! Running one SQL statement on the session's engine and reading its columns: the one
//! place a query is executed (locally, or on a Ballista cluster with its guard and
//! timeout), timed and written to the SQL log, with errors that name the query file.

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::prelude::SessionContext;

use crate::data::tables::Placed;

/// A query that failed, named by its file.
#[derive(Debug, thiserror::Error)]
#[error("query {query}: {message}")]
pub struct QueryError {
    pub query: String,
    pub message: String,
}

impl From<crate::queries::Unfilled> for QueryError {
    fn from(e: crate::queries::Unfilled) -> QueryError {
        QueryError {
            query: e.query,
            message: format!("placeholder {} has no value", e.placeholder),
        }
    }
}

/// Run a query and collect its batches.
pub async fn collect(
    ctx: &SessionContext,
    name: &str,
    sql: &str,
) -> Result<Vec<RecordBatch>, QueryError> {
    use crate::data::engine;
    let fail = |message: String| QueryError {
        query: name.into(),
        message,
    };
    let err = |e: datafusion::error::DataFusionError| fail(describe(&e));
    let started = std::time::Instant::now();
    crate::progress::now(name);
    let df = ctx.sql(sql).await.map_err(err)?;
    let batches = match engine::of(ctx) {
        None => run_local(name, df).await.map_err(err)?.1.concat(),
        Some(cluster) => {
            engine::refuse_keyless_join(ctx, &df).map_err(fail)?;
            engine::run_on(&cluster, df.collect())
                .await
                .map_err(|t| fail(t.to_string()))?
                .map_err(|e| fail(engine::describe(&cluster, &describe(&e))))?
        }
    };
    done(name, sql, started, &batches);
    Ok(batches)
}

/// A statement has run: written to the SQL log, counted on the progress display and
/// logged with its time (RUST_LOG=equity_reports=debug shows where a run's query time
/// and memory go).
fn done(name: &str, sql: &str, started: std::time::Instant, batches: &[RecordBatch]) {
    let ms = started.elapsed().as_millis() as u64;
    crate::sql_log::statement(name, sql, ms, batches);
    crate::progress::step(name);
    tracing::debug!(
        query = name,
        ms,
        rows = batches.iter().map(RecordBatch::num_rows).sum::<usize>(),
        peak_rss_mib = peak_rss_mib(),
        "query done"
    );
}

/// Make a per-run table in this process from `CREATE TABLE name AS select`, in memory
/// or on disk as [`crate::data::tables`] decides, with its plan's profile logged.
pub async fn create_local(
    ctx: &SessionContext,
    tables: &crate::data::tables::Tables,
    query: &str,
    sql: &str,
) -> Result<(), QueryError> {
    let fail = |message: String| QueryError {
        query: query.into(),
        message,
    };
    let err = |e: datafusion::error::DataFusionError| fail(describe(&e));
    let (name, select) = crate::data::engine::split_create_table(sql)
        .ok_or_else(|| fail("expected a statement `CREATE TABLE <name> AS <query>`".into()))?;
    let started = std::time::Instant::now();
    crate::progress::now(query);
    let df = ctx.sql(select).await.map_err(err)?;
    let plan = df.create_physical_plan().await.map_err(err)?;
    let placed = tables.create(ctx, name, plan.clone()).await.map_err(err)?;
    log_plan(query, plan.as_ref());
    // held outside the engine's memory limit for the rest of the run, or on disk:
    // logged, as the profile of where a run's memory goes
    match placed {
        Placed::Memory { bytes } => {
            tracing::debug!(
                table = name,
                mib = bytes >> 20,
                "per-run table held in memory"
            )
        }
        Placed::Disk { bytes } => {
            tracing::debug!(
                table = name,
                mib = bytes >> 20,
                "per-run table written to disk"
            )
        }
    }
    done(query, sql, started, &[]);
    Ok(())
}

/// Run a statement in this process: its output schema and its batches, partition by
/// partition. With trace logging for this module (`-vvv`), the physical plan is logged
/// with each operator's rows, time and memory: the profile of where a run's time goes.
async fn run_local(
    name: &str,
    df: datafusion::dataframe::DataFrame,
) -> datafusion::error::Result<(arrow::datatypes::SchemaRef, Vec<Vec<RecordBatch>>)> {
    let task = std::sync::Arc::new(df.task_ctx());
    let plan = df.create_physical_plan().await?;
    let parts = datafusion::physical_plan::collect_partitioned(plan.clone(), task).await?;
    log_plan(name, plan.as_ref());
    Ok((plan.schema(), parts))
}

/// The plan a statement ran, with each operator's rows, time and memory (trace level).
fn log_plan(name: &str, plan: &dyn datafusion::physical_plan::ExecutionPlan) {
    if tracing::enabled!(tracing::Level::TRACE) {
        let shown =
            datafusion::physical_plan::display::DisplayableExecutionPlan::with_metrics(plan)
                .indent(true)
                .to_string();
        tracing::trace!(query = name, "plan with metrics:\n{shown}");
    }
}

/// An engine error as a reader needs it: running out of the engine's memory says
/// which setting to raise.
fn describe(e: &datafusion::error::DataFusionError) -> String {
    let text = e.to_string();
    if matches!(
        e.find_root(),
        datafusion::error::DataFusionError::ResourcesExhausted(_)
    ) {
        format!(
            "{text}\nThe query engine ran out of the memory it may use: raise \
             engine.memory_limit_mib in the settings (or EQUITY_REPORTS__ENGINE__MEMORY_LIMIT_MIB), \
             or set it to 0 for no limit."
        )
    } else {
        text
    }
}

/// The process's peak resident memory so far in MiB (Linux; 0 elsewhere), for the
/// per-query log lines that show where memory goes.
pub fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib / 1024)
}

/// The column a query names `col`, cast to `ty`: read by name, so that a column added
/// to a query or moved in it cannot be read as another.
fn column_as(
    b: &RecordBatch,
    col: &str,
    ty: &DataType,
    name: &str,
) -> Result<arrow::array::ArrayRef, QueryError> {
    let i = b.schema().index_of(col).map_err(|_| QueryError {
        query: name.into(),
        message: format!("it gives no column `{col}`"),
    })?;
    cast(b.column(i), ty).map_err(|e| QueryError {
        query: name.into(),
        message: format!("column {col}: {e}"),
    })
}

/// Column `col` as optional strings.
pub fn string_column(
    b: &RecordBatch,
    col: &str,
    name: &str,
) -> Result<Vec<Option<String>>, QueryError> {
    let a = column_as(b, col, &DataType::Utf8, name)?;
    let s = a.as_string::<i32>();
    Ok((0..s.len())
        .map(|r| s.is_valid(r).then(|| s.value(r).to_string()))
        .collect())
}

/// Column `col` as optional 64-bit integers.
pub fn i64_column(b: &RecordBatch, col: &str, name: &str) -> Result<Vec<Option<i64>>, QueryError> {
    let a = column_as(b, col, &DataType::Int64, name)?;
    let s = a.as_primitive::<Int64Type>();
    Ok((0..s.len())
        .map(|r| s.is_valid(r).then(|| s.value(r)))
        .collect())
}

/// Column `col` as optional floats.
pub fn f64_column(b: &RecordBatch, col: &str, name: &str) -> Result<Vec<Option<f64>>, QueryError> {
    let a = column_as(b, col, &DataType::Float64, name)?;
    let s = a.as_primitive::<Float64Type>();
    Ok((0..s.len())
        .map(|r| s.is_valid(r).then(|| s.value(r)))
        .collect())
}
