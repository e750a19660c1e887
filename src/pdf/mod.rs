//! Documents: the content model ([`model`]), its layout as PDF ([`render`]) and its
//! HTML twin ([`html`]).

pub mod html;
pub mod model;
pub mod render;
