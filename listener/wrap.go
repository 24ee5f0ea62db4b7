package listener

import "net/http"

// Wrap returns h behind the listener's rules, outermost first: the Host
// check (loopback listeners only), the Origin checks and the CORS answers
// to allowed origins (a preflight is answered there, without a token), the
// bearer token (when set) and the body limit. It fails on options Serve would refuse,
// such as an address beyond loopback without a token.
func Wrap(opts Options, h http.Handler) (http.Handler, error) {
	opts = opts.withDefaults()
	loopback, err := opts.check()
	if err != nil {
		return nil, err
	}
	guard, err := newOriginGuard(opts.TrustedOrigins)
	if err != nil {
		return nil, err
	}
	refused := func(r *http.Request, reason string) {
		opts.Logger.Warn().Str("method", r.Method).Str("path", r.URL.Path).Str("remote", r.RemoteAddr).Str("reason", reason).Msg("request refused")
	}
	h = limitBody(opts.MaxBodyBytes, h)
	if opts.Token != "" {
		h = requireToken(opts.Token, refused, h)
	}
	h = guard.wrap(refused, h)
	if loopback {
		h = requireLoopbackHost(refused, h)
	}
	return h, nil
}
