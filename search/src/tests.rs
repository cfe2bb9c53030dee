//! The index on a handful of needs: matching, facets, filters, sorts, paging, and what a
//! crash or a changed schema leaves.

use super::*;

fn need(id: u64, title: &str, story: &str, items: &str) -> NeedDoc {
    NeedDoc {
        id,
        title: title.to_owned(),
        story: story.to_owned(),
        items: items.to_owned(),
        province: 220000,
        city: 220100,
        county: 220122,
        keywords: [0, 0, 0, 1, 2],
        target_fen: 500_000,
        published_at: 1_700_000_000 + id as i64,
        deadline: None,
        funded_permille: 0,
    }
}

fn corpus() -> Vec<NeedDoc> {
    let mut a = need(
        1,
        "重病老人医疗费用",
        "老人患尿毒症，需要长期透析，医疗费用负担沉重。",
        "透析费",
    );
    a.keywords[0] = 0;
    let mut b = need(
        2,
        "孩子需要一台电动轮椅",
        "孩子下肢瘫痪，上学需要电动轮椅车。",
        "电动轮椅",
    );
    b.keywords[0] = 8;
    b.county = 220183;
    b.target_fen = 1_200_000;
    b.deadline = Some(1_800_000_000);
    let mut c = need(
        3,
        "低保边缘家庭助学",
        "低保边缘家庭，两个孩子读书，学费困难。ICU 住院过。",
        "学费 书本",
    );
    c.keywords[0] = 1;
    c.city = 220200;
    c.county = 220202;
    c.target_fen = 0;
    c.deadline = Some(1_750_000_000);
    c.funded_permille = 500;
    let mut d = need(
        4,
        "独居老人助餐",
        "独居老人行动不便，需要助餐服务。Wheelchair needed soon.",
        "助餐",
    );
    d.keywords[0] = 9;
    d.province = 210000;
    d.city = 210100;
    d.county = 210102;
    d.target_fen = 30_000;
    vec![a, b, c, d]
}

fn library() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (library, opened) = Library::open(dir.path()).expect("open");
    assert!(matches!(opened, Opened::Created { .. }));
    let changes: Vec<Change> = corpus().into_iter().map(Change::Upsert).collect();
    library.apply(&changes, 4).expect("apply");
    (dir, library)
}

fn ids(library: &Library, text: &str) -> Vec<u64> {
    let request = SearchRequest {
        query: parse(text),
        limit: 10,
        ..Default::default()
    };
    let mut ids = library.search(&request).expect("search").ids;
    ids.sort_unstable();
    ids
}

#[test]
fn chinese_words_and_substrings_are_found() {
    let (_dir, lib) = library();
    assert_eq!(ids(&lib, "医疗"), [1]);
    assert_eq!(ids(&lib, "轮椅"), [2]);
    assert_eq!(ids(&lib, "低保边缘"), [3]);
    assert_eq!(ids(&lib, "助学"), [3]);
    assert_eq!(ids(&lib, "助餐"), [4]);
    assert_eq!(ids(&lib, "老人"), [1, 4]);
    // A substring jieba would split otherwise, a lone character, Latin words, numbers.
    assert_eq!(ids(&lib, "轮椅车"), [2]);
    assert_eq!(ids(&lib, "椅"), [2]);
    assert_eq!(ids(&lib, "WHEELCHAIR"), [4]);
    assert_eq!(ids(&lib, "icu"), [3]);
    assert_eq!(ids(&lib, "老人 助餐"), [4]);
    assert_eq!(ids(&lib, "\"needed soon\""), [4]);
    assert_eq!(ids(&lib, "\"soon needed\""), Vec::<u64>::new());
    assert_eq!(ids(&lib, "医疗轮椅"), Vec::<u64>::new());
}

#[test]
fn any_text_is_a_query() {
    let (_dir, lib) = library();
    for text in [
        "\"unbalanced",
        "AND OR NOT (",
        "😀",
        "+-:^~*",
        &"医疗".repeat(5_000),
    ] {
        let request = SearchRequest {
            query: parse(text),
            limit: 10,
            ..Default::default()
        };
        lib.search(&request).expect(text);
    }
    // Nothing searchable: everything, newest first.
    assert_eq!(
        lib.search(&SearchRequest {
            query: parse("😀"),
            limit: 10,
            ..Default::default()
        })
        .expect("search")
        .ids,
        [4, 3, 2, 1]
    );
}

#[test]
fn titles_rank_first() {
    let (_dir, lib) = library();
    let mut d = need(9, "透析", "", "");
    d.published_at = 0;
    lib.apply(&[Change::Upsert(d)], 5).expect("apply");
    let request = SearchRequest {
        query: parse("透析"),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(lib.search(&request).expect("search").ids[0], 9);
}

#[test]
fn facets_filters_sorts_and_pages() {
    let (_dir, lib) = library();
    let all = SearchRequest {
        limit: 2,
        amount_bounds: vec![100_000, 1_000_000],
        ..Default::default()
    };
    let r = lib.search(&all).expect("search");
    assert_eq!(r.total, 4);
    assert_eq!(r.ids, [4, 3]);
    assert_eq!(
        r.facets.regions,
        Some((Level::Province, vec![(220000, 3), (210000, 1)]))
    );
    assert_eq!(r.facets.keywords[0], [(0, 1), (1, 1), (8, 1), (9, 1)]);
    // Below 1,000 yuan: 1; 1,000–10,000: 1 (5,000 yuan); above: 1 (12,000); none: not counted.
    assert_eq!(r.facets.amounts, [1, 1, 1]);
    let page2 = SearchRequest {
        offset: 2,
        ..all.clone()
    };
    assert_eq!(lib.search(&page2).expect("search").ids, [2, 1]);

    let jilin = SearchRequest {
        filters: Filters {
            region: Some((Level::Province, 220000)),
            ..Default::default()
        },
        limit: 10,
        ..Default::default()
    };
    let r = lib.search(&jilin).expect("search");
    assert_eq!(r.total, 3);
    assert_eq!(
        r.facets.regions,
        Some((Level::City, vec![(220100, 2), (220200, 1)]))
    );

    let county = Filters {
        region: Some((Level::County, 220183)),
        ..Default::default()
    };
    let r = lib
        .search(&SearchRequest {
            filters: county,
            limit: 10,
            ..Default::default()
        })
        .expect("search");
    assert_eq!(r.ids, [2]);
    assert_eq!(r.facets.regions, None);

    let mut typed = Filters::default();
    typed.keywords[0] = Some(9);
    let r = lib
        .search(&SearchRequest {
            filters: typed,
            limit: 10,
            ..Default::default()
        })
        .expect("search");
    assert_eq!(r.ids, [4]);

    let amount = Filters {
        amount: Some((100_000, Some(1_000_000))),
        ..Default::default()
    };
    let r = lib
        .search(&SearchRequest {
            filters: amount,
            limit: 10,
            ..Default::default()
        })
        .expect("search");
    assert_eq!(r.ids, [1]);

    let by = |sort| {
        lib.search(&SearchRequest {
            sort,
            limit: 10,
            ..Default::default()
        })
        .expect("search")
        .ids
    };
    assert_eq!(by(Sort::Deadline), [3, 2, 1, 4]);
    assert_eq!(by(Sort::LeastFunded)[3], 3);
    assert_eq!(by(Sort::Newest), [4, 3, 2, 1]);
}

#[test]
fn upserts_replace_and_deletes_remove() {
    let (dir, lib) = library();
    let mut changed = need(2, "孩子需要助听器", "", "助听器");
    changed.keywords[0] = 8;
    lib.apply(&[Change::Upsert(changed), Change::Delete(1)], 6)
        .expect("apply");
    assert_eq!(ids(&lib, "轮椅"), Vec::<u64>::new());
    assert_eq!(ids(&lib, "助听器"), [2]);
    assert_eq!(lib.all_ids().expect("ids"), [2, 3, 4]);
    assert_eq!(lib.position(), 6);
    drop(lib);
    let (again, opened) = Library::open(dir.path()).expect("reopen");
    assert_eq!(opened, Opened::Existing { position: 6 });
    assert_eq!(again.all_ids().expect("ids"), [2, 3, 4]);
}

#[test]
fn a_crash_before_the_commit_leaves_the_last_commit() {
    let (dir, lib) = library();
    // Added but never committed: as if the process died between batches.
    lib.add(&[need(7, "未提交", "", "")]).expect("add");
    drop(lib);
    let (again, opened) = Library::open(dir.path()).expect("reopen");
    assert_eq!(opened, Opened::Existing { position: 4 });
    assert_eq!(again.all_ids().expect("ids"), [1, 2, 3, 4]);
}

#[test]
fn another_schema_or_a_broken_index_is_rebuilt() {
    let (dir, lib) = library();
    let version = lib.version().to_owned();
    drop(lib);
    // A broken meta file.
    std::fs::write(dir.path().join(&version).join("meta.json"), "{not json").expect("write");
    let (fresh, opened) = Library::open(dir.path()).expect("reopen");
    assert!(matches!(opened, Opened::Created { .. }), "{opened:?}");
    assert!(fresh.is_empty());
    assert_ne!(fresh.version(), version);
    // The current file naming a version that is gone.
    std::fs::write(dir.path().join("current"), "v0-gone").expect("write");
    drop(fresh);
    let (_, opened) = Library::open(dir.path()).expect("reopen");
    assert!(matches!(opened, Opened::Created { .. }), "{opened:?}");
}

#[test]
fn a_rebuild_switches_readers_over() {
    let (dir, lib) = library();
    let rebuilt = Library::create(dir.path()).expect("create");
    rebuilt.add(&corpus()[..2]).expect("add");
    rebuilt.commit(2).expect("commit");
    assert!(!lib.superseded());
    rebuilt.switch_to().expect("switch");
    assert!(lib.superseded());
    Library::remove_old_versions(dir.path(), rebuilt.version()).expect("clean");
    let (reopened, opened) = Library::open(dir.path()).expect("reopen");
    assert_eq!(opened, Opened::Existing { position: 2 });
    assert_eq!(reopened.all_ids().expect("ids"), [1, 2]);
}

/// The page of a search of words, ranked with block-max pruning (a union for one word,
/// an intersection for several; dense filters checked on each candidate), is the
/// page the full query gives when every match is scored: same needs, same order, same
/// scores, on pages deep enough for the pruning to skip documents. Totals and facets come
/// from the counting pass and agree with a plain filter over every need.
#[test]
fn pruned_ranking_is_the_full_ranking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (lib, _) = Library::open(dir.path()).expect("open");
    let titles = ["医疗救助", "孩子上学", "老人取暖", "轮椅康复", "药费困难"];
    let stories = [
        "医疗费用高，老人常年吃药。",
        "孩子需要轮椅，医疗康复在即。",
        "冬天取暖难，老人独居。",
        "家里有人住院，药和医疗都要钱，医疗医疗。",
        "学费困难，孩子读书。",
        "轮椅坏了，康复训练停了。",
    ];
    let docs: Vec<Change> = (1..=600u64)
        .map(|id| {
            let mut d = need(
                id,
                titles[(id * 7 % 5) as usize],
                &stories[(id * 11 % 6) as usize].repeat(1 + (id % 4) as usize),
                if id % 3 == 0 { "药" } else { "书本" },
            );
            d.keywords[0] = id % 9;
            d.province = [220000, 210000, 110000][(id % 3) as usize];
            d.city = d.province + 100;
            d.target_fen = id * 1_000;
            Change::Upsert(d)
        })
        .collect();
    lib.apply(&docs, 600).expect("apply");
    // Deleted needs are left out of both passes.
    let deleted: Vec<Change> = (1..=60u64).map(|id| Change::Delete(id * 10)).collect();
    lib.apply(&deleted, 601).expect("delete");
    let searcher = lib.reader.searcher();
    assert_eq!(searcher.num_docs(), 540);
    let province = |code| Filters {
        region: Some((Level::Province, code)),
        ..Default::default()
    };
    let words = [
        "医疗",
        "老人",
        "药",
        "轮椅",
        "康复",
        "取暖",
        "医疗救助",
        "\"医疗救助\"",
        "上学",
        "孩子上学",
        "轮椅康复",
        "药费困",
    ];
    let mut cases: Vec<(&str, Filters)> = words.iter().map(|w| (*w, Filters::default())).collect();
    cases.extend([
        ("医疗 老人", Filters::default()),
        ("孩子 轮椅 康复", Filters::default()),
        ("药 医疗", Filters::default()),
        ("医 疗", Filters::default()),
        ("医疗", province(220000)),
        ("老人 取暖", province(210000)),
        (
            "医疗",
            Filters {
                amount: Some((100_000, Some(400_000))),
                ..Default::default()
            },
        ),
    ]);
    for (text, filters) in cases {
        let request = SearchRequest {
            query: parse(text),
            filters,
            limit: 20,
            offset: 10,
            amount_bounds: vec![100_000, 300_000],
            ..Default::default()
        };
        let pruned = lib.pruned_ranking(&searcher, &request).expect(text);
        let full = lib.build_query(&request, true);
        let top = rank::ScoredTop {
            limit: 30,
            filters: &request.filters,
            columns: &lib.columns,
        };
        let a: Vec<_> = searcher
            .search(&*pruned, &top)
            .expect("pruned")
            .into_iter()
            .skip(10)
            .collect();
        let b = searcher
            .search(
                &*full,
                &TopDocs::with_limit(20).and_offset(10).order_by_score(),
            )
            .expect("full");
        assert_eq!(a.len(), b.len(), "{text}");
        assert!(!a.is_empty(), "{text}");
        for ((sa, da), (sb, db)) in a.iter().zip(&b) {
            assert!((sa - sb).abs() < 1e-4, "{text}: {sa} vs {sb}");
            if (sa - sb).abs() < 1e-6 {
                assert_eq!(da, db, "{text}");
            }
        }
        let found = lib.search(&request).expect(text);
        assert!(found.ids.iter().all(|id| id % 10 != 0), "{text}");
        let matching = lib.matching_ids(&request).expect(text);
        assert_eq!(found.total, matching.len(), "{text}");
        let amounts: u64 = found.facets.amounts.iter().sum();
        assert_eq!(amounts, matching.len() as u64, "{text}");
        if request.filters.region.is_none() {
            let province_22 = matching.iter().filter(|id| **id % 3 == 0).count() as u64;
            let counted = found
                .facets
                .regions
                .as_ref()
                .and_then(|(_, r)| r.iter().find(|(c, _)| *c == 220000))
                .map_or(0, |(_, n)| *n);
            assert_eq!(counted, province_22, "{text}");
        } else {
            let wanted = if text == "医疗" { 220000 } else { 210000 };
            assert!(
                found.ids.iter().all(|id| docs_province(*id) == wanted),
                "{text}"
            );
        }
    }
    // Phrases, lone characters among pieces, and sparse filters keep the full query.
    let sparse = Filters {
        keywords: [Some(3), None, None, None, None],
        ..Default::default()
    };
    for (text, filters) in [
        ("\"医疗 救助\"", Filters::default()),
        ("医疗救助费用", Filters::default()),
        ("\"医 疗\"", Filters::default()),
        ("医疗", sparse),
    ] {
        let request = SearchRequest {
            query: parse(text),
            filters,
            limit: 20,
            ..Default::default()
        };
        assert!(lib.pruned_ranking(&searcher, &request).is_none(), "{text}");
    }
}

/// The province of need `id` in `pruned_ranking_is_the_full_ranking`.
fn docs_province(id: u64) -> u64 {
    [220000, 210000, 110000][(id % 3) as usize]
}

const SORTS: [Sort; 4] = [
    Sort::Relevance,
    Sort::Newest,
    Sort::Deadline,
    Sort::LeastFunded,
];

/// A search cut into slices of document ids on several threads finds what the one-thread
/// search finds: the same total, facet counts and page, whatever the sort, with deleted
/// needs left out.
#[test]
fn sliced_search_is_the_one_thread_search() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (lib, _) = Library::open(dir.path()).expect("open");
    let words = ["医疗", "轮椅", "药费", "取暖", "助学", "康复"];
    for batch in 0..3u64 {
        let docs: Vec<Change> = (batch * 400 + 1..=batch * 400 + 400)
            .map(|id| {
                let w = |k: u64| words[((id * k) % 6) as usize];
                let mut d = need(
                    id,
                    &format!("{}{}", w(7), w(3)),
                    &format!(
                        "{}，{}。{}",
                        w(5),
                        w(11),
                        w(13).repeat(1 + (id % 3) as usize)
                    ),
                    w(17),
                );
                d.keywords[0] = id % 7;
                d.province = [220000, 210000, 110000][(id % 3) as usize];
                d.city = d.province + 100 * (1 + id % 4);
                d.target_fen = id * 997;
                d.funded_permille = id * 13 % 1000;
                d.deadline = (id % 5 != 0).then_some(1_800_000_000 - id as i64 * 3_600);
                Change::Upsert(d)
            })
            .collect();
        lib.apply(&docs, batch + 1).expect("apply");
    }
    // Deleted needs in every segment.
    let deleted: Vec<Change> = (1..=1200).step_by(37).map(Change::Delete).collect();
    lib.apply(&deleted, 10).expect("apply");
    // The library's own search, one thread and every thread (as on a large index), for
    // each kind of search: the same page, total and facets.
    if parallel::threads().is_some() {
        let mut found = 0;
        for text in ["医疗", "药", "轮椅 康复", "\"轮椅取暖\"", ""] {
            for sort in SORTS {
                for filters in [
                    Filters::default(),
                    Filters {
                        region: Some((Level::Province, 220000)),
                        ..Default::default()
                    },
                ] {
                    let request = SearchRequest {
                        query: parse(text),
                        filters,
                        sort,
                        limit: 15,
                        offset: 5,
                        amount_bounds: vec![100_000, 500_000],
                    };
                    lib.set_parallel(false);
                    let one = lib.search(&request).expect("one thread");
                    lib.parallel_from
                        .store(0, std::sync::atomic::Ordering::Relaxed);
                    let every = lib.search(&request).expect("every thread");
                    assert_eq!(one, every, "{text} {sort:?}");
                    assert_eq!(
                        one.ids.len(),
                        one.total.saturating_sub(5).min(15),
                        "{text} {sort:?}"
                    );
                    found += usize::from(one.total > 20);
                }
            }
        }
        assert!(found >= 20, "{found}");
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("pool");
    let searcher = lib.reader.searcher();
    assert!(searcher.segment_readers().len() > 1);
    for text in ["医疗", "轮椅 康复", "\"轮椅取暖\"", "药", ""] {
        for sort in SORTS {
            let request = SearchRequest {
                query: parse(text),
                sort,
                limit: 15,
                offset: 30,
                amount_bounds: vec![100_000, 500_000],
                ..Default::default()
            };
            let facets = || facets::FacetCollector {
                region_level: Some(Level::City),
                bounds: request.amount_bounds.clone(),
                columns: &lib.columns,
            };
            let query = lib.build_query(&request, true);
            let top = TopDocs::with_limit(15).and_offset(30);
            let ids = |hits: Vec<DocAddress>| lib.columns.ids(&searcher, hits).expect("ids");
            let (one, sliced) = match sort {
                Sort::Relevance => {
                    one_and_sliced(&pool, &searcher, &*query, (top.order_by_score(), facets()))
                }
                Sort::LeastFunded => {
                    let by = top.order_by_fast_field::<u64>("funded_permille", Order::Asc);
                    one_and_sliced(&pool, &searcher, &*query, (by, facets()))
                }
                Sort::Newest => {
                    let by = top.order_by_fast_field::<i64>("published_at", Order::Desc);
                    one_and_sliced(&pool, &searcher, &*query, (by, facets()))
                }
                Sort::Deadline => {
                    let by = top.order_by_fast_field::<i64>("deadline", Order::Asc);
                    one_and_sliced(&pool, &searcher, &*query, (by, facets()))
                }
            };
            let (one_hits, one_counts): (Vec<DocAddress>, (usize, FacetCounts)) = one;
            let (sliced_hits, sliced_counts): (Vec<DocAddress>, (usize, FacetCounts)) = sliced;
            assert!(one_counts.0 > 0, "{text} {sort:?}");
            assert_eq!(one_counts, sliced_counts, "{text} {sort:?}");
            assert_eq!(ids(one_hits), ids(sliced_hits), "{text} {sort:?}");
            // And without scoring: the counting pass alone.
            let counting = lib.build_query(&request, false);
            assert_eq!(
                searcher.search(&*counting, &facets()).expect("one"),
                parallel::search(&pool, &searcher, &*counting, &facets(), 50).expect("sliced"),
                "{text}"
            );
        }
    }
}

/// A search with `collector` segment by segment and in slices of 50 documents: the two
/// pages (whose sort keys, scores included, must be equal) and counts.
#[allow(clippy::type_complexity)]
fn one_and_sliced<K: Send + PartialEq + std::fmt::Debug + 'static>(
    pool: &rayon::ThreadPool,
    searcher: &Searcher,
    query: &dyn Query,
    collector: (
        impl Collector<Fruit = Vec<(K, DocAddress)>>,
        facets::FacetCollector,
    ),
) -> (
    (Vec<DocAddress>, (usize, FacetCounts)),
    (Vec<DocAddress>, (usize, FacetCounts)),
) {
    let (a, counts_a) = searcher.search(query, &collector).expect("one");
    let (b, counts_b) = parallel::search(pool, searcher, query, &collector, 50).expect("sliced");
    let keys_equal = a.iter().map(|(k, _)| k).eq(b.iter().map(|(k, _)| k));
    assert!(keys_equal, "{a:?} / {b:?}");
    let addresses = |h: Vec<(K, DocAddress)>| h.into_iter().map(|(_, a)| a).collect();
    ((addresses(a), counts_a), (addresses(b), counts_b))
}
