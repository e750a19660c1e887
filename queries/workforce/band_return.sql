-- The first table of the national WRES and WDES returns at one snapshot
-- ({{snapshot_date}}): the staff in post by AfC band (1 to 9 and VSM; Other for medical
-- and other non-AfC staff) for clinical and non-clinical staff apart, by WRES group
-- (wres1.band_count) and by disability (wdes1.band_share), overall and by partner, in
-- the long metric form: by_key ('afc_band=5;clinical=yes;wres_group=BME', with
-- 'partner_org=...;' first for a partner), the group's staff and the band row's staff.
-- Every group of a band row that has staff is given, with 0 where it has none. And each
-- senior band's BME staff of its staff, clinical and not (wf.model_employer).
WITH s AS (
  SELECT partner_org, CASE WHEN clinical THEN 'yes' ELSE 'no' END AS clinical, band,
    wres_group, disability
  FROM staff WHERE snapshot_date = {{snapshot_date}}
),
-- every cell overall and by partner, in one pass over the snapshot
cells AS (
  SELECT CASE WHEN partner_org IS NULL THEN '' ELSE 'partner_org=' || partner_org || ';' END AS prefix,
    clinical, band, wres_group, disability, count(*) AS n
  FROM s
  GROUP BY GROUPING SETS (
    (clinical, band, wres_group, disability),
    (partner_org, clinical, band, wres_group, disability)
  )
),
band_rows AS (
  SELECT prefix, clinical, band, sum(n) AS total FROM cells GROUP BY prefix, clinical, band
),
-- (VALUES, not a UNION of FROM-less SELECTs, which Ballista 55 cannot split into tasks)
groups (metric, dimension, grp) AS (
  VALUES ('wres1.band_count', 'wres_group', 'White'), ('wres1.band_count', 'wres_group', 'BME'),
    ('wres1.band_count', 'wres_group', 'Unknown'), ('wdes1.band_share', 'disability', 'Y'),
    ('wdes1.band_share', 'disability', 'N'), ('wdes1.band_share', 'disability', 'Z')
),
group_counts AS (
  SELECT prefix, clinical, band, 'wres_group' AS dimension, wres_group AS grp, sum(n) AS n
  FROM cells GROUP BY prefix, clinical, band, wres_group
  UNION ALL
  SELECT prefix, clinical, band, 'disability', disability, sum(n)
  FROM cells GROUP BY prefix, clinical, band, disability
)
SELECT g.metric,
  r.prefix || 'afc_band=' || r.band || ';clinical=' || r.clinical || ';' || g.dimension || '=' || g.grp AS by_key,
  CAST(COALESCE(c.n, 0) AS BIGINT) AS numerator,
  CAST(r.total AS BIGINT) AS denominator,
  CAST(NULL AS DOUBLE) AS value
FROM band_rows r
CROSS JOIN groups g
LEFT JOIN group_counts c ON c.prefix = r.prefix AND c.clinical = r.clinical AND c.band = r.band
  AND c.dimension = g.dimension AND c.grp = g.grp
UNION ALL
SELECT 'wf.model_employer', prefix || 'afc_band=' || band,
  CAST(sum(CASE WHEN wres_group = 'BME' THEN n ELSE 0 END) AS BIGINT),
  CAST(sum(n) AS BIGINT), CAST(NULL AS DOUBLE)
FROM cells
WHERE band IN ('8A', '8B', '8C', '8D', '9', 'VSM')
GROUP BY prefix, band
