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
	refuse := refuser{logger: opts.Logger, write: opts.Refuse}
	h = limitBody(opts.MaxBodyBytes, refuse, h)
	if opts.Token != "" {
		h = requireToken(opts.Token, refuse, h)
	}
	h = guard.wrap(refuse, h)
	if loopback {
		h = requireLoopbackHost(refuse, h)
	}
	return h, nil
}
