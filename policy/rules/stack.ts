/** Stack level: a private path to the hub for every sender stack, cost-allocation tags on every AWS resource. */
import { aws } from "../lib/providers";
import { COST_ALLOCATION_TAG_KEYS } from "../../components/security/tags";
import { resourcePolicy, STACK_TAGS, stackPolicy } from "../lib/define";
import { interfaceEndpointServiceNames } from "../lib/aws/network";
import { NON_TAGGABLE_AWS_TYPES } from "../lib/aws/taggable";
import { asTags, isRecord, parseJsonish } from "../lib/values";

export const stackPrivatePathToHub = stackPolicy({
    name: "stack-private-path-to-hub",
    theme: "stack",
    severity: "high",
    summary: "Every monitored or on-premises stack has an Interface VPC endpoint to a PrivateLink endpoint service " +
        "(the hub's ingestion endpoint), so telemetry never crosses the internet. A service name not known during " +
        "preview (another stack's output) counts as the hub. No scanner reasons about cross-stack paths.",
    refs: {},
    remediation: "Add an aws.ec2.VpcEndpoint with vpcEndpointType \"Interface\" whose serviceName is the hub's endpoint " +
        "service (com.amazonaws.vpce.<region>.vpce-svc-...), and point the collector's exporter at it.",
    reads: [aws.ec2.VpcEndpoint],
    config: {
        roles: {
            type: "array", items: { type: "string" }, default: ["monitored", "onprem"],
            description: `Values of the ${STACK_TAGS.role} stack tag that must reach the hub privately.`,
        },
        endpointServicePrefix: {
            type: "string", default: "com.amazonaws.vpce.",
            description: "serviceName prefix of customer (PrivateLink) endpoint services.",
        },
    },
    validate({ args, config, report }) {
        const role = args.stackTags.get(STACK_TAGS.role);
        if (role === undefined || !config.roles.includes(role)) {
            args.notApplicable(`Only stacks whose ${STACK_TAGS.role} tag is one of ${config.roles.join(", ")}.`);
        }
        const names = interfaceEndpointServiceNames(args.resources);
        if (!names.some((n) => n === undefined || n.startsWith(config.endpointServicePrefix))) {
            report(`The ${role} stack has no Interface VPC endpoint to a ${config.endpointServicePrefix}* endpoint service, ` +
                "so it has no private path to the hub.");
        }
    },
});

/** Tags the provider adds to every resource (`defaultTags` arrives JSON-encoded in provider inputs). */
function providerDefaultTags(providerProps: Record<string, unknown> | undefined): Record<string, string> {
    const parsed = parseJsonish(providerProps?.defaultTags);
    const value = parsed.ok ? (Array.isArray(parsed.value) ? parsed.value[0] : parsed.value) : undefined;
    return isRecord(value) ? asTags(value.tags) : {};
}

export const costAllocationTags = resourcePolicy({
    name: "cost-allocation-tags",
    theme: "stack",
    severity: "low",
    summary: "Every taggable AWS resource carries the cost-allocation tags (on the resource or through the provider's " +
        "defaultTags). Types without a tags input in @pulumi/aws are exempt. Scanners only check tags when told which.",
    refs: {},
    remediation: "Pass the stack's cost tags (components/security/tags.ts) as `tags` to the resource, or set them once in the aws " +
        "provider's defaultTags.",
    types: [],
    config: {
        requiredKeys: {
            type: "array", items: { type: "string" }, minItems: 1, default: [...COST_ALLOCATION_TAG_KEYS],
            description: "Tag keys every taggable AWS resource must carry with a non-empty value.",
        },
        exemptTypes: {
            type: "array", items: { type: "string" }, default: [] as string[],
            description: "Further AWS type tokens to exempt (types from modules outside the generated non-taggable list).",
        },
    },
    validate(props, { args, config, report }) {
        if (!args.type.startsWith("aws:")) {
            args.notApplicable("Only AWS resources are tagged.");
        }
        if (NON_TAGGABLE_AWS_TYPES.has(args.type) || config.exemptTypes.includes(args.type)) {
            args.notApplicable(`${args.type} has no tags input.`);
        }
        const tags = { ...providerDefaultTags(args.provider?.props), ...asTags(props.tags) };
        const missing = config.requiredKeys.filter((k) => !(typeof tags[k] === "string" && tags[k].length > 0));
        if (missing.length > 0) {
            report(`Missing cost-allocation tag(s): ${missing.join(", ")}.`);
        }
    },
});
