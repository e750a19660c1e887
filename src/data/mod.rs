//! Reading the extracts: finding and checking files ([`files`], or [`remote`] for an
//! `s3://` data root, both filling an [`inventory`]), the DataFusion session queries run in ([`session`]), and
//! row-level data-quality counts ([`quality`]).

pub mod engine;
pub mod files;
pub mod id_hash;
pub mod inventory;
pub mod nhs_numbers;
pub mod quality;
pub mod query;
pub mod reference;
pub mod remote;
pub mod repeated_values;
pub mod second_smallest;
pub mod session;
pub mod tables;
pub mod views;
