-- The median wait of each group_key, from wait_counts (group_key, wait, n): how many of
-- the group wait as long or less and how many there are, then the waits in the middle
-- places (total + 1) / 2 and total / 2 + 1, rounded down, one place when the total is
-- odd (floor of a division by 2.0: the same in every engine, where `/` of two integers
-- rounds down in some and not in others). A wait is a whole number of days, so the
-- counts per wait give the median without holding every referral's wait. Gives the
-- CTEs wait_ranks and waits (group_key, wait_median).
wait_ranks AS (
  SELECT group_key, wait,
    sum(n) OVER (PARTITION BY group_key ORDER BY wait) AS upto,
    sum(n) OVER (PARTITION BY group_key) AS total
  FROM wait_counts
  WHERE group_key IS NOT NULL
),
waits AS (
  SELECT group_key,
    (CAST(min(CASE WHEN upto >= floor((total + 1) / 2.0) THEN wait END) AS DOUBLE)
      + CAST(min(CASE WHEN upto >= floor(total / 2.0) + 1 THEN wait END) AS DOUBLE)) / 2 AS wait_median
  FROM wait_ranks
  GROUP BY group_key
)
