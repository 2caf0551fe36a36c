// Package twilio holds the wire facts Parley shares with Twilio: SIDs, the
// X-Twilio-Signature algorithm, error codes and form decoding. Keeping them
// here leaves the domain packages free of Twilio's spelling.
package twilio

import (
	"crypto/rand"
	"encoding/hex"
)

// SID prefixes of the resources Parley serves.
const (
	PrefixAccount    = "AC"
	PrefixAssistant  = "UA"
	PrefixFieldType  = "UB"
	PrefixFieldValue = "UC"
	PrefixTask       = "UD"
	PrefixField      = "UE"
	PrefixSample     = "UF"
	PrefixModelBuild = "UG"
	PrefixQuery      = "UH"
	PrefixDialogue   = "UK"
	PrefixWebhook    = "UM"
)

// NewSID returns a new random SID: the two-letter prefix and 32 lower-case
// hex digits.
func NewSID(prefix string) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return prefix + hex.EncodeToString(b[:])
}

// IsSID reports whether s is a SID with the given prefix: the prefix and 32
// hex digits.
func IsSID(prefix, s string) bool {
	if len(s) != 34 || s[:2] != prefix {
		return false
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// NewAuthToken returns a new random auth token: 32 lower-case hex digits.
func NewAuthToken() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}
