-- Published staff-survey results (never row-level). A row that cannot be read as a
-- result (an unknown indicator or group, a share outside 0 to 100, a repeat of its
-- partner, year, indicator and group) is counted here and left out of the figures by
-- workforce/survey.sql, which applies the same conditions.
WITH d AS (
  SELECT v.*, COALESCE(p.code, 'Unlisted') AS partner,
    row_number() OVER (
      PARTITION BY v.partner_org, v.survey_year, v.indicator, lower(v.staff_group)
      ORDER BY v.value_pct, v.respondents, v.source
    ) AS key_rank
  FROM staff_survey v LEFT JOIN ref_partner p ON p.code = v.partner_org
)
SELECT partner AS partner_org,
  CASE WHEN partner = 'Unlisted' THEN COALESCE(partner_org, '(empty)') END AS "partner_org|unlisted partner code",
  CASE WHEN survey_year IS NULL THEN '' END AS "survey_year|missing value (row excluded)",
  CASE WHEN indicator IS NULL OR indicator NOT IN ('wres5', 'wres6', 'wres7', 'wres8', 'wdes4a', 'wdes4b', 'wdes4c', 'wdes4d', 'wdes5', 'wdes6', 'wdes7', 'wdes8', 'wdes9a') THEN COALESCE(indicator, '(empty)') END AS "indicator|unknown code (row excluded)",
  CASE WHEN staff_group IS NULL OR lower(staff_group) NOT IN ('white', 'bme', 'disabled', 'non-disabled', 'all') THEN COALESCE(staff_group, '(empty)') END AS "staff_group|unknown code (row excluded)",
  CASE WHEN value_pct IS NULL OR value_pct < 0 OR value_pct > 100 THEN COALESCE(CAST(value_pct AS VARCHAR), '') END AS "value_pct|out of range (0 to 100; row excluded)",
  CASE WHEN respondents < 0 THEN CAST(respondents AS VARCHAR) END AS "respondents|out of range (0 or more)",
  CASE WHEN key_rank > 1 THEN '' END AS "staff_group|duplicate key (row excluded)"
FROM d
