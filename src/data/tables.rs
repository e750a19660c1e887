//! Where this process keeps its per-run tables (`CREATE TABLE x AS ...`): in memory while
//! all of them together fit in `engine.table_memory_mib`, else on disk. They are held
//! outside the engine's memory limit for the rest of the run, and grow with the
//! extracts: the referrals' facts alone take about 1.2 GiB at twice national size. A
//! table that would take the total past the budget is written, as its batches arrive,
//! to Arrow IPC files in the run's own folder (the same folder a cluster's tables use,
//! removed when the run ends, and by the next run if this one is killed) and read back
//! from there by every query, so a larger extract needs more disk, not more memory.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use arrow::ipc::writer::StreamWriter;
use datafusion::catalog::TableProvider;
use datafusion::common::Statistics;
use datafusion::common::stats::Precision;
use datafusion::error::{DataFusionError, Result};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::prelude::SessionContext;
use futures::StreamExt;

/// The per-run tables of one session and where each is.
pub struct Tables {
    budget: usize,
    engine: Arc<crate::config::Engine>,
    /// Each table: its bytes in memory, or its folder on disk.
    held: Mutex<BTreeMap<String, Held>>,
    /// The run's folder for tables on disk, made when the first one goes there.
    folder: Arc<Mutex<Option<Folder>>>,
}

/// A folder removed with everything in it when the session ends: the tables hold
/// row-level data.
struct Folder(PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

enum Held {
    Memory(usize),
    Disk(PathBuf),
}

/// Where a table ended up.
pub enum Placed {
    Memory { bytes: usize },
    Disk { bytes: usize },
}

impl Tables {
    pub fn new(engine: &crate::config::Engine) -> Tables {
        let mib = usize::try_from(engine.table_memory_mib).unwrap_or(usize::MAX);
        Tables {
            budget: mib.saturating_mul(1024 * 1024),
            engine: Arc::new(engine.clone()),
            held: Mutex::new(BTreeMap::new()),
            folder: Arc::new(Mutex::new(None)),
        }
    }

    /// Run `plan` and register its output as table `name`: in memory (one partition per
    /// partition of the plan, as DataFusion's own `CREATE TABLE` does) while it fits in
    /// what the budget has left, else in one IPC file per partition.
    pub async fn create(
        &self,
        ctx: &SessionContext,
        name: &str,
        plan: Arc<dyn ExecutionPlan>,
    ) -> Result<Placed> {
        let task = ctx.task_ctx();
        let schema = plan.schema();
        let parts = plan.properties().output_partitioning().partition_count();
        let room = self.budget.saturating_sub(self.held_bytes());
        let sink = Arc::new(Mutex::new(Sink {
            room,
            rows: 0,
            bytes: 0,
            held: vec![Vec::new(); parts],
            writers: None,
            dir: None,
        }));
        // the folder is made only for a table that goes there
        let dir = Arc::new(TableDir {
            folder: self.folder.clone(),
            engine: self.engine.clone(),
            name: name.into(),
        });
        // every partition at once: a partition's stream may wait for another's
        let mut running = tokio::task::JoinSet::new();
        for part in 0..parts {
            let mut stream = plan.execute(part, task.clone())?;
            let sink = sink.clone();
            let dir = dir.clone();
            let schema = schema.clone();
            running.spawn(async move {
                while let Some(batch) = stream.next().await {
                    let batch = batch?;
                    let mut s = sink.lock().unwrap();
                    s.push(part, batch, &schema, &dir)?;
                }
                Ok::<(), DataFusionError>(())
            });
        }
        while let Some(done) = running.join_next().await {
            done.map_err(|e| DataFusionError::External(Box::new(e)))??;
        }
        let sink = Arc::into_inner(sink)
            .expect("every partition's task has ended")
            .into_inner()
            .unwrap();
        let bytes = sink.bytes;
        match sink.writers {
            None => {
                let table = datafusion::datasource::MemTable::try_new(schema, sink.held)?;
                ctx.register_table(name, Arc::new(table))?;
                self.held
                    .lock()
                    .unwrap()
                    .insert(name.into(), Held::Memory(bytes));
                Ok(Placed::Memory { bytes })
            }
            Some(writers) => {
                for mut w in writers.into_iter().flatten() {
                    w.finish()?;
                    w.into_inner()?
                        .into_inner()
                        .map_err(|e| DataFusionError::IoError(e.into_error()))?;
                }
                let dir = dir.path()?;
                let table = OnDisk::open(ctx, &dir, schema, sink.rows, bytes).await?;
                ctx.register_table(name, Arc::new(table))?;
                self.held
                    .lock()
                    .unwrap()
                    .insert(name.into(), Held::Disk(dir));
                Ok(Placed::Disk { bytes })
            }
        }
    }

    /// Forget table `name` (its memory given back, its files removed).
    pub fn release(&self, ctx: &SessionContext, name: &str) -> Result<()> {
        ctx.deregister_table(name)?;
        if let Some(Held::Disk(dir)) = self.held.lock().unwrap().remove(name) {
            std::fs::remove_dir_all(dir)?;
        }
        Ok(())
    }

    fn held_bytes(&self) -> usize {
        let held = self.held.lock().unwrap();
        held.values()
            .map(|h| match h {
                Held::Memory(bytes) => *bytes,
                Held::Disk(_) => 0,
            })
            .sum()
    }
}

/// The folder of one table's files, in the run's folder made on first need.
struct TableDir {
    folder: Arc<Mutex<Option<Folder>>>,
    engine: Arc<crate::config::Engine>,
    name: String,
}

impl TableDir {
    fn path(&self) -> Result<PathBuf> {
        let mut folder = self.folder.lock().unwrap();
        if folder.is_none() {
            let made =
                super::engine::work_folder(&self.engine).map_err(DataFusionError::Execution)?;
            *folder = Some(Folder(made));
        }
        Ok(folder.as_ref().expect("made above").0.join(&self.name))
    }
}

/// A table's batches as they arrive: held while they fit in `room`, then every
/// partition's batches written to its own file.
struct Sink {
    room: usize,
    rows: usize,
    bytes: usize,
    held: Vec<Vec<RecordBatch>>,
    writers: Option<Vec<Option<StreamWriter<BufWriter<File>>>>>,
    dir: Option<PathBuf>,
}

impl Sink {
    fn push(
        &mut self,
        part: usize,
        batch: RecordBatch,
        schema: &SchemaRef,
        dir: &TableDir,
    ) -> Result<()> {
        self.rows += batch.num_rows();
        self.bytes += batch.get_array_memory_size();
        if self.writers.is_none() {
            if self.bytes <= self.room {
                self.held[part].push(batch);
                return Ok(());
            }
            let dir = dir.path()?;
            // (files of a table of this name made before and not released: replaced)
            if dir.exists() {
                std::fs::remove_dir_all(&dir)?;
            }
            std::fs::create_dir_all(&dir)?;
            self.dir = Some(dir);
            self.writers = Some((0..self.held.len()).map(|_| None).collect());
            for p in 0..self.held.len() {
                for b in std::mem::take(&mut self.held[p]) {
                    self.write(p, &b, schema)?;
                }
            }
        }
        self.write(part, &batch, schema)
    }

    fn write(&mut self, part: usize, batch: &RecordBatch, schema: &SchemaRef) -> Result<()> {
        let dir = self.dir.as_ref().expect("set before any write");
        let writers = self.writers.as_mut().expect("set before any write");
        let w = match &mut writers[part] {
            Some(w) => w,
            slot => {
                let file = File::create(dir.join(format!("part-{part}.arrow")))?;
                slot.insert(StreamWriter::try_new(BufWriter::new(file), schema)?)
            }
        };
        w.write(batch)?;
        Ok(())
    }
}

/// A table's IPC files, read by DataFusion's own Arrow reader, with the table's exact
/// number of rows and size in memory as the planner's statistics: without them the
/// planner took the referrals' facts for the small side of a join with a one-row table
/// and held all of them in memory.
#[derive(Debug)]
struct OnDisk {
    files: Arc<dyn TableProvider>,
    statistics: Statistics,
}

impl OnDisk {
    async fn open(
        ctx: &SessionContext,
        dir: &std::path::Path,
        schema: SchemaRef,
        rows: usize,
        bytes: usize,
    ) -> Result<OnDisk> {
        use datafusion::datasource::listing::{ListingTable, ListingTableConfig, ListingTableUrl};
        use datafusion::execution::options::ReadOptions;
        let options = datafusion::execution::options::ArrowReadOptions::default()
            .to_listing_options(&ctx.copied_config(), ctx.copied_table_options());
        let url = ListingTableUrl::parse(format!("{}/", dir.display()))?;
        let config = ListingTableConfig::new(url)
            .with_listing_options(options)
            .with_schema(schema.clone());
        let mut statistics = Statistics::new_unknown(&schema);
        statistics.num_rows = Precision::Exact(rows);
        statistics.total_byte_size = Precision::Exact(bytes);
        Ok(OnDisk {
            files: Arc::new(ListingTable::try_new(config)?),
            statistics,
        })
    }
}

#[async_trait::async_trait]
impl TableProvider for OnDisk {
    fn schema(&self) -> SchemaRef {
        self.files.schema()
    }

    fn table_type(&self) -> datafusion::datasource::TableType {
        datafusion::datasource::TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn datafusion::catalog::Session,
        projection: Option<&Vec<usize>>,
        filters: &[datafusion::prelude::Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        use datafusion::datasource::physical_plan::{FileScanConfig, FileScanConfigBuilder};
        use datafusion::datasource::source::DataSourceExec;
        let plan = self.files.scan(state, projection, filters, limit).await?;
        let scan = (plan.as_ref() as &dyn std::any::Any)
            .downcast_ref::<DataSourceExec>()
            .and_then(|d| {
                (d.data_source().as_ref() as &dyn std::any::Any).downcast_ref::<FileScanConfig>()
            });
        Ok(match scan {
            Some(config) => DataSourceExec::from_data_source(
                FileScanConfigBuilder::from(config.clone())
                    .with_statistics(self.statistics.clone())
                    .build(),
            ),
            None => plan,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn made(tables: &Tables, ctx: &SessionContext, name: &str, rows: i64) -> Placed {
        let sql = format!("SELECT value AS n, value % 3 AS k FROM generate_series(1, {rows})");
        let plan = ctx
            .sql(&sql)
            .await
            .unwrap()
            .create_physical_plan()
            .await
            .unwrap();
        tables.create(ctx, name, plan).await.unwrap()
    }

    async fn sum(ctx: &SessionContext, sql: &str) -> i64 {
        let b = crate::data::query::collect(ctx, "t", sql).await.unwrap();
        crate::data::query::i64_column(&b[0], "t", "t").unwrap()[0].unwrap()
    }

    /// A table goes to disk once the tables held would pass the budget, is read from
    /// there with the same rows, tells the planner its exact size, and its files go
    /// when it is released; within the budget a table stays in memory.
    #[tokio::test]
    async fn a_table_past_the_budget_is_read_from_disk_and_removed_with_it() {
        let work = tempfile::tempdir().unwrap();
        let mut engine = crate::config::load_settings_from(None, &[]).unwrap().engine;
        engine.table_memory_mib = 1;
        engine.work_dir = work.path().to_path_buf();
        let tables = Tables::new(&engine);
        let ctx = SessionContext::new();
        // about 16 bytes a row: 1,000 rows fit in 1 MiB, 100,000 do not
        assert!(matches!(
            made(&tables, &ctx, "small", 1_000).await,
            Placed::Memory { .. }
        ));
        let Placed::Disk { bytes } = made(&tables, &ctx, "large", 100_000).await else {
            panic!("100,000 rows held in 1 MiB");
        };
        assert!(bytes > 1 << 20, "{bytes}");
        // 1 + ... + 100,000, and its rows by k (n % 3 = 1: 1, 4, ..., 100,000)
        assert_eq!(
            sum(&ctx, "SELECT sum(n) AS t FROM large").await,
            5_000_050_000
        );
        assert_eq!(
            sum(&ctx, "SELECT count(*) AS t FROM large WHERE k = 1").await,
            33_334
        );
        assert_eq!(sum(&ctx, "SELECT sum(n) AS t FROM small").await, 500_500);
        // the size the planner reads
        let plan = ctx
            .sql("SELECT n FROM large")
            .await
            .unwrap()
            .create_physical_plan()
            .await
            .unwrap();
        use datafusion::physical_plan::statistics::{StatisticsArgs, StatisticsContext};
        let stats = StatisticsContext::new()
            .compute(plan.as_ref(), &StatisticsArgs::new())
            .unwrap();
        assert_eq!(stats.num_rows, Precision::Exact(100_000));
        let folder = std::fs::read_dir(work.path())
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        assert!(folder.join("large").is_dir());
        tables.release(&ctx, "large").unwrap();
        assert!(!folder.join("large").exists());
        assert!(ctx.table("large").await.is_err());
        drop(tables);
        assert!(!folder.exists());
    }
}
