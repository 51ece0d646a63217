//go:build tools

// Package tools pins Cortex in this module's build list. cmd/cortex is a main package, which Go
// does not let another package import, so build.sh builds it by import path inside this module
// (`go build github.com/cortexproject/cortex/cmd/cortex`), resolved against this go.mod; this
// import keeps `go mod tidy` from dropping the requirement.
package tools

import (
	_ "github.com/cortexproject/cortex/pkg/cortex"
)
