//! pgguard: a static security analyzer for Azure Database for PostgreSQL in Bicep and ARM
//! templates. The pipeline, one module per stage: parse (`syntax`) → model → evaluate → rules →
//! report; `scan` runs it over files.

pub mod span;
pub mod syntax;
