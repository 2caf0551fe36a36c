package api

import (
	"github.com/parleyhq/parley/internal/assistant"
	"net/url"
	"strconv"
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

// Lengths the reference sets; the others are the assistant package's, as
// import checks them.
const (
	maxUniqueName = assistant.MaxUniqueName
	maxQuery      = 2048
)

// checkLen fails when the parameter's value is longer than n characters.
func checkLen(key string, v *string, n int) error {
	if v == nil {
		return nil
	}
	if err := assistant.CheckText(*v, n); err != nil {
		return invalid(key, "%v", err)
	}
	return nil
}

// checkUniqueName fails when the parameter's value, if given, cannot be a
// unique name (assistant.CheckUniqueName).
func checkUniqueName(key string, v *string) error {
	if v == nil {
		return nil
	}
	if err := assistant.CheckUniqueName(*v); err != nil {
		return invalid(key, "%v", err)
	}
	return nil
}

// checkNames checks UniqueName and FriendlyName when given.
func (f form) checkNames() error {
	if err := checkUniqueName("UniqueName", f.opt("UniqueName")); err != nil {
		return err
	}
	return checkLen("FriendlyName", f.opt("FriendlyName"), assistant.MaxFriendlyName)
}
