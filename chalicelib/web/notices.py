"""Short messages shown at the top of a page after a redirect (?notice=<key>)."""
from __future__ import annotations

from chalicelib.core.translation import N_

NOTICES: dict[str, str] = {
    "registered": N_("Your account was created. We sent you an email: follow its link to verify "
                  "your address, then log in."),
    "verified": N_("Your email address is verified."),
    "logged-out": N_("You are logged out."),
    "reset-sent": N_("If an account matches, we sent a link to reset its password. "
                  "It works once and expires within an hour."),
    "reset-done": N_("Your password was reset. Log in with your new password."),
    "password-changed": N_("Your password was changed. Your other sessions were logged out."),
    "email-added": N_("Email address added. Follow the link we sent to verify it."),
    "verification-sent": N_("We sent a new verification email."),
    "login-required": N_("Please log in to continue."),
    "login-expired": N_("Your login took too long or is no longer valid. Please log in again."),
    "verify-first": N_("Verify your primary email address before adding a second factor: "
                    "follow the link we mailed you, or send a new one below."),
    "totp-exists": N_("Your account already has an authenticator app."),
    "totp-added": N_("Authenticator app added. You will be asked for a code when you log in."),
    "totp-added-make-codes": N_("Authenticator app added. Now generate recovery codes, so a lost phone "
                             "does not lock you out."),
    "totp-removed": N_("Authenticator app removed."),
    "two-factor-required": N_("Set up two-factor authentication first: it is required to manage projects "
                           "and API tokens."),
    "recovery-code-used": N_("You logged in with a recovery code; it cannot be used again. "
                          "Generate new codes when you run low."),
    "recovery-codes-used-up": N_("You logged in with your last recovery code. Generate new codes now."),
    "webauthn-added": N_("Security key added. You can use it at the second login step."),
    "webauthn-removed": N_("Security key removed."),
    "passkey-removed": N_("Passkey removed."),
    "passkey-added": N_("Passkey added. You can now sign in with it alone, without your password."),
    "token-revoked": N_("API token revoked. It stopped working at once."),
    "user-sessions-ended": N_("Every session of this user was ended."),
    "recovery-requested": N_("Your request was sent. If an account matches, the administrators will check it and "
                          "write to its verified addresses."),
    "recovery-cancelled": N_("The recovery was cancelled. Nothing on the account changed."),
    "recovered": N_("Your account is recovered and every other session logged out. Add a new second factor now: "
                 "it is required to maintain projects and make API tokens."),
    "recovery-started": N_("Recovery started. Every verified address of the account was mailed."),
    "admin-recovery-cancelled": N_("Recovery cancelled. The user was told."),
    "session-ended": N_("Session ended: that browser is logged out."),
    "sessions-ended": N_("Every other session was ended: those browsers are logged out."),
    "device-forgotten": N_("Device forgotten: its next login counts as one from a new device."),
    "release-yanked": N_("Release yanked. Installers skip it unless it is pinned with ==."),
    "release-unyanked": N_("Release un-yanked. Installers may choose it again."),
    "release-deleted": N_("Release deleted. Its filenames can never be used again."),
    "file-deleted": N_("File deleted. Its filename can never be used again."),
    "project-deleted": N_("Project deleted. Its name is free again; its filenames can never be used again."),
    "invited": N_("Invitation sent. It appears below until it is answered, revoked or expires."),
    "invitation-revoked": N_("Invitation revoked. Its link no longer works."),
    "role-changed": N_("Role changed. It took effect at once, for API tokens too."),
    "collaborator-removed": N_("Collaborator removed. Their uploads, and their API tokens, are refused from now on."),
    "left-project": N_("You left the project."),
    "invitation-accepted": N_("Invitation accepted. You are now a collaborator on this project."),
    "invitation-declined": N_("Invitation declined."),
    "publisher-added": N_("Trusted publisher added. Its workflow can now upload to this project."),
    "publisher-removed": N_("Trusted publisher removed. Tokens it minted stop at the latest 15 minutes after "
                            "they were made."),
    "pending-publisher-added": N_("Pending publisher added. Its first upload creates the project, with you as "
                                  "its Owner."),
    "pending-publisher-removed": N_("Pending publisher removed."),
    "webhook-removed": N_("Webhook removed. It receives nothing from now on."),
    "webhook-redelivered": N_("The delivery is sent again within a minute, with the same delivery id."),
    "invitation-needs-two-factor": N_("Set up two-factor authentication first: collaborators on a project need it. "
                                   "Then accept the invitation under Your projects."),
    "admin-saved": N_("Saved. Every server sees the change within 30 seconds."),
    "user-suspended": N_("User suspended. Their sessions ended, and their logins and API tokens are refused."),
    "user-restored": N_("User restored. They can log in and use their API tokens again."),
    "project-quarantined": N_("Project quarantined. Installers are offered none of its files."),
    "project-released": N_("Project released from quarantine. Its files are offered to installers again."),
    "name-prohibited": N_("Name prohibited. No new project may take it, in any spelling."),
    "name-released": N_("Name released. Anyone may now make a project of it."),
    "project-archived": N_("Project archived. It takes no new uploads; its files can still be installed."),
    "project-unarchived": N_("Project unarchived. It takes new uploads again."),
    "organization-created": N_("Organization created. You are its Owner: invite its members below."),
    "organization-saved": N_("Organization settings saved."),
    "organization-project-created": N_("Project created in the organization: its first upload adds its first "
                                       "release."),
    "organization-approved": N_("Organization approved: its creator was mailed."),
    "organization-declined": N_("Organization declined and removed: its creator was mailed the reason."),
    "member-invited": N_("Invitation sent. It works for 7 days."),
    "member-changed": N_("Role changed."),
    "member-removed": N_("Member removed."),
    "left-organization": N_("You left the organization."),
    "team-created": N_("Team created. Add its members, then grant it roles on the organization's projects."),
    "team-changed": N_("Team changed. Its members have its roles on its projects from now on."),
    "project-transferred": N_("Project transferred into the organization."),
    "project-transferred-out": N_("Project transferred out of the organization: the roles it granted are gone."),
    "organization-joined": N_("Invitation accepted. You are now a member of this organization."),
    "organization-needs-two-factor": N_("Set up two-factor authentication first: members of an organization need "
                                        "it. Then open the invitation again."),
    "project-private": N_("Project made private. Only its collaborators can see and install it."),
    "project-public": N_("Project made public. Anyone can see and install it."),
}
