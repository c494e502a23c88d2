// Command ferretdb runs an embedded FerretDB v1 (SQLite backend) that speaks
// the MongoDB wire protocol on a local TCP address.
//
// FerretDB's own CLI (cmd/ferretdb) panics when built with `go install`
// because its build/version/version.txt is generated at release time, so the
// embeddable package github.com/FerretDB/FerretDB/ferretdb is used instead.
//
// Configuration (flags win over environment variables, which win over defaults):
//
//	-listen-addr  FERRETDB_LISTEN_ADDR  TCP address to listen on (default 127.0.0.1:27017)
//	-state-dir    FERRETDB_STATE_DIR    SQLite data directory, created if missing (default ./.data/ferretdb)
//	-sqlite-url   FERRETDB_SQLITE_URL   full SQLite URI, overrides -state-dir (e.g. file:/data/ferretdb/?_pragma=...)
//	-log-level    FERRETDB_LOG_LEVEL    debug, info, warn or error (default info)
//
// Telemetry: the embeddable package never starts FerretDB's telemetry reporter
// and explicitly disables and locks telemetry in its in-memory state (see
// ferretdb.New in v1.24.2), so nothing is sent over the network.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// defaultPragmas are added to the SQLite URI built from -state-dir.
// FerretDB itself already adds busy_timeout(10000), journal_mode(wal) and
// auto_vacuum(none) unless they are present; synchronous(normal) is the
// recommended companion of WAL mode (durable against process crashes, may lose
// the last commits on power loss, never corrupts the database).
var defaultPragmas = []string{"synchronous(normal)"}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

func main() {
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("ferretdb", flag.ContinueOnError)
	listenAddr := fs.String("listen-addr", envOr("FERRETDB_LISTEN_ADDR", "127.0.0.1:27017"),
		"TCP address to listen on (env FERRETDB_LISTEN_ADDR)")
	stateDir := fs.String("state-dir", envOr("FERRETDB_STATE_DIR", filepath.Join(".data", "ferretdb")),
		"SQLite data directory, created if missing (env FERRETDB_STATE_DIR)")
	sqliteURL := fs.String("sqlite-url", envOr("FERRETDB_SQLITE_URL", ""),
		"full SQLite URI ending with '/', e.g. file:/path/to/dir/; overrides -state-dir (env FERRETDB_SQLITE_URL)")
	logLevel := fs.String("log-level", envOr("FERRETDB_LOG_LEVEL", "info"),
		"log level: debug, info, warn, error (env FERRETDB_LOG_LEVEL)")

	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: invalid log level %q: %v\n", *logLevel, err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	uri, dir, err := resolveSQLite(*sqliteURL, *stateDir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		return 1
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: cannot create data directory %s: %v\n", dir, err)
		return 1
	}

	// Probe the address first: ferretdb.New flattens the listen error into a
	// string and opens every SQLite database before it binds the port.
	probe, err := net.Listen("tcp", *listenAddr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			fmt.Fprintf(os.Stderr, "ferretdb: cannot listen on %s: address already in use (is another ferretdb/mongod running?)\n", *listenAddr)
		} else {
			fmt.Fprintf(os.Stderr, "ferretdb: cannot listen on %s: %v\n", *listenAddr, err)
		}
		return 1
	}
	_ = probe.Close()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: uri,
	})
	if err != nil {
		if strings.Contains(err.Error(), "address already in use") {
			fmt.Fprintf(os.Stderr, "ferretdb: cannot listen on %s: address already in use\n", *listenAddr)
		} else {
			fmt.Fprintf(os.Stderr, "ferretdb: failed to start: %v\n", err)
		}
		return 1
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal restore default handling,
		// so that a second SIGINT/SIGTERM kills the process immediately.
		<-ctx.Done()
		stop()
		logger.Info("shutting down (send the signal again to force)")
	}()

	// The TCP listener is already bound once New returns.
	addr := strings.TrimSuffix(strings.TrimPrefix(f.MongoDBURI(), "mongodb://"), "/")
	fmt.Printf("ferretdb listening on %s (sqlite data: %s)\n", addr, dir)

	if err := f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		return 1
	}
	logger.Info("ferretdb stopped")
	return 0
}

// resolveSQLite returns the SQLite URI to pass to FerretDB and the directory it points to.
func resolveSQLite(rawURL, stateDir string) (string, string, error) {
	if rawURL != "" {
		u, err := url.Parse(rawURL)
		if err != nil || u.Scheme != "file" {
			return "", "", fmt.Errorf("invalid sqlite url %q: expected file:/path/to/dir/", rawURL)
		}
		p := u.Path
		if p == "" {
			p = u.Opaque
		}
		if !strings.HasSuffix(p, "/") {
			return "", "", fmt.Errorf("invalid sqlite url %q: path must end with '/'", rawURL)
		}
		return rawURL, filepath.Clean(p), nil
	}

	dir, err := filepath.Abs(stateDir)
	if err != nil {
		return "", "", fmt.Errorf("invalid state dir %q: %v", stateDir, err)
	}
	if strings.ContainsAny(dir, "?#%") {
		return "", "", fmt.Errorf("state dir %q must not contain '?', '#' or '%%'", dir)
	}
	q := url.Values{"_pragma": defaultPragmas}
	return "file:" + dir + "/?" + q.Encode(), dir, nil
}
