import * as assert from "assert";
import { ampHostname, crossRegionPath } from "../../../components/hub/drRemoteWritePath";
import { hubConfig, hubRaw } from "../../stacks/fixtures/hub";
import { parseStackConfig } from "../../../stacks/config";

describe("hub DR path", () => {
    it("uses a peered DR VPC for AMP, which is not a cross-Region PrivateLink service (VPC PrivateLink guide, 2025 list)", () => {
        assert.strictEqual(crossRegionPath("aps-workspaces"), "peeredVpcEndpoint");
        assert.strictEqual(crossRegionPath("ecr.api"), "crossRegionEndpoint");
        assert.strictEqual(ampHostname("us-west-2"), "aps-workspaces.us-west-2.amazonaws.com");
    });

    it("refuses a DR VPC overlapping the hub, DR AZ IDs of another region, and a BYO hub without route tables", () => {
        assert.throws(() => parseStackConfig(hubRaw({ drRegion: "us-west-2", network: { cidr: "10.60.0.0/16" }, drNetwork: { cidr: "10.60.128.0/17" } })),
            /hub\.drNetwork\.cidr: 10\.60\.128\.0\/17 overlaps the hub VPC 10\.60\.0\.0\/16/);
        assert.throws(() => parseStackConfig(hubRaw({ drRegion: "us-west-2", drNetwork: { availabilityZoneIds: ["use1-az1", "use1-az2"] } })),
            /hub\.drNetwork\.availabilityZoneIds: use1-az1 is not an AZ ID of us-west-2/);
        assert.throws(() => parseStackConfig(hubRaw({ drRegion: "us-west-2", network: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] } })),
            /hub\.network\.privateRouteTableIds: required with drRegion/);
        assert.strictEqual(hubConfig({ drRegion: "us-west-2" }).hub.drNetwork.cidr, "10.61.0.0/16");
    });
});
