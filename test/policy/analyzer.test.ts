/**
 * Parity with the real CLI path: starts policy/ exactly as `pulumi preview --policy-pack policy` does
 * (@pulumi/pulumi's run-policy-pack, with ts-node type-checking the pack), then drives the analyzer's
 * gRPC API the way the engine does (Configure with schema defaults, ConfigureStack with the stack tags,
 * Analyze per resource, AnalyzeStack) and checks it reports exactly what the offline evaluator reports.
 */
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as rpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { evaluatePlan, parsePlan, Plan, PlanStack, stackTagsFor, stackUrnOf } from "../../policy/offline";
import { policies } from "../../policy/policies";

const POLICY_DIR = path.join(__dirname, "..", "..", "policy");
const LEVELS: Record<number, string> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const LEVEL_CODES: Record<string, pb.EnforcementLevel> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

const fixture = (name: string): Plan => parsePlan(JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8")));

function unary<Req, Res>(client: rpc.AnalyzerClient, method: string, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
        (client as unknown as Record<string, (r: Req, cb: (e: Error | null, res: Res) => void) => void>)[method](req, (e, res) => (e ? reject(e) : resolve(res)));
    });
}

/** Diagnostics of one stack, as `policy|urn|level|message` (message without the description the server prepends). */
async function analyzeStack(client: rpc.AnalyzerClient, stack: PlanStack): Promise<string[]> {
    const tags = new pb.AnalyzerStackConfigureRequest();
    stackTagsFor(stack).forEach((v, k) => tags.getTagsMap().set(k, v));
    tags.setStack(stack.stack);
    await unary(client, "configureStack", tags);
    const descriptions = new Map(policies.map((p) => [p.name, p.description]));
    const line = (d: pb.AnalyzeDiagnostic, urn: string) => {
        const prefix = `${descriptions.get(d.getPolicyname())}\n`;
        const message = d.getMessage().startsWith(prefix) ? d.getMessage().slice(prefix.length) : d.getMessage();
        return `${d.getPolicyname()}|${urn}|${LEVELS[d.getEnforcementlevel()]}|${message}`;
    };
    const out: string[] = [];
    const resources: pb.AnalyzerResource[] = [];
    for (const r of stack.resources) {
        const opts = new pb.AnalyzerResourceOptions();
        if (r.parent) opts.setParent(r.parent);
        const req = new pb.AnalyzeRequest();
        req.setType(r.type);
        req.setUrn(r.urn);
        req.setName(r.name);
        req.setProperties(Struct.fromJavaScript(r.inputs as Record<string, never>));
        req.setOptions(opts);
        const res = await unary<pb.AnalyzeRequest, pb.AnalyzeResponse>(client, "analyze", req);
        res.getDiagnosticsList().forEach((d) => out.push(line(d, r.urn)));
        const ar = new pb.AnalyzerResource();
        ar.setType(r.type);
        ar.setUrn(r.urn);
        ar.setName(r.name);
        ar.setProperties(Struct.fromJavaScript(r.inputs as Record<string, never>));
        ar.setOptions(opts);
        if (r.parent) ar.setParent(r.parent);
        resources.push(ar);
    }
    const sreq = new pb.AnalyzeStackRequest();
    sreq.setResourcesList(resources);
    const sres = await unary<pb.AnalyzeStackRequest, pb.AnalyzeResponse>(client, "analyzeStack", sreq);
    sres.getDiagnosticsList().forEach((d) => out.push(line(d, d.getUrn() || stackUrnOf(stack))));
    return out;
}

describe("policy pack under the Pulumi analyzer runtime", function () {
    this.timeout(300000);
    let child: ChildProcess | undefined;
    let client: rpc.AnalyzerClient;

    before(async () => {
        child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], { cwd: POLICY_DIR, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr?.on("data", (b) => (stderr += b));
        const port = await new Promise<string>((resolve, reject) => {
            child?.stdout?.once("data", (b: Buffer) => resolve(b.toString().trim()));
            child?.once("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
        });
        client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        // The CLI reconciles config with schema defaults and sends it before analysing.
        const config = new pb.ConfigureAnalyzerRequest();
        for (const p of policies) {
            const pc = new pb.PolicyConfig();
            pc.setEnforcementlevel(LEVEL_CODES[p.enforcementLevel ?? "mandatory"]);
            const defaults = Object.fromEntries(Object.entries(p.configSchema?.properties ?? {}).map(([k, s]) => [k, (s as { default: unknown }).default]));
            pc.setProperties(Struct.fromJavaScript(defaults as Record<string, never>));
            config.getPolicyconfigMap().set(p.name, pc);
        }
        await unary(client, "configure", config);
    });

    after(() => {
        client?.close();
        child?.kill();
    });

    it("serves the pack's name, version and every policy", async () => {
        const info = await unary<Empty, pb.AnalyzerInfo>(client, "getAnalyzerInfo", new Empty());
        assert.equal(info.getName(), "oss-monitoring-guard");
        assert.equal(info.getVersion(), JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")).version);
        assert.deepEqual(info.getPoliciesList().map((p) => p.getName()), policies.map((p) => p.name));
    });

    for (const name of ["bad-plan.json", "good-plan.json", "semantic-plan.json"]) {
        it(`reports exactly what the offline evaluator reports for ${name}`, async () => {
            const plan = fixture(name);
            const live: string[] = [];
            for (const stack of plan.stacks) {
                live.push(...(await analyzeStack(client, stack)));
            }
            const offline = evaluatePlan(plan).map((v) => `${v.policy}|${v.urn}|${v.enforcementLevel}|${v.message}`);
            assert.deepEqual(live.sort(), offline.sort());
        });
    }
});
