//! The embedded fonts cut down to the glyphs the document draws. printpdf embeds each
//! font whole (it subsets only with its text-layout engine), which made the two faces
//! 425 KB of a 513 KB report. The page text addresses glyphs by their id in the whole
//! font (`/Identity-H`); the subset renumbers them, so a `/CIDToGIDMap` sends each id to
//! its new glyph and nothing on the pages, in the widths or in the text map changes.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;

/// Subset every Type0 font of the document to the glyphs its pages show.
pub(super) fn subset_fonts(doc: &mut Document) -> Result<(), String> {
    let used = glyphs_used(doc)?;
    for (font, glyphs) in used {
        subset_one(doc, font, &glyphs)?;
    }
    Ok(())
}

/// The glyph ids each font shows, from every page's text operators.
fn glyphs_used(doc: &Document) -> Result<BTreeMap<ObjectId, BTreeSet<u16>>, String> {
    let err = |e: lopdf::Error| e.to_string();
    let mut used: BTreeMap<ObjectId, BTreeSet<u16>> = BTreeMap::new();
    for (_, page) in doc.get_pages() {
        // the page's font names and the font objects they stand for, from its own
        // resources and those it refers to
        let (own, referred) = doc.get_page_resources(page).map_err(err)?;
        let mut resources: Vec<&Dictionary> = own.into_iter().collect();
        resources.extend(
            referred
                .iter()
                .filter_map(|id| doc.get_dictionary(*id).ok()),
        );
        let mut by_name: BTreeMap<Vec<u8>, ObjectId> = BTreeMap::new();
        for r in resources {
            let fonts = match r.get(b"Font") {
                Ok(Object::Dictionary(d)) => Some(d),
                Ok(Object::Reference(id)) => doc.get_dictionary(*id).ok(),
                _ => None,
            };
            for (k, v) in fonts.into_iter().flat_map(|d| d.iter()) {
                if let Ok(id) = v.as_reference() {
                    by_name.insert(k.clone(), id);
                }
            }
        }
        if by_name.is_empty() {
            continue;
        }
        let content = Content::decode(&doc.get_page_content(page)).map_err(err)?;
        let mut current: Option<ObjectId> = None;
        for op in &content.operations {
            match op.operator.as_str() {
                "Tf" => {
                    current = op
                        .operands
                        .first()
                        .and_then(|n| n.as_name().ok())
                        .and_then(|n| by_name.get(n).copied());
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    let Some(font) = current else { continue };
                    let set = used.entry(font).or_default();
                    for o in &op.operands {
                        let strings: Vec<&[u8]> = match o {
                            Object::String(s, _) => vec![s],
                            Object::Array(a) => a.iter().filter_map(|x| x.as_str().ok()).collect(),
                            _ => vec![],
                        };
                        for s in strings {
                            set.extend(s.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(used)
}

/// Replace one Type0 font's program with its subset, map each old id to its new glyph,
/// and tag its name as a subset's (ISO 32000-1 §9.9.2).
fn subset_one(doc: &mut Document, font: ObjectId, glyphs: &BTreeSet<u16>) -> Result<(), String> {
    let err = |e: lopdf::Error| e.to_string();
    let type0 = doc.get_dictionary(font).map_err(err)?;
    if type0
        .get(b"Subtype")
        .and_then(Object::as_name)
        .map_err(err)?
        != b"Type0"
    {
        return Ok(());
    }
    // the CID font: inline in the array, as printpdf writes it, or referred to
    let cid_font = cid_font_of(doc, font).ok_or("a Type0 font without its CID font")?;
    let descriptor = cid_font
        .get(b"FontDescriptor")
        .and_then(Object::as_reference)
        .map_err(err)?;
    let file = doc
        .get_dictionary(descriptor)
        .and_then(|d| d.get(b"FontFile2"))
        .and_then(Object::as_reference)
        .map_err(err)?;
    let program = doc
        .get_object(file)
        .and_then(Object::as_stream)
        .map_err(err)?;
    let whole = program
        .decompressed_content()
        .unwrap_or_else(|_| program.content.clone());
    let used: Vec<u16> = glyphs.iter().copied().collect();
    let mapper = GlyphRemapper::new_from_glyphs_sorted(&used);
    let subset =
        subsetter::subset(&whole, 0, &mapper).map_err(|e| format!("subsetting a font: {e}"))?;
    // old glyph id (the CID on the page) -> new glyph, two bytes each
    let last = used.last().copied().unwrap_or(0);
    let mut map = Vec::with_capacity((usize::from(last) + 1) * 2);
    for cid in 0..=last {
        map.extend(mapper.get(cid).unwrap_or(0).to_be_bytes());
    }
    let mut map = Stream::new(Dictionary::new(), map);
    let _ = map.compress();
    let map = doc.add_object(Object::Stream(map));
    let mut program = Stream::new(
        Dictionary::from_iter([("Length1", Object::Integer(subset.len() as i64))]),
        subset,
    );
    let _ = program.compress();
    doc.objects.insert(file, Object::Stream(program));
    // the tag: six capitals from the glyphs, the same for the same document
    let digest = Sha256::digest(
        used.iter()
            .flat_map(|g| g.to_be_bytes())
            .collect::<Vec<u8>>(),
    );
    let tag: String = digest[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect();
    let tagged = |d: &mut Dictionary, key: &[u8]| {
        if let Ok(name) = d.get(key).and_then(Object::as_name) {
            let name = [format!("{tag}+").as_bytes(), name].concat();
            d.set(key, Object::Name(name));
        }
    };
    tagged(
        doc.get_object_mut(descriptor)
            .and_then(Object::as_dict_mut)
            .map_err(err)?,
        b"FontName",
    );
    let type0 = doc
        .get_object_mut(font)
        .and_then(Object::as_dict_mut)
        .map_err(err)?;
    tagged(type0, b"BaseFont");
    let referred = match type0.get_mut(b"DescendantFonts").map_err(err)? {
        Object::Array(a) => match a.first_mut() {
            Some(Object::Dictionary(d)) => {
                tagged(d, b"BaseFont");
                d.set("CIDToGIDMap", Object::Reference(map));
                None
            }
            Some(Object::Reference(id)) => Some(*id),
            _ => None,
        },
        _ => None,
    };
    if let Some(id) = referred {
        let d = doc
            .get_object_mut(id)
            .and_then(Object::as_dict_mut)
            .map_err(err)?;
        tagged(d, b"BaseFont");
        d.set("CIDToGIDMap", Object::Reference(map));
    }
    Ok(())
}

/// The CID font of a Type0 font, inline or referred to.
fn cid_font_of(doc: &Document, font: ObjectId) -> Option<Dictionary> {
    let first = match doc
        .get_dictionary(font)
        .ok()?
        .get(b"DescendantFonts")
        .ok()?
    {
        Object::Array(a) => a.first()?.clone(),
        Object::Reference(id) => doc.get_object(*id).ok()?.as_array().ok()?.first()?.clone(),
        _ => return None,
    };
    match first {
        Object::Dictionary(d) => Some(d),
        Object::Reference(id) => doc.get_dictionary(id).ok().cloned(),
        _ => None,
    }
}
