import { spawnSync } from "child_process";
import * as path from "path";
import { ConfigError } from "../../stacks/config/common";
import type { PlanDocument, PlanStack } from "./plan";

function q(s: string): string {
    return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

const has = (s: PlanStack, type: string) => s.resources.some((r) => r.type === type);

/**
 * The fleet's topology as Graphviz DOT, from a plan: the hub (its collector behind the internal
 * NLB and endpoint service, AMP, Managed Grafana), every monitored account and on-prem site, and
 * the private paths between them (interface endpoints to the hub's endpoint service; a site's
 * VPN or Direct Connect into its landing VPC first).
 */
export function topologyDot(plan: PlanDocument): string {
    const hub = plan.stacks.find((s) => s.role === "hub");
    const lines = [
        "digraph fleet {",
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.3, ranksep=1.1, label="Monitoring fleet (offline plan)", labelloc=t];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, fillcolor="#ffffff"];',
        '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
    ];
    if (hub !== undefined) {
        lines.push(`  subgraph cluster_hub {`, `    label=${q(`hub: ${hub.stack}  (${hub.account}, ${hub.region})`)}; style="rounded,filled"; fillcolor="#e8f0fe"; color="#4a6fa5";`);
        lines.push(`    hub_eps [label="Endpoint service\\n(PrivateLink)", fillcolor="#d0e0ff"];`);
        lines.push(`    hub_nlb [label="Internal NLB\\nTCP pass-through 4317/4318"];`);
        lines.push(`    hub_col [label="tenant proxy (mTLS) +\\nADOT collector\\nECS Fargate"];`);
        lines.push(`    hub_amp [label="Amazon Managed\\nService for Prometheus"];`);
        if (has(hub, "aws:grafana/workspace:Workspace")) {
            lines.push(`    hub_graf [label="Amazon Managed Grafana"];`, `    hub_graf -> hub_amp [label="query (SigV4)", dir=back];`);
        }
        const dr = hub.resources.filter((r) => r.type === "aws:amp/workspace:Workspace").length > 1;
        if (dr) {
            lines.push(`    hub_amp_dr [label="AMP (DR region)"];`, `    hub_col -> hub_amp_dr [label="remote write", style=dashed];`);
        }
        lines.push(`    hub_eps -> hub_nlb -> hub_col;`, `    hub_col -> hub_amp [label="remote write (SigV4)"];`, "  }");
    }
    // A spoke in another region than the hub reaches it over a cross-region endpoint (serviceRegion).
    const via = (s: PlanStack, ports: string): string => (hub !== undefined && s.region !== hub.region
        ? q(`cross-region interface endpoint\n${s.region} → ${hub.region}\nOTLP/mTLS ${ports}`)
        : `"interface endpoint\\nOTLP/mTLS ${ports}"`);
    for (const [i, s] of plan.stacks.entries()) {
        if (s.role === "hub") {
            continue;
        }
        const id = `n${i}`;
        if (s.role === "monitored") {
            const endpoints = s.resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint").length;
            lines.push(`  ${id} [label=${q(`${s.stack}\n${s.account}${s.regulated ? " (regulated)" : ""}\nagents + ${endpoints} VPC endpoints`)}, fillcolor="#e6f4ea"];`);
            if (hub !== undefined) {
                lines.push(`  ${id} -> hub_eps [label=${via(s, "4317-4318")}];`);
            }
        } else {
            const link = has(s, "aws:ec2/vpnConnection:VpnConnection") ? "Site-to-Site VPN" : "Direct Connect";
            lines.push(`  ${id} [label=${q(`${s.stack}\non-premises site`)}, shape=box3d, fillcolor="#fef7e0"];`);
            lines.push(`  ${id}_landing [label=${q(`landing VPC\n${s.account}`)}, fillcolor="#fff3cd"];`);
            lines.push(`  ${id} -> ${id}_landing [label=${q(link)}];`);
            if (hub !== undefined) {
                lines.push(`  ${id}_landing -> hub_eps [label=${via(s, "4318")}];`);
            }
        }
    }
    lines.push("}");
    return `${lines.join("\n")}\n`;
}

/** Renders DOT with Graphviz `dot` into the format the file name asks for (.svg, .png, .pdf; .dot is the source). */
export function renderGraph(dot: string, file: string): Buffer {
    const ext = path.extname(file).slice(1).toLowerCase();
    if (ext === "dot" || ext === "gv") {
        return Buffer.from(dot);
    }
    if (!["svg", "png", "pdf"].includes(ext)) {
        throw new ConfigError(`--graph ${file}: unknown format ".${ext}"; fix: end the name with .svg, .png, .pdf or .dot`);
    }
    const r = spawnSync("dot", [`-T${ext}`], { input: dot, maxBuffer: 64 * 1024 * 1024 });
    if (r.error !== undefined) {
        throw new ConfigError(`--graph: Graphviz \`dot\` is not installed (${(r.error as NodeJS.ErrnoException).code}); fix: run tools/setup.sh (apt-get install graphviz), or write DOT with --graph ${file.replace(/\.[^.]+$/, ".dot")}`);
    }
    if (r.status !== 0) {
        throw new Error(`dot failed: ${r.stderr.toString().trim()}`);
    }
    return r.stdout;
}
