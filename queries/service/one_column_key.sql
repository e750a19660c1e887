-- The breakdown key of a row of referral_metrics.sql's one-column breakdowns, grouped by
-- GROUPING SETS ((sexual_orientation), (religion), (imd_decile), (partner_org)): the
-- column of the row's set is the one not NULL (none of them is NULL in referral_facts).
-- Put in where one_column_key stands in double braces.
CASE
      WHEN sexual_orientation IS NOT NULL THEN 'sexual_orientation=' || sexual_orientation
      WHEN religion IS NOT NULL THEN 'religion=' || religion
      WHEN imd_decile IS NOT NULL THEN 'imd_decile=' || imd_decile
      ELSE 'partner_org=' || partner_org
    END
