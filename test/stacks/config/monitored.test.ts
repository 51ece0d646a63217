import * as assert from "assert";
import { parseStackConfig } from "../../../stacks/config";
import { ConfigError } from "../../../stacks/config/common";

/** A minimal valid monitored stack config (keys without the oss-monitoring: prefix). */
function raw(monitored: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        role: "monitored",
        account: "222222222222",
        region: "us-east-1",
        organizationId: "o-a1b2c3d4e5",
        hubStack: "organization/oss-monitoring/hub",
        monitored: {
            vpc: { vpcId: "vpc-0b2a3c4d5e6f70801", subnetIds: ["subnet-0b2a3c4d5e6f70811", "subnet-0b2a3c4d5e6f70812"] },
            workloads: { cidrs: ["10.20.0.0/16"] },
            ...monitored,
        },
        ...extra,
    };
}

function error(fn: () => unknown): string {
    try {
        fn();
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        return e.message;
    }
    assert.fail("expected the config to be rejected");
}

describe("monitored config", () => {
    it("fills defaults: privatelink, both platforms, MonitoringAgent tags, not regulated", () => {
        const c = parseStackConfig(raw());
        assert.ok(c.role === "monitored");
        assert.strictEqual(c.monitored.connectivity.mode, "privatelink");
        assert.strictEqual(c.monitored.regulated, false);
        assert.deepStrictEqual(c.monitored.agent.platforms, ["linux", "windows"]);
        assert.strictEqual(c.monitored.agent.targetTagKey, "MonitoringAgent");
        assert.strictEqual(c.monitored.agent.logRetentionDays, 365);
        assert.strictEqual(c.monitored.eks, undefined);
    });

    it("names the key of a bad account ID, region, CIDR, subnet list and mode", () => {
        assert.match(error(() => parseStackConfig(raw({}, { account: "12345" }))), /oss-monitoring:account: expected a 12-digit AWS account ID/);
        assert.match(error(() => parseStackConfig(raw({}, { region: "us-east" }))), /oss-monitoring:region: expected an AWS region name/);
        assert.match(error(() => parseStackConfig(raw({ workloads: { cidrs: ["10.20.0.1/16"] } }))), /oss-monitoring:monitored.workloads.cidrs\[0\]: "10.20.0.1\/16" has host bits set/);
        assert.match(error(() => parseStackConfig(raw({ workloads: { cidrs: ["0.0.0.0/0"] } }))), /monitored.workloads.cidrs\[0\]: .*admits every address/);
        assert.match(error(() => parseStackConfig(raw({ vpc: { vpcId: "vpc-0b2a3c4d5e6f70801", subnetIds: ["subnet-0b2a3c4d5e6f70811"] } }))), /monitored.vpc.subnetIds: list subnets in at least two AZs/);
        assert.match(error(() => parseStackConfig(raw({ connectivity: { mode: "vpn" } }))), /monitored.connectivity.mode: expected one of privatelink, nat, internet/);
    });

    it("a missing hub reference fails naming hubStack", () => {
        const r = raw();
        delete r.hubStack;
        assert.match(error(() => parseStackConfig(r)), /oss-monitoring:hubStack: expected the hub's fully qualified stack name/);
    });

    it("regulated accounts accept only privatelink", () => {
        assert.match(
            error(() => parseStackConfig(raw({ regulated: true, connectivity: { mode: "nat", natGatewayId: "nat-0d4c5b6a7e8f90a31" } }))),
            /monitored.connectivity.mode: regulated accounts accept only privatelink \(got nat\)/,
        );
        assert.match(error(() => parseStackConfig(raw({ regulated: true, connectivity: { mode: "internet" } }))), /regulated accounts accept only privatelink/);
        const ok = parseStackConfig(raw({ regulated: true }));
        assert.ok(ok.role === "monitored" && ok.monitored.regulated);
    });

    it("nat mode needs the NAT gateway; privatelink-only options are refused elsewhere", () => {
        assert.match(error(() => parseStackConfig(raw({ connectivity: { mode: "nat" } }))), /monitored.connectivity.natGatewayId: required in nat mode/);
        assert.match(error(() => parseStackConfig(raw({ connectivity: { mode: "internet", natGatewayId: "nat-0d4c5b6a7e8f90a31" } }))), /connectivity.natGatewayId: only used in nat mode/);
        assert.match(error(() => parseStackConfig(raw({ connectivity: { mode: "nat", natGatewayId: "nat-0d4c5b6a7e8f90a31", extraServices: ["kms"] } }))), /connectivity.mode: extraServices, existingEndpoints, sharedZones and routeTableIds need mode: privatelink/);
    });

    it("takes central zones for the account's own endpoint services only, once, in privatelink mode (shared-endpoint shape)", () => {
        const zones = { logs: "Z01LOGS0000000000001", ssm: "Z01SSM00000000000001" };
        const ok = parseStackConfig(raw({ connectivity: { sharedZones: zones } }));
        assert.ok(ok.role === "monitored");
        assert.deepStrictEqual(ok.monitored.connectivity.sharedZones, zones);
        assert.match(error(() => parseStackConfig(raw({ connectivity: { sharedZones: { kms: "Z01KMS00000000000001" } } }))), /connectivity.sharedZones.kms: "kms" is not an endpoint service of this account .*add it to extraServices/);
        assert.doesNotThrow(() => parseStackConfig(raw({ connectivity: { extraServices: ["kms"], sharedZones: { kms: "Z01KMS00000000000001" } } })));
        assert.match(error(() => parseStackConfig(raw({ connectivity: { existingEndpoints: ["logs"], sharedZones: { logs: "Z01LOGS0000000000001" } } }))), /connectivity.sharedZones.logs: "logs" is also in existingEndpoints/);
        assert.match(error(() => parseStackConfig(raw({ connectivity: { sharedZones: { logs: "zone-1" } } }))), /connectivity.sharedZones.logs: expected a hosted zone ID/);
        assert.match(error(() => parseStackConfig(raw({ connectivity: { mode: "nat", natGatewayId: "nat-0d4c5b6a7e8f90a31", sharedZones: { logs: "Z01LOGS0000000000001" } } }))), /connectivity.mode: .*sharedZones.*need mode: privatelink/);
    });

    it("needs workload networks, and CIDRs for the EKS NetworkPolicy", () => {
        assert.match(error(() => parseStackConfig(raw({ workloads: {} }))), /monitored.workloads.cidrs: list the workload networks/);
        assert.match(
            error(() => parseStackConfig(raw({ workloads: { prefixListIds: ["pl-0d4c5b6a7e8f90a21"] }, eks: { clusterName: "c1" } }))),
            /monitored.eks.clientCidrs: required when workloads lists only prefix lists/,
        );
    });

    it("checks overlays: unique names, known platforms, reserved prefix, unknown keys", () => {
        const ov = (o: Record<string, unknown>) => ({ agent: { platforms: ["linux"], overlays: [{ name: "web", platform: "linux", statsdPort: 8125 }, o] } });
        assert.match(error(() => parseStackConfig(raw(ov({ name: "web", platform: "linux", statsdPort: 8126 })))), /monitored.agent.overlays\[1\].name: "web" is used twice/);
        assert.match(error(() => parseStackConfig(raw(ov({ name: "iis", platform: "windows", statsdPort: 8126 })))), /monitored.agent.overlays\[1\].platform: windows is not in agent.platforms/);
        assert.match(error(() => parseStackConfig(raw(ov({ name: "base-x", platform: "linux" })))), /monitored.agent.overlays\[1\].name: names starting with base are reserved/);
        assert.match(error(() => parseStackConfig(raw({ colour: "blue" }))), /oss-monitoring:monitored: Unrecognized key: "colour"/);
    });
});
