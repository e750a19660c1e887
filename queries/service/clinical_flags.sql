-- The clinical facts of a referral every outcome and wait figure reads, as columns of
-- a SELECT over referral_facts (the settings of [clinical]): at caseness at the first
-- and the last score, both scores paired, a reliable fall or rise, the wait to first
-- treatment and from the first treatment session to the second. Put in where clinical_flags stands in double braces
-- (referral_metrics.sql, monthly.sql, quarterly_gaps.sql).
    COALESCE(phq_first >= {{caseness_phq9}}, false) OR COALESCE(gad_first >= {{caseness_gad7}}, false) AS case_first,
    COALESCE(phq_last >= {{caseness_phq9}}, false) OR COALESCE(gad_last >= {{caseness_gad7}}, false) AS case_last,
    phq_paired AND gad_paired AS paired,
    (phq_first - phq_last >= {{reliable_change_phq9}} OR gad_first - gad_last >= {{reliable_change_gad7}}) AS fell,
    (phq_last - phq_first >= {{reliable_change_phq9}} OR gad_last - gad_first >= {{reliable_change_gad7}}) AS rose,
    first_treatment - referral_date AS wait_days,
    second_treatment - first_treatment AS second_wait_days
