import { Document, isMap, isSeq, parseDocument, stringify } from "yaml";
import type { Proposal } from "./propose";

/** Indents a YAML block as a `stacks:` list item, each line prefixed by the diff marker. */
function asListItem(value: unknown, marker: "+" | "-", note: string): string[] {
    const lines = stringify([value], { lineWidth: 0 }).trimEnd().split("\n");
    return lines.map((l, i) => `${marker}   ${l}${i === 0 ? `    # ${note}` : ""}`);
}

/** The change as a diff of the manifest's `stacks:` list: new entries with their profile, retirements with their cause. */
export function renderProposal(file: string, p: Proposal): string[] {
    const out = [`--- ${file}`, `+++ ${file} (proposed by fleet enrol)`, "@@ stacks: @@"];
    for (const a of p.add) {
        out.push(...asListItem(a, "+", `new: account ${a.account}, profile ${a.profile}`));
    }
    for (const r of p.retire) {
        out.push(`~   - name: ${r.name}`, `+     retiring: true    # account ${r.account} ${r.reason}; then npm run fleet -- retire --stacks ${r.name}`);
    }
    return out;
}

/**
 * The manifest text with the proposal applied through the yaml Document API, so every comment,
 * key order and anchor of the untouched entries stays as written: new entries go at the end of
 * `stacks:`, departing ones are marked `retiring: true` (the hub keeps their tenant and `up` leaves
 * them alone until `fleet retire` destroys them and removes the entry).
 */
export function applyProposal(text: string, p: Proposal): string {
    const doc: Document = parseDocument(text, { merge: true });
    const stacks = doc.get("stacks");
    if (!isSeq(stacks)) {
        throw new Error("stacks: expected a list");
    }
    const departing = new Map(p.retire.map((r) => [r.name, r]));
    const seq = stacks;
    for (const item of seq.items) {
        const r = isMap(item) ? departing.get(String(item.get("name"))) : undefined;
        if (r !== undefined && isMap(item)) {
            const flag = doc.createNode(true);
            flag.comment = ` fleet enrol: account ${r.account} ${r.reason}; finish with fleet retire --stacks ${r.name}`;
            item.set("retiring", flag);
        }
    }
    for (const a of p.add) {
        const node = doc.createNode(a);
        node.commentBefore = ` Enrolled by fleet enrol: account ${a.account}, profile ${a.profile}.`;
        seq.items.push(node);
    }
    return doc.toString({ lineWidth: 0 });
}
