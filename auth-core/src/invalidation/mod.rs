//! Keeping in-memory copies right when several instances share one database: this instance's
//! caches of sessions (get-session and cookie authentication served from memory) and of session
//! liveness (JWT revocation checks), the [`Invalidation`] events that make them forget, and the
//! [`InvalidationChannel`] that carries events between instances.
//!
//! Every store write that ends a session or changes a user goes through one wrapper of the
//! store, which forgets this instance's copies and publishes the event; the
//! [`InvalidationListener`] applies the other instances' events. Copies never outlive their TTL
//! (30 s by default), so an instance that misses events (its listener disconnected) is wrong
//! for at most that long; one that hears them, for the time the event takes to arrive.

mod caches;
mod channel;
mod event;
mod listener;
mod store;

pub(crate) use caches::Caches;
pub use channel::{InvalidationChannel, Subscription};
pub use event::Invalidation;
pub use listener::InvalidationListener;
pub(crate) use store::CachingStore;
