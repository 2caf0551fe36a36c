// Package console serves Parley's web console under /console/: sign-in with
// an account SID and auth token, and pages to build, try and review bots in
// the browser. Pages are Go templates rendered on the server, their assets
// embedded in the binary; there is no build step.
//
// Every change goes through the REST API's own handlers, in process, with
// the signed-in account's credentials: the console validates as the API
// does, and shows the API's errors (with their JSON paths) next to the field
// that caused them. Forms are protected against cross-site requests by
// [http.CrossOriginProtection]; the session cookie is HttpOnly,
// SameSite=Strict, Secure behind TLS, and signed with the account's auth
// token, so that any node of a cluster can check it and a new token ends
// every session.
package console
