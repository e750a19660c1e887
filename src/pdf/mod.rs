//! Documents: the content model ([`model`]), where each chart's marks stand
//! ([`geometry`]), its layout as PDF ([`render`]) and its HTML twin ([`html`]).

pub mod geometry;
pub mod html;
pub mod model;
pub mod render;

#[cfg(test)]
mod spc_chart_tests;
