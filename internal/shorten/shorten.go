// Package shorten cuts text that a message quotes, so that a huge value
// sent by a caller or an upstream cannot flood the message.
package shorten

import "unicode/utf8"

// To returns s when it holds at most max bytes, and otherwise its first
// max bytes or fewer, followed by an ellipsis. The cut falls between two
// characters, so that the result stays valid UTF-8.
func To(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
