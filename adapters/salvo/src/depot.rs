//! Typed access to the caller in salvo's `Depot`.

use auth_core::Auth;
use auth_core::http::Authenticated;
use salvo::Depot;

/// The caller (and `Auth`) in the `Depot`, put there by this crate's hoops.
pub trait DepotAuthExt {
    /// The authenticated caller, after [`require_auth`](crate::require_auth) (always there) or
    /// [`optional_auth`](crate::optional_auth) (when the request authenticated).
    fn current_user(&self) -> Option<&Authenticated>;

    /// The `Auth` that [`install`](crate::install) put there.
    fn auth(&self) -> Option<&Auth>;
}

impl DepotAuthExt for Depot {
    fn current_user(&self) -> Option<&Authenticated> {
        self.get_typed::<Authenticated>().ok()
    }

    fn auth(&self) -> Option<&Auth> {
        self.get_typed::<Auth>().ok()
    }
}
