import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { resourcePolicy } from "../../../policy/lib/define";
import { lbInternal } from "../../../policy/rules/exposure";
import { evaluatePlan, evaluatePlanStack, InputError, parsePlan, Plan, PlanStack, stackTagsFor, stackUrnOf, withViolations } from "../../../policy/offline";
import { policies } from "../../../policy/policies";
import { UNKNOWN_STRING } from "../fixtures/unknown";
import { COST_TAGS } from "../helpers";

const fixture = (name: string): Plan => parsePlan(JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", name), "utf8")));
const shortName = (urn: string) => urn.split("::").pop();

function stackOf(resources: PlanStack["resources"], extra: Partial<PlanStack> = {}): PlanStack {
    return { stack: "dev", role: "hub", account: "111111111111", region: "us-east-1", resources, ...extra };
}
const res = (type: string, name: string, inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    ({ urn: `urn:pulumi:dev::oss-monitoring::${type}::${name}`, type, name, parent: null, inputs, ...extra });
const httpListener = res("aws:lb/listener:Listener", "web", { protocol: "HTTP", defaultActions: [{ type: "forward" }], tags: COST_TAGS });
const publicLb = res("aws:lb/loadBalancer:LoadBalancer", "alb", { internal: false, dropInvalidHeaderFields: true, tags: COST_TAGS });

describe("policy/offline evaluator", () => {
    it("finds no violation in the good plan (hub, regulated monitored, on-prem) but the VPC-wide endpoint advisories", () => {
        const violations = evaluatePlan(fixture("good-plan.json"));
        // Its interface endpoints allow only the agents' actions while private DNS is on: right for an agents-only VPC,
        // which the advisory asks the owner to confirm.
        assert.deepEqual([...new Set(violations.map((v) => `${v.policy} ${v.enforcementLevel}`))], ["vpc-endpoint-policy-vpc-wide advisory"]);
        assert.deepEqual(violations.map((v) => shortName(v.urn)).sort(), ["monitored-prod-aps-workspaces", "monitored-prod-logs", "monitored-prod-monitoring", "monitored-prod-ssm"].sort());
    });

    it("reports the semantic plan's violations written as engineers write them, and none of its near misses", () => {
        const violations = evaluatePlan(fixture("semantic-plan.json"));
        assert.deepEqual(violations.map((v) => `${v.enforcementLevel} ${v.policy} ${shortName(v.urn)}`).sort(), [
            "mandatory collector-exporter-tls aot-env", // AOT_CONFIG_CONTENT with an http:// exporter
            "mandatory collector-tenant-labels-from-identity dr-identity-after-batch", // DR pipeline batches before the identity processors
            "mandatory ecs-task-no-plaintext-secrets aot-env", // Authorization: Bearer in OTEL_EXPORTER_OTLP_HEADERS
            "mandatory haproxy-bind-tls-min-version haproxy-no-min-ver", // ssl bind without ssl-min-ver
            "mandatory ecs-task-role-separation aot-env", // role name vs its ARN
            "mandatory hub-ingress-client-identity fs-policy", // a TLS listener on an OTLP port without mutual TLS
            "mandatory iam-no-wildcard-actions star-star", // *:*
            "mandatory iam-no-wildcard-resources describe-all", // ec2:Describe* has actions that take resources
            "mandatory iam-no-wildcard-resources every-object", // arn:aws:s3:::*/*
            "mandatory iam-trust-policy-conditions org-wildcard-trust", // StringLike o-*
            "mandatory lb-listener-tls-policy non-fs-policy", // TLS 1.2 without forward secrecy
            "mandatory log-group-kms-retention aws-managed-key", // alias/aws/logs
            "mandatory nlb-tls-target-group-no-stickiness tls-sticky",
            "mandatory oam-sink-policy-org-condition open-sink",
            "mandatory s3-bucket-policy-secure-transport objects-only-deny", // bucket itself not covered
            "mandatory sg-no-public-ingress halves", // 0.0.0.0/1 + 128.0.0.0/1
            "mandatory vpc-endpoint-private-dns-and-policy logs-endpoint", // full access via aws.ec2.VpcEndpointPolicy
        ].sort());
    });

    it("reports exactly the expected mandatory violations for the deliberately bad plan", () => {
        const violations = evaluatePlan(fixture("bad-plan.json"));
        const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy} ${shortName(v.urn)}`).sort();
        assert.deepEqual(mandatory, [
            "collector-exporter-tls collector-config", // http:// endpoint
            "collector-exporter-tls collector-config", // insecure_skip_verify
            "collector-receiver-tls collector-config", // otlp receiver on 0.0.0.0:4317 without TLS
            "iam-no-passrole-wildcard collector-wildcard",
            "iam-no-wildcard-actions collector-wildcard",
            "iam-no-wildcard-resources collector-wildcard",
            "iam-trust-policy-conditions hub-writer",
            "lb-internal public-alb",
            "lb-listener-tls public-alb-http",
            "sg-no-public-ingress public-alb-sg",
        ]);
        assert.equal(violations.length, mandatory.length, "nothing else, at any level");
        assert.ok(violations.every((v) => v.stack === "bad-monitored" && v.fix !== undefined && v.fix.length > 0));
    });

    it("runs the very policy objects the pack registers", () => {
        const original = lbInternal.validateResource;
        let calls = 0;
        // Several resource types make an array of typed validations; wrap each, keeping its type tag.
        type AnyFn = (...a: unknown[]) => unknown;
        const wrap = (f: AnyFn) => Object.assign((...a: unknown[]) => {
            calls++;
            return f(...a);
        }, { __pulumiType: (f as { __pulumiType?: string }).__pulumiType });
        (lbInternal as { validateResource: unknown }).validateResource = Array.isArray(original) ? (original as unknown as AnyFn[]).map(wrap) : wrap(original as unknown as AnyFn);
        try {
            const v = evaluatePlanStack(stackOf([publicLb]));
            assert.equal(calls, 1);
            assert.ok(v.some((x) => x.policy === "lb-internal"));
        } finally {
            (lbInternal as { validateResource: unknown }).validateResource = original;
        }
        assert.ok(policies.includes(lbInternal));
    });

    it("fills each stack's violations for the plan JSON", () => {
        const plan = withViolations({ ...fixture("bad-plan.json"), extra: "kept" });
        assert.equal(plan.extra, "kept");
        assert.equal((plan.stacks[0] as PlanStack & { violations: unknown[] }).violations.length, 10);
    });

    describe("configuration", () => {
        it("overrides enforcement levels per policy and for all policies", () => {
            const v = evaluatePlanStack(stackOf([publicLb, httpListener]), { config: { "lb-internal": "advisory" } });
            assert.deepEqual(v.map((x) => `${x.policy}:${x.enforcementLevel}`), ["lb-internal:advisory", "lb-listener-tls:mandatory"]);
            assert.deepEqual(evaluatePlanStack(stackOf([publicLb, httpListener]), { config: { all: "disabled" } }), []);
            const remediate = evaluatePlanStack(stackOf([publicLb]), { config: { "lb-internal": { enforcementLevel: "remediate" } } });
            assert.equal(remediate[0].enforcementLevel, "mandatory", "a validation under remediate is reported as mandatory, as the server does");
        });
        it("applies property overrides on top of schema defaults", () => {
            const tls = res("aws:lb/listener:Listener", "tls", { protocol: "TLS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", tags: COST_TAGS });
            assert.deepEqual(evaluatePlanStack(stackOf([tls])), []);
            const v = evaluatePlanStack(stackOf([tls]), { config: { "lb-listener-tls-policy": { allowedSslPolicies: ["ELBSecurityPolicy-TLS13-1-3-2021-06"] } } });
            assert.deepEqual(v.map((x) => x.policy), ["lb-listener-tls-policy"]);
        });
        it("resolves the configuration again whenever it or the policies change in the same process (the resolution is reused only while both are the same)", () => {
            const stack = stackOf([publicLb, httpListener]);
            const levels = (config?: Record<string, unknown>, ps?: typeof policies) => evaluatePlanStack(stack, { config, policies: ps }).map((x) => `${x.policy}:${x.enforcementLevel}`);
            const defaults = ["lb-internal:mandatory", "lb-listener-tls:mandatory"];
            assert.deepEqual(levels(), defaults);
            assert.deepEqual(levels({ "lb-internal": "advisory" }), ["lb-internal:advisory", "lb-listener-tls:mandatory"]);
            assert.deepEqual(levels({ "lb-internal": "disabled" }), ["lb-listener-tls:mandatory"]);
            // A config object changed in place is a different config.
            const config: Record<string, unknown> = { "lb-internal": "advisory" };
            assert.deepEqual(levels(config), ["lb-internal:advisory", "lb-listener-tls:mandatory"]);
            config["lb-listener-tls"] = "advisory";
            assert.deepEqual(levels(config), ["lb-internal:advisory", "lb-listener-tls:advisory"]);
            assert.deepEqual(levels(), defaults);
            // Other policies (even in an array of the same length) are resolved for themselves.
            const withoutLb = policies.map((p) => (p.name === "lb-internal" ? { ...p, enforcementLevel: "disabled" as const } : p));
            assert.deepEqual(levels(undefined, withoutLb), ["lb-listener-tls:mandatory"]);
            assert.deepEqual(levels(undefined, policies), defaults);
            // A config that fails validation is never remembered as resolved.
            assert.throws(() => levels({ "lb-internal": "sometimes" }), InputError);
            assert.throws(() => levels({ "lb-internal": "sometimes" }), InputError);
        });
        it("hands every resource of every stack the same frozen config: a rule cannot change what the next evaluation reads", () => {
            const seen: Array<{ allowed: string[] }> = [];
            const mutations: string[] = [];
            const probe = resourcePolicy({
                name: "config-probe", theme: "hygiene", summary: "Reads its config.", refs: {}, remediation: "none", severity: "low",
                config: { allowed: { type: "array", items: { type: "string" }, default: ["a"], description: "test" } },
                types: [aws.lb.Listener],
                validate: (_props, { config, report }) => {
                    seen.push(config);
                    for (const change of [() => config.allowed.push("b"), () => { (config as { allowed: string[] }).allowed = []; }]) {
                        try {
                            change();
                        } catch (e) {
                            mutations.push((e as Error).constructor.name);
                        }
                    }
                    report(config.allowed.join(","));
                },
            });
            const stacks = [stackOf([httpListener, res("aws:lb/listener:Listener", "two", { protocol: "HTTP" })]), stackOf([httpListener], { stack: "other" })];
            const messages = stacks.flatMap((s) => evaluatePlanStack(s, { policies: [probe] }).map((v) => v.message));
            assert.equal(messages.length, 3);
            assert.ok(messages.every((m) => m.endsWith("a")), messages.join("; "));
            assert.deepEqual(mutations, ["TypeError", "TypeError", "TypeError", "TypeError", "TypeError", "TypeError"]);
            assert.ok(seen.every((c) => c === seen[0] && Object.isFrozen(c) && Object.isFrozen(c.allowed)));
            // A changed config is another object, merged again over the same defaults.
            const overridden = evaluatePlanStack(stacks[1], { policies: [probe], config: { "config-probe": { allowed: ["x"] } } });
            assert.ok(overridden[0].message.endsWith("x"));
        });
        it("rejects invalid configuration naming the policy and field", () => {
            const bad = (config: Record<string, unknown>, re: RegExp) =>
                assert.throws(() => evaluatePlanStack(stackOf([]), { config }), (e: unknown) => e instanceof InputError && re.test(e.message));
            bad({ "no-such-policy": "advisory" }, /no-such-policy: no such policy/);
            bad({ "lb-internal": "sometimes" }, /lb-internal: "sometimes" is not an enforcement level/);
            bad({ "lb-listener-tls": { tlsTerminationTagKey: 5 } }, /lb-listener-tls\.tlsTerminationTagKey must be of type string/);
            bad({ "log-group-kms-retention": { minRetentionDays: 0 } }, /log-group-kms-retention\.minRetentionDays must be >= 1/);
            bad({ "lb-listener-tls-policy": { allowedSslPolicies: [] } }, /allowedSslPolicies must have at least 1 item/);
            bad({ "lb-internal": { colour: "red" } }, /lb-internal\.colour: unknown property/);
            bad({ all: { exemptNames: ["x"] } }, /all: only an enforcement level/);
        });
    });

    describe("validation args", () => {
        it("reports a value unknown during preview as an advisory can't-run, like the analyzer server", () => {
            const v = evaluatePlanStack(stackOf([res("aws:lb/listener:Listener", "later", { protocol: UNKNOWN_STRING, tags: COST_TAGS })]));
            assert.equal(v.length, 2, "lb-listener-tls and lb-listener-tls-policy both read the protocol");
            assert.ok(v.every((x) => x.enforcementLevel === "advisory" && /can't run policy '.*' during preview: string value at \.protocol/.test(x.message)));
        });
        it("derives stack tags from the plan stack (regulated defaults to false)", () => {
            const tags = stackTagsFor(stackOf([res("aws:s3/bucket:Bucket", "b", {})], { role: "monitored" }));
            assert.equal(tags.get("oss-monitoring:role"), "monitored");
            assert.equal(tags.get("oss-monitoring:regulated"), "false");
            assert.equal(tags.get("oss-monitoring:account"), "111111111111");
            assert.equal(tags.get("pulumi:project"), "oss-monitoring");
            const egress = res("aws:ec2/securityGroup:SecurityGroup", "sg", { egress: [{ protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }], tags: COST_TAGS });
            assert.deepEqual(evaluatePlanStack(stackOf([egress])), []);
            assert.deepEqual(evaluatePlanStack(stackOf([egress], { regulated: true })).map((x) => x.policy), ["sg-no-unrestricted-egress", "regulated-private-endpoints"]);
        });
        it("resolves the provider so defaultTags count for cost allocation", () => {
            const provider = res("pulumi:providers:aws", "default", { region: "us-east-1", defaultTags: JSON.stringify({ tags: COST_TAGS }) });
            const ws = { kmsKeyArn: "arn:k", loggingConfiguration: { logGroupArn: "arn:l:*" } };
            const untagged = res("aws:amp/workspace:Workspace", "amp", ws, { provider: `${provider.urn}::0f3b` });
            assert.deepEqual(evaluatePlanStack(stackOf([provider, untagged])), []);
            assert.deepEqual(evaluatePlanStack(stackOf([res("aws:amp/workspace:Workspace", "amp", ws)])).map((x) => x.policy), ["cost-allocation-tags"]);
        });
        it("attributes stack-wide violations to the stack resource", () => {
            const monitored = stackOf([publicLb], { role: "monitored", stack: "mon" });
            const v = evaluatePlanStack(monitored).find((x) => x.policy === "stack-private-path-to-hub");
            assert.equal(v?.urn, "urn:pulumi:mon::oss-monitoring::pulumi:pulumi:Stack::oss-monitoring-mon");
            assert.equal(stackUrnOf(monitored), v?.urn);
        });
        it("unwraps secrets in their wire form", () => {
            const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "HTTP" };
            const v = evaluatePlanStack(stackOf([res("aws:lb/listener:Listener", "s", { protocol: secret, tags: COST_TAGS })]));
            assert.deepEqual(v.map((x) => x.policy), ["lb-listener-tls"]);
        });
    });

    describe("policy semantics", () => {
        const lb = res("aws:lb/loadBalancer:LoadBalancer", "x", {});
        it("treats notApplicable as no result and honours the __pulumiType fast path", () => {
            let seen = 0;
            const na: ResourceValidationPolicy = { name: "na", description: "d", enforcementLevel: "mandatory", validateResource: (args) => { seen++; args.notApplicable("no"); } };
            const typed: ResourceValidationPolicy = { name: "typed", description: "d", enforcementLevel: "mandatory",
                validateResource: Object.assign((_: unknown, report: (m: string) => void) => report("hit"), { __pulumiType: "aws:s3/bucket:Bucket" }) };
            assert.deepEqual(evaluatePlanStack(stackOf([lb]), { policies: [na, typed] }), []);
            assert.equal(seen, 1);
        });
        it("isType/asType compare the class's type token", () => {
            const typed: ResourceValidationPolicy = { name: "as-type", description: "d", enforcementLevel: "advisory",
                validateResource: (args, report) => {
                    const lbArgs = args.asType(aws.lb.LoadBalancer);
                    report(`${args.isType(aws.lb.LoadBalancer)} ${args.isType(aws.alb.LoadBalancer)} ${lbArgs === undefined ? "none" : "props"}`);
                } };
            assert.deepEqual(evaluatePlanStack(stackOf([lb]), { policies: [typed] }).map((v) => v.message), ["true false props"]);
        });
        it("lets stack policies attribute violations to resources", () => {
            const sp: StackValidationPolicy = { name: "sp", description: "d", enforcementLevel: "advisory",
                validateStack: (args, report) => args.resources.forEach((r) => report(`parent ${r.parent?.name ?? "none"}`, r.urn)) };
            const child = res("aws:s3/bucket:Bucket", "child", {}, { parent: lb.urn });
            const v = evaluatePlanStack(stackOf([lb, child]), { policies: [sp] });
            assert.deepEqual(v.map((x) => `${shortName(x.urn)} ${x.message}`), ["x parent none", "child parent x"]);
        });
        it("gives every policy its own copy of a resource's inputs (props read on demand), as the server deserializes per policy", () => {
            const provider = res("pulumi:providers:aws", "default", { region: "us-east-1" });
            const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cr3t" };
            const bucket = res("aws:s3/bucket:Bucket", "b", { bucket: "b", nested: { password: secret } }, { provider: `${provider.urn}::id` });
            const seen: string[] = [];
            // Each policy changes what it was given; none may see another's change, nor may the plan change.
            const mutate = (name: string): ResourceValidationPolicy => ({ name, description: "d", enforcementLevel: "advisory",
                validateResource: (args, report) => {
                    if (!args.isType(aws.s3.Bucket)) {
                        return;
                    }
                    const props = args.props as { bucket: string; nested: { password: string } };
                    seen.push(`${name}: ${props.bucket} ${props.nested.password} ${args.asType(aws.s3.Bucket) === args.props} ${args.provider?.props.region}`);
                    props.bucket = `changed-by-${name}`;
                    (args.provider?.props as { region: string }).region = "changed";
                    report(args.props.bucket);
                } });
            const stackMutate: StackValidationPolicy = { name: "stack-mutate", description: "d", enforcementLevel: "advisory",
                validateStack: (args, report) => {
                    const b = args.resources.find((r) => r.type === "aws:s3/bucket:Bucket");
                    seen.push(`stack: ${b?.props.bucket} ${b?.asType(aws.s3.Bucket) === b?.props}`);
                    (b!.props as { bucket: string }).bucket = "changed-by-stack";
                    b!.props = { replaced: true };
                    report(`${JSON.stringify(b?.props)} ${(b?.asType(aws.s3.Bucket) as { bucket?: string } | undefined)?.bucket}`);
                } };
            const v = evaluatePlanStack(stackOf([provider, bucket]), { policies: [mutate("one"), mutate("two"), stackMutate, stackMutate] });
            assert.deepEqual(seen, ["one: b s3cr3t true us-east-1", "two: b s3cr3t true us-east-1", "stack: b true", "stack: b true"]);
            assert.deepEqual(v.map((x) => x.message), ["changed-by-one", "changed-by-two", '{"replaced":true} changed-by-stack', '{"replaced":true} changed-by-stack']);
            assert.deepEqual(bucket.inputs, { bucket: "b", nested: { password: secret } });
        });
        it("hands a validation the server's argument shape: own enumerable keys in its order, props a plain copy of the inputs with secrets unwrapped", () => {
            const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
            const inputs = JSON.parse('{"list": [1, {"s": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "x"}}], "__proto__": {"polluted": true}, "n": null}');
            inputs.deep = secret(secret({ a: [secret("y")] }));
            const bucket = res("aws:s3/bucket:Bucket", "b", inputs);
            const seen: unknown[] = [];
            const p: ResourceValidationPolicy = { name: "shape", description: "d", enforcementLevel: "advisory",
                validateResource: (args) => {
                    seen.push(Object.keys(args), Object.getOwnPropertyDescriptor(args, "props")?.enumerable);
                    const props = args.props as Record<string, unknown>;
                    seen.push(JSON.parse(JSON.stringify(props)), Object.prototype.hasOwnProperty.call(props, "__proto__"), ({} as Record<string, unknown>).polluted);
                } };
            evaluatePlanStack(stackOf([bucket]), { policies: [p] });
            assert.deepEqual(seen, [
                ["type", "props", "urn", "name", "opts", "isType", "asType", "stackTags", "getConfig", "notApplicable"],
                true,
                JSON.parse('{"list": [1, {"s": "x"}], "__proto__": {"polluted": true}, "n": null, "deep": {"a": ["y"]}}'),
                true,
                undefined,
            ]);
        });
        it("runs a policy's validations in their order, those tagged with a type only on it, stack after stack", () => {
            const ran: string[] = [];
            const v = (tag: string, type?: string) => Object.assign((args: { type: string }) => { ran.push(`${tag}@${args.type.split(":").pop()}`); }, type !== undefined ? { __pulumiType: type } : {});
            const p: ResourceValidationPolicy = { name: "multi", description: "d", enforcementLevel: "advisory",
                validateResource: [v("any1"), v("bucket", "aws:s3/bucket:Bucket"), v("any2"), v("lb", "aws:lb/loadBalancer:LoadBalancer")] };
            const bucket = res("aws:s3/bucket:Bucket", "b", {});
            evaluatePlanStack(stackOf([lb, bucket]), { policies: [p] });
            evaluatePlanStack(stackOf([bucket, lb], { stack: "other" }), { policies: [p] });
            assert.deepEqual(ran, [
                "any1@LoadBalancer", "any2@LoadBalancer", "lb@LoadBalancer", "any1@Bucket", "bucket@Bucket", "any2@Bucket",
                "any1@Bucket", "bucket@Bucket", "any2@Bucket", "any1@LoadBalancer", "any2@LoadBalancer", "lb@LoadBalancer",
            ]);
        });
        it("fails loudly on policy bugs and on async validations", () => {
            const boom: ResourceValidationPolicy = { name: "boom", description: "d", validateResource: () => { throw new Error("kaput"); } };
            assert.throws(() => evaluatePlanStack(stackOf([lb]), { policies: [boom] }), /Error validating urn:pulumi:dev::.*::x with policy 'boom': kaput/);
            const later: ResourceValidationPolicy = { name: "later", description: "d", validateResource: async () => undefined };
            assert.throws(() => evaluatePlanStack(stackOf([lb]), { policies: [later] }), /returned a Promise/);
        });
    });

    describe("parsePlan", () => {
        it("names the offending field", () => {
            const bad = (json: unknown, re: RegExp) => assert.throws(() => parsePlan(json), (e: unknown) => e instanceof InputError && re.test(e.message));
            bad([], /^plan must be a JSON object/);
            bad({ version: 2, stacks: [] }, /^plan\.version must be 1 \(got 2\)/);
            bad({ version: 1 }, /^plan\.stacks must be an array/);
            bad({ version: 1, stacks: [{ stack: "hub", role: "hub", resources: [{ urn: "u", name: "n", inputs: {} }] }] }, /^plan\.stacks\[0\]\.resources\[0\]\.type must be a non-empty string/);
            bad({ version: 1, stacks: [{ stack: "hub", role: "hub", regulated: "yes", resources: [] }] }, /^plan\.stacks\[0\]\.regulated must be a boolean/);
        });
    });
});
