// Package accounts holds the portal's users and sessions: local accounts with argon2id
// password hashes and RFC 6238 TOTP, optional LDAP / Active Directory bind for staff,
// roles, login rate limiting and lockout, and server-side sessions with idle and absolute
// timeouts.
//
// State lives in SQL tables (users, sessions, meta) on a *sql.DB the caller opens, so the
// same code runs on the embedded SQLite file and, later, on a shared database. Session
// tokens and TOTP secrets are never logged; the sessions table stores only the SHA-256 of
// each token, so a copy of the database does not let anyone in.
package accounts
