mod cli;

fn main() -> std::process::ExitCode {
    large_blocks_returned();
    // The only place the clock is read: everything else takes `today` as a parameter.
    cli::run(chrono::Local::now().date_naive())
}

/// glibc maps a block of 128 KiB or more on its own and unmaps it when freed, but raises that
/// size to the largest mapped block freed so far (up to 32 MiB on 64 bits), and the size past
/// which it trims the heap's top with it. Once the look-up tables of a large register (4 MiB at
/// 100,000 areas) are freed, blocks up to their size come from the heap and stay with it:
/// `check` on such a register held 3 to 4 MB more than it used. Fixed at the default, every large
/// block goes back to the system when freed (docs/performance.md, the seventh pass; no change
/// in CPU time). A threshold the user set (`MALLOC_MMAP_THRESHOLD_`, `GLIBC_TUNABLES`) is left
/// as it is.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn large_blocks_returned() {
    use std::ffi::c_int;
    // From glibc's <malloc.h>.
    const M_MMAP_THRESHOLD: c_int = -3;
    unsafe extern "C" {
        fn mallopt(param: c_int, value: c_int) -> c_int;
    }
    let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_some() || tunables.contains("mmap_threshold") {
        return;
    }
    // SAFETY: called first thing in `main`, before any other thread runs (glibc's malloc
    // settings must not change while another thread allocates). It fails only for a parameter
    // or value glibc does not know; malloc then keeps its own.
    let _ = unsafe { mallopt(M_MMAP_THRESHOLD, 128 * 1024) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn large_blocks_returned() {}
