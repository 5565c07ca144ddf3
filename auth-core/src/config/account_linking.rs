//! `AccountLinking`: when a provider account may join an existing user (Better Auth's
//! `account.accountLinking` and its defaults).

/// When a social sign-in may attach a provider account to a user who already exists.
///
/// Implicit linking (a sign-in with a provider whose email belongs to a local user) happens
/// only when linking is enabled, the provider is trusted **or** vouches for the address, and
/// (by default) the local user's address is verified too, so an account someone registered
/// with another person's address cannot be taken over through a provider. Explicit linking
/// (`link-social`, with a session) refuses an untrusted provider with an unverified address,
/// and a provider address other than the user's unless different emails are allowed.
///
/// ```
/// use auth_core::config::AccountLinking;
///
/// let linking = AccountLinking::default().trusted_providers(["google"]);
/// assert!(linking.is_trusted("google"));
/// assert!(!linking.is_trusted("github"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountLinking {
    enabled: bool,
    trusted_providers: Vec<String>,
    require_local_email_verified: bool,
    allow_different_emails: bool,
}

impl Default for AccountLinking {
    /// Better Auth's defaults: enabled, no trusted providers, local email must be verified,
    /// different emails refused.
    fn default() -> Self {
        Self {
            enabled: true,
            trusted_providers: Vec::new(),
            require_local_email_verified: true,
            allow_different_emails: false,
        }
    }
}

impl AccountLinking {
    /// Turns implicit and explicit linking on or off.
    #[must_use]
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// Providers whose accounts link even when they do not say the address is verified.
    #[must_use]
    pub fn trusted_providers<I, S>(mut self, providers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.trusted_providers = providers.into_iter().map(Into::into).collect();
        self
    }

    /// Whether implicit linking needs the local user's address verified (default: yes).
    #[must_use]
    pub fn require_local_email_verified(mut self, required: bool) -> Self {
        self.require_local_email_verified = required;
        self
    }

    /// Whether `link-social` may link an account whose address differs from the user's.
    #[must_use]
    pub fn allow_different_emails(mut self, allowed: bool) -> Self {
        self.allow_different_emails = allowed;
        self
    }

    /// Whether linking is on.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Whether `provider` is trusted.
    pub fn is_trusted(&self, provider: &str) -> bool {
        self.trusted_providers.iter().any(|p| p == provider)
    }

    /// Whether a sign-in through `provider` may join the existing user whose address is
    /// `local_verified`, given what the provider says of the address.
    pub fn allows_implicit(
        &self,
        provider: &str,
        provider_verified: bool,
        local_verified: bool,
    ) -> bool {
        self.enabled
            && (self.is_trusted(provider) || provider_verified)
            && (local_verified || !self.require_local_email_verified)
    }

    /// Whether different addresses may be linked explicitly.
    pub fn allows_different_emails(&self) -> bool {
        self.allow_different_emails
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implicit_linking_follows_better_auths_defaults() {
        let linking = AccountLinking::default().trusted_providers(["google"]);
        // Trusted Google, verified address, but the local address is not verified: refused.
        assert!(!linking.allows_implicit("google", true, false));
        assert!(linking.allows_implicit("google", false, true));
        assert!(!linking.allows_implicit("github", false, true));
        assert!(linking.allows_implicit("github", true, true));
        assert!(
            !linking
                .clone()
                .enabled(false)
                .allows_implicit("google", true, true)
        );
        let relaxed = linking.require_local_email_verified(false);
        assert!(relaxed.allows_implicit("github", true, false));
    }
}
