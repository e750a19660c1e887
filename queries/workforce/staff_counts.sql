-- The counts of staff in post that the wf.* figures rest on, as aggregate columns of
-- a SELECT over the staff view grouped by what it groups by: put in where staff_counts
-- stands in double braces (snapshot.sql for a period's snapshot, quarterly.sql for
-- every quarter's). A whole-time equivalent missing or outside 0 < fte <= 1.5 (NaN
-- too) is a data error: left out of the sum and counted (and on the data-quality page).
    count(*) AS headcount,
    sum(CASE WHEN fte > 0 AND fte <= 1.5 THEN fte END) AS fte,
    sum(CASE WHEN fte > 0 AND fte <= 1.5 THEN 0 ELSE 1 END) AS fte_left_out,
    sum(CASE WHEN wres_group = 'BME' THEN 1 ELSE 0 END) AS bme,
    sum(CASE WHEN wres_group = 'Unknown' THEN 1 ELSE 0 END) AS ethnicity_unknown,
    sum(CASE WHEN band7plus THEN 1 ELSE 0 END) AS band7plus,
    sum(CASE WHEN band7plus AND wres_group = 'BME' THEN 1 ELSE 0 END) AS bme_band7plus,
    sum(CASE WHEN disability = 'Y' THEN 1 ELSE 0 END) AS disabled,
    sum(CASE WHEN sex = '1' THEN 1 ELSE 0 END) AS male,
    sum(CASE WHEN clinical THEN 1 ELSE 0 END) AS clinical
