/**
 * Checks made once before any stack starts: who the Pulumi CLI is logged in as (and where), and
 * that every selected stack's deploy role can be assumed with the operator's credentials. A
 * failure here stops the run with exit 2 and no stack touched, instead of the same credentials
 * error surfacing once per stack hundreds of times.
 */
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { FleetStack } from "../../fleet/types";
import { PROJECT } from "../../../stacks/config/common";

export interface DeployRole {
    readonly roleArn: string;
    readonly externalId?: string;
    readonly sessionName?: string;
}

/** The deploy role a stack's provider assumes (stack config `oss-monitoring:deployRole`). */
export function deployRoleOf(stack: FleetStack): DeployRole | undefined {
    const v = stack.config[`${PROJECT}:deployRole`] as Partial<DeployRole> | undefined;
    return typeof v?.roleArn === "string" ? { roleArn: v.roleArn, ...(v.externalId !== undefined ? { externalId: v.externalId } : {}), ...(v.sessionName !== undefined ? { sessionName: v.sessionName } : {}) } : undefined;
}

/** Tries to assume one role; resolves to an error text, or undefined when it worked. */
export type RoleAssumer = (role: DeployRole, region: string) => Promise<string | undefined>;

/**
 * sts:AssumeRole with the default credential chain, in the stack's region (regional STS
 * endpoints). ExternalId is passed when the manifest sets one: the deploy role's trust policy
 * requires it (sts:ExternalId condition), so a missing or wrong one fails here exactly as it
 * would in the provider (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
 * The shortest session (900 s, the API minimum) is requested: the credentials are discarded.
 */
export function stsAssumer(): RoleAssumer {
    const clients = new Map<string, STSClient>();
    return async (role, region) => {
        let client = clients.get(region);
        if (client === undefined) {
            client = new STSClient({ region, maxAttempts: 3 });
            clients.set(region, client);
        }
        try {
            await client.send(
                new AssumeRoleCommand({
                    RoleArn: role.roleArn,
                    RoleSessionName: (role.sessionName ?? `${PROJECT}-preflight`).slice(0, 64),
                    DurationSeconds: 900,
                    ...(role.externalId !== undefined ? { ExternalId: role.externalId } : {}),
                }),
            );
            return undefined;
        } catch (e) {
            const err = e as { name?: string; message?: string };
            return `${err.name ?? "Error"}: ${err.message ?? String(e)}`;
        }
    };
}

export interface RoleProblem {
    readonly error: string;
    readonly stacks: readonly string[];
    readonly roles: readonly string[];
}

/**
 * Assumes each distinct (role, external ID) once, `concurrency` at a time, and groups the failures
 * by error text: one missing trust relationship across 200 accounts is one line with a count.
 */
export async function checkDeployRoles(stacks: readonly FleetStack[], assume: RoleAssumer, concurrency = 8): Promise<RoleProblem[]> {
    const byRole = new Map<string, { role: DeployRole; region: string; stacks: string[] }>();
    for (const s of stacks) {
        const role = deployRoleOf(s);
        if (role === undefined) {
            continue;
        }
        const key = `${role.roleArn}\u0000${role.externalId ?? ""}`;
        const entry = byRole.get(key) ?? { role, region: s.region, stacks: [] };
        entry.stacks.push(s.name);
        byRole.set(key, entry);
    }
    const entries = [...byRole.values()];
    const errors = new Map<string, { stacks: string[]; roles: string[] }>();
    let next = 0;
    const worker = async () => {
        while (next < entries.length) {
            const e = entries[next++];
            const err = await assume(e.role, e.region);
            if (err !== undefined) {
                // Account IDs and role names differ per stack; the cause usually does not.
                const cause = err.replace(/arn:aws[\w-]*:[^\s"']+/g, "<role>").replace(/\b\d{12}\b/g, "<account>");
                const group = errors.get(cause) ?? { stacks: [], roles: [] };
                group.stacks.push(...e.stacks);
                group.roles.push(e.role.roleArn);
                errors.set(cause, group);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
    return [...errors.entries()].map(([error, g]) => ({ error, stacks: g.stacks, roles: g.roles })).sort((a, b) => b.stacks.length - a.stacks.length);
}

/** One line per distinct cause, with the count and the first few stacks. */
export function roleProblemLines(problems: readonly RoleProblem[]): string[] {
    return problems.map((p) => {
        const shown = p.stacks.slice(0, 5).join(", ");
        const more = p.stacks.length > 5 ? ` and ${p.stacks.length - 5} more` : "";
        return `  ${p.stacks.length} stack(s): ${p.error} (${shown}${more})`;
    });
}

/**
 * The fix for the pre-flight's failures, by cause. The check itself stays on: switching it off only
 * moves the same failure into every stack's provider, hundreds of times, after the hub has changed.
 */
export function deployRoleFix(problems: readonly RoleProblem[]): string {
    const noCredentials = problems.some((p) => /CredentialsProviderError|Could not load credentials|ExpiredToken|security token included in the request is (invalid|expired)/i.test(p.error));
    const denied = problems.some((p) => /AccessDenied|not authorized to perform: sts:AssumeRole/i.test(p.error));
    const fixes = [
        ...(noCredentials ? ["give this shell AWS credentials for the account the runner deploys from (aws sso login --profile <p> && export AWS_PROFILE=<p>, or the runner's instance role), then check them with aws sts get-caller-identity"] : []),
        ...(denied ? ["make each deploy role trust that identity (its trust policy, created by the bootstrap StackSet: README, How the deploy role gets into every account), with the external ID when the manifest sets defaults.externalId"] : []),
    ];
    return `fix: ${fixes.length > 0 ? fixes.join("; and ") : "check the credentials (aws sts get-caller-identity) and each deploy role's trust policy"}`;
}
