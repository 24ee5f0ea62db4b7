package docgen

//go:generate go run ./cmd -readme ../../README.md
