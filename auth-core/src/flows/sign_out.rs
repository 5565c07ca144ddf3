//! Sign-out: the session ends, and (revocation mode) so do its tokens.

use crate::Auth;
use crate::error::AuthError;
use crate::model::SessionToken;

impl Auth {
    /// Deletes the session with this token, if there is one. Signing out twice, or with an
    /// unknown token, is not an error.
    pub async fn sign_out(&self, session_token: &SessionToken) -> Result<(), AuthError> {
        // The store wrapper ends the session's cached copies and tokens, here and elsewhere.
        self.store().delete_session(session_token).await?;
        Ok(())
    }
}
