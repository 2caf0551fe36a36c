// Package api serves Autopilot's v1 REST API (/v1/Assistants/...) so that
// the clients users already have (the Twilio helper libraries, the Twilio CLI
// and its autopilot plugin, Terraform providers) manage assistants on Parley
// by changing only their base URL.
//
// # Wire
//
// Requests authenticate with HTTP Basic auth as AccountSid:AuthToken; an
// account sees only its own assistants (another account's SID answers 404,
// as Twilio does). Writes are form-encoded POSTs, an update is a POST to the
// item's URL, and an empty form value counts as absent. Create answers 201,
// fetch and update 200, delete 204. Lists take PageSize, Page and PageToken
// and answer {"<key>": [...], "meta": {...}} with absolute page URLs on the
// server's public address. Errors are Twilio's body {"code", "message",
// "more_info", "status"}.
//
// # Layout
//
// routes.go is the whole surface, one line per route; a file per resource
// holds its handlers, each of which decodes, validates, calls the store and
// writes the resource, returning errors that one wrapper renders.
package api
