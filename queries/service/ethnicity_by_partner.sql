-- Referrals in {{period_start}}..{{period_end}} by the partner holding them, with how
-- many have ethnicity not stated, not known or unrecognised (the partnership names
-- inconsistent ethnicity recording as a known weakness): partner_org, unknown, referrals.
SELECT partner_org,
  sum(CASE WHEN ethnic_category = 'Unknown' THEN 1 ELSE 0 END) AS unknown,
  count(*) AS referrals
FROM referral_facts
WHERE referral_date BETWEEN {{period_start}} AND {{period_end}}
GROUP BY partner_org
ORDER BY partner_org
