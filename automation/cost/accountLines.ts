import type { PlanResource } from "../plan/plan";
import { arr, CostLine, line, LineContext, ofType, str } from "./lines";

/** Per-account services: CloudWatch, Private CA, Secrets Manager, KMS, VPN, Route 53, Parameter Store, DR transfer. */

export function cloudwatchLines(ctx: LineContext): CostLine[] {
    const m = ctx.fleet.model;
    const region = ctx.stack.region;
    const out: CostLine[] = [];
    if (ctx.load.hosts > 0 && ofType(ctx.stack, "aws:ssm/association:Association").length > 0) {
        out.push(line(ctx, region, "CloudWatch metrics", `${ctx.load.hosts} agent hosts × ${m.cloudwatchMetricsPerHost} metrics`, "cloudwatchMetricMonth", ctx.load.hosts * m.cloudwatchMetricsPerHost, "metrics"));
    }
    if (ctx.stack.resources.some((r) => r.type === "oss-monitoring:cloudwatch:CloudWatchHostContent")) {
        const metrics = ctx.fleet.total.hosts * m.cloudwatchAlertMetricsPerHost * m.cloudwatchAlertRoundsPerMonth;
        out.push(line(ctx, region, "CloudWatch queries", `Grafana host alert rules: ${ctx.fleet.total.hosts} hosts × ${m.cloudwatchAlertMetricsPerHost} × ${m.cloudwatchAlertRoundsPerMonth} rounds`, "cloudwatchGetMetricData", metrics, "metrics requested"));
    }
    return out;
}

export function logsLines(ctx: LineContext): CostLine[] {
    const groups = ofType(ctx.stack, "aws:cloudwatch/logGroup:LogGroup");
    if (groups.length === 0 || ctx.load.logGb === 0) {
        return [];
    }
    const region = ctx.stack.region;
    // The longest retention among the stack's groups; 0 (never expire) is counted as 10 years.
    const days = Math.max(...groups.map((g) => (typeof g.inputs.retentionInDays === "number" && g.inputs.retentionInDays > 0 ? g.inputs.retentionInDays : 3650)));
    const stored = ctx.load.logGb * (days * 24 / ctx.prices(region).hoursPerMonth) * ctx.fleet.model.logStorageRatio;
    return [
        line(ctx, region, "CloudWatch Logs", `${ctx.load.logGb} GB a month ingested`, "logsIngestGb", ctx.load.logGb, "GB"),
        line(ctx, region, "CloudWatch Logs", `${days} days retained (steady state)`, "logsStorageGbMonth", stored, "GB-months"),
    ];
}

/** Certificates issued a month: a tenant certificate (validity in days) is re-issued every third of its validity (README "Tenant identity", 4); a CA certificate once per validity. */
export function issuedPerMonth(cert: PlanResource, hoursPerMonth: number): number {
    const v = cert.inputs.validity as { type?: string; value?: string } | undefined;
    const value = Number(v?.value);
    if (!(value > 0)) {
        return 0;
    }
    const days = { DAYS: value, MONTHS: value * 30.4, YEARS: value * 365 }[v?.type ?? ""] ?? 0;
    const periodDays = v?.type === "DAYS" ? days / 3 : days;
    return periodDays > 0 ? hoursPerMonth / 24 / periodDays : 0;
}

export function privateCaLines(ctx: LineContext): CostLine[] {
    const region = ctx.stack.region;
    const out = ofType(ctx.stack, "aws:acmpca/certificateAuthority:CertificateAuthority").map((ca) =>
        ca.inputs.usageMode === "SHORT_LIVED_CERTIFICATE"
            ? line(ctx, region, "Private CA", "CA, short-lived certificate mode", "privateCaShortLivedMonth", 1, "CA-months")
            : line(ctx, region, "Private CA", "CA, general-purpose mode", "privateCaGeneralPurposeMonth", 1, "CA-months"));
    const certs = ofType(ctx.stack, "aws:acmpca/certificate:Certificate");
    if (certs.length > 0) {
        const issued = certs.reduce((a, c) => a + issuedPerMonth(c, ctx.prices(region).hoursPerMonth), 0);
        out.push(line(ctx, region, "Private CA", `${certs.length} certificates, re-issued on rotation`, "privateCaCertificate", issued, "certificates a month"));
    }
    return out;
}

export function secretsKmsLines(ctx: LineContext): CostLine[] {
    const region = ctx.stack.region;
    const m = ctx.fleet.model;
    const out: CostLine[] = [];
    const secrets = ofType(ctx.stack, "aws:secretsmanager/secret:Secret").length;
    if (secrets > 0) {
        out.push(line(ctx, region, "Secrets Manager", `${secrets} secrets`, "secretMonth", secrets, "secret-months"));
        out.push(line(ctx, region, "Secrets Manager", "API calls", "secretsApiCalls", secrets * m.secretsApiCallsPerSecretMonth, "calls"));
    }
    const keys = ofType(ctx.stack, "aws:kms/key:Key").length;
    if (keys > 0) {
        out.push(line(ctx, region, "KMS", `${keys} customer managed keys`, "kmsKeyMonth", keys, "key-months"));
        out.push(line(ctx, region, "KMS", "requests", "kmsRequests", keys * m.kmsRequestsPerKeyMonth, "requests"));
    }
    return out;
}

export function networkLines(ctx: LineContext): CostLine[] {
    const region = ctx.stack.region;
    const hours = ctx.prices(region).hoursPerMonth;
    const out: CostLine[] = [];
    for (const vpn of ofType(ctx.stack, "aws:ec2/vpnConnection:VpnConnection")) {
        out.push(line(ctx, region, "VPN + Transit Gateway", "Site-to-Site VPN connection", "vpnConnectionHour", hours, "hours"));
        if (str(vpn.inputs.transitGatewayId) !== undefined) {
            out.push(line(ctx, region, "VPN + Transit Gateway", "VPN attachment to the transit gateway", "tgwAttachmentHour", hours, "hours"));
            // The site's metrics and logs enter the transit gateway from the VPN.
            out.push(line(ctx, region, "VPN + Transit Gateway", "site traffic through the transit gateway", "tgwDataGb", ctx.load.wireGb + ctx.load.logGb, "GB"));
        }
    }
    for (const r of ofType(ctx.stack, "aws:route53/resolverEndpoint:ResolverEndpoint")) {
        const enis = arr(r.inputs.ipAddresses).length;
        out.push(line(ctx, region, "Route 53", `Resolver ${(str(r.inputs.direction) ?? "").toLowerCase()} endpoint, ${enis} IPs`, "resolverEniHour", enis * hours, "ENI-hours"));
    }
    const zones = ofType(ctx.stack, "aws:route53/zone:Zone").length;
    if (zones > 0) {
        out.push(line(ctx, region, "Route 53", `${zones} private hosted zones`, "hostedZoneMonth", zones, "zone-months"));
    }
    for (const p of ofType(ctx.stack, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection")) {
        if (str(p.inputs.peerRegion) !== undefined && p.inputs.peerRegion !== region) {
            // The DR path: every sample is written again to the DR Region's workspace over the peering.
            out.push(line(ctx, region, "Data transfer", `remote write to ${String(p.inputs.peerRegion)} (DR)`, "interRegionGb", ctx.fleet.total.wireGb, "GB"));
        }
    }
    return out;
}

/** Advanced parameters: tier Advanced, or Intelligent-Tiering with a value over the standard 4 KB limit. */
export function ssmLines(ctx: LineContext): CostLine[] {
    const advanced = ofType(ctx.stack, "aws:ssm/parameter:Parameter").filter((p) => {
        const size = Buffer.byteLength(str(p.inputs.insecureValue) ?? str(p.inputs.value) ?? "", "utf8");
        return p.inputs.tier === "Advanced" || (p.inputs.tier === "Intelligent-Tiering" && size > 4096);
    });
    return advanced.length === 0 ? [] : [line(ctx, ctx.stack.region, "Systems Manager", `${advanced.length} advanced parameters (${advanced.map((p) => p.name).join(", ")})`, "ssmAdvancedParameterMonth", advanced.length, "parameter-months")];
}
