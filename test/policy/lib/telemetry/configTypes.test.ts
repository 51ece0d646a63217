import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { KUBERNETES_CONFIG_TYPES } from "../../../../policy/lib/telemetry/configTypes";
import { POD_TEMPLATE_TYPES } from "../../../../policy/lib/telemetry/collector";

const token = (cls: unknown) => (cls as { __pulumiType: string }).__pulumiType;

describe("policy/lib/telemetry/configTypes", () => {
    // The pack names these kinds by token so it need not load @pulumi/kubernetes; the SDK's classes are the authority.
    it("names the Kubernetes kinds that carry configuration by the type tokens of @pulumi/kubernetes's own classes", () => {
        assert.deepStrictEqual(KUBERNETES_CONFIG_TYPES, [k8s.core.v1.ConfigMap, k8s.core.v1.ConfigMapPatch, k8s.core.v1.Secret, k8s.helm.v3.Release, k8s.helm.v4.Chart].map(token));
        assert.deepStrictEqual(POD_TEMPLATE_TYPES, [k8s.core.v1.Pod, k8s.apps.v1.Deployment, k8s.apps.v1.StatefulSet, k8s.apps.v1.DaemonSet, k8s.apps.v1.ReplicaSet, k8s.batch.v1.Job, k8s.batch.v1.CronJob].map(token));
    });
});
