import type { RawManifest } from "../manifestSchema";
import type { Enrolment } from "./schema";
import type { OrgAccount, OrgSnapshot } from "./organization";

/** A stack entry enrol adds, in the manifest's own shape (what gets written). */
export interface NewEntry {
    readonly name: string;
    readonly role: "monitored";
    readonly account: string;
    readonly profile: string;
    readonly region?: string;
    readonly regulated?: true;
    readonly tags?: Record<string, string>;
    readonly config: Record<string, unknown>;
}

export interface Retirement {
    readonly name: string;
    readonly account: string;
    readonly reason: string;
}

export interface Proposal {
    readonly add: readonly NewEntry[];
    readonly retire: readonly Retirement[];
    /** Accounts that would join but lack a per-account tag: reported, never an error (tag them and rerun). */
    readonly waiting: readonly { account: string; name: string; missing: string[] }[];
    /** Share of the enrolled stacks this run would retire (0..1). */
    readonly retireShare: number;
}

/** Bad input enrol refuses before reading or writing anything (one line each, cause and fix). */
export function enrolmentProblems(raw: RawManifest, e: Enrolment): string[] {
    const problems: string[] = [];
    if (!(e.defaultProfile in e.profiles)) {
        problems.push(`enrolment.defaultProfile: "${e.defaultProfile}" is not under enrolment.profiles; fix: add profiles.${e.defaultProfile} or name an existing profile`);
    }
    const pinned = new Map<string, string>();
    for (const [name, p] of Object.entries(e.profiles)) {
        for (const a of p.accounts) {
            const other = pinned.get(a);
            if (other !== undefined) {
                problems.push(`enrolment.profiles: account ${a} is in both ${other} and ${name}; fix: keep it in one profile's accounts`);
            }
            pinned.set(a, name);
        }
    }
    for (const [i, s] of raw.stacks.entries()) {
        if (s.profile !== undefined && !(s.profile in e.profiles)) {
            problems.push(`stacks[${i}] (${s.name}).profile: "${s.profile}" is not under enrolment.profiles; fix: add the profile or correct the name`);
        }
    }
    return problems;
}

/** The profile an account is built from: a pin first, then its profile tag, then the default. */
export function profileOf(a: OrgAccount, e: Enrolment): { profile: string } | { problem: string } {
    const pin = Object.entries(e.profiles).find(([, p]) => p.accounts.includes(a.id));
    if (pin) {
        return { profile: pin[0] };
    }
    const tagged = a.tags[e.profileTag];
    if (tagged === undefined) {
        return { profile: e.defaultProfile };
    }
    return tagged in e.profiles
        ? { profile: tagged }
        : { problem: `account ${a.id} (${a.name}) has tag ${e.profileTag}=${tagged}, which names no profile; fix: add enrolment.profiles.${tagged} or retag the account with one of ${Object.keys(e.profiles).join(", ")}` };
}

/** Sets a dotted key; keys ending in "s" (subnetIds, cidrs) take space-separated lists. */
function setPath(target: Record<string, unknown>, dotted: string, value: string): void {
    const keys = dotted.split(".");
    let node = target;
    for (const k of keys.slice(0, -1)) {
        node = (node[k] ??= {}) as Record<string, unknown>;
    }
    const last = keys[keys.length - 1];
    node[last] = last.endsWith("s") ? value.trim().split(/\s+/) : value.trim();
}

/** A stack name from the account's name: prefix + slug, made unique with the account ID when taken. */
export function stackNameFor(a: OrgAccount, prefix: string, taken: ReadonlySet<string>): string {
    const slug = a.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    const base = `${prefix}${slug || a.id}`.slice(0, 63).replace(/-$/, "");
    return taken.has(base) ? `${base.slice(0, 50)}-${a.id}` : base;
}

function entryFor(a: OrgAccount, profileName: string, e: Enrolment, name: string): NewEntry | { missing: string[] } {
    const p = e.profiles[profileName];
    const config = structuredClone(p.config);
    const missing = Object.entries(e.accountTags).filter(([, tag]) => !a.tags[tag]?.trim()).map(([, tag]) => tag);
    if (missing.length > 0) {
        return { missing };
    }
    for (const [key, tag] of Object.entries(e.accountTags)) {
        setPath(config, key, a.tags[tag]);
    }
    return {
        name,
        role: "monitored",
        account: a.id,
        profile: profileName,
        ...(p.region !== undefined ? { region: p.region } : {}),
        ...(p.regulated ? { regulated: true as const } : {}),
        ...(Object.keys(p.tags).length > 0 ? { tags: { ...p.tags } } : {}),
        config,
    };
}

/**
 * The manifest change the organisation asks for. Pure: the same manifest and organisation give the
 * same proposal, and a manifest that already reflects the organisation gives an empty one
 * (accounts are matched by ID, never by name). Throws nothing; bad input comes back in `problems`.
 */
export function propose(raw: RawManifest, e: Enrolment, org: OrgSnapshot): Proposal | { problems: string[] } {
    const problems: string[] = [];
    if (org.organizationId !== raw.awsOrganizationId) {
        problems.push(`awsOrganizationId: the credentials read organisation ${org.organizationId}, the manifest names ${raw.awsOrganizationId}; fix: use the management or delegated-administrator credentials of ${raw.awsOrganizationId}`);
    }
    const inManifest = new Set(raw.stacks.map((s) => s.account));
    const taken = new Set(raw.stacks.map((s) => s.name));
    const add: NewEntry[] = [];
    const waiting: { account: string; name: string; missing: string[] }[] = [];
    for (const a of org.accounts) {
        if (a.state !== "ACTIVE" || inManifest.has(a.id) || e.exclude.includes(a.id)) {
            continue;
        }
        const chosen = profileOf(a, e);
        if ("problem" in chosen) {
            problems.push(chosen.problem);
            continue;
        }
        const name = stackNameFor(a, e.stackPrefix, taken);
        const entry = entryFor(a, chosen.profile, e, name);
        if ("missing" in entry) {
            waiting.push({ account: a.id, name: a.name, missing: entry.missing });
            continue;
        }
        taken.add(name);
        add.push(entry);
    }
    if (problems.length > 0) {
        return { problems };
    }
    const byId = new Map(org.accounts.map((a) => [a.id, a]));
    // Entries already marked retiring are on their way out: proposed once, not again on every run.
    const enrolled = raw.stacks.filter((s) => s.profile !== undefined && !s.retiring);
    const retire: Retirement[] = [];
    for (const s of enrolled) {
        const a = byId.get(s.account);
        if (a === undefined || e.exclude.includes(s.account)) {
            retire.push({ name: s.name, account: s.account, reason: a === undefined ? "left the enrolled OUs" : "excluded" });
        } else if (a.state !== "ACTIVE") {
            retire.push({ name: s.name, account: s.account, reason: `account is ${a.state}` });
        }
    }
    retire.sort((a, b) => a.name.localeCompare(b.name));
    return { add, retire, waiting, retireShare: enrolled.length === 0 ? 0 : retire.length / enrolled.length };
}
