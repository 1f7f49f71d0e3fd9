//! Secrets through the native API: writing, reading and listing them, how they are stored, and
//! the refusals of bad requests.

mod batch;
mod etags;
mod listing;
mod refusals;
mod storage;
mod writes;
