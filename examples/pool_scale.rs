//! Pooled code at scale: commit a million 64-byte functions, call a sample, free every other
//! one, commit a tenth as many again into the freed space, and report memory.
//!
//! ```text
//! cargo run --release --example pool_scale -- [count]      # count defaults to 1,000,000
//! ```
//!
//! Memory is proportional resident memory (`Pss`, so a page seen through both of the pool's
//! views counts once): of the whole process, and of the pool's own mappings alone, to which the
//! pool's bookkeeping heap is added. `VmRSS` and `RssShmem` from /proc/self/status are shown too;
//! they count each pool page twice, once per view. The `CodeBuffer` values this program holds are reported
//! separately and not counted against the pool. The program checks its own targets and exits
//! with an error if one is missed:
//! - every sampled call returns its own value, every statistic adds up, nothing leaks;
//! - the recommitted functions land in freed space (the pool maps no more memory);
//! - pool memory ≤ 1.3 × the peak live code bytes + 4 MiB;
//! - freed-slot bookkeeping under 16 bytes per slot;
//! - the pool's mappings are at most two per chunk.

use std::time::Instant;

use jitkit::{CodeBuffer, CodePool, Instruction, PoolStats};

/// Memory figures read from /proc.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    /// Pss of the whole process, bytes.
    pub pss: usize,
    /// Pss of the pool's mappings, bytes.
    pub pool_pss: usize,
    /// Mappings in the process.
    pub mappings: usize,
    /// Mappings of the pool's memory file.
    pub pool_mappings: usize,
    /// `VmRSS` from /proc/self/status, bytes: it counts a page once per view that maps it.
    pub vm_rss: usize,
    /// `RssShmem` from /proc/self/status, bytes (the pool's pages, once per view).
    pub rss_shmem: usize,
}

/// What one run measured.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    /// Functions committed in the first round.
    pub count: usize,
    /// The process's memory before the first commit.
    pub before: Memory,
    /// At the peak: every function of the first round live.
    pub peak: Memory,
    /// After freeing every other function and recommitting into the freed space.
    pub after: Memory,
    /// The pool's own figures at the peak.
    pub peak_stats: PoolStats,
    /// The pool's own figures at the end.
    pub after_stats: PoolStats,
    /// Bytes the caller's own bookkeeping (the buffers' handles) takes.
    pub caller_bytes: usize,
    /// Mean time of one commit in the first round, in nanoseconds.
    pub commit_ns: f64,
    /// Mean time of one commit into freed space, in nanoseconds.
    pub recommit_ns: f64,
}

const NOP: u32 = 0xD503_201F;
const RET: u32 = 0xD65F_03C0;

/// 16 instructions (64 bytes) that return `value` (below 2^32).
fn function(value: u32) -> [Instruction; 16] {
    let mut code = [Instruction::new(NOP); 16];
    code[0] = Instruction::new(0xD280_0000 | (value & 0xFFFF) << 5); // movz x0, #lo
    code[1] = Instruction::new(0xF2A0_0000 | (value >> 16) << 5); // movk x0, #hi, lsl #16
    code[15] = Instruction::new(RET);
    code
}

/// Calls (on AArch64) or reads back (elsewhere) the function in `buf`.
fn check(buf: &CodeBuffer, value: u32) -> Result<(), String> {
    let entry = buf.entry().ok_or("a buffer lost its code")?;
    if entry.bytes() != Instruction::slice_as_bytes(&function(value)) {
        return Err(format!("function {value} holds other bytes"));
    }
    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: the code takes no argument and returns a u64; its buffer is alive.
        let f: extern "C" fn() -> u64 = unsafe { entry.as_fn() };
        if f() != u64::from(value) {
            return Err(format!("function {value} returned {}", f()));
        }
    }
    Ok(())
}

fn kib(line: &str) -> usize {
    line.split_whitespace()
        .nth(1)
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0)
        * 1024
}

/// Reads Pss and mapping counts from /proc/self/smaps.
pub fn memory() -> Memory {
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
    let mut m = Memory::default();
    let mut in_pool = false;
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('-') && !first.ends_with(':') {
            m.mappings += 1;
            in_pool = line.contains("jitkit-pool");
            m.pool_mappings += usize::from(in_pool);
        } else if first == "Pss:" {
            m.pss += kib(line);
            if in_pool {
                m.pool_pss += kib(line);
            }
        }
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    for line in status.lines() {
        if line.starts_with("VmRSS:") {
            m.vm_rss = kib(line);
        } else if line.starts_with("RssShmem:") {
            m.rss_shmem = kib(line);
        }
    }
    m
}

/// Runs the scenario with `count` functions (a tenth of them recommitted).
pub fn run(count: usize) -> Result<Report, String> {
    let count = count.max(10);
    let before = memory();
    let pool = CodePool::new().map_err(|e| e.to_string())?;
    let mut bufs: Vec<Option<CodeBuffer>> = Vec::with_capacity(count);
    let start = Instant::now();
    for i in 0..count {
        let buf = CodeBuffer::in_pool(&pool);
        buf.commit(&function(i as u32)).map_err(|e| e.to_string())?;
        bufs.push(Some(buf));
    }
    let commit_ns = start.elapsed().as_nanos() as f64 / count as f64;
    let step = (count / 1000).max(1);
    for i in (0..count).step_by(step) {
        check(bufs[i].as_ref().ok_or("missing")?, i as u32)?;
    }
    let peak = memory();
    let peak_stats = pool.stats();
    expect(
        peak_stats.live_functions == count,
        "live functions after commit",
    )?;
    expect(peak_stats.committed_bytes == count * 64, "committed bytes")?;

    for b in bufs.iter_mut().step_by(2) {
        *b = None;
    }
    let freed = pool.stats();
    expect(
        freed.live_functions == count - count.div_ceil(2),
        "live after free",
    )?;
    expect(freed.freed_bytes == count.div_ceil(2) * 64, "freed bytes")?;

    let again = count / 10;
    let start = Instant::now();
    for (k, slot) in bufs.iter_mut().step_by(2).take(again).enumerate() {
        let buf = CodeBuffer::in_pool(&pool);
        buf.commit(&function((count + k) as u32))
            .map_err(|e| e.to_string())?;
        *slot = Some(buf);
    }
    let recommit_ns = start.elapsed().as_nanos() as f64 / again as f64;
    for (k, slot) in bufs.iter().step_by(2).take(again).enumerate().step_by(step) {
        check(slot.as_ref().ok_or("missing")?, (count + k) as u32)?;
    }
    for i in (1..count).step_by(2).step_by(step) {
        check(bufs[i].as_ref().ok_or("missing")?, i as u32)?;
    }
    let after = memory();
    let after_stats = pool.stats();
    let caller_bytes = bufs.capacity() * std::mem::size_of::<Option<CodeBuffer>>();
    let live = count - count.div_ceil(2) + again;
    expect(after_stats.live_functions == live, "live after recommit")?;
    expect(
        after_stats.committed_bytes == live * 64,
        "committed after recommit",
    )?;
    expect(
        after_stats.mapped_bytes == peak_stats.mapped_bytes,
        "the recommitted functions did not land in freed space",
    )?;
    expect(
        after_stats.bookkeeping_bytes * 64 < 16 * after_stats.mapped_bytes,
        "bookkeeping of 16 bytes or more per 64-byte slot",
    )?;
    expect(
        after.pool_mappings <= 2 * after_stats.chunks,
        "more than two mappings per chunk",
    )?;
    // Pss is meaningful only where the kernel reports it (qemu-user shows none for the guest).
    if after.pool_pss > 0 {
        let limit = peak_stats.committed_bytes * 13 / 10 + (4 << 20);
        let used = after.pool_pss + after_stats.bookkeeping_bytes;
        expect(
            used <= limit,
            &format!("pool memory {used} exceeds 1.3 x code + 4 MiB = {limit}"),
        )?;
    }
    drop(bufs);
    let end = pool.stats();
    expect(
        end.live_functions == 0 && end.committed_bytes == 0,
        "leak after dropping all",
    )?;
    Ok(Report {
        count,
        before,
        peak,
        after,
        peak_stats,
        after_stats,
        caller_bytes,
        commit_ns,
        recommit_ns,
    })
}

fn expect(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(what.to_string())
    }
}

fn mib(b: usize) -> String {
    format!("{:.1} MiB", b as f64 / (1 << 20) as f64)
}

#[allow(dead_code)]
fn main() {
    let count = std::env::args()
        .nth(1)
        .map(|a| {
            a.replace(['_', ','], "")
                .parse()
                .expect("count must be a number")
        })
        .unwrap_or(1_000_000);
    let r = match run(count) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("pool_scale: FAILED: {e}");
            std::process::exit(1);
        }
    };
    let (p, a) = (r.peak_stats, r.after_stats);
    println!(
        "{} functions of 64 bytes; every other freed; {} recommitted",
        r.count,
        r.count / 10
    );
    println!(
        "commit: {:.0} ns each; recommit into freed space: {:.0} ns each",
        r.commit_ns, r.recommit_ns
    );
    println!("                        before      peak        after");
    println!(
        "process Pss          {:>10}  {:>10}  {:>10}",
        mib(r.before.pss),
        mib(r.peak.pss),
        mib(r.after.pss)
    );
    println!(
        "pool Pss             {:>10}  {:>10}  {:>10}",
        mib(r.before.pool_pss),
        mib(r.peak.pool_pss),
        mib(r.after.pool_pss)
    );
    let row = |name: &str, f: fn(&Memory) -> usize| {
        println!(
            "{name:<20} {:>10}  {:>10}  {:>10}",
            mib(f(&r.before)),
            mib(f(&r.peak)),
            mib(f(&r.after))
        )
    };
    row("VmRSS", |m| m.vm_rss);
    row("RssShmem (2 views)", |m| m.rss_shmem);
    println!(
        "mappings (process)   {:>10}  {:>10}  {:>10}",
        r.before.mappings, r.peak.mappings, r.after.mappings
    );
    println!(
        "mappings (pool)      {:>10}  {:>10}  {:>10}",
        r.before.pool_mappings, r.peak.pool_mappings, r.after.pool_mappings
    );
    println!(
        "live code                         {:>10}  {:>10}",
        mib(p.committed_bytes),
        mib(a.committed_bytes)
    );
    println!(
        "mapped                            {:>10}  {:>10}",
        mib(p.mapped_bytes),
        mib(a.mapped_bytes)
    );
    println!(
        "chunks                            {:>10}  {:>10}",
        p.chunks, a.chunks
    );
    println!(
        "pool bookkeeping                  {:>10}  {:>10}",
        mib(p.bookkeeping_bytes),
        mib(a.bookkeeping_bytes)
    );
    println!(
        "recycles / pages                  {:>10}  {:>4} / {}",
        p.recycles, a.recycles, a.recycled_pages
    );
    println!(
        "caller-held CodeBuffers (not counted): {}",
        mib(r.caller_bytes)
    );
    let used = r.after.pool_pss + a.bookkeeping_bytes;
    println!(
        "pool memory after (pool Pss + bookkeeping): {}; limit 1.3 x peak code + 4 MiB = {}",
        mib(used),
        mib(p.committed_bytes * 13 / 10 + (4 << 20))
    );
    println!(
        "  = {:.2} x peak live code, {:.2} x live code now (freed slots sit between live ones)",
        used as f64 / p.committed_bytes as f64,
        used as f64 / a.committed_bytes as f64
    );
    println!(
        "bookkeeping per slot: {:.2} bytes",
        a.bookkeeping_bytes as f64 / (a.mapped_bytes / 64) as f64
    );
    println!("all checks passed");
}
