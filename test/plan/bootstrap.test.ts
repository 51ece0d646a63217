import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, YAMLSeq } from "yaml";
import { loadManifest } from "../../automation/fleet/manifest";
import { manifestSchema } from "../../automation/fleet/manifestSchema";
import { planFleet, PlanStack } from "../../automation/plan/plan";
import { siteNameOf } from "../../components/agent/logGroups";
import { IDENTITY_SECRET_PREFIX, Tenant, tenantSecretName } from "../../components/identity/tenants";

const TEMPLATE = path.resolve(__dirname, "../../stacks/bootstrap/deploy-role.yaml");


/** CloudFormation short-form intrinsics become `{ "Fn::X": value }`, so the template is plain data. */
function load(): any {
    const customTags = ["Ref", "Sub", "GetAtt", "If", "Not", "Equals"].flatMap((t) => {
        const fn = t === "Ref" ? "Ref" : `Fn::${t}`;
        const resolve = (value: unknown) => ({ [fn]: value });
        return [
            { tag: `!${t}`, resolve: (str: string) => resolve(str) },
            { tag: `!${t}`, collection: "seq" as const, resolve: (seq: YAMLSeq) => resolve(seq.toJSON()) },
        ];
    });
    return parse(fs.readFileSync(TEMPLATE, "utf8"), { customTags });
}

/** IAM service prefix of each AWS provider module the stacks use (resource types aws:<module>/...). */
const MODULE_PREFIX: Record<string, string[]> = {
    acmpca: ["acm-pca"], amp: ["aps"], appautoscaling: ["application-autoscaling"], cloudwatch: ["cloudwatch", "logs"], ec2: ["ec2"], ecr: ["ecr"], ecs: ["ecs"],
    grafana: ["grafana"], iam: ["iam"], kms: ["kms"], lb: ["elasticloadbalancing"], route53: ["route53", "route53resolver"], sns: ["sns"],
    ssm: ["ssm"], vpc: ["ec2"], rolesanywhere: ["rolesanywhere"], oam: ["oam"], secretsmanager: ["secretsmanager"],
};

describe("bootstrap: the deploy role StackSet template", () => {
    const t = load();
    const role = t.Resources.DeployRole.Properties;

    it("creates the role the manifest's providers assume", () => {
        const fleet = parse(fs.readFileSync(path.resolve(__dirname, "../../stacks/fleet.yaml"), "utf8"));
        assert.strictEqual(t.Parameters.RoleName.Default, manifestSchema.parse(fleet).defaults.deployRoleName);
        assert.deepStrictEqual(role.RoleName, { Ref: "RoleName" });
    });

    it("trusts only the deployer principal from inside the organization, with the external ID when set", () => {
        for (const s of role.AssumeRolePolicyDocument.Statement) {
            assert.deepStrictEqual(s.Principal, { AWS: { Ref: "DeployerPrincipalArn" } });
            const conditions = s.Condition["Fn::If"] ? s.Condition["Fn::If"].slice(1) : [s.Condition];
            for (const c of conditions) {
                assert.deepStrictEqual(c.StringEquals["aws:PrincipalOrgID"], { Ref: "OrganizationId" }, JSON.stringify(s));
            }
        }
        const assume = role.AssumeRolePolicyDocument.Statement.find((s: any) => s.Action === "sts:AssumeRole");
        assert.deepStrictEqual(assume.Condition["Fn::If"][1].StringEquals["sts:ExternalId"], { Ref: "ExternalId" });
    });

    it("lets a spoke read only the hub's tenant identity secrets, and decrypt them only through Secrets Manager", () => {
        assert.deepStrictEqual(t.Parameters.HubAccountId, { Type: "String", AllowedPattern: "\\d{12}", Description: t.Parameters.HubAccountId.Description });
        const statements = role.Policies[0].PolicyDocument.Statement;
        const grants = statements.filter((s: any) => [s.Action].flat().some((a: string) => a === "secretsmanager:GetSecretValue" || a === "secretsmanager:*"));
        // Besides the cross-account read, only the hub's management of its own identity secrets (this account's).
        const own = grants.filter((s: any) => s.Sid === "ManageOwnTenantIdentities");
        assert.deepStrictEqual(own.map((s: any) => s.Resource), [{ "Fn::Sub": `arn:\${AWS::Partition}:secretsmanager:*:\${AWS::AccountId}:secret:${IDENTITY_SECRET_PREFIX}*` }]);
        const read = grants.filter((s: any) => s.Sid !== "ManageOwnTenantIdentities");
        assert.strictEqual(read.length, 1, "one statement grants GetSecretValue across accounts");
        assert.deepStrictEqual(read[0], {
            Sid: "ReadOwnTenantIdentityFromHub", Effect: "Allow", Action: "secretsmanager:GetSecretValue",
            Resource: { "Fn::Sub": `arn:\${AWS::Partition}:secretsmanager:*:\${HubAccountId}:secret:${IDENTITY_SECRET_PREFIX}*` },
        });
        const decrypt = statements.find((s: any) => s.Sid === "DecryptTenantIdentityViaSecretsManager");
        assert.deepStrictEqual(decrypt, {
            Sid: "DecryptTenantIdentityViaSecretsManager", Effect: "Allow", Action: "kms:Decrypt",
            Resource: { "Fn::Sub": "arn:${AWS::Partition}:kms:*:${HubAccountId}:key/*" },
            Condition: { StringLike: { "kms:ViaService": "secretsmanager.*.amazonaws.com" } },
        });
        // Every identity secret the example fleet's spokes read (the ARNs the hub gives them) is covered.
        const manifest = loadManifest(path.resolve(__dirname, "../../stacks/fleet.yaml"));
        const pattern = read[0].Resource["Fn::Sub"].replace("${AWS::Partition}", "aws").replace("${HubAccountId}", manifest.hub.account);
        const glob = new RegExp(`^${pattern.split("*").map((p: string) => p.replace(/\./g, "\\.")).join(".*")}$`);
        const tenants = manifest.stacks.flatMap((x): Array<Pick<Tenant, "kind" | "account" | "site">> => (x.parsed.role === "monitored" ? [{ kind: "monitored" as const, account: x.account }]
            : x.parsed.role === "onprem" ? [{ kind: "onprem" as const, account: x.account, site: siteNameOf(x.parsed.onprem.siteName, x.name) }] : []));
        assert.strictEqual(tenants.length, 5);
        tenants.forEach((tenant) => assert.match(`arn:aws:secretsmanager:${manifest.hub.region}:${manifest.hub.account}:secret:${tenantSecretName(tenant)}-AbCdEf`, glob));
        const hub = manifest.hub.parsed;
        assert.ok(hub.role === "hub");
        assert.doesNotMatch(hub.hub.collector.tlsSecretArn, glob, "the hub's own TLS secret stays out of reach");
    });

    it("allows every service the planned stacks use, passes roles only to their services, and never creates users or keys", async function () {
        this.timeout(120_000);
        const statements = role.Policies[0].PolicyDocument.Statement;
        const allowed = new Set(statements.filter((s: any) => s.Effect === "Allow").flatMap((s: any) => [s.Action].flat()).map((a: string) => a.split(":")[0]));
        const planned: PlanStack[] = [];
        await planFleet(loadManifest(path.resolve(__dirname, "../../stacks/fleet.yaml")), { onStack: (s) => void planned.push(s) });
        assert.strictEqual(planned.length, 6);
        // Cross-region PrivateLink needs the permission-only vpce:AllowMultiRegion on both sides (list_vpce).
        const crossRegion = planned.flatMap((st) => st.resources).filter((r) => r.inputs.supportedRegions !== undefined || r.inputs.serviceRegion !== undefined);
        assert.ok(crossRegion.length >= 2, "the example fleet plans a cross-region service and endpoint");
        assert.ok(statements.some((s: any) => s.Effect === "Allow" && [s.Action].flat().includes("vpce:AllowMultiRegion")), "vpce:AllowMultiRegion is allowed");
        for (const st of planned) {
            for (const r of st.resources) {
                const m = /^aws:([a-zA-Z0-9]+)\//.exec(r.type);
                if (m) {
                    assert.ok(MODULE_PREFIX[m[1]], `add the IAM prefix of aws:${m[1]} to MODULE_PREFIX and the template`);
                    MODULE_PREFIX[m[1]].forEach((p) => assert.ok(allowed.has(p), `${p} (for ${r.type}) is allowed`));
                }
            }
        }
        const pass = statements.find((s: any) => s.Action === "iam:PassRole");
        assert.ok(pass.Condition.StringEquals["iam:PassedToService"].includes("ecs-tasks.amazonaws.com"));
        const deny = statements.filter((s: any) => s.Effect === "Deny").flatMap((s: any) => s.Action);
        for (const a of ["iam:CreateUser", "iam:CreateAccessKey", "iam:UpdateAssumeRolePolicy"]) {
            assert.ok(deny.includes(a), a);
        }
    });
});
