/// What the `?error=CODE` of a failed social sign-in or account link means. The backend sends
/// the browser to the errorCallbackURL with Better Auth's codes (lower-case) or, when the
/// provider refused, the provider's own (access_denied).
const SOCIAL_ERRORS: Record<string, string> = {
  access_denied: "The sign-in was cancelled at the provider.",
  account_not_linked:
    "An account with this email already exists. Sign in with your password (or the way you signed in before), then link this provider on your dashboard.",
  state_mismatch: "That sign-in expired or was started in another browser. Please try again.",
  state_not_found: "That sign-in expired or was started in another browser. Please try again.",
  state_invalid: "That sign-in expired or was started in another browser. Please try again.",
  email_not_found: "The provider did not share an email address with us, so we cannot sign you in with it.",
  email_not_verified: "The provider has not verified your email address yet. Verify it there, then try again.",
  invalid_code: "We could not complete the sign-in with the provider. Please try again.",
  unable_to_get_user_info: "We could not complete the sign-in with the provider. Please try again.",
  invalid_callback_request: "We could not complete the sign-in with the provider. Please try again.",
  internal_server_error: "We could not complete the sign-in with the provider. Please try again.",
  issuer_mismatch: "The provider's answer did not come from the expected issuer. Please try again.",
  oauth_provider_not_found: "That sign-in provider is not available.",
  signup_disabled: "New accounts cannot be created with this provider.",
  unable_to_create_user: "Your account could not be created. Please try again.",
  // Linking from the dashboard.
  email_does_not_match: "That account's email address is not the one of your account here, so it was not linked.",
  account_already_linked_to_different_user: "That account is already linked to another user.",
  unable_to_link_account:
    "That account could not be linked: the provider has not verified its email address, or your session ended.",
};

/// A readable message for a social sign-in or linking error code, or null for other codes.
export function socialError(code: string, description?: string | null): string | null {
  const known = SOCIAL_ERRORS[code];
  if (known) return known;
  // Lower-case codes come from the sign-in flow or the provider; say what they said.
  if (/^[a-z_]+$/.test(code)) {
    return `The sign-in did not work (${code}${description ? `: ${description}` : ""}). Please try again.`;
  }
  return null;
}
