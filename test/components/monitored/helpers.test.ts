import * as assert from "assert";
import { parse } from "yaml";
import { eksKubeconfig, kubernetesServiceIp } from "../../../components/monitored/eksAccess";
import { hubIngressRules } from "../../../components/spoke/hubEndpoint";
import { PRIVATELINK_SERVICES } from "../../../components/network/endpointCatalog";
import { awsServiceEndpoints, checkConnectivity } from "../../../components/monitored/connectivity";

describe("monitored helpers", () => {
    it("endpoint sets per mode: all services for privatelink, none for nat and internet, unknown extras refused", () => {
        assert.deepStrictEqual(awsServiceEndpoints("privatelink"), [...PRIVATELINK_SERVICES]);
        assert.deepStrictEqual(awsServiceEndpoints("privatelink", ["kms", "logs"]), [...PRIVATELINK_SERVICES, "kms"]);
        assert.deepStrictEqual(awsServiceEndpoints("nat"), []);
        assert.deepStrictEqual(awsServiceEndpoints("internet"), []);
        assert.throws(() => awsServiceEndpoints("privatelink", ["dynamodb"]), /connectivity.extraServices\[0\]: "dynamodb" has no endpoint policy/);
        assert.throws(() => checkConnectivity(true, "nat"), /connectivity.mode: regulated accounts accept only privatelink \(got nat\)/);
        assert.doesNotThrow(() => checkConnectivity(true, "privatelink"));
        assert.doesNotThrow(() => checkConnectivity(false, "internet"));
    });

    it("hub ingress: one rule per port and source", () => {
        assert.deepStrictEqual(hubIngressRules([4317, 4318], ["10.0.0.0/16"], ["pl-0123456789abcdef0"]), [
            { key: "p0-cidr-0", port: 4317, cidrIpv4: "10.0.0.0/16" },
            { key: "p0-pl-0", port: 4317, prefixListId: "pl-0123456789abcdef0" },
            { key: "p1-cidr-0", port: 4318, cidrIpv4: "10.0.0.0/16" },
            { key: "p1-pl-0", port: 4318, prefixListId: "pl-0123456789abcdef0" },
        ]);
    });

    it("kubeconfig gets tokens from aws eks get-token as the deploy role, or through a profile", () => {
        const base = { clusterName: "c1", region: "us-east-1", endpoint: "https://ABC.gr7.us-east-1.eks.amazonaws.com", certificateAuthorityData: "Q0E=" };
        const k = parse(eksKubeconfig({ ...base, roleArn: "arn:aws:iam::333333333333:role/Deploy" }));
        assert.strictEqual(k.clusters[0].cluster.server, base.endpoint);
        assert.strictEqual(k.clusters[0].cluster["certificate-authority-data"], "Q0E=");
        assert.deepStrictEqual(k.users[0].user.exec.args, ["eks", "get-token", "--cluster-name", "c1", "--region", "us-east-1", "--output", "json", "--role-arn", "arn:aws:iam::333333333333:role/Deploy"]);
        const p = parse(eksKubeconfig({ ...base, roleArn: "arn:aws:iam::333333333333:role/Deploy", awsProfile: "deploy" }));
        assert.ok(!p.users[0].user.exec.args.includes("--role-arn"));
        assert.deepStrictEqual(p.users[0].user.exec.env, [{ name: "AWS_PROFILE", value: "deploy" }]);
        assert.throws(() => eksKubeconfig({ ...base, certificateAuthorityData: "" }), /no certificate authority/);
        assert.throws(() => eksKubeconfig({ ...base, endpoint: "http://x" }), /must be https/);
    });

    it("the kubernetes Service address is the first host of the service CIDR", () => {
        assert.strictEqual(kubernetesServiceIp("172.20.0.0/16"), "172.20.0.1/32");
        assert.strictEqual(kubernetesServiceIp("10.100.0.0/16"), "10.100.0.1/32");
        assert.throws(() => kubernetesServiceIp(""), /kubernetesServiceIp/);
    });
});
