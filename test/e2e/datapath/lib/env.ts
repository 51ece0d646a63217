import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Parameters of the data-path suite, from the environment so CI and a person can stretch
 * them without editing tests. Defaults keep `npm run e2e` on the project's 2-core machine
 * at a few minutes; README "Verified end to end" states them.
 */
function num(name: string, dflt: number, min: number): number {
    const raw = process.env[name];
    if (raw === undefined || raw === "") return dflt;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < min) {
        console.error(`e2e: ${name}=${raw} is not a number >= ${min}; unset it or fix it (default ${dflt})`);
        process.exit(2);
    }
    return v;
}

export const PARAMS = {
    /** WAN / DR outage length, seconds (scenarios 3 and 4). */
    outageSeconds: num("OSSMON_E2E_OUTAGE_SECONDS", 45, 5),
    /** Multiplier of every alert's `for` (scenario 6); 1 = the rules as deployed. */
    alertForScale: num("OSSMON_E2E_ALERT_FOR_SCALE", 0.1, 0),
    /** silentAfterMinutes of the content options (scenario 6); the rules' own minimum is 2. */
    silentAfterMinutes: num("OSSMON_E2E_SILENT_MINUTES", 2, 2),
    /** Rule evaluation interval, seconds (scenario 6). Deployed: 60. */
    ruleIntervalSeconds: num("OSSMON_E2E_RULE_INTERVAL_SECONDS", 10, 1),
    /** Interval between two samples of one series, seconds (the senders' scrape interval). */
    sampleIntervalSeconds: num("OSSMON_E2E_SAMPLE_INTERVAL_SECONDS", 2, 0.2),
} as const;

export const REPO = path.resolve(__dirname, "../../../..");

/** Per-run scratch directory (certificates, configs, stores, logs), kept on failure for reading. */
export function runDir(name: string): string {
    const root = process.env.OSSMON_E2E_DIR ?? path.join(os.tmpdir(), "ossmon-e2e");
    fs.mkdirSync(root, { recursive: true });
    return fs.mkdtempSync(path.join(root, `${name}-`));
}

const builtTools = new Map<string, string>();

/**
 * Runs tools/<name>/build.sh once per process and returns the path it prints last: the tool's binary in
 * the cache (every build script only checks when its cached build is current, so this is instant after the first).
 */
export function builtTool(name: string, timeoutMs: number): string {
    let binary = builtTools.get(name);
    if (binary === undefined) {
        const out = execFileSync("bash", [path.join(REPO, "tools", name, "build.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: timeoutMs });
        binary = out.trim().split("\n").pop() ?? "";
        builtTools.set(name, binary);
    }
    return binary;
}

/** The collector built by tools/collector/build.sh, and the telemetrygen built beside it. */
export function collectorBinaries(): { collector: string; telemetrygen: string } {
    const collector = builtTool("collector", 3_600_000);
    return { collector, telemetrygen: path.join(path.dirname(collector), "telemetrygen") };
}

/** tools/labelcheck: the exporter's LabelNamer (otlptranslator v1.0.0, contrib v0.156.0) and Go's regexp (cached build). */
export function labelcheckBinary(): string {
    return builtTool("labelcheck", 1_800_000);
}
