package scaleway

import (
	"net/http"
	"regexp"
	"strings"
	"unicode"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/shorten"
)

// Bounds on text an upstream wrote, so that a hostile or broken answer
// cannot flood a tool result, a REST body or a log line.
const (
	maxUpstreamText = 512 // bytes of one message, name or detail
	maxRequestID    = 128 // bytes of an X-Request-Id
	maxErrorEntries = 32  // details, fields, and messages per field
)

// requestIDPattern is what a request id may look like once cleaned (and
// cut to maxRequestID, whose ellipsis does not match). The REST adapter
// reflects it into a response header, and the tools log it: anything else
// (spaces, quotes, markup) is dropped rather than passed on.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]+$`)

// redactor cleans text an upstream (or a proxy in front of it) wrote before
// the client hands it on: it removes the characters that can hide or
// reorder text, replaces every secret it knows by RedactSecret's form, and
// bounds the length. An upstream that echoes X-Auth-Token back, in an error
// body or a header, must not get the key printed in a tool result, a REST
// answer or a log line.
type redactor struct {
	secrets []string // cleaned (see stripUnsafe), none empty
}

// newRedactor knows secrets, skipping empty ones, which would match
// everywhere.
func newRedactor(secrets ...string) redactor {
	var r redactor
	for _, s := range secrets {
		if s = stripUnsafe(s); s != "" {
			r.secrets = append(r.secrets, s)
		}
	}
	return r
}

// text cleans s and cuts it to about limit bytes. Unsafe characters go
// first, so that a key split by a zero-width character is still found;
// the cut comes last, so that it never leaves the start of a key behind.
func (r redactor) text(s string, limit int) string {
	return shorten.To(r.redact(stripUnsafe(s)), limit)
}

// redact replaces every secret in s.
func (r redactor) redact(s string) string {
	for _, secret := range r.secrets {
		s = replaceFold(s, secret, RedactSecret(secret))
	}
	return s
}

// requestID is the cleaned X-Request-Id of h, or "" when what is left does
// not look like an id.
func (r redactor) requestID(h http.Header) string {
	id := r.text(h.Get("X-Request-Id"), maxRequestID)
	if !requestIDPattern.MatchString(id) {
		return ""
	}
	return id
}

// header returns a copy of h whose values hide and name no secret (the
// REST adapter passes some of them on, such as Link). Their length is
// net/http's to bound.
func (r redactor) header(h http.Header) http.Header {
	clean := make(http.Header, len(h))
	for name, values := range h {
		cleaned := make([]string, len(values))
		for i, v := range values {
			cleaned[i] = r.redact(stripUnsafe(v))
		}
		clean[name] = cleaned
	}
	return clean
}

// apiError cleans every text of e, which was decoded from an upstream
// body, and keeps at most maxErrorEntries details and fields.
func (r redactor) apiError(e *Error) {
	e.Type = ErrorType(r.text(string(e.Type), maxUpstreamText))
	r.fields(&e.Message, &e.Resource, &e.ResourceID, &e.CurrentState,
		&e.Precondition, &e.HelpMessage, &e.Method, &e.Reason, &e.ExpiredSince)
	e.Details = e.Details[:min(len(e.Details), maxErrorEntries)]
	for i := range e.Details {
		d := &e.Details[i]
		r.fields(&d.ArgumentName, &d.Reason, &d.HelpMessage, &d.Resource, &d.Action)
	}
	e.Fields = r.messagesByField(e.Fields)
}

func (r redactor) fields(texts ...*string) {
	for _, t := range texts {
		*t = r.text(*t, maxUpstreamText)
	}
}

// messagesByField cleans the legacy form's names and messages. Two names
// that clean to the same one have their messages merged.
func (r redactor) messagesByField(fields map[string][]string) map[string][]string {
	if fields == nil {
		return nil
	}
	clean := make(map[string][]string, min(len(fields), maxErrorEntries))
	for name, messages := range fields {
		if len(clean) == maxErrorEntries {
			break
		}
		name = r.text(name, maxUpstreamText)
		for _, m := range messages[:min(len(messages), maxErrorEntries)] {
			clean[name] = append(clean[name], r.text(m, maxUpstreamText))
		}
	}
	return clean
}

// cleanedError shows err's text cleaned by a redactor and unwraps to err,
// so that errors.Is and errors.As still see what net/http returned. Some of
// net/http's messages quote what the server sent ("malformed HTTP response
// ...").
type cleanedError struct {
	err  error
	text string
}

func (r redactor) wrap(err error) error {
	return &cleanedError{err: err, text: r.text(err.Error(), maxUpstreamText)}
}

func (e *cleanedError) Error() string { return e.text }
func (e *cleanedError) Unwrap() error { return e.err }

// stripUnsafe removes control characters (C0, DEL, C1), format characters
// (bidi overrides such as U+202E, zero-width characters, the invisible tag
// characters) and line or paragraph separators: they can hide text, reorder
// it on screen or break a log line. Invalid UTF-8 becomes U+FFFD.
func stripUnsafe(s string) string {
	return strings.Map(func(c rune) rune {
		if unicode.IsControl(c) || unicode.In(c, unicode.Cf, unicode.Zl, unicode.Zp) {
			return -1
		}
		return c
	}, s)
}

// replaceFold replaces every occurrence of old (not empty) in s, ignoring
// ASCII case: a key echoed in upper case is still the key.
func replaceFold(s, old, replacement string) string {
	folded, target := asciiLower(s), asciiLower(old)
	i := strings.Index(folded, target)
	if i < 0 {
		return s
	}
	var b strings.Builder
	for ; i >= 0; i = strings.Index(folded, target) {
		b.WriteString(s[:i])
		b.WriteString(replacement)
		s, folded = s[i+len(old):], folded[i+len(old):]
	}
	b.WriteString(s)
	return b.String()
}

// asciiLower lowers ASCII letters only, byte by byte, so that indices in
// its result are indices in s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
