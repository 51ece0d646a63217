//go:build tools

// Package tools pins the Pulumi CLI in this module's build list. The CLI's entry point
// (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) is a main package, which Go does not let another
// package import, so build.sh builds it by import path inside this module (`go build
// github.com/pulumi/pulumi/pkg/v3/cmd/pulumi`), which resolves it against this go.mod; this file
// keeps `go mod tidy` from dropping the requirement.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/cmd"
)
