package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// notFound is Twilio's 404 for the resource at path.
func notFound(path string) *twilio.Error {
	return twilio.NewError(http.StatusNotFound, twilio.CodeNotFound, "The requested resource %s was not found", path)
}

// missing is the error of a required parameter not given.
func missing(param string) *twilio.Error {
	return twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidParameter, "Missing required parameter %s in the post body", param)
}

// invalid is the error of a parameter with a bad value.
func invalid(param, format string, args ...any) *twilio.Error {
	return twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidValue, "Invalid parameter %s: %s", param, fmt.Sprintf(format, args...))
}

// nameInUse is the error of a unique name taken in its parent.
func nameInUse(what, name string) *twilio.Error {
	return twilio.NewError(http.StatusConflict, twilio.CodeUniqueNameInUse, "UniqueName already in use: %s %q exists", what, name)
}

// storeError turns a store error into the API's: not found is a 404 of the
// request's path, a taken name a 90101 naming what; anything else is
// returned as it is (a 500).
func storeError(r *request, what, name string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return notFound(r.URL.Path)
	case errors.Is(err, store.ErrExists):
		return nameInUse(what, name)
	case errors.Is(err, store.ErrInvalid):
		return twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidValue, "Invalid %s: %v", what, err)
	}
	return err
}

func isInvalid(err error) bool { return errors.Is(err, store.ErrInvalid) }
