//! The site's static files as `scripts/build.sh` wrote them: the JS glue, the wasm and
//! the stylesheet under `/pkg/`, each named after a hash of its content
//! (`shanqiao.3f2a….css`), so that browsers may keep them for a year. The hashes are in
//! `<site root>/hash.txt`, one `kind: hash` line each (`js`, `wasm`, `css`); without that
//! file (a site built by other means) the plain names are used.
//!
//! Pages load the bundle through [`island_loader`], which loads nothing at all on a page
//! without islands.

use std::sync::Arc;

/// The name of the manifest beside the site's files.
pub const MANIFEST: &str = "hash.txt";

/// The file names under `/pkg/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assets {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

impl Assets {
    /// The names a manifest gives (plain names for kinds it does not list).
    pub fn from_manifest(manifest: &str) -> Assets {
        let hash_of = |kind: &str| {
            manifest.lines().find_map(|line| {
                let (k, v) = line.split_once(':')?;
                let v = v.trim();
                let plausible = !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric());
                (k.trim() == kind && plausible).then(|| v.to_owned())
            })
        };
        let name = |kind: &str| match hash_of(kind) {
            Some(hash) => format!("shanqiao.{hash}.{kind}"),
            None => format!("shanqiao.{kind}"),
        };
        Assets {
            js: name("js"),
            wasm: name("wasm"),
            css: name("css"),
        }
    }

    /// The assets of the site at `site_root`, read once per process and root.
    #[cfg(feature = "ssr")]
    pub fn of_site(site_root: &str) -> Arc<Assets> {
        use std::collections::HashMap;
        use std::sync::{Mutex, OnceLock};
        static SITES: OnceLock<Mutex<HashMap<String, Arc<Assets>>>> = OnceLock::new();
        let sites = SITES.get_or_init(Default::default);
        let mut sites = match sites.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        sites
            .entry(site_root.to_owned())
            .or_insert_with(|| {
                let path = std::path::Path::new(site_root).join(MANIFEST);
                let manifest = std::fs::read_to_string(path).unwrap_or_default();
                Arc::new(Assets::from_manifest(&manifest))
            })
            .clone()
    }

    /// In the browser the server's names are not needed.
    #[cfg(not(feature = "ssr"))]
    pub fn of_site(_: &str) -> Arc<Assets> {
        Arc::new(Assets::from_manifest(""))
    }

    pub fn css_url(&self) -> String {
        format!("/pkg/{}", self.css)
    }

    /// The inline module script that hydrates the page's islands.
    pub fn island_loader(&self) -> String {
        // The file's comments are for its readers, not for every page.
        let code: String = include_str!("island_loader.js")
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .map(|line| format!("{}\n", line.trim()))
            .collect();
        format!(
            "{}({:?}, {:?});",
            code.trim_end().trim_end_matches(';'),
            format!("/pkg/{}", self.js),
            format!("/pkg/{}", self.wasm)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_hashes_of_the_manifest() {
        let assets = Assets::from_manifest("js: 0a1b\nwasm: 2c3d\ncss: 4e5f\n");
        assert_eq!(assets.js, "shanqiao.0a1b.js");
        assert_eq!(assets.wasm, "shanqiao.2c3d.wasm");
        assert_eq!(assets.css_url(), "/pkg/shanqiao.4e5f.css");
        let loader = assets.island_loader();
        assert!(loader.ends_with("(\"/pkg/shanqiao.0a1b.js\", \"/pkg/shanqiao.2c3d.wasm\");"));
        assert!(loader.contains("leptos-island"));
    }

    #[test]
    fn without_a_manifest_the_plain_names_are_used() {
        let assets = Assets::from_manifest("js: ../../etc\n");
        assert_eq!(assets.js, "shanqiao.js");
        assert_eq!(assets.css, "shanqiao.css");
    }
}
