package main

import (
	"encoding/binary"
	"sync"
	"testing"
	"time"
)

// bsonDoc encodes elements (name, type, raw value) as a BSON document.
func bsonDoc(elems ...[]byte) []byte {
	body := []byte{}
	for _, e := range elems {
		body = append(body, e...)
	}
	doc := make([]byte, 4, 4+len(body)+1)
	doc = append(doc, body...)
	doc = append(doc, 0)
	binary.LittleEndian.PutUint32(doc, uint32(len(doc)))
	return doc
}

func elem(t byte, name string, value []byte) []byte {
	out := append([]byte{t}, name...)
	out = append(out, 0)
	return append(out, value...)
}

func str(s string) []byte {
	b := make([]byte, 4, 4+len(s)+1)
	binary.LittleEndian.PutUint32(b, uint32(len(s)+1))
	b = append(b, s...)
	return append(b, 0)
}

func i32(v int32) []byte {
	b := make([]byte, 4)
	binary.LittleEndian.PutUint32(b, uint32(v))
	return b
}

// opMsgOf wraps a body document in an OP_MSG.
func opMsgOf(body []byte) []byte {
	msg := make([]byte, 21, 21+len(body))
	binary.LittleEndian.PutUint32(msg[12:], opMsg)
	msg[20] = 0 // section kind 0: body
	msg = append(msg, body...)
	binary.LittleEndian.PutUint32(msg, uint32(len(msg)))
	return msg
}

func TestWriteTarget(t *testing.T) {
	docs := bsonDoc(elem(0x03, "0", bsonDoc(elem(0x02, "_id", str("a")), elem(0x10, "n", i32(1)))))
	cases := []struct {
		name  string
		msg   []byte
		write bool
		db    string
	}{
		{"insert with $db last", opMsgOf(bsonDoc(
			elem(0x02, "insert", str("notifications")),
			elem(0x04, "documents", docs),
			elem(0x08, "ordered", []byte{1}),
			elem(0x03, "lsid", bsonDoc(elem(0x05, "id", append(i32(16), append([]byte{4}, make([]byte, 16)...)...)))),
			elem(0x02, "$db", str("coaching_data")),
		)), true, "coaching_data"},
		{"update with numbers and null", opMsgOf(bsonDoc(
			elem(0x02, "update", str("engagements")),
			elem(0x0A, "comment", nil),
			elem(0x12, "maxTimeMS", make([]byte, 8)),
			elem(0x02, "$db", str("engagement")),
		)), true, "engagement"},
		{"find is a read", opMsgOf(bsonDoc(
			elem(0x02, "find", str("x")),
			elem(0x02, "$db", str("engagement")),
		)), false, ""},
		{"write without $db", opMsgOf(bsonDoc(elem(0x02, "delete", str("x")))), true, ""},
		{"compressed: a write of unknown database", func() []byte {
			m := make([]byte, 32)
			binary.LittleEndian.PutUint32(m, 32)
			binary.LittleEndian.PutUint32(m[12:], opCompressed)
			return m
		}(), true, ""},
		{"truncated", []byte{1, 2, 3}, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			write, db := writeTarget(c.msg)
			if write != c.write || db != c.db {
				t.Fatalf("writeTarget = (%v, %q), want (%v, %q)", write, db, c.write, c.db)
			}
		})
	}
}

func TestLockWriteSerializesOneDatabaseOnly(t *testing.T) {
	p := &proxy{writeMu: map[string]*sync.Mutex{}}
	insert := func(db string) []byte {
		return opMsgOf(bsonDoc(elem(0x02, "insert", str("c")), elem(0x02, "$db", str(db))))
	}
	unlockA := p.lockWrite(insert("a"))
	// Another database: not blocked by "a".
	done := make(chan struct{})
	go func() { p.lockWrite(insert("b"))(); close(done) }()
	<-done
	// The same database waits until "a" is released.
	sameDone := make(chan struct{})
	go func() { p.lockWrite(insert("a"))(); close(sameDone) }()
	select {
	case <-sameDone:
		t.Fatal("a second write to the same database did not wait")
	case <-time.After(50 * time.Millisecond):
	}
	unlockA()
	<-sameDone
}
