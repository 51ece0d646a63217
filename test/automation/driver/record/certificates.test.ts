import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { certificateExpiryFromOutputs, daysLeft } from "../../../../automation/driver/record/certificates";
import { expiryOf } from "../../../../automation/driver/engine/engine";
import { emptyJournal, JournalEntry, JournalStore, recordEntry } from "../../../../automation/driver/record/journal";
import { runStatus, statusRows } from "../../../../automation/driver/record/status";
import { certificateExpiresAt } from "../../../../components/spoke/tenantIdentity";
import { fleet, tempDir } from "../fixtures";

const NOW = new Date("2026-12-06T00:00:00Z");

function entry(operation: JournalEntry["operation"], extra: Partial<JournalEntry> = {}): JournalEntry {
    return { operation, result: "succeeded", rolloutId: "r1", runId: "run-1", finishedAt: "2026-12-01T00:00:00.000Z", fingerprint: "f", ...extra };
}

describe("fleet status: days left on each tenant's certificate", () => {
    it("reads the expiry of the certificate a spoke copied, and the earliest the hub issued, from stack outputs", () => {
        assert.equal(certificateExpiryFromOutputs({ identityCertificateExpiresAt: "2027-01-10T12:00:00Z" }), "2027-01-10T12:00:00.000Z");
        assert.equal(certificateExpiryFromOutputs({ tenantCertificateExpiresAt: { "account-1": "2027-02-01T00:00:00Z", "site-dc1": "2027-01-20T00:00:00Z" } }), "2027-01-20T00:00:00.000Z");
        assert.equal(certificateExpiryFromOutputs({ vpcId: "vpc-1" }), undefined);
        assert.equal(certificateExpiryFromOutputs({ identityCertificateExpiresAt: "not a date" }), undefined);
        // From an `up` result's OutputMap (secret outputs masked, never read).
        assert.deepEqual(expiryOf({ identityCertificateExpiresAt: { value: "2027-01-10T00:00:00Z", secret: false }, key: { value: "x", secret: true } }), { certificateExpiresAt: "2027-01-10T00:00:00.000Z" });
        assert.deepEqual(expiryOf(undefined), {});
        assert.equal(daysLeft("2026-12-16T00:00:00Z", NOW), 10);
        assert.equal(daysLeft("2026-12-05T12:00:00Z", NOW), -1);
    });

    it("parses the notAfter of the first certificate of a tls.crt (leaf before chain), and nothing from a non-certificate", () => {
        const dir = tempDir("cert-expiry-");
        const key = path.join(dir, "k.pem");
        const crt = path.join(dir, "c.pem");
        const r = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", crt, "-days", "45", "-subj", "/CN=account-222222222222"], { encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        const pem = fs.readFileSync(crt, "utf8");
        const end = spawnSync("openssl", ["x509", "-noout", "-enddate", "-in", crt], { encoding: "utf8" }).stdout.replace(/^notAfter=/, "").trim();
        const expires = certificateExpiresAt(pem + pem.replace("account-222222222222", "x"));
        assert.equal(expires, new Date(end).toISOString());
        assert.ok(Math.abs(Date.parse(expires!) - Date.now() - 45 * 86_400_000) < 120_000, "45 days from now");
        assert.equal(certificateExpiresAt("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"), undefined);
        assert.equal(certificateExpiresAt(""), undefined);
    });

    it("shows days left from the last up, whatever ran since, and '-' for a stack that exports none", () => {
        const m = fleet(["monitored-a", "monitored-b"]);
        const journal = emptyJournal();
        recordEntry(journal, "hub", entry("up", { certificateExpiresAt: "2027-02-04T00:00:00.000Z" }));
        recordEntry(journal, "monitored-a", entry("up", { certificateExpiresAt: "2026-12-20T00:00:00.000Z" }));
        recordEntry(journal, "monitored-a", entry("refresh"));
        recordEntry(journal, "monitored-b", entry("up"));
        const rows = statusRows(journal, m.stacks, NOW);
        assert.deepEqual(rows.map((r) => [r.stack, r.certificateDaysLeft]), [["hub", 60], ["monitored-a", 14], ["monitored-b", undefined]]);

        const stateDir = tempDir("cert-status-");
        const store = new JournalStore(path.join(stateDir, "journal.json"));
        store.load();
        store.update((j) => Object.assign(j, journal));
        return store.flush().then(() => {
            const lines: string[] = [];
            runStatus(stateDir, m.stacks, (l) => lines.push(l), path.join(stateDir, "status.json"), NOW);
            const header = lines[0].split(/\s{2,}/);
            const col = header.indexOf("CERT DAYS");
            assert.ok(col > 0, lines[0]);
            assert.deepEqual(lines.slice(1, 4).map((l) => l.split(/\s{2,}/)[col]), ["60", "14", "-"]);
            const json = JSON.parse(fs.readFileSync(path.join(stateDir, "status.json"), "utf8")) as { stacks: { stack: string; certificateExpiresAt?: string }[] };
            assert.equal(json.stacks[1].certificateExpiresAt, "2026-12-20T00:00:00.000Z");
        });
    });
});
