-- The counts behind NHS England's ethnicity recovery gap (docs/reports.md,
-- tt.recovery_gap_pp and tt.reliable_recovery_gap_pp) for {{period_start}}..{{period_end}}:
-- of the referrals finishing treatment at caseness, those recovered and reliably
-- recovered, on each side: White British (`A`), every other known code (`B-S`), and
-- ethnicity not known (`Unknown`, on neither side of the gap but counted, since the
-- sides and it add up to the service and to each partner). One row per side, overall
-- (by_key '') and by partner.
WITH f AS (
  SELECT partner_org,
    CASE WHEN ethnic_category = 'A' THEN 'A'
         WHEN ethnic_category = 'Unknown' THEN 'Unknown'
         ELSE 'B-S' END AS side,
    COALESCE(end_date BETWEEN {{period_start}} AND {{period_end}}, false)
      AND treatment_sessions >= 2 AS finished,
    {{clinical_flags}}
  FROM referral_facts
),
counted AS (
  SELECT partner_org, side,
    sum(CASE WHEN finished AND case_first THEN 1 ELSE 0 END) AS at_caseness,
    sum(CASE WHEN finished AND case_first AND NOT case_last THEN 1 ELSE 0 END) AS recovered,
    sum(CASE WHEN finished AND case_first AND NOT case_last AND paired AND fell AND NOT rose
      THEN 1 ELSE 0 END) AS reliably_recovered
  FROM f
  GROUP BY partner_org, side
)
SELECT CASE WHEN partner_org IS NULL THEN '' ELSE 'partner_org=' || partner_org END AS by_key,
  side, sum(at_caseness) AS at_caseness, sum(recovered) AS recovered,
  sum(reliably_recovered) AS reliably_recovered
FROM counted
GROUP BY GROUPING SETS ((side), (partner_org, side))
ORDER BY 1, 2
