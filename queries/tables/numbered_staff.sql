-- Every staff snapshot row with key_rank: 1 for the row that counts for its
-- (snapshot_date, staff_id), 2, 3 ... for its repeats. Only keys in more than one row
-- are numbered (repeated_staff_keys.sql); rows without a date or id get 1 here and are
-- told apart by their missing key. The staff table keeps rank 1 with both keys; the
-- data-quality check (queries/quality/staff_snapshot.sql) counts the rest.
CREATE TABLE numbered_staff AS
SELECT s.*, CAST(1 AS BIGINT) AS key_rank
FROM staff_snapshot s
LEFT JOIN repeated_staff_keys x ON x.snapshot_date = s.snapshot_date AND x.staff_id = s.staff_id
WHERE x.staff_id IS NULL
UNION ALL
SELECT s.*,
  CAST(row_number() OVER (
    PARTITION BY s.snapshot_date, s.staff_id
    ORDER BY s.partner_org, s.afc_band, s.fte, s.ethnic_category, s.sex, s.disability
  ) AS BIGINT)
FROM staff_snapshot s
JOIN repeated_staff_keys x ON x.snapshot_date = s.snapshot_date AND x.staff_id = s.staff_id
