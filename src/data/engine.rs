//! Which engine runs the queries: DataFusion in this process (`local`), or an Apache
//! DataFusion Ballista cluster (`ballista`). This is the one place that knows; reports
//! get a `SessionContext` and run the same SQL on either.
//!
//! On a cluster only queries leave this process. A per-run table (`CREATE TABLE x AS`)
//! is written by the executors as Parquet under `engine.work_dir` and read back by them
//! from there; what returns here is the small aggregated result of each query.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use datafusion::execution::runtime_env::RuntimeEnv;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::config::{self, EngineKind};
use crate::data::session::SessionError;

/// What a query needs to know when it runs on a cluster: where the cluster is (for
/// messages), how long a query may take, and where per-run tables are written.
#[derive(Debug)]
pub struct Cluster {
    pub scheduler: String,
    pub query_timeout: Option<Duration>,
    /// This run's folder under `engine.work_dir`, removed when the run ends.
    pub work: PathBuf,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Per-run tables hold row-level data: nothing of them outlives the run.
        let _ = std::fs::remove_dir_all(&self.work);
    }
}

/// The session's context for the engine in the settings, and the cluster it talks to
/// (none for the local engine).
pub async fn context(
    engine: &config::Engine,
    config: SessionConfig,
    runtime: Arc<RuntimeEnv>,
) -> Result<(SessionContext, Option<Arc<Cluster>>), SessionError> {
    match engine.kind {
        EngineKind::Local => Ok((SessionContext::new_with_config_rt(config, runtime), None)),
        EngineKind::Ballista => {
            let cluster = Arc::new(Cluster {
                scheduler: engine.scheduler.clone(),
                query_timeout: (engine.query_timeout_seconds > 0)
                    .then(|| Duration::from_secs(engine.query_timeout_seconds)),
                work: work_folder(engine)?,
            });
            let config = config.with_extension(cluster.clone());
            let ctx = ballista::context(&engine.scheduler, config, runtime)
                .await
                .map_err(|e| {
                    SessionError::Engine(format!(
                        "Ballista scheduler {}: {}",
                        engine.scheduler,
                        e.trim_end()
                    ))
                })?;
            Ok((ctx, Some(cluster)))
        }
    }
}

/// This run's own folder under `engine.work_dir` (the system's temporary folder when
/// that is empty, which only a scheduler on this machine can use).
fn work_folder(engine: &config::Engine) -> Result<PathBuf, SessionError> {
    let root = if engine.work_dir.as_os_str().is_empty() {
        std::env::temp_dir()
    } else {
        engine.work_dir.clone()
    };
    let root = std::path::absolute(&root).unwrap_or(root);
    let dir = root.join(format!(
        "equity-reports-{}-{}",
        std::process::id(),
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.f")
    ));
    std::fs::create_dir_all(&dir).map_err(|e| {
        SessionError::Engine(format!(
            "engine.work_dir {}: cannot make a folder there for this run's tables: {e}",
            root.display()
        ))
    })?;
    Ok(dir)
}

/// Make a per-run table on the cluster: the executors run the `SELECT` of a
/// `CREATE TABLE name AS SELECT ...` and write it as Parquet under the run's folder,
/// and `name` becomes a table over those files. A table held in this process's memory
/// could not be read by the executors, and a view would be recomputed at every use
/// (and makes plans too deep for the scheduler to decode).
pub async fn materialise(
    ctx: &SessionContext,
    cluster: &Cluster,
    query: &str,
    sql: &str,
) -> Result<(), crate::metrics::QueryError> {
    use datafusion::dataframe::DataFrameWriteOptions;
    use datafusion::datasource::file_format::parquet::ParquetFormat;
    use datafusion::datasource::listing::ListingOptions;

    let err = |message: String| crate::metrics::QueryError {
        query: query.into(),
        message,
    };
    let (name, select) = split_create_table(sql)
        .ok_or_else(|| err("expected a statement `CREATE TABLE <name> AS <query>`".into()))?;
    let folder = cluster.work.join(name);
    std::fs::create_dir_all(&folder)
        .map_err(|e| err(format!("making {}: {e}", folder.display())))?;
    let started = std::time::Instant::now();
    let df = ctx.sql(select).await.map_err(|e| err(e.to_string()))?;
    let schema = df.schema().inner().clone();
    let url = format!("{}/", folder.display());
    let write = df.write_parquet(&url, DataFrameWriteOptions::new(), None);
    run_on(cluster, write)
        .await
        .map_err(|m| err(m.to_string()))?
        .map_err(|e| err(describe(cluster, &e.to_string())))?;
    let options =
        ListingOptions::new(Arc::new(ParquetFormat::default())).with_file_extension(".parquet");
    ctx.register_listing_table(name, &url, options, Some(schema), None)
        .await
        .map_err(|e| err(e.to_string()))?;
    tracing::debug!(
        query,
        ms = started.elapsed().as_millis() as u64,
        "per-run table written on the cluster"
    );
    Ok(())
}

/// `CREATE TABLE name AS rest` into (name, rest), past any leading comments.
fn split_create_table(sql: &str) -> Option<(&str, &str)> {
    let start = sql.find("CREATE TABLE ")?;
    let rest = &sql[start + "CREATE TABLE ".len()..];
    let name_end = rest.find(char::is_whitespace)?;
    let (name, rest) = rest.split_at(name_end);
    let select = rest.trim_start().strip_prefix("AS")?;
    Some((name, select))
}

/// The time a query on the cluster ran past `engine.query_timeout_seconds`.
#[derive(Debug, thiserror::Error)]
#[error(
    "the query did not finish on the Ballista cluster at {scheduler} within \
     {seconds} s (engine.query_timeout_seconds). An executor may have been lost, or \
     none is registered with the scheduler: see the scheduler's log"
)]
pub struct TimedOut {
    scheduler: String,
    seconds: u64,
}

/// Await a query's future, bounded by the cluster's query timeout. A scheduler whose
/// executors are gone keeps a job waiting for ever; a run must end and say so.
pub async fn run_on<T>(
    cluster: &Cluster,
    fut: impl std::future::Future<Output = T>,
) -> Result<T, TimedOut> {
    match cluster.query_timeout {
        None => Ok(fut.await),
        Some(limit) => tokio::time::timeout(limit, fut)
            .await
            .map_err(|_| TimedOut {
                scheduler: cluster.scheduler.clone(),
                seconds: limit.as_secs(),
            }),
    }
}

/// An error of a query that ran on the cluster, with what a reader should check.
pub fn describe(cluster: &Cluster, e: &str) -> String {
    format!(
        "{e}\nThe query ran on the Ballista cluster at {}. Every executor must read the \
         data root and engine.work_dir ({}) at the same path as this machine, and run \
         Ballista {}.",
        cluster.scheduler,
        cluster.work.parent().unwrap_or(&cluster.work).display(),
        ballista::VERSION,
    )
}

/// The cluster's per-query bookkeeping, kept in the session's configuration so that
/// every query finds it from its `SessionContext` alone.
pub fn of(ctx: &SessionContext) -> Option<Arc<Cluster>> {
    ctx.state_ref().read().config().get_extension::<Cluster>()
}

#[cfg(feature = "ballista")]
mod ballista {
    //! The Ballista client: a session whose queries are planned by a scheduler and run
    //! by its executors.
    use std::sync::Arc;
    use std::time::Duration;

    use ::ballista::prelude::{SessionConfigExt, SessionContextExt};
    use datafusion::execution::SessionStateBuilder;
    use datafusion::execution::runtime_env::RuntimeEnv;
    use datafusion::prelude::{SessionConfig, SessionContext};

    /// The Ballista release this program speaks; a scheduler of another major version
    /// does not understand its plans.
    pub const VERSION: &str = "55";

    pub async fn context(
        scheduler: &str,
        config: SessionConfig,
        runtime: Arc<RuntimeEnv>,
    ) -> Result<SessionContext, String> {
        // Ballista 55's adaptive planner and its broadcast joins fail some of our
        // plans (a join reordered after DataFusion built dynamic filters into it; task
        // metrics that do not line up), and the job then waits for ever: the static
        // planner with partitioned joins runs them all.
        let config = config
            .set_bool("datafusion.optimizer.enable_dynamic_filter_pushdown", false)
            .with_ballista_job_name("equity-reports")
            .set_bool("ballista.planner.adaptive.enabled", false)
            .with_ballista_broadcast_join_threshold_bytes(0)
            .with_ballista_broadcast_join_threshold_rows(0)
            .with_ballista_standalone_parallelism(2);
        let state = SessionStateBuilder::new()
            .with_config(config)
            .with_runtime_env(runtime)
            .with_default_features()
            .build();
        if scheduler == "standalone" {
            return SessionContext::standalone_with_state(state)
                .await
                .map_err(|e| e.strip_backtrace());
        }
        check_scheduler(scheduler).await?;
        SessionContext::remote_with_state(scheduler, state)
            .await
            .map_err(|e| e.strip_backtrace())
    }

    /// Ask the scheduler, before any work, whether it is there, which Ballista it runs
    /// and whether it has executors. Every answer of a Ballista scheduler, gRPC or
    /// REST, carries `Server: ballista/<version>`.
    async fn check_scheduler(scheduler: &str) -> Result<(), String> {
        let Some(host_port) = scheduler.strip_prefix("df://") else {
            return Err("engine.scheduler must be \"standalone\" or df://host:port".into());
        };
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        let url = format!("http://{host_port}/api/executors");
        let resp = client.get(&url).send().await.map_err(|e| {
            format!(
                "cannot reach the scheduler ({}). Is it running, and is engine.scheduler \
                 (or EQUITY_REPORTS__ENGINE__SCHEDULER) right?",
                root_cause(&e)
            )
        })?;
        let server = resp
            .headers()
            .get(reqwest::header::SERVER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let Some(version) = server.strip_prefix("ballista/") else {
            return Err(format!(
                "{host_port} answered, but not as a Ballista scheduler (Server: {:?})",
                server
            ));
        };
        if version.split('.').next() != Some(VERSION) {
            return Err(format!(
                "the scheduler runs Ballista {version}, but this program speaks Ballista \
                 {VERSION}: run a scheduler and executors of version {VERSION}.x"
            ));
        }
        let executors: Vec<serde_json::Value> = resp
            .json()
            .await
            .map_err(|e| format!("reading {url}: {}", root_cause(&e)))?;
        if executors.is_empty() {
            return Err(
                "the scheduler has no executors registered; start at least one \
                 (ballista-executor --scheduler-host ...) and try again"
                    .into(),
            );
        }
        Ok(())
    }

    /// The innermost cause of an error (for a refused connection, "Connection refused").
    fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
        let mut cur = e;
        while let Some(next) = cur.source() {
            cur = next;
        }
        cur.to_string()
    }
}

#[cfg(not(feature = "ballista"))]
mod ballista {
    use std::sync::Arc;

    use datafusion::execution::runtime_env::RuntimeEnv;
    use datafusion::prelude::{SessionConfig, SessionContext};

    pub const VERSION: &str = "55";

    pub async fn context(
        _scheduler: &str,
        _config: SessionConfig,
        _runtime: Arc<RuntimeEnv>,
    ) -> Result<SessionContext, String> {
        Err(
            "this program was built without the Ballista engine; build it with \
             `cargo build --release --features ballista`, or set engine.kind = \"local\""
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_create_table_statement_splits_into_name_and_query() {
        let sql = "-- the facts\n-- per referral\nCREATE TABLE referral_facts AS\nWITH a AS (SELECT 1) SELECT * FROM a";
        let (name, select) = split_create_table(sql).unwrap();
        assert_eq!(name, "referral_facts");
        assert_eq!(select.trim(), "WITH a AS (SELECT 1) SELECT * FROM a");
        assert!(split_create_table("CREATE VIEW v AS SELECT 1").is_none());
    }
}
