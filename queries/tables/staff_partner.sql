-- Each staff_id's partner in its latest snapshot, to place rows of datasets that carry
-- no partner column (training, disciplinary, mentoring) on the data-quality page.
CREATE TABLE staff_partner AS
SELECT staff_id, partner_org
FROM (
  SELECT staff_id, partner_org,
    row_number() OVER (PARTITION BY staff_id ORDER BY snapshot_date DESC, partner_org) AS rk
  FROM staff
) t
WHERE rk = 1
