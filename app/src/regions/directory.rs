//! An in-memory copy of the region tree, loaded once at start-up: region names never
//! change while the server runs, and every public page shows some.

use crate::entities::region;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};
use std::collections::HashMap;

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    parent: Option<String>,
}

/// Region names by code, with their parents.
#[derive(Debug, Default, Clone)]
pub struct RegionDirectory {
    entries: HashMap<String, Entry>,
}

/// Names the dataset gives to the placeholder "cities" of municipalities and of
/// directly administered counties; they add nothing to a reader.
const PSEUDO_CITIES: &[&str] = &[
    "市辖区",
    "县",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
];

impl RegionDirectory {
    pub async fn load(db: &DatabaseConnection) -> Result<Self, DbErr> {
        let rows = region::Entity::find().all(db).await?;
        Ok(Self::from_rows(
            rows.into_iter().map(|r| (r.code, r.name, r.parent_code)),
        ))
    }

    pub fn from_rows(rows: impl IntoIterator<Item = (String, String, Option<String>)>) -> Self {
        let entries = rows
            .into_iter()
            .map(|(code, name, parent)| (code, Entry { name, parent }))
            .collect();
        RegionDirectory { entries }
    }

    pub fn name(&self, code: &str) -> Option<&str> {
        self.entries.get(code).map(|e| e.name.as_str())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every province and city (not counties), sorted by code, labelled with their
    /// path: `("220100", "吉林省 · 长春市")`.
    pub fn provinces_and_cities(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = self
            .entries
            .iter()
            .filter(|(code, e)| {
                code.len() == 6 && code.ends_with("00") && !PSEUDO_CITIES.contains(&e.name.as_str())
            })
            .map(|(code, _)| (code.clone(), self.display(code)))
            .collect();
        rows.sort();
        rows
    }

    /// Whether `code` is a known county-level region.
    pub fn is_county(&self, code: &str) -> bool {
        code.len() == 6 && !code.ends_with("00") && self.entries.contains_key(code)
    }

    /// The counties inside any of `scopes`, sorted by code and labelled with their path.
    pub fn counties_within(&self, scopes: &[crate::domain::RegionCode]) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = self
            .entries
            .keys()
            .filter(|code| self.is_county(code))
            .filter(|code| {
                crate::domain::RegionCode::parse(code)
                    .is_ok_and(|c| scopes.iter().any(|s| s.contains(&c)))
            })
            .map(|code| (code.clone(), self.display(code)))
            .collect();
        rows.sort();
        rows
    }

    /// Names from the province down to `code`, skipping placeholder cities:
    /// `["吉林省", "长春市", "农安县"]`.
    pub fn path(&self, code: &str) -> Vec<&str> {
        let mut names = Vec::new();
        let mut cursor = Some(code);
        while let Some(current) = cursor {
            let Some(entry) = self.entries.get(current) else {
                break;
            };
            if !PSEUDO_CITIES.contains(&entry.name.as_str()) {
                names.push(entry.name.as_str());
            }
            cursor = entry.parent.as_deref();
        }
        names.reverse();
        names
    }

    /// The regions one level below `parent` (the provinces when `None`), down to
    /// counties, sorted by code: a placeholder city (`市辖区`) is looked through, so
    /// Beijing's children are its districts.
    pub fn children(&self, parent: Option<&str>) -> Vec<(String, String)> {
        let mut rows = Vec::new();
        let mut stack: Vec<Option<&str>> = vec![parent];
        while let Some(p) = stack.pop() {
            for (code, e) in &self.entries {
                if e.parent.as_deref() != p || code.len() != 6 {
                    continue;
                }
                if PSEUDO_CITIES.contains(&e.name.as_str()) {
                    stack.push(Some(code.as_str()));
                } else {
                    rows.push((code.clone(), e.name.clone()));
                }
            }
        }
        rows.sort();
        rows
    }

    /// `(code, name)` from the province down to `code`, skipping placeholder cities.
    pub fn lineage(&self, code: &str) -> Vec<(String, String)> {
        let mut rows = Vec::new();
        let mut cursor = Some(code);
        while let Some(current) = cursor {
            let Some(entry) = self.entries.get(current) else {
                break;
            };
            if !PSEUDO_CITIES.contains(&entry.name.as_str()) {
                rows.push((current.to_owned(), entry.name.clone()));
            }
            cursor = entry.parent.as_deref();
        }
        rows.reverse();
        rows
    }

    /// The path joined for display, e.g. `吉林省 · 长春市 · 农安县`.
    pub fn display(&self, code: &str) -> String {
        let path = self.path(code);
        if path.is_empty() {
            code.to_owned()
        } else {
            path.join(" · ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> RegionDirectory {
        let row =
            |c: &str, n: &str, p: Option<&str>| (c.to_owned(), n.to_owned(), p.map(str::to_owned));
        RegionDirectory::from_rows([
            row("110000", "北京市", None),
            row("110100", "市辖区", Some("110000")),
            row("110105", "朝阳区", Some("110100")),
            row("220000", "吉林省", None),
            row("220100", "长春市", Some("220000")),
            row("220122", "农安县", Some("220100")),
        ])
    }

    #[test]
    fn paths_skip_placeholder_cities() {
        let d = directory();
        assert_eq!(d.display("220122"), "吉林省 · 长春市 · 农安县");
        assert_eq!(d.display("110105"), "北京市 · 朝阳区");
        assert_eq!(d.display("999999"), "999999");
    }

    #[test]
    fn children_look_through_placeholder_cities() {
        let d = directory();
        let names =
            |rows: Vec<(String, String)>| rows.into_iter().map(|(_, n)| n).collect::<Vec<_>>();
        assert_eq!(names(d.children(None)), ["北京市", "吉林省"]);
        assert_eq!(names(d.children(Some("110000"))), ["朝阳区"]);
        assert_eq!(names(d.children(Some("220000"))), ["长春市"]);
        assert_eq!(names(d.children(Some("220100"))), ["农安县"]);
        assert!(d.children(Some("220122")).is_empty());
        let codes: Vec<String> = d.lineage("110105").into_iter().map(|(c, _)| c).collect();
        assert_eq!(codes, ["110000", "110105"]);
    }
}
