//! The synthetic service: a GP-registered population aged 17+, referrals drawn from it
//! at rates that leave the priority groups under-represented, and for each referral
//! its appointments and PHQ-9/GAD-7 scores.

// `pick` is generic over what it picks: the `*` tells it the type, which clippy's
// auto-deref advice would leave it unable to infer.
#![allow(clippy::explicit_auto_deref)]

use chrono::{Days, Months, NaiveDate};
use rand::Rng;

use super::{EXTRACTED, LAST_SNAPSHOT, fnv, pick, ymd};
use crate::contract::AGE_BANDS;

/// Share of the Leeds population aged 17+ by ethnic category (2021 Census-like).
const ETHNIC_MIX: &[(&str, f64)] = &[
    ("A", 71.5),
    ("B", 0.8),
    ("C", 5.6),
    ("D", 1.0),
    ("E", 0.4),
    ("F", 0.7),
    ("G", 0.7),
    ("H", 2.0),
    ("J", 3.4),
    ("K", 0.4),
    ("L", 1.2),
    ("M", 0.8),
    ("N", 2.3),
    ("P", 0.6),
    ("R", 1.1),
    ("S", 1.5),
    ("Z", 3.2),
    ("99", 2.8),
];
const AGE_MIX: &[f64] = &[17.0, 19.0, 16.0, 15.0, 14.0, 10.0, 9.0];
const AGE_RANGE: &[(i64, i64)] = &[
    (17, 24),
    (25, 34),
    (35, 44),
    (45, 54),
    (55, 64),
    (65, 74),
    (75, 94),
];
/// GP-registered people aged 17+ in Leeds at scale 1.
const POPULATION: f64 = 680_000.0;
/// Referrals from this day recover more often (the action plan's first effect): the
/// sample's monthly charts then show a special cause of improvement as well as concern.
const IMPROVED_FROM: (i32, u32, u32) = (2025, 10, 1);
/// How much more often, in points of recovery.
const IMPROVEMENT: f64 = 0.08;
/// Referrals a year per registered person, before the group multipliers.
const ANNUAL_RATE: f64 = 0.036;

/// Providers of Talking Therapies and PCMH referrals.
const PROVIDERS: &[(&str, f64)] = &[
    ("LYPFT", 35.0),
    ("LCH", 20.0),
    ("NPW", 12.0),
    ("IESO", 10.0),
    ("SCH", 8.0),
    ("CL", 5.0),
    ("TS", 4.0),
    ("WCTS", 3.0),
    ("SH", 2.0),
    ("GPC", 1.0),
];

pub(super) struct PopulationRow {
    pub period_start: NaiveDate,
    pub age_band: &'static str,
    pub sex: &'static str,
    pub ethnic: &'static str,
    pub imd: i64,
    pub registered: i64,
}

pub(super) struct Referral {
    pub id: String,
    pub person: String,
    pub partner: &'static str,
    pub service_line: &'static str,
    pub date: NaiveDate,
    pub source: &'static str,
    pub age: i64,
    pub sex: &'static str,
    pub ethnic: &'static str,
    pub detail: Option<&'static str>,
    pub disability: &'static str,
    pub imd: i64,
    pub orientation: Option<&'static str>,
    pub religion: Option<&'static str>,
    pub language: &'static str,
    pub interpreter: bool,
    pub end: Option<NaiveDate>,
    pub end_reason: Option<&'static str>,
}

pub(super) struct Appointment {
    pub id: String,
    pub referral: String,
    pub date: NaiveDate,
    pub kind: &'static str,
    pub attendance: &'static str,
    pub adapted: bool,
    pub interpreter: bool,
}

pub(super) struct Measure {
    pub referral: String,
    pub date: NaiveDate,
    pub phq9: Option<i64>,
    pub gad7: Option<i64>,
}

#[derive(Default)]
pub(super) struct Services {
    pub population: Vec<PopulationRow>,
    pub referrals: Vec<Referral>,
    pub appointments: Vec<Appointment>,
    pub measures: Vec<Measure>,
}

fn imd_weight(d: i64) -> f64 {
    // Leeds has more of its people in the most deprived deciles.
    match d {
        1 => 16.0,
        2 => 11.0,
        3 => 9.0,
        4 => 9.0,
        5 => 8.5,
        6 => 8.5,
        7 => 9.0,
        8 => 9.5,
        9 => 10.0,
        _ => 9.5,
    }
}

/// How much more or less often a group is referred than its population share.
fn referral_multiplier(ethnic: &str, sex: &str, age_band: usize, imd: i64) -> f64 {
    let e = match ethnic {
        "J" => 0.55,
        "N" => 0.6,
        "M" => 0.7,
        "R" => 0.45,
        "K" | "H" => 0.75,
        "Z" | "99" => 0.9,
        _ => 1.0,
    };
    let s = if sex == "1" { 0.62 } else { 1.3 };
    let a = [1.3, 1.2, 1.1, 1.0, 0.85, 0.45, 0.3][age_band];
    let d = if imd <= 2 { 1.2 } else { 1.0 };
    e * s * a * d
}

fn clamp(v: f64, hi: i64) -> i64 {
    (v.round() as i64).clamp(0, hi)
}

/// A rough normal draw (sum of uniforms), enough for synthetic scores.
fn normal<R: Rng>(rng: &mut R, mean: f64, sd: f64) -> f64 {
    let s: f64 = (0..6).map(|_| rng.random::<f64>()).sum::<f64>() - 3.0;
    mean + sd * s * std::f64::consts::SQRT_2
}

pub(super) fn simulate_services<R: Rng>(rng: &mut R, scale: f64) -> Services {
    let mut sv = Services::default();
    let last = ymd(LAST_SNAPSHOT);
    let extracted = ymd(EXTRACTED);
    let quarter_starts: Vec<NaiveDate> = (0..8)
        .rev()
        .map(|i| {
            last.succ_opt()
                .unwrap()
                .checked_sub_months(Months::new(3 * (i + 1)))
                .unwrap()
        })
        .collect();
    let eth_total: f64 = ETHNIC_MIX.iter().map(|e| e.1).sum();
    let age_total: f64 = AGE_MIX.iter().sum();
    let imd_total: f64 = (1..=10).map(imd_weight).sum();
    let mut rid = 0u32;
    let mut aid = 0u32;
    for (qi, qs) in quarter_starts.iter().enumerate() {
        let growth = 1.0 + 0.002 * qi as f64;
        let qe = qs
            .checked_add_months(Months::new(3))
            .unwrap()
            .pred_opt()
            .unwrap();
        for (ai, band) in AGE_BANDS.iter().enumerate() {
            for sex in ["1", "2"] {
                for (eth, ew) in ETHNIC_MIX {
                    for imd in 1..=10i64 {
                        let share = AGE_MIX[ai] / age_total * 0.5 * ew / eth_total
                            * imd_weight(imd)
                            / imd_total;
                        let registered = (POPULATION * scale * share * growth).round() as i64;
                        sv.population.push(PopulationRow {
                            period_start: *qs,
                            age_band: band,
                            sex,
                            ethnic: eth,
                            imd,
                            registered,
                        });
                        // Eastern European people sit inside code C and are referred less.
                        let ee_share = if *eth == "C" { 0.4 } else { 0.0 };
                        let mult = referral_multiplier(eth, sex, ai, imd)
                            * (1.0 - ee_share + ee_share * 0.55);
                        let expected = registered as f64 * ANNUAL_RATE / 4.0 * mult;
                        let count = expected.floor() as u32
                            + u32::from(rng.random::<f64>() < expected.fract());
                        for _ in 0..count {
                            rid += 1;
                            let ee = *eth == "C"
                                && rng.random_bool(
                                    ee_share * 0.55 / (1.0 - ee_share + ee_share * 0.55),
                                );
                            let mut r =
                                make_referral(rng, rid, band, ai, sex, eth, ee, imd, *qs, qe);
                            characteristics(&mut r);
                            pathway(rng, &r, &mut aid, extracted, &mut sv);
                            sv.referrals.push(r);
                        }
                    }
                }
            }
        }
    }
    close_referrals(&mut sv, extracted);
    add_defects(&mut sv);
    sv
}

#[allow(clippy::too_many_arguments)]
fn make_referral<R: Rng>(
    rng: &mut R,
    rid: u32,
    _band: &str,
    ai: usize,
    sex: &'static str,
    eth: &'static str,
    ee: bool,
    imd: i64,
    qs: NaiveDate,
    qe: NaiveDate,
) -> Referral {
    let (lo, hi) = AGE_RANGE[ai];
    let detail = if ee {
        Some(*pick(
            rng,
            &[
                ("Polish", 5.0),
                ("Romanian", 3.0),
                ("Lithuanian", 1.0),
                ("CP", 1.5),
                ("Latvian", 0.7),
                ("Slovak", 0.8),
                ("Bulgarian", 0.5),
            ],
        ))
    } else {
        None
    };
    let language: &'static str = if ee && rng.random_bool(0.35) {
        match detail {
            Some("Romanian") => "Romanian",
            _ => "Polish",
        }
    } else {
        match eth {
            "J" if rng.random_bool(0.3) => *pick(rng, &[("Urdu", 2.0), ("Punjabi", 1.0)]),
            "N" if rng.random_bool(0.3) => {
                *pick(rng, &[("Somali", 1.0), ("Arabic", 1.0), ("Tigrinya", 1.0)])
            }
            "R" if rng.random_bool(0.35) => *pick(rng, &[("Cantonese", 1.0), ("Mandarin", 1.0)]),
            _ => "English",
        }
    };
    let partner = *pick(rng, PROVIDERS);
    let span = (qe - qs).num_days() as u64;
    // Some partners' systems still write sex as M/F: the loader normalises it.
    let sex_code = if partner == "IESO" {
        if sex == "1" { "M" } else { "F" }
    } else {
        sex
    };
    Referral {
        id: format!("R{rid:07}"),
        person: format!("P{:07}", (u64::from(rid) * 104_729) % 9_999_991),
        partner,
        service_line: *pick(rng, &[("talking_therapies", 85.0), ("pcmh", 15.0)]),
        date: qs
            .checked_add_days(Days::new(rng.random_range(0..=span)))
            .unwrap(),
        source: *pick(
            rng,
            &[
                ("self", 45.0),
                ("gp", 40.0),
                ("other_professional", 10.0),
                ("other", 5.0),
            ],
        ),
        age: rng.random_range(lo..=hi),
        sex: sex_code,
        ethnic: eth,
        detail,
        disability: *pick(rng, &[("Y", 25.0), ("N", 60.0), ("Z", 15.0)]),
        imd,
        orientation: None,
        religion: None,
        language,
        interpreter: language != "English" && rng.random_bool(0.45),
        end: None,
        end_reason: None,
    }
}

fn priority(r: &Referral) -> bool {
    matches!(r.ethnic, "J" | "N" | "M" | "R") || r.detail.is_some() || r.age >= 65
}

/// Appointments and measures of one referral; only what happened by the extract date.
fn pathway<R: Rng>(
    rng: &mut R,
    r: &Referral,
    aid: &mut u32,
    extracted: NaiveDate,
    sv: &mut Services,
) {
    let pri = priority(r);
    let mut add = |sv: &mut Services,
                   date: NaiveDate,
                   kind: &'static str,
                   attendance: &'static str,
                   adapted: bool| {
        *aid += 1;
        if date <= extracted {
            sv.appointments.push(Appointment {
                id: format!("A{:08}", *aid),
                referral: r.id.clone(),
                date,
                kind,
                attendance,
                adapted,
                interpreter: r.interpreter && attendance == "attended",
            });
        }
    };
    let mut day = r
        .date
        .checked_add_days(Days::new(rng.random_range(3..=21)))
        .unwrap();
    let assessed = rng.random_bool(if pri { 0.76 } else { 0.83 });
    if !assessed {
        add(sv, day, "assessment", "dna", false);
        if rng.random_bool(0.5) {
            return;
        }
        day = day.checked_add_days(Days::new(14)).unwrap();
    }
    add(sv, day, "assessment", "attended", false);
    let phq0 = clamp(normal(rng, 15.5, 5.0), 27);
    let gad0 = clamp(normal(rng, 12.5, 4.0), 21);
    if day <= extracted {
        sv.measures.push(Measure {
            referral: r.id.clone(),
            date: day,
            phq9: Some(phq0),
            gad7: Some(gad0),
        });
    }
    if !rng.random_bool(if pri { 0.6 } else { 0.72 }) {
        return;
    }
    let wait_mean = if matches!(r.ethnic, "J" | "N") {
        50.0
    } else {
        36.0
    };
    let wait = (-wait_mean * (1.0 - rng.random::<f64>()).ln()).round() as u64 + 7;
    let mut date = r
        .date
        .checked_add_days(Days::new(wait))
        .unwrap()
        .max(day.succ_opt().unwrap());
    let sessions = 1 + (-(5.5f64) * (1.0 - rng.random::<f64>()).ln()).round() as usize;
    let sessions = sessions.min(20);
    let lift = if r.date >= ymd(IMPROVED_FROM) {
        IMPROVEMENT
    } else {
        0.0
    };
    let recovers = rng.random_bool(if pri { 0.44 } else { 0.52 } + lift);
    let (phq_end, gad_end) = if recovers {
        (rng.random_range(2..=8), rng.random_range(1..=6))
    } else {
        (
            clamp(phq0 as f64 * rng.random_range(0.6..1.15), 27),
            clamp(gad0 as f64 * rng.random_range(0.6..1.15), 21),
        )
    };
    let adapted = matches!(r.ethnic, "J" | "N" | "M" | "R") && rng.random_bool(0.15);
    let dna_p = if r.imd <= 2 { 0.13 } else { 0.09 };
    let mut attended = 0usize;
    for _ in 0..sessions {
        let attendance = *pick(
            rng,
            &[
                ("attended", 1.0 - dna_p - 0.06),
                ("dna", dna_p),
                ("cancelled_patient", 0.04),
                ("cancelled_provider", 0.02),
            ],
        );
        add(sv, date, "treatment", attendance, adapted);
        if attendance == "attended" {
            attended += 1;
            let f = attended as f64 / sessions as f64;
            let phq = clamp(
                phq0 as f64 + (phq_end - phq0) as f64 * f + normal(rng, 0.0, 1.0),
                27,
            );
            let gad = clamp(
                gad0 as f64 + (gad_end - gad0) as f64 * f + normal(rng, 0.0, 1.0),
                21,
            );
            if date <= extracted {
                // A few questionnaires come back with one score missing.
                let gad = if rng.random_bool(0.02) {
                    None
                } else {
                    Some(gad)
                };
                sv.measures.push(Measure {
                    referral: r.id.clone(),
                    date,
                    phq9: Some(phq),
                    gad7: gad,
                });
            }
        }
        date = date
            .checked_add_days(Days::new(rng.random_range(6..=10)))
            .unwrap();
        if attended == 1 && attendance == "attended" {
            date = date.checked_add_days(Days::new(hidden_wait(r))).unwrap();
        }
    }
}

/// A person's sexual orientation and religion as their referral records them, drawn
/// from their pseudonym rather than the shared random stream (so every other draw of
/// the sample stays as it was): mostly NHS monitoring codes, now and then a value that
/// is not one; religions shaped by ethnic group, some typed in another case, a few rare
/// ones, some not recorded.
fn characteristics(r: &mut Referral) {
    let h = fnv(&r.person);
    let o = (h % 1000) as f64 / 10.0;
    r.orientation = match o {
        x if x < 80.0 => Some("1"),
        x if x < 83.0 => Some("2"),
        x if x < 86.0 => Some("3"),
        x if x < 87.0 => Some("4"),
        x if x < 89.0 => Some("U"),
        x if x < 93.0 => Some("Z"),
        x if x < 99.7 => Some("9"),
        x if x < 99.9 => Some("straight"),
        _ => None,
    };
    let k = ((h / 1000) % 1000) as f64 / 10.0;
    let faiths: &[(&'static str, f64)] = match r.ethnic {
        "J" | "K" => &[("Muslim", 88.0), ("No religion", 6.0)],
        "H" => &[
            ("Sikh", 35.0),
            ("Hindu", 40.0),
            ("Muslim", 10.0),
            ("No religion", 8.0),
        ],
        "N" | "M" | "P" => &[("Christian", 65.0), ("Muslim", 12.0), ("No religion", 15.0)],
        "R" => &[
            ("No religion", 55.0),
            ("Buddhist", 20.0),
            ("Christian", 15.0),
        ],
        _ => &[
            ("No religion", 46.0),
            ("Christian", 38.0),
            ("christian", 2.0),
            ("Muslim", 3.0),
            ("Jewish", 0.8),
            ("Buddhist", 0.5),
            ("Pagan", 0.2),
            ("Jedi", 0.1),
        ],
    };
    let mut at = 0.0;
    r.religion = faiths
        .iter()
        .find(|(_, share)| {
            at += share;
            k < at
        })
        .map(|(f, _)| *f)
        .or(if k < 97.0 {
            Some("Other religion")
        } else {
            None
        });
}

/// Extra days some referrals wait between their first treatment session and the next
/// (the "hidden waits"), more often for the Pakistani and Black African referrals who
/// also wait longer to start: drawn from the referral's id rather than the shared
/// random stream, so every other draw of the sample stays as it was.
fn hidden_wait(r: &Referral) -> u64 {
    let h = fnv(&r.id);
    let per_thousand = if matches!(r.ethnic, "J" | "N") {
        150
    } else {
        70
    };
    if h % 1000 < per_thousand {
        // 15 to 134 days on top of the usual week
        15 + (h / 1000) % 120
    } else {
        0
    }
}

/// A referral ends 2 to 4 weeks after its last appointment, if that is before the extract.
fn close_referrals(sv: &mut Services, extracted: NaiveDate) {
    let mut last: std::collections::HashMap<&str, (NaiveDate, usize)> =
        std::collections::HashMap::new();
    for a in &sv.appointments {
        let e = last.entry(a.referral.as_str()).or_insert((a.date, 0));
        e.0 = e.0.max(a.date);
        if a.kind == "treatment" && a.attendance == "attended" {
            e.1 += 1;
        }
    }
    let ends: Vec<Option<(NaiveDate, usize)>> = sv
        .referrals
        .iter()
        .map(|r| last.get(r.id.as_str()).copied())
        .collect();
    for (r, info) in sv.referrals.iter_mut().zip(ends) {
        let (last_date, treated) = info.unwrap_or((r.date, 0));
        let offset = 14 + (r.id.as_bytes()[r.id.len() - 1] % 15) as u64;
        let end = last_date.checked_add_days(Days::new(offset)).unwrap();
        if end <= extracted {
            r.end = Some(end);
            r.end_reason = Some(match treated {
                0 => "not_suitable_or_declined",
                1 => "dropped_out",
                _ => "completed_treatment",
            });
        }
    }
}

/// The realistic defects a partner's extract carries.
fn add_defects(sv: &mut Services) {
    let n = sv.referrals.len();
    for i in [n / 7, n / 3, n / 2] {
        sv.referrals[i].ethnic = "XX"; // not a code
    }
    for i in [n / 5, n / 4 + 1, (2 * n) / 3, (3 * n) / 4] {
        sv.referrals[i].partner = "LYPTF"; // misspelt partner code
    }
    if let Some(m) = sv.measures.get_mut(11) {
        m.phq9 = Some(30); // out of range
    }
    if let Some(a) = sv.appointments.first() {
        let date = a.date;
        sv.appointments.push(Appointment {
            id: "A99999999".into(),
            referral: "R9999999".into(), // orphan: no such referral
            date,
            kind: "treatment",
            attendance: "attended",
            adapted: false,
            interpreter: false,
        });
    }
}
