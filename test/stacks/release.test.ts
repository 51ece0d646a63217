import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_RELEASE } from "../../stacks/release";

describe("project release", () => {
    it("the release every stack exports (deployedVersions) is package.json's version", () => {
        const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../package.json"), "utf8")) as { version: string };
        assert.strictEqual(PROJECT_RELEASE, pkg.version);
    });
});
