// Package portal is sekisho's LGWAN-side web application: the operators' quarantine
// console (search, safe preview, release with a reason and optionally a second person,
// delete, the original for admins only), staff self-service (items held for me, release
// requests), the PPAP password page (decrypt in memory, sanitize, deliver), the audit log
// view and the dashboard. It is built on gateway/portal/web, which holds the security
// rules; this package holds the pages and the rule that decides who may see an item.
//
// Every page view of an item, preview, release, download and login is in the audit log
// (quarantine.Service.Audit); an audit failure fails the request. Subjects, senders, file
// names and reasons are attacker text: they only ever reach html/template.
package portal
