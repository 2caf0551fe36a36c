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

// window reads PageSize, Page and PageToken: the page's number, the offset
// of its first item and its size. The token is that offset ("PT" and the
// number); without one, the page starts at Page*PageSize.
func window(r *request) (number, lo, size int, err error) {
	q := r.URL.Query()
	size = defaultPageSize
	if v := q.Get("PageSize"); v != "" {
		s, err := strconv.Atoi(v)
		if err != nil || s < 1 || s > maxPageSize {
			return 0, 0, 0, invalid("PageSize", "must be a number from 1 to %d", maxPageSize)
		}
		size = s
	}
	if v := q.Get("Page"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 0 {
			return 0, 0, 0, invalid("Page", "must be a number from 0")
		}
		number = p
	}
	lo = number * size
	if v := q.Get("PageToken"); v != "" {
		off, err := strconv.Atoi(strings.TrimPrefix(v, "PT"))
		if !strings.HasPrefix(v, "PT") || err != nil || off < 0 {
			return 0, 0, 0, invalid("PageToken", "not a page token of this list")
		}
		lo = off
	}
	return number, lo, size, nil
}

// paginate is the page of a list of n items that a request asks for.
func paginate(r *request, key string, n int) (page, error) {
	number, lo, size, err := window(r)
	if err != nil {
		return page{}, err
	}
	lo = min(lo, n)
	hi := min(lo+size, n)
	return page{lo: lo, hi: hi, meta: pageMeta(r, key, number, lo, hi, size, hi < n)}, nil
}

// pageMeta is the envelope of the page [lo, hi) of a list, more when items
// follow it. Filters (every other query parameter) are kept in the page
// URLs, which are absolute on the server's public address because clients
// follow next_page_url as it is.
func pageMeta(r *request, key string, number, lo, hi, size int, more bool) meta {
	filters := url.Values{}
	for k, vs := range r.URL.Query() {
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
	if more {
		next := link(number+1, hi)
		m.NextPageURL = &next
	}
	return m
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

// writeFetchedList writes a page as writeList does, for a list too long to
// read whole: fetch returns at most limit items from offset.
func writeFetchedList[S, T any](w http.ResponseWriter, r *request, key string, fetch func(offset, limit int) ([]S, error), conv func(S) T) error {
	number, lo, size, err := window(r)
	if err != nil {
		return err
	}
	items, err := fetch(lo, size+1) // one more tells whether a page follows
	if err != nil {
		return err
	}
	more := len(items) > size
	items = items[:min(len(items), size)]
	out := make([]T, 0, len(items))
	for _, it := range items {
		out = append(out, conv(it))
	}
	return writeJSON(w, http.StatusOK, map[string]any{key: out, "meta": pageMeta(r, key, number, lo, lo+len(items), size, more)})
}
