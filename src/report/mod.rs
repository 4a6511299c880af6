//! Reporters (in progress).
