//! Reading the settings: the built-in defaults, a site file laid over them, then
//! `EQUITY_REPORTS__SECTION__KEY` variables of the environment, checked as a whole.

use std::path::Path;

use super::check::check_settings;
use super::{ConfigError, DEFAULT_TOML, ENV_PREFIX, Settings};

/// Load the defaults, lay `file` over them, then the environment.
pub fn load_settings(file: Option<&Path>) -> Result<Settings, ConfigError> {
    let env: Vec<(String, String)> = std::env::vars().collect();
    load_settings_from(file, &env)
}

/// As [`load_settings`], with the environment passed in (for tests).
pub fn load_settings_from(
    file: Option<&Path>,
    env: &[(String, String)],
) -> Result<Settings, ConfigError> {
    let mut value = parse_toml(DEFAULT_TOML, "config/default.toml")?;
    let mut origin = "config/default.toml".to_string();
    if let Some(path) = file {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            cause: source,
        })?;
        let site = parse_toml(&text, &path.display().to_string())?;
        merge(&mut value, site);
        origin = format!("{} over the defaults", path.display());
    }
    let mut from_env = false;
    for (name, raw) in env {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let keys: Vec<String> = rest.split("__").map(|k| k.to_lowercase()).collect();
        set_path(&mut value, &keys, env_value(raw)).map_err(|message| ConfigError::Key {
            key: keys.join("."),
            origin: format!("environment variable {name}"),
            message,
        })?;
        from_env = true;
    }
    if from_env {
        origin = format!("{origin} and the environment");
    }
    let digest = {
        use sha2::Digest;
        format!("{:x}", sha2::Sha256::digest(value.to_string().as_bytes()))
    };
    let mut settings: Settings = serde_path_to_error::deserialize(value).map_err(|e| {
        let key = e.path().to_string();
        ConfigError::Key {
            key,
            origin: origin.clone(),
            message: e.into_inner().to_string(),
        }
    })?;
    check_settings(&settings).map_err(|(key, message)| ConfigError::Key {
        key,
        origin: origin.clone(),
        message,
    })?;
    settings.digest = digest;
    settings.origin = origin;
    Ok(settings)
}

pub(super) fn parse_toml(text: &str, path: &str) -> Result<toml::Value, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError::Parse {
        path: path.to_string(),
        message: e.to_string(),
    })
}

/// An environment value is read as a TOML value where it is one (`2525`, `["a"]`),
/// otherwise as a string.
pub(super) fn env_value(raw: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_string()))
}

pub(super) fn set_path(
    root: &mut toml::Value,
    keys: &[String],
    v: toml::Value,
) -> Result<(), String> {
    let mut cur = root;
    for (i, k) in keys.iter().enumerate() {
        let table = cur
            .as_table_mut()
            .ok_or_else(|| format!("`{}` is not a section", keys[..i].join(".")))?;
        if i + 1 == keys.len() {
            table.insert(k.clone(), v);
            return Ok(());
        }
        cur = table
            .entry(k.clone())
            .or_insert_with(|| toml::Value::Table(Default::default()));
    }
    Err("empty key".into())
}

/// Tables merge key by key; anything else (arrays included) is replaced.
pub(super) fn merge(base: &mut toml::Value, over: toml::Value) {
    match (base, over) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}
