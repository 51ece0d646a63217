// Command labelcheck answers, with the collector's own code, the two questions the policy pack's
// tenant-label rule models in TypeScript (policy/lib/telemetry/promLabels.ts, goRegexp.ts): which
// Prometheus label an attribute key becomes (the remote-write exporter's NormalizeLabel at the pinned
// contrib version) and whether a processor `pattern` (compiled by Go's regexp, as attraction does)
// matches a key. It reads {"keys": [...], "patterns": [...]} on stdin and writes
// {"labels": [...], "matches": [[...] or null per pattern]} on stdout. Used by the end-to-end suite only.
package main

import (
	"encoding/json"
	"os"
	"regexp"

	prometheustranslator "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/prometheus"
)

type request struct {
	Keys     []string `json:"keys"`
	Patterns []string `json:"patterns"`
}

type reply struct {
	Labels  []string `json:"labels"`
	Matches [][]bool `json:"matches"`
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		os.Stderr.WriteString("labelcheck: " + err.Error() + "\n")
		os.Exit(2)
	}
	out := reply{Labels: make([]string, len(req.Keys)), Matches: make([][]bool, len(req.Patterns))}
	for i, k := range req.Keys {
		out.Labels[i] = prometheustranslator.NormalizeLabel(k)
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
