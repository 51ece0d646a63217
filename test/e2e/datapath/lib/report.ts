import { measured, setCollector } from "../../report";
import { ADOT_RELEASE } from "../../../../components/telemetry/adotComponents";
import { version } from "./collector";

let versionSet = false;

/** Stamps the report with the built collector's version once per run. */
export async function stampCollector(): Promise<void> {
    if (versionSet) return;
    setCollector(await version(), ADOT_RELEASE.adot);
    versionSet = true;
}

/** The data-path scenarios' figures: numbers to the body; a figure never assigned is recorded as null (not measured). */
export interface Figures { sent: number; stored: number; lost: number; details: Record<string, unknown> }

/**
 * Records a scenario whether its assertions pass or not: `body` assigns the figures as it measures
 * them, then asserts. What a failing scenario had measured by then is in the report; what it had
 * not is null there. lost, unless assigned, is sent - stored.
 */
export async function scenario(name: string, body: (figures: Figures) => Promise<void>): Promise<void> {
    await measured(name, async (out) => {
        const numeric = (k: "sent" | "stored" | "lost") => ({
            get: (): number => out[k] ?? 0,
            set: (v: number): void => { out[k] = v; },
            enumerable: true,
        });
        const f = Object.defineProperties({ details: out.details } as Figures, { sent: numeric("sent"), stored: numeric("stored"), lost: numeric("lost") });
        try {
            await body(f);
        } finally {
            out.details = f.details;
        }
    });
}
