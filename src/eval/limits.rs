//! Every bound the evaluator keeps, with its reason: templates are input, and one hostile
//! template must not take the scan's time or memory. Past a bound a value becomes unknown (or
//! a deployment opaque) and the scan goes on.

/// A loop or `range()` is expanded only up to this many elements; a longer one has unknown
/// elements.
pub const MAX_ELEMENTS: usize = 1000;

/// A deployment expands at most this many loop elements in all: nested loops multiply. Each
/// lambda application and each call of a user-defined function counts as one element, since
/// lambdas nest and functions call functions the same way.
pub const MAX_LOOP_ELEMENTS: usize = 100_000;

/// A deployment expands at most this many elements of module and resource loops (ARM
/// resource copies) in all: a module loop of 1,000 calling a module with a loop of 1,000
/// would deploy a million resources. Past it, a loop is judged through one element standing
/// for all of its elements, and the first such loop is reported.
pub const MAX_INSTANCES: usize = 10_000;

/// Variables, parameters and functions referring to each other are followed this deep, so a
/// long chain cannot exhaust the stack.
pub const MAX_REFERENCE_DEPTH: usize = 256;

/// A variable or parameter value heavier than this (see `Value::exceeds`) becomes unknown:
/// values that double from variable to variable stay cheap.
pub const MAX_VALUE_WEIGHT: usize = 100_000;

/// Modules and nested deployments nest at most this deep (a guard beside the cycle check).
pub const MAX_MODULE_DEPTH: usize = 32;

/// A deployment evaluates at most this many module calls: modules calling modules twice at
/// each level would otherwise take exponential time.
pub const MAX_MODULE_CALLS: usize = 2000;

// A value's trace keeps at most `model::MAX_TRACE` steps: a value passed through many
// variables and modules keeps where it started and where it ended, and a note for the steps
// between (`model::bound_trace`).

/// An unknown keeps at most this many values it may take (an `@allowed` set, ternary
/// branches); past it, it is a plain unknown.
pub const MAX_OPTIONS: usize = 16;

/// A file read by `loadTextContent()` and its kin is read only up to this size. Bicep's own
/// limits are lower (1,048,576 characters at most, `load.rs`), but a character may take four
/// bytes; a bigger file would not compile anyway.
pub const MAX_LOADED_FILE: u64 = 4 * 1024 * 1024;

/// A deployment evaluates at most this many calls of user-defined functions: functions that
/// each call the next twice would otherwise take exponential time.
pub const MAX_FUNCTION_CALLS: usize = 100_000;

/// `intersection()` and `distinct()` compare elements pairwise; past this many comparisons
/// the result is the symbolic call: arrays can grow to `MAX_VALUE_WEIGHT` elements.
pub const MAX_COMPARISONS: usize = 1_000_000;
