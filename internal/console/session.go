package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// cookieName is the session cookie's name.
const cookieName = "parley_console"

// SessionTTL is how long a sign-in lasts.
const SessionTTL = 12 * time.Hour

// sessionValue is the cookie value of a session of account until expires:
// the SID, the expiry, and an HMAC of both keyed by the account's token.
func sessionValue(acct store.Account, expires time.Time) string {
	payload := acct.SID + "." + strconv.FormatInt(expires.Unix(), 10)
	return payload + "." + sessionMAC(acct.AuthToken, payload)
}

func sessionMAC(token, payload string) string {
	m := hmac.New(sha256.New, []byte("parley-console\x00"+token))
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

var errNoSession = errors.New("not signed in")

// session returns the account of r's session cookie, or errNoSession.
func (h *Handler) session(r *http.Request) (store.Account, error) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return store.Account{}, errNoSession
	}
	sid, rest, ok := strings.Cut(c.Value, ".")
	if !ok {
		return store.Account{}, errNoSession
	}
	exp, mac, ok := strings.Cut(rest, ".")
	if !ok {
		return store.Account{}, errNoSession
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || h.now().After(time.Unix(unix, 0)) {
		return store.Account{}, errNoSession
	}
	acct, err := h.Accounts.Account(r.Context(), sid)
	if err != nil {
		return store.Account{}, errNoSession
	}
	if !hmac.Equal([]byte(mac), []byte(sessionMAC(acct.AuthToken, sid+"."+exp))) {
		return store.Account{}, errNoSession
	}
	return acct, nil
}

// setSession writes the session cookie of acct.
func (h *Handler) setSession(w http.ResponseWriter, r *http.Request, acct store.Account) {
	exp := h.now().Add(SessionTTL)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: sessionValue(acct, exp), Path: "/console/",
		Expires: exp, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: h.secure(r)})
}

// clearSession removes the session cookie.
func (h *Handler) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/console/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: h.secure(r)})
}

// secure reports whether the console is reached over TLS: directly, as the
// public URL says, or as a trusted proxy that terminates TLS says.
func (h *Handler) secure(r *http.Request) bool {
	return strings.HasPrefix(h.baseURL(r), "https://")
}
