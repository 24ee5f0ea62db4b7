package tools

// ShapeImages exposes the list shaping to the benchmarks of package
// tools_test.
var ShapeImages = shapeImages
