// Package webhook makes Parley's outbound Autopilot Requests: it encodes the
// parameters, signs them with X-Twilio-Signature, enforces the timeout and the
// response size limit, and, when the operator asks for it, refuses targets
// outside an allow list. Link-local and cloud metadata addresses are refused
// unless the allow list names them. Every address dialled is checked, the
// hops of an HTTP redirect as much as the first, and a signature is only
// ever sent to the URL it was computed for. A [Client] never retries:
// webhooks may not be idempotent.
package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/parleyhq/parley/internal/twilio"
)

// Defaults of [Options].
const (
	DefaultTimeout = 10 * time.Second
	DefaultMaxBody = 16 << 10 // Autopilot's 16 KB limit on Actions JSON
	UserAgent      = "TwilioProxy/1.1 (Parley)"
	// MaxRedirects is how many HTTP redirects a request follows.
	MaxRedirects = 3
)

// refusedNets are never dialled unless the allow list names them: the
// link-local ranges, where cloud metadata services answer (169.254.169.254,
// fd00:ec2::254 on AWS's IPv6).
var refusedNets = []netip.Prefix{
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("fe80::/10"),
	netip.MustParsePrefix("fd00:ec2::254/128"),
}

// Options configure a [Client].
type Options struct {
	Timeout time.Duration // per request; DefaultTimeout when zero
	MaxBody int64         // largest accepted response body; DefaultMaxBody when zero
	// Allow, when not empty, restricts targets to these host names and IP
	// prefixes ("hooks.example.com", "10.0.0.0/8", "127.0.0.1/32"). The IP
	// actually dialled is checked, so DNS cannot route around it.
	Allow []string
	// Observe, when set, is told of every request: 0 for a success, else
	// the Twilio error code of its failure, and how long it took.
	Observe func(code int, took time.Duration)
}

// A Client sends Autopilot Requests. It is safe for concurrent use.
type Client struct {
	hc      *http.Client
	timeout time.Duration
	maxBody int64
	hosts   map[string]bool
	nets    []netip.Prefix
	observe func(code int, took time.Duration)
}

// New returns a Client. It fails when an Allow entry is neither a host name
// nor an IP prefix.
func New(opts Options) (*Client, error) {
	c := &Client{timeout: opts.Timeout, maxBody: opts.MaxBody, observe: opts.Observe}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBody
	}
	for _, a := range opts.Allow {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if p, err := netip.ParsePrefix(a); err == nil {
			c.nets = append(c.nets, p.Masked())
			continue
		}
		if ip, err := netip.ParseAddr(a); err == nil {
			c.nets = append(c.nets, netip.PrefixFrom(ip, ip.BitLen()))
			continue
		}
		if strings.ContainsAny(a, "/: ") {
			return nil, fmt.Errorf("webhook allow list: %q is neither a host name nor an IP prefix", a)
		}
		if c.hosts == nil {
			c.hosts = map[string]bool{}
		}
		c.hosts[strings.ToLower(a)] = true
	}
	dialer := &net.Dialer{Timeout: c.timeout, ControlContext: c.checkDial}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// The host dialled, before it is resolved: a host the allow list names
	// may have any address. Each connection is checked on its own, so a
	// redirect to another host is checked like a first request.
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, _, err := net.SplitHostPort(addr); err == nil && c.hosts[strings.ToLower(host)] {
			ctx = context.WithValue(ctx, allowedHostKey{}, true)
		}
		return dialer.DialContext(ctx, network, addr)
	}
	tr.MaxIdleConnsPerHost = 16
	tr.Proxy = nil
	c.hc = &http.Client{Transport: tr, CheckRedirect: c.checkRedirect}
	return c, nil
}

// checkRedirect follows at most MaxRedirects redirects, to http(s) URLs whose
// host is not refused, and signs the request again for a hop on the same
// origin (scheme and host) only: a signature never goes to another host.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return errTooManyRedirects
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w: %q is not an http or https URL", errBadRedirect, req.URL.Redacted())
	}
	if ip, err := netip.ParseAddr(req.URL.Hostname()); err == nil && !c.ipDialable(ip) {
		return errRefusedIP
	}
	req.Header.Del(twilio.SignatureHeader)
	first := via[0].URL
	sig, ok := req.Context().Value(signingKey{}).(signing)
	if ok && req.URL.Scheme == first.Scheme && strings.EqualFold(req.URL.Host, first.Host) {
		var params url.Values
		if req.Method == http.MethodPost {
			params = sig.params
		}
		req.Header.Set(twilio.SignatureHeader, twilio.Signature(sig.token, req.URL.String(), params))
	}
	return nil
}

var (
	errTooManyRedirects = fmt.Errorf("more than %d redirects", MaxRedirects)
	errBadRedirect      = errors.New("redirect")
)

// signing is what a request's signature is made of, for the hops of a
// redirect.
type signing struct {
	token  string
	params url.Values
}

type signingKey struct{}

func (c *Client) restricted() bool { return len(c.hosts) > 0 || len(c.nets) > 0 }

// checkDial refuses a connection, before it is made, to an address that
// ipDialable refuses. A host that the allow list names was marked by the
// transport's dial, so its addresses pass.
func (c *Client) checkDial(ctx context.Context, network, address string, _ syscall.RawConn) error {
	if ctx.Value(allowedHostKey{}) != nil {
		return nil
	}
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	if !c.ipDialable(ip) {
		return errRefusedIP
	}
	return nil
}

// ipDialable reports whether ip may be dialled: it is in a prefix of the
// allow list; or, with no prefix or host of the allow list containing it,
// there is no allow list and it is not link-local or a metadata address.
func (c *Client) ipDialable(ip netip.Addr) bool {
	ip = ip.Unmap()
	if c.ipAllowed(ip) {
		return true
	}
	if c.restricted() {
		return false
	}
	for _, p := range refusedNets {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var errRefusedIP = errors.New("address not in the webhook allow list, or link-local")

type allowedHostKey struct{}

// A Request is one outbound Autopilot Request.
type Request struct {
	Method    string // "GET" or "POST"; POST when empty
	URL       string
	Params    url.Values
	AuthToken string // signs the request
}

// A Response is what the webhook answered with a 2xx status.
type Response struct {
	Status int
	Body   []byte
}

// An Error says why a request failed, in the words of Twilio's error codes.
type Error struct {
	Code   int // 11100 bad URL, 11200 HTTP failure, 11205 connection failure, 11210 bad host
	URL    string
	Status int // HTTP status when the server answered
	Msg    string
	Err    error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("webhook %s: %s", e.URL, e.Msg)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Do sends req and returns the body of a 2xx response. Any other outcome is an
// *Error: a URL that is not absolute http(s), a refused target, a connection
// failure or timeout, a non-2xx status, or a body larger than the limit.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	if c.observe == nil {
		return c.do(ctx, req)
	}
	start := time.Now()
	resp, err := c.do(ctx, req)
	code := 0
	if e, ok := errors.AsType[*Error](err); ok {
		code = e.Code
	} else if err != nil {
		code = twilio.CodeHTTPRetrieval
	}
	c.observe(code, time.Since(start))
	return resp, err
}

func (c *Client) do(ctx context.Context, req Request) (*Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &Error{Code: twilio.CodeInvalidURL, URL: req.URL, Msg: "not an absolute http or https URL"}
	}
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodPost
	}
	if method != http.MethodGet && method != http.MethodPost {
		return nil, &Error{Code: twilio.CodeInvalidURL, URL: req.URL, Msg: fmt.Sprintf("method %q is neither GET nor POST", req.Method)}
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && !c.ipDialable(ip) {
		return nil, &Error{Code: twilio.CodeHTTPRetrieval, URL: req.URL, Msg: "target refused", Err: errRefusedIP}
	}
	ctx = context.WithValue(ctx, signingKey{}, signing{req.AuthToken, req.Params})
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	var hreq *http.Request
	if method == http.MethodGet {
		q := u.Query()
		for k, vs := range req.Params {
			if k == "Memory" {
				continue // Memory is sent only with POST
			}
			for _, v := range vs {
				q.Add(k, v)
			}
		}
		u.RawQuery = q.Encode()
		if u.Path == "" {
			u.Path = "/" // what the server sees, so what it validates
		}
		hreq, err = http.NewRequestWithContext(ctx, method, u.String(), nil)
		if err != nil {
			return nil, &Error{Code: twilio.CodeInvalidURL, URL: req.URL, Msg: "bad request", Err: err}
		}
		hreq.Header.Set(twilio.SignatureHeader, twilio.Signature(req.AuthToken, u.String(), nil))
	} else {
		body := req.Params.Encode()
		hreq, err = http.NewRequestWithContext(ctx, method, req.URL, strings.NewReader(body))
		if err != nil {
			return nil, &Error{Code: twilio.CodeInvalidURL, URL: req.URL, Msg: "bad request", Err: err}
		}
		hreq.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		hreq.Header.Set(twilio.SignatureHeader, twilio.Signature(req.AuthToken, req.URL, req.Params))
	}
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", UserAgent)

	resp, err := c.hc.Do(hreq)
	if err != nil {
		return nil, c.transportError(req.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, c.transportError(req.URL, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &Error{Code: twilio.CodeHTTPRetrieval, URL: req.URL, Status: resp.StatusCode, Msg: fmt.Sprintf("answered HTTP %d", resp.StatusCode)}
	}
	if int64(len(data)) > c.maxBody {
		return nil, &Error{Code: twilio.CodeHTTPRetrieval, URL: req.URL, Status: resp.StatusCode, Msg: fmt.Sprintf("response body larger than %d bytes", c.maxBody)}
	}
	return &Response{Status: resp.StatusCode, Body: data}, nil
}

func (c *Client) ipAllowed(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range c.nets {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func (c *Client) transportError(u string, err error) error {
	if errors.Is(err, errRefusedIP) {
		return &Error{Code: twilio.CodeHTTPRetrieval, URL: u, Msg: "target refused", Err: errRefusedIP}
	}
	if errors.Is(err, errTooManyRedirects) || errors.Is(err, errBadRedirect) {
		return &Error{Code: twilio.CodeHTTPRetrieval, URL: u, Msg: "bad redirect", Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return &Error{Code: twilio.CodeHTTPConnection, URL: u, Msg: fmt.Sprintf("no answer within %s", c.timeout.Round(time.Millisecond))}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return &Error{Code: twilio.CodeHTTPBadHost, URL: u, Msg: "host not found", Err: err}
	}
	return &Error{Code: twilio.CodeHTTPConnection, URL: u, Msg: "connection failed", Err: err}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
