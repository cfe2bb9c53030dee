//! One module per page.

pub mod account;
pub mod admin;
pub mod alerts;
pub mod charities;
pub mod charity;
pub mod confirm;
pub mod funds;
pub mod home;
pub mod invitation;
pub mod library;
pub mod need;
pub mod not_found;
pub mod office;
pub mod open_data;
pub mod reset;
pub mod transparency;
