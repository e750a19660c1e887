//! The synthetic workforce: staff moving through 8 quarter-end snapshots with joiners,
//! leavers and promotions, and their recruitment, training, disciplinary and mentoring
//! records.

// `pick` is generic over what it picks: the `*` tells it the type, which clippy's
// auto-deref advice would leave it unable to infer.
#![allow(clippy::explicit_auto_deref)]

use chrono::{Days, Months, NaiveDate};
use rand::Rng;

use super::{LAST_SNAPSHOT, pick, ymd};

/// Staff per partner at scale 1 (about 1,000 in all).
const PARTNER_STAFF: &[(&str, u32)] = &[
    ("LCH", 230),
    ("LYPFT", 320),
    ("GPC", 110),
    ("NPW", 70),
    ("CL", 55),
    ("TS", 50),
    ("WCTS", 30),
    ("HSL", 15),
    ("IESO", 60),
    ("SCH", 35),
    ("SH", 25),
];

/// Voluntary-sector partners: many posts outside Agenda for Change.
const VOLUNTARY: &[&str] = &["NPW", "CL", "TS", "WCTS", "HSL", "SH"];

const BME_CODES: &[(&str, f64)] = &[
    ("D", 1.0),
    ("E", 0.5),
    ("F", 0.8),
    ("G", 0.8),
    ("H", 2.2),
    ("J", 3.0),
    ("K", 0.5),
    ("L", 1.0),
    ("M", 1.3),
    ("N", 2.6),
    ("P", 0.6),
    ("R", 0.8),
    ("S", 1.2),
];

const EE_DETAIL: &[(&str, f64)] = &[
    ("Polish", 4.0),
    ("Romanian", 2.0),
    ("Lithuanian", 1.0),
    ("CP", 1.0),
    ("Latvian", 0.5),
    ("Slovak", 0.5),
];

/// One member of staff as the simulation holds them.
#[derive(Debug, Clone)]
pub(super) struct Staff {
    pub id: String,
    pub partner: &'static str,
    pub service_line: &'static str,
    pub clinical: bool,
    pub band: usize,
    pub fte: f64,
    pub start: NaiveDate,
    pub birth_year: i32,
    pub sex: &'static str,
    pub ethnic: &'static str,
    pub detail: Option<&'static str>,
    pub disability: &'static str,
    pub board: bool,
    pub left: Option<NaiveDate>,
}

/// Bands in order; index into this for promotions.
pub(super) const BANDS: &[&str] = &[
    "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "VSM", "Other",
];

impl Staff {
    pub(super) fn bme(&self) -> bool {
        BME_CODES.iter().any(|(c, _)| *c == self.ethnic)
    }
}

/// A row of one snapshot: a staff member as they were on that date.
#[derive(Debug, Clone)]
pub(super) struct SnapshotRow {
    pub date: NaiveDate,
    pub staff: Staff,
}

#[derive(Debug, Default)]
pub(super) struct Workforce {
    pub snapshots: Vec<SnapshotRow>,
    pub leavers: Vec<(String, &'static str, NaiveDate, &'static str)>,
    /// (application_id, vacancy_id, partner, band, date, sex, ethnic, disability, shortlisted, appointed)
    pub recruitment: Vec<Application>,
    pub training: Vec<(String, &'static str, NaiveDate, bool)>,
    pub disciplinary: Vec<(String, String, NaiveDate)>,
    pub mentoring: Vec<(String, &'static str, NaiveDate)>,
}

#[derive(Debug, Clone)]
pub(super) struct Application {
    pub id: String,
    pub vacancy: String,
    pub partner: &'static str,
    pub band: &'static str,
    pub date: NaiveDate,
    pub sex: &'static str,
    pub ethnic: &'static str,
    pub disability: &'static str,
    pub shortlisted: bool,
    pub appointed: bool,
}

/// The 8 quarter ends, oldest first, ending at the last snapshot.
pub(super) fn quarter_ends() -> Vec<NaiveDate> {
    let last = ymd(LAST_SNAPSHOT);
    (0..8)
        .rev()
        .map(|i| {
            let first_of_next = last
                .succ_opt()
                .unwrap()
                .checked_sub_months(Months::new(3 * i))
                .unwrap();
            first_of_next.pred_opt().unwrap()
        })
        .collect()
}

fn new_staff<R: Rng>(
    rng: &mut R,
    n: &mut u32,
    partner: &'static str,
    start: NaiveDate,
    bme_boost: f64,
) -> Staff {
    *n += 1;
    let clinical = rng.random_bool(0.7);
    let voluntary = VOLUNTARY.contains(&partner);
    let band = if voluntary && rng.random_bool(0.35) {
        12
    } else if clinical {
        *pick(
            rng,
            &[
                (2usize, 12.0),
                (3, 20.0),
                (4, 26.0),
                (5, 25.0),
                (6, 10.0),
                (7, 4.0),
                (8, 2.0),
                (9, 0.6),
                (10, 0.2),
                (11, 0.2),
            ],
        )
    } else {
        *pick(
            rng,
            &[
                (0usize, 10.0),
                (1, 24.0),
                (2, 25.0),
                (3, 15.0),
                (4, 11.0),
                (5, 8.0),
                (6, 4.0),
                (7, 1.8),
                (8, 0.6),
                (9, 0.3),
                (10, 0.15),
                (11, 0.15),
            ],
        )
    };
    let senior = (5..=11).contains(&band);
    let p_bme = if senior { 0.15 } else { 0.215 } + bme_boost;
    let roll: f64 = rng.random();
    let (ethnic, detail) = if roll < 0.04 {
        (if rng.random_bool(0.7) { "Z" } else { "99" }, None)
    } else if roll < 0.04 + p_bme {
        (*pick(rng, BME_CODES), None)
    } else {
        let w = *pick(rng, &[("A", 84.0), ("B", 3.0), ("C", 13.0)]);
        let d = (w == "C" && rng.random_bool(0.45)).then(|| *pick(rng, EE_DETAIL));
        (w, d)
    };
    Staff {
        id: format!("ST{:06}", *n * 7919 % 1_000_003),
        partner,
        service_line: *pick(
            rng,
            &[
                ("talking_therapies", 60.0),
                ("pcmh", 25.0),
                ("shared", 15.0),
            ],
        ),
        clinical,
        band,
        fte: *pick(
            rng,
            &[
                (1.0, 60.0),
                (0.8, 15.0),
                (0.6, 12.0),
                (0.5, 8.0),
                (0.4, 5.0),
            ],
        ),
        start,
        birth_year: rng.random_range(1960..2004),
        sex: *pick(rng, &[("1", 23.0), ("2", 76.5), ("X", 0.5)]),
        ethnic,
        detail,
        disability: *pick(rng, &[("Y", 14.0), ("N", 78.0), ("Z", 8.0)]),
        board: false,
        left: None,
    }
}

fn partner_weights() -> Vec<(&'static str, f64)> {
    PARTNER_STAFF
        .iter()
        .map(|(p, c)| (*p, f64::from(*c)))
        .collect()
}

fn day_in<R: Rng>(rng: &mut R, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0) as u64;
    from.checked_add_days(Days::new(rng.random_range(0..=span)))
        .unwrap()
}

/// Run the workforce through 8 quarters.
pub(super) fn simulate_workforce<R: Rng>(rng: &mut R, scale: f64) -> Workforce {
    // at least one of everything, however small the scale
    let scaled = |n: u32| ((f64::from(n) * scale).round() as u32).max(1);
    let ends = quarter_ends();
    let first_start = ends[0]
        .checked_sub_months(Months::new(3))
        .unwrap()
        .succ_opt()
        .unwrap();
    let mut n = 0u32;
    let mut staff: Vec<Staff> = Vec::new();
    for (p, count) in PARTNER_STAFF {
        for _ in 0..scaled(*count) {
            let start = day_in(
                rng,
                NaiveDate::from_ymd_opt(2005, 1, 1).unwrap(),
                first_start,
            );
            staff.push(new_staff(rng, &mut n, p, start, 0.0));
        }
    }
    // The partnership board: senior staff, two of them BME.
    let mut board = 0;
    for s in staff.iter_mut() {
        if board < 14 && s.band >= 8 && s.band <= 11 {
            s.board = true;
            board += 1;
        }
    }
    for s in staff
        .iter_mut()
        .filter(|s| s.bme() && s.band >= 5 && s.band <= 11)
        .take(2)
    {
        s.board = true;
    }

    let mut wf = Workforce::default();
    let mut app = 0u32;
    let mut case = 0u32;
    for (qi, end) in ends.iter().enumerate() {
        let start = end
            .checked_sub_months(Months::new(3))
            .unwrap()
            .succ_opt()
            .unwrap();
        // leavers, promotions and joiners during the quarter (not before the first snapshot)
        if qi > 0 {
            let mut leaving = 0;
            for s in staff.iter_mut().filter(|s| s.left.is_none()) {
                let p = if s.bme() { 0.042 } else { 0.034 };
                if rng.random_bool(p) {
                    let d = day_in(rng, start, *end);
                    s.left = Some(d);
                    leaving += 1;
                    let reason = *pick(
                        rng,
                        &[
                            ("resignation", 6.0),
                            ("retirement", 1.5),
                            ("end_of_contract", 1.5),
                            ("dismissal", 0.3),
                        ],
                    );
                    wf.leavers.push((s.id.clone(), s.partner, d, reason));
                } else if s.band < 11 && rng.random_bool(if s.bme() { 0.012 } else { 0.02 }) {
                    s.band += 1;
                }
            }
            for _ in 0..(leaving as f64 * 1.02).round() as u32 {
                let partner = *pick(rng, &partner_weights());
                let join = day_in(rng, start, *end);
                staff.push(new_staff(rng, &mut n, partner, join, 0.03));
            }
        }
        for s in staff
            .iter()
            .filter(|s| s.start <= *end && s.left.is_none_or(|l| l > *end))
        {
            wf.snapshots.push(SnapshotRow {
                date: *end,
                staff: s.clone(),
            });
        }
        // recruitment in the quarter
        for _ in 0..scaled(150) {
            app += 1;
            let bme = rng.random_bool(0.3);
            let disabled = rng.random_bool(0.08);
            let unknown = rng.random_bool(0.03);
            let ethnic = if unknown {
                "Z"
            } else if bme {
                *pick(rng, BME_CODES)
            } else {
                *pick(rng, &[("A", 85.0), ("B", 3.0), ("C", 12.0)])
            };
            let shortlisted = rng.random_bool(if bme { 0.30 } else { 0.36 });
            let appointed = shortlisted
                && rng.random_bool(match (bme, disabled) {
                    (true, _) => 0.21,
                    (false, true) => 0.25,
                    (false, false) => 0.31,
                });
            wf.recruitment.push(Application {
                id: format!("APP{app:07}"),
                vacancy: format!("VAC{:05}", app / 8),
                partner: *pick(rng, &partner_weights()),
                band: *pick(
                    rng,
                    &[
                        ("3", 2.0),
                        ("4", 3.0),
                        ("5", 3.0),
                        ("6", 3.0),
                        ("7", 2.0),
                        ("8a", 1.0),
                    ],
                ),
                date: day_in(rng, start, *end),
                sex: *pick(rng, &[("1", 25.0), ("2", 74.0), ("X", 1.0)]),
                ethnic,
                disability: if disabled {
                    "Y"
                } else {
                    *pick(rng, &[("N", 90.0), ("Z", 10.0)])
                },
                shortlisted,
                appointed,
            });
        }
        // disciplinary cases: BME staff about twice as likely to enter the process
        for s in staff
            .iter()
            .filter(|s| s.start <= *end && s.left.is_none_or(|l| l > start))
        {
            let p = if s.bme() { 0.011 } else { 0.0055 };
            if rng.random_bool(p) {
                case += 1;
                wf.disciplinary.push((
                    format!("DC{case:05}"),
                    s.id.clone(),
                    day_in(rng, start, *end),
                ));
            }
        }
    }
    // Two defects the data-quality page should catch: appointed without shortlisting.
    for a in wf.recruitment.iter_mut().skip(17).step_by(431).take(2) {
        a.shortlisted = false;
        a.appointed = true;
    }

    // Training: completions spread over the two years, some after the last quarter end.
    let extracted = ymd(super::EXTRACTED);
    let from = ends[0].checked_sub_months(Months::new(3)).unwrap();
    for s in &staff {
        let until = s.left.unwrap_or(extracted);
        let first = s.start.max(from);
        if first >= until {
            continue;
        }
        let courses: [(&str, f64, bool); 6] = [
            ("cultural_competence", 0.8, true),
            ("interpreters", if s.clinical { 0.72 } else { 0.1 }, true),
            ("anti_racism", 0.5, true),
            ("disability_ltc", 0.4, true),
            ("cpd_leadership", if s.bme() { 0.16 } else { 0.22 }, false),
            (
                "cpd_clinical_skills",
                if s.bme() { 0.2 } else { 0.26 },
                false,
            ),
        ];
        for (course, p, mandatory) in courses {
            if rng.random_bool(p) {
                wf.training
                    .push((s.id.clone(), course, day_in(rng, first, until), mandatory));
            }
        }
    }
    // Mentoring: the BME leadership programme matched 9 staff over the two years.
    let bme_staff: Vec<&Staff> = staff
        .iter()
        .filter(|s| s.bme() && s.band >= 3 && s.band <= 6)
        .collect();
    for (i, s) in bme_staff
        .iter()
        .step_by((bme_staff.len() / 9).max(1))
        .take(9)
        .enumerate()
    {
        let d = day_in(rng, from, ymd(LAST_SNAPSHOT));
        wf.mentoring
            .push((s.id.clone(), "bme_leadership", d.max(s.start)));
        if i % 3 == 0 {
            wf.mentoring
                .push((s.id.clone(), "new_managers", d.max(s.start)));
        }
    }
    for s in staff.iter().filter(|s| !s.bme()).step_by(97) {
        wf.mentoring.push((
            s.id.clone(),
            "new_managers",
            day_in(rng, from.max(s.start), extracted.max(s.start)),
        ));
    }
    wf
}
