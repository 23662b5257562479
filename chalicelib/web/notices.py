"""Short messages shown at the top of a page after a redirect (?notice=<key>)."""
from __future__ import annotations

NOTICES: dict[str, str] = {
    "registered": "Your account was created. We sent you an email: follow its link to verify "
                  "your address, then log in.",
    "verified": "Your email address is verified.",
    "logged-out": "You are logged out.",
    "reset-sent": "If an account matches, we sent a link to reset its password. "
                  "It works once and expires within an hour.",
    "reset-done": "Your password was reset. Log in with your new password.",
    "password-changed": "Your password was changed. Your other sessions were logged out.",
    "email-added": "Email address added. Follow the link we sent to verify it.",
    "verification-sent": "We sent a new verification email.",
    "login-required": "Please log in to continue.",
    "login-expired": "Your login took too long or is no longer valid. Please log in again.",
    "verify-first": "Verify your primary email address before adding a second factor: "
                    "follow the link we mailed you, or send a new one below.",
    "totp-exists": "Your account already has an authenticator app.",
    "totp-added": "Authenticator app added. You will be asked for a code when you log in.",
    "totp-added-make-codes": "Authenticator app added. Now generate recovery codes, so a lost phone "
                             "does not lock you out.",
    "totp-removed": "Authenticator app removed.",
    "two-factor-required": "Set up two-factor authentication first: it is required to manage projects "
                           "and API tokens.",
    "recovery-code-used": "You logged in with a recovery code; it cannot be used again. "
                          "Generate new codes when you run low.",
    "recovery-codes-used-up": "You logged in with your last recovery code. Generate new codes now.",
    "webauthn-added": "Security key added. You can use it at the second login step.",
    "webauthn-removed": "Security key removed.",
    "token-revoked": "API token revoked. It stopped working at once.",
    "release-yanked": "Release yanked. Installers skip it unless it is pinned with ==.",
    "release-unyanked": "Release un-yanked. Installers may choose it again.",
    "release-deleted": "Release deleted. Its filenames can never be used again.",
    "file-deleted": "File deleted. Its filename can never be used again.",
    "project-deleted": "Project deleted. Its name is free again; its filenames can never be used again.",
    "invited": "Invitation sent. It appears below until it is answered, revoked or expires.",
    "invitation-revoked": "Invitation revoked. Its link no longer works.",
    "role-changed": "Role changed. It took effect at once, for API tokens too.",
    "collaborator-removed": "Collaborator removed. Their uploads, and their API tokens, are refused from now on.",
    "left-project": "You left the project.",
    "invitation-accepted": "Invitation accepted. You are now a collaborator on this project.",
    "invitation-declined": "Invitation declined.",
    "invitation-needs-two-factor": "Set up two-factor authentication first: collaborators on a project need it. "
                                   "Then accept the invitation under Your projects.",
}
