//! `validate`: the contract check per dataset, printed for the person who supplied
//! the extract. Exit code 0 clean, 1 row-level problems only, 2 structural errors.

use std::fmt::Write;
use std::path::Path;

use chrono::NaiveDate;

use crate::config::Settings;
use crate::contract::DATASETS;
use crate::data::files::find_datasets;
use crate::data::inventory::StructuralError;
use crate::data::quality::check_quality;
use crate::data::session::{RunDates, open_session};

/// The printed check and its exit code.
pub struct Validation {
    pub text: String,
    pub exit_code: u8,
}

/// Check every dataset under `root`.
pub async fn validate(
    settings: &Settings,
    root: &Path,
    as_of: NaiveDate,
) -> anyhow::Result<Validation> {
    let all: Vec<&str> = DATASETS.iter().map(|d| d.name).collect();
    let inv = find_datasets(root, &all).await;
    let mut text = String::new();
    writeln!(text, "Data root: {}", root.display())?;
    if !inv.errors.is_empty() {
        writeln!(
            text,
            "\nStructural errors (the run cannot use these extracts):"
        )?;
        for e in &inv.errors {
            writeln!(text, "  - {e}")?;
        }
    }
    let quality = if inv.errors.is_empty() {
        let session = open_session(&inv, settings).await?;
        Some(
            check_quality(
                &session,
                &all,
                &RunDates::new(&settings.quality, as_of, None),
            )
            .await?,
        )
    } else {
        None
    };
    let mut row_problems = 0u64;
    for ds in DATASETS {
        writeln!(text)?;
        let refused = inv
            .errors
            .iter()
            .filter(|e| e.dataset() == Some(ds.name))
            .filter(|e| !matches!(e, StructuralError::Missing { .. }))
            .count();
        match inv.found.get(ds.name) {
            // There, but refused: say so, not "missing".
            None if refused > 0 => writeln!(
                text,
                "{}: REFUSED ({refused} structural error(s), listed above)",
                ds.name
            )?,
            None if ds.required => writeln!(text, "{}: MISSING (required)", ds.name)?,
            None => writeln!(text, "{}: not supplied (optional)", ds.name)?,
            Some(f) => {
                writeln!(
                    text,
                    "{}: {} file(s), {} rows",
                    ds.name,
                    f.files.len(),
                    f.rows()
                )?;
                for w in &f.warnings {
                    writeln!(text, "  warning: {w}")?;
                }
                if let Some(q) = &quality {
                    let n = q.problems_in(ds.name);
                    row_problems += n;
                    if n == 0 {
                        writeln!(text, "  no row-level problems")?;
                    }
                    for p in q.problems.iter().filter(|p| p.dataset == ds.name) {
                        let value = p
                            .value
                            .as_deref()
                            .map(|v| format!(" {v:?}"))
                            .unwrap_or_default();
                        writeln!(
                            text,
                            "  {:>7} row(s)  {}: {}{}  [partner {}]",
                            p.rows, p.column, p.problem, value, p.partner_org
                        )?;
                    }
                }
            }
        }
    }
    let exit_code = if !inv.errors.is_empty() {
        2
    } else if row_problems > 0 {
        1
    } else {
        0
    };
    writeln!(
        text,
        "\nResult: {}",
        match exit_code {
            0 => "clean".to_string(),
            1 => format!(
                "{row_problems} row-level problem(s); the extracts can be used and the problems are counted on each report's data-quality page"
            ),
            _ => format!("{} structural error(s)", inv.errors.len()),
        }
    )?;
    Ok(Validation { text, exit_code })
}
