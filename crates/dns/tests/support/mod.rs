//! Real servers for the integration tests: Knot DNS and HTTPS/HTTP partner endpoints.
#![allow(dead_code)]

pub mod https;
pub mod knot;
pub mod link;
