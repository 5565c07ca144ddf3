//! Typed access to the caller in salvo's `Depot`.

use auth_core::http::Caller;
use salvo::Depot;

/// The caller in the `Depot`, put there by this crate's guard hoops: salvo sugar beside the
/// [`CurrentUser`](crate::CurrentUser) and [`MaybeUser`](crate::MaybeUser) extractors.
///
/// ```
/// use auth_salvo::DepotAuthExt;
/// use salvo::prelude::*;
///
/// #[handler]
/// async fn me(depot: &mut Depot) -> String {
///     depot.current_user().map(|caller| caller.user.email.clone()).unwrap_or_default()
/// }
/// ```
pub trait DepotAuthExt {
    /// The authenticated caller, after [`require_auth`](crate::require_auth) (always there) or
    /// [`optional_auth`](crate::optional_auth) (when the request authenticated).
    fn current_user(&self) -> Option<&Caller>;
}

impl DepotAuthExt for Depot {
    fn current_user(&self) -> Option<&Caller> {
        self.get_typed::<Caller>().ok()
    }
}
