package recorded

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// Compare lists where got differs from want, each difference as "path:
// what", the path in dotted form from the body's root ("image.root_volume.
// size"). Keys must be the same at every level, and every value of the same
// JSON type (null, boolean, number, string, array, object); key order is
// not compared. Values are compared too, except where sameShape says that
// only the shape matters at that path (an id the server generates, a date).
// A nil sameShape compares every value.
func Compare(want, got []byte, sameShape func(path string) bool) []string {
	var w, g any
	if err := decode(want, &w); err != nil {
		return []string{"want: " + err.Error()}
	}
	if err := decode(got, &g); err != nil {
		return []string{"got: " + err.Error()}
	}
	if sameShape == nil {
		sameShape = func(string) bool { return false }
	}
	var diffs []string
	compare("", w, g, sameShape, &diffs)
	return diffs
}

func decode(b []byte, v *any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return nil
}

func compare(path string, want, got any, sameShape func(string) bool, diffs *[]string) {
	if typeOf(want) != typeOf(got) {
		*diffs = append(*diffs, fmt.Sprintf("%s: %s %s, want %s %s", orRoot(path), typeOf(got), short(got), typeOf(want), short(want)))
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for _, key := range sortedKeys(w, g) {
			wv, inWant := w[key]
			gv, inGot := g[key]
			switch {
			case !inGot:
				*diffs = append(*diffs, fmt.Sprintf("%s: missing", join(path, key)))
			case !inWant:
				*diffs = append(*diffs, fmt.Sprintf("%s: not expected (%s)", join(path, key), short(gv)))
			default:
				compare(join(path, key), wv, gv, sameShape, diffs)
			}
		}
	case []any:
		g := got.([]any)
		if len(w) != len(g) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %d items, want %d", orRoot(path), len(g), len(w)))
			return
		}
		for i := range w {
			compare(join(path, strconv.Itoa(i)), w[i], g[i], sameShape, diffs)
		}
	default:
		if !sameShape(path) && want != got {
			*diffs = append(*diffs, fmt.Sprintf("%s: %s, want %s", orRoot(path), short(got), short(want)))
		}
	}
}

func typeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

func sortedKeys(a, b map[string]any) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orRoot(path string) string {
	if path == "" {
		return "(body)"
	}
	return path
}

// short writes a value for a message, cut to a readable length.
func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}
