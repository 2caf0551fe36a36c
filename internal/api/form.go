package api

import (
	"net/url"
	"strconv"
	"unicode/utf8"
)

// A form holds a request's parameters. An empty value counts as absent: the
// Twilio CLI plugin sends SynonymOf= for every field value.
type form struct{ url.Values }

// opt returns the parameter, or nil when it is absent or empty.
func (f form) opt(key string) *string {
	v := f.Get(key)
	if v == "" {
		return nil
	}
	return &v
}

// str returns the parameter or "".
func (f form) str(key string) string { return f.Get(key) }

// required returns the parameter, or the error of its absence.
func (f form) required(key string) (string, error) {
	v := f.Get(key)
	if v == "" {
		return "", missing(key)
	}
	return v, nil
}

// boolean returns the parameter as a bool, nil when absent.
func (f form) boolean(key string) (*bool, error) {
	v := f.opt(key)
	if v == nil {
		return nil, nil
	}
	b, err := strconv.ParseBool(*v)
	if err != nil {
		return nil, invalid(key, "%q is not true or false", *v)
	}
	return &b, nil
}

// Lengths the reference sets.
const (
	maxUniqueName   = 64
	maxFriendlyName = 255
	maxQuery        = 2048
)

// checkLen fails when the parameter's value is longer than n characters.
func checkLen(key string, v *string, n int) error {
	if v != nil && utf8.RuneCountInString(*v) > n {
		return invalid(key, "longer than %d characters", n)
	}
	return nil
}

// checkNames checks the lengths of UniqueName and FriendlyName when given.
func (f form) checkNames() error {
	if err := checkLen("UniqueName", f.opt("UniqueName"), maxUniqueName); err != nil {
		return err
	}
	return checkLen("FriendlyName", f.opt("FriendlyName"), maxFriendlyName)
}
