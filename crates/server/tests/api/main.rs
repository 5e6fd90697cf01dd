//! Integration tests of paysession-server over real HTTP and a real SQLite
//! file, or PostgreSQL when `PAYSESSION_TEST_DATABASE` is set (common.rs).

mod common;

mod auth;
mod bad_input;
mod binary;
mod compliance;
mod contract;
mod customers;
mod delivery;
mod demo;
mod demo_account;
mod events;
mod funding;
mod hosted;
mod idempotency;
mod lifecycle;
mod multi;
mod openapi;
mod openapi_check;
mod races;
mod ratelimit;
mod readiness;
mod redirects;
mod sessions;
mod sources;
mod storage;
mod timeouts;
mod verdicts;
mod wallets;
mod webhook_delivery;
mod webhooks;
