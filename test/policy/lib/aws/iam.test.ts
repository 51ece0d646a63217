import { strict as assert } from "assert";
import { scanAgentConfig } from "../../../../policy/lib/telemetry/collector";
import { actionGrants, actionWithin, awsManagedPolicyName, hasConstrainingCondition, identityPolicyDocuments, parseDocument, principalAccount } from "../../../../policy/lib/aws/iam";
import { describePorts, isWorldCidr, securityGroupRules } from "../../../../policy/lib/aws/network";
import { isSecretReference, isSensitiveName, secretValueKind } from "../../../../policy/lib/aws/secrets";
import { asTags, globMatch, isPlainHttpToNetwork, whenKnown } from "../../../../policy/lib/values";
import { validateSchema } from "../../../../policy/offline/schema";
import { UNKNOWN_STRING } from "../../fixtures/unknown";
import { unknownCheckingProxy } from "../../../../policy/lib/values";

describe("policy/lib", () => {
    describe("iam", () => {
        it("normalises string and object documents, scalar and array fields, principals and conditions", () => {
            const asObject = parseDocument({ Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Principal: { aws: ["111111111111", "*"], Service: "logs.amazonaws.com" },
                Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } } });
            const asString = parseDocument(JSON.stringify({ Statement: [{ Sid: "s", Effect: "Deny", NotAction: ["iam:*"], NotResource: "arn:x", NotPrincipal: "*" }] }));
            assert.ok(asObject?.ok && asString?.ok);
            assert.deepEqual(asObject.statements[0].actions, ["s3:GetObject"]);
            assert.deepEqual(asObject.statements[0].principals, [
                { kind: "AWS", value: "111111111111" }, { kind: "*", value: "*" }, { kind: "Service", value: "logs.amazonaws.com" }]);
            assert.deepEqual(asObject.statements[0].conditions, [{ operator: "StringEquals", key: "aws:SourceAccount", values: ["111111111111"] }]);
            assert.equal(asString.statements[0].effect, "Deny");
            assert.deepEqual(asString.statements[0].notPrincipals, [{ kind: "*", value: "*" }]);
            assert.equal(parseDocument(undefined), undefined);
            assert.deepEqual(parseDocument("[1]"), { ok: false, error: "the document is not a JSON object" });
        });
        it("matches actions the way IAM does", () => {
            assert.ok(actionGrants("iam:*", "iam:PassRole") && actionGrants("*", "iam:PassRole") && actionGrants("IAM:pass*", "iam:PassRole"));
            assert.ok(!actionGrants("iam:Get*", "iam:PassRole"));
            assert.ok(actionWithin("ec2:Describe*", "ec2:Describe*") && actionWithin("ec2:DescribeTags", "ec2:Describe*"));
            assert.ok(!actionWithin("ec2:*", "ec2:Describe*"));
            assert.ok(globMatch("xray:GetSampling?ules", "xray:GetSamplingRules"));
        });
        it("counts only constraining conditions, case-insensitively", () => {
            const doc = (Condition: unknown) => { const d = parseDocument({ Statement: { Effect: "Allow", Condition } }); assert.ok(d?.ok); return d.statements[0]; };
            assert.ok(hasConstrainingCondition(doc({ "ForAnyValue:StringLike": { "AWS:PrincipalOrgID": ["o-1"] } }), ["aws:PrincipalOrgID"]));
            assert.ok(!hasConstrainingCondition(doc({ Null: { "aws:PrincipalOrgID": "false" } }), ["aws:PrincipalOrgID"]));
            assert.ok(!hasConstrainingCondition(doc({ StringEquals: { "aws:PrincipalOrgID": [] } }), ["aws:PrincipalOrgID"]));
        });
        it("reads accounts and managed-policy names from ARNs", () => {
            assert.equal(principalAccount("arn:aws:iam::222222222222:role/x"), "222222222222");
            assert.equal(principalAccount("arn:aws-us-gov:sts::333333333333:assumed-role/x/y"), "333333333333");
            assert.equal(principalAccount("222222222222"), "222222222222");
            assert.equal(principalAccount("arn:aws:iam::aws:policy/X"), undefined);
            assert.equal(awsManagedPolicyName("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"), "service-role/AmazonECSTaskExecutionRolePolicy");
            assert.equal(awsManagedPolicyName("arn:aws:iam::111111111111:policy/mine"), undefined);
        });
        it("locates identity documents per resource type", () => {
            assert.deepEqual(identityPolicyDocuments("aws:iam/role:Role", { inlinePolicies: [{ name: "a", policy: "{}" }], assumeRolePolicy: "{}" }),
                [{ where: "inlinePolicies[0].policy", document: "{}" }]);
            assert.deepEqual(identityPolicyDocuments("aws:s3/bucketPolicy:BucketPolicy", { policy: "{}" }), []);
        });
    });

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

    describe("collector", () => {
        const opts = { collectorSections: ["exporters"], insecureKeys: ["insecure"], allowLoopbackHttp: true };
        it("classifies collector YAML and agent JSON and ignores other text", () => {
            assert.equal(scanAgentConfig("receivers: {}\nexporters:\n  debug: {}\nservice: {}\n", opts).kind, "collector");
            assert.equal(scanAgentConfig(JSON.stringify({ agent: {}, metrics: {} }), opts).kind, "cloudwatch-agent");
            assert.equal(scanAgentConfig("groups:\n  - name: x\n", opts).kind, undefined);
            assert.equal(scanAgentConfig("key: [unclosed", opts).kind, undefined);
        });
        it("allows loopback http exporters, not network ones", () => {
            const yaml = (ep: string) => `receivers: {}\nexporters:\n  otlphttp:\n    endpoint: ${ep}\nservice: {}\n`;
            assert.deepEqual(scanAgentConfig(yaml("http://localhost:4318"), opts).findings, []);
            assert.equal(scanAgentConfig(yaml("http://127.0.0.1:4318"), { ...opts, allowLoopbackHttp: false }).findings.length, 1);
            assert.equal(scanAgentConfig(yaml("HTTP://collector.internal:4318"), opts).findings.length, 1);
        });
        it("finds http URLs in nested exporter lists", () => {
            const yaml = "receivers: {}\nexporters:\n  loadbalancing:\n    resolver:\n      static:\n        hostnames: [a]\n    protocol:\n      otlp:\n        endpoint: http://x:4317\nservice: {}\n";
            assert.deepEqual(scanAgentConfig(yaml, opts).findings, [{ path: "exporters.loadbalancing.protocol.otlp.endpoint", problem: "plain-text endpoint http://x:4317" }]);
        });
    });

    describe("values and secrets", () => {
        it("reports unknown preview values instead of throwing", () => {
            const props = unknownCheckingProxy({ a: UNKNOWN_STRING, b: "x" }) as Record<string, unknown>;
            assert.deepEqual(whenKnown(() => props.a), { known: false });
            assert.deepEqual(whenKnown(() => props.b), { known: true, value: "x" });
            assert.throws(() => whenKnown(() => { throw new TypeError("bug"); }), TypeError);
        });
        it("reads tag maps, JSON tag maps and tag lists", () => {
            assert.deepEqual(asTags({ A: "1", B: 2 }), { A: "1" });
            assert.deepEqual(asTags(JSON.stringify({ A: "1" })), { A: "1" });
            assert.deepEqual(asTags([{ key: "A", value: "1", propagateAtLaunch: true }]), { A: "1" });
            assert.deepEqual(asTags("nope"), {});
        });
        it("recognises plain http to the network", () => {
            assert.ok(isPlainHttpToNetwork("http://10.0.0.1:9090/api", true));
            assert.ok(!isPlainHttpToNetwork("https://x", true) && !isPlainHttpToNetwork("http://[::1]:9090", true));
        });
        it("recognises credential names, formats and references", () => {
            assert.ok(isSensitiveName("GRAFANA_SERVICE_ACCOUNT_TOKEN", ["token"]));
            assert.ok(!isSensitiveName("OAUTH_TOKEN_URL", ["token"]) && !isSensitiveName("DB_SECRET_ARN", ["secret"]));
            assert.equal(secretValueKind("glsa_abcdefghijklmnopqrstuvwxyz012345_abcdef"), "Grafana token");
            assert.equal(secretValueKind("hello"), undefined);
            assert.ok(isSecretReference("arn:aws:secretsmanager:us-east-1:111111111111:secret:x") && isSecretReference("${env:TOKEN}"));
        });
    });

    describe("config schema validation", () => {
        it("checks the keywords config schemas use", () => {
            const schema = { type: "object" as const, properties: { ports: { type: "array" as const, items: { type: "integer" as const, minimum: 0, maximum: 65535 } },
                mode: { enum: ["a", "b"] }, id: { type: "string" as const, pattern: "^\\d{12}$" } }, required: ["mode"] };
            assert.deepEqual(validateSchema({ ports: [1, 2], mode: "a", id: "111111111111" }, schema, "p"), []);
            assert.deepEqual(validateSchema({ ports: [1.5, 70000], id: "x" }, schema, "p"), [
                "p.mode is required", "p.ports[0] must be of type integer (got number)", "p.ports[1] must be <= 65535", "p.id must match pattern \"^\\d{12}$\""]);
            assert.deepEqual(validateSchema("x", { type: ["integer", "null"] }, "q"), ["q must be of type integer or null (got string)"]);
        });
    });
});
