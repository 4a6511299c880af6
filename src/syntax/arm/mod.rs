//! ARM JSON templates and parameter files (in progress).
