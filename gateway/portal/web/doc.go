// Package web is the foundation of sekisho's web pages, shared by the LGWAN-side portal
// and the Internet-side transfer listener: a fasthttp server with a small router whose
// every route declares who may use it, server-side sessions (accounts), CSRF protection
// on every state change, security headers (a strict Content-Security-Policy with no inline
// script, frame denial), html/template pages with embedded assets in Japanese and English,
// and an audit hook for logins and object access.
//
// The security rules live here, once, so that a page cannot forget them:
//   - a route is registered with an Access; nothing is reachable without one, and the
//     route table can be listed (tests walk it to try every route with every role);
//   - every POST carries a token bound to the session (or, before login, to a pre-session
//     cookie) and must come from the same origin (Sec-Fetch-Site, Origin);
//   - responses are rendered into a buffer and written whole, with no-store caching;
//   - templates are html/template, so attacker text (subjects, file names) is escaped in
//     its context;
//   - a session is bound to the address it logged in from, and the session token changes
//     at every step of the login.
//
// Why fasthttp for pages as well as uploads: the transfer listener must stream multi-GB
// bodies with fasthttp, and one HTTP stack means one set of middleware, one set of
// timeouts and one place where the fasthttp rules (never keep ctx after the handler) are
// followed. What net/http would have given for free (cross-origin protection, body
// limits) is a few lines here, tested.
package web
