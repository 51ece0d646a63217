import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { identityMapChunks, normalizeSerial, revokedSerialsFile } from "../../../components/identity/proxyFiles";
import { TLS_DIR } from "../../../components/telemetry/collectorPorts";
import { COLLECTOR_UID, collectorContainerDefinitions, initScript, PROXY_IMAGE, PROXY_IMAGE_VERSION } from "../../../components/hub/collector/collectorTask";
import { IDENTITY_FILES, renderHaproxyConfig } from "../../../components/identity/haproxyConfig";
import { renderCertSeenLua } from "../../../components/identity/certSeen";
import { Tenant, tenantMaps } from "../../../components/identity/tenants";

const reader = (a: string) => `arn:aws:iam::${a}:role/OrganizationMonitoringDeploy`;
/** 250 monitored accounts and two sites: the account map needs two 8 KB SSM parameters. */
const TENANTS: Tenant[] = [
    ...Array.from({ length: 250 }, (_, i): Tenant => { const a = String(200000000000 + i); return { kind: "monitored", account: a, readerRoleArn: reader(a) }; }),
    { kind: "onprem", account: "777777777777", site: "dc1", readerRoleArn: reader("777777777777") },
    { kind: "onprem", account: "777777777777", site: "berlin", readerRoleArn: reader("777777777777") },
];

/** Non-empty, non-comment lines: what HAProxy loads from a map or pattern file. */
const entries = (text: string) => text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));

describe("tenant proxy files (init container)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-files-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("splits the maps into SSM-sized chunks and never hands SSM an empty value", () => {
        const chunks = identityMapChunks(TENANTS);
        assert.strictEqual(chunks.account.length, 2);
        assert.ok(chunks.account.every((c) => Buffer.byteLength(c) <= 8192 && c.endsWith("\n")));
        assert.strictEqual(chunks.account.join(""), tenantMaps(TENANTS).account);
        assert.deepStrictEqual(chunks.site, ["site-berlin berlin\nsite-dc1 dc1\n"]);
        assert.deepStrictEqual(identityMapChunks(TENANTS.slice(0, 1)).site, ["# no on-prem tenants\n"]);
        assert.strictEqual(revokedSerialsFile([]), "# revoked tenant certificate serials (0)\n");
        assert.strictEqual(revokedSerialsFile(["0a:1b:2c", "0A1B2C", "f"]), "# revoked tenant certificate serials (2)\n0A1B2C\n0F\n");
        assert.throws(() => revokedSerialsFile(["xyz"]), /identity\.revokedSerials: "xyz" is not a certificate serial/);
        // The DER sign byte is not part of what ssl_c_serial,hex prints.
        assert.strictEqual(normalizeSerial("00:80:aa:bb"), "80AABB");
        assert.strictEqual(normalizeSerial("00"), "00");
        assert.strictEqual(normalizeSerial("1"), "01");
    });

    it("wires every chunk, in order, into the init container, and only the init container reads the server key", () => {
        const identity = {
            proxyConfig: "arn:aws:ssm:us-east-1:111111111111:parameter/p/cfg", tenantCa: "arn:aws:ssm:us-east-1:111111111111:parameter/p/ca",
            accountMap: ["arn:aws:ssm:us-east-1:111111111111:parameter/p/a/0", "arn:aws:ssm:us-east-1:111111111111:parameter/p/a/1"],
            siteMap: ["arn:aws:ssm:us-east-1:111111111111:parameter/p/s/0"], revokedSerials: "arn:aws:ssm:us-east-1:111111111111:parameter/p/r",
            certSeenLua: "arn:aws:ssm:us-east-1:111111111111:parameter/p/lua",
        };
        const defs = collectorContainerDefinitions({
            collectorImage: "c", initImage: "i", proxyImage: "p", configParameterArn: "arn:aws:ssm:us-east-1:111111111111:parameter/p/collector",
            tlsSecretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:tls-AbCdEf", identity, logGroupName: "g", region: "us-east-1", memoryMiB: 1700,
        }) as Array<{ name: string; secrets?: Array<{ name: string; valueFrom: string }>; command?: string[] }>;
        const init = defs.find((c) => c.name === "tls-init");
        assert.deepStrictEqual(init?.secrets?.filter((x) => /_MAP_/.test(x.name)), [
            { name: "ACCOUNT_MAP_0", valueFrom: identity.accountMap[0] }, { name: "ACCOUNT_MAP_1", valueFrom: identity.accountMap[1] },
            { name: "SITE_MAP_0", valueFrom: identity.siteMap[0] },
        ]);
        assert.ok(init?.command?.[2].includes(`printf '%s\\n' "$ACCOUNT_MAP_0" "$ACCOUNT_MAP_1" > ${IDENTITY_FILES.accountMap}`));
        assert.deepStrictEqual(init?.secrets?.find((x) => x.name === "CERT_SEEN_LUA"), { name: "CERT_SEEN_LUA", valueFrom: identity.certSeenLua });
        assert.ok(init?.command?.[2].includes(`printf '%s\\n' "$CERT_SEEN_LUA" > ${IDENTITY_FILES.certSeenLua}`));
        for (const c of defs.filter((x) => x.name !== "tls-init")) {
            assert.ok(!(c.secrets ?? []).some((x) => x.valueFrom.includes(":secretsmanager:")), `${c.name} gets no secret`);
        }
        assert.throws(() => collectorContainerDefinitions({ ...{ collectorImage: "c", initImage: "i", proxyImage: "p", configParameterArn: "x", tlsSecretArn: "y", logGroupName: "g", region: "r", memoryMiB: 1 }, identity: { ...identity, siteMap: [] } }), /at least one parameter/);
    });

    it("writes files that HAProxy 2.6 accepts and that hold exactly the rendered maps (run with sh, checked by `haproxy -c`)", function () {
        // The init script as the task runs it, with the volume moved to a temporary directory.
        const vol = path.join(dir, "vol");
        fs.mkdirSync(vol);
        const chunks = identityMapChunks(TENANTS);
        const key = path.join(dir, "server.key");
        const crt = path.join(dir, "server.crt");
        const ca = path.join(dir, "ca.pem");
        const req = (subj: string, k: string, c: string) => {
            const r = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", k, "-out", c, "-subj", subj, "-days", "1"], { encoding: "utf8" });
            assert.strictEqual(r.status, 0, r.stderr);
        };
        req("/CN=collector.monitoring.internal", key, crt);
        req("/CN=tenant CA", path.join(dir, "ca.key"), ca);
        const files = Object.fromEntries(Object.entries(IDENTITY_FILES).map(([k, v]) => [k, v.replace(TLS_DIR, vol)])) as Record<keyof typeof IDENTITY_FILES, string>;
        const cfg = renderHaproxyConfig({ host: "127.0.0.1", files });
        const env: Record<string, string> = {
            PATH: process.env.PATH ?? "",
            // SSM and Secrets Manager hand values over without a trailing newline.
            TLS_CERT: fs.readFileSync(crt, "utf8").trimEnd(), TLS_KEY: fs.readFileSync(key, "utf8").trimEnd(), TENANT_CA: fs.readFileSync(ca, "utf8").trimEnd(),
            ...Object.fromEntries(chunks.account.map((c, i) => [`ACCOUNT_MAP_${i}`, c])),
            ...Object.fromEntries(chunks.site.map((c, i) => [`SITE_MAP_${i}`, c])),
            REVOKED_SERIALS: revokedSerialsFile(["0A1B2C"]), PROXY_CONFIG: cfg, CERT_SEEN_LUA: renderCertSeenLua().trimEnd(),
        };
        const script = initScript({ accountMap: chunks.account.length, siteMap: chunks.site.length }).split(TLS_DIR).join(vol);
        const run = spawnSync("sh", ["-c", script], { env, encoding: "utf8" });
        assert.strictEqual(run.status, 0, run.stderr);
        assert.deepStrictEqual(entries(fs.readFileSync(files.accountMap, "utf8")), entries(tenantMaps(TENANTS).account));
        assert.strictEqual(entries(fs.readFileSync(files.accountMap, "utf8")).length, 252);
        assert.deepStrictEqual(entries(fs.readFileSync(files.siteMap, "utf8")), ["site-berlin berlin", "site-dc1 dc1"]);
        assert.deepStrictEqual(entries(fs.readFileSync(files.revokedSerials, "utf8")), ["0A1B2C"]);
        assert.strictEqual(fs.readFileSync(files.certSeenLua, "utf8"), renderCertSeenLua());
        for (const f of Object.values(files)) {
            const st = fs.statSync(f);
            assert.strictEqual(st.mode & 0o077, 0, `${f} is private to its owner`);
            assert.strictEqual(st.uid, process.getuid?.() === 0 ? COLLECTOR_UID : st.uid, `${f} belongs to the proxy's user`);
        }
        const check = spawnSync("haproxy", ["-c", "-f", files.haproxyCfg], { encoding: "utf8" });
        assert.strictEqual(check.status, 0, `${check.stdout}${check.stderr}`);
        assert.doesNotMatch(`${check.stdout}${check.stderr}`, /WARNING|ALERT/);
    });

    it("pins the proxy image by digest, at the HAProxy minor version the tests run", () => {
        const local = spawnSync("haproxy", ["-v"], { encoding: "utf8" });
        assert.strictEqual(local.status, 0, "haproxy not found: run `bash tools/setup.sh` (or apt-get install -y haproxy)");
        const minor = /version (\d+\.\d+)\./.exec(local.stdout)?.[1];
        assert.ok(minor !== undefined, local.stdout);
        assert.match(PROXY_IMAGE_VERSION, new RegExp(`^${minor.replace(".", "\\.")}\\.\\d+$`));
        // A digest, not a tag: a tag can be re-pushed, a digest names one image index.
        assert.match(PROXY_IMAGE, /^public\.ecr\.aws\/docker\/library\/haproxy@sha256:[0-9a-f]{64}$/);
    });
});
