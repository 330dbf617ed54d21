//! Settings shared by the benchmarks.

use std::time::Duration;

use criterion::Criterion;

/// Short runs: the whole side-by-side comparison takes a few minutes on a 2-core machine, and
/// criterion's confidence intervals stay well under the differences being measured.
pub fn short() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
}
