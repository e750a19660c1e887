//! The two faces of Liberation Sans, built into the program: their metrics for wrapping
//! and right-aligning text, and the fixed names the pages refer to them by.

use printpdf::{FontId, ParsedFont};

use super::RenderError;

/// The two faces, built into the program (the licence is beside them).
const REGULAR_TTF: &[u8] =
    include_bytes!("../../../report_templates/fonts/LiberationSans-Regular.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../report_templates/fonts/LiberationSans-Bold.ttf");
/// Fixed resource names: printpdf would pick random ones, and the bytes must not vary.
const REGULAR_ID: &str = "LiberationSans";
const BOLD_ID: &str = "LiberationSans-Bold";

/// The two faces used: their metrics for wrapping and right-aligning, and the names
/// the pages refer to them by.
pub(super) struct Faces {
    pub(super) regular: ParsedFont,
    pub(super) bold: ParsedFont,
}

impl Faces {
    pub(super) fn load() -> Result<Faces, RenderError> {
        let parse = |bytes: &[u8], name: &'static str| {
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or(RenderError::Font(name))
        };
        Ok(Faces {
            regular: parse(REGULAR_TTF, "LiberationSans-Regular.ttf")?,
            bold: parse(BOLD_TTF, "LiberationSans-Bold.ttf")?,
        })
    }

    pub(super) fn id(bold: bool) -> FontId {
        FontId(if bold { BOLD_ID } else { REGULAR_ID }.to_string())
    }

    pub(super) fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.units(text, bold) / self.upem(bold) * size
    }

    pub(super) fn upem(&self, bold: bool) -> f32 {
        let f = if bold { &self.bold } else { &self.regular };
        f32::from(f.units_per_em.max(1))
    }

    /// The advance of `text` in font units: whole numbers, so sums of parts are exact
    /// and equal the width of the whole.
    pub(super) fn units(&self, text: &str, bold: bool) -> f32 {
        let f = if bold { &self.bold } else { &self.regular };
        let upem = self.upem(bold);
        text.chars()
            .map(|c| {
                f.lookup_glyph_index(c as u32)
                    .and_then(|g| f.get_glyph_width(g))
                    .map_or(0.5 * upem, f32::from)
            })
            .sum::<f32>()
    }

    /// Break `text` into lines no wider than `width`; a word longer than a line is
    /// split, never cut off. Each character is measured once, so the time is linear in
    /// the length of the text.
    pub(super) fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let upem = self.upem(bold);
        let fits = |units: f32| units / upem * size <= width;
        let space = self.units(" ", bold);
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut used = 0.0f32;
            for word in para.split_whitespace() {
                let w = self.units(word, bold);
                if line.is_empty() && fits(w) {
                    line.push_str(word);
                    used = w;
                    continue;
                }
                if !line.is_empty() && fits(used + space + w) {
                    line.push(' ');
                    line.push_str(word);
                    used += space + w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    used = 0.0;
                }
                if fits(w) {
                    line.push_str(word);
                    used = w;
                    continue;
                }
                for c in word.chars() {
                    let cw = self.units(c.encode_utf8(&mut [0; 4]), bold);
                    if !line.is_empty() && !fits(used + cw) {
                        lines.push(std::mem::take(&mut line));
                        used = 0.0;
                    }
                    line.push(c);
                    used += cw;
                }
            }
            lines.push(line);
        }
        lines
    }
}
