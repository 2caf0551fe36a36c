package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Paging defaults and limits.
const (
	defaultPageSize = 50
	maxPageSize     = 1000
)

// meta is a list's paging envelope.
type meta struct {
	Page            int     `json:"page"`
	PageSize        int     `json:"page_size"`
	FirstPageURL    string  `json:"first_page_url"`
	PreviousPageURL *string `json:"previous_page_url"`
	URL             string  `json:"url"`
	NextPageURL     *string `json:"next_page_url"`
	Key             string  `json:"key"`
}

// A page is the slice [lo, hi) of a list of n items that a request asks for,
// and its envelope.
type page struct {
	lo, hi int
	meta   meta
}

// paginate reads PageSize, Page and PageToken. The token is the offset of the
// page's first item ("PT" and the number); without one, the page starts at
// Page*PageSize. Filters (every other query parameter) are kept in the page
// URLs, which are absolute on the server's public address because clients
// follow next_page_url as it is.
func paginate(r *request, key string, n int) (page, error) {
	q := r.URL.Query()
	size := defaultPageSize
	if v := q.Get("PageSize"); v != "" {
		s, err := strconv.Atoi(v)
		if err != nil || s < 1 || s > maxPageSize {
			return page{}, invalid("PageSize", "must be a number from 1 to %d", maxPageSize)
		}
		size = s
	}
	number := 0
	if v := q.Get("Page"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 0 {
			return page{}, invalid("Page", "must be a number from 0")
		}
		number = p
	}
	lo := number * size
	if v := q.Get("PageToken"); v != "" {
		off, err := strconv.Atoi(strings.TrimPrefix(v, "PT"))
		if !strings.HasPrefix(v, "PT") || err != nil || off < 0 {
			return page{}, invalid("PageToken", "not a page token of this list")
		}
		lo = off
	}
	lo = min(lo, n)
	hi := min(lo+size, n)

	filters := url.Values{}
	for k, vs := range q {
		switch k {
		case "PageSize", "Page", "PageToken":
		default:
			filters[k] = vs
		}
	}
	link := func(number, offset int) string {
		v := url.Values{}
		for k, vs := range filters {
			v[k] = vs
		}
		v.Set("PageSize", strconv.Itoa(size))
		v.Set("Page", strconv.Itoa(number))
		if offset > 0 {
			v.Set("PageToken", "PT"+strconv.Itoa(offset))
		}
		return r.base + r.URL.Path + "?" + v.Encode()
	}
	m := meta{
		Page:         number,
		PageSize:     size,
		FirstPageURL: link(0, 0),
		URL:          link(number, lo),
		Key:          key,
	}
	if lo > 0 {
		prev := link(max(number-1, 0), max(lo-size, 0))
		m.PreviousPageURL = &prev
	}
	if hi < n {
		next := link(number+1, hi)
		m.NextPageURL = &next
	}
	return page{lo: lo, hi: hi, meta: m}, nil
}

// writeList writes the page of items a request asks for as
// {"<key>": [...], "meta": {...}}, each item of the page converted by conv.
func writeList[S, T any](w http.ResponseWriter, r *request, key string, items []S, conv func(S) T) error {
	p, err := paginate(r, key, len(items))
	if err != nil {
		return err
	}
	out := make([]T, 0, p.hi-p.lo)
	for _, it := range items[p.lo:p.hi] {
		out = append(out, conv(it))
	}
	return writeJSON(w, http.StatusOK, map[string]any{key: out, "meta": p.meta})
}
