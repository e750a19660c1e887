-- Staff snapshot rows with their reporting groups, one row per (snapshot_date, staff_id).
-- Rows without a date or id, and repeats of a key, are counted on the data-quality
-- page (queries/quality/staff_snapshot.sql) and left out here.
CREATE TABLE staff AS
SELECT
  s.snapshot_date,
  s.staff_id,
  COALESCE(p.code, 'Unlisted') AS partner_org,
  s.service_line,
  COALESCE(s.clinical, false) AS clinical,
  s.afc_band,
  COALESCE(b.band_cluster, 'Other') AS band_cluster,
  COALESCE(b.band7plus, false) AS band7plus,
  s.fte,
  s.age_years,
  CASE WHEN s.sex IN ('1', '2', '9', 'X') THEN s.sex ELSE 'X' END AS sex,
  CASE WHEN s.disability IN ('Y', 'N', 'Z') THEN s.disability ELSE 'Z' END AS disability,
  CASE WHEN e.ethnic_group IS NULL OR e.ethnic_group = 'Unknown' THEN 'Unknown' ELSE e.code END AS ethnic_category,
  COALESCE(e.ethnic_group, 'Unknown') AS ethnic_group,
  COALESCE(e.wres_group, 'Unknown') AS wres_group,
  COALESCE(s.board_member, false) AS board_member,
  -- a board member's role, where given as one of the contract's codes
  CASE WHEN s.board_role IN ('executive', 'non_executive', 'non_voting') THEN s.board_role END AS board_role,
  -- the AfC band as the national return lays it out: an unlisted band is Other
  COALESCE(b.afc_band, 'OTHER') AS band,
  -- pay out of range is counted on the data-quality page and left out of pay figures
  CASE WHEN s.hourly_pay > 0 AND s.hourly_pay <= 1000 THEN s.hourly_pay END AS hourly_pay
FROM numbered_staff s
LEFT JOIN ref_partner p ON p.code = s.partner_org
LEFT JOIN ref_afc_band b ON b.afc_band = s.afc_band
LEFT JOIN ref_ethnic_category e ON e.code = s.ethnic_category
WHERE s.key_rank = 1 AND s.snapshot_date IS NOT NULL AND s.staff_id IS NOT NULL
