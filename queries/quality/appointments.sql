-- Each row once, with a weight (`rows`): the rows that pass every check but the
-- referral_id's match are counted per referral in tables/referral_care.sql, so only the
-- rest (service/appointment_problem.sql; few, and none in a clean extract) are read
-- here one by one. key_rank > 1 marks the repeats of an id
-- (queries/service/numbered_appointments.sql).
WITH numbered AS ({{numbered_appointments}}
),
-- the referrals with such rows on the left, so that the join holds them in memory and,
-- when there are none, does not read the appointments at all
problems AS (
  SELECT a.*
  FROM referral_care c
  JOIN numbered a ON a.referral_id IS NOT DISTINCT FROM c.referral_id
  WHERE c.appointment_problems > 0 AND {{appointment_problem}}
),
rows_of AS (
  SELECT c.referral_id, c.appointment_rows - c.appointment_problems AS rows,
    CAST(NULL AS VARCHAR) AS appointment_id, CAST(1 AS BIGINT) AS key_rank,
    CAST(NULL AS DATE) AS appointment_date,
    CAST(NULL AS VARCHAR) AS appointment_type, CAST(NULL AS VARCHAR) AS attendance,
    false AS failing
  FROM referral_care c
  WHERE c.appointment_rows > c.appointment_problems
  UNION ALL
  SELECT referral_id, 1, appointment_id, key_rank, appointment_date, appointment_type,
    attendance, true
  FROM problems
),
-- the small table on the left, so the join holds it in memory
d AS (
  SELECT a.*, COALESCE(rp.partner_org, 'Unknown') AS partner
  FROM referral_keys rp RIGHT JOIN rows_of a ON rp.referral_id = a.referral_id
)
SELECT partner AS partner_org, rows,
  CASE WHEN failing AND appointment_id IS NULL THEN '' END AS "appointment_id|missing key",
  CASE WHEN key_rank > 1 AND appointment_id IS NOT NULL THEN '' END AS "appointment_id|duplicate key (row excluded)",
  CASE WHEN partner = 'Unknown' THEN '' END AS "referral_id|no matching referral_id in referrals",
  CASE WHEN failing AND appointment_date IS NULL THEN '' END AS "appointment_date|missing value",
  CASE WHEN appointment_date > {{as_of}} THEN 'after ' || CAST({{as_of}} AS VARCHAR) END AS "appointment_date|date in the future",
  CASE WHEN appointment_date < {{earliest_date}} THEN 'before ' || CAST({{earliest_date}} AS VARCHAR) END AS "appointment_date|date before the earliest accepted",
  CASE WHEN failing AND (appointment_type IS NULL OR appointment_type NOT IN ('assessment', 'treatment', 'other')) THEN COALESCE(appointment_type, '(empty)') END AS "appointment_type|unknown code",
  CASE WHEN failing AND (attendance IS NULL OR attendance NOT IN ('attended', 'dna', 'cancelled_patient', 'cancelled_provider')) THEN COALESCE(attendance, '(empty)') END AS "attendance|unknown code"
FROM d
