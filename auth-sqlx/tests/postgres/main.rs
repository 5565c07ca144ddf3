//! PgStore against a real PostgreSQL: the store suite, migrations, Better Auth interop,
//! concurrency, availability, signing keys and the two-factor schema. One test binary, so one
//! throwaway cluster.

mod accounts;
mod availability;
mod common;
mod concurrency;
mod indexes;
mod interop;
mod invalidation;
mod keys;
mod migrations;
mod rate_limits;
mod tls;
mod two_factor;
mod two_factor_instances;

auth_core::user_store_suite!(postgres_suite, common::store());
