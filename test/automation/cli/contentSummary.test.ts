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
        writeContent({ out: dir, now: "2026-12-01" });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("every dashboard's summary (the CloudWatch hosts one included) lists each panel, rows' panels too, with its queries, unit and thresholds", () => {
        type Panel = { title: string; type: string; panels?: Panel[]; targets?: { expr?: string; sqlExpression?: string; expression?: string }[]; fieldConfig?: { defaults?: { unit?: string } } };
        const flat = (ps: Panel[]): Panel[] => ps.flatMap((p) => [p, ...flat(p.panels ?? [])]);
        const jsons = fs.readdirSync(path.join(dir, "dashboards"), { recursive: true }).map(String).filter((f) => f.endsWith(".json"));
        assert.deepStrictEqual(jsons.length, 4, "three AMP dashboards and the CloudWatch hosts dashboard");
        for (const rel of jsons) {
            const d = JSON.parse(fs.readFileSync(path.join(dir, "dashboards", rel), "utf8")) as { title: string; panels: Panel[] };
            const md = fs.readFileSync(path.join(dir, "dashboards", rel.replace(/\.json$/, ".md")), "utf8");
            assert.ok(md.startsWith(`# ${d.title}\n`), rel);
            // Panels in order (two panels may share a title): each is the next table row with its title.
            const rows = md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| panel |") && !l.startsWith("| ---"));
            const panels = flat(d.panels);
            assert.strictEqual(rows.length, panels.length, `${rel}: one row per panel`);
            for (const [i, p] of panels.entries()) {
                const row = rows[i].startsWith(`| ${p.type === "row" ? `**${p.title}**` : p.title} |`) ? rows[i] : undefined;
                assert.ok(row !== undefined, `${rel}: panel ${p.title}`);
                for (const t of p.targets ?? []) {
                    const q = t.expr ?? t.sqlExpression ?? t.expression;
                    assert.ok(q !== undefined, `${rel}: ${p.title} has a query`);
                    assert.ok(row.includes(`\`${q.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ")}\``), `${rel}: ${p.title} query`);
                }
                if (p.fieldConfig?.defaults?.unit !== undefined) {
                    assert.ok(row.includes(`| ${p.fieldConfig.defaults.unit} |`), `${rel}: ${p.title} unit`);
                }
            }
        }
        assert.match(fs.readFileSync(path.join(dir, "dashboards/cloudwatch-agents/cloudwatch-hosts.md"), "utf8"), /\| Agent warnings and errors \(us-east-1\) \| logs \| `fields @timestamp/);
    });

    it("the Grafana-managed agent rule group's summary lists each rule with both SEARCH windows, the condition, for, severity", () => {
        const group = JSON.parse(fs.readFileSync(path.join(dir, "grafana-alerting/cloudwatch-agents.json"), "utf8")) as { rules: { name: string; for: string; labels: { severity: string }; datas: { refId: string; model: string }[] }[] };
        const md = fs.readFileSync(path.join(dir, "grafana-alerting/cloudwatch-agents.md"), "utf8");
        assert.ok(md.startsWith("# Grafana rule group cloudwatch-agents (folder cloudwatch-agents, every 5m)\n"));
        assert.match(md, /contact point `oss-monitoring-alert-topic`/);
        const spokes = (parse(fs.readFileSync(path.join(__dirname, "../../../stacks/fleet.yaml"), "utf8")) as { stacks: { role: string }[] }).stacks.filter((s) => s.role !== "hub").length;
        assert.strictEqual(group.rules.length, spokes, "one rule per agent source (spoke) of the example fleet");
        for (const r of group.rules) {
            const row = md.split("\n").find((l) => l.startsWith(`| ${r.name} |`));
            assert.ok(row !== undefined, r.name);
            const search = (JSON.parse(r.datas.find((d) => d.refId === "RECENT")!.model) as { expression: string }).expression;
            assert.ok(row.includes(`EARLIER (60m to 10m ago): \`${search}\``), `${r.name}: earlier window`);
            assert.ok(row.includes(`RECENT (last 10m): \`${search}\``), `${r.name}: recent window`);
            assert.ok(row.includes("| SEEN = max(EARLIER); SENT = sum(RECENT); SILENT = `$SEEN > 0 && $SENT == 0`; fires on SILENT |"), `${r.name}: condition`);
            assert.ok(row.includes(`| ${r.for} | ${r.labels.severity} | OK |`), `${r.name}: for, severity, no-data state`);
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
