//! hashflight's integration tests: one binary (one link step), modules by
//! area. Tests that run the simulator use the real binary in temp dirs.

mod consensus;
