import { strict as assert } from "assert";
import { describePorts, isWorldCidr, securityGroupRules } from "../../../../policy/lib/aws/network";

describe("policy/lib/aws", () => {
    describe("network", () => {
        it("recognises world CIDRs only", () => {
            assert.ok(isWorldCidr("0.0.0.0/0") && isWorldCidr("::/0") && isWorldCidr(" 0::0/0 "));
            assert.ok(!isWorldCidr("0.0.0.0/1") && !isWorldCidr("10.0.0.0/8") && !isWorldCidr("not-a-cidr"));
        });
        it("extracts rules from the four security-group shapes", () => {
            assert.deepEqual(securityGroupRules("aws:ec2/securityGroupRule:SecurityGroupRule", { type: "egress", protocol: "udp", fromPort: 53, toPort: 53, cidrBlocks: ["10.0.0.2/32"] }),
                [{ direction: "egress", where: "rule", cidrs: ["10.0.0.2/32"], protocol: "udp", fromPort: 53, toPort: 53 }]);
            const [rule] = securityGroupRules("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0" });
            assert.deepEqual([rule.direction, rule.cidrs, describePorts(rule)], ["egress", ["::/0"], "tcp/443"]);
            assert.deepEqual(securityGroupRules("aws:ec2/vpc:Vpc", {}), []);
        });
    });
});
