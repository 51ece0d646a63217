import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { collectorBinaries } from "./env";
import { parseExposition, request } from "./http";
import { Proc, waitFor } from "./procs";
import { RunPki } from "./tls";

/**
 * Environment of every collector child: dummy SigV4 credentials (the stand-ins ignore signatures;
 * env credentials also keep the AWS SDK from probing instance metadata, which is disabled too),
 * the run's CAs as Go's system roots, and the variables KubernetesCollector sets in a pod.
 */
export function collectorEnv(pki: RunPki, extra: Record<string, string> = {}): Record<string, string> {
    return {
        AWS_ACCESS_KEY_ID: "AKIAE2EDUMMYDUMMY000",
        AWS_SECRET_ACCESS_KEY: "e2e-dummy-secret-not-a-credential",
        AWS_REGION: "us-east-1",
        AWS_EC2_METADATA_DISABLED: "true",
        SSL_CERT_FILE: pki.roots,
        MY_POD_IP: "127.0.0.1",
        SHARD_INDEX: "0",
        ...extra,
    };
}

/** A collector process running a rendered configuration. */
export class Collector {
    readonly proc: Proc;
    readonly configFile: string;
    /** `args`: command-line flags after --config, as the deployed container passes them (e.g. feature gates). */
    constructor(readonly name: string, dir: string, yaml: string, readonly selfMetricsPort: number, env: Record<string, string>, args: readonly string[] = []) {
        this.configFile = path.join(dir, `${name}.yaml`);
        fs.writeFileSync(this.configFile, yaml);
        this.proc = new Proc(name, collectorBinaries().collector, [`--config=file:${this.configFile}`, ...args], path.join(dir, `${name}.log`), env);
    }

    async start(): Promise<this> {
        this.proc.start();
        await waitFor(`${this.name} self-telemetry on :${this.selfMetricsPort}`, async () => {
            if (!this.proc.alive) throw new Error(`${this.name} exited:\n${this.proc.logTail()}`);
            return (await request(`http://127.0.0.1:${this.selfMetricsPort}/metrics`)).status === 200 ? true : undefined;
        }, 60_000);
        return this;
    }

    async stop(): Promise<void> { await this.proc.stop(); }

    async restart(): Promise<void> { await this.stop(); await this.start(); }

    async metrics(): Promise<string> {
        return (await request(`http://127.0.0.1:${this.selfMetricsPort}/metrics`)).body;
    }

    /** Sum of one self-metric over the series whose labels contain `contains`. */
    async metric(name: string, contains = ""): Promise<number> {
        return parseExposition(await this.metrics(), name, (l) => l.includes(contains));
    }
}

/** `otelcol validate`: the built collector's own check of a configuration file. */
export function validate(configFile: string, env: Record<string, string>): Promise<{ ok: boolean; output: string }> {
    return new Promise((resolve) => {
        execFile(collectorBinaries().collector, ["validate", `--config=file:${configFile}`], { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
            resolve({ ok: err === null, output: `${stdout}${stderr}`.trim() });
        });
    });
}

export function version(): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(collectorBinaries().collector, ["--version"], (err, stdout) => (err ? reject(new Error(err.message)) : resolve(stdout.trim())));
    });
}

export function components(): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(collectorBinaries().collector, ["components"], { maxBuffer: 10_000_000 }, (err, stdout) => (err ? reject(new Error(err.message)) : resolve(stdout)));
    });
}
