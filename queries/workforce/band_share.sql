-- The staff in post at one snapshot ({{snapshot_date}}) by band cluster and WRES ethnic
-- group, overall and by partner, one row per group: by_key ('band_cluster=...;
-- wres_group=...', with 'partner_org=...;' first for a partner), the group's staff and
-- the band cluster's staff (WRES indicator 1; the figure registry makes the share).
-- Every group of a band cluster that has staff is given, with 0 where it has none.
WITH s AS (
  SELECT * FROM staff WHERE snapshot_date = {{snapshot_date}}
),
band_counts AS (
  SELECT CASE WHEN partner_org IS NULL THEN '' ELSE 'partner_org=' || partner_org END AS by_key,
    band_cluster, wres_group, count(*) AS n
  FROM s
  GROUP BY GROUPING SETS ((band_cluster, wres_group), (partner_org, band_cluster, wres_group))
),
clusters AS (
  SELECT by_key, band_cluster, sum(n) AS total FROM band_counts GROUP BY by_key, band_cluster
),
-- (VALUES, not a UNION of FROM-less SELECTs, which Ballista 55 cannot split into tasks)
wres_groups (wres_group) AS (
  VALUES ('White'), ('BME'), ('Unknown')
)
SELECT CASE WHEN c.by_key = '' THEN '' ELSE c.by_key || ';' END
    || 'band_cluster=' || c.band_cluster || ';wres_group=' || g.wres_group AS by_key,
  CAST(COALESCE(n.n, 0) AS BIGINT) AS staff,
  CAST(c.total AS BIGINT) AS band_staff
FROM clusters c
CROSS JOIN wres_groups g
LEFT JOIN band_counts n ON n.by_key = c.by_key AND n.band_cluster = c.band_cluster AND n.wres_group = g.wres_group
