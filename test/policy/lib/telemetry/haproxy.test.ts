import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bindClientCertGap, parseBindAddresses, parseHaproxyConfig } from "../../../../policy/lib/telemetry/haproxy";
import { hostScope, splitHostPort } from "../../../../policy/lib/telemetry/terminators";

describe("policy/lib/telemetry", () => {
    describe("HAProxy parsing", () => {
        it("splits bind addresses as HAProxy does", () => {
            assert.deepEqual(parseBindAddresses(":::4318"), [{ host: "::", from: 4318, to: 4318 }]);
            assert.deepEqual(parseBindAddresses("::1:4318"), [{ host: "::1", from: 4318, to: 4318 }]);
            assert.deepEqual(parseBindAddresses("[::]:4317-4318,127.0.0.1:9"), [{ host: "::", from: 4317, to: 4318 }, { host: "127.0.0.1", from: 9, to: 9 }]);
            assert.deepEqual(parseBindAddresses("unix@/run/h.sock"), []);
            assert.deepEqual(parseBindAddresses("/run/h.sock"), []);
            assert.deepEqual(parseBindAddresses("*:443"), [{ host: "", from: 443, to: 443 }]);
            assert.deepEqual(splitHostPort("[::1]:4317"), { host: "::1", port: 4317 });
            assert.equal(hostScope("::ffff:127.0.0.1"), "loopback");
            assert.equal(hostScope("0:0:0:0:0:0:0:0"), "any");
        });

        it("agrees with the real haproxy 2.6 on what a config means (continuation lines, ca-file, bind forms)", function () {
            this.timeout(30000);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "haproxy-policy-"));
            try {
                execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, "k.pem"),
                    "-out", path.join(dir, "c.pem"), "-days", "1", "-subj", "/CN=policy-test"], { stdio: "ignore" });
                fs.writeFileSync(path.join(dir, "s.pem"), fs.readFileSync(path.join(dir, "c.pem"), "utf8") + fs.readFileSync(path.join(dir, "k.pem"), "utf8"));
                const head = ["global", "    ssl-default-bind-options ssl-min-ver TLSv1.2", "defaults", "    mode tcp", "    timeout connect 5s", "    timeout client 5s", "    timeout server 5s", "frontend f"];
                const tail = ["    default_backend b", "backend b", "    server s 127.0.0.1:9999"];
                const haproxyCheck = (binds: string[]) => {
                    const text = [...head, ...binds.map((b) => `    ${b}`), ...tail].join("\n").replace(/DIR/g, dir);
                    const file = path.join(dir, "h.cfg");
                    fs.writeFileSync(file, `${text}\n`);
                    const r = spawnSync("haproxy", ["-c", "-f", file], { encoding: "utf8" });
                    return { valid: r.status === 0, out: `${r.stdout}${r.stderr}`, parsed: parseHaproxyConfig(text) };
                };
                const good = haproxyCheck([
                    "bind [::]:4318 ssl crt DIR/s.pem ca-file DIR/c.pem verify required # tenant CA",
                    "bind :::4319,127.0.0.1:4320-4321 ssl crt DIR/s.pem ca-file \"DIR/c.pem\" verify required",
                    "bind *:4323 ssl crt DIR/s.pem ca-verify-file DIR/c.pem verify required",
                ]);
                assert.ok(good.valid, `haproxy accepts the forms the parser reads as verified binds: ${good.out}`);
                assert.deepEqual(good.parsed.binds.map((b) => [b.addresses.map((a) => `${a.host}|${a.from}-${a.to}`).join(","), bindClientCertGap(b) ?? "ok"]),
                    [["::|4318-4318", "ok"], ["::|4319-4319,127.0.0.1|4320-4321", "ok"], ["|4323-4323", "ok"]]);
                // No line continuation in 2.6: haproxy refuses the file, and the parser does not join the lines either.
                const continued = haproxyCheck(["bind :4318 ssl crt DIR/s.pem \\", "     ca-file DIR/c.pem verify required"]);
                assert.equal(continued.valid, false);
                assert.match(bindClientCertGap(continued.parsed.binds[0]) ?? "", /verify none/);
                // verify required without a CA file is refused by haproxy; the parser calls it a gap.
                const noCa = haproxyCheck(["bind :4318 ssl crt DIR/s.pem verify required"]);
                assert.equal(noCa.valid, false);
                assert.match(bindClientCertGap(noCa.parsed.binds[0]) ?? "", /no `ca-file`/);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});
