package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// A remote is the REST API of a running Parley server (or any server of
// Autopilot's v1 API), used as one account with HTTP Basic auth, as the
// Twilio CLI's autopilot plugin used Twilio's.
type remote struct {
	base       string // scheme://host[/prefix], no trailing slash
	accountSID string
	authToken  string
	client     *http.Client
}

// newRemote returns the remote at server, authenticated as
// PARLEY_ACCOUNT_SID with PARLEY_AUTH_TOKEN, which must both be set.
func newRemote(e *env, server string) (*remote, error) {
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: --server %q: want the server's base URL, such as http://127.0.0.1:8080", errUsage, server)
	}
	sid, token := e.getenv("PARLEY_ACCOUNT_SID"), e.getenv("PARLEY_AUTH_TOKEN")
	if sid == "" || token == "" {
		return nil, fmt.Errorf("--server %s: set PARLEY_ACCOUNT_SID and PARLEY_AUTH_TOKEN to the account's SID and auth token (HTTP Basic auth)", server)
	}
	return &remote{
		base:       strings.TrimSuffix(server, "/"),
		accountSID: sid,
		authToken:  token,
		client:     &http.Client{Timeout: time.Minute},
	}, nil
}

// An apiError is an error answer of the API: Twilio's JSON error body and the
// request it answers.
type apiError struct {
	Method   string `json:"-"`
	Path     string `json:"-"`
	Status   int    `json:"status"`
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s %s: %d %d %s", e.Method, e.Path, e.Status, e.Code, e.Message)
}

// isNotFound reports whether err is the API's 404.
func isNotFound(err error) bool {
	ae, ok := errors.AsType[*apiError](err)
	return ok && ae.Status == http.StatusNotFound
}

// do sends a request to target (a path under the base URL, or an absolute
// URL the server gave, such as a next page) with params as the form of a
// POST or the query of a GET, and decodes a JSON answer into out unless out
// is nil. An answer of 400 or above is an *apiError.
func (r *remote) do(ctx context.Context, method, target string, params url.Values, out any) error {
	if !strings.Contains(target, "://") {
		target = r.base + target
	}
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(params.Encode())
	} else if len(params) > 0 {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + params.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(r.accountSID, r.authToken)
	resp, err := r.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, req.URL.Path, err)
	}
	if resp.StatusCode >= 400 {
		ae := &apiError{}
		if json.Unmarshal(data, ae) != nil || ae.Message == "" {
			ae = &apiError{Status: resp.StatusCode, Message: strings.TrimSpace(string(data))}
			if ae.Message == "" || len(ae.Message) > 200 {
				ae.Message = http.StatusText(resp.StatusCode)
			}
		}
		ae.Method, ae.Path = method, req.URL.Path
		if ae.Status == 0 {
			ae.Status = resp.StatusCode
		}
		return ae
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: answer is not the JSON expected: %w", method, req.URL.Path, err)
	}
	return nil
}

func (r *remote) get(ctx context.Context, path string, out any) error {
	return r.do(ctx, http.MethodGet, path, nil, out)
}

func (r *remote) post(ctx context.Context, path string, params url.Values, out any) error {
	return r.do(ctx, http.MethodPost, path, params, out)
}

func (r *remote) delete(ctx context.Context, path string) error {
	return r.do(ctx, http.MethodDelete, path, nil, nil)
}

// listPageSize is the page size asked of lists; the server may give less.
const listPageSize = 1000

// list reads every page of the list at path (its items under key), following
// meta.next_page_url to the end.
func list[T any](ctx context.Context, r *remote, path, key string) ([]T, error) {
	var all []T
	next := path
	params := url.Values{"PageSize": {fmt.Sprint(listPageSize)}}
	seen := map[string]bool{}
	for next != "" {
		if seen[next] {
			return nil, fmt.Errorf("GET %s: the list's next_page_url goes round in a loop", path)
		}
		seen[next] = true
		var page map[string]json.RawMessage
		if err := r.do(ctx, http.MethodGet, next, params, &page); err != nil {
			return nil, err
		}
		params = nil // next_page_url carries the page size
		var items []T
		if err := json.Unmarshal(page[key], &items); err != nil {
			return nil, fmt.Errorf("GET %s: the answer has no list %q: %w", path, key, err)
		}
		all = append(all, items...)
		var meta struct {
			NextPageURL *string `json:"next_page_url"`
		}
		if raw, ok := page["meta"]; ok {
			if err := json.Unmarshal(raw, &meta); err != nil {
				return nil, fmt.Errorf("GET %s: meta: %w", path, err)
			}
		}
		next = ""
		if meta.NextPageURL != nil {
			next = *meta.NextPageURL
		}
	}
	return all, nil
}

// segment escapes a SID or unique name for a URL path.
func segment(s string) string { return url.PathEscape(s) }

// The API's resources, as far as import and export read them.
type (
	assistantResource struct {
		SID          string  `json:"sid"`
		UniqueName   string  `json:"unique_name"`
		FriendlyName *string `json:"friendly_name"`
		LogQueries   bool    `json:"log_queries"`
	}
	taskResource struct {
		SID          string  `json:"sid"`
		UniqueName   string  `json:"unique_name"`
		FriendlyName *string `json:"friendly_name"`
		ActionsURL   *string `json:"actions_url"`
	}
	fieldResource struct {
		SID        string `json:"sid"`
		UniqueName string `json:"unique_name"`
		FieldType  string `json:"field_type"`
	}
	sampleResource struct {
		SID           string  `json:"sid"`
		Language      string  `json:"language"`
		TaggedText    string  `json:"tagged_text"`
		SourceChannel *string `json:"source_channel"`
	}
	fieldTypeResource struct {
		SID          string  `json:"sid"`
		UniqueName   string  `json:"unique_name"`
		FriendlyName *string `json:"friendly_name"`
	}
	fieldValueResource struct {
		SID       string  `json:"sid"`
		Language  string  `json:"language"`
		Value     string  `json:"value"`
		SynonymOf *string `json:"synonym_of"` // the canonical value's SID
	}
	// documentResource is a task's Actions, an assistant's Defaults or its
	// StyleSheet.
	documentResource struct {
		Data json.RawMessage `json:"data"`
	}
	modelBuildResource struct {
		SID           string  `json:"sid"`
		UniqueName    string  `json:"unique_name"`
		Status        string  `json:"status"`
		BuildDuration *int    `json:"build_duration"`
		ErrorCode     *int    `json:"error_code"`
		ErrorMessage  *string `json:"error_message"`
	}
)

// deref returns *s, or "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
