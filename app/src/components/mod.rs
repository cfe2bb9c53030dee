//! Widgets shared by pages.

pub mod badges;
pub mod chart;
pub mod form;
pub mod lang;
pub mod layout;
pub mod live_library;
pub mod need_card;
pub mod pii;
pub mod portal;
pub mod session;
pub mod story_input;
