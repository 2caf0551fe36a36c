package console

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/parleyhq/parley/internal/channels/twiliohook"
	"github.com/parleyhq/parley/internal/store"
)

// parseOrigins reads the web chat's allowed origins, one per line or
// separated by spaces: scheme://host[:port], as browsers send Origin.
func parseOrigins(text string) ([]string, error) {
	var out []string
	for _, o := range strings.Fields(text) {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("%q is not an origin: write scheme://host[:port], like https://shop.example.com", o)
		}
		origin := u.Scheme + "://" + strings.ToLower(u.Host)
		if !slices.Contains(out, origin) {
			out = append(out, origin)
		}
	}
	return out, nil
}

func (h *Handler) saveWebChat(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return h.assistantPage(w, r, acct, http.StatusBadRequest, page{Error: "The form could not be read."}, nil)
	}
	ref, err := h.Store.AssistantRef(r.Context(), acct.SID, r.PathValue("Assistant"))
	if err != nil {
		return err // ErrNotFound answers 404
	}
	origins, err := parseOrigins(r.PostForm.Get("Origins"))
	if err != nil {
		return h.assistantPage(w, r, acct, http.StatusBadRequest, page{Fields: map[string]string{"Origins": err.Error()}}, map[string]string{"Origins": r.PostForm.Get("Origins")})
	}
	wc, err := h.Store.WebChat(r.Context(), ref.SID)
	if err != nil {
		return err
	}
	wc.Enabled, wc.Origins = r.PostForm.Get("Enabled") != "", origins
	if err := h.Store.SetWebChat(r.Context(), acct.SID, wc); err != nil {
		return err
	}
	http.Redirect(w, r, "/console/assistants/"+ref.SID+"?done="+url.QueryEscape("Web chat saved."), http.StatusSeeOther)
	return nil
}

// baseURL is the server's base URL as the browser reached it.
func (h *Handler) baseURL(r *http.Request) string {
	return twiliohook.BaseURL(r, h.PublicURL, h.TrustedProxies)
}
