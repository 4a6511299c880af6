//! The evaluator (in progress).
