module github.com/scaleway-images-mcp/scaleway-images-mcp

go 1.25.0
