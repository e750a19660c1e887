-- The one rule for a repeated application_id, read by the data-quality check and the
-- WRES 2 / WDES 2 figures alike: its rows are numbered by date, then vacancy and the
-- rest of the row, over the whole dataset (before any window is chosen); rank 1 counts,
-- ranks 2, 3 ... are counted as duplicates. (A small dataset: every row is numbered.)
CREATE TABLE numbered_recruitment AS
SELECT r.*,
  CAST(row_number() OVER (
    PARTITION BY r.application_id
    ORDER BY r.application_date, r.vacancy_id, r.partner_org, r.afc_band, r.sex,
      r.ethnic_category, r.disability, r.shortlisted, r.appointed
  ) AS BIGINT) AS key_rank
FROM recruitment r
