import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { writeContent } from "../../../automation/cli/contentCli";

/** `content` writes, beside each dashboard and rules file, a summary an operator can review: every panel and rule, with its query. */
describe("content summaries beside the rendered JSON and YAML", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "content-summary-"));
        writeContent(dir, {});
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("every dashboard's summary lists each panel with its queries, unit and thresholds", () => {
        const jsons = fs.readdirSync(path.join(dir, "dashboards"), { recursive: true }).map(String).filter((f) => f.endsWith(".json"));
        assert.ok(jsons.length >= 3);
        for (const rel of jsons) {
            const d = JSON.parse(fs.readFileSync(path.join(dir, "dashboards", rel), "utf8")) as { title: string; panels: { title: string; type: string; targets?: { expr?: string }[]; fieldConfig?: { defaults?: { unit?: string } } }[] };
            const md = fs.readFileSync(path.join(dir, "dashboards", rel.replace(/\.json$/, ".md")), "utf8");
            assert.ok(md.startsWith(`# ${d.title}\n`), rel);
            // Panels in order (two panels may share a title): each is the next table row with its title.
            const rows = md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| panel |") && !l.startsWith("| ---"));
            assert.strictEqual(rows.length, d.panels.length, `${rel}: one row per panel`);
            for (const [i, p] of d.panels.entries()) {
                const row = rows[i].startsWith(`| ${p.type === "row" ? `**${p.title}**` : p.title} |`) ? rows[i] : undefined;
                assert.ok(row !== undefined, `${rel}: panel ${p.title}`);
                for (const t of p.targets ?? []) {
                    assert.ok(row.includes(`\`${(t.expr ?? "").replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ")}\``), `${rel}: ${p.title} query`);
                }
                if (p.fieldConfig?.defaults?.unit !== undefined) {
                    assert.ok(row.includes(`| ${p.fieldConfig.defaults.unit} |`), `${rel}: ${p.title} unit`);
                }
            }
        }
    });

    it("every rules file's summary lists each alert (query, for, severity) and each recording rule", () => {
        for (const kind of ["alerting", "recording"]) {
            const doc = parse(fs.readFileSync(path.join(dir, "rules", `${kind}.rules.yaml`), "utf8")) as { groups: { name: string; rules: { alert?: string; record?: string; expr: string; for?: string; labels?: { severity?: string } }[] }[] };
            const md = fs.readFileSync(path.join(dir, "rules", `${kind}.rules.md`), "utf8");
            for (const g of doc.groups) {
                assert.ok(md.includes(`\n## ${g.name} (every `), g.name);
                for (const r of g.rules) {
                    const row = md.split("\n").find((l) => l.startsWith(`| ${r.alert ?? r.record} |`));
                    assert.ok(row !== undefined, `${kind}: ${r.alert ?? r.record}`);
                    assert.ok(row.includes(`\`${r.expr.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ")}\``), `${r.alert ?? r.record} query`);
                    if (r.alert !== undefined) {
                        assert.ok(row.includes(`| ${r.for ?? "0s"} | ${r.labels?.severity ?? "-"} |`), `${r.alert} for/severity`);
                    }
                }
            }
        }
    });
});
