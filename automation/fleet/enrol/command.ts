import * as fs from "fs";
import { Command } from "commander";
import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../../../stacks/config/common";
import { EXIT_HELP, intOption, setExitCode, UsageError } from "../../io/cliKit";
import { writeOutput } from "../../io/output";
import { loadManifest, resolveManifest } from "../manifest";
import { manifestSchema } from "../manifestSchema";
import { applyProposal, renderProposal } from "./edit";
import { enrolmentProblems, propose } from "./propose";

/** Exit code of a run that would retire more than enrolment.maxRetireShare: it stops and asks. */
export const EXIT_CONFIRM = 4;

export interface EnrolOptions {
    readonly manifest: string;
    readonly write?: boolean;
    /** The number of retirements the operator accepts above the share limit. */
    readonly confirmRetire?: number;
}

/**
 * `fleet enrol`: reads the organisation, prints the manifest change, and with --write replaces the
 * manifest atomically. Bad input throws a one-line UsageError/ConfigError (exit 2, nothing written).
 */
export async function enrol(o: EnrolOptions, client: OrganizationsClient, out: (l: string) => void, err: (l: string) => void): Promise<number> {
    loadManifest(o.manifest);
    const text = fs.readFileSync(o.manifest, "utf8");
    const raw = manifestSchema.parse(parseYaml(text, { merge: true }));
    if (raw.enrolment === undefined) {
        throw new UsageError(`${o.manifest}: no enrolment: section; fix: add enrolment.organizationalUnits and enrolment.profiles (README "Enrolling accounts")`);
    }
    const problems = enrolmentProblems(raw, raw.enrolment);
    if (problems.length > 0) {
        throw new ConfigError(problems.map((l) => `${o.manifest}: ${l}`).join("\n"));
    }
    // The Organizations SDK loads here, when enrol reads the organisation: no other fleet command pays for it.
    const { readOrganization } = await import("./organization");
    const org = await readOrganization(client, raw.enrolment.organizationalUnits);
    const p = propose(raw, raw.enrolment, org);
    if ("problems" in p) {
        throw new ConfigError(p.problems.join("\n"));
    }
    for (const w of p.waiting) {
        err(`waiting: account ${w.account} (${w.name}) lacks tag ${w.missing.join(", ")}; it joins once tagged`);
    }
    if (p.add.length === 0 && p.retire.length === 0) {
        out(`no change: ${o.manifest} matches the ${org.accounts.length} accounts under ${raw.enrolment.organizationalUnits.join(", ")}`);
        return 0;
    }
    renderProposal(o.manifest, p).forEach((l) => out(l));
    if (p.retireShare > raw.enrolment.maxRetireShare && o.confirmRetire !== p.retire.length) {
        err(`enrol stops: it would retire ${p.retire.length} of the enrolled stacks (${Math.round(p.retireShare * 100)}%), more than enrolment.maxRetireShare ${raw.enrolment.maxRetireShare * 100}%; check the organisation, then rerun with --confirm-retire ${p.retire.length}`);
        return EXIT_CONFIRM;
    }
    if (!o.write) {
        out(`(dry run: rerun with --write to apply ${p.add.length} addition(s) and ${p.retire.length} retirement(s))`);
        return 0;
    }
    const next = applyProposal(text, p);
    // The new manifest must resolve (every role schema, every fleet check) before it replaces the old one.
    resolveManifest(parseYaml(next, { merge: true }), o.manifest);
    writeOutput(o.manifest, next, "--manifest");
    out(`wrote ${o.manifest}: ${p.add.length} added, ${p.retire.length} marked for retirement; next: npm run fleet -- config, retire, up`);
    return 0;
}

/** `fleet enrol`: the commander definition. Credentials and endpoint come from the SDK's usual chain (AWS_PROFILE, AWS_ENDPOINT_URL_ORGANIZATIONS…). */
export function enrolCommand(
    makeClient: () => OrganizationsClient | Promise<OrganizationsClient> = async () => new (await import("@aws-sdk/client-organizations")).OrganizationsClient({ region: process.env.AWS_REGION ?? "us-east-1" }),
    out: (l: string) => void = (l) => console.log(l),
    err: (l: string) => void = (l) => console.error(l),
): Command {
    return new Command("enrol")
        .description("propose the manifest change the AWS organisation asks for: new accounts from profiles, departed ones for retirement")
        .option("--manifest <file>", "fleet manifest", "stacks/fleet.yaml")
        .option("--write", "apply the change to the manifest (atomically, comments kept)")
        .option("--confirm-retire <count>", "accept this many retirements above enrolment.maxRetireShare", intOption(0, 10000))
        .addHelpText("after", `\nExit codes: 0 no change or change shown/written, 2 bad input or missing Organizations permissions (nothing written), ${EXIT_CONFIRM} retirements above enrolment.maxRetireShare (nothing written).\n${EXIT_HELP}`)
        .action(async (o: EnrolOptions, cmd: Command) => {
            const client = await makeClient();
            try {
                setExitCode(cmd, await enrol(o, client, out, err));
            } finally {
                client.destroy();
            }
        });
}
