"""A peer for the benchmark: the equity-annual figures computed from the Parquet extracts
the way an analyst would write them in DuckDB, straight from docs/reports.md (not from
our SQL), then checked figure by figure against a run's metrics.json.

    python3 bench/duckdb_equity.py DATA_ROOT PERIOD_START PERIOD_END [METRICS_JSON]

Prints the wall time of the whole computation (reading, cleaning, the one rule for
repeated ids, the per-referral facts, every breakdown, access against the population)
and, given a metrics.json, how many figures were compared and which differ. It reads
the clinical settings, priority groups and Eastern European values from
config/default.toml, so it computes what a run with the default settings computes.
Needs `pip install duckdb`.
"""
import json
import os
import sys
import time
import tomllib

import duckdb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# NHS ethnic category codes and their groups (docs/data-contract.md).
ETHNIC = {
    "A": "White", "B": "White", "C": "White",
    "D": "Mixed", "E": "Mixed", "F": "Mixed", "G": "Mixed",
    "H": "Asian", "J": "Asian", "K": "Asian", "L": "Asian",
    "M": "Black", "N": "Black", "P": "Black",
    "R": "Other", "S": "Other",
    "Z": "Unknown", "99": "Unknown",
}
BREAKDOWNS = ["ethnic_group", "ethnic_category", "age_band", "sex", "disability", "imd_quintile"]


def sql_list(values):
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


class Timed:
    """A connection whose statements are timed, for the per-step line of the output."""

    def __init__(self, con):
        self.con, self.steps = con, []

    def execute(self, sql):
        started = time.monotonic()
        out = self.con.execute(sql)
        self.steps.append(time.monotonic() - started)
        return out

    @property
    def description(self):
        return self.con.description


def compute(con, data, start, end, cfg):
    c = cfg["clinical"]
    pg = cfg["priority_groups"]
    ee = sorted({v.strip().upper() for v in cfg["eastern_european"]["detail_codes"] + cfg["eastern_european"]["names"]})
    ethnic_pg = {g["code"].upper(): g["name"] for g in pg["ethnic_codes"]}
    older = pg["older_age"]
    eth_case = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in ETHNIC.items())
    pg_case = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in ethnic_pg.items()) or "WHEN NULL THEN NULL"

    present = set()

    def cleaned(x, how):
        if x not in present:
            return "CAST(NULL AS VARCHAR)"  # an optional column the extract leaves out
        if how == "trim":
            return f"NULLIF(trim({x}), '')"
        if how == "sex":
            return (f"CASE upper(trim({x})) WHEN 'M' THEN '1' WHEN 'MALE' THEN '1' WHEN 'F' THEN '2' "
                    f"WHEN 'FEMALE' THEN '2' ELSE NULLIF(upper(trim({x})), '') END")
        return f"NULLIF({how}(trim({x})), '')"

    refs = os.path.join(data, "referrals")
    refs = os.path.join(refs, "**", "*.parquet") if os.path.isdir(refs) else refs + ".parquet"
    for source in [f"read_parquet('{refs}', union_by_name = true)"] + [
            f"read_parquet('{os.path.join(data, n)}.parquet')" for n in ("appointments", "measures", "population")]:
        present.update(r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall())
    # The per-referral facts in one statement: the referrals and appointments each with
    # the one rule for repeated ids (applied to the repeated ids' rows only: numbering
    # every row by id would sort them all), each referral's care and first and last
    # scores, and the flags every breakdown counts.
    con.execute(f"""
    CREATE TEMP TABLE flagged AS
    WITH raw AS (
      SELECT {cleaned('referral_id', 'trim')} AS referral_id, {cleaned('person_id', 'trim')} AS person_id,
        {cleaned('partner_org', 'upper')} AS partner_org, {cleaned('service_line', 'lower')} AS service_line,
        CAST(referral_date AS DATE) AS referral_date, {cleaned('referral_source', 'lower')} AS referral_source,
        CAST(age_years AS BIGINT) AS age_years, {cleaned('sex', 'sex')} AS sex,
        {cleaned('ethnic_category', 'upper')} AS ethnic_category,
        {cleaned('ethnic_category_detail', 'upper')} AS ethnic_category_detail,
        {cleaned('disability', 'upper')} AS disability, {cleaned('sexual_orientation', 'trim')} AS sexual_orientation,
        {cleaned('religion', 'trim')} AS religion, CAST(imd_decile AS BIGINT) AS imd_decile,
        {cleaned('first_language', 'trim')} AS first_language, interpreter_required,
        CAST(end_date AS DATE) AS end_date, {cleaned('end_reason', 'trim')} AS end_reason
      FROM read_parquet('{refs}', union_by_name = true)
    ),
    kept AS (
      SELECT * FROM raw WHERE referral_id IS NOT NULL AND referral_date IS NOT NULL
    ),
    repeated_referrals AS (
      SELECT referral_id FROM kept GROUP BY referral_id HAVING count(*) > 1
    ),
    referral AS (
      SELECT * FROM kept ANTI JOIN repeated_referrals USING (referral_id)
      UNION ALL
      SELECT * FROM (
        SELECT * FROM kept SEMI JOIN repeated_referrals USING (referral_id)
        QUALIFY row_number() OVER (PARTITION BY referral_id ORDER BY referral_date, person_id, partner_org,
          service_line, end_date, end_reason, referral_source, age_years, sex, ethnic_category,
          ethnic_category_detail, disability, imd_decile, interpreter_required, first_language,
          sexual_orientation, religion) = 1
      )
    ),
    appt AS (
      SELECT {cleaned('appointment_id', 'trim')} AS appointment_id, {cleaned('referral_id', 'trim')} AS referral_id,
        CAST(appointment_date AS DATE) AS appointment_date, {cleaned('appointment_type', 'lower')} AS appointment_type,
        {cleaned('attendance', 'lower')} AS attendance, culturally_adapted, interpreter_used
      FROM read_parquet('{os.path.join(data, 'appointments.parquet')}')
    ),
    repeated_appointments AS (
      SELECT appointment_id FROM appt GROUP BY appointment_id HAVING count(*) > 1
    ),
    counted AS (
      SELECT * FROM appt ANTI JOIN repeated_appointments USING (appointment_id)
      UNION ALL
      SELECT * FROM (
        SELECT * FROM appt SEMI JOIN repeated_appointments USING (appointment_id)
        QUALIFY row_number() OVER (PARTITION BY appointment_id ORDER BY appointment_date, referral_id,
          appointment_type, attendance, culturally_adapted, interpreter_used) = 1
      )
    ),
    treat AS (
      SELECT referral_id,
        min(appointment_date) FILTER (WHERE appointment_type = 'treatment' AND attendance = 'attended') AS first_treatment,
        count(*) FILTER (WHERE appointment_type = 'treatment' AND attendance = 'attended') AS sessions,
        count(*) FILTER (WHERE attendance = 'dna' AND appointment_date BETWEEN DATE '{start}' AND DATE '{end}') AS dna,
        count(*) FILTER (WHERE attendance = 'attended' AND appointment_date BETWEEN DATE '{start}' AND DATE '{end}') AS attended,
        count(*) FILTER (WHERE attendance = 'attended' AND culturally_adapted AND appointment_date BETWEEN DATE '{start}' AND DATE '{end}') AS adapted
      FROM counted
      WHERE appointment_id IS NOT NULL AND appointment_date IS NOT NULL
      GROUP BY referral_id
    ),
    -- a score's first and last: the least and greatest (day, score), packed into one
    -- number (day * 100 + score) so that min and max find them
    m AS (
      SELECT {cleaned('referral_id', 'trim')} AS referral_id,
        CAST(measured_date - DATE '1970-01-01' AS BIGINT) * 100 + CASE WHEN phq9 BETWEEN 0 AND 27 THEN phq9 END AS phq,
        CAST(measured_date - DATE '1970-01-01' AS BIGINT) * 100 + CASE WHEN gad7 BETWEEN 0 AND 21 THEN gad7 END AS gad
      FROM read_parquet('{os.path.join(data, 'measures.parquet')}')
      WHERE measured_date IS NOT NULL
    ),
    scores AS (
      SELECT referral_id, min(phq) AS phq_lo, max(phq) AS phq_hi, min(gad) AS gad_lo, max(gad) AS gad_hi
      FROM m GROUP BY referral_id
    ),
    facts AS (
      SELECT r.referral_id, r.referral_date, r.end_date,
        CASE WHEN r.age_years BETWEEN 0 AND 110 THEN r.age_years END AS age_years,
        CASE WHEN r.age_years IS NULL OR r.age_years NOT BETWEEN 0 AND 110 THEN 'Unknown'
          WHEN r.age_years < 17 THEN 'Under 17' WHEN r.age_years < 25 THEN '17-24'
          WHEN r.age_years < 35 THEN '25-34' WHEN r.age_years < 45 THEN '35-44'
          WHEN r.age_years < 55 THEN '45-54' WHEN r.age_years < 65 THEN '55-64'
          WHEN r.age_years < 75 THEN '65-74' ELSE '75+' END AS age_band,
        CASE WHEN r.sex IN ('1', '2', '9', 'X') THEN r.sex ELSE 'X' END AS sex,
        CASE WHEN r.disability IN ('Y', 'N', 'Z') THEN r.disability ELSE 'Z' END AS disability,
        COALESCE(CASE r.ethnic_category {eth_case} END, 'Unknown') AS ethnic_group,
        CASE WHEN COALESCE(CASE r.ethnic_category {eth_case} END, 'Unknown') = 'Unknown' THEN 'Unknown'
          ELSE r.ethnic_category END AS ethnic_category,
        CASE WHEN r.imd_decile BETWEEN 1 AND 10 THEN CAST(CAST(ceil(r.imd_decile / 2) AS BIGINT) AS VARCHAR)
          ELSE 'Unknown' END AS imd_quintile,
        COALESCE(r.ethnic_category_detail IN ({sql_list(ee)}), false) AS eastern_european,
        COALESCE(r.interpreter_required, false) AS interpreter_required,
        t.first_treatment, COALESCE(t.sessions, 0) AS sessions, COALESCE(t.dna, 0) AS dna,
        COALESCE(t.attended, 0) AS attended, COALESCE(t.adapted, 0) AS adapted,
        s.phq_lo % 100 AS phq_first, s.phq_hi % 100 AS phq_last,
        COALESCE(s.phq_lo // 100 < s.phq_hi // 100, false) AS phq_paired,
        s.gad_lo % 100 AS gad_first, s.gad_hi % 100 AS gad_last,
        COALESCE(s.gad_lo // 100 < s.gad_hi // 100, false) AS gad_paired
      FROM referral r LEFT JOIN treat t USING (referral_id) LEFT JOIN scores s USING (referral_id)
    )
    SELECT *,
      CASE ethnic_category {pg_case} END AS pg_ethnic,
      CASE WHEN sex = '1' THEN 'Men' END AS pg_sex,
      CASE WHEN eastern_european THEN 'Eastern European' END AS pg_ee,
      CASE WHEN age_years >= {older} THEN 'Aged {older}+' END AS pg_age,
      referral_date BETWEEN DATE '{start}' AND DATE '{end}' AS referred_in,
      COALESCE(first_treatment BETWEEN DATE '{start}' AND DATE '{end}', false) AS entered_in,
      COALESCE(end_date BETWEEN DATE '{start}' AND DATE '{end}', false) AS ended_in,
      COALESCE(end_date BETWEEN DATE '{start}' AND DATE '{end}', false) AND sessions >= 2 AS finished,
      COALESCE(phq_first >= {c['caseness_phq9']}, false) OR COALESCE(gad_first >= {c['caseness_gad7']}, false) AS case_first,
      COALESCE(phq_last >= {c['caseness_phq9']}, false) OR COALESCE(gad_last >= {c['caseness_gad7']}, false) AS case_last,
      phq_paired AND gad_paired AS paired,
      phq_first - phq_last >= {c['reliable_change_phq9']} OR gad_first - gad_last >= {c['reliable_change_gad7']} AS fell,
      phq_last - phq_first >= {c['reliable_change_phq9']} OR gad_last - gad_first >= {c['reliable_change_gad7']} AS rose,
      first_treatment - referral_date AS wait_days
    FROM facts
    """)
    groups = ["(ethnic_group)", "(ethnic_category)", "(age_band)", "(sex)", "(disability)",
              "(imd_quintile)", "(ethnic_group, sex)", "(pg_ethnic)", "(pg_sex)", "(pg_ee)", "(pg_age)", "()"]
    rows = con.execute(f"""
    SELECT ethnic_group, ethnic_category, age_band, sex, disability, imd_quintile,
      COALESCE(pg_ethnic, pg_sex, pg_ee, pg_age) AS priority_group,
      grouping(ethnic_group, ethnic_category, age_band, sex, disability, imd_quintile, pg_ethnic, pg_sex, pg_ee, pg_age) AS g,
      count(*) FILTER (WHERE referred_in) AS referrals,
      count(*) FILTER (WHERE entered_in) AS entered,
      count(*) FILTER (WHERE referred_in AND first_treatment <= DATE '{end}') AS taken_up,
      count(*) FILTER (WHERE ended_in) AS ended,
      count(*) FILTER (WHERE ended_in AND sessions = 0) AS ended_untreated,
      count(*) FILTER (WHERE finished) AS finished,
      count(*) FILTER (WHERE finished AND case_first) AS at_caseness,
      count(*) FILTER (WHERE finished AND case_first AND NOT case_last) AS recovered,
      count(*) FILTER (WHERE finished AND paired) AS paired,
      count(*) FILTER (WHERE finished AND paired AND fell AND NOT rose) AS improved,
      count(*) FILTER (WHERE finished AND case_first AND NOT case_last AND paired AND fell AND NOT rose) AS reliably_recovered,
      count(*) FILTER (WHERE finished AND paired AND rose AND NOT fell) AS deteriorated,
      count(*) FILTER (WHERE finished AND wait_days <= {c['wait_6wk_days']}) AS wait_6wk,
      count(*) FILTER (WHERE finished AND wait_days <= {c['wait_18wk_days']}) AS wait_18wk,
      median(wait_days) FILTER (WHERE entered_in) AS wait_median,
      count(*) FILTER (WHERE referred_in AND interpreter_required) AS interpreter,
      sum(dna) AS dna, sum(dna) + sum(attended) AS dna_or_attended, sum(adapted) AS adapted
    FROM flagged
    GROUP BY GROUPING SETS ({", ".join(groups)})
    """).fetchall()
    names = [d[0] for d in con.description]
    access = con.execute(f"""
    WITH p AS (
      SELECT * FROM read_parquet('{os.path.join(data, 'population.parquet')}')
      WHERE period_start = (SELECT max(period_start) FROM read_parquet('{os.path.join(data, 'population.parquet')}')
                            WHERE period_start <= DATE '{start}') AND registered > 0
    ),
    pop AS (
      SELECT CASE WHEN age_band IN ('17-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75+') THEN age_band ELSE 'Unknown' END AS age_band,
        CASE WHEN {cleaned('sex', 'sex')} IN ('1', '2', '9', 'X') THEN {cleaned('sex', 'sex')} ELSE 'X' END AS sex,
        COALESCE(CASE {cleaned('ethnic_category', 'upper')} {eth_case} END, 'Unknown') AS ethnic_group,
        CASE WHEN COALESCE(CASE {cleaned('ethnic_category', 'upper')} {eth_case} END, 'Unknown') = 'Unknown' THEN 'Unknown'
          ELSE {cleaned('ethnic_category', 'upper')} END AS ethnic_category,
        CASE WHEN imd_decile BETWEEN 1 AND 10 THEN CAST(CAST(ceil(imd_decile / 2) AS BIGINT) AS VARCHAR) ELSE 'Unknown' END AS imd_quintile,
        registered
      FROM p
    ),
    pop_g AS (
      SELECT ethnic_group, ethnic_category, age_band, sex, imd_quintile,
        CASE ethnic_category {pg_case} END AS pg_ethnic, CASE WHEN sex = '1' THEN 'Men' END AS pg_sex,
        CASE WHEN age_band <> 'Unknown' AND CAST(left(age_band, 2) AS INT) >= {older}
          AND {older} IN (17, 25, 35, 45, 55, 65, 75) THEN 'Aged {older}+' END AS pg_age,
        'registered' AS what, registered AS n
      FROM pop
      UNION ALL
      SELECT ethnic_group, ethnic_category, age_band, sex, imd_quintile, pg_ethnic, pg_sex, pg_age, 'referrals', 1
      FROM flagged WHERE referred_in AND age_years >= 17
    )
    SELECT ethnic_group, ethnic_category, age_band, sex, imd_quintile,
      COALESCE(pg_ethnic, pg_sex, pg_age) AS priority_group,
      grouping(ethnic_group, ethnic_category, age_band, sex, imd_quintile, pg_ethnic, pg_sex, pg_age) = 255 AS overall,
      sum(n) FILTER (WHERE what = 'referrals') AS referrals, sum(n) FILTER (WHERE what = 'registered') AS registered
    FROM pop_g
    GROUP BY GROUPING SETS ((ethnic_group), (ethnic_category), (age_band), (sex), (imd_quintile),
      (ethnic_group, sex), (pg_ethnic), (pg_sex), (pg_age), ())
    """).fetchall()
    return names, rows, access


def by_of(row, names):
    """The breakdown a grouping-sets row is for, as metrics.json writes it (None: no group)."""
    r = dict(zip(names, row))
    by = {k: r[k] for k in BREAKDOWNS if r.get(k) is not None}
    if r.get("priority_group") is not None:
        by["priority_group"] = r["priority_group"]
    if not by and r["g"] != 1023:
        return None  # the rows of people outside a priority group
    return json.dumps(by, sort_keys=True)


# figure id -> (numerator column, denominator column), or (value column, None)
FIGURES = {
    "tt.referrals": ("referrals", None),
    "tt.entered_treatment": ("entered", None),
    "tt.finished_treatment": ("finished", None),
    "tt.uptake_pct": ("taken_up", "referrals"),
    "tt.ended_without_treatment_pct": ("ended_untreated", "ended"),
    "tt.recovery_pct": ("recovered", "at_caseness"),
    "tt.reliable_improvement_pct": ("improved", "paired"),
    "tt.reliable_recovery_pct": ("reliably_recovered", "at_caseness"),
    "tt.reliable_deterioration_pct": ("deteriorated", "paired"),
    "tt.paired_scores_pct": ("paired", "finished"),
    "tt.wait_6wk_pct": ("wait_6wk", "finished"),
    "tt.wait_18wk_pct": ("wait_18wk", "finished"),
    "tt.wait_median_days": ("wait_median", None),
    "tt.interpreter_pct": ("interpreter", "referrals"),
    "tt.dna_pct": ("dna", "dna_or_attended"),
    "tt.culturally_adapted_sessions": ("adapted", None),
}


def compare(metrics_path, names, rows, access):
    ours = {}
    for m in json.load(open(metrics_path))["metrics"]:
        ours[(m["id"], json.dumps(m["by"], sort_keys=True))] = m
    compared, differ = 0, []
    for row in rows:
        key = by_of(row, names)
        if key is None:
            continue
        r = dict(zip(names, row))
        for fid, (num, den) in FIGURES.items():
            m = ours.get((fid, key))
            if m is None:
                if (r[num] or 0) != 0:
                    differ.append((fid, key, "missing from metrics.json", r[num]))
                continue
            compared += 1
            if den is None:
                mine, theirs = m.get("value"), r[num]
                same = (mine is None and theirs is None) or (
                    mine is not None and theirs is not None and abs(float(mine) - float(theirs)) < 1e-9)
            else:
                mine, theirs = (m.get("numerator"), m.get("denominator")), (r[num] or 0, r[den] or 0)
                same = tuple(mine) == tuple(theirs)
            if not same:
                differ.append((fid, key, mine, theirs))
    for row in access:
        eg, ec, ab, sx, imd, pg, overall, refs, reg = row
        by = {k: v for k, v in zip(["ethnic_group", "ethnic_category", "age_band", "sex", "imd_quintile"], [eg, ec, ab, sx, imd]) if v is not None}
        if pg is not None:
            by["priority_group"] = pg
        if not by and not overall:
            continue  # the rows of people outside a priority group
        m = ours.get(("tt.access_rate_per_1000", json.dumps(by, sort_keys=True)))
        if m is None:
            continue
        compared += 1
        if (m["numerator"], m["denominator"]) != (refs or 0, reg or 0):
            differ.append(("tt.access_rate_per_1000", json.dumps(by), (m["numerator"], m["denominator"]), (refs, reg)))
    return compared, differ


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    data, start, end = sys.argv[1:4]
    cfg = tomllib.load(open(os.path.join(ROOT, "config", "default.toml"), "rb"))
    con = duckdb.connect()
    con.execute(f"SET threads = {os.cpu_count()}")
    timed = Timed(con)
    started = time.monotonic()
    names, rows, access = compute(timed, data, start, end, cfg)
    seconds = time.monotonic() - started
    steps = ", ".join(f"{s:.2f}" for s in timed.steps[4:])
    print(f"duckdb {duckdb.__version__}: equity figures in {seconds:.2f} s "
          f"(facts, breakdowns, access: {steps} s)")
    if len(sys.argv) > 4:
        compared, differ = compare(sys.argv[4], names, rows, access)
        print(f"compared {compared} figures with {sys.argv[4]}: {len(differ)} differ")
        for d in differ[:20]:
            print("  differs:", d)
        if differ:
            sys.exit(1)


if __name__ == "__main__":
    main()
