import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";

/** A child process of the suite; its output goes to a log file, and `stopAll` ends every one still running. */
export class Proc {
    private child: ChildProcess | undefined;
    private exited: Promise<void> = Promise.resolve();
    constructor(
        readonly name: string,
        private readonly cmd: string,
        private readonly args: readonly string[],
        private readonly log: string,
        private readonly env: Record<string, string> = {},
    ) {}

    start(): this {
        if (this.child !== undefined) throw new Error(`${this.name} is already running`);
        const out = fs.openSync(this.log, "a");
        fs.writeSync(out, `\n--- start ${new Date().toISOString()} ${this.cmd} ${this.args.join(" ")}\n`);
        const child = spawn(this.cmd, [...this.args], { stdio: ["ignore", out, out], env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", ...this.env } });
        fs.closeSync(out);
        this.child = child;
        running.add(this);
        this.exited = new Promise((resolve) => child.once("exit", () => { this.child = undefined; running.delete(this); resolve(); }));
        return this;
    }

    get pid(): number | undefined { return this.child?.pid; }
    get alive(): boolean { return this.child !== undefined; }

    /** SIGTERM (graceful: collectors drain and close their queues), SIGKILL after `graceMs`. */
    async stop(graceMs = 15_000): Promise<void> {
        const child = this.child;
        if (child === undefined) return;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await this.exited;
        clearTimeout(timer);
    }

    /** SIGKILL: the process gets no chance to flush or close anything (a crash, an OOM kill, a stop timeout). */
    async kill(): Promise<void> {
        const child = this.child;
        if (child === undefined) return;
        child.kill("SIGKILL");
        await this.exited;
    }

    logTail(lines = 30): string {
        try { return fs.readFileSync(this.log, "utf8").split("\n").slice(-lines).join("\n"); } catch { return ""; }
    }
}

const running = new Set<Proc>();

export async function stopAll(): Promise<void> {
    await Promise.all([...running].map((p) => p.stop(5_000)));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A free loopback port (the kernel picks it; the suite binds it right after). */
export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

export async function freePorts(n: number): Promise<number[]> {
    const out = new Set<number>();
    while (out.size < n) out.add(await freePort());
    return [...out];
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 500): Promise<T> {
    const end = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const v = await check();
            if (v !== undefined) return v;
        } catch (e) {
            last = e;
        }
        if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last !== undefined ? `: ${(last instanceof Error ? last.message : JSON.stringify(last))}` : ""}`);
        await sleep(everyMs);
    }
}

export async function portOpen(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const s = net.connect(port, "127.0.0.1");
        s.once("connect", () => { s.destroy(); resolve(true); });
        s.once("error", () => resolve(false));
    });
}
