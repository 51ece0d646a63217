import { PolicyDocument, policyDocument, serviceTrust, Statement } from "./iam";

/** Trust for ECS tasks of this account only (confused-deputy protection). */
export function ecsTaskTrust(account: string, region: string): PolicyDocument {
    return serviceTrust("ecs-tasks.amazonaws.com", account, `arn:aws:ecs:${region}:${account}:*`);
}

/** The collector's task role: remote-write to the given AMP workspaces, nothing else. */
export function collectorTaskPolicy(workspaceArns: readonly string[]): PolicyDocument {
    if (workspaceArns.length === 0) {
        throw new Error("collectorTaskPolicy: at least one AMP workspace ARN is required");
    }
    return policyDocument([{ Sid: "RemoteWriteToHubWorkspaces", Effect: "Allow", Action: ["aps:RemoteWrite"], Resource: [...workspaceArns] }]);
}

export interface ExecutionPolicyArgs {
    readonly account: string;
    readonly region: string;
    /** ECR repository prefix of the pull-through cache the images come from. */
    readonly repositoryPrefix: string;
    readonly logGroupArn: string;
    /** SSM parameters injected into containers (collector config, client CA bundle). */
    readonly parameterArns: readonly string[];
    /** Secrets Manager secrets injected into containers (TLS key pair, bearer tokens). */
    readonly secretArns: readonly string[];
}

/**
 * The execution role ECS uses to start the task: pull through the ECR cache, write the
 * task's log group, and read exactly the parameters and secrets the containers receive.
 */
export function collectorExecutionPolicy(a: ExecutionPolicyArgs): PolicyDocument {
    const repos = `arn:aws:ecr:${a.region}:${a.account}:repository/${a.repositoryPrefix}/*`;
    const statements: Statement[] = [
        // GetAuthorizationToken has no resource-level permissions: "*" is the only valid value.
        { Sid: "EcrAuth", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
        {
            Sid: "PullThroughCache",
            Effect: "Allow",
            Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
            Resource: repos,
        },
        { Sid: "TaskLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${a.logGroupArn}:*` },
    ];
    if (a.parameterArns.length > 0) {
        statements.push({ Sid: "ContainerParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [...a.parameterArns] });
    }
    if (a.secretArns.length > 0) {
        statements.push({ Sid: "ContainerSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [...a.secretArns] });
        statements.push({
            Sid: "DecryptSecretsViaSecretsManager",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: `arn:aws:kms:${a.region}:${a.account}:key/*`,
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${a.region}.amazonaws.com` } },
        });
    }
    return policyDocument(statements);
}
