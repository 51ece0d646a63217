import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import * as awsIndex from "@pulumi/aws";
import * as grafanaIndex from "@pulumiverse/grafana";
import { aws, grafana, lazyNamespaces } from "../../../policy/lib/providers";

const root = path.resolve(__dirname, "../../..");

describe("policy/lib/providers", () => {
    it("hands out the very classes the packages' indexes export (same __pulumiType, same object)", () => {
        assert.strictEqual(aws.ec2.VpcEndpoint, awsIndex.ec2.VpcEndpoint);
        assert.strictEqual((aws.grafana.Workspace as unknown as { __pulumiType: string }).__pulumiType, "aws:grafana/workspace:Workspace");
        assert.strictEqual(grafana.oss.DataSource, grafanaIndex.oss.DataSource);
    });

    it("refuses a top-level export that is not a namespace, naming it", () => {
        const pkg = lazyNamespaces<{ Provider: unknown; __esModule: unknown }>("@pulumi/aws");
        assert.throws(() => pkg.Provider, /@pulumi\/aws: Provider is not a namespace/);
        assert.throws(() => pkg.__esModule, /__esModule is not a namespace/);
    });

    // A fresh process: this one has loaded the indexes above. The pack is loaded as `policy check` loads it.
    it("loads the pack without the index of @pulumi/aws, @pulumi/kubernetes or @pulumiverse/grafana", () => {
        const script = `require("ts-node/register/transpile-only");
            require("./policy/policies");
            const loaded = Object.keys(require.cache);
            const index = (pkg) => loaded.includes(require.resolve(pkg));
            process.stdout.write(JSON.stringify({ aws: index("@pulumi/aws"), k8s: index("@pulumi/kubernetes"), grafana: index("@pulumiverse/grafana"),
                ec2: loaded.includes(require.resolve("@pulumi/aws/ec2")), modules: loaded.filter((f) => f.includes("/node_modules/@pulumi/aws/")).length }));`;
        const r = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" })) as { aws: boolean; k8s: boolean; grafana: boolean; ec2: boolean; modules: number };
        assert.deepStrictEqual({ aws: r.aws, k8s: r.k8s, grafana: r.grafana, ec2: r.ec2 }, { aws: false, k8s: false, grafana: false, ec2: true });
        // The index loads every namespace's (342 modules of 7.48.0); the pack reads a few dozen classes.
        assert.ok(r.modules < 150, `${r.modules} modules of @pulumi/aws`);
    });
});
