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

//go:generate go run ./internal/generrors

// Title returns the catalogue title of a code (errors.json), "" when Parley
// does not know it.
func Title(code int) string { return catalogue[code].Title }

// Errorf returns the API error of a code, with the HTTP status errors.json
// gives it and a message.
func Errorf(code int, format string, args ...any) *Error {
	status := catalogue[code].Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	return NewError(status, code, format, args...)
}

// WriteError writes e as a JSON response with e.Status.
func WriteError(w http.ResponseWriter, e *Error) {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="Parley"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	json.NewEncoder(w).Encode(e)
}
