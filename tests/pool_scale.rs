//! The scale example (`examples/pool_scale.rs`) in a reduced size, so every test run exercises
//! it: commit, call a sample, free every other one, recommit into the freed space, and meet
//! the memory, bookkeeping and mapping-count targets.

#[path = "../examples/pool_scale.rs"]
mod scale;

#[test]
fn pool_scale_reduced_meets_its_targets() {
    // Three full 1 MiB chunks of 64-byte slots: the recommits find no fresh space.
    const COUNT: usize = 3 * (1 << 20) / 64;
    let r = scale::run(COUNT).unwrap_or_else(|e| panic!("pool_scale failed: {e}"));
    assert_eq!(r.count, COUNT);
    assert_eq!(r.peak_stats.committed_bytes, COUNT * 64);
    assert_eq!(r.peak_stats.chunks, 3);
    assert_eq!(r.after_stats.live_functions, COUNT / 2 + COUNT / 10);
    assert_eq!(r.after_stats.mapped_bytes, r.peak_stats.mapped_bytes);
    assert!(r.after_stats.recycles >= 1);
    assert!(r.after.pool_mappings <= 2 * r.after_stats.chunks);
    assert!(r.caller_bytes > 0 && r.commit_ns > 0.0 && r.recommit_ns > 0.0);
    let _ = (r.before, r.peak, scale::memory());
}
