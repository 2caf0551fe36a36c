package twilio

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// An Error is Twilio's error body: {"code", "message", "more_info", "status"}.
type Error struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Message) }

// NewError returns an Error with the more_info link of its code.
func NewError(status, code int, format string, args ...any) *Error {
	return &Error{
		Code:     code,
		Message:  fmt.Sprintf(format, args...),
		MoreInfo: fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code),
		Status:   status,
	}
}

// Codes Parley answers with.
const (
	CodeInvalidParameter = 20001 // a parameter is missing or invalid
	CodeAuthenticate     = 20003
	CodeNotFound         = 20404
	CodeInternal         = 20500
)

// WriteError writes e as a JSON response with e.Status.
func WriteError(w http.ResponseWriter, e *Error) {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="Parley"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	json.NewEncoder(w).Encode(e)
}
