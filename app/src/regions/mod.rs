//! Regions: the GB/T 2260 tree, and how a need's place is shown to the public
//! (never finer than its county).

#[cfg(feature = "ssr")]
mod directory;
#[cfg(feature = "ssr")]
pub use directory::RegionDirectory;
