//! `repeated_values(number)`: the distinct numbers that come more than once among all the
//! rows, as one list (`unnest` makes them rows), for the check for repeated appointment
//! ids (`queries/tables/repeated_appointment_hashes.sql`). Grouping 21.6 million id
//! hashes by GROUP BY built a hash table past the engine's memory limit, which then
//! spilled and merged: half of the check's time. This keeps the numbers alone, 8 bytes a
//! row, each partition sorts its own, and the last step merges the sorted runs and reads
//! off the neighbours that are equal. Its memory is counted against the engine's limit
//! (an aggregate without groups cannot spill: past the limit the run stops with the
//! engine's own error, which names the limit). Registered on the local engine only; on a
//! Ballista cluster the query groups the ids (`DataSession::create`).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, ListArray, UInt64Array};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, UInt64Type};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Signature, Volatility};

/// The function's name in SQL.
pub const NAME: &str = "repeated_values";

/// The function, to register with a session.
pub fn udaf() -> AggregateUDF {
    AggregateUDF::from(RepeatedValues {
        signature: Signature::exact(vec![DataType::UInt64], Volatility::Immutable),
    })
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct RepeatedValues {
    signature: Signature,
}

fn list_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::UInt64, true)))
}

impl AggregateUDFImpl for RepeatedValues {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(list_type())
    }

    fn accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(Values::default()))
    }

    fn state_fields(&self, _: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        // a partition's numbers, sorted
        Ok(vec![Arc::new(Field::new("sorted", list_type(), true))])
    }
}

/// The numbers of this partition not yet sorted, and the sorted runs of the others.
#[derive(Debug, Default)]
struct Values {
    own: Vec<u64>,
    runs: Vec<Vec<u64>>,
}

/// Two sorted runs as one.
fn merge(a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

fn list(values: Vec<u64>) -> ScalarValue {
    let offsets = OffsetBuffer::from_lengths([values.len()]);
    let field = Arc::new(Field::new_list_field(DataType::UInt64, true));
    let values: ArrayRef = Arc::new(UInt64Array::from(values));
    ScalarValue::List(Arc::new(ListArray::new(field, offsets, values, None)))
}

impl Values {
    /// This partition's numbers, sorted.
    fn sorted_own(&mut self) -> Vec<u64> {
        let mut own = std::mem::take(&mut self.own);
        own.sort_unstable();
        own
    }
}

impl Accumulator for Values {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let v = values[0].as_primitive::<UInt64Type>();
        if v.null_count() == 0 {
            self.own.extend_from_slice(v.values());
        } else {
            self.own.extend(v.iter().flatten());
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        for run in states[0].as_list::<i32>().iter().flatten() {
            let run = run.as_primitive::<UInt64Type>();
            self.runs.push(run.values().to_vec());
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let mut all = self.sorted_own();
        for run in std::mem::take(&mut self.runs) {
            all = merge(all, run);
        }
        Ok(vec![list(all)])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let mut all = self.sorted_own();
        for run in std::mem::take(&mut self.runs) {
            all = merge(all, run);
        }
        let mut repeated: Vec<u64> = all
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .collect();
        repeated.dedup();
        Ok(list(repeated))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self.own.capacity() * 8
            + self.runs.iter().map(|r| r.capacity() * 8).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::AsArray;
    use datafusion::arrow::datatypes::UInt64Type;
    use datafusion::prelude::SessionContext;

    /// The numbers that repeat, each once, found whether the repeats fall in one
    /// partition or across partitions (the input split over several target partitions,
    /// so that partial states are merged), and none from numbers that are all distinct.
    #[tokio::test]
    async fn the_numbers_that_come_more_than_once() {
        for partitions in [1, 4] {
            let config = datafusion::prelude::SessionConfig::new()
                .with_target_partitions(partitions)
                .with_batch_size(7);
            let ctx = SessionContext::new_with_config(config);
            ctx.register_udaf(super::udaf());
            // 0..1000 once each, 3 again twice, 999 and 500 again once: repeated 3, 500, 999
            let sql = "SELECT unnest(r) AS h FROM (SELECT repeated_values(CAST(n AS BIGINT UNSIGNED)) AS r FROM \
                (SELECT value AS n FROM generate_series(0, 999) \
                 UNION ALL SELECT 3 UNION ALL SELECT 3 UNION ALL SELECT 999 UNION ALL SELECT 500 \
                 UNION ALL SELECT NULL)) ORDER BY h";
            let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
            let got: Vec<u64> = batches
                .iter()
                .flat_map(|b| b.column(0).as_primitive::<UInt64Type>().values().to_vec())
                .collect();
            assert_eq!(got, [3, 500, 999], "{partitions} partitions");

            let none = "SELECT unnest(r) AS h FROM (SELECT repeated_values(CAST(value AS BIGINT UNSIGNED)) AS r \
                FROM generate_series(1, 5000))";
            let batches = ctx.sql(none).await.unwrap().collect().await.unwrap();
            assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 0);
        }
    }

    #[test]
    fn two_sorted_runs_merge_in_order() {
        assert_eq!(
            super::merge(vec![1, 4, 4, 9], vec![0, 4, 10]),
            [0, 1, 4, 4, 4, 9, 10]
        );
        assert_eq!(super::merge(vec![], vec![2]), [2]);
    }
}
