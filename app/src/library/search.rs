//! One library search on the server: the index finds the ids of the page, the facet counts
//! and the total; the needs themselves are loaded from the database by id, in the index's
//! order, so what is shown is what is stored now.

use super::index::{IndexError, SearchService};
use super::params::{
    amount_range, Params, SortOrder, AMOUNT_BOUNDS_YUAN, LIBRARY_STATUSES, PAGE_SIZE,
};
use super::snippet::snippet;
use super::{FacetValue, Facets, LibraryHit, LibraryPage, RegionStep};
use crate::domain::need::{AssistanceType, Coverage, HouseholdCategory, Urgency};
use crate::entities::need;
use crate::needs::queries::{summaries_in_order, QueryError};
use crate::regions::RegionDirectory;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use search::{Filters, Level, SearchRequest, Sort};
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// No index can serve yet (a created one is being filled): the answer would miss
    /// needs, so there is none (see `SearchService::readiness`).
    #[error("the search index is being built ({})", .0.label())]
    NotReady(super::index::Readiness),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Search(#[from] search::SearchError),
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

fn position<T: PartialEq + Copy>(all: &[T], value: Option<T>) -> Option<u64> {
    value.and_then(|v| all.iter().position(|x| *x == v).map(|p| p as u64))
}

/// The level of a region code: `220000` a province, `220100` a city, else a county.
pub fn level_of(code: &str) -> Level {
    if code.ends_with("0000") {
        Level::Province
    } else if code.ends_with("00") {
        Level::City
    } else {
        Level::County
    }
}

/// The index's request for these parameters.
pub fn request(params: &Params, limit: usize) -> SearchRequest {
    let region = params
        .region
        .as_deref()
        .and_then(|c| c.parse::<u64>().ok().map(|n| (level_of(c), n)));
    SearchRequest {
        query: search::parse(&params.q),
        filters: Filters {
            region,
            keywords: [
                position(AssistanceType::ALL, params.assistance_type),
                position(HouseholdCategory::ALL, params.household_category),
                position(Coverage::ALL, params.coverage),
                position(Urgency::ALL, params.urgency),
                position(&LIBRARY_STATUSES, params.status),
            ],
            amount: params.amount.map(amount_range),
        },
        sort: match params.sort {
            SortOrder::Relevance => Sort::Relevance,
            SortOrder::Newest => Sort::Newest,
            SortOrder::Deadline => Sort::Deadline,
            SortOrder::LeastFunded => Sort::LeastFunded,
        },
        offset: (params.page.max(1) - 1) * limit,
        limit,
        amount_bounds: AMOUNT_BOUNDS_YUAN.iter().map(|y| y * 100).collect(),
    }
}

/// Runs the search of `params` and loads its page of needs; [`LibraryError::NotReady`]
/// while no index can serve (never a page of 0 results that would be wrong).
pub async fn search<C: ConnectionTrait>(
    db: &C,
    regions: &RegionDirectory,
    service: &SearchService,
    params: &Params,
) -> Result<LibraryPage, LibraryError> {
    if !service.is_ready() {
        return Err(LibraryError::NotReady(service.readiness()));
    }
    let request = request(params, PAGE_SIZE);
    let library = service.library();
    let needles = request.query.needles();
    let found = {
        let request = request.clone();
        tokio::task::spawn_blocking(move || library.search(&request))
            .await
            .map_err(|e| IndexError::Task(e.to_string()))??
    };
    let ids: Vec<i64> = found.ids.iter().map(|id| *id as i64).collect();
    // A need unpublished since the index last caught up is not shown.
    let rows = need::Entity::find()
        .filter(need::Column::Id.is_in(ids.iter().copied()))
        .filter(need::Column::Status.is_in(LIBRARY_STATUSES.iter().map(|s| s.code())))
        .all(db)
        .await?;
    let stories: HashMap<i64, String> = rows.iter().map(|r| (r.id, r.story.clone())).collect();
    let summaries = summaries_in_order(db, regions, rows, &ids).await?;
    let hits = summaries
        .into_iter()
        .map(|(id, need)| LibraryHit {
            snippet: snippet(stories.get(&id).map_or("", String::as_str), &needles),
            need,
        })
        .collect();
    let facets = facets(&found.facets, regions);
    let region_trail = params
        .region
        .as_deref()
        .map(|code| trail(code, regions))
        .unwrap_or_default();
    Ok(LibraryPage {
        params: params.clone(),
        total: found.total as u64,
        hits,
        facets,
        region_trail,
    })
}

/// A region and the regions above it, province first.
fn trail(code: &str, regions: &RegionDirectory) -> Vec<RegionStep> {
    let (p, c, _) = super::index::region_levels(code);
    let mut codes = vec![format!("{p:06}")];
    if level_of(code) != Level::Province {
        codes.push(format!("{c:06}"));
    }
    if level_of(code) == Level::County {
        codes.push(code.to_owned());
    }
    codes
        .into_iter()
        .filter_map(|code| {
            let name = regions.name(&code)?.to_owned();
            Some(RegionStep { code, name })
        })
        .collect()
}

fn facets(counts: &search::FacetCounts, regions: &RegionDirectory) -> Facets {
    let keyword = |k: usize, codes: &[&str]| -> Vec<FacetValue> {
        counts.keywords[k]
            .iter()
            .filter_map(|(v, n)| {
                Some(FacetValue {
                    value: (*codes.get(*v as usize)?).to_owned(),
                    name: None,
                    count: *n,
                })
            })
            .collect()
    };
    let codes = |all: Vec<&'static str>| all;
    Facets {
        regions: counts
            .regions
            .as_ref()
            .map(|(_, list)| {
                list.iter()
                    .map(|(code, n)| {
                        let code = format!("{code:06}");
                        FacetValue {
                            name: regions.name(&code).map(str::to_owned),
                            value: code,
                            count: *n,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
        assistance_type: keyword(
            0,
            &codes(AssistanceType::ALL.iter().map(|v| v.code()).collect()),
        ),
        household_category: keyword(
            1,
            &codes(HouseholdCategory::ALL.iter().map(|v| v.code()).collect()),
        ),
        coverage: keyword(2, &codes(Coverage::ALL.iter().map(|v| v.code()).collect())),
        urgency: keyword(3, &codes(Urgency::ALL.iter().map(|v| v.code()).collect())),
        status: keyword(
            4,
            &codes(LIBRARY_STATUSES.iter().map(|v| v.code()).collect()),
        ),
        amount: counts
            .amounts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| FacetValue {
                value: i.to_string(),
                name: None,
                count: *n,
            })
            .collect(),
    }
}
