-- The staff-survey results a period reports (never row-level, never recomputed): for
-- each partner, the latest survey year up to {{period_end_year}} (the period end's), each row the
-- data-quality check (quality/staff_survey.sql) passes, the first of a repeated key.
-- The group in the contract's spelling whatever its case; the share as published
-- (0 to 100) with its base and source.
WITH d AS (
  SELECT COALESCE(p.code, 'Unlisted') AS partner_org, v.survey_year, v.indicator,
    CASE lower(v.staff_group)
      WHEN 'white' THEN 'White' WHEN 'bme' THEN 'BME' WHEN 'disabled' THEN 'Disabled'
      WHEN 'non-disabled' THEN 'Non-disabled' WHEN 'all' THEN 'All'
    END AS staff_group,
    v.value_pct, v.respondents, v.source,
    row_number() OVER (
      PARTITION BY v.partner_org, v.survey_year, v.indicator, lower(v.staff_group)
      ORDER BY v.value_pct, v.respondents, v.source
    ) AS key_rank
  FROM staff_survey v LEFT JOIN ref_partner p ON p.code = v.partner_org
  WHERE v.survey_year IS NOT NULL
    AND v.survey_year <= {{period_end_year}}
    AND v.indicator IN ('wres5', 'wres6', 'wres7', 'wres8', 'wdes4a', 'wdes4b', 'wdes4c', 'wdes4d', 'wdes5', 'wdes6', 'wdes7', 'wdes8', 'wdes9a')
    AND v.value_pct BETWEEN 0 AND 100
),
valid AS (
  SELECT * FROM d WHERE key_rank = 1 AND staff_group IS NOT NULL
),
latest AS (
  SELECT partner_org, max(survey_year) AS survey_year FROM valid GROUP BY partner_org
)
SELECT v.partner_org, CAST(v.survey_year AS BIGINT) AS survey_year, v.indicator, v.staff_group,
  CAST(v.value_pct AS DOUBLE) AS value_pct, CAST(v.respondents AS BIGINT) AS respondents, v.source
FROM valid v JOIN latest l ON l.partner_org = v.partner_org AND l.survey_year = v.survey_year
ORDER BY v.partner_org, v.indicator, v.staff_group
