import { recordScenario, setCollector } from "../../report";
import { ADOT_RELEASE } from "../../../../components/telemetry/adotComponents";
import { version } from "./collector";

let versionSet = false;

/** Stamps the report with the built collector's version once per run. */
export async function stampCollector(): Promise<void> {
    if (versionSet) return;
    setCollector(await version(), ADOT_RELEASE.adot);
    versionSet = true;
}

/** Records a scenario whether its assertions pass or not: `body` returns the figures, then asserts. */
export async function scenario(name: string, body: (figures: Figures) => Promise<void>): Promise<void> {
    const start = Date.now();
    const f: Figures = { sent: 0, stored: 0, lost: 0, details: {} };
    let passed = false;
    try {
        await body(f);
        passed = true;
    } finally {
        recordScenario({ name, passed, sent: f.sent, stored: f.stored, lost: f.lost, seconds: Math.round((Date.now() - start) / 100) / 10, details: f.details });
        console.log(`      [${name}] sent=${f.sent} stored=${f.stored} lost=${f.lost} ${JSON.stringify(f.details)}`);
    }
}

export interface Figures { sent: number; stored: number; lost: number; details: Record<string, unknown> }
