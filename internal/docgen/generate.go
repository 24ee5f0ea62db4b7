package docgen

//go:generate go run ../cmd/docgen -readme ../../README.md
