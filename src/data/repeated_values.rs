//! `repeated_values(number)`: the distinct numbers that come more than once among all the
//! rows, as one list (`unnest` makes them rows), for the check for repeated appointment
//! ids (`queries/tables/repeated_appointment_hashes.sql`). A GROUP BY of the 21.6 million
//! id hashes of a national extract built a hash table past the engine's memory limit,
//! which spilled to disk and was merged back: 6 to 7 s where this takes under 2. This
//! keeps the numbers alone, 8 bytes a row; each partition sorts its own, and the last
//! step walks the sorted runs in order (a k-way merge, without a merged copy), keeping
//! each number equal to the one before it once. Its memory is counted against the
//! engine's limit; an aggregate without groups cannot spill, so past the limit the run
//! stops with the engine's own error, which names it. Registered on the local engine only:
//! a Ballista cluster runs `repeated_appointment_hashes.cluster.sql` instead
//! (`DataSession::service_tables`).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, ListArray, UInt64Array};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, UInt64Type};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Signature, Volatility,
};

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

/// This partition's numbers, not yet sorted, and the sorted runs of the others (the
/// partial states' arrays themselves, not copies).
#[derive(Debug, Default)]
struct Values {
    own: Vec<u64>,
    runs: Vec<UInt64Array>,
}

/// Every number of the sorted runs, in order (a k-way merge: a heap of each run's next).
fn walk(runs: &[&[u64]], mut each: impl FnMut(u64)) {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    match runs {
        [run] => return run.iter().for_each(|&v| each(v)),
        // two runs (a 2-core machine's partitions): side by side, without the heap
        [a, b] => {
            let (mut i, mut j) = (0, 0);
            while i < a.len() && j < b.len() {
                if a[i] <= b[j] {
                    each(a[i]);
                    i += 1;
                } else {
                    each(b[j]);
                    j += 1;
                }
            }
            return a[i..].iter().chain(&b[j..]).for_each(|&v| each(v));
        }
        _ => {}
    }
    let mut next: BinaryHeap<Reverse<(u64, usize, usize)>> = runs
        .iter()
        .enumerate()
        .filter_map(|(r, run)| run.first().map(|&v| Reverse((v, r, 0))))
        .collect();
    while let Some(Reverse((v, r, i))) = next.pop() {
        each(v);
        if let Some(&w) = runs[r].get(i + 1) {
            next.push(Reverse((w, r, i + 1)));
        }
    }
}

fn list(values: Vec<u64>) -> ScalarValue {
    let offsets = OffsetBuffer::from_lengths([values.len()]);
    let field = Arc::new(Field::new_list_field(DataType::UInt64, true));
    let values: ArrayRef = Arc::new(UInt64Array::from(values));
    ScalarValue::List(Arc::new(ListArray::new(field, offsets, values, None)))
}

impl Values {
    /// Every run, this partition's sorted first.
    fn sorted_runs(&mut self) -> (Vec<u64>, Vec<UInt64Array>) {
        let mut own = std::mem::take(&mut self.own);
        own.sort_unstable();
        (own, std::mem::take(&mut self.runs))
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
            self.runs.push(run.as_primitive::<UInt64Type>().clone());
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let (own, runs) = self.sorted_runs();
        if runs.is_empty() {
            return Ok(vec![list(own)]);
        }
        let mut slices: Vec<&[u64]> = vec![&own];
        slices.extend(runs.iter().map(|r| &r.values()[..]));
        let mut all = Vec::with_capacity(slices.iter().map(|s| s.len()).sum());
        walk(&slices, |v| all.push(v));
        Ok(vec![list(all)])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let (own, runs) = self.sorted_runs();
        let mut slices: Vec<&[u64]> = vec![&own];
        slices.extend(runs.iter().map(|r| &r.values()[..]));
        // in order, a number equal to the one before repeats: kept once
        let (mut repeated, mut last, mut kept) = (Vec::new(), None, false);
        walk(&slices, |v| {
            if last == Some(v) {
                if !kept {
                    repeated.push(v);
                    kept = true;
                }
            } else {
                (last, kept) = (Some(v), false);
            }
        });
        Ok(list(repeated))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self.own.capacity() * 8
            + self.runs.iter().map(|r| r.len() * 8).sum::<usize>()
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
    fn sorted_runs_are_walked_in_order() {
        let mut seen = Vec::new();
        super::walk(&[&[1, 4, 4, 9], &[], &[0, 4, 10], &[2]], |v| seen.push(v));
        assert_eq!(seen, [0, 1, 2, 4, 4, 4, 9, 10]);
        seen.clear();
        super::walk(&[&[3, 5]], |v| seen.push(v));
        assert_eq!(seen, [3, 5]);
        seen.clear();
        super::walk(&[&[1, 4, 4, 9], &[0, 4, 10]], |v| seen.push(v));
        assert_eq!(seen, [0, 1, 4, 4, 4, 9, 10]);
    }
}
