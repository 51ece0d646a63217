import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../policy/policies";

const root = path.resolve(__dirname, "..");
const read = (f: string) => fs.readFileSync(path.join(root, f), "utf8");

describe("documentation stays true", () => {
    it("lists every policy of the pack with its level in both READMEs", () => {
        for (const file of ["README.md", "policy/README.md"]) {
            const text = read(file);
            for (const p of policies) {
                const level = p.enforcementLevel ?? "mandatory";
                assert.ok(text.includes(`| \`${p.name}\` | ${level} |`), `${file} lacks a row for ${p.name} (${level})`);
            }
        }
    });

    it("gives the two newcomer commands CI runs", () => {
        const readme = read("README.md");
        const ci = read(".ci/run");
        assert.ok(readme.includes("npm ci && npm run fleet -- plan --json plan.json && npm run policy -- check plan.json"));
        assert.ok(readme.includes("\nnpm test\n"));
        assert.ok(ci.includes("\nnpm test\n") && ci.includes("npm run fleet -- plan --json plan.json") && ci.includes("npm run policy -- check plan.json"));
    });
});
