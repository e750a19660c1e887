//! NHS numbers in the values of an extract. Identifier columns are refused by their
//! names (`contract::identifier_family`); this finds the identifiers a name does not
//! give away: a text column whose values are NHS numbers (a `person_id` that was never
//! pseudonymised, a code column with numbers typed into it). A dataset's text columns
//! are counted by `queries/quality/nhs_numbers.sql` in one statement over all its files
//! (a statement a file was most of a small run's time); the files are counted one by
//! one only to name those that hold the numbers. The values themselves never leave the
//! query.
//!
//! A column is refused when, over the dataset's files, more than [`HANDFUL`] values pass
//! the Modulus 11 check and they are most of its NHS-number-shaped values. The second
//! test keeps pseudonyms that happen to be ten random digits: about 1 in 11 of those
//! passes the check by chance, where every real NHS number does.

use std::collections::BTreeMap;
use std::path::PathBuf;

use arrow::array::{Array, AsArray, BooleanArray, Int64Array};
use arrow::datatypes::DataType;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use futures::StreamExt;

use crate::contract::ColType;
use crate::data::inventory::{FoundDataset, Inventory, StructuralError};

/// Valid NHS numbers a column may hold before the extract is refused: a few digits
/// typed into a code column by mistake are counted (and never shown) on the
/// data-quality page rather than stopping the report.
pub const HANDFUL: u64 = 5;

const TEMPLATE: &str = include_str!("../../queries/quality/nhs_numbers.sql");

/// Per column of a dataset: values shaped like an NHS number, those that pass the check,
/// and the files that hold any that pass.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Tally {
    shaped: u64,
    valid: u64,
    files: Vec<PathBuf>,
}

impl Tally {
    fn refused(&self) -> bool {
        self.valid > HANDFUL && 2 * self.valid > self.shaped
    }
}

/// The refusals for the datasets found: one per column that holds NHS numbers.
pub async fn scan(inv: &Inventory) -> Vec<StructuralError> {
    let mut errors = Vec::new();
    for found in inv.found.values() {
        match scan_dataset(found).await {
            Ok(tallies) => {
                for (column, t) in tallies.into_iter().filter(|(_, t)| t.refused()) {
                    errors.push(StructuralError::NhsNumbers {
                        dataset: found.dataset.name.into(),
                        column,
                        rows: t.valid,
                        files: t
                            .files
                            .iter()
                            .map(|f| f.display().to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                }
            }
            Err((file, message)) => errors.push(StructuralError::Unreadable {
                dataset: found.dataset.name.into(),
                file,
                message,
            }),
        }
    }
    errors
}

/// The counts of each text column over a dataset's files: one statement over them all,
/// the fast path a clean extract takes. A refused column, or a file the statement cannot
/// read, sends the scan back over the files one by one, which names them.
async fn scan_dataset(found: &FoundDataset) -> Result<BTreeMap<String, Tally>, (PathBuf, String)> {
    let text: Vec<&str> = found
        .dataset
        .columns
        .iter()
        .filter(|c| c.ty == ColType::Str && found.file_columns.iter().any(|f| f == c.name))
        .filter(|c| !found.partition_keys.iter().any(|k| k == c.name))
        .map(|c| c.name)
        .collect();
    if text.is_empty() {
        return Ok(BTreeMap::new());
    }
    // A session of its own: it runs in this process whatever engine runs the figures.
    let ctx = SessionContext::new();
    ctx.register_udf(check_digit_udf());
    if crate::data::remote::is_remote(&found.location) {
        let (bucket, store) = crate::data::remote::store_for(&found.location.to_string_lossy())
            .map_err(|e| (found.location.clone(), e.to_string()))?;
        let url = url::Url::parse(&bucket).map_err(|e| (found.location.clone(), e.to_string()))?;
        ctx.register_object_store(&url, store);
    }
    match scan_together(&ctx, found, &text).await {
        Ok(tallies) if !tallies.values().any(Tally::refused) => Ok(tallies),
        _ => scan_one_by_one(&ctx, found, &text).await,
    }
}

/// Every file of the dataset as one table of its text columns only: partners' files may
/// store other columns as different types (Int32 in one, Int64 in another), which a table
/// of all the columns would have to reconcile.
async fn scan_together(
    ctx: &SessionContext,
    found: &FoundDataset,
    text: &[&str],
) -> datafusion::error::Result<BTreeMap<String, Tally>> {
    use datafusion::datasource::file_format::parquet::ParquetFormat;
    use datafusion::datasource::listing::{
        ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
    };
    let urls = crate::data::remote::file_addresses(found)
        .iter()
        .map(ListingTableUrl::parse)
        .collect::<datafusion::error::Result<Vec<_>>>()?;
    let schema = arrow::datatypes::Schema::new(
        text.iter()
            .map(|c| arrow::datatypes::Field::new(*c, DataType::Utf8View, true))
            .collect::<Vec<_>>(),
    );
    let options = ListingOptions::new(std::sync::Arc::new(ParquetFormat::default()))
        .with_file_extension(".parquet");
    let config = ListingTableConfig::new_with_multi_paths(urls)
        .with_listing_options(options)
        .with_schema(std::sync::Arc::new(schema));
    let table = "nhs_number_scan";
    ctx.register_table(table, std::sync::Arc::new(ListingTable::try_new(config)?))?;
    let batches = ctx.sql(&statements(text, table)).await?.collect().await;
    ctx.deregister_table(table)?;
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for (column, shaped, valid) in read_counts(&batches?)? {
        let t = tallies.entry(column).or_default();
        t.shaped += shaped;
        t.valid += valid;
    }
    Ok(tallies)
}

/// The files one at a time (a few at once), their counts added up in the files' order:
/// names the files that hold valid numbers, and the file that cannot be read.
async fn scan_one_by_one(
    ctx: &SessionContext,
    found: &FoundDataset,
    text: &[&str],
) -> Result<BTreeMap<String, Tally>, (PathBuf, String)> {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let at_once = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut counted = futures::stream::iter(found.files.iter().enumerate())
        .map(|(i, file)| scan_file(ctx, &file.path, i, text))
        .buffered(at_once);
    while let Some(counts) = counted.next().await {
        let (path, counts) = counts?;
        for (column, shaped, valid) in counts {
            let t = tallies.entry(column).or_default();
            t.shaped += shaped;
            t.valid += valid;
            if valid > 0 {
                t.files.push(path.clone());
            }
        }
    }
    Ok(tallies)
}

/// One file's counts: for each text column it holds, the values shaped like an NHS
/// number and those that pass the check. Registered as a table named by its place in
/// the dataset, so that several files are scanned at once.
async fn scan_file(
    ctx: &SessionContext,
    path: &std::path::Path,
    place: usize,
    text: &[&str],
) -> Result<(PathBuf, Vec<(String, u64, u64)>), (PathBuf, String)> {
    let fail = |e: datafusion::error::DataFusionError| (path.to_path_buf(), e.to_string());
    let df = ctx
        .read_parquet(
            path.to_string_lossy().as_ref(),
            ParquetReadOptions::default(),
        )
        .await
        .map_err(fail)?;
    // text columns only: a column Parquet holds as Null (empty throughout) has
    // nothing to count
    let here: Vec<&str> = text
        .iter()
        .copied()
        .filter(|c| {
            df.schema()
                .field_with_unqualified_name(c)
                .is_ok_and(|f| is_text(f.data_type()))
        })
        .collect();
    if here.is_empty() {
        return Ok((path.to_path_buf(), Vec::new()));
    }
    let table = format!("nhs_number_scan_{place}");
    ctx.register_table(table.as_str(), df.into_view())
        .map_err(fail)?;
    let batches = ctx
        .sql(&statements(&here, &table))
        .await
        .map_err(fail)?
        .collect()
        .await;
    ctx.deregister_table(table.as_str()).map_err(fail)?;
    let counts = read_counts(&batches.map_err(fail)?).map_err(fail)?;
    Ok((path.to_path_buf(), counts))
}

/// Every column's counts in one statement: a branch each, each with its own filter for
/// the reader (a statement a column made the scan of 88 files take three times as long).
fn statements(columns: &[&str], table: &str) -> String {
    columns
        .iter()
        .map(|c| {
            let name = c.replace('\'', "''");
            format!(
                "SELECT '{name}' AS column_name, shaped, valid FROM ({}) t",
                statement(c, table)
            )
        })
        .collect::<Vec<_>>()
        .join("\nUNION ALL\n")
}

/// The rows of [`statements`]: column, shaped, valid.
fn read_counts(
    batches: &[arrow::record_batch::RecordBatch],
) -> datafusion::error::Result<Vec<(String, u64, u64)>> {
    let mut counts = Vec::new();
    for b in batches {
        let names = arrow::compute::cast(b.column(0), &DataType::Utf8)?;
        let names = names.as_string::<i32>();
        let count = |name: &str, row: usize| -> u64 {
            b.column_by_name(name)
                .and_then(|a| {
                    a.as_any()
                        .downcast_ref::<Int64Array>()
                        .map(|a| a.value(row))
                })
                .map_or(0, |n| n.max(0) as u64)
        };
        for row in 0..b.num_rows() {
            counts.push((
                names.value(row).to_string(),
                count("shaped", row),
                count("valid", row),
            ));
        }
    }
    Ok(counts)
}

/// The counts of one column of the file registered as `table`. The column is compared
/// as it is stored (no cast), so that the reader can skip row groups by their statistics.
fn statement(column: &str, table: &str) -> String {
    TEMPLATE
        .replace("{{column}}", &format!("\"{column}\""))
        .replace("{{table}}", table)
}

/// `nhs_check_digit_ok(text)`: whether ten digits pass the Modulus 11 check: the first
/// nine weighted 10 down to 2 and summed, 11 minus the sum's remainder by 11 (11 read as
/// 0) equal to the tenth; a remainder of 1 gives 10, which no digit equals (never issued).
/// A function rather than SQL arithmetic: the arithmetic, ten `ascii(substr(..))` terms a
/// column, was half of the time DataFusion took to plan each file's statement.
const CHECK_DIGIT: &str = "nhs_check_digit_ok";

fn check_digit_udf() -> ScalarUDF {
    ScalarUDF::from(CheckDigit {
        signature: Signature::uniform(
            1,
            vec![DataType::Utf8View, DataType::Utf8, DataType::LargeUtf8],
            Volatility::Immutable,
        ),
    })
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct CheckDigit {
    signature: Signature,
}

/// The Modulus 11 check of ten ASCII digits (anything else fails).
fn passes_check(digits: &str) -> bool {
    let d = digits.as_bytes();
    if d.len() != 10 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = (0..9)
        .map(|i| u32::from(d[i] - b'0') * (10 - i as u32))
        .sum();
    (11 - sum % 11) % 11 == u32::from(d[9] - b'0')
}

impl ScalarUDFImpl for CheckDigit {
    fn name(&self) -> &str {
        CHECK_DIGIT
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let array = args.args[0].to_array(args.number_rows)?;
        let out: BooleanArray = match array.data_type() {
            DataType::Utf8View => array
                .as_string_view()
                .iter()
                .map(|v| v.map(passes_check))
                .collect(),
            DataType::Utf8 => array
                .as_string::<i32>()
                .iter()
                .map(|v| v.map(passes_check))
                .collect(),
            DataType::LargeUtf8 => array
                .as_string::<i64>()
                .iter()
                .map(|v| v.map(passes_check))
                .collect(),
            other => {
                return exec_err!("{CHECK_DIGIT} takes text, not {other}");
            }
        };
        Ok(ColumnarValue::Array(std::sync::Arc::new(out)))
    }
}

/// Whether a column's Arrow type holds text.
fn is_text(t: &arrow::datatypes::DataType) -> bool {
    use arrow::datatypes::DataType::*;
    match t {
        Utf8 | LargeUtf8 | Utf8View => true,
        Dictionary(_, v) => is_text(v),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Modulus 11 worked by hand, independently of the SQL.
    fn valid(digits: &str) -> bool {
        let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
        if d.len() != 10 {
            return false;
        }
        let sum: u32 = (0..9).map(|i| d[i] * (10 - i as u32)).sum();
        let check = (11 - sum % 11) % 11;
        check == d[9]
    }

    async fn counts(values: &[Option<&str>]) -> (i64, i64) {
        let ctx = SessionContext::new();
        ctx.register_udf(check_digit_udf());
        let batch = arrow::record_batch::RecordBatch::try_from_iter([(
            "v",
            std::sync::Arc::new(arrow::array::StringArray::from(values.to_vec()))
                as arrow::array::ArrayRef,
        )])
        .unwrap();
        ctx.register_batch("nhs_number_scan", batch).unwrap();
        let b = ctx
            .sql(&statement("v", "nhs_number_scan"))
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        let get = |i: usize| {
            b[0].column(i)
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap()
                .value(0)
        };
        (get(0), get(1))
    }

    #[tokio::test]
    async fn the_query_counts_shapes_and_check_digits() {
        // 943 476 5919 is the NHS's own example: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2
        // = 299, 299 % 11 = 2, 11 - 2 = 9 = the tenth digit.
        let values = [
            Some("9434765919"),    // valid
            Some("943 476 5919"),  // valid, grouped by spaces
            Some("943-476-5919"),  // valid, by hyphens
            Some("9434765918"),    // shaped, wrong check digit
            Some("4010232137"), // valid: 4*10+0+1*8+0+2*6+3*5+2*4+1*3+3*2 = 92, 92 % 11 = 4, 11 - 4 = 7
            Some("1000000001"), // shaped: sum 10, remainder 10, check 1 = tenth digit: valid
            Some("1000000010"), // sum 10 + 2 = 12, remainder 1: check 10, never valid
            Some("5000000000"), // sum 50, remainder 6, check 5: not valid (tenth 0)
            Some("2000000001"), // sum 20, remainder 9, check 2: not valid; 1 never
            Some("943476591"),  // nine digits: not shaped
            Some("94347659190"), // eleven digits: not shaped
            Some("943 476 591 9"), // grouped oddly: ten digits, 13 characters: not shaped
            Some("A434765919"), // a letter: not shaped
            Some("ETH-A"),
            None,
        ];
        let by_hand_shaped = values
            .iter()
            .flatten()
            .filter(|v| {
                (10..=12).contains(&v.len())
                    && v.chars()
                        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
                    && v.chars().filter(char::is_ascii_digit).count() == 10
            })
            .count() as i64;
        let by_hand_valid = values
            .iter()
            .flatten()
            .filter(|v| (10..=12).contains(&v.len()) && !v.contains('A'))
            .filter(|v| valid(v))
            .count() as i64;
        assert_eq!((by_hand_shaped, by_hand_valid), (9, 5));
        assert_eq!(counts(&values).await, (9, 5));
    }

    #[tokio::test]
    async fn every_check_digit_of_one_stem() {
        // the stem 401023213 with each tenth digit: only its check digit, 7, passes;
        // and a stem whose check would be 10 (remainder 1) passes with none.
        let stem: Vec<String> = (0..10).map(|d| format!("401023213{d}")).collect();
        let refs: Vec<Option<&str>> = stem.iter().map(|s| Some(s.as_str())).collect();
        assert_eq!(counts(&refs).await, (10, 1));
        // 1*10 + 0 ... + 1*2 = 12: remainder 1, check digit 10
        let never: Vec<String> = (0..10).map(|d| format!("100000001{d}")).collect();
        assert!(never.iter().all(|n| !valid(n)));
        let refs: Vec<Option<&str>> = never.iter().map(|s| Some(s.as_str())).collect();
        assert_eq!(counts(&refs).await, (10, 0));
    }

    /// A staff file of `ids`, with `age_years` stored as Int32 or Int64 as partners'
    /// files differ, and a `job_role` empty throughout (stored as Null).
    fn staff_file(path: &std::path::Path, ids: &[String], wide_age: bool) {
        use arrow::array::{ArrayRef, Int32Array, NullArray, StringArray};
        let n = ids.len();
        let age: ArrayRef = if wide_age {
            std::sync::Arc::new(Int64Array::from(vec![40i64; n]))
        } else {
            std::sync::Arc::new(Int32Array::from(vec![40i32; n]))
        };
        let batch = arrow::record_batch::RecordBatch::try_from_iter([
            (
                "staff_id",
                std::sync::Arc::new(StringArray::from(ids.to_vec())) as ArrayRef,
            ),
            ("age_years", age),
            (
                "job_role",
                std::sync::Arc::new(NullArray::new(n)) as ArrayRef,
            ),
        ])
        .unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(
            std::fs::File::create(path).unwrap(),
            batch.schema(),
            None,
        )
        .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    }

    fn found(dir: &std::path::Path, names: &[&str]) -> FoundDataset {
        FoundDataset {
            dataset: crate::contract::dataset("staff_snapshot").unwrap(),
            location: dir.to_path_buf(),
            files: names
                .iter()
                .map(|n| crate::data::inventory::DataFile {
                    path: dir.join(n),
                    relative: n.to_string(),
                    rows: 0,
                    sha256: String::new(),
                })
                .collect(),
            partition_keys: Vec::new(),
            file_columns: vec!["staff_id".into(), "age_years".into(), "job_role".into()],
            warnings: Vec::new(),
        }
    }

    #[tokio::test]
    async fn one_statement_counts_the_files_of_differing_types_and_a_refusal_names_its_files() {
        let dir = tempfile::tempdir().unwrap();
        // 4010232137 and 9434765919 pass; 9434765918 is shaped only
        let clean: Vec<String> = ["S1", "9434765918", "S3"].map(String::from).to_vec();
        let some: Vec<String> = ["4010232137", "9434765919", "X"].map(String::from).to_vec();
        staff_file(&dir.path().join("a.parquet"), &clean, false);
        staff_file(&dir.path().join("b.parquet"), &some, true);
        staff_file(&dir.path().join("c.parquet"), &clean, true);
        let ds = found(dir.path(), &["a.parquet", "b.parquet", "c.parquet"]);
        let ctx = SessionContext::new();
        ctx.register_udf(check_digit_udf());
        let together = scan_together(&ctx, &ds, &["staff_id", "job_role"])
            .await
            .unwrap();
        // shaped: a 1, b 2, c 1; valid: b 2; the empty column counts nothing
        let staff = &together["staff_id"];
        assert_eq!((staff.shaped, staff.valid), (4, 2));
        assert_eq!(together.get("job_role").map_or(0, |t| t.shaped), 0);
        let apart = scan_dataset(&ds).await.unwrap();
        assert_eq!((apart["staff_id"].shaped, apart["staff_id"].valid), (4, 2));
        assert!(
            apart["staff_id"].files.is_empty(),
            "not refused: no files named"
        );

        // six valid numbers in b refuse the column: the files are named
        let many: Vec<String> = (401_023_200u64..)
            .filter_map(|stem| {
                let s = format!("{stem:09}");
                let sum: u32 = s
                    .bytes()
                    .enumerate()
                    .map(|(i, c)| u32::from(c - b'0') * (10 - i as u32))
                    .sum();
                let check = (11 - sum % 11) % 11;
                (check < 10).then(|| format!("{s}{check}"))
            })
            .take(HANDFUL as usize + 1)
            .collect();
        assert!(many.iter().all(|n| valid(n)));
        staff_file(&dir.path().join("b.parquet"), &many, true);
        let refused = scan_dataset(&ds).await.unwrap();
        let staff = &refused["staff_id"];
        assert_eq!((staff.shaped, staff.valid), (2 + HANDFUL + 1, HANDFUL + 1));
        assert!(staff.refused());
        assert_eq!(staff.files, vec![dir.path().join("b.parquet")]);
    }

    #[test]
    fn random_ten_digit_pseudonyms_are_not_refused_but_nhs_numbers_are() {
        // chance: 10 of 11 remainders give a digit, and that digit is 1 in 10
        let pseudonyms = Tally {
            shaped: 11_000,
            valid: 1_000,
            files: Vec::new(),
        };
        assert!(!pseudonyms.refused());
        let numbers = Tally {
            shaped: 1_000,
            valid: 1_000,
            files: Vec::new(),
        };
        assert!(numbers.refused());
        let few = Tally {
            shaped: HANDFUL,
            valid: HANDFUL,
            files: Vec::new(),
        };
        assert!(!few.refused());
        let more = Tally {
            shaped: HANDFUL + 1,
            valid: HANDFUL + 1,
            files: Vec::new(),
        };
        assert!(more.refused());
    }
}
