//! The data contract as data: datasets, their columns and types, how each column is
//! normalised, and the fixed code lists. Mirrors `docs/data-contract.md`.

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use std::sync::Arc;

/// Version of the contract this program reads.
pub const CONTRACT_VERSION: u32 = 1;

/// A column's logical type in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    Str,
    Date,
    Int,
    Double,
    Bool,
}

impl ColType {
    /// The Arrow type queries see after loading.
    pub fn arrow(self) -> DataType {
        match self {
            ColType::Str => DataType::Utf8,
            ColType::Date => DataType::Date32,
            ColType::Int => DataType::Int64,
            ColType::Double => DataType::Float64,
            ColType::Bool => DataType::Boolean,
        }
    }

    /// The SQL type used when casting.
    pub fn sql(self) -> &'static str {
        match self {
            ColType::Str => "VARCHAR",
            ColType::Date => "DATE",
            ColType::Int => "BIGINT",
            ColType::Double => "DOUBLE",
            ColType::Bool => "BOOLEAN",
        }
    }

    /// The contract's name for the type, used in messages.
    pub fn name(self) -> &'static str {
        match self {
            ColType::Str => "STRING",
            ColType::Date => "DATE",
            ColType::Int => "INT",
            ColType::Double => "DOUBLE",
            ColType::Bool => "BOOLEAN",
        }
    }

    /// Whether a file's Arrow type can be read as this contract type.
    pub fn accepts(self, found: &DataType) -> bool {
        use DataType::*;
        match (self, found) {
            (ColType::Str, Utf8 | LargeUtf8 | Utf8View) => true,
            (ColType::Str, Dictionary(_, v)) => matches!(**v, Utf8 | LargeUtf8 | Utf8View),
            (ColType::Date, Date32 | Date64 | Timestamp(_, _)) => true,
            (ColType::Int, Int8 | Int16 | Int32 | Int64) => true,
            (ColType::Double, Float32 | Float64) => true,
            (ColType::Bool, Boolean) => true,
            // What pandas and pyarrow write for a column empty throughout: read as all
            // missing (the scan casts it to the contract's type).
            (_, Null) => true,
            _ => false,
        }
    }
}

/// How a column's values are cleaned before queries see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Norm {
    /// Taken as it is.
    Keep,
    /// Trimmed and upper-cased; empty becomes null (codes such as `ethnic_category`).
    Upper,
    /// Trimmed and lower-cased; empty becomes null (`service_line`, `attendance`, ...).
    Lower,
    /// As `Upper`, with `M`/`Male` read as `1` and `F`/`Female` as `2`.
    Sex,
    /// Trimmed; empty becomes null (identifiers, free text).
    Trim,
}

/// One column of a dataset.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColType,
    pub required: bool,
    pub norm: Norm,
    /// The codes the data-quality check accepts (after cleaning), when it has a list:
    /// a value already one of them is taken as it is, without cleaning it again.
    pub codes: &'static [&'static str],
}

/// One dataset of the contract.
#[derive(Debug, Clone, Copy)]
pub struct Dataset {
    pub name: &'static str,
    pub required: bool,
    pub columns: &'static [Column],
}

impl Dataset {
    /// The column of that name, if the contract has one.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The schema queries see: every contract column with its loaded type.
    pub fn schema(&self) -> SchemaRef {
        Arc::new(Schema::new(
            self.columns
                .iter()
                .map(|c| Field::new(c.name, c.ty.arrow(), true))
                .collect::<Vec<_>>(),
        ))
    }
}

const fn col(name: &'static str, ty: ColType, required: bool, norm: Norm) -> Column {
    coded(name, ty, required, norm, &[])
}

/// A column whose data-quality check has a list of codes (`queries/quality/`).
const fn coded(
    name: &'static str,
    ty: ColType,
    required: bool,
    norm: Norm,
    codes: &'static [&'static str],
) -> Column {
    Column {
        name,
        ty,
        required,
        norm,
        codes,
    }
}

/// Sex as NHS data dictionary codes (`M`/`Male` and `F`/`Female` read as 1 and 2).
const SEX_CODES: &[&str] = &["1", "2", "9", "X"];
const DISABILITY_CODES: &[&str] = &["Y", "N", "Z"];

/// A board member's role (`board_role`): both the first two vote.
pub const BOARD_ROLES: &[&str] = &["executive", "non_executive", "non_voting"];

/// The staff-survey indicators `staff_survey` may carry: WRES 5-8 and WDES 4-9.
pub const SURVEY_INDICATORS: &[&str] = &[
    "wres5", "wres6", "wres7", "wres8", "wdes4a", "wdes4b", "wdes4c", "wdes4d", "wdes5", "wdes6",
    "wdes7", "wdes8", "wdes9a",
];

/// The staff groups a published survey result is given for, as the contract spells them
/// (read whatever their case).
pub const SURVEY_GROUPS: &[&str] = &["White", "BME", "Disabled", "Non-disabled", "All"];

use ColType::*;
use Norm::*;

/// Every dataset of the contract, in the order reports list them.
pub const DATASETS: &[Dataset] = &[
    Dataset {
        name: "staff_snapshot",
        required: true,
        columns: &[
            col("snapshot_date", Date, true, Keep),
            col("staff_id", Str, true, Trim),
            col("partner_org", Str, true, Upper),
            coded(
                "service_line",
                Str,
                true,
                Lower,
                &["talking_therapies", "pcmh", "shared"],
            ),
            col("job_role", Str, false, Trim),
            col("clinical", Bool, true, Keep),
            col("afc_band", Str, true, Upper),
            col("fte", Double, true, Keep),
            col("start_date", Date, false, Keep),
            col("age_years", Int, false, Keep),
            coded("sex", Str, true, Sex, SEX_CODES),
            col("ethnic_category", Str, true, Upper),
            col("ethnic_category_detail", Str, false, Upper),
            coded("disability", Str, true, Upper, DISABILITY_CODES),
            col("sexual_orientation", Str, false, Trim),
            col("religion", Str, false, Trim),
            col("board_member", Bool, false, Keep),
            coded("board_role", Str, false, Lower, BOARD_ROLES),
            col("hourly_pay", Double, false, Keep),
        ],
    },
    Dataset {
        name: "leavers",
        required: false,
        columns: &[
            col("staff_id", Str, true, Trim),
            col("partner_org", Str, true, Upper),
            col("leave_date", Date, true, Keep),
            col("leaving_reason", Str, false, Trim),
        ],
    },
    Dataset {
        name: "recruitment",
        required: false,
        columns: &[
            col("application_id", Str, true, Trim),
            col("vacancy_id", Str, false, Trim),
            col("partner_org", Str, true, Upper),
            col("afc_band", Str, false, Upper),
            col("application_date", Date, true, Keep),
            coded("sex", Str, false, Sex, SEX_CODES),
            col("ethnic_category", Str, false, Upper),
            coded("disability", Str, false, Upper, DISABILITY_CODES),
            col("shortlisted", Bool, true, Keep),
            col("appointed", Bool, true, Keep),
        ],
    },
    Dataset {
        name: "training",
        required: false,
        columns: &[
            col("staff_id", Str, true, Trim),
            col("course", Str, true, Lower),
            col("completed_date", Date, true, Keep),
            col("mandatory", Bool, true, Keep),
        ],
    },
    Dataset {
        name: "disciplinary",
        required: false,
        columns: &[
            col("case_id", Str, true, Trim),
            col("staff_id", Str, true, Trim),
            col("opened_date", Date, true, Keep),
        ],
    },
    Dataset {
        name: "mentoring",
        required: false,
        columns: &[
            col("staff_id", Str, true, Trim),
            col("programme", Str, true, Lower),
            col("matched_date", Date, true, Keep),
        ],
    },
    Dataset {
        name: "staff_survey",
        required: false,
        columns: &[
            col("partner_org", Str, true, Upper),
            col("survey_year", Int, true, Keep),
            coded("indicator", Str, true, Lower, SURVEY_INDICATORS),
            col("staff_group", Str, true, Trim),
            col("value_pct", Double, true, Keep),
            col("respondents", Int, false, Keep),
            col("source", Str, false, Trim),
        ],
    },
    Dataset {
        name: "referrals",
        required: true,
        columns: &[
            col("referral_id", Str, true, Trim),
            col("person_id", Str, true, Trim),
            col("partner_org", Str, false, Upper),
            coded(
                "service_line",
                Str,
                true,
                Lower,
                &["talking_therapies", "pcmh"],
            ),
            col("referral_date", Date, true, Keep),
            coded(
                "referral_source",
                Str,
                false,
                Lower,
                &["self", "gp", "other_professional", "other"],
            ),
            col("age_years", Int, true, Keep),
            coded("sex", Str, true, Sex, SEX_CODES),
            col("ethnic_category", Str, true, Upper),
            col("ethnic_category_detail", Str, false, Upper),
            coded("disability", Str, false, Upper, DISABILITY_CODES),
            col("sexual_orientation", Str, false, Trim),
            col("religion", Str, false, Trim),
            col("imd_decile", Int, false, Keep),
            col("first_language", Str, false, Trim),
            col("interpreter_required", Bool, false, Keep),
            col("end_date", Date, false, Keep),
            col("end_reason", Str, false, Trim),
        ],
    },
    Dataset {
        name: "appointments",
        required: true,
        columns: &[
            col("appointment_id", Str, true, Trim),
            col("referral_id", Str, true, Trim),
            col("appointment_date", Date, true, Keep),
            coded(
                "appointment_type",
                Str,
                true,
                Lower,
                &["assessment", "treatment", "other"],
            ),
            coded(
                "attendance",
                Str,
                true,
                Lower,
                &["attended", "dna", "cancelled_patient", "cancelled_provider"],
            ),
            col("culturally_adapted", Bool, false, Keep),
            col("interpreter_used", Bool, false, Keep),
        ],
    },
    Dataset {
        name: "measures",
        required: true,
        columns: &[
            col("referral_id", Str, true, Trim),
            col("measured_date", Date, true, Keep),
            col("phq9", Int, false, Keep),
            col("gad7", Int, false, Keep),
        ],
    },
    Dataset {
        name: "population",
        required: true,
        columns: &[
            col("period_start", Date, true, Keep),
            col("age_band", Str, true, Trim),
            coded("sex", Str, true, Sex, SEX_CODES),
            col("ethnic_category", Str, true, Upper),
            col("imd_decile", Int, false, Keep),
            col("registered", Int, true, Keep),
        ],
    },
];

/// The dataset of that name.
pub fn dataset(name: &str) -> Option<&'static Dataset> {
    DATASETS.iter().find(|d| d.name == name)
}

/// The words of a column name: split at separators and where lower case meets upper
/// case (`NHSNumber` -> nhs, number; `addressLine1` -> address, line, 1), lower-cased.
fn name_words(column: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let chars: Vec<char> = column.trim().chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let boundary = match prev {
            Some(p) if p.is_lowercase() && c.is_uppercase() => true,
            // the last capital of a run before a lower-case word: NHSNumber
            Some(p) if p.is_uppercase() && c.is_uppercase() => {
                next.is_some_and(|n| n.is_lowercase())
            }
            Some(p) if p.is_alphabetic() != c.is_alphabetic() => true,
            _ => false,
        };
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Which family of direct identifier a column name names, if any: a file carrying one
/// is refused. A name is compared by its words, whatever the case and separators
/// (`NHSNumber`, `nhs_no`, `Patient Name`, `e-mail address` and `DOB` all match); the
/// README's table lists the names of each family.
pub fn identifier_family(column: &str) -> Option<&'static str> {
    let words = name_words(column);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let joined = w.concat();
    let has = |x: &str| w.contains(&x);
    let person = [
        "first",
        "last",
        "full",
        "given",
        "family",
        "middle",
        "maiden",
        "patient",
        "person",
        "client",
        "christian",
        "preferred",
        "fore",
        "sur",
    ];
    let number = ["number", "no", "num", "nbr", "numb", "id"];
    if matches!(
        joined.as_str(),
        "nhsno" | "nhsnumber" | "nhsnum" | "nhsnbr" | "nhsid"
    ) || (has("nhs") && w.iter().any(|x| number.contains(x)) && !joined.contains("pseudo"))
    {
        Some("NHS number")
    } else if joined == "name"
        || joined == "names"
        || matches!(
            joined.as_str(),
            "forename" | "forenames" | "surname" | "fullname"
        )
        || (w.last().is_some_and(|l| *l == "name" || *l == "names")
            && w.iter().any(|x| person.contains(x)))
    {
        Some("a person's name")
    } else if joined == "dob"
        || w.first() == Some(&"dob")
        || has("birth")
        || joined.contains("dateofbirth")
        || joined.contains("birthdate")
        || joined.contains("birthday")
    {
        Some("date of birth")
    } else if joined.contains("email") {
        Some("e-mail address")
    } else if joined.contains("phone") || has("tel") || has("mobile") || has("telephone") {
        Some("telephone number")
    } else if joined.contains("postcode")
        || joined.contains("postalcode")
        || joined.contains("zipcode")
    {
        Some("postcode")
    } else if has("address") || joined.starts_with("addressline") || has("street") {
        Some("address")
    } else if joined == "nino" || joined.contains("nationalinsurance") || joined == "ninumber" {
        Some("National Insurance number")
    } else {
        None
    }
}

/// One ETHNIC CATEGORY code with its groupings.
#[derive(Debug, Clone, Copy)]
pub struct EthnicCode {
    pub code: &'static str,
    pub meaning: &'static str,
    pub group: &'static str,
    pub wres: &'static str,
}

const fn ec(
    code: &'static str,
    meaning: &'static str,
    group: &'static str,
    wres: &'static str,
) -> EthnicCode {
    EthnicCode {
        code,
        meaning,
        group,
        wres,
    }
}

/// NHS Data Dictionary ETHNIC CATEGORY (2001 census based).
pub const ETHNIC_CODES: &[EthnicCode] = &[
    ec("A", "White - British", "White", "White"),
    ec("B", "White - Irish", "White", "White"),
    ec("C", "White - Any other White background", "White", "White"),
    ec("D", "Mixed - White and Black Caribbean", "Mixed", "BME"),
    ec("E", "Mixed - White and Black African", "Mixed", "BME"),
    ec("F", "Mixed - White and Asian", "Mixed", "BME"),
    ec("G", "Mixed - Any other mixed background", "Mixed", "BME"),
    ec("H", "Asian or Asian British - Indian", "Asian", "BME"),
    ec("J", "Asian or Asian British - Pakistani", "Asian", "BME"),
    ec("K", "Asian or Asian British - Bangladeshi", "Asian", "BME"),
    ec(
        "L",
        "Asian or Asian British - Any other Asian background",
        "Asian",
        "BME",
    ),
    ec("M", "Black or Black British - Caribbean", "Black", "BME"),
    ec("N", "Black or Black British - African", "Black", "BME"),
    ec(
        "P",
        "Black or Black British - Any other Black background",
        "Black",
        "BME",
    ),
    ec("R", "Other - Chinese", "Other", "BME"),
    ec("S", "Other - Any other ethnic group", "Other", "BME"),
    ec("Z", "Not stated", "Unknown", "Unknown"),
    ec("99", "Not known", "Unknown", "Unknown"),
];

/// Agenda for Change bands with their cluster and whether they are Band 7 and above.
pub const AFC_BANDS: &[(&str, &str, bool)] = &[
    ("1", "Bands 1-4", false),
    ("2", "Bands 1-4", false),
    ("3", "Bands 1-4", false),
    ("4", "Bands 1-4", false),
    ("5", "Bands 5-7", false),
    ("6", "Bands 5-7", false),
    ("7", "Bands 5-7", true),
    ("8A", "Bands 8a-8b", true),
    ("8B", "Bands 8a-8b", true),
    ("8C", "Bands 8c-9 & VSM", true),
    ("8D", "Bands 8c-9 & VSM", true),
    ("9", "Bands 8c-9 & VSM", true),
    ("VSM", "Bands 8c-9 & VSM", true),
    ("OTHER", "Other", false),
];

/// Band clusters in the order documents show them.
pub const BAND_CLUSTERS: &[&str] = &[
    "Bands 1-4",
    "Bands 5-7",
    "Bands 8a-8b",
    "Bands 8c-9 & VSM",
    "Other",
];

/// Age bands of the population dataset.
pub const AGE_BANDS: &[&str] = &["17-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"];

/// The ethnic groups in report order.
pub const ETHNIC_GROUPS: &[&str] = &["White", "Mixed", "Asian", "Black", "Other", "Unknown"];

/// Every value each service-user breakdown is reported for, in report order, so a group
/// with no referrals still shows (as 0) rather than vanishing: (dimension, value).
pub fn breakdown_values(priority_groups: &[String]) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = Vec::new();
    v.extend(
        ETHNIC_GROUPS
            .iter()
            .map(|g| ("ethnic_group", g.to_string())),
    );
    v.extend(
        ETHNIC_CODES
            .iter()
            .filter(|c| c.group != "Unknown")
            .map(|c| ("ethnic_category", c.code.to_string())),
    );
    v.push(("ethnic_category", "Unknown".into()));
    v.extend(
        priority_groups
            .iter()
            .map(|g| ("priority_group", g.clone())),
    );
    v.extend(AGE_BANDS.iter().map(|b| ("age_band", b.to_string())));
    v.extend(["1", "2", "9", "X"].map(|x| ("sex", x.to_string())));
    v.extend(["Y", "N", "Z"].map(|x| ("disability", x.to_string())));
    v.extend(["1", "2", "3", "4", "5", "Unknown"].map(|x| ("imd_quintile", x.to_string())));
    v.extend(
        (1..=10)
            .map(|d| d.to_string())
            .chain(["Unknown".to_string()])
            .map(|x| ("imd_decile", x)),
    );
    v.extend(
        SEXUAL_ORIENTATION_CODES
            .iter()
            .map(|x| ("sexual_orientation", x.to_string())),
    );
    v.push(("sexual_orientation", "Unknown".into()));
    v
}

/// The NHS sexual orientation monitoring codes (docs/reports.md, "Groupings"): 1
/// heterosexual or straight, 2 gay or lesbian, 3 bisexual, 4 other, U does not know or is
/// not sure, Z not stated (asked, declined), 9 not known (not recorded).
pub const SEXUAL_ORIENTATION_CODES: &[&str] = &["1", "2", "3", "4", "U", "Z", "9"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_acceptance_follows_the_contract() {
        use arrow::datatypes::TimeUnit;
        assert!(ColType::Str.accepts(&DataType::Dictionary(
            Box::new(DataType::Int32),
            Box::new(DataType::Utf8)
        )));
        assert!(ColType::Date.accepts(&DataType::Timestamp(TimeUnit::Microsecond, None)));
        assert!(ColType::Int.accepts(&DataType::Int16));
        assert!(!ColType::Int.accepts(&DataType::UInt32));
        assert!(!ColType::Date.accepts(&DataType::Utf8));
        assert!(!ColType::Bool.accepts(&DataType::Int8));
    }

    #[test]
    fn identifiers_are_forbidden_whatever_the_case() {
        assert_eq!(identifier_family("NHS_Number"), Some("NHS number"));
        assert_eq!(identifier_family(" postcode "), Some("postcode"));
        assert_eq!(identifier_family("person_id"), None);
    }

    /// Forty names a partner's system might write for an identifier, each refused with
    /// its family; and not one column of the contract.
    #[test]
    fn identifier_names_are_refused_by_their_words() {
        let cases: &[(&str, &[&str])] = &[
            (
                "NHS number",
                &[
                    "NHSNumber",
                    "nhs_no",
                    "NHS No.",
                    "nhs-num",
                    "nhsno",
                    "NhsNumber",
                    "nhs_id",
                ],
            ),
            (
                "a person's name",
                &[
                    "patient_name",
                    "Name",
                    "FirstName",
                    "last name",
                    "full_name",
                    "forename",
                    "Surname",
                    "givenName",
                    "family-name",
                    "PersonName",
                ],
            ),
            (
                "date of birth",
                &[
                    "birth_date",
                    "DOB",
                    "date_of_birth",
                    "DateOfBirth",
                    "dob_dt",
                    "birthday",
                ],
            ),
            (
                "e-mail address",
                &["email_address", "E-mail", "EmailAddr", "email"],
            ),
            (
                "telephone number",
                &["telephone", "phone_number", "Mobile", "tel", "PhoneNo"],
            ),
            (
                "postcode",
                &["postcode", "Post Code", "postal_code", "ZipCode"],
            ),
            (
                "address",
                &["address_line_1", "AddressLine1", "home_address"],
            ),
            ("National Insurance number", &["nino"]),
        ];
        let mut n = 0;
        for (family, names) in cases {
            for name in *names {
                assert_eq!(identifier_family(name), Some(*family), "{name}");
                n += 1;
            }
        }
        assert_eq!(n, 40);
        for d in DATASETS {
            for c in d.columns {
                assert_eq!(identifier_family(c.name), None, "{}.{}", d.name, c.name);
            }
        }
        for fine in [
            "person_id",
            "staff_id",
            "referral_source",
            "job_role",
            "course_name",
        ] {
            assert_eq!(identifier_family(fine), None, "{fine}");
        }
    }
}
