//! pgguard: a static security analyzer for Azure Database for PostgreSQL in Bicep and ARM
//! templates. The pipeline, one module per stage: parse (`syntax`) → `model` → evaluate (`eval`)
//! → `rules` → `report`; `scan` runs it over files.

// Templates are hostile input: no code of ours reads them through `unsafe`.
#![forbid(unsafe_code)]

pub mod config;
pub mod eval;
pub mod model;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod span;
pub mod suppress;
pub mod syntax;
pub mod workspace;
