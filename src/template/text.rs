//! One sentence of wording with its `{placeholders}`, parsed when the template loads.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::TemplateError;

/// The values a report fills its sentences with, by placeholder name.
pub type Vars = BTreeMap<&'static str, String>;

/// A sentence of a template: literal text and the placeholders between it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Placeholder(String),
}

impl Text {
    /// Parse `{name}`s (lower-case letters, digits and underscores) out of a sentence;
    /// a `{` that opens no such name stays text.
    pub fn parse(s: &str) -> Text {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            literal.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}').map(|close| (&after[..close], close)) {
                Some((name, close)) if is_name(name) => {
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Placeholder(name.to_string()));
                    rest = &after[close + 1..];
                }
                _ => {
                    literal.push('{');
                    rest = after;
                }
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Text { parts }
    }

    /// The names of its placeholders.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Placeholder(n) => Some(n.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// The sentence with its placeholders filled. A placeholder the code gives no value
    /// here is a program error (the template's names were checked when it loaded).
    pub fn fill(&self, vars: &Vars) -> Result<String, TemplateError> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Literal(s) => out.push_str(s),
                Part::Placeholder(name) => match vars.get(name.as_str()) {
                    Some(v) => out.push_str(v),
                    None => {
                        return Err(TemplateError::Unfilled {
                            name: name.clone(),
                            text: self.source(),
                        });
                    }
                },
            }
        }
        Ok(out)
    }

    /// The sentence as written, placeholders in braces.
    pub fn source(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Literal(s) => s.clone(),
                Part::Placeholder(n) => format!("{{{n}}}"),
            })
            .collect()
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Text::parse(&s))
    }
}

/// Fill every sentence of a list.
pub fn fill_all(texts: &[Text], vars: &Vars) -> Result<Vec<String>, TemplateError> {
    texts.iter().map(|t| t.fill(vars)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_parsed_once_and_filled() {
        let t = Text::parse("On {snapshot_date} there were {headcount} staff {in braces: no}.");
        assert_eq!(
            t.placeholders().collect::<Vec<_>>(),
            ["snapshot_date", "headcount"]
        );
        let mut v = Vars::new();
        v.insert("snapshot_date", "30 September 2026".into());
        v.insert("headcount", "120".into());
        assert_eq!(
            t.fill(&v).unwrap(),
            "On 30 September 2026 there were 120 staff {in braces: no}."
        );
        assert_eq!(
            t.source(),
            "On {snapshot_date} there were {headcount} staff {in braces: no}."
        );
        v.remove("headcount");
        assert_eq!(
            t.fill(&v).unwrap_err().to_string(),
            "template text \"On {snapshot_date} there were {headcount} staff {in braces: \
             no}.\": the program gives placeholder {headcount} no value here"
        );
        assert_eq!(Text::parse("a { b").fill(&v).unwrap(), "a { b");
    }
}
