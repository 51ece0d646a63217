//go:build tools

// Package tools pins Pulumi's own Node.js language host (pulumi-language-nodejs, a main package
// inside github.com/pulumi/pulumi/sdk/v3 at nodejs/cmd/pulumi-language-nodejs) in this module's
// build list. Go does not let a package import a main package, so this file imports the non-main
// packages the host imports (sdk/v3@v3.68.0 nodejs/cmd/pulumi-language-nodejs/main.go and
// proxy*.go), which keeps `go mod tidy` from dropping what `go build <host import path>` needs.
package tools

import (
	_ "github.com/blang/semver"
	_ "github.com/golang/protobuf/ptypes/empty"
	_ "github.com/google/shlex"
	_ "github.com/hashicorp/go-multierror"
	_ "github.com/opentracing/opentracing-go"
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/util/contract"
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/util/executable"
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/version"
	_ "github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	_ "github.com/pulumi/pulumi/sdk/v3/proto/go"
	_ "google.golang.org/grpc"
	_ "google.golang.org/grpc/credentials/insecure"
	_ "google.golang.org/grpc/encoding"
	_ "google.golang.org/grpc/encoding/proto"
)
