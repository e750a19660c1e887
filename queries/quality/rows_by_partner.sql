-- Rows read per dataset and partner, for the data-quality page. Datasets without a
-- partner column are placed through the staff member's or referral's partner.
SELECT 'staff_snapshot' AS dataset, COALESCE(p.code, 'Unlisted') AS partner_org, count(*) AS rows
FROM staff_snapshot d LEFT JOIN ref_partner p ON p.code = d.partner_org GROUP BY 2
UNION ALL
SELECT 'leavers', COALESCE(p.code, 'Unlisted'), count(*)
FROM leavers d LEFT JOIN ref_partner p ON p.code = d.partner_org GROUP BY 2
UNION ALL
SELECT 'recruitment', COALESCE(p.code, 'Unlisted'), count(*)
FROM recruitment d LEFT JOIN ref_partner p ON p.code = d.partner_org GROUP BY 2
UNION ALL
SELECT 'training', COALESCE(sp.partner_org, 'Unknown'), count(*)
FROM training d LEFT JOIN staff_partner sp ON sp.staff_id = d.staff_id GROUP BY 2
UNION ALL
SELECT 'disciplinary', COALESCE(sp.partner_org, 'Unknown'), count(*)
FROM disciplinary d LEFT JOIN staff_partner sp ON sp.staff_id = d.staff_id GROUP BY 2
UNION ALL
SELECT 'mentoring', COALESCE(sp.partner_org, 'Unknown'), count(*)
FROM mentoring d LEFT JOIN staff_partner sp ON sp.staff_id = d.staff_id GROUP BY 2
UNION ALL
SELECT 'referrals', COALESCE(p.code, 'Unlisted'), count(*)
FROM referrals d LEFT JOIN ref_partner p ON p.code = d.partner_org GROUP BY 2
UNION ALL
SELECT 'appointments', COALESCE(rp.partner_org, 'Unknown'), count(*)
FROM appointments d LEFT JOIN referral_partner rp ON rp.referral_id = d.referral_id GROUP BY 2
UNION ALL
SELECT 'measures', COALESCE(rp.partner_org, 'Unknown'), count(*)
FROM measures d LEFT JOIN referral_partner rp ON rp.referral_id = d.referral_id GROUP BY 2
UNION ALL
SELECT 'population', 'All', count(*) FROM population
