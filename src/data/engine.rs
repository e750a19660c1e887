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
use crate::process;

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
) -> Result<(SessionContext, Option<Arc<Cluster>>), String> {
    match engine.kind {
        EngineKind::Local => {
            let ctx = SessionContext::new_with_config_rt(config, runtime);
            ctx.register_udaf(super::second_smallest::udaf());
            ctx.register_udaf(super::repeated_values::udaf());
            ctx.register_udf(super::id_hash::udf(engine.id_hash_bits));
            Ok((ctx, None))
        }
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
                    format!("Ballista scheduler {}: {}", engine.scheduler, e.trim_end())
                })?;
            Ok((ctx, Some(cluster)))
        }
    }
}

/// This run's own folder under `engine.work_dir` (the system's temporary folder when
/// that is empty, which only a scheduler on this machine can use). Its name says which
/// machine and process made it, so that the folders of runs of this machine that were
/// killed before they could clean up are removed here.
pub(crate) fn work_folder(engine: &config::Engine) -> Result<PathBuf, String> {
    let root = if engine.work_dir.as_os_str().is_empty() {
        std::env::temp_dir()
    } else {
        engine.work_dir.clone()
    };
    let root = std::path::absolute(&root).unwrap_or(root);
    let host = process::host();
    remove_abandoned(&root, &host);
    let dir = root.join(format!(
        "{WORK_PREFIX}{}-{}-{host}",
        std::process::id(),
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.f")
    ));
    std::fs::create_dir_all(&dir).map_err(|e| {
        format!(
            "engine.work_dir {}: cannot make a folder there for this run's tables: {e}",
            root.display()
        )
    })?;
    Ok(dir)
}

const WORK_PREFIX: &str = "equity-reports-";

/// The process and machine in a work folder's name (`equity-reports-PID-TIME-HOST`).
fn work_owner(name: &str) -> Option<(i64, &str)> {
    let (pid, rest) = name.strip_prefix(WORK_PREFIX)?.split_once('-')?;
    let (_time, host) = rest.split_once('-')?;
    Some((pid.parse().ok()?, host))
}

/// Remove the work folders under `root` left by runs of this machine whose process
/// has gone (killed, or the machine restarted): they hold row-level tables.
fn remove_abandoned(root: &std::path::Path, host: &str) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some((pid, owner)) = name.to_str().and_then(work_owner) else {
            continue;
        };
        if owner == host && !process::alive(pid) {
            match std::fs::remove_dir_all(entry.path()) {
                Ok(()) => tracing::info!(
                    "removed {}, the tables of an earlier run that did not finish",
                    entry.path().display()
                ),
                Err(e) => tracing::warn!("cannot remove {}: {e}", entry.path().display()),
            }
        }
    }
}

/// Refuse, before it is sent, a query whose optimised plan joins without an equality
/// key (what runs as a nested loop join). Ballista 55 splits such a join across tasks
/// wrongly: an inner one counted rows many times over on its scheduler and executors,
/// and a `LEFT JOIN` cannot know which rows found a match in another task. Wrong
/// figures would go to the board without an error, so the query stops here instead.
pub fn refuse_keyless_join(
    ctx: &SessionContext,
    df: &datafusion::dataframe::DataFrame,
) -> Result<(), String> {
    use datafusion::common::tree_node::TreeNodeRecursion;
    use datafusion::logical_expr::LogicalPlan;

    let plan = ctx
        .state()
        .optimize(df.logical_plan())
        .map_err(|e| e.to_string())?;
    let mut found = None;
    plan.apply_with_subqueries(|node| {
        if let LogicalPlan::Join(j) = node
            && j.on.is_empty()
            && let Some(filter) = &j.filter
        {
            found = Some(format!("{} JOIN ON {filter}", j.join_type));
            return Ok(TreeNodeRecursion::Stop);
        }
        Ok(TreeNodeRecursion::Continue)
    })
    .map_err(|e| e.to_string())?;
    match found {
        None => Ok(()),
        Some(join) => Err(format!(
            "this query joins without an equality key ({join}), which Ballista 55 does \
             not run correctly across tasks: give the join a key (see the README, \
             \"Past one machine\"), or run with the local engine"
        )),
    }
}

/// Make a per-run table on the cluster: the executors run the `SELECT` of a
/// `CREATE TABLE name AS SELECT ...` and write it as Parquet under the run's folder,
/// and `name` becomes a table over those files. A table held in this process's memory
/// could not be read by the executors, and a view would be recomputed at every use
/// (and makes plans too deep for the scheduler to decode).
/// The error is the message; the caller names the query.
pub async fn materialise(
    ctx: &SessionContext,
    cluster: &Cluster,
    query: &str,
    sql: &str,
) -> Result<(), String> {
    use datafusion::dataframe::DataFrameWriteOptions;
    use datafusion::datasource::file_format::parquet::ParquetFormat;
    use datafusion::datasource::listing::ListingOptions;

    let err = |message: String| message;
    let (name, select) = split_create_table(sql)
        .ok_or_else(|| err("expected a statement `CREATE TABLE <name> AS <query>`".into()))?;
    let folder = cluster.work.join(name);
    std::fs::create_dir_all(&folder)
        .map_err(|e| err(format!("making {}: {e}", folder.display())))?;
    let started = std::time::Instant::now();
    let df = ctx.sql(select).await.map_err(|e| err(e.to_string()))?;
    refuse_keyless_join(ctx, &df).map_err(err)?;
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
pub(crate) fn split_create_table(sql: &str) -> Option<(&str, &str)> {
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
    pub(super) const VERSION: &str = "55";

    pub(super) async fn context(
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

    pub(super) const VERSION: &str = "55";

    pub(super) async fn context(
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
    fn a_work_folder_names_its_process_and_machine() {
        assert_eq!(
            work_owner("equity-reports-4242-20261125T120812.652945102-node-1.example"),
            Some((4242, "node-1.example"))
        );
        assert_eq!(work_owner("equity-reports-x-1-h"), None);
        assert_eq!(work_owner("other-4242-1-h"), None);
    }

    #[test]
    fn only_abandoned_folders_of_this_machine_are_removed() {
        let root = tempfile::tempdir().unwrap();
        // a pid no process has: above Linux's pid_max (2^22)
        let gone = format!("{WORK_PREFIX}{}-20261125T000000.0-here", 1u64 << 23);
        let live = format!("{WORK_PREFIX}{}-20261125T000000.0-here", std::process::id());
        let other = format!("{WORK_PREFIX}{}-20261125T000000.0-there", 1u64 << 23);
        for name in [&gone, &live, &other, &"unrelated".to_string()] {
            std::fs::create_dir_all(root.path().join(name).join("t")).unwrap();
        }
        remove_abandoned(root.path(), "here");
        let left: std::collections::BTreeSet<String> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(
            left,
            [live, other, "unrelated".to_string()].into_iter().collect()
        );
    }

    #[tokio::test]
    async fn a_join_without_a_key_is_refused_and_one_with_a_key_is_not() {
        let ctx = SessionContext::new();
        for sql in [
            "CREATE VIEW a AS SELECT * FROM (VALUES (1, 'x'), (2, 'y')) t(n, k)",
            "CREATE VIEW b AS SELECT * FROM (VALUES (1, 'x')) t(m, k)",
        ] {
            ctx.sql(sql).await.unwrap();
        }
        let check = async |sql: &str| refuse_keyless_join(&ctx, &ctx.sql(sql).await.unwrap());
        let keyless = check("SELECT a.n FROM a JOIN b ON a.n >= b.m").await;
        assert!(keyless.unwrap_err().contains("without an equality key"));
        let left = check("SELECT a.n FROM a LEFT JOIN b ON a.k = '' OR a.k = b.k").await;
        assert!(left.is_err());
        assert!(
            check("SELECT a.n FROM a JOIN b ON a.k = b.k AND a.n >= b.m")
                .await
                .is_ok()
        );
        assert!(check("SELECT a.n FROM a CROSS JOIN b").await.is_ok());
    }

    #[test]
    fn a_create_table_statement_splits_into_name_and_query() {
        let sql = "-- the facts\n-- per referral\nCREATE TABLE referral_facts AS\nWITH a AS (SELECT 1) SELECT * FROM a";
        let (name, select) = split_create_table(sql).unwrap();
        assert_eq!(name, "referral_facts");
        assert_eq!(select.trim(), "WITH a AS (SELECT 1) SELECT * FROM a");
        assert!(split_create_table("CREATE VIEW v AS SELECT 1").is_none());
    }
}
