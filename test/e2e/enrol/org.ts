/**
 * An emulated organisation for the enrolment tests (moto's Organizations, test/e2e/enrol/moto.ts):
 * OUs with a nested one, accounts carrying the tags enrol reads, and `fleet enrol` run in-process
 * against the emulator's client.
 */
import { Command } from "commander";
import {
    CreateAccountCommand,
    CreateOrganizationalUnitCommand,
    CreateOrganizationCommand,
    ListRootsCommand,
    MoveAccountCommand,
    OrganizationsClient,
    TagResourceCommand,
} from "@aws-sdk/client-organizations";
import { configureProgram, runProgram } from "../../../automation/io/cliKit";
import { enrolCommand } from "../../../automation/fleet/enrol/command";
import { MotoServer } from "./moto";

export interface Org {
    orgId: string;
    root: string;
    workloads: string;
    prod: string;
    sandbox: string;
}

export async function createOrg(c: OrganizationsClient): Promise<Org> {
    const orgId = (await c.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }))).Organization!.Id!;
    const root = (await c.send(new ListRootsCommand({}))).Roots![0].Id!;
    const ou = async (parent: string, name: string) => (await c.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name }))).OrganizationalUnit!.Id!;
    const workloads = await ou(root, "workloads");
    const prod = await ou(workloads, "prod"); // nested: enrol must walk into it
    const sandbox = await ou(root, "sandbox");
    return { orgId, root, workloads, prod, sandbox };
}

let vpcSeq = 0;
/** Creates an account in `ou` with the per-account tags enrol needs (plus `extra`); returns its ID. */
export async function account(c: OrganizationsClient, org: Org, ou: string, name: string, extra: Record<string, string> = {}, withVpc = true): Promise<string> {
    const status = (await c.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus!;
    const id = status.AccountId!;
    await c.send(new MoveAccountCommand({ AccountId: id, SourceParentId: org.root, DestinationParentId: ou }));
    const n = ++vpcSeq;
    const hex = n.toString(16).padStart(2, "0"); // IDs of 17 hex digits after the prefix (stacks/config/common.ts)
    const tags = {
        ...(withVpc ? { "monitoring-vpc-id": `vpc-0e${hex}0000000000001`, "monitoring-subnet-ids": `subnet-0e${hex}0000000000011 subnet-0e${hex}0000000000012`, "monitoring-workload-cidrs": `10.${100 + n}.0.0/16` } : {}),
        ...extra,
    };
    await c.send(new TagResourceCommand({ ResourceId: id, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
    return id;
}

export const PROFILES = {
    default: { config: { connectivity: { mode: "privatelink" } } },
    regulated: { regulated: true, tags: { DataClass: "regulated" } },
};

export async function run(moto: MotoServer, argv: string[], credentials?: { accessKeyId: string; secretAccessKey: string }): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const program = configureProgram(new Command("fleet").addCommand(enrolCommand(() => moto.client(credentials), (l) => out.push(l), (l) => err.push(l))), (l) => err.push(l));
    const code = await runProgram(program, ["enrol", ...argv], (l) => err.push(l));
    return { code, out, err };
}

