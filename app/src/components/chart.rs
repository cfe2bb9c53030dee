//! A horizontal bar chart drawn as SVG on the server: readable without JavaScript, and
//! described to screen readers by its title (the figures themselves are in the data
//! table the page puts beside it).

use leptos::prelude::*;

/// One bar: its label, its length (any unit), and the value printed after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub shown: String,
}

const WIDTH: i64 = 640;
const LABEL: i64 = 150;
const VALUE: i64 = 110;
const ROW: i64 = 26;

/// `bars` scaled to the longest; `id` names the title for `aria-labelledby`.
#[component]
pub fn BarChart(id: String, title: String, bars: Vec<Bar>) -> impl IntoView {
    let most = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let track = WIDTH - LABEL - VALUE;
    let height = (bars.len() as i64).max(1) * ROW + 8;
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    let rows = bars
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let y = i as i64 * ROW + 4;
            let length = if b.value <= 0 {
                0
            } else {
                (b.value.saturating_mul(track) / most).max(2)
            };
            view! {
                <g class="bar">
                    <text x=(LABEL - 8).to_string() y=(y + 17).to_string() text-anchor="end">{b.label}</text>
                    <rect x=LABEL.to_string() y=(y + 3).to_string() width=length.to_string() height=(ROW - 8).to_string() rx="3"></rect>
                    <text class="bar-value" x=(LABEL + length + 6).to_string() y=(y + 17).to_string()>{b.shown}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg
            class="chart"
            viewBox=format!("0 0 {WIDTH} {height}")
            role="img"
            aria-labelledby=labelled_by
            data-testid=id
        >
            <title id=title_id>{title}</title>
            {rows}
        </svg>
    }
}
