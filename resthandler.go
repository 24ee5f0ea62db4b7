package main

import (
	"net/http"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/rest"
)

// restHandler is the seed's REST adapter on the same client and
// configuration as the MCP tools.
func (a *app) restHandler() http.Handler {
	return rest.NewHandler(rest.Options{
		Client:   a.client,
		ReadOnly: a.opts.readOnly,
		Logger:   a.logger.With().Str("listener", "rest").Logger(),
		Version:  version,
	})
}
