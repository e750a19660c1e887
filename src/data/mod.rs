//! Reading the extracts: finding and checking files ([`files`]), the DataFusion
//! session queries run in ([`session`]), and row-level data-quality counts ([`quality`]).

pub mod files;
pub mod quality;
pub mod session;
