import * as assert from "assert";
import { availabilityZoneIdsProblem, regionAzIdPrefix } from "../../../components/network/availabilityZones";

describe("hub placement by AZ ID", () => {
    it("derives each region's AZ ID prefix (AWS RAM guide: AZ IDs such as use1-az1)", () => {
        assert.deepStrictEqual(
            ["us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1", "ap-southeast-2", "us-gov-west-1", "ca-central-1", "sa-east-1"].map(regionAzIdPrefix),
            ["use1", "usw2", "euc1", "apne1", "apse2", "usgw1", "cac1", "sae1"],
        );
    });

    it("refuses AZ IDs of another region, duplicates and a single zone", () => {
        assert.match(String(availabilityZoneIdsProblem("us-east-1", ["use1-az1", "usw2-az1"])), /usw2-az1 is not an AZ ID of us-east-1 \(they look like use1-az1\)/);
        assert.match(String(availabilityZoneIdsProblem("us-east-1", ["use1-az1", "use1-az1"])), /twice/);
        assert.match(String(availabilityZoneIdsProblem("us-east-1", ["use1-az1"])), /at least 2/);
        assert.strictEqual(availabilityZoneIdsProblem("us-east-1", ["use1-az1", "use1-az6"]), undefined);
    });
});
