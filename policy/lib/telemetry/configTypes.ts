import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { classesWith, typeClass } from "../aws/awsTypes";
import { POD_TEMPLATE_TYPES } from "./collector";

/**
 * Resource types that carry configuration text (collector YAML, HAProxy configs, agent JSON): SSM
 * parameters, ConfigMaps and Secrets, Helm values, S3 objects, Secrets Manager versions, and the
 * environment and commands of ECS task definitions, Lambda functions, Batch jobs and pod templates.
 */
export const CONFIG_TEXT_TYPES = [aws.ssm.Parameter, k8s.core.v1.ConfigMap, k8s.core.v1.ConfigMapPatch, k8s.core.v1.Secret, k8s.helm.v3.Release, k8s.helm.v4.Chart,
    aws.s3.BucketObject, aws.s3.BucketObjectv2, aws.secretsmanager.SecretVersion, aws.lambda.Function, aws.batch.JobDefinition,
    ...classesWith(["ecs:containerDefinitions"]), ...POD_TEMPLATE_TYPES.map(typeClass)];
