//! `second_smallest(date)`: the second-earliest of a group's dates (the earliest again
//! when it comes twice), for the wait from a referral's first treatment session to its
//! second. DataFusion's `nth_value(x, 2 ORDER BY x)` gives the same but keeps and sorts
//! every value of every group; this keeps two dates a group, as `min` keeps one.
//! Registered on the local engine only: a Ballista cluster's executors know the
//! built-in functions alone, so there the query uses `nth_value`
//! ([`DataSession::params`](super::session::DataSession::params)).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Date32Array};
use datafusion::arrow::datatypes::{DataType, Date32Type, Field, FieldRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, EmitTo, GroupsAccumulator, Signature, Volatility,
};

/// The function's name in SQL.
pub const NAME: &str = "second_smallest";

/// No date yet.
const NONE: i32 = i32::MAX;

/// The function, to register with a session.
pub fn udaf() -> AggregateUDF {
    AggregateUDF::from(SecondSmallest {
        signature: Signature::exact(vec![DataType::Date32], Volatility::Immutable),
    })
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct SecondSmallest {
    signature: Signature,
}

impl AggregateUDFImpl for SecondSmallest {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Date32)
    }

    fn accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(One(NONE, NONE)))
    }

    fn state_fields(&self, _: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![
            Arc::new(Field::new("first", DataType::Date32, true)),
            Arc::new(Field::new("second", DataType::Date32, true)),
        ])
    }

    fn groups_accumulator_supported(&self, _: AccumulatorArgs) -> bool {
        true
    }

    fn create_groups_accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(Groups::default()))
    }
}

/// The two smallest of a group so far: a new date below the first moves it to second.
fn push(first: &mut i32, second: &mut i32, x: i32) {
    if x < *first {
        *second = *first;
        *first = x;
    } else if x < *second {
        *second = x;
    }
}

fn dates(v: Vec<i32>) -> ArrayRef {
    Arc::new(Date32Array::from_iter(
        v.into_iter().map(|x| (x != NONE).then_some(x)),
    ))
}

/// One group's two smallest (a query without GROUP BY).
#[derive(Debug)]
struct One(i32, i32);

impl Accumulator for One {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        for x in values[0].as_primitive::<Date32Type>().iter().flatten() {
            push(&mut self.0, &mut self.1, x);
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        for s in states {
            self.update_batch(std::slice::from_ref(s))?;
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let d = |x: i32| ScalarValue::Date32((x != NONE).then_some(x));
        Ok(vec![d(self.0), d(self.1)])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Date32((self.1 != NONE).then_some(self.1)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }
}

/// Every group's two smallest, in two columns indexed by group.
#[derive(Debug, Default)]
struct Groups {
    first: Vec<i32>,
    second: Vec<i32>,
}

impl Groups {
    /// Each row's date into its group, where the filter (if any) keeps the row.
    fn take(
        &mut self,
        values: &ArrayRef,
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) {
        self.first.resize(total_num_groups, NONE);
        self.second.resize(total_num_groups, NONE);
        let v = values.as_primitive::<Date32Type>();
        for (row, &g) in group_indices.iter().enumerate() {
            let kept = opt_filter.is_none_or(|f| f.is_valid(row) && f.value(row));
            if kept && v.is_valid(row) {
                push(&mut self.first[g], &mut self.second[g], v.value(row));
            }
        }
    }
}

impl GroupsAccumulator for Groups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.take(&values[0], group_indices, opt_filter, total_num_groups);
        Ok(())
    }

    fn merge_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        total_num_groups: usize,
    ) -> Result<()> {
        // a partial state's two dates are two more dates of the group
        for v in values {
            self.take(v, group_indices, None, total_num_groups);
        }
        Ok(())
    }

    fn convert_to_state(
        &self,
        values: &[ArrayRef],
        opt_filter: Option<&BooleanArray>,
    ) -> Result<Vec<ArrayRef>> {
        // each row alone: its date first (where the filter keeps it), none second
        let v = values[0].as_primitive::<Date32Type>();
        let first = (0..v.len()).map(|row| {
            let kept = opt_filter.is_none_or(|f| f.is_valid(row) && f.value(row));
            (kept && v.is_valid(row)).then(|| v.value(row))
        });
        Ok(vec![
            Arc::new(Date32Array::from_iter(first)),
            Arc::new(Date32Array::new_null(v.len())),
        ])
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let second = emit_to.take_needed(&mut self.second);
        emit_to.take_needed(&mut self.first);
        Ok(dates(second))
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let first = emit_to.take_needed(&mut self.first);
        let second = emit_to.take_needed(&mut self.second);
        Ok(vec![dates(first), dates(second)])
    }

    fn size(&self) -> usize {
        (self.first.capacity() + self.second.capacity()) * std::mem::size_of::<i32>()
    }
}

#[cfg(test)]
mod tests {
    use datafusion::prelude::SessionContext;

    /// Through SQL, grouped and not, with a filter: the second-earliest date, the
    /// earliest again when it comes twice, none with one date.
    #[tokio::test]
    async fn the_second_earliest_date_of_each_group() {
        let ctx = SessionContext::new();
        ctx.register_udaf(super::udaf());
        let sql = "SELECT g, CAST(second_smallest(d) FILTER (WHERE keep) AS VARCHAR) AS s \
            FROM (VALUES ('a', DATE '2025-05-09', true), ('a', DATE '2025-05-01', true), \
            ('a', DATE '2025-05-03', true), ('a', DATE '2025-04-01', false), \
            ('b', DATE '2025-06-01', true), ('b', DATE '2025-06-01', true), \
            ('c', DATE '2025-07-01', true), ('c', NULL, true)) t(g, d, keep) \
            GROUP BY g ORDER BY g";
        let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
        let text = datafusion::arrow::util::pretty::pretty_format_batches(&batches)
            .unwrap()
            .to_string();
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| ")).collect();
        assert_eq!(
            rows,
            [
                "| g | s          |",
                "| a | 2025-05-03 |",
                "| b | 2025-06-01 |",
                "| c |            |",
            ]
        );
        let one = ctx
            .sql("SELECT CAST(second_smallest(d) AS VARCHAR) AS s FROM (VALUES (DATE '2025-01-02'), (DATE '2025-01-01'), (DATE '2025-01-05')) t(d)")
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        let text = datafusion::arrow::util::pretty::pretty_format_batches(&one)
            .unwrap()
            .to_string();
        assert!(text.contains("2025-01-02"), "{text}");
    }
}
