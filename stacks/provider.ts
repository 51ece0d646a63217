import * as aws from "@pulumi/aws";
import { CommonConfig } from "./config/common";

/**
 * The AWS provider every resource of a stack uses: it assumes the deploy role in the target
 * account, refuses to touch any other account, and stamps the cost-allocation tags.
 */
export function deployProvider(name: string, config: CommonConfig, region: string = config.region): aws.Provider {
    return new aws.Provider(name, {
        region: region as aws.Region,
        allowedAccountIds: [config.account],
        ...(config.deployRole !== undefined
            ? {
                assumeRoles: [{
                    roleArn: config.deployRole.roleArn,
                    sessionName: config.deployRole.sessionName ?? `oss-monitoring-${config.role}`,
                    ...(config.deployRole.externalId !== undefined ? { externalId: config.deployRole.externalId } : {}),
                }],
            }
            : {}),
        defaultTags: { tags: config.tags },
    });
}
