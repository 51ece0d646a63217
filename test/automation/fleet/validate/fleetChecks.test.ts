import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ConfigError } from "../../../../stacks/config/common";
import { loadManifest, resolveManifest } from "../../../../automation/fleet/manifest";
import { runPlanCommand } from "../../../../automation/plan/command";
import { renderStackFile } from "../../../../automation/fleet/stackFiles";
import { pemBundleProblem } from "../../../../automation/fleet/validate/pem";
import { AWS_REGIONS } from "../../../../automation/fleet/validate/regions";
import { overlappingPairs } from "../../../../automation/fleet/validate/fleetChecks";
import { cidrsOverlap } from "../../../../components/network/cidr";

const FLEET = path.resolve(__dirname, "../../../../stacks/fleet.yaml");

function example(): any {
    return parse(fs.readFileSync(FLEET, "utf8"));
}

const byName = (doc: any, name: string) => doc.stacks.find((s: any) => s.name === name);

/** The manifest is refused with one line per problem, each naming the field, the conflict and a fix. */
function rejects(doc: unknown, field: string, ...fragments: string[]): string {
    return rejectsWith(doc, field, [...fragments, "fix: "]);
}

/** As rejects, for schema errors whose message is the expected form itself ("expected one of …"). */
function rejectsWith(doc: unknown, field: string, fragments: string[]): string {
    let message = "";
    assert.throws(() => resolveManifest(doc), (e: unknown) => {
        assert.ok(e instanceof ConfigError, String(e));
        message = e.message;
        return true;
    });
    const line = message.split("\n").find((l) => l.includes(field));
    assert.ok(line, `a line should name ${field}:\n${message}`);
    for (const f of fragments) {
        assert.ok(line.includes(f), `the ${field} line should mention ${JSON.stringify(f)}:\n${line}`);
    }
    return line;
}

describe("fleet manifest: cross-stack checks", () => {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-checks-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("accepts the example fleet", () => {
        assert.strictEqual(resolveManifest(example()).stacks.length, 6);
    });

    it("refuses two stacks in one account and region", () => {
        const doc = example();
        byName(doc, "monitored-legacy").account = "222222222222";
        rejects(doc, "stacks[3] (monitored-legacy).account", "222222222222 in us-east-1 already holds stacks[1] (monitored-payments)", "collide");
    });

    it("refuses site networks overlapping another site or the hub VPC", () => {
        const doc = example();
        const site = byName(doc, "onprem-dc1");
        const second = { ...JSON.parse(JSON.stringify(site)), name: "onprem-dc2", account: "888888888888" };
        second.config.siteName = "dc2";
        second.config.siteCidrs = ["172.16.8.0/24"];
        doc.stacks.push(second);
        rejects(doc, "stacks[6] (onprem-dc2).config.siteCidrs[0]", "172.16.8.0/24 overlaps 172.16.0.0/20", "stacks[4] (onprem-dc1).config.siteCidrs[0]");
        const hubOverlap = example();
        byName(hubOverlap, "onprem-dc1").config.siteCidrs = ["10.60.128.0/20"];
        rejects(hubOverlap, "stacks[4] (onprem-dc1).config.siteCidrs[0]", "overlaps 10.60.0.0/16 (stacks[0] (hub).config.network.cidr)");
    });

    it("refuses workload networks claimed by two monitored accounts", () => {
        const doc = example();
        byName(doc, "monitored-analytics").config.workloads.cidrs = ["10.20.128.0/17"];
        rejects(doc, "stacks[2] (monitored-analytics).config.workloads.cidrs[0]", "overlaps 10.20.0.0/16 (stacks[1] (monitored-payments).config.workloads.cidrs[0])");
    });

    it("refuses a CIDR with a leading zero, showing the plain form", () => {
        const doc = example();
        byName(doc, "monitored-payments").config.workloads.cidrs = ["010.20.0.0/16"];
        rejects(doc, "stacks[1] (monitored-payments).config.workloads.cidrs[0]", "leading zero", "write 10.20.0.0/16");
    });

    it("refuses regions the pinned AWS provider does not know, wherever they appear", () => {
        assert.ok(AWS_REGIONS.includes("us-east-1") && AWS_REGIONS.includes("eu-west-1") && !AWS_REGIONS.includes("us-fake-1"));
        const doc = example();
        doc.defaults.region = "us-fake-1";
        rejects(doc, "defaults.region", '"us-fake-1" is not an AWS region', "us-east-1");
        const dr = example();
        byName(dr, "hub").config.drRegion = "eu-west-9";
        rejects(dr, "stacks[0] (hub).config.drRegion", '"eu-west-9" is not an AWS region', "eu-");
        const order = example();
        order.rollout.regionOrder = ["us-east-1", "ap-nowhere-2"];
        rejects(order, "rollout.regionOrder[1]", "not an AWS region");
    });

    it("refuses a malformed certificate ARN and one from another region or account than the hub", () => {
        const cert = "arn:aws:acm:us-east-1:111111111111:certificate/0f0e0d0c-0000-4000-8000-000000000001";
        const malformed = example();
        byName(malformed, "hub").config.ingress.certificateArn = "arn:aws:acm:us-east-1:111111111111:certificate/";
        rejects(malformed, "stacks[0] (hub).config.ingress.certificateArn", "is not an ACM certificate ARN", "arn:aws:acm:us-east-1:111111111111:certificate/<uuid>");
        const region = example();
        byName(region, "hub").config.ingress.certificateArn = cert.replace("us-east-1", "eu-west-1");
        rejects(region, "stacks[0] (hub).config.ingress.certificateArn", "in 111111111111/eu-west-1 but the hub is in 111111111111/us-east-1");
        const account = example();
        byName(account, "hub").config.ingress.certificateArn = cert.replace("111111111111", "999999999999");
        rejects(account, "stacks[0] (hub).config.ingress.certificateArn", "999999999999/us-east-1");
    });

    it("refuses a truncated Secrets Manager ARN", () => {
        const doc = example();
        byName(doc, "hub").config.collector.tlsSecretArn = "arn:aws:secretsmanager:us-east-1:111111111111:secret:oss-monitoring/hub/collector-tls";
        rejects(doc, "stacks[0] (hub).config.collector.tlsSecretArn", "not a complete Secrets Manager secret ARN");
    });

    it("refuses garbage and truncated PEM CA bundles", () => {
        const doc = example();
        const pem: string = byName(doc, "hub").config.ingress.caBundle;
        byName(doc, "hub").config.ingress.caBundle = pem.replace(/^(-----BEGIN CERTIFICATE-----\n)(.{20})/m, "$1AAAA$2");
        rejects(doc, "stacks[0] (hub).config.ingress.caBundle", "does not parse", "openssl x509");
        const truncated = example();
        const hubPem: string = byName(truncated, "hub").config.ingress.caBundle;
        byName(truncated, "hub").config.ingress.caBundle = hubPem.split("\n").slice(0, 6).join("\n");
        rejects(truncated, "stacks[0] (hub).config.ingress.caBundle", "truncated");
        assert.match(pemBundleProblem(`${pem}\nhello\n`) ?? "", /text outside the certificate blocks/);
        assert.strictEqual(pemBundleProblem(`${pem}\n${pem}`), undefined, "a bundle of two CAs is fine");
    });

    it("refuses a leaf certificate where a CA is expected", function () {
        const key = path.join(dir, "leaf.key");
        const crt = path.join(dir, "leaf.pem");
        const r = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", crt,
            "-subj", "/CN=leaf.example.com", "-days", "1", "-addext", "basicConstraints=critical,CA:FALSE"], { encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
        const doc = example();
        byName(doc, "hub").config.ingress.caBundle = fs.readFileSync(crt, "utf8");
        rejects(doc, "stacks[0] (hub).config.ingress.caBundle", "is not a CA certificate", "CN=leaf.example.com");
    });

    it("refuses dependsOn cycles, including through the hub", () => {
        const doc = example();
        byName(doc, "monitored-payments").dependsOn = ["monitored-legacy"];
        byName(doc, "monitored-legacy").dependsOn = ["monitored-payments"];
        rejects(doc, ".dependsOn", "dependency cycle monitored-", "remove one dependsOn entry");
        const viaHub = example();
        byName(viaHub, "hub").dependsOn = ["monitored-analytics"];
        rejects(viaHub, "stacks[0] (hub).dependsOn", "hub -> monitored-analytics -> hub", "every spoke depends on the hub");
    });

    it("refuses a failure tolerance above 100%", () => {
        const doc = example();
        doc.rollout.failureTolerance = "150%";
        rejects(doc, "rollout.failureTolerance", "150% is more than the whole main wave", "0% to 100%");
    });

    it("refuses a canary list naming the hub", () => {
        const doc = example();
        doc.rollout.canary = ["hub", "monitored-payments"];
        rejects(doc, "rollout.canary[0]", '"hub" is the hub', "would be empty");
    });

    it("refuses an unknown role and duplicated stacks", () => {
        const doc = example();
        doc.stacks[1].role = "monitor";
        rejectsWith(doc, "stacks[1].role", ["expected one of hub, monitored, onprem"]);
        const dup = example();
        dup.stacks.push({ ...dup.stacks[1] });
        assert.throws(() => resolveManifest(dup), /stacks\[6\]\.name: "monitored-payments" is used twice/);
    });

    it("refuses spokes outside the fleet's regions, naming the field and both fixes", () => {
        const doc = example();
        byName(doc, "monitored-analytics").region = "ap-southeast-2";
        rejects(doc, "stacks[2] (monitored-analytics).region", "ap-southeast-2 is not one of the fleet's regions (us-east-1, us-west-2)",
            "admits endpoints from listed regions only", "fix: add ap-southeast-2 to regions, or deploy this spoke in one of us-east-1, us-west-2");
        // Without `regions:` the fleet is the hub's region alone: the second-region account is refused.
        const single = example();
        delete single.regions;
        rejects(single, "stacks[5] (monitored-web-west).region", "us-west-2 is not one of the fleet's regions (us-east-1)", "fix: add us-west-2 to regions");
    });

    it("refuses a site landing in an unlisted region: its landing VPC would have no endpoint the hub admits", () => {
        const doc = example();
        byName(doc, "onprem-dc1").region = "eu-central-1";
        rejects(doc, "stacks[4] (onprem-dc1).region", "the site's landing account is in eu-central-1, which is not one of the fleet's regions",
            "interface endpoint in its own landing VPC", "fix: add eu-central-1 to regions (the landing VPC then gets its own cross-region endpoint), or land the site in one of us-east-1, us-west-2");
    });

    it("refuses a regions list without the hub's region, with repeats, or reaching into another partition", () => {
        const noHub = example();
        noHub.regions = ["us-west-2"];
        rejects(noHub, "regions: does not list", "the hub's region us-east-1", "fix: add us-east-1 to regions");
        const twice = example();
        twice.regions = ["us-east-1", "us-west-2", "us-west-2"];
        rejects(twice, "regions[2]", "us-west-2 is listed twice", "fix: remove the repeat");
        // Cross-region PrivateLink stays inside one partition (AWS what's new, 2024-11: "in the same AWS partition").
        for (const [region, partition] of [["cn-north-1", "aws-cn"], ["us-gov-west-1", "aws-us-gov"]]) {
            const other = example();
            other.regions = ["us-east-1", "us-west-2", region];
            rejects(other, "regions[2]", `${region} is in the ${partition} partition but the hub's region us-east-1 is in aws`, "one partition only", "fix: remove it");
        }
        const typo = example();
        typo.regions = ["us-east-1", "eu-west-9"];
        rejects(typo, "regions[1]", "\"eu-west-9\" is not an AWS region");
    });

    it("a single-region manifest derives no cross-region settings: no supportedRegions, no hubRegion on any spoke", () => {
        const doc = example();
        delete doc.regions;
        doc.stacks = doc.stacks.filter((s: any) => s.name !== "monitored-web-west");
        const m = resolveManifest(doc);
        assert.ok(!("spokeRegions" in (m.hub.config["oss-monitoring:hub"] as object)));
        assert.deepStrictEqual((m.hub.parsed as any).hub.spokeRegions, []);
        for (const s of m.stacks.filter((x) => x.role !== "hub")) {
            assert.ok(!("oss-monitoring:hubRegion" in s.config), s.name);
        }
        const multi = resolveManifest(example());
        assert.deepStrictEqual((multi.hub.parsed as any).hub.spokeRegions, ["us-west-2"]);
        assert.strictEqual(multi.stacks.find((s) => s.name === "monitored-web-west")!.config["oss-monitoring:hubRegion"], "us-east-1");
        assert.ok(!("oss-monitoring:hubRegion" in multi.stacks.find((s) => s.name === "monitored-payments")!.config));
    });

    it("resolves YAML merge keys (<<: *anchor)", () => {
        const text = fs.readFileSync(FLEET, "utf8")
            .replace("  - name: monitored-legacy\n    role: monitored\n", "  - name: monitored-legacy\n    role: monitored\n    <<: &legacyBase\n      regulated: false\n");
        const file = path.join(dir, "merge.yaml");
        fs.writeFileSync(file, text);
        assert.ok(text.includes("<<: &legacyBase"));
        const m = loadManifest(file);
        assert.strictEqual(m.stacks.find((s) => s.name === "monitored-legacy")?.regulated, false);
    });

    it("refuses keys in stacks/Pulumi.<stack>.yaml that the manifest does not generate, naming file and key", () => {
        const manifest = path.join(dir, "fleet.yaml");
        fs.writeFileSync(manifest, fs.readFileSync(FLEET, "utf8"));
        const m = loadManifest(manifest);
        for (const s of m.stacks) {
            fs.writeFileSync(path.join(dir, `Pulumi.${s.name}.yaml`), renderStackFile(s));
        }
        assert.doesNotThrow(() => loadManifest(manifest));
        const hubFile = path.join(dir, "Pulumi.hub.yaml");
        const doc = parse(fs.readFileSync(hubFile, "utf8"));
        doc.config["oss-monitoring:hub"].collector.bogusKnob = 3;
        doc.config["oss-monitoring:extra"] = "x";
        doc.config["oss-monitoring:token"] = { secure: "v1:abc" };
        fs.writeFileSync(hubFile, stringify(doc));
        assert.throws(() => loadManifest(manifest), (e: unknown) => {
            assert.ok(e instanceof ConfigError);
            assert.match(e.message, /Pulumi\.hub\.yaml: config "oss-monitoring:hub\.collector\.bogusKnob" is not in the manifest .*fix: move it into .* under stacks\[0\] \(hub\)\.config/);
            assert.match(e.message, /Pulumi\.hub\.yaml: config key "oss-monitoring:extra" is not generated from the manifest/);
            assert.doesNotMatch(e.message, /token/, "secure values belong in the stack file");
            return true;
        });
    });

    it("makes `plan` exit 2 before any stack runs, writing nothing", async () => {
        const doc = example();
        doc.rollout.failureTolerance = "150%";
        const bad = path.join(dir, "bad-tolerance.yaml");
        fs.writeFileSync(bad, stringify(doc));
        const out = path.join(dir, "never.json");
        const errors: string[] = [];
        const original = console.error;
        console.error = (...a: unknown[]) => void errors.push(a.join(" "));
        try {
            assert.strictEqual(await runPlanCommand(["--manifest", bad, "--json", out]), 2);
        } finally {
            console.error = original;
        }
        assert.match(errors.join("\n"), /rollout\.failureTolerance: 150% is more than the whole main wave/);
        assert.ok(!fs.existsSync(out));
        assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => f.startsWith("never")), []);
    });
});

describe("overlappingPairs: the fleet's network overlap sweep", function () {
    // The reference below compares every pair with the per-call parsing cidrsOverlap: slow on purpose.
    this.timeout(60_000);
    it("finds exactly the pairs a comparison of every pair finds, in the same order, across nested, equal, disjoint, IPv6 and invalid ranges", () => {
        // Deterministic pseudo-random ranges, dense enough that many nest or coincide.
        let seed = 26;
        const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
        const cidrs: string[] = [];
        for (let k = 0; k < 150; k++) {
            const prefix = 8 + next(17);
            const base = (((10 << 24) | (next(4) << 22) | next(1 << 22)) >>> 0) & (prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0);
            cidrs.push(`${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.${base & 255}/${prefix}`);
        }
        cidrs.push("2001:db8::/32", "2001:db8:1::/48", "10.0.0.0/8", "not-a-cidr", "10.1.2.3/8");
        const expected: Array<[number, number]> = [];
        for (let a = 0; a < cidrs.length; a++) {
            for (let b = a + 1; b < cidrs.length; b++) {
                if (cidrsOverlap(cidrs[a], cidrs[b])) {
                    expected.push([a, b]);
                }
            }
        }
        assert.ok(expected.length > 150, `the sample must overlap a lot (${expected.length} pairs)`);
        assert.deepStrictEqual(overlappingPairs(cidrs), expected);
    });
});
