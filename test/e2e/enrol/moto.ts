/**
 * moto's server mode (https://github.com/getmoto/moto, Apache-2.0), installed by tools/moto/build.sh
 * into the tools cache and started here on a free loopback port: the AWS API emulator the enrolment
 * code's AWS SDK calls go to. moto 5.2.1 implements the Organizations calls enrol makes and those
 * the tests use to shape an organisation (moto/organizations/responses.py: create_organization,
 * create_organizational_unit, create_account, move_account, close_account, tag_resource,
 * list_accounts_for_parent, list_organizational_units_for_parent, list_tags_for_resource,
 * describe_organization). CloseAccount sets the account's Status and State to SUSPENDED at once
 * (moto/organizations/models.py FakeAccount.close; real AWS passes through PENDING_CLOSURE).
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as path from "path";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { freePort } from "../datapath/lib/procs";

const ROOT = path.resolve(__dirname, "../../..");


export class MotoServer {
    private constructor(readonly endpoint: string, private readonly proc: ChildProcess) {}

    /** Starts moto_server; `env` reaches it (e.g. INITIAL_NO_AUTH_ACTION_COUNT to enforce IAM). */
    static async start(env: Record<string, string> = {}): Promise<MotoServer> {
        const bin = execFileSync("bash", [path.join(ROOT, "tools/moto/build.sh")], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n").pop()!;
        const port = await freePort();
        const proc = spawn(bin, ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
        let stderr = "";
        proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const endpoint = `http://127.0.0.1:${port}`;
        for (let i = 0; i < 300; i++) {
            if (proc.exitCode !== null) {
                throw new Error(`moto_server exited ${proc.exitCode}: ${stderr.slice(-500)}`);
            }
            try {
                const r = await fetch(`${endpoint}/moto-api/data.json`);
                if (r.ok) {
                    return new MotoServer(endpoint, proc);
                }
            } catch {
                // not listening yet
            }
            await new Promise((r) => setTimeout(r, 100));
        }
        proc.kill();
        throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${stderr.slice(-500)}`);
    }

    /** An Organizations client for this server with dummy credentials (or the given ones). */
    client(credentials = { accessKeyId: "testing", secretAccessKey: "testing" }): OrganizationsClient {
        return new OrganizationsClient({ region: "us-east-1", endpoint: this.endpoint, credentials });
    }

    /** Forgets every resource (moto's reset API), so each test starts from an empty emulator. */
    async reset(): Promise<void> {
        await fetch(`${this.endpoint}/moto-api/reset`, { method: "POST" });
    }

    stop(): Promise<void> {
        return new Promise((resolve) => {
            if (this.proc.exitCode !== null) {
                resolve();
                return;
            }
            this.proc.once("exit", () => resolve());
            this.proc.kill("SIGTERM");
        });
    }
}
