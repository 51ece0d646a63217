import { stringify } from "yaml";
import { formatIp, parseCidr } from "../network/cidr";

export interface EksKubeconfigOptions {
    readonly clusterName: string;
    readonly region: string;
    /** API server URL (https://...eks.amazonaws.com). */
    readonly endpoint: string;
    /** Base64 cluster CA, as EKS returns it. */
    readonly certificateAuthorityData: string;
    /** Role `aws eks get-token` assumes (the deploy role). Default: the caller's credentials. */
    readonly roleArn?: string;
    /** AWS CLI profile to use instead (e.g. one that sets an external ID, which get-token cannot pass). */
    readonly awsProfile?: string;
}

/**
 * A kubeconfig whose credentials come from `aws eks get-token` at run time: no token is
 * stored in state, and the cluster sees the deploy role, which needs an EKS access entry.
 */
export function eksKubeconfig(o: EksKubeconfigOptions): string {
    if (!o.endpoint.startsWith("https://")) {
        throw new Error(`eksKubeconfig: endpoint "${o.endpoint}" must be https://`);
    }
    if (o.certificateAuthorityData.length === 0) {
        throw new Error("eksKubeconfig: the cluster reported no certificate authority; the API server cannot be verified");
    }
    const args = ["eks", "get-token", "--cluster-name", o.clusterName, "--region", o.region, "--output", "json"];
    if (o.awsProfile === undefined && o.roleArn !== undefined) {
        args.push("--role-arn", o.roleArn);
    }
    const name = `${o.region}-${o.clusterName}`;
    return stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server: o.endpoint, "certificate-authority-data": o.certificateAuthorityData } }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        "current-context": name,
        users: [{
            name,
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args,
                    interactiveMode: "Never",
                    ...(o.awsProfile !== undefined ? { env: [{ name: "AWS_PROFILE", value: o.awsProfile }] } : {}),
                },
            },
        }],
    }, { lineWidth: 0 });
}

/** The in-cluster `kubernetes` Service address: the first host of the service CIDR, as a /32. */
export function kubernetesServiceIp(serviceCidr: string): string {
    const p = parseCidr(serviceCidr);
    if (typeof p === "string") {
        throw new Error(`kubernetesServiceIp: ${p}`);
    }
    return `${formatIp(p.base + 1)}/32`;
}

/** `https://oidc.eks.<region>.amazonaws.com/id/X` → the host/path IAM condition keys use. */
export function issuerHost(issuerUrl: string): string {
    return issuerUrl.replace(/^https:\/\//, "");
}
