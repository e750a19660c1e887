-- The one rule for a repeated case_id, read by the data-quality check and the WRES 3
-- figure alike: its rows are numbered by the date the case opened, then staff member,
-- over the whole dataset; rank 1 counts, ranks 2, 3 ... are counted as duplicates.
-- (A small dataset: every row is numbered.)
CREATE TABLE numbered_disciplinary AS
SELECT c.*,
  CAST(row_number() OVER (
    PARTITION BY c.case_id
    ORDER BY c.opened_date, c.staff_id
  ) AS BIGINT) AS key_rank
FROM disciplinary c
