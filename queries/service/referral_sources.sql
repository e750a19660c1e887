-- Referrals in {{period_start}}..{{period_end}} by ethnic group and referral source
-- ('not recorded' for an empty or unknown source): ethnic_group, referral_source, referrals.
SELECT ethnic_group, referral_source, count(*) AS referrals
FROM referral_facts
WHERE referral_date BETWEEN {{period_start}} AND {{period_end}}
GROUP BY ethnic_group, referral_source
ORDER BY ethnic_group, referral_source
