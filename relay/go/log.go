package main

import (
	"encoding/json"
	"io"
	"strconv"
	"sync"
	"time"
)

// Field is one key/value of a log line, kept in order so lines read the same every time.
type Field struct {
	Key   string
	Value interface{}
}

// F builds a Field.
func F(key string, value interface{}) Field { return Field{key, value} }

var levelRank = map[string]int{"debug": 10, "info": 20, "warn": 30, "error": 40}

// Logger writes one JSON object per line in zap's production field names: level (lower case),
// ts (epoch seconds, float), logger, msg, then the fields. The panel parses zap, slog and its own
// format alike (shared/logs.ts), so a real Go binary's lines read the same as ours.
type Logger struct {
	mu   *sync.Mutex
	out  io.Writer
	min  int
	name string
	base []Field
}

// NewLogger logs at `level` and above to out.
func NewLogger(out io.Writer, level, name string) *Logger {
	min, ok := levelRank[level]
	if !ok {
		min = levelRank["info"]
	}
	return &Logger{mu: &sync.Mutex{}, out: out, min: min, name: name}
}

// With returns a logger that adds fields to every line.
func (l *Logger) With(fields ...Field) *Logger {
	c := *l
	c.base = append(append([]Field{}, l.base...), fields...)
	return &c
}

func (l *Logger) Debug(msg string, fields ...Field) { l.emit("debug", msg, fields) }
func (l *Logger) Info(msg string, fields ...Field)  { l.emit("info", msg, fields) }
func (l *Logger) Warn(msg string, fields ...Field)  { l.emit("warn", msg, fields) }
func (l *Logger) Error(msg string, fields ...Field) { l.emit("error", msg, fields) }

func (l *Logger) emit(level, msg string, fields []Field) {
	if levelRank[level] < l.min {
		return
	}
	buf := make([]byte, 0, 256)
	buf = append(buf, `{"level":"`...)
	buf = append(buf, level...)
	buf = append(buf, `","ts":`...)
	buf = strconv.AppendFloat(buf, float64(time.Now().UnixNano())/1e9, 'f', 6, 64)
	if l.name != "" {
		buf = appendPair(buf, "logger", l.name)
	}
	buf = appendPair(buf, "msg", msg)
	for _, f := range l.base {
		buf = appendPair(buf, f.Key, f.Value)
	}
	for _, f := range fields {
		buf = appendPair(buf, f.Key, f.Value)
	}
	buf = append(buf, "}\n"...)
	l.mu.Lock()
	defer l.mu.Unlock()
	// A log write that fails has nowhere better to go; the relay keeps running.
	_, _ = l.out.Write(buf)
}

// appendPair never fails: a value JSON cannot encode is logged as its error text.
func appendPair(buf []byte, key string, value interface{}) []byte {
	k, _ := json.Marshal(key)
	if err, ok := value.(error); ok {
		value = err.Error()
	}
	v, err := json.Marshal(value)
	if err != nil {
		v, _ = json.Marshal("unencodable: " + err.Error())
	}
	buf = append(buf, ',')
	buf = append(buf, k...)
	buf = append(buf, ':')
	return append(buf, v...)
}
