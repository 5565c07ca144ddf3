//! Each hashing thread's argon2 working memory, kept from one job to the next.
//!
//! argon2's own `hash_password_into` allocates its 19 MiB afresh for every hash; measured here,
//! the page faults of that fresh memory cost a quarter of each hash's time (4 800 faults per
//! hash). A hashing thread instead keeps its blocks, so the cost is the algorithm's own.

use std::cell::RefCell;

use argon2::{Argon2, Block};

thread_local! {
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Computes `argon2(password, salt)` into `out` with this thread's blocks. The blocks are
/// cleared afterwards, so no password-derived state outlives the job (the state would let
/// guesses be checked without paying argon2's memory cost), and shrunk back to `keep` blocks
/// if a stored hash with a larger memory cost made them grow.
pub(super) fn hash_into(
    argon2: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
    keep: usize,
) -> Result<(), argon2::Error> {
    BLOCKS.with_borrow_mut(|blocks| {
        let needed = argon2.params().block_count();
        if blocks.len() < needed {
            blocks.resize(needed, Block::default());
        }
        let used = &mut blocks[..needed];
        let result = argon2.hash_password_into_with_memory(password, salt, out, &mut *used);
        // The vector lives on and is read by the next job, so this write cannot be elided.
        used.fill(Block::default());
        if blocks.len() > keep {
            blocks.truncate(keep);
            blocks.shrink_to_fit();
        }
        result
    })
}
