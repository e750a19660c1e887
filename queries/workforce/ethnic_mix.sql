-- Staff in post at {{snapshot_date}} by ethnic category code ('Unknown' for not stated,
-- not known and unrecognised codes): the workforce side of the population comparison.
SELECT ethnic_category, count(*) AS staff
FROM staff
WHERE snapshot_date = {{snapshot_date}}
GROUP BY ethnic_category
ORDER BY ethnic_category
