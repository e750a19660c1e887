-- Each staff_id's partner in its latest snapshot, to place rows of datasets that carry
-- no partner column (training, disciplinary, mentoring) on the data-quality page.
CREATE TABLE staff_partner AS
-- the latest snapshot date per person, then its partner (the first code if several):
-- two aggregates rather than numbering every row by person
WITH last AS (
  SELECT staff_id, max(snapshot_date) AS snapshot_date FROM staff GROUP BY staff_id
)
SELECT s.staff_id, min(s.partner_org) AS partner_org
FROM last l
JOIN staff s ON s.staff_id = l.staff_id AND s.snapshot_date = l.snapshot_date
GROUP BY s.staff_id
