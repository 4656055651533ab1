//! hashflight's integration tests: one binary (one link step), modules by
//! area. Tests of the command line run the real binary in temp dirs.

mod checks;
mod cli;
mod consensus;
mod docs;
mod economics;
mod extremes;
mod golden;
mod measures;
mod properties;
mod scenarios;
mod statistics;
mod support;
mod sweep;
mod validation;
