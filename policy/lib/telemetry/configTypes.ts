import { aws } from "../providers";
import { classesWith, typeClass } from "../aws/awsTypes";
import { POD_TEMPLATE_TYPES } from "./collector";

/**
 * Kubernetes kinds whose data or values can hold a whole configuration, by type token: naming them through
 * @pulumi/kubernetes loaded 109 of its modules (helm/v3's index loads its yaml module, which loads every API group)
 * for a static string each. test/policy/lib/telemetry/configTypes.test.ts holds them to the SDK's classes.
 */
export const KUBERNETES_CONFIG_TYPES = [
    "kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:ConfigMapPatch", "kubernetes:core/v1:Secret", "kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart",
];

/**
 * Resource types that carry configuration text (collector YAML, HAProxy configs, agent JSON): SSM
 * parameters, ConfigMaps and Secrets, Helm values, S3 objects, Secrets Manager versions, and the
 * environment and commands of ECS task definitions, Lambda functions, Batch jobs and pod templates.
 */
export const CONFIG_TEXT_TYPES = [aws.ssm.Parameter, ...KUBERNETES_CONFIG_TYPES.map(typeClass),
    aws.s3.BucketObject, aws.s3.BucketObjectv2, aws.secretsmanager.SecretVersion, aws.lambda.Function, aws.batch.JobDefinition,
    ...classesWith(["ecs:containerDefinitions"]), ...POD_TEMPLATE_TYPES.map(typeClass)];
