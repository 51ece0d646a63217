import { strict as assert } from "assert";
import { auditExitCode, auditReport, auditStack, stateResources, withoutSecrets } from "../../../automation/driver/audit";
import { fleet } from "./fixtures";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const urn = (type: string, name: string) => `urn:pulumi:hub::oss-monitoring::${type}::${name}`;
const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };

/** A `pulumi stack export` document with one security group whose inputs were clean and whose refreshed outputs are not. */
function exported(outputsIngress: unknown[], extra: Record<string, unknown>[] = []) {
    return {
        version: 3,
        deployment: {
            manifest: {},
            resources: [
                { urn: urn("pulumi:pulumi:Stack", "oss-monitoring-hub"), type: "pulumi:pulumi:Stack", custom: false },
                {
                    urn: urn(SG, "collector"), type: SG, custom: true, id: "sg-1",
                    inputs: { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }], tags: { CostCenter: "cc", Owner: "o", Environment: "e", MonitoringRole: "hub" } },
                    outputs: { ingress: outputsIngress, tags: { CostCenter: "cc", Owner: "o", Environment: "e", MonitoringRole: "hub" }, arn: "arn:aws:ec2:us-east-1:111111111111:security-group/sg-1" },
                },
                ...extra,
            ],
        },
    };
}

describe("automation/driver/audit", () => {
    const hub = fleet([]).hub;

    it("judges what the provider last read: an ingress opened in the console is reported after a refresh", () => {
        const clean = auditStack(hub, exported([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }]), { refreshed: true });
        assert.deepEqual(clean.violations.filter((v) => v.policy === "sg-no-public-ingress"), []);
        const opened = auditStack(hub, exported([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }, { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }]), { refreshed: true });
        const found = opened.violations.filter((v) => v.policy === "sg-no-public-ingress");
        assert.equal(found.length, 1);
        assert.equal(found[0].urn, urn(SG, "collector"));
        assert.match(found[0].message, /tcp\/22 from 0\.0\.0\.0\/0/);
        assert.equal(found[0].stack, "hub");
    });

    it("evaluates with the same policy configuration as the previews", () => {
        const opened = exported([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }]);
        assert.equal(auditStack(hub, opened, { refreshed: false }).violations.filter((v) => v.policy === "sg-no-public-ingress").length, 1);
        const allowed = auditStack(hub, opened, { refreshed: false, config: { "sg-no-public-ingress": { allowedPorts: [443] } } });
        assert.deepEqual(allowed.violations.filter((v) => v.policy === "sg-no-public-ingress"), []);
    });

    it("reads secrets as unknown, skips pending deletes, keeps components' inputs", () => {
        assert.deepEqual(withoutSecrets({ a: secret, b: [secret, "x"] }), { a: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", b: ["04da6b54-80e4-46f7-96ec-b56ff0331ba9", "x"] });
        const rs = stateResources(exported([], [
            { urn: urn(SG, "old"), type: SG, custom: true, delete: true, inputs: {}, outputs: {} },
            { urn: urn("oss-monitoring:hub:Hub", "hub"), type: "oss-monitoring:hub:Hub", custom: false, inputs: { a: 1 }, outputs: { b: 2 } },
        ]), "hub");
        assert.deepEqual(rs.map((r) => r.name), ["oss-monitoring-hub", "collector", "hub"]);
        assert.deepEqual(rs[2].inputs, { a: 1 });
        assert.throws(() => stateResources({ version: 3 }, "hub"), /stack hub: the exported state has no deployment/);
    });

    it("reports per stack and per policy, and exits 1 on a mandatory violation or a stack not audited", () => {
        const bad = auditStack(hub, exported([{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]), { refreshed: true });
        const report = auditReport([bad], new Date(0));
        assert.equal(report.summary.byPolicy["sg-no-public-ingress"], 1);
        assert.equal(report.stacks[0].byPolicy["sg-no-public-ingress"], 1);
        assert.equal(auditExitCode(report), 1);
        const clean = auditStack(hub, exported([]), { refreshed: true });
        assert.deepEqual(clean.violations.filter((v) => v.enforcementLevel === "mandatory"), []);
        assert.equal(auditExitCode(auditReport([clean], new Date(0))), 0);
        assert.equal(auditExitCode(auditReport([{ ...clean, violations: [], error: "stack not found" }], new Date(0))), 1);
    });

    it("counts backend stacks no entry explains, and exits 1 on one; a backend it could not list is no finding", () => {
        const clean = auditStack(hub, exported([]), { refreshed: false });
        const withOrphan = auditReport([clean], new Date(0), [{ stack: "monitored-gone", where: "backend" }]);
        assert.deepEqual({ orphans: withOrphan.orphans, count: withOrphan.summary.orphans, exit: auditExitCode(withOrphan) }, { orphans: [{ stack: "monitored-gone", where: "backend" }], count: 1, exit: 1 });
        const unlisted = auditReport([clean], new Date(0), undefined);
        assert.deepEqual({ has: "orphans" in unlisted, count: unlisted.summary.orphans, exit: auditExitCode(unlisted) }, { has: false, count: 0, exit: 0 });
    });
});
