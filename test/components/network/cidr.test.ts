import * as assert from "assert";
import { cidr } from "../../../stacks/config/common";
import { cidrContains, cidrsOverlap, findOverlap, formatIp, isCidr, parseCidr, parseNetwork, subnetCidrs } from "../../../components/network/cidr";

function message(v: unknown): string {
    assert.strictEqual(typeof v, "string", `expected an error message, got ${JSON.stringify(v)}`);
    return v as string;
}

describe("cidr helpers (ip-address)", () => {
    it("parses canonical IPv4 networks", () => {
        assert.deepStrictEqual(parseCidr("10.20.0.0/16"), { version: 4, base: 0x0a140000, prefix: 16 });
        assert.deepStrictEqual(parseCidr("0.0.0.0/0"), { version: 4, base: 0, prefix: 0 });
        assert.deepStrictEqual(parseCidr("255.255.255.255/32"), { version: 4, base: 0xffffffff, prefix: 32 });
    });

    it("refuses leading zeros in octets and prefixes, naming the canonical form", () => {
        assert.match(message(parseCidr("010.20.0.0/16")), /"010\.20\.0\.0\/16" has a leading zero.*write 10\.20\.0\.0\/16/);
        assert.match(message(parseCidr("10.020.0.0/16")), /leading zero.*write 10\.20\.0\.0\/16/);
        assert.match(message(parseCidr("10.20.0.0/016")), /is not a CIDR/);
        assert.ok(!isCidr("10.20.00.0/24"));
        // Stack config fields use the same parser, so the message reaches the user with the key named by zod's path.
        const r = cidr.safeParse("010.20.0.0/16");
        assert.ok(!r.success);
        assert.match(r.error.issues[0].message, /leading zero.*write 10\.20\.0\.0\/16/);
    });

    it("refuses host bits, bad octets, bad prefixes and missing prefixes", () => {
        assert.match(message(parseCidr("10.20.0.1/16")), /has host bits set; did you mean 10\.20\.0\.0\/16\?/);
        assert.match(message(parseCidr("256.1.1.0/24")), /is not an IPv4 CIDR/);
        assert.match(message(parseCidr("10.0.0.0/33")), /prefix above \/32/);
        assert.match(message(parseCidr("10.0.0.0")), /is not a CIDR/);
        assert.match(message(parseCidr("10.0.0/24")), /is not an IPv4 CIDR/);
        assert.match(message(parseCidr(" 10.0.0.0/8")), /is not an IPv4 CIDR/);
    });

    it("keeps IPv6 out of IPv4 fields but parses it where either family is allowed", () => {
        assert.match(message(parseCidr("2001:db8::/32")), /is an IPv6 CIDR; this field takes IPv4/);
        const v6 = parseNetwork("2001:0db8::/32");
        assert.ok(typeof v6 !== "string");
        assert.strictEqual(v6.version, 6);
        assert.strictEqual(v6.text, "2001:db8::/32");
        assert.strictEqual(v6.network, 0x20010db8n << 96n);
        assert.match(message(parseNetwork("2001:db8::1/32")), /host bits set; did you mean 2001:db8::\/32\?/);
        assert.match(message(parseNetwork("fd00::/129")), /prefix above \/128/);
        assert.match(message(parseNetwork("fe80::%eth0/64")), /zone index/);
        assert.match(message(parseNetwork("2001:db8::g/64")), /is not an IPv6 CIDR/);
    });

    it("decides overlap and containment, IPv6 included and across families never", () => {
        assert.ok(cidrsOverlap("10.0.0.0/8", "10.20.0.0/16"));
        assert.ok(cidrsOverlap("10.20.0.0/16", "10.0.0.0/8"));
        assert.ok(!cidrsOverlap("10.20.0.0/16", "10.21.0.0/16"));
        assert.ok(cidrsOverlap("0.0.0.0/0", "192.168.1.0/24"));
        assert.ok(cidrContains("10.0.0.0/8", "10.255.255.0/24"));
        assert.ok(!cidrContains("10.20.0.0/16", "10.0.0.0/8"));
        assert.ok(cidrContains("2001:db8::/32", "2001:db8:ffff::/48"));
        assert.ok(!cidrContains("2001:db8::/32", "2001:db9::/48"));
        assert.ok(cidrsOverlap("::/0", "fd00::/8"));
        assert.ok(!cidrsOverlap("0.0.0.0/0", "::/0"));
        assert.ok(!cidrsOverlap("::ffff:10.0.0.0/104", "10.0.0.0/8"), "an IPv4-mapped IPv6 range is a different family");
        // Invalid input never overlaps: the parser reports it, not the overlap check.
        assert.ok(!cidrsOverlap("010.0.0.0/8", "10.0.0.0/8"));
        assert.deepStrictEqual(findOverlap(["10.1.0.0/16", "192.168.0.0/24", "10.1.128.0/17"]), ["10.1.0.0/16", "10.1.128.0/17"]);
        assert.strictEqual(findOverlap(["10.1.0.0/16", "10.2.0.0/16", "2001:db8::/32"]), undefined);
    });

    it("carves subnets and formats addresses as before", () => {
        assert.deepStrictEqual(subnetCidrs("10.60.0.0/16", 19, 3), ["10.60.0.0/19", "10.60.32.0/19", "10.60.64.0/19"]);
        assert.deepStrictEqual(subnetCidrs("10.60.0.0/16", 20, 2, 14), ["10.60.224.0/20", "10.60.240.0/20"]);
        assert.throws(() => subnetCidrs("10.60.0.0/16", 29, 1), /cannot split/);
        assert.throws(() => subnetCidrs("10.60.0.0/27", 28, 3), /holds only 2 \/28 subnets, 3 requested/);
        assert.throws(() => subnetCidrs("010.60.0.0/16", 20, 1), /leading zero/);
        assert.strictEqual(formatIp(0xac100001), "172.16.0.1");
        assert.strictEqual(formatIp(0xffffffff), "255.255.255.255");
    });
});
