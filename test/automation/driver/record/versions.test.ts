import * as assert from "assert";
import * as path from "path";
import { versionsOf } from "../../../../automation/driver/engine/engine";
import { emptyJournal, JournalEntry, JournalStore, recordEntry } from "../../../../automation/driver/record/journal";
import { runStatus, statusRows } from "../../../../automation/driver/record/status";
import { deployedVersionsFromOutputs, mixedReleases, versionsText } from "../../../../automation/driver/record/versions";
import { fleet, tempDir } from "../fixtures";

const NOW = new Date("2026-12-06T00:00:00Z");
const IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3";

function entry(operation: JournalEntry["operation"], extra: Partial<JournalEntry> = {}): JournalEntry {
    return { operation, result: "succeeded", rolloutId: "r1", runId: "run-1", finishedAt: "2026-12-01T00:00:00.000Z", fingerprint: "f", ...extra };
}

describe("fleet status: versions deployed per stack", () => {
    it("reads release, collector image and Grafana version from the deployedVersions output, and nothing from a stack without it", () => {
        assert.deepStrictEqual(deployedVersionsFromOutputs({ deployedVersions: { release: "0.2.0", collectorImage: IMAGE, grafanaVersion: "12.4" } }), { release: "0.2.0", collectorImage: IMAGE, grafanaVersion: "12.4" });
        assert.deepStrictEqual(deployedVersionsFromOutputs({ deployedVersions: { release: "0.2.0", collectorImage: 7 } }), { release: "0.2.0" });
        assert.strictEqual(deployedVersionsFromOutputs({ vpcId: "vpc-1" }), undefined);
        assert.strictEqual(deployedVersionsFromOutputs({ deployedVersions: "0.2.0" }), undefined);
        // From an `up` result's OutputMap; a secret output is masked, never read.
        assert.deepStrictEqual(versionsOf({ deployedVersions: { value: { release: "0.2.0" }, secret: false } }), { deployedVersions: { release: "0.2.0" } });
        assert.deepStrictEqual(versionsOf({ deployedVersions: { value: { release: "0.2.0" }, secret: true } }), {});
        assert.deepStrictEqual(versionsOf(undefined), {});
    });

    it("prints the image tag or digest, not the registry path", () => {
        assert.strictEqual(versionsText({ release: "0.2.0", collectorImage: IMAGE, grafanaVersion: "12.4" }), "0.2.0 collector v0.43.3 grafana 12.4");
        assert.strictEqual(versionsText({ release: "0.2.0", collectorImage: "registry:5000/otel/col@sha256:0123456789abcdef0123" }), "0.2.0 collector sha256:0123456789ab"); // 12 hex digits, as docker prints short digests
        assert.strictEqual(versionsText({ release: "0.2.0", collectorImage: "registry:5000/otel/col" }), "0.2.0 collector latest");
        assert.strictEqual(versionsText(undefined), "-");
    });

    it("shows each stack's versions from its last up and names a half-upgraded fleet", async () => {
        const m = fleet(["monitored-a", "monitored-b"]);
        const journal = emptyJournal();
        recordEntry(journal, "hub", entry("up", { deployedVersions: { release: "0.2.0", collectorImage: IMAGE, grafanaVersion: "12.4" } }));
        recordEntry(journal, "monitored-a", entry("up", { deployedVersions: { release: "0.2.0" } }));
        recordEntry(journal, "monitored-a", entry("refresh"));
        recordEntry(journal, "monitored-b", entry("up", { deployedVersions: { release: "0.1.0" } }));
        const rows = statusRows(journal, m.stacks, NOW);
        assert.deepStrictEqual(rows.map((r) => [r.stack, r.versions?.release]), [["hub", "0.2.0"], ["monitored-a", "0.2.0"], ["monitored-b", "0.1.0"]]);

        const stateDir = tempDir("versions-status-");
        const store = new JournalStore(path.join(stateDir, "journal.json"));
        store.load();
        store.update((j) => Object.assign(j, journal));
        await store.flush();
        const lines: string[] = [];
        runStatus(stateDir, m.stacks, (l) => lines.push(l), undefined, NOW);
        const header = lines[0].split(/\s{2,}/);
        const col = header.indexOf("VERSIONS");
        assert.ok(col > 0, lines[0]);
        assert.deepStrictEqual(lines.slice(1, 4).map((l) => l.split(/\s{2,}/)[col]), ["0.2.0 collector v0.43.3 grafana 12.4", "0.2.0", "0.1.0"]);
        assert.ok(lines.includes("releases differ across the fleet: 0.2.0 (hub, monitored-a); 0.1.0 (monitored-b)"), lines.join("\n"));
    });

    it("says nothing about releases when every stack reports the same one", () => {
        assert.strictEqual(mixedReleases([{ stack: "a", versions: { release: "1" } }, { stack: "b", versions: { release: "1" } }]), undefined);
        assert.match(mixedReleases([{ stack: "a", versions: { release: "1" } }, { stack: "b" }]) ?? "", /1 \(a\); unknown \(b\)/);
    });
});
