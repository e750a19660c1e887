-- The one rule for a repeated referral_id, put into every query that reads referrals
-- (the data-quality check and the per-referral facts) as the placeholder numbered_referrals: each
-- referral row with key_rank, 1 for the row that counts. The rows of an id in more than
-- one row (repeated_referral_ids) are numbered by date, then person, partner and the
-- rest of the row, so equal rows are ordered the same way on every run and engine;
-- every other row is 1 (numbering every row by id would sort the whole dataset).
-- (A snippet, not a per-run table: a UNION with a per-run table that may be empty is a
-- plan Ballista 55 cannot split into tasks.)
SELECT r.*, CAST(1 AS BIGINT) AS key_rank
FROM referrals r LEFT JOIN repeated_referral_ids x ON x.referral_id = r.referral_id
WHERE x.referral_id IS NULL
UNION ALL
SELECT r.*,
  CAST(row_number() OVER (
    PARTITION BY r.referral_id
    ORDER BY r.referral_date, r.person_id, r.partner_org, r.service_line, r.end_date,
      r.end_reason, r.referral_source, r.age_years, r.sex, r.ethnic_category,
      r.ethnic_category_detail, r.disability, r.imd_decile, r.interpreter_required,
      r.first_language, r.sexual_orientation, r.religion
  ) AS BIGINT)
FROM referrals r JOIN repeated_referral_ids x ON x.referral_id = r.referral_id
