mod cli;

fn main() -> std::process::ExitCode {
    large_blocks_returned();
    // The only place the clock is read: everything else takes `today` as a parameter.
    cli::run(chrono::Local::now().date_naive())
}

/// glibc maps a block of 128 KiB or more on its own and unmaps it when freed, but raises that
/// size to the largest mapped block freed so far (up to 32 MiB). Once the look-up tables of a
/// large register (4 MiB at 100,000 areas) are freed, blocks up to their size come from the
/// heap, which freeing does not shrink: `check` on such a register held 3 to 4 MB more than it
/// used. Fixed at the default, every large block goes back to the system when freed (measured
/// in docs/performance.md; no change in CPU time).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn large_blocks_returned() {
    use std::ffi::c_int;
    // From glibc's <malloc.h>.
    const M_MMAP_THRESHOLD: c_int = -3;
    unsafe extern "C" {
        // Sets one of malloc's parameters; it touches no memory of the caller.
        safe fn mallopt(param: c_int, value: c_int) -> c_int;
    }
    // (It fails only for a parameter or value glibc does not know; malloc then keeps its own.)
    let _ = mallopt(M_MMAP_THRESHOLD, 128 * 1024);
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn large_blocks_returned() {}
