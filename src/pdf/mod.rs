//! Documents: the content model ([`model`]) and its layout as PDF ([`render`]).

pub mod model;
pub mod render;
