package assistant

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on the strings of an assistant: Autopilot's where its
// documentation gives one, else a bound chosen so that no single string
// can make a model build huge. Import and the REST API check the same ones.
const (
	MaxUniqueName   = 64   // Autopilot's, for every resource
	MaxFriendlyName = 255  // Autopilot's
	MaxSampleText   = 2048 // as a Query's text (Autopilot's 2,048)
	MaxFieldValue   = 255  // a value or a synonym of a custom field type
	MaxLanguage     = 35   // a language tag such as en-US
)

var sidShape = regexp.MustCompile(`^[A-Za-z]{2}[0-9a-fA-F]{32}$`)

// CheckUniqueName says why name cannot be a unique name, or returns nil:
// it must be valid UTF-8 of at most MaxUniqueName characters, without
// control characters or '/', and not shaped like a SID (two letters and 32
// hex digits), which URLs would take for one.
func CheckUniqueName(name string) error {
	switch {
	case !utf8.ValidString(name):
		return errors.New("not valid UTF-8")
	case utf8.RuneCountInString(name) > MaxUniqueName:
		return fmt.Errorf("longer than %d characters", MaxUniqueName)
	case strings.ContainsRune(name, '/'):
		return errors.New("contains '/'")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return errors.New("contains a control character")
	case sidShape.MatchString(name):
		return errors.New("shaped like a SID (two letters and 32 hex digits)")
	}
	return nil
}

// CheckText says why s cannot be a text of at most n characters, or
// returns nil.
func CheckText(s string, n int) error {
	if !utf8.ValidString(s) {
		return errors.New("not valid UTF-8")
	}
	if utf8.RuneCountInString(s) > n {
		return fmt.Errorf("longer than %d characters", n)
	}
	return nil
}
