//! Fewer glibc malloc arenas, and large blocks given back.
//!
//! glibc gives a thread that allocates while another holds the main arena an arena of
//! its own (up to eight per core), and keeps what was freed in each. This server has
//! many threads that allocate (the async workers, SQLite's connection threads, the
//! blocking pool, tantivy's indexing), so its resident memory grew with the number of
//! arenas, not with its work. glibc also raises its mmap threshold to the size of the
//! largest block freed (up to 32 MiB): after one 19 MiB password hash, every large block
//! (tantivy's indexing memory above all) came from the arenas and stayed there. Measured
//! after indexing 100,000 needs on SQLite (docs/BENCHMARKS.md): 256 MiB peak as glibc
//! starts, 198 MiB with two arenas, 178 MiB with two arenas and a fixed 4 MiB threshold.
//!
//! Both are glibc variables read only when the process starts, and setting them from
//! inside (`mallopt`) would need `unsafe`, which this workspace forbids; so `serve`
//! starts itself again, in place (`exec`: the same process id, arguments and
//! environment), with them set. An operator's own values are kept.

/// What `serve` runs with unless told otherwise.
pub const SETTINGS: [(&str, &str); 2] = [
    ("MALLOC_ARENA_MAX", "2"),
    // Blocks of 4 MiB and more are mapped on their own and unmapped when freed.
    ("MALLOC_MMAP_THRESHOLD_", "4194304"),
];

/// Replaces this process with itself started with [`SETTINGS`], when one of them is not
/// set yet; returns (and the process carries on as it is) when that cannot be done.
pub fn cap_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        let missing: Vec<_> = SETTINGS
            .iter()
            .filter(|(name, _)| std::env::var_os(name).is_none())
            .collect();
        if missing.is_empty() {
            return;
        }
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let mut args = std::env::args_os();
        let arg0 = args.next().unwrap_or_else(|| exe.clone().into_os_string());
        let mut command = std::process::Command::new(&exe);
        command.arg0(arg0).args(args);
        for (name, value) in missing {
            command.env(name, value);
        }
        // `exec` only comes back when it failed (the binary replaced or removed since).
        let err = command.exec();
        eprintln!("note: running with glibc's default malloc settings ({err})");
    }
}
