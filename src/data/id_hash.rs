//! `id_hash(text)`: a 64-bit number for an id (XXH3), so that the check for repeated ids
//! works on numbers, not text: at national size grouping 21.8 million appointment ids as
//! text takes three times as long. Equal ids have equal numbers; two different ids may
//! share one, so a query finds the numbers that repeat first (`repeated_values`) and
//! then confirms the few rows of those numbers by their text (`queries/tables/repeated_appointment_ids.sql`), and the rows of a
//! repeated id are numbered within its text: no figure and no data-quality count depends
//! on the hash being free of collisions. `engine.id_hash_bits` keeps only the top bits,
//! which tests set low to force collisions. Registered on the local engine only (a
//! Ballista cluster's executors know the built-in functions alone; there the query
//! groups the text itself: `repeated_appointment_hashes.cluster.sql`).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, UInt64Array};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

/// The function's name in SQL.
pub const NAME: &str = "id_hash";

/// The function, keeping the top `bits` (1 to 64) of each hash.
pub fn udf(bits: u32) -> ScalarUDF {
    ScalarUDF::from(IdHash {
        signature: Signature::uniform(
            1,
            vec![DataType::Utf8View, DataType::Utf8, DataType::LargeUtf8],
            Volatility::Immutable,
        ),
        shift: 64 - bits.clamp(1, 64),
    })
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct IdHash {
    signature: Signature,
    shift: u32,
}

impl IdHash {
    fn hash(&self, id: &str) -> u64 {
        twox_hash::XxHash3_64::oneshot(id.as_bytes()) >> self.shift
    }

    fn over<'a>(&self, ids: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
        Arc::new(
            ids.map(|id| id.map(|s| self.hash(s)))
                .collect::<UInt64Array>(),
        )
    }
}

impl ScalarUDFImpl for IdHash {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::UInt64)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let array = args.args[0].to_array(rows)?;
        let out = match array.data_type() {
            DataType::Utf8View => self.over(array.as_string_view().iter()),
            DataType::Utf8 => self.over(array.as_string::<i32>().iter()),
            DataType::LargeUtf8 => self.over(array.as_string::<i64>().iter()),
            other => return exec_err!("{NAME} takes text, not {other}"),
        };
        debug_assert_eq!(out.len(), rows);
        Ok(ColumnarValue::Array(out))
    }
}

#[cfg(test)]
mod tests {
    use datafusion::prelude::SessionContext;

    use super::*;

    async fn hashes(bits: u32, sql: &str) -> Vec<Option<u64>> {
        let ctx = SessionContext::new();
        ctx.register_udf(udf(bits));
        let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
        batches
            .iter()
            .flat_map(|b| {
                b.column(0)
                    .as_primitive::<datafusion::arrow::datatypes::UInt64Type>()
                    .iter()
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[tokio::test]
    async fn equal_ids_hash_equal_and_null_stays_null() {
        let sql = "SELECT id_hash(x) FROM (VALUES ('A1'), ('B2'), ('A1'), (NULL)) t(x)";
        let h = hashes(64, sql).await;
        assert_eq!(h[0], h[2]);
        assert_ne!(h[0], h[1]);
        assert_eq!(h[3], None);
        // XXH3-64 of no bytes, the reference implementation's published value
        let empty = hashes(64, "SELECT id_hash('')").await;
        assert_eq!(empty, [Some(0x2D06_8005_38D3_94C2)]);
        // one bit: every id hashes to 0 or 1
        let h = hashes(1, sql).await;
        assert!(h.iter().flatten().all(|x| *x <= 1), "{h:?}");
    }
}
