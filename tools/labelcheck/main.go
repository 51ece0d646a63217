// Command labelcheck answers, with the collector's own code, the two questions the policy pack's
// tenant-label rule models in TypeScript (policy/lib/telemetry/promLabels.ts, goRegexp.ts): which
// Prometheus label an attribute key becomes, and whether a processor `pattern` (compiled by Go's
// regexp, as attraction does) matches a key. It reads {"keys": [...], "patterns": [...], "utf8Allowed": bool}
// on stdin and writes {"labels": [...], "targetInfoLabels": [...], "matches": [[...] or null per pattern]}
// on stdout; a label is null where the namer returns an error (createAttributes then fails the data point).
// Used by the end-to-end suite only.
//
// The namers are built exactly as the remote-write exporter of contrib v0.156.0 (ADOT v0.49.0) builds them:
//   - data-point (and resource_to_telemetry) labels: pkg/translator/prometheusremotewrite@v0.156.0
//     metrics_to_prw.go:84, LabelNamer{UnderscoreLabelSanitization: !DropSanitizationGate.IsEnabled(),
//     UTF8Allowed: utf8Allowed}, where utf8Allowed is true only for translation_strategy
//     NoUTF8EscapingWithSuffixes or NoTranslation (metrics_to_prw.go:55-75);
//   - target_info labels (resource attributes): helper.go:571, LabelNamer{PreserveMultipleUnderscores:
//     !DropSanitizationGate.IsEnabled()}, whatever the translation strategy.
//
// The feature gate is read from the registry, so it is at its default (alpha, off) as in the collector.
package main

import (
	"encoding/json"
	"os"
	"regexp"

	prometheustranslator "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/prometheus"
	"github.com/prometheus/otlptranslator"
)

type request struct {
	Keys        []string `json:"keys"`
	Patterns    []string `json:"patterns"`
	UTF8Allowed bool     `json:"utf8Allowed"`
}

type reply struct {
	Labels           []*string `json:"labels"`
	TargetInfoLabels []*string `json:"targetInfoLabels"`
	Matches          [][]bool  `json:"matches"`
}

func build(n otlptranslator.LabelNamer, key string) *string {
	label, err := n.Build(key)
	if err != nil {
		return nil
	}
	return &label
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		os.Stderr.WriteString("labelcheck: " + err.Error() + "\n")
		os.Exit(2)
	}
	gate := prometheustranslator.DropSanitizationGate.IsEnabled()
	dataPoint := otlptranslator.LabelNamer{UnderscoreLabelSanitization: !gate, UTF8Allowed: req.UTF8Allowed}
	targetInfo := otlptranslator.LabelNamer{PreserveMultipleUnderscores: !gate}
	out := reply{
		Labels:           make([]*string, len(req.Keys)),
		TargetInfoLabels: make([]*string, len(req.Keys)),
		Matches:          make([][]bool, len(req.Patterns)),
	}
	for i, k := range req.Keys {
		out.Labels[i] = build(dataPoint, k)
		out.TargetInfoLabels[i] = build(targetInfo, k)
	}
	for i, p := range req.Patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			continue // null: Go refuses the pattern, as the collector would at start-up
		}
		row := make([]bool, len(req.Keys))
		for j, k := range req.Keys {
			row[j] = re.MatchString(k)
		}
		out.Matches[i] = row
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
}
