package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
)

// SignatureHeader is the HTTP header that carries a request's signature.
const SignatureHeader = "X-Twilio-Signature"

// Signature computes X-Twilio-Signature for a request to fullURL: the
// HMAC-SHA1, keyed by the account's auth token, of the URL followed by every
// POST parameter name and value, names sorted, and each name's values sorted.
// For a GET request pass nil params: the parameters are already in the URL.
func Signature(authToken, fullURL string, params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		vals := slices.Clone(params[k])
		slices.Sort(vals)
		for _, v := range vals {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	m := hmac.New(sha1.New, []byte(authToken))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// ValidSignature reports whether sig is a valid signature of a request to
// fullURL with params. Like Twilio's own validators, it accepts the signature
// computed with and without the default port in the URL.
func ValidSignature(authToken, fullURL string, params url.Values, sig string) bool {
	for _, u := range urlVariants(fullURL) {
		want := Signature(authToken, u, params)
		if subtle.ConstantTimeCompare([]byte(want), []byte(sig)) == 1 {
			return true
		}
	}
	return false
}

// urlVariants returns fullURL, and the same URL with the default port added or
// removed.
func urlVariants(fullURL string) []string {
	u, err := url.Parse(fullURL)
	if err != nil || u.Host == "" {
		return []string{fullURL}
	}
	def := map[string]string{"https": "443", "http": "80"}[u.Scheme]
	if def == "" {
		return []string{fullURL}
	}
	other := *u
	if u.Port() == def {
		other.Host = u.Hostname()
		if strings.Contains(other.Host, ":") {
			other.Host = "[" + other.Host + "]"
		}
	} else if u.Port() == "" {
		other.Host = u.Host + ":" + def
	} else {
		return []string{fullURL}
	}
	return []string{fullURL, other.String()}
}

// ValidBasicAuth reports whether HTTP Basic auth credentials are an
// account's SID and auth token, comparing both in constant time.
func ValidBasicAuth(user, pass, accountSID, authToken string) bool {
	u := subtle.ConstantTimeCompare([]byte(user), []byte(accountSID))
	p := subtle.ConstantTimeCompare([]byte(pass), []byte(authToken))
	return u&p == 1 && authToken != ""
}
