//! Updating the signed-in user's profile.

use crate::Auth;
use crate::error::AuthError;
use crate::model::{AuthSession, User, UserUpdate};

impl Auth {
    /// Applies `update` (name, image) to the current user and returns the new profile.
    /// An empty update is `NO_FIELDS_TO_UPDATE`. The email cannot be changed here.
    pub async fn update_user(
        &self,
        current: &AuthSession,
        update: UserUpdate,
    ) -> Result<User, AuthError> {
        if update.is_empty() {
            return Err(AuthError::NoFieldsToUpdate);
        }
        let mut user = self
            .store()
            .update_user(&current.user.id, &update, self.now())
            .await?
            .ok_or(AuthError::Unauthorized)?;
        self.present(&mut user);
        Ok(user)
    }
}
