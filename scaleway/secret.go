package scaleway

// redactedSuffix replaces everything after a secret key's first group, in
// the same shape as the Scaleway SDKs' log lines, so that a redacted key
// looks familiar to anyone who has read scw's debug output.
const redactedSuffix = "-xxxx-xxxx-xxxx-xxxxxxxxxxxx"

// RedactSecret returns a form of a secret key that is safe to log or show.
// A well-formed key (a UUID) keeps its first 8 characters, which identify
// it in the console without revealing it. Anything else is masked entirely:
// a malformed value may be a password or a token pasted by mistake, and its
// first 8 characters could be most of it. Empty stays empty, so "not set"
// remains visible.
func RedactSecret(s string) string {
	switch {
	case s == "":
		return ""
	case IsUUID(s):
		return s[:8] + redactedSuffix
	default:
		return "xxxxxxxx" + redactedSuffix
	}
}
