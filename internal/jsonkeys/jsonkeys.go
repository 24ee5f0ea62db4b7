// Package jsonkeys checks the object keys of a JSON document against the
// Go type it is about to be decoded into. encoding/json matches a key to a
// field whatever its case (with Unicode folding: "tagſ" fills tags), and
// the last of repeated keys wins, so {"image_id":"A","Image_ID":"B"} acts
// on B while a person approving the call reads A. Check refuses both, at
// every level, and, when asked, keys that name no field at all, saying
// which field a misspelt key or another tool's name for it meant. The MCP
// tools and the REST adapter share it, so the rule is written once.
package jsonkeys

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/shorten"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// Unknown says what Check does with a key that names no field, in any
// case.
type Unknown int

const (
	// IgnoreUnknown lets such keys pass, as Scaleway's API does: its SDKs
	// and old clients send fields it no longer reads (default_bootscript,
	// from_server...).
	IgnoreUnknown Unknown = iota
	// RefuseUnknown refuses them: a misspelt tool argument must not be
	// dropped in silence.
	RefuseUnknown
)

const (
	// maxDepth bounds how deep Check follows nested values: the deepest
	// real body nests three levels (extra_volumes.1.id), and following a
	// hostile document a million levels deep would only burn stack.
	maxDepth = 32
	// maxProblems bounds how many problems one answer names, so that a
	// hostile document cannot make it huge.
	maxProblems = 10
	// maxKeyBytes bounds a key as it is quoted back in a message.
	maxKeyBytes = 64
)

// errStop ends the walk once it has found enough.
var errStop = errors.New("enough problems found")

// Check reads the first JSON value of data, which is to be decoded into a
// value of type t, and returns one *scaleway.ValidationError per misnamed
// key, joined, or nil. Malformed JSON and wrong types are left to the
// decoder, which names them better: Check stops quietly at the first
// token it cannot read.
func Check(data []byte, t reflect.Type, unknown Unknown) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	// Numbers stay text: one too large for a float64 is the decoder's to
	// refuse, not a reason to stop checking keys.
	dec.UseNumber()
	c := &checker{dec: dec, unknown: unknown}
	_ = c.value(t, "", 0) // an unreadable token is the decoder's to report
	return errors.Join(c.problems...)
}

type checker struct {
	dec      *json.Decoder
	unknown  Unknown
	problems []error
}

// value checks the next value, to be decoded into t (nil: into anything,
// so only repeated keys are refused inside it).
func (c *checker) value(t reflect.Type, path string, depth int) error {
	tok, err := c.dec.Token()
	if err != nil {
		return err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if depth == maxDepth {
		// The rest of this value cannot be followed: stop here.
		_ = c.add(path, fmt.Sprintf("nests more than %d levels deep; no argument is that deep", maxDepth))
		return errStop
	}
	if delim == '[' {
		return c.array(t, path, depth+1)
	}
	return c.object(t, path, depth+1)
}

func (c *checker) array(t reflect.Type, path string, depth int) error {
	var elem reflect.Type
	if t = decodedAs(t); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		elem = t.Elem()
	}
	for i := 0; c.dec.More(); i++ {
		if err := c.value(elem, fmt.Sprintf("%s[%d]", path, i), depth); err != nil {
			return err
		}
	}
	_, err := c.dec.Token()
	return err
}

func (c *checker) object(t reflect.Type, path string, depth int) error {
	seen := map[string]bool{}
	for c.dec.More() {
		tok, err := c.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		keyPath := join(path, printable(key))
		if seen[key] {
			if err := c.add(keyPath, "is given more than once; give each argument once"); err != nil {
				return err
			}
		}
		seen[key] = true
		child, err := c.member(t, key, path)
		if err != nil {
			return err
		}
		if err := c.value(child, keyPath, depth); err != nil {
			return err
		}
	}
	_, err := c.dec.Token()
	return err
}

// member returns the type the value of key decodes into, refusing a key
// that names a field only when case is ignored (encoding/json would fill
// that field) and, when asked, one that names none.
func (c *checker) member(t reflect.Type, key, path string) (reflect.Type, error) {
	t = decodedAs(t)
	switch {
	case t == nil:
		return nil, nil
	case t.Kind() == reflect.Map:
		return t.Elem(), nil
	case t.Kind() != reflect.Struct:
		return nil, nil // the decoder refuses an object here
	}
	fields := fieldsOf(t)
	for _, f := range fields {
		if f.name == key {
			return f.typ, nil
		}
	}
	keyPath := join(path, printable(key))
	for _, f := range fields {
		if strings.EqualFold(f.name, key) {
			return f.typ, c.add(keyPath, "is not an argument; argument names are case-sensitive: did you mean "+join(path, f.name)+"?")
		}
	}
	if c.unknown == RefuseUnknown {
		return nil, c.add(keyPath, unknownReason(key, path, fields))
	}
	return nil, nil
}

// unknownReason says that key names no argument, which one the caller
// probably meant (see didYouMean), and which there are.
func unknownReason(key, path string, fields []field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	allowed := strings.Join(names, ", ")
	if hint := didYouMean(key, path, fields); hint != "" {
		return hint + " The arguments allowed are " + allowed
	}
	return "is not an argument; the arguments allowed are " + allowed
}

// aliases are the other names callers give an argument: the capability
// names the image id "id" in update-image and "image_id" in the other
// tools, so a caller who learnt one tool sends the other's name.
var aliases = map[string]struct{ name, what string }{
	"image_id": {"id", "the image id"},
	"id":       {"image_id", "the image id"},
}

// maxTypos is the most edits (a letter added, dropped, changed, or two
// swapped) between a key and the argument it is taken to be a typo of.
const maxTypos = 2

// didYouMean suggests the argument key was meant to be, or returns "":
// the name this type gives to what a known alias of key names (arguments
// only, not keys nested inside them, where an "id" is something else),
// else the nearest name within maxTypos edits of key, provided the edits
// are at most a third of it (so that "nope" does not suggest "zone").
func didYouMean(key, path string, fields []field) string {
	if alias, ok := aliases[key]; ok && path == "" {
		for _, f := range fields {
			if f.name == alias.name {
				return fmt.Sprintf("is not an argument of this tool, which names %s %q; did you mean %s?", alias.what, f.name, f.name)
			}
		}
	}
	lower := strings.ToLower(key)
	length := utf8.RuneCountInString(lower)
	best, bestEdits := "", maxTypos+1
	for _, f := range fields {
		// A length difference is that many edits at least: skipping such
		// names keeps a huge hostile key from costing anything.
		if abs(length-utf8.RuneCountInString(f.name)) > maxTypos {
			continue
		}
		if edits := editDistance(lower, f.name); edits < bestEdits && 3*edits <= length {
			best, bestEdits = f.name, edits
		}
	}
	if best == "" {
		return ""
	}
	return "is not an argument; did you mean " + join(path, best) + "?"
}

// editDistance counts the edits that turn a into b: letters inserted,
// deleted or substituted, and adjacent letters swapped (the optimal string
// alignment distance, which counts a swap, the commonest typo, as one).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// rows[i][j] is the distance between ra[:i] and rb[:j].
	rows := make([][]int, len(ra)+1)
	for i := range rows {
		rows[i] = make([]int, len(rb)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			substitution := 1
			if ra[i-1] == rb[j-1] {
				substitution = 0
			}
			rows[i][j] = min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+substitution)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				rows[i][j] = min(rows[i][j], rows[i-2][j-2]+1)
			}
		}
	}
	return rows[len(ra)][len(rb)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// add records a problem with the key at path; it returns errStop once
// there are enough to answer.
func (c *checker) add(path, reason string) error {
	c.problems = append(c.problems, &scaleway.ValidationError{Field: path, Kind: scaleway.KindConstraint, Reason: reason})
	if len(c.problems) == maxProblems {
		return errStop
	}
	return nil
}

var unmarshaler = reflect.TypeFor[json.Unmarshaler]()

// decodedAs is t as encoding/json matches keys for it: pointers followed,
// and nil when it matches none itself (an interface, or a type with its
// own UnmarshalJSON, such as a timestamp).
func decodedAs(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(unmarshaler) {
		return nil
	}
	return t
}

// field is a struct field as encoding/json names it.
type field struct {
	name string
	typ  reflect.Type
}

// fieldsOf lists the fields encoding/json decodes into, in order: the
// struct's own, then those of structs embedded without a name, which
// encoding/json promotes unless an own field takes the name.
func fieldsOf(t reflect.Type) []field {
	var own, promoted []field
	taken := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if embedded := decodedAs(sf.Type); sf.Anonymous && name == "" && embedded != nil && embedded.Kind() == reflect.Struct {
			promoted = append(promoted, fieldsOf(embedded)...)
			continue
		}
		if tag == "-" || !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		own = append(own, field{name, sf.Type})
		taken[name] = true
	}
	for _, f := range promoted {
		if !taken[f.name] {
			own = append(own, f)
		}
	}
	return own
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// printable is a key as a message may quote it: shortened, and with what
// does not print (controls, invisible characters) escaped, so that a
// hostile key can neither flood an answer nor hide in it; the empty key
// is written "" so that the message still names something.
func printable(key string) string {
	if key == "" {
		return `""`
	}
	quoted := strconv.QuoteToGraphic(shorten.To(key, maxKeyBytes))
	return quoted[1 : len(quoted)-1]
}
