/**
 * The files the CloudWatch agent on an on-premises host needs before it can fetch its `ssm:`
 * configuration, and how they get there. Pure: tests assert the exact text.
 *
 * Why (sources in aws/amazon-cloudwatch-agent, commit ab55b8d):
 * - Without `[credentials]` in common-config.toml the agent uses profile `AmazonCloudWatchAgent`
 *   on-premises (translator/util/sdkutil.go `DEFAULT_PROFILE`, `GetCredentials`).
 * - The config downloader needs a region *before* it fetches the JSON (`agent.region` inside it is
 *   read too late): tool/downloader/downloader.go calls `util.DetectRegion`, which on-premises
 *   reads only the shared config files `[<shared_credential_file>, <its directory>/config]` for
 *   the profile (sdkutil.go `SDKRegionWithCredsMap`); the aws-sdk-go v1 loader accepts `[name]`
 *   or `[profile name]` sections (aws/session/shared_config.go `setFromIniFile`).
 * - common-config.toml lives at /opt/aws/amazon-cloudwatch-agent/etc/ on Linux and
 *   %ProgramData%\Amazon\AmazonCloudWatchAgent\ on Windows (tool/paths/paths_unix.go, paths_windows.go).
 * - On Windows the agent takes C:\Users\Administrator as its home (sdkutil.go
 *   `detectHomeDirectory`), so the credentials file must be named explicitly.
 * Hybrid hosts (aws/amazon-ssm-agent, commit 1c217c8): the SSM agent writes only the keys of
 * profile `default` (agent/managedInstances/sharedCredentials/shared_Credentials.go `Store`,
 * `defaultProfile`), no region, into `$HOME/.aws/credentials` of the user it runs as: root on
 * Linux (shared_Credentials_unix.go) and LocalSystem on Windows, whose %USERPROFILE% is
 * C:\Windows\System32\config\systemprofile (shared_Credentials_windows.go).
 */
import { renderAgentCommonConfig } from "../agent/cloudwatchAgentConfig";
import { AgentPlatform } from "../agent/hostMetrics";

/** Where the SSM agent keeps the hybrid role's credentials, per platform. */
export const HYBRID_CREDENTIALS_FILE: Readonly<Record<AgentPlatform, string>> = {
    linux: "/root/.aws/credentials",
    windows: "C:\\Windows\\System32\\config\\systemprofile\\.aws\\credentials",
};

/** Where the agent reads common-config.toml, per platform. */
export const COMMON_CONFIG_PATH: Readonly<Record<AgentPlatform, string>> = {
    linux: "/opt/aws/amazon-cloudwatch-agent/etc/common-config.toml",
    windows: "C:\\ProgramData\\Amazon\\AmazonCloudWatchAgent\\common-config.toml",
};

/**
 * Roles Anywhere hosts: the signing helper runs as `cwagent` (the agent's user) in a systemd
 * state directory it owns, because `aws_signing_helper update` creates the credentials file and
 * its directory 0600 as whoever runs it (aws/rolesanywhere-credential-helper,
 * aws_signing_helper/update.go `GetCredentialsFileContents`), which a root-run service would
 * make unreadable to the agent.
 */
export const ROLES_ANYWHERE_STATE_DIR = "/var/lib/oss-monitoring-aws";
export const ROLES_ANYWHERE_CREDENTIALS_FILE = `${ROLES_ANYWHERE_STATE_DIR}/credentials`;
export const ROLES_ANYWHERE_PROFILE = "AmazonCloudWatchAgent";

/** First line of every shared config file this project writes; files without it are never overwritten. */
export const MANAGED_MARKER = "# managed by oss-monitoring";

export type CredentialMode = "hybridActivation" | "rolesAnywhere";

/** Why hosts of these platforms cannot use a credential mode, or undefined: the on-prem schema and agentCredentials both ask. */
export function credentialPlatformsProblem(mode: CredentialMode, platforms: readonly AgentPlatform[]): string | undefined {
    return mode === "rolesAnywhere" && platforms.includes("windows")
        ? "rolesAnywhere hosts are Linux only here (the signing helper runs as a systemd unit as cwagent); use hybridActivation for Windows hosts"
        : undefined;
}

/** The credentials profile and file the agent uses for a credential mode and platform. */
export function agentCredentials(mode: CredentialMode, platform: AgentPlatform): { profile: string; file: string } {
    if (mode === "hybridActivation") {
        return { profile: "default", file: HYBRID_CREDENTIALS_FILE[platform] };
    }
    const problem = credentialPlatformsProblem(mode, [platform]);
    if (problem !== undefined) {
        throw new Error(`credentials.mode: ${problem}`);
    }
    return { profile: ROLES_ANYWHERE_PROFILE, file: ROLES_ANYWHERE_CREDENTIALS_FILE };
}

/** common-config.toml for a credential mode and platform. */
export function siteCommonConfig(mode: CredentialMode, platform: AgentPlatform = "linux"): string {
    const c = agentCredentials(mode, platform);
    return renderAgentCommonConfig({ credentialsProfile: c.profile, credentialsFile: c.file });
}

/** The `config` file next to the credentials file: the region the config downloader needs. */
export function sharedConfigText(profile: string, region: string): string {
    if (!/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(region)) {
        throw new Error(`region: "${region}" is not a region name`);
    }
    const section = profile === "default" ? "[default]" : `[profile ${profile}]`;
    return `${MANAGED_MARKER}\n${section}\nregion = ${region}\n`;
}

function linuxScript(commonConfig: string, sharedConfig: string, region: string): string[] {
    const dir = HYBRID_CREDENTIALS_FILE.linux.replace(/\/credentials$/, "");
    return [
        "set -eu",
        "umask 022",
        `install -d -m 0755 ${COMMON_CONFIG_PATH.linux.replace(/\/[^/]+$/, "")}`,
        `cat > ${COMMON_CONFIG_PATH.linux}.tmp <<'OSSMON_EOF'`,
        ...commonConfig.trimEnd().split("\n"),
        "OSSMON_EOF",
        `mv -f ${COMMON_CONFIG_PATH.linux}.tmp ${COMMON_CONFIG_PATH.linux}`,
        `install -d -m 0700 ${dir}`,
        `f=${dir}/config`,
        `if [ -f "$f" ] && ! head -n 1 "$f" | grep -qx '${MANAGED_MARKER}'; then`,
        `  if ! grep -Eq '^region *= *${region}$' "$f"; then echo "$f exists and is not managed by oss-monitoring: add 'region = ${region}' under [default]" >&2; exit 1; fi`,
        "else",
        `  umask 077; cat > "$f" <<'OSSMON_EOF'`,
        ...sharedConfig.trimEnd().split("\n"),
        "OSSMON_EOF",
        "fi",
    ];
}

function windowsScript(commonConfig: string, sharedConfig: string, region: string): string[] {
    const dir = HYBRID_CREDENTIALS_FILE.windows.replace(/\\credentials$/, "");
    return [
        "$ErrorActionPreference = 'Stop'",
        "$agentDir = Join-Path $env:ProgramData 'Amazon\\AmazonCloudWatchAgent'",
        "New-Item -ItemType Directory -Force -Path $agentDir | Out-Null",
        "$toml = @'",
        ...commonConfig.trimEnd().split("\n"),
        "'@",
        "Set-Content -Path (Join-Path $agentDir 'common-config.toml') -Value $toml -Encoding ASCII",
        `$awsDir = '${dir}'`,
        "New-Item -ItemType Directory -Force -Path $awsDir | Out-Null",
        "$f = Join-Path $awsDir 'config'",
        `if ((Test-Path $f) -and ((Get-Content $f -TotalCount 1) -ne '${MANAGED_MARKER}')) {`,
        `  if (-not (Select-String -Path $f -Pattern '^region *= *${region}$' -Quiet)) { throw "$f exists and is not managed by oss-monitoring: add 'region = ${region}' under [default]" }`,
        "} else {",
        "  $cfg = @'",
        ...sharedConfig.trimEnd().split("\n"),
        "'@",
        "  Set-Content -Path $f -Value $cfg -Encoding ASCII",
        "}",
    ];
}

/**
 * Command-document steps (schema 2.2) that write common-config.toml and the shared config with
 * the region on each platform. AgentAssociations runs them in its configure document before
 * AmazonCloudWatch-ManageAgent: State Manager runs associations in no fixed order, so the same
 * document is what orders them.
 */
export function hybridHostFileSteps(o: { region: string; platforms: readonly AgentPlatform[] }): Record<string, unknown>[] {
    return o.platforms.map((platform) => {
        const creds = agentCredentials("hybridActivation", platform);
        const common = siteCommonConfig("hybridActivation", platform);
        const shared = sharedConfigText(creds.profile, o.region);
        return platform === "linux"
            ? { action: "aws:runShellScript", name: "writeAgentFilesLinux", precondition: { StringEquals: ["platformType", "Linux"] }, inputs: { runCommand: linuxScript(common, shared, o.region), timeoutSeconds: "120" } }
            : { action: "aws:runPowerShellScript", name: "writeAgentFilesWindows", precondition: { StringEquals: ["platformType", "Windows"] }, inputs: { runCommand: windowsScript(common, shared, o.region), timeoutSeconds: "120" } };
    });
}

/** Paths of the certificate and key the signing helper reads (root-owned, group cwagent, 0640). */
export const HOST_CERTIFICATE = "/etc/pki/oss-monitoring/host.crt";
export const HOST_KEY = "/etc/pki/oss-monitoring/host.key";

/** The helper's command line, as the unit runs it. */
export function signingHelperCommand(o: { region: string; trustAnchorArn: string; profileArn: string; roleArn: string }): string {
    return [
        `AWS_SHARED_CREDENTIALS_FILE=${ROLES_ANYWHERE_CREDENTIALS_FILE}`,
        "aws_signing_helper update",
        `--certificate ${HOST_CERTIFICATE} --private-key ${HOST_KEY}`,
        `--trust-anchor-arn ${o.trustAnchorArn} --profile-arn ${o.profileArn} --role-arn ${o.roleArn}`,
        `--region ${o.region} --profile ${ROLES_ANYWHERE_PROFILE}`,
    ].join(" ");
}

/**
 * systemd unit for Roles Anywhere hosts: the helper runs as `cwagent` in a 0700 state directory
 * it owns (so the agent, also `cwagent`, can read the credentials) and writes the region into the
 * `config` next to them before it starts.
 */
export function signingHelperUnit(o: { region: string; trustAnchorArn: string; profileArn: string; roleArn: string }): string {
    const shared = sharedConfigText(ROLES_ANYWHERE_PROFILE, o.region).trimEnd().replace(/\n/g, "\\n");
    const [env, ...cmd] = signingHelperCommand(o).split(" ");
    return [
        "[Unit]",
        "Description=IAM Roles Anywhere credentials for the CloudWatch agent (oss-monitoring)",
        "Wants=network-online.target",
        "After=network-online.target",
        "Before=amazon-cloudwatch-agent.service",
        "",
        "[Service]",
        "User=cwagent",
        "Group=cwagent",
        `StateDirectory=${ROLES_ANYWHERE_STATE_DIR.replace("/var/lib/", "")}`,
        "StateDirectoryMode=0700",
        "UMask=0077",
        `Environment=${env}`,
        `ExecStartPre=/bin/sh -c 'printf "${shared}\\n" > ${ROLES_ANYWHERE_STATE_DIR}/config'`,
        `ExecStart=/usr/local/bin/${cmd.join(" ")}`,
        "Restart=always",
        "RestartSec=30",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ].join("\n");
}
