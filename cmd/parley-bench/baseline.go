package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// baselineReply is the bare handler's fixed reply: the shape of a custom
// channel reply, with the say the load generator checks for.
var baselineReply = []byte(`{"response":{"says":[{"speech":"` + greeting + `","text":"` + greeting + `"}],"listen":true},"dialogue":{"status":"active"}}` + "\n")

// baselineHandler does the HTTP work every custom-channel turn does (route,
// form parsing, Basic auth, a JSON reply) and nothing else.
func baselineHandler(sid, token string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2/{AccountSid}/{Assistant}/custom/{ChannelName}", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		user, pass, ok := r.BasicAuth()
		if !ok || r.PathValue("AccountSid") != sid || user != sid || pass != token {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if r.PostForm.Get("UserId") == "" {
			http.Error(w, "missing UserId", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(baselineReply)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	return mux
}

// serveBaseline runs the bare handler on addr, with the account that
// PARLEY_ACCOUNT_SID and PARLEY_AUTH_TOKEN name, until SIGINT or SIGTERM. It
// prints the address it listens on as "serving on http://HOST:PORT", as
// parley serve does.
func serveBaseline(addr string) error {
	sid, token := os.Getenv("PARLEY_ACCOUNT_SID"), os.Getenv("PARLEY_AUTH_TOKEN")
	if sid == "" || token == "" {
		return errors.New("set PARLEY_ACCOUNT_SID and PARLEY_AUTH_TOKEN")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	// The timeouts are parley serve's.
	srv := &http.Server{
		Handler:           baselineHandler(sid, token),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Printf("baseline serving on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
