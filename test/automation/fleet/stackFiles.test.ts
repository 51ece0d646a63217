import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadManifest } from "../../../automation/fleet/manifest";
import { renderStackFile, stackFilePath } from "../../../automation/fleet/stackFiles";

const FLEET = path.resolve(__dirname, "../../../stacks/fleet.yaml");

describe("generated stack files", () => {
    it("match stacks/fleet.yaml (run `npm run fleet -- config` after editing it)", () => {
        const m = loadManifest(FLEET);
        for (const s of m.stacks) {
            const file = stackFilePath(m, s.name);
            assert.ok(fs.existsSync(file), `${file} is missing`);
            const text = fs.readFileSync(file, "utf8");
            assert.strictEqual(text, renderStackFile(s, text), `${file} is out of date`);
        }
    });

    it("keep secrets and the encryption salt when regenerating", () => {
        const m = loadManifest(FLEET);
        const existing = "encryptionsalt: v1:abc\nconfig:\n  oss-monitoring:siteClientKey:\n    secure: v1:xyz\n  oss-monitoring:role: stale\n";
        const out = parse(renderStackFile(m.hub, existing));
        assert.strictEqual(out.encryptionsalt, "v1:abc");
        assert.deepStrictEqual(out.config["oss-monitoring:siteClientKey"], { secure: "v1:xyz" });
        assert.strictEqual(out.config["oss-monitoring:role"], "hub");
    });
});
