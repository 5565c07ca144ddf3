//! The store behaviour suite against MemoryStore.

auth_core::user_store_suite!(memory, async { auth_core::store::MemoryStore::new() });
