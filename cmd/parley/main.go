// Command parley runs Twilio Autopilot assistants: it imports their schema
// files, serves their channels and REST API, and tests their conversations.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/parleyhq/parley/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
