// Command ferretdb runs an embedded FerretDB v1 (SQLite backend) that speaks
// the MongoDB wire protocol on a local TCP address.
//
// FerretDB's own CLI (cmd/ferretdb) panics when built with `go install`
// because its build/version/version.txt is generated at release time, so the
// embeddable package github.com/FerretDB/FerretDB/ferretdb is used instead.
//
// Configuration (flags win over environment variables, which win over defaults):
//
//	-listen-addr       FERRETDB_LISTEN_ADDR       TCP address (default 127.0.0.1:27017)
//	-state-dir         FERRETDB_STATE_DIR         SQLite data directory, created if missing (default ./.data/ferretdb)
//	-sqlite-url        FERRETDB_SQLITE_URL        full SQLite URI, overrides -state-dir (e.g. file:/data/ferretdb/)
//	-log-level         FERRETDB_LOG_LEVEL         debug, info, warn or error (default info)
//	-serialize-writes  FERRETDB_SERIALIZE_WRITES  serialize write commands across connections (default true)
//
// Write serialization: FerretDB v1 implements update/findAndModify as
// "read matching documents, modify in Go, UPDATE ... WHERE _id = ?" without
// holding a lock across the read, so concurrent $inc on one document from
// different connections lose updates, and mongoose optimisticConcurrency can
// accept two saves of the same version. With -serialize-writes (the default)
// FerretDB listens only on a private Unix socket and this program proxies the
// public TCP address to it, holding a mutex of the command's database while a
// write command (insert, update, delete, findAndModify, DDL) is forwarded and
// answered. Each database is its own SQLite file, which allows one writer at a
// time anyway, so this costs little; writes to different databases (services)
// proceed in parallel. A write whose database cannot be read locks them all.
// Unacknowledged writes (w:0) are forwarded without waiting and are not covered.
//
// Telemetry: the embeddable package never starts FerretDB's telemetry reporter
// and explicitly disables and locks telemetry in its in-memory state (see
// ferretdb.New in v1.24.2), so nothing is sent over the network.
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

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
	serialize, err := strconv.ParseBool(envOr("FERRETDB_SERIALIZE_WRITES", "true"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: invalid FERRETDB_SERIALIZE_WRITES: %v\n", err)
		return 2
	}
	fs.BoolVar(&serialize, "serialize-writes", serialize,
		"serialize write commands across connections to avoid lost updates (env FERRETDB_SERIALIZE_WRITES)")

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

	// Bind the public address first, before FerretDB opens any SQLite file,
	// so that a taken port gives a clear error.
	ln, err := net.Listen("tcp", *listenAddr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			fmt.Fprintf(os.Stderr, "ferretdb: cannot listen on %s: address already in use (is another ferretdb/mongod running?)\n", *listenAddr)
		} else {
			fmt.Fprintf(os.Stderr, "ferretdb: cannot listen on %s: %v\n", *listenAddr, err)
		}
		return 1
	}
	defer ln.Close()
	addr := ln.Addr().String()

	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: cannot create data directory %s: %v\n", dir, err)
		return 1
	}

	cfg := &ferretdb.Config{Logger: logger, Handler: "sqlite", SQLiteURL: uri}
	if serialize {
		sockDir, err := os.MkdirTemp("", "ferretdb-")
		if err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
			return 1
		}
		defer os.RemoveAll(sockDir)
		cfg.Listener.Unix = filepath.Join(sockDir, "ferretdb.sock")
	} else {
		// FerretDB binds the address itself; release our probe first.
		_ = ln.Close()
		cfg.Listener.TCP = addr
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: failed to start: %v\n", err)
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

	var wg sync.WaitGroup
	if serialize {
		p := &proxy{
			ln: ln, upstream: cfg.Listener.Unix, l: logger,
			conns: map[net.Conn]struct{}{}, writeMu: map[string]*sync.Mutex{},
		}
		wg.Add(1)
		go func() { defer wg.Done(); p.serve(ctx) }()
	}

	// All listeners are bound at this point.
	fmt.Printf("ferretdb listening on %s (sqlite data: %s)\n", addr, dir)

	if err := f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		return 1
	}
	wg.Wait()
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

// proxy forwards MongoDB wire protocol messages from TCP clients to FerretDB's
// Unix socket, one upstream connection per client, and serializes write commands.
type proxy struct {
	ln       net.Listener
	upstream string
	l        *slog.Logger
	// A write command holds its database's mutex while it is forwarded and answered (under
	// allDBs read-locked); a write whose database cannot be read holds allDBs exclusively.
	allDBs  sync.RWMutex
	dbMu    sync.Mutex
	writeMu map[string]*sync.Mutex

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// lockWrite takes the locks a request needs (none for reads) and returns their release.
func (p *proxy) lockWrite(req []byte) func() {
	write, db := writeTarget(req)
	if !write {
		return func() {}
	}
	if db == "" {
		p.allDBs.Lock()
		return p.allDBs.Unlock
	}
	p.dbMu.Lock()
	mu := p.writeMu[db]
	if mu == nil {
		mu = &sync.Mutex{}
		p.writeMu[db] = mu
	}
	p.dbMu.Unlock()
	p.allDBs.RLock()
	mu.Lock()
	return func() {
		mu.Unlock()
		p.allDBs.RUnlock()
	}
}

// writeCommands are serialized; names as registered by FerretDB's handler.
var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findAndModify": true, "findandmodify": true,
	"create": true, "createIndexes": true, "dropIndexes": true, "drop": true, "dropDatabase": true,
	"renameCollection": true, "collMod": true,
}

const (
	opMsg        = 2013
	opCompressed = 2012
	maxMsgLen    = 64 << 20
)

func (p *proxy) serve(ctx context.Context) {
	go func() {
		<-ctx.Done()
		_ = p.ln.Close()
		p.mu.Lock()
		for c := range p.conns {
			_ = c.Close()
		}
		p.conns = nil // refuse new connections
		p.mu.Unlock()
	}()

	for {
		c, err := p.ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				break
			}
			p.l.Warn("accept failed", slog.Any("error", err))
			time.Sleep(100 * time.Millisecond)
			continue
		}
		p.wg.Add(1)
		go p.handle(ctx, c)
	}
	p.wg.Wait()
}

func (p *proxy) track(c net.Conn, add bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if add {
		if p.conns == nil {
			return false // shutting down
		}
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
	return true
}

func (p *proxy) handle(ctx context.Context, client net.Conn) {
	defer p.wg.Done()
	defer client.Close()
	if !p.track(client, true) {
		return
	}
	defer p.track(client, false)

	up, err := net.Dial("unix", p.upstream)
	if err != nil {
		p.l.Error("cannot connect to embedded ferretdb", slog.Any("error", err))
		return
	}
	defer up.Close()
	if !p.track(up, true) {
		return
	}
	defer p.track(up, false)

	cr, ur := bufio.NewReader(client), bufio.NewReader(up)
	for {
		req, err := readMsg(cr)
		if err != nil {
			if !errors.Is(err, io.EOF) && ctx.Err() == nil {
				p.l.Debug("client connection closed", slog.Any("error", err))
			}
			return
		}
		unlock := p.lockWrite(req)
		err = roundTrip(req, up, ur, client)
		unlock()
		if err != nil {
			return
		}
	}
}

// roundTrip sends one request upstream and relays its response(s) to the client.
func roundTrip(req []byte, up net.Conn, ur *bufio.Reader, client net.Conn) error {
	if _, err := up.Write(req); err != nil {
		return err
	}
	if moreToCome(req) { // fire-and-forget request: no reply
		return nil
	}
	for {
		resp, err := readMsg(ur)
		if err != nil {
			return err
		}
		if _, err := client.Write(resp); err != nil {
			return err
		}
		if !moreToCome(resp) { // exhaust replies keep coming while the flag is set
			return nil
		}
	}
}

// readMsg reads one complete wire message (16-byte header included).
func readMsg(r *bufio.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(int32(binary.LittleEndian.Uint32(hdr[:])))
	if n < 16 || n > maxMsgLen {
		return nil, fmt.Errorf("invalid message length %d", n)
	}
	msg := make([]byte, n)
	copy(msg, hdr[:])
	if _, err := io.ReadFull(r, msg[4:]); err != nil {
		return nil, err
	}
	return msg, nil
}

func moreToCome(msg []byte) bool {
	return len(msg) >= 20 && binary.LittleEndian.Uint32(msg[12:]) == opMsg &&
		binary.LittleEndian.Uint32(msg[16:])&2 != 0
}

// writeTarget reports whether a message carries a write command (the first key
// of an OP_MSG body section) and the database it names (its "$db" field; "" when
// it cannot be read). Compressed messages are treated as writes of unknown database.
func writeTarget(msg []byte) (write bool, db string) {
	if len(msg) < 21 {
		return false, ""
	}
	switch binary.LittleEndian.Uint32(msg[12:]) {
	case opCompressed:
		return true, ""
	case opMsg:
	default:
		return false, ""
	}
	end := len(msg)
	if binary.LittleEndian.Uint32(msg[16:])&1 != 0 { // checksumPresent
		end -= 4
	}
	for i := 20; i < end; {
		kind := msg[i]
		i++
		if i+4 > end {
			return false, ""
		}
		size := int(int32(binary.LittleEndian.Uint32(msg[i:])))
		if kind == 0 {
			if size < 5 || i+size > end {
				return false, ""
			}
			return bodyCommand(msg[i : i+size])
		}
		if size < 4 {
			return false, ""
		}
		i += size
	}
	return false, ""
}

// bodyCommand reads a command document: whether its first key is a write command,
// and its "$db" string.
func bodyCommand(doc []byte) (write bool, db string) {
	first := true
	for i := 4; i < len(doc)-1; {
		t := doc[i]
		i++
		j := indexZero(doc[i:])
		if j < 0 {
			return write, ""
		}
		name := string(doc[i : i+j])
		i += j + 1
		if first {
			write, first = writeCommands[name], false
			if !write {
				return false, ""
			}
		}
		if name == "$db" && t == 0x02 && i+4 <= len(doc) {
			n := int(int32(binary.LittleEndian.Uint32(doc[i:])))
			if n >= 1 && i+4+n <= len(doc) {
				return write, string(doc[i+4 : i+4+n-1])
			}
			return write, ""
		}
		n := bsonValueSize(t, doc[i:])
		if n < 0 {
			return write, ""
		}
		i += n
	}
	return write, ""
}

// bsonValueSize is the length of a BSON value of type t at the start of b, or -1.
func bsonValueSize(t byte, b []byte) int {
	i32 := func() int {
		if len(b) < 4 {
			return -1
		}
		return int(int32(binary.LittleEndian.Uint32(b)))
	}
	switch t {
	case 0x01, 0x09, 0x11, 0x12: // double, datetime, timestamp, int64
		return 8
	case 0x02, 0x0D, 0x0E: // string, code, symbol: int32 length + bytes
		if n := i32(); n >= 1 {
			return 4 + n
		}
		return -1
	case 0x03, 0x04, 0x0F: // document, array, code with scope: int32 total size
		return i32()
	case 0x05: // binary: int32 length + subtype + bytes
		if n := i32(); n >= 0 {
			return 5 + n
		}
		return -1
	case 0x06, 0x0A, 0x7F, 0xFF: // undefined, null, max key, min key
		return 0
	case 0x07: // ObjectId
		return 12
	case 0x08: // bool
		return 1
	case 0x0B: // regex: two cstrings
		a := indexZero(b)
		if a < 0 {
			return -1
		}
		c := indexZero(b[a+1:])
		if c < 0 {
			return -1
		}
		return a + c + 2
	case 0x0C: // DBPointer: string + ObjectId
		if n := i32(); n >= 1 {
			return 4 + n + 12
		}
		return -1
	case 0x10: // int32
		return 4
	case 0x13: // decimal128
		return 16
	}
	return -1
}

func indexZero(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return -1
}
