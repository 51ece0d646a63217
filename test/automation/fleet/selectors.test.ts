import * as assert from "assert";
import { selectStacks } from "../../../automation/fleet/selectors";
import { UsageError } from "../../../automation/io/cliKit";
import { fleet } from "../driver/fixtures";

describe("fleet stack selectors", () => {
    const m = fleet([
        { name: "payments", region: "eu-west-1", tags: { Environment: "prod" }, account: "222222222222" },
        { name: "payments-dr", region: "eu-central-1", tags: { Environment: "prod" } },
        { name: "search", tags: { Environment: "staging" } },
    ]);
    const names = (sel: string[]) => selectStacks(m.stacks, sel).map((s) => s.name);

    it("selects everything without selectors, in manifest order", () => {
        assert.deepStrictEqual(names([]), ["hub", "payments", "payments-dr", "search"]);
    });

    it("matches names (with globs), roles, tags, accounts and regions, and unions them", () => {
        assert.deepStrictEqual(names(["payments*"]), ["payments", "payments-dr"]);
        assert.deepStrictEqual(names(["role:hub"]), ["hub"]);
        assert.deepStrictEqual(names(["tag:Environment=prod"]), ["payments", "payments-dr"]);
        assert.deepStrictEqual(names(["tag:Environment"]), ["hub", "payments", "payments-dr", "search"]);
        assert.deepStrictEqual(names(["account:222222222222"]), ["payments"]);
        assert.deepStrictEqual(names(["region:eu-*"]), ["payments", "payments-dr"]);
        assert.deepStrictEqual(names(["search", "role:hub"]), ["hub", "search"]);
    });

    it("fails on a selector that matches nothing, naming it", () => {
        assert.throws(() => names(["serch"]), (e: unknown) => e instanceof UsageError && /selector "serch" matches no stack/.test(e.message));
    });

    it("fails on an unknown selector kind, listing the valid ones", () => {
        assert.throws(() => names(["owner:team"]), /unknown selector kind "owner".*role:, tag:, account:, region:/);
        assert.throws(() => names(["role:"]), /selector "role:" has no value/);
    });
});
