//! Token verification allocates on the heap exactly what deserialising its claims allocates:
//! no key parsing, no boxed verifier, no copy of the header or the signature.
//!
//! A counting global allocator (this binary only) counts allocations; no timing is involved.
//! RS256 is left out: the `rsa` crate's big-number arithmetic allocates inside every
//! verification, whatever the caller does.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use auth_core::model::{SessionId, Timestamp, User, UserId};
use auth_core::token::{Claims, JwtIssuer, JwtKey, TokenIssuer};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let result = f();
    (ALLOCATIONS.load(Ordering::SeqCst) - before, result)
}

#[test]
fn verify_allocates_only_the_claims() {
    let now = Timestamp::parse("2026-11-25T12:00:00.000Z").expect("time");
    let mut user = User::new(
        UserId::new("AbY9znP3LstAPbPWXx5CRVAbXIpmENOQ"),
        "Alice Example",
        "alice@example.com",
        now,
    );
    user.image = Some("https://img.example/alice.png".into());
    let origin = "http://localhost:3000";
    let keys = [
        JwtKey::generate_ed25519(),
        JwtKey::hs256("hs", &[7u8; 32]).expect("hs256"),
        JwtKey::es256_pem("ec", include_str!("fixtures/p256.pem")).expect("es256"),
    ];
    for key in keys {
        let algorithm = key.algorithm();
        let issuer = JwtIssuer::builder(origin, origin)
            .signing_key(key)
            .build()
            .expect("issuer");
        let claims = Claims::new(
            &user,
            &SessionId::new("sid-1"),
            now,
            now + Duration::from_secs(3600),
            origin,
            origin,
        );
        let signed = issuer.sign(&claims).expect("sign");
        let token = signed.expose();
        let payload = URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).expect("payload"))
            .expect("base64");

        // Warm up lazily initialised state (none is expected, but be fair to both sides).
        issuer.verify(token, now).expect("valid");
        let (baseline, parsed) =
            allocations_during(|| serde_json::from_slice::<Claims>(&payload).expect("claims"));
        let (verify, verified) = allocations_during(|| issuer.verify(token, now).expect("valid"));
        assert_eq!(parsed, verified);
        assert_eq!(
            verify, baseline,
            "{algorithm:?}: verify allocated {verify}, the claims alone {baseline}"
        );
    }
}
