import { PolicyDocument, policyDocument, serviceTrust, Statement } from "../../security/iam";

/**
 * Trust of the task role (what the collector's own code uses): AWS documents aws:SourceAccount and
 * aws:SourceArn for it, with a wildcard ARN because "using the aws:SourceArn condition key to specify
 * a specific cluster is not currently supported"
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html; source:
 * awsdocs/amazon-ecs-developer-guide doc_source/task-iam-roles.md, "Important" note).
 */
export function ecsTaskTrust(account: string, region: string): PolicyDocument {
    return serviceTrust("ecs-tasks.amazonaws.com", account, `arn:aws:ecs:${region}:${account}:*`);
}

/**
 * Trust of the task execution role (what ECS/Fargate uses to pull images, write logs and read
 * secrets before the task starts). The execution-role page documents only an unconditioned trust
 * and never mentions aws:SourceArn/aws:SourceAccount
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html; source:
 * awsdocs/amazon-ecs-developer-guide doc_source/task_execution_IAM_role.md): which ARN ECS would put
 * in aws:SourceArn for this call is undocumented, so an ArnLike on it may deny every task start
 * ("ECS was unable to assume the role"). Only aws:SourceAccount is kept (the account-level key AWS's
 * own ECS samples use, e.g. aws/agent-toolkit-for-aws .../ecs-trust-policy.json); the first-deploy
 * checklist confirms tasks start with it. Cross-account misuse is also bounded by iam:PassRole,
 * which cannot pass a role to another account.
 */
export function ecsExecutionTrust(account: string): PolicyDocument {
    return serviceTrust("ecs-tasks.amazonaws.com", account);
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
