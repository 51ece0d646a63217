/**
 * Issue 12 (on-prem sites, shared agent plumbing): each case encodes a documented AWS, agent or
 * provider constraint; the source is cited next to it.
 */
import * as assert from "assert";
import { onpremStack } from "../../stacks/onprem";
import { checkLandingS3Gateway } from "../../stacks/config/onprem";
import { configureDocumentContent, configureParameters } from "../../components/agent/agentAssociations";
import { overlayReadGroups, renderAgentCommonConfig, renderAgentLayers } from "../../components/agent/cloudwatchAgentConfig";
import { hybridHostFileSteps, sharedConfigText, siteCommonConfig, signingHelperUnit } from "../../components/onprem/hostFiles";
import { managedInstancePolicy } from "../../components/agent/agentIam";
import { customerGatewayAsn, transitGatewayRouting } from "../../components/onprem/siteConnectivity";
import { MockContext } from "../../automation/plan/mock/mockState";
import { Recorded, runProgram } from "../harness";
import { hubOutputs, onpremConfig, ROLES_ANYWHERE, secretConfig, SITE_ACCOUNT, siteSettings } from "./fixtures/onprem";

const NOW = new Date("2026-11-23T00:00:00Z");

async function plan(onprem: Record<string, unknown>, invokes?: MockContext["invokeOverrides"]): Promise<Recorded> {
    const secrets = secretConfig();
    return runProgram(() => onpremStack(onpremConfig(onprem), NOW), { account: SITE_ACCOUNT, stack: "onprem-dc1", config: secrets.config, secretKeys: secrets.secretKeys, stackOutputs: hubOutputs(), invokes });
}

describe("on-prem sites: deployable for real (issue 12)", function () {
    this.timeout(120000);
    let hybrid: Recorded;
    before(async () => {
        hybrid = await plan(siteSettings());
    });

    // Hybrid registration is unsigned: aws:PrincipalOrgID never matches; SSM documents ssm:NodeOrgId
    // (systems-manager/latest/userguide/setup-create-vpc.html#vpc-endpoint-policies-hybrid-nodes).
    it("item 8: the landing ssm endpoint lets hybrid nodes of the organization register", () => {
        const ssm = hybrid.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").find((e) => e.inputs.serviceName === "com.amazonaws.us-east-1.ssm")!;
        const st = hybrid.json(ssm, "policy").Statement.find((s: any) => (s.Action as string[]).includes("ssm:RegisterManagedInstance"));
        assert.deepStrictEqual(st.Condition, { StringEquals: { "ssm:NodeOrgId": "o-a1b2c3d4e5" } });
        assert.ok((st.Action as string[]).includes("ssm:RequestManagedInstanceRoleToken") && (st.Action as string[]).includes("ssm:UpdateManagedInstancePublicKey"));
    });

    it("item 11: the landing endpoints' security group admits the landing VPC too", () => {
        const rule = hybrid.one("aws:ec2/securityGroupRule:SecurityGroupRule", "https-vpc").inputs as any;
        assert.deepStrictEqual([rule.fromPort, rule.cidrBlocks], [443, ["10.70.0.0/22"]]);
    });

    // A second private-DNS endpoint next to an existing one or a zone of the service's name fails
    // ("conflicting DNS domain", vpc/latest/privatelink/manage-dns-names.html).
    it("item 12: the landing VPC reuses another team's sts endpoint and declared services", async () => {
        const r = await plan(siteSettings({ landingVpc: { ...(siteSettings().landingVpc as object), existingEndpoints: ["logs"] } }), {
            "aws:ec2/getVpcEndpoint:getVpcEndpoint": (i: Record<string, any>) => {
                if (String(i.serviceName).endsWith(".sts")) {
                    return { id: "vpce-0aaaabbbbccccdddd", tags: {} };
                }
                if (String(i.serviceName).endsWith(".s3") && JSON.stringify(i.filters).includes("Gateway")) {
                    return { id: "vpce-0gateway", tags: {} };
                }
                throw new Error("no matching EC2 VPC Endpoint found");
            },
        });
        const services = r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => String(e.inputs.serviceName).split(".").pop());
        assert.ok(!services.includes("sts") && !services.includes("logs") && services.includes("ssm"));
        assert.deepStrictEqual(r.outputs.reusedEndpoints, { logs: "declared in config", sts: "endpoint vpce-0aaaabbbbccccdddd" });
    });

    describe("item 9: hybrid hosts get common-config.toml and a region before ManageAgent", () => {
        it("per platform: the SSM agent's default profile and file, a TOML literal for the Windows path", () => {
            // SSM agent writes [default] into $HOME/.aws/credentials of root / LocalSystem (sharedCredentials/*.go).
            assert.match(siteCommonConfig("hybridActivation", "linux"), /shared_credential_profile = "default"\n\s+shared_credential_file = "\/root\/\.aws\/credentials"/);
            assert.match(siteCommonConfig("hybridActivation", "windows"), /shared_credential_file = 'C:\\Windows\\System32\\config\\systemprofile\\\.aws\\credentials'/);
            assert.throws(() => renderAgentCommonConfig({ credentialsFile: "C:\\it's" }), /credentialsFile: must not contain quotes/);
            // aws-sdk-go v1 reads [default] / [profile X] from <dir of credentials>/config (sdkutil.go SDKRegionWithCredsMap).
            assert.strictEqual(sharedConfigText("default", "us-east-1"), "# managed by oss-monitoring\n[default]\nregion = us-east-1\n");
            assert.strictEqual(sharedConfigText("AmazonCloudWatchAgent", "eu-west-1"), "# managed by oss-monitoring\n[profile AmazonCloudWatchAgent]\nregion = eu-west-1\n");
        });

        it("the site's configure document writes the files on each platform, then runs ManageAgent", () => {
            const doc = JSON.parse(String(hybrid.one("aws:ssm/document:Document").inputs.content));
            assert.deepStrictEqual(doc.mainSteps.map((s: any) => s.action), ["aws:runShellScript", "aws:runPowerShellScript", "aws:runShellScript", "aws:runDocument"]);
            const linux = (doc.mainSteps[0].inputs.runCommand as string[]).join("\n");
            assert.match(linux, /cat > \/opt\/aws\/amazon-cloudwatch-agent\/etc\/common-config\.toml\.tmp/);
            assert.match(linux, /f=\/root\/\.aws\/config/);
            assert.match(linux, /\[default\]\nregion = us-east-1/);
            const windows = (doc.mainSteps[1].inputs.runCommand as string[]).join("\n");
            assert.match(windows, /Join-Path \$env:ProgramData 'Amazon\\AmazonCloudWatchAgent'/);
            assert.match(windows, /\$awsDir = 'C:\\Windows\\System32\\config\\systemprofile\\\.aws'/);
            assert.deepStrictEqual(doc.mainSteps[1].precondition, { StringEquals: ["platformType", "Windows"] });
            assert.strictEqual(doc.mainSteps[3].inputs.documentPath, "AmazonCloudWatch-ManageAgent");
            assert.deepStrictEqual(hybridHostFileSteps({ region: "us-east-1", platforms: ["linux"] }).length, 1);
        });

        it("the Linux script, run by a real sh under a scratch root, writes both files and never overwrites a foreign config", async () => {
            const fs = await import("fs");
            const os = await import("os");
            const path = await import("path");
            const { spawnSync } = await import("child_process");
            const root = fs.mkdtempSync(path.join(os.tmpdir(), "hostfiles-"));
            const script = ((hybridHostFileSteps({ region: "us-east-1", platforms: ["linux"] })[0] as any).inputs.runCommand as string[]).join("\n")
                .replace(/\/opt\/aws/g, `${root}/opt/aws`).replace(/\/root\/\.aws/g, `${root}/root/.aws`);
            const first = spawnSync("sh", ["-c", script], { encoding: "utf8" });
            assert.strictEqual(first.status, 0, first.stderr);
            assert.strictEqual(fs.readFileSync(`${root}/opt/aws/amazon-cloudwatch-agent/etc/common-config.toml`, "utf8"), siteCommonConfig("hybridActivation", "linux").replace("/root/.aws", `${root}/root/.aws`));
            assert.strictEqual(fs.readFileSync(`${root}/root/.aws/config`, "utf8"), sharedConfigText("default", "us-east-1"));
            assert.strictEqual(fs.statSync(`${root}/root/.aws/config`).mode & 0o777, 0o600);
            assert.strictEqual(spawnSync("sh", ["-c", script]).status, 0, "idempotent");
            fs.writeFileSync(`${root}/root/.aws/config`, "[default]\noutput = json\n");
            const foreign = spawnSync("sh", ["-c", script], { encoding: "utf8" });
            assert.notStrictEqual(foreign.status, 0);
            assert.match(foreign.stderr, /exists and is not managed by oss-monitoring: add 'region = us-east-1' under \[default\]/);
            assert.strictEqual(fs.readFileSync(`${root}/root/.aws/config`, "utf8"), "[default]\noutput = json\n");
            fs.rmSync(root, { recursive: true, force: true });
        });
    });

    describe("item 10: Roles Anywhere credentials readable by cwagent, with a region", () => {
        it("the signing helper runs as cwagent in its own 0700 state directory and writes the region", () => {
            // aws_signing_helper update creates the file and its directory 0600 as the running user
            // (rolesanywhere-credential-helper aws_signing_helper/update.go).
            const unit = signingHelperUnit({ region: "us-east-1", trustAnchorArn: "arn:ta", profileArn: "arn:p", roleArn: "arn:r" });
            assert.match(unit, /^User=cwagent$/m);
            assert.match(unit, /^StateDirectory=oss-monitoring-aws$/m);
            assert.match(unit, /^StateDirectoryMode=0700$/m);
            assert.match(unit, /^Environment=AWS_SHARED_CREDENTIALS_FILE=\/var\/lib\/oss-monitoring-aws\/credentials$/m);
            assert.match(unit, /\[profile AmazonCloudWatchAgent\]\\nregion = us-east-1/);
            assert.match(unit, /^ExecStart=\/usr\/local\/bin\/aws_signing_helper update .*--region us-east-1 --profile AmazonCloudWatchAgent$/m);
            assert.match(siteCommonConfig("rolesAnywhere"), /shared_credential_file = "\/var\/lib\/oss-monitoring-aws\/credentials"/);
        });

        it("the stack outputs the unit; Windows hosts are refused with Roles Anywhere", async () => {
            const r = await plan(siteSettings({ credentials: ROLES_ANYWHERE, agent: { platforms: ["linux"] } }));
            assert.match(String(r.publicOutputs.signingHelperUnit), /User=cwagent/);
            assert.throws(() => onpremConfig(siteSettings({ credentials: ROLES_ANYWHERE })), /oss-monitoring:onprem\.agent\.platforms: rolesAnywhere hosts are Linux only/);
        });
    });

    describe("item 15: a transit gateway routes back to the site", () => {
        // Static VPN routes are not propagated to TGW route tables (vpc/latest/tgw/tgw-vpn-attachments.html).
        it("static routing on a transit gateway needs a route table and gets routes to the VPN attachment", async () => {
            assert.throws(() => onpremConfig(siteSettings({ network: { mode: "vpn", customerGatewayIp: "203.0.113.10", transitGatewayId: "tgw-0a1b2c3d4e5f60720", staticRoutesOnly: true } })),
                /oss-monitoring:onprem\.network\.transitGatewayRouteTableId: required with staticRoutesOnly/);
            const r = await plan(siteSettings({ network: { mode: "vpn", customerGatewayIp: "203.0.113.10", transitGatewayId: "tgw-0a1b2c3d4e5f60720", staticRoutesOnly: true, transitGatewayRouteTableId: "tgw-rtb-0a1b2c3d4e5f60740" } }));
            const routes = r.ofType("aws:ec2transitgateway/route:Route").map((x) => x.inputs as any);
            assert.deepStrictEqual(routes.map((x) => x.destinationCidrBlock), ["172.16.0.0/20", "172.16.32.0/22"]);
            assert.ok(routes.every((x) => /^tgw-attach-/.test(x.transitGatewayAttachmentId) && x.transitGatewayRouteTableId === "tgw-rtb-0a1b2c3d4e5f60740"));
            assert.strictEqual(r.ofType("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation").length, 1);
            assert.strictEqual(r.ofType("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation").length, 0);
        });

        it("BGP with a route table associates and propagates", () => {
            const bgp = transitGatewayRouting({ mode: "vpn", customerGatewayIp: "x", bgpAsn: 65000, transitGatewayId: "tgw-1", staticRoutesOnly: false, transitGatewayRouteTableId: "tgw-rtb-1" }, ["10.0.0.0/8"]);
            assert.deepStrictEqual(bgp, { associate: true, propagate: true, staticRoutes: [] });
        });
    });

    describe("item 16: the smaller ones", () => {
        // CreateCustomerGateway: BgpAsn up to 2,147,483,647, BgpAsnExtended above.
        it("an ASN above 2147483647 goes to bgpAsnExtended", async () => {
            assert.deepStrictEqual(customerGatewayAsn(65010), { bgpAsn: "65010" });
            assert.deepStrictEqual(customerGatewayAsn(4200000000), { bgpAsnExtended: "4200000000" });
            const r = await plan(siteSettings({ network: { mode: "vpn", customerGatewayIp: "203.0.113.10", bgpAsn: 4200000000, transitGatewayId: "tgw-0a1b2c3d4e5f60720" } }));
            const cgw = r.one("aws:ec2/customerGateway:CustomerGateway").inputs as any;
            assert.deepStrictEqual([cgw.bgpAsn, cgw.bgpAsnExtended], [undefined, "4200000000"]);
        });

        it("an activation expirationDate must be whole-second UTC (the provider normalizes others and replaces the activation)", () => {
            for (const bad of ["2026-12-01T00:00:00+00:00", "2026-12-01T00:00:00.500Z", "2026-12-01T01:00:00+01:00"]) {
                assert.throws(() => onpremConfig(siteSettings({ credentials: { mode: "hybridActivation", expirationDate: bad } })), /onprem\.credentials\.expirationDate: expected a UTC timestamp with whole seconds/, bad);
            }
            assert.doesNotThrow(() => onpremConfig(siteSettings({ credentials: { mode: "hybridActivation", expirationDate: "2026-12-01T00:00:00Z" } })));
        });

        it("the hybrid role has UpdateAssociationStatus, and inventory/package results as the reference policy grants them", () => {
            const doc = managedInstancePolicy("777777777777", "us-east-1");
            const find = (a: string) => doc.Statement.find((s) => ([s.Action] as (string | string[])[]).flat().includes(a));
            assert.ok(find("ssm:UpdateAssociationStatus"));
            assert.strictEqual(find("ssm:PutInventory")?.Resource, "*");
            assert.strictEqual(find("ssm:PutConfigurePackageResult")?.Resource, "*");
        });

        it("configure associations run on change only: no schedule, the layer's hash as a parameter", () => {
            const a = configureParameters("configure (append)", "AmazonCloudWatch-x-base-linux", "ec2", "{\"a\":1}");
            const b = configureParameters("configure (append)", "AmazonCloudWatch-x-base-linux", "ec2", "{\"a\":2}");
            assert.notStrictEqual(a.layerHash, b.layerHash);
            assert.strictEqual(a.optionalRestart, "yes");
            const assocs = hybrid.ofType("aws:ssm/association:Association").filter((x) => String(x.inputs.name).endsWith("-configure"));
            assert.ok(assocs.length >= 3 && assocs.every((x) => x.inputs.scheduleExpression === undefined));
        });

        it("privateDnsOnlyForInboundResolverEndpoint is only claimed with an S3 gateway endpoint in the landing VPC", async () => {
            assert.throws(() => checkLandingS3Gateway(true, false), /oss-monitoring:onprem\.landingVpc\.s3GatewayEndpoint: true, but the landing VPC has no S3 gateway endpoint/);
            assert.doesNotThrow(() => checkLandingS3Gateway(false, false));
            await assert.rejects(plan(siteSettings(), { "aws:ec2/getVpcEndpoint:getVpcEndpoint": () => { throw new Error("no matching EC2 VPC Endpoint found"); } }),
                /landingVpc\.s3GatewayEndpoint: true, but the landing VPC has no S3 gateway endpoint/);
        });
    });

    describe("item 14: journald and group-readable logs under cwagent", () => {
        it("journald overlays make cwagent join systemd-journal, by the configure association", () => {
            assert.deepStrictEqual(overlayReadGroups({ platform: "linux", journaldUnits: ["tomcat.service"], readGroups: ["adm"] }), ["adm", "systemd-journal"]);
            const layers = renderAgentLayers({ parameterPrefix: "p", logGroupPrefix: "/x", platforms: ["linux"], overlays: [{ name: "tomcat", platform: "linux", journaldUnits: ["tomcat.service"] }] });
            assert.deepStrictEqual(layers.find((l) => l.layer === "tomcat")!.readGroups, ["systemd-journal"]);
            const asRoot = renderAgentLayers({ parameterPrefix: "p", logGroupPrefix: "/x", platforms: ["linux"], runAsUser: "root", overlays: [{ name: "tomcat", platform: "linux", journaldUnits: ["tomcat.service"] }] });
            assert.deepStrictEqual(asRoot.find((l) => l.layer === "tomcat")!.readGroups, []);
            const doc = configureDocumentContent() as any;
            const grant = doc.mainSteps.find((s: any) => s.name === "grantReadGroups");
            assert.match(grant.inputs.runCommand.join("\n"), /usermod -a -G "\$g" cwagent/);
            assert.strictEqual(doc.parameters.readGroups.allowedPattern, "^([a-z_][a-z0-9_-]{0,31}( [a-z_][a-z0-9_-]{0,31})*)?$");
            assert.strictEqual(configureParameters("configure (append)", "AmazonCloudWatch-x-y", "ec2", "{}", ["systemd-journal", "adm"]).readGroups, "adm systemd-journal");
        });

        it("the grant step, run by a real sh, adds only the missing groups and fails on an unknown one", async () => {
            const fs = await import("fs");
            const os = await import("os");
            const path = await import("path");
            const { spawnSync } = await import("child_process");
            const bin = fs.mkdtempSync(path.join(os.tmpdir(), "grant-"));
            const log = path.join(bin, "usermod.log");
            // Stubs for the account tools: cwagent exists and is already in adm; group "nosuch" does not exist.
            fs.writeFileSync(path.join(bin, "id"), "#!/bin/sh\n[ \"$1\" = -nG ] && { echo 'cwagent adm'; exit 0; }\nexit 0\n", { mode: 0o755 });
            fs.writeFileSync(path.join(bin, "getent"), "#!/bin/sh\n[ \"$2\" = nosuch ] && exit 2\nexit 0\n", { mode: 0o755 });
            fs.writeFileSync(path.join(bin, "usermod"), `#!/bin/sh\necho "$@" >> ${log}\n`, { mode: 0o755 });
            const script = (groups: string) => ((configureDocumentContent() as any).mainSteps.find((s: any) => s.name === "grantReadGroups").inputs.runCommand as string[])
                .join("\n").replace("{{ readGroups }}", groups);
            const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
            const ok = spawnSync("sh", ["-c", script("adm systemd-journal")], { env, encoding: "utf8" });
            assert.strictEqual(ok.status, 0, ok.stderr);
            assert.strictEqual(fs.readFileSync(log, "utf8"), "-a -G systemd-journal cwagent\n");
            const bad = spawnSync("sh", ["-c", script("nosuch")], { env, encoding: "utf8" });
            assert.notStrictEqual(bad.status, 0);
            assert.match(bad.stderr, /group nosuch does not exist on this host/);
            assert.strictEqual(spawnSync("sh", ["-c", script("")], { env }).status, 0);
            fs.rmSync(bin, { recursive: true, force: true });
        });
    });
});
