//! Writing the simulated data as Parquet, in the layouts partners deliver: staff
//! snapshots Hive-partitioned by date with one file per partner, referrals one file
//! per partner, the rest single files.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, Int64Array, RecordBatch,
    StringArray,
};
use chrono::{Datelike, NaiveDate};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use super::people::{BANDS, Workforce};
use super::returns;
use super::services::Services;

fn days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32
}

fn s<I: IntoIterator<Item = Option<String>>>(v: I) -> ArrayRef {
    Arc::new(StringArray::from(v.into_iter().collect::<Vec<_>>()))
}
fn dates<I: IntoIterator<Item = Option<NaiveDate>>>(v: I) -> ArrayRef {
    Arc::new(Date32Array::from(
        v.into_iter().map(|d| d.map(days)).collect::<Vec<_>>(),
    ))
}
fn bools<I: IntoIterator<Item = Option<bool>>>(v: I) -> ArrayRef {
    Arc::new(BooleanArray::from(v.into_iter().collect::<Vec<_>>()))
}
fn ints<I: IntoIterator<Item = Option<i64>>>(v: I) -> ArrayRef {
    Arc::new(Int64Array::from(v.into_iter().collect::<Vec<_>>()))
}

fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let batch = RecordBatch::try_from_iter(columns)?;
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .build();
    let mut w = ArrowWriter::try_new(File::create(path)?, batch.schema(), Some(props))?;
    w.write(&batch)?;
    w.close()?;
    Ok(())
}

fn o(x: &str) -> Option<String> {
    Some(x.to_string())
}

/// Write the workforce datasets; returns a short count.
pub(super) fn write_workforce(out: &Path, wf: &Workforce) -> anyhow::Result<String> {
    let mut dates_seen: Vec<NaiveDate> = wf.snapshots.iter().map(|r| r.date).collect();
    dates_seen.sort();
    dates_seen.dedup();
    let last = *dates_seen.last().expect("snapshots");
    let partners: Vec<&str> = {
        let mut p: Vec<&str> = wf.snapshots.iter().map(|r| r.staff.partner).collect();
        p.sort();
        p.dedup();
        p
    };
    for d in &dates_seen {
        for p in &partners {
            let mut rows: Vec<_> = wf
                .snapshots
                .iter()
                .filter(|r| r.date == *d && r.staff.partner == *p)
                .collect();
            if rows.is_empty() {
                continue;
            }
            rows.sort_by(|a, b| a.staff.id.cmp(&b.staff.id));
            let n = rows.len();
            let mut partner: Vec<Option<String>> =
                rows.iter().map(|r| o(r.staff.partner)).collect();
            let mut ethnic: Vec<Option<String>> = rows.iter().map(|r| o(r.staff.ethnic)).collect();
            let mut fte: Vec<Option<f64>> = rows.iter().map(|r| Some(r.staff.fte)).collect();
            let mut pay: Vec<Option<f64>> = rows
                .iter()
                .map(|r| returns::hourly_pay(&r.staff, *d))
                .collect();
            // Touchstone's HR system writes sex as M/F and codes in lower case with spaces.
            let sex: Vec<Option<String>> = rows
                .iter()
                .map(|r| match (*p, r.staff.sex) {
                    ("TS", "1") => o("M"),
                    ("TS", "2") => o("F"),
                    (_, x) => o(x),
                })
                .collect();
            if *p == "TS" {
                for e in ethnic.iter_mut() {
                    *e = e.as_ref().map(|x| format!(" {}", x.to_lowercase()));
                }
            }
            let mut keep: Vec<usize> = (0..n).collect();
            if *d == last && *p == "LCH" {
                // Defects in the latest LCH file: a misspelt partner code, codes that
                // are not ethnic categories, an FTE of zero, and a row sent twice.
                for i in [3, 40, 77] {
                    partner[i % n] = o("LHC");
                }
                ethnic[11 % n] = o("Q");
                ethnic[120 % n] = o("W1");
                fte[55 % n] = Some(0.0);
                // and an hourly pay typed in pence
                pay[31 % n] = Some(2450.0);
                keep.push(9 % n);
            }
            let pick = |v: &Vec<Option<String>>| s(keep.iter().map(|&i| v[i].clone()));
            let st = |f: &dyn Fn(&super::people::Staff) -> Option<String>| {
                s(keep.iter().map(|&i| f(&rows[i].staff)))
            };
            // One partner's system writes ages as 32-bit integers: the loader accepts any width.
            let age: ArrayRef = if *p == "SH" {
                Arc::new(Int32Array::from(
                    keep.iter()
                        .map(|&i| Some(d.year() - rows[i].staff.birth_year))
                        .collect::<Vec<_>>(),
                ))
            } else {
                ints(
                    keep.iter()
                        .map(|&i| Some(i64::from(d.year() - rows[i].staff.birth_year))),
                )
            };
            let path = out.join(format!("staff_snapshot/snapshot_date={d}/{p}.parquet"));
            write_parquet(
                &path,
                vec![
                    ("staff_id", st(&|x| o(&x.id))),
                    ("partner_org", pick(&partner)),
                    ("service_line", st(&|x| o(x.service_line))),
                    (
                        "job_role",
                        st(&|x| {
                            o(if x.clinical {
                                "Psychological wellbeing practitioner"
                            } else {
                                "Administrator"
                            })
                        }),
                    ),
                    (
                        "clinical",
                        bools(keep.iter().map(|&i| Some(rows[i].staff.clinical))),
                    ),
                    ("afc_band", st(&|x| o(BANDS[x.band]))),
                    (
                        "fte",
                        Arc::new(Float64Array::from(
                            keep.iter().map(|&i| fte[i]).collect::<Vec<_>>(),
                        )),
                    ),
                    (
                        "start_date",
                        dates(keep.iter().map(|&i| Some(rows[i].staff.start))),
                    ),
                    ("age_years", age),
                    ("sex", pick(&sex)),
                    ("ethnic_category", pick(&ethnic)),
                    (
                        "ethnic_category_detail",
                        st(&|x| x.detail.map(String::from)),
                    ),
                    ("disability", st(&|x| o(x.disability))),
                    (
                        "board_member",
                        bools(keep.iter().map(|&i| Some(rows[i].staff.board))),
                    ),
                    (
                        "board_role",
                        st(&|x| returns::board_role(x).map(String::from)),
                    ),
                    (
                        "hourly_pay",
                        Arc::new(Float64Array::from(
                            keep.iter().map(|&i| pay[i]).collect::<Vec<_>>(),
                        )),
                    ),
                ],
            )?;
        }
    }
    let l = &wf.leavers;
    write_parquet(
        &out.join("leavers.parquet"),
        vec![
            ("staff_id", s(l.iter().map(|x| o(&x.0)))),
            ("partner_org", s(l.iter().map(|x| o(x.1)))),
            ("leave_date", dates(l.iter().map(|x| Some(x.2)))),
            ("leaving_reason", s(l.iter().map(|x| o(x.3)))),
        ],
    )?;
    let r = &wf.recruitment;
    write_parquet(
        &out.join("recruitment.parquet"),
        vec![
            ("application_id", s(r.iter().map(|x| o(&x.id)))),
            ("vacancy_id", s(r.iter().map(|x| o(&x.vacancy)))),
            ("partner_org", s(r.iter().map(|x| o(x.partner)))),
            ("afc_band", s(r.iter().map(|x| o(x.band)))),
            ("application_date", dates(r.iter().map(|x| Some(x.date)))),
            ("sex", s(r.iter().map(|x| o(x.sex)))),
            ("ethnic_category", s(r.iter().map(|x| o(x.ethnic)))),
            ("disability", s(r.iter().map(|x| o(x.disability)))),
            ("shortlisted", bools(r.iter().map(|x| Some(x.shortlisted)))),
            ("appointed", bools(r.iter().map(|x| Some(x.appointed)))),
        ],
    )?;
    let t = &wf.training;
    write_parquet(
        &out.join("training.parquet"),
        vec![
            ("staff_id", s(t.iter().map(|x| o(&x.0)))),
            ("course", s(t.iter().map(|x| o(x.1)))),
            ("completed_date", dates(t.iter().map(|x| Some(x.2)))),
            ("mandatory", bools(t.iter().map(|x| Some(x.3)))),
        ],
    )?;
    let c = &wf.disciplinary;
    write_parquet(
        &out.join("disciplinary.parquet"),
        vec![
            ("case_id", s(c.iter().map(|x| o(&x.0)))),
            ("staff_id", s(c.iter().map(|x| o(&x.1)))),
            ("opened_date", dates(c.iter().map(|x| Some(x.2)))),
        ],
    )?;
    let m = &wf.mentoring;
    write_parquet(
        &out.join("mentoring.parquet"),
        vec![
            ("staff_id", s(m.iter().map(|x| o(&x.0)))),
            ("programme", s(m.iter().map(|x| o(x.1)))),
            ("matched_date", dates(m.iter().map(|x| Some(x.2)))),
        ],
    )?;
    let v = returns::survey_rows();
    write_parquet(
        &out.join("staff_survey.parquet"),
        vec![
            ("partner_org", s(v.iter().map(|x| o(x.partner)))),
            ("survey_year", ints(v.iter().map(|x| Some(x.year)))),
            ("indicator", s(v.iter().map(|x| o(x.indicator)))),
            ("staff_group", s(v.iter().map(|x| o(x.group)))),
            (
                "value_pct",
                Arc::new(Float64Array::from(
                    v.iter().map(|x| Some(x.value)).collect::<Vec<_>>(),
                )),
            ),
            ("respondents", ints(v.iter().map(|x| x.respondents))),
            ("source", s(v.iter().map(|x| o(&x.source)))),
        ],
    )?;
    Ok(format!(
        "{} staff snapshot rows over {} quarters, {} leavers, {} applications, {} training completions, {} disciplinary cases, {} mentoring matches, {} staff-survey results",
        wf.snapshots.len(),
        dates_seen.len(),
        l.len(),
        r.len(),
        t.len(),
        c.len(),
        m.len(),
        v.len()
    ))
}

/// Write the service-user datasets; returns a short count.
pub(super) fn write_services(out: &Path, sv: &Services) -> anyhow::Result<String> {
    let mut partners: Vec<&str> = sv.referrals.iter().map(|r| r.partner).collect();
    partners.sort();
    partners.dedup();
    for p in &partners {
        // a misspelt code arrives inside the real partner's file
        let file = if *p == "LYPTF" { "LYPFT" } else { p };
        let rs: Vec<_> = sv.referrals.iter().filter(|r| r.partner == *p).collect();
        write_parquet(
            &out.join(format!(
                "referrals/{file}{}.parquet",
                if *p == "LYPTF" { "-late" } else { "" }
            )),
            vec![
                ("referral_id", s(rs.iter().map(|r| o(&r.id)))),
                ("person_id", s(rs.iter().map(|r| o(&r.person)))),
                ("partner_org", s(rs.iter().map(|r| o(r.partner)))),
                ("service_line", s(rs.iter().map(|r| o(r.service_line)))),
                ("referral_date", dates(rs.iter().map(|r| Some(r.date)))),
                ("referral_source", s(rs.iter().map(|r| o(r.source)))),
                ("age_years", ints(rs.iter().map(|r| Some(r.age)))),
                ("sex", s(rs.iter().map(|r| o(r.sex)))),
                ("ethnic_category", s(rs.iter().map(|r| o(r.ethnic)))),
                (
                    "ethnic_category_detail",
                    s(rs.iter().map(|r| r.detail.map(String::from))),
                ),
                ("disability", s(rs.iter().map(|r| o(r.disability)))),
                ("imd_decile", ints(rs.iter().map(|r| Some(r.imd)))),
                (
                    "sexual_orientation",
                    s(rs.iter().map(|r| r.orientation.map(String::from))),
                ),
                (
                    "religion",
                    s(rs.iter().map(|r| r.religion.map(String::from))),
                ),
                ("first_language", s(rs.iter().map(|r| o(r.language)))),
                (
                    "interpreter_required",
                    bools(rs.iter().map(|r| Some(r.interpreter))),
                ),
                ("end_date", dates(rs.iter().map(|r| r.end))),
                (
                    "end_reason",
                    s(rs.iter().map(|r| r.end_reason.map(String::from))),
                ),
            ],
        )?;
    }
    let a = &sv.appointments;
    write_parquet(
        &out.join("appointments.parquet"),
        vec![
            ("appointment_id", s(a.iter().map(|x| o(&x.id)))),
            ("referral_id", s(a.iter().map(|x| o(&x.referral)))),
            ("appointment_date", dates(a.iter().map(|x| Some(x.date)))),
            ("appointment_type", s(a.iter().map(|x| o(x.kind)))),
            ("attendance", s(a.iter().map(|x| o(x.attendance)))),
            (
                "culturally_adapted",
                bools(a.iter().map(|x| Some(x.adapted))),
            ),
            (
                "interpreter_used",
                bools(a.iter().map(|x| Some(x.interpreter))),
            ),
        ],
    )?;
    let m = &sv.measures;
    write_parquet(
        &out.join("measures.parquet"),
        vec![
            ("referral_id", s(m.iter().map(|x| o(&x.referral)))),
            ("measured_date", dates(m.iter().map(|x| Some(x.date)))),
            ("phq9", ints(m.iter().map(|x| x.phq9))),
            ("gad7", ints(m.iter().map(|x| x.gad7))),
        ],
    )?;
    let p = &sv.population;
    write_parquet(
        &out.join("population.parquet"),
        vec![
            (
                "period_start",
                dates(p.iter().map(|x| Some(x.period_start))),
            ),
            ("age_band", s(p.iter().map(|x| o(x.age_band)))),
            ("sex", s(p.iter().map(|x| o(x.sex)))),
            ("ethnic_category", s(p.iter().map(|x| o(x.ethnic)))),
            ("imd_decile", ints(p.iter().map(|x| Some(x.imd)))),
            ("registered", ints(p.iter().map(|x| Some(x.registered)))),
        ],
    )?;
    Ok(format!(
        "{} referrals, {} appointments, {} measures, {} population cells",
        sv.referrals.len(),
        a.len(),
        m.len(),
        p.len()
    ))
}
